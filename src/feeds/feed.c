#include "feed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "charset.h"
#include "feed_json.h"
#include "feed_xml.h"
#include "fetch.h"
#include "figures.h"
#include "log.h"
#include "normalize.h"
#include "util.h"

/* Summaries are cleaned to FEED_MAX_SUMMARY_BYTES, more than FEED_SUMMARY_CHARS code points of
 * any width, so normalize_cut sees that the text goes on and ends it with an ellipsis. */
_Static_assert(FEED_MAX_SUMMARY_BYTES > FEED_SUMMARY_CHARS * 4, "summary cut needs lookahead");
_Static_assert(FEED_HEADLINE_FROM_SUMMARY_CHARS * 4 + 3 < FEED_MAX_TITLE_BYTES,
               "headline from a summary too long for a title");

/* The first character that is not a byte order mark or white space, in whatever encoding the
 * sniff found (ASCII-compatible when none). */
static char first_char(const char *data, size_t len, const struct charset_sniff *sniff)
{
    const unsigned char *p = (const unsigned char *)data;
    /* The ASCII byte of a UTF-16 or UTF-32 code unit: its first, or its last in big endian. */
    size_t i = sniff->bom_len + (sniff->big_endian ? sniff->unit - 1 : 0);
    for (; i < len; i += sniff->unit)
        if (!strchr(" \t\r\n", p[i]))
            return (char)p[i];
    return '\0';
}

bool feed_parse(const char *data, size_t len, const char *name, const char *http_charset,
                struct story_list *out, struct error *err)
{
    struct charset_sniff sniff = charset_sniff(data, len);
    switch (first_char(data, len, &sniff)) {
    case '\0':
        error_set(err, "%s: empty feed", name);
        return false;
    case '{':
        if (sniff.unit > 1) {
            error_set(err, "%s: JSON Feed must be UTF-8 (this looks like UTF-16)", name);
            return false;
        }
        return feed_json_parse(data + sniff.bom_len, len - sniff.bom_len, name, out, err);
    case '<':
        return feed_xml_parse(data, len, name, http_charset, out, err);
    default:
        error_set(err, "%s:1:1: not a feed (neither JSON Feed nor XML)", name);
        return false;
    }
}

const char *feed_read_error(int err)
{
    return err == EFBIG ? "larger than the " STRINGIFY(FEED_MAX_MIB) " MiB feed limit"
                        : util_read_error(err);
}

bool feed_load(const char *src, struct story_list *out, struct error *err)
{
    if (fetch_is_url(src)) {
        struct fetch_result res;
        if (!fetch_blocking(src, FEED_MAX_BYTES, &res, err))
            return false;
        bool ok = feed_parse(res.body, res.len, src, res.charset, out, err);
        fetch_result_finish(&res);
        return ok;
    }
    size_t len;
    char *data = util_read_file(src, FEED_MAX_BYTES, &len);
    if (!data) {
        error_set(err, "%s: %s", src, feed_read_error(errno));
        return false;
    }
    bool ok = feed_parse(data, len, src, NULL, out, err);
    free(data);
    return ok;
}

bool feed_load_sources(const struct config *cfg, struct story_list *out)
{
    bool any = false;
    for (size_t i = 0; i < cfg->source_count; i++) {
        struct story_list one;
        story_list_init(&one);
        struct error err;
        if (feed_load(cfg->sources[i].url, &one, &err)) {
            any = true;
            if (!out->title[0] && one.title[0]) {
                free(out->title);
                out->title = xstrdup(one.title);
            }
            story_list_append(out, &one);
        } else {
            log_error("%s", err.msg);
        }
        story_list_finish(&one);
    }
    story_list_prepare(out, (int64_t)time(NULL), (int64_t)cfg->max_age_hours * 3600,
                       (size_t)cfg->max_stories);
    return any;
}

void feed_story_finish(struct story *s, const char *name)
{
    char *text = s->summary;
    if (s->title) {
        s->summary = text ? normalize_cut(text, FEED_SUMMARY_CHARS) : NULL;
    } else {
        s->title = normalize_cut(text, FEED_HEADLINE_FROM_SUMMARY_CHARS);
        s->summary = NULL;
    }
    free(text);
    s->source = xstrdup(name);
    story_fill_defaults(s);
    /* An alert's words matter more than its numbers ("18 miles", "5 mph" of a storm warning):
     * it gets tiles only when the feed gives them. */
    if (s->figure_count == 0 && !s->alert) {
        s->figure_count = figures_extract(s->title, s->summary, s->figures, STORY_MAX_FIGURES);
        s->figures_extracted = s->figure_count > 0;
    }
}
