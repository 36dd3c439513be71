#include "feed.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "text.h"
#include "util.h"

#define MAX_TITLE_BYTES 1024
#define MAX_SUMMARY_BYTES 4096
#define MAX_FIGURE_BYTES 256

static void set_err(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

char *feed_clean_text(const char *s, size_t max_bytes)
{
    size_t len = strlen(s);
    char *out = xmalloc(len * 3 + 1); /* each invalid byte may become a 3-byte U+FFFD */
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned c = text_utf8_decode(s + i, len - i, &n);
        i += n;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0) {
            space = o > 0;
            continue;
        }
        if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x2028 || c == 0x2029)
            continue;
        char enc[4];
        size_t el;
        if (c < 0x80) {
            enc[0] = (char)c, el = 1;
        } else if (c < 0x800) {
            enc[0] = (char)(0xC0 | (c >> 6)), enc[1] = (char)(0x80 | (c & 0x3F)), el = 2;
        } else if (c < 0x10000) {
            enc[0] = (char)(0xE0 | (c >> 12)), enc[1] = (char)(0x80 | ((c >> 6) & 0x3F));
            enc[2] = (char)(0x80 | (c & 0x3F)), el = 3;
        } else {
            enc[0] = (char)(0xF0 | (c >> 18)), enc[1] = (char)(0x80 | ((c >> 12) & 0x3F));
            enc[2] = (char)(0x80 | ((c >> 6) & 0x3F)), enc[3] = (char)(0x80 | (c & 0x3F)), el = 4;
        }
        if (o + (space ? 1 : 0) + el > max_bytes)
            break;
        if (space)
            out[o++] = ' ';
        space = false;
        memcpy(out + o, enc, el);
        o += el;
    }
    out[o] = '\0';
    return out;
}

static char *json_text(const cJSON *obj, const char *key, size_t max_bytes)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring)
        return NULL;
    return feed_clean_text(v->valuestring, max_bytes);
}

static int64_t json_date(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    int64_t t;
    if (cJSON_IsString(v) && v->valuestring && date_parse_rfc3339(v->valuestring, &t))
        return t;
    return STORY_NO_DATE;
}

static void read_ticker_extension(const cJSON *item, struct story *s)
{
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(item, "_ticker");
    if (!cJSON_IsObject(ext))
        return;
    const cJSON *prio = cJSON_GetObjectItemCaseSensitive(ext, "priority");
    if (cJSON_IsNumber(prio) && prio->valuedouble >= -1000 && prio->valuedouble <= 1000)
        s->priority = (int)prio->valuedouble;
    s->expires = json_date(ext, "expires");
    const cJSON *figs = cJSON_GetObjectItemCaseSensitive(ext, "figures");
    const cJSON *fig;
    cJSON_ArrayForEach(fig, figs)
    {
        if (s->figure_count == STORY_MAX_FIGURES)
            break;
        char *value = json_text(fig, "value", MAX_FIGURE_BYTES);
        if (!value || !value[0]) {
            free(value);
            continue;
        }
        char *label = json_text(fig, "label", MAX_FIGURE_BYTES);
        s->figures[s->figure_count++] = (struct figure){value, label ? label : xstrdup("")};
    }
}

static bool parse_json_feed(const char *data, size_t len, const char *name,
                            struct story_list *out, char *err, size_t err_size)
{
    cJSON *root = cJSON_ParseWithLength(data, len);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        size_t off = at && at >= data && at <= data + len ? (size_t)(at - data) : 0;
        size_t line = 1, col = 1;
        for (size_t i = 0; i < off; i++, col++)
            if (data[i] == '\n')
                line++, col = 0;
        set_err(err, err_size, "%s:%zu:%zu: invalid JSON", name, line, col);
        return false;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsString(version) || !version->valuestring ||
        strncmp(version->valuestring, "https://jsonfeed.org/version/", 29) != 0) {
        set_err(err, err_size, "%s: not a JSON Feed (no \"version\": \"https://jsonfeed.org/...\")",
                name);
        goto err_free_root;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        set_err(err, err_size, "%s: JSON Feed has no \"items\" array", name);
        goto err_free_root;
    }
    char *title = json_text(root, "title", MAX_TITLE_BYTES);
    if (title) {
        free(out->title);
        out->title = title;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        if (out->count == FEED_MAX_ITEMS)
            break;
        char *headline = json_text(item, "title", MAX_TITLE_BYTES);
        char *summary = json_text(item, "summary", MAX_SUMMARY_BYTES);
        if (!summary || !summary[0]) {
            free(summary);
            summary = json_text(item, "content_text", MAX_SUMMARY_BYTES);
        }
        if (!headline || !headline[0]) {
            /* Title-less items (microblog posts) use their text as the headline. */
            free(headline);
            headline = summary;
            summary = NULL;
        }
        if (!headline || !headline[0]) {
            free(headline);
            free(summary);
            continue;
        }
        struct story *s = story_list_add(out);
        s->title = headline;
        s->summary = summary;
        s->id = json_text(item, "id", MAX_TITLE_BYTES);
        s->link = json_text(item, "url", MAX_TITLE_BYTES);
        s->source = xstrdup(name);
        s->published = json_date(item, "date_published");
        if (s->published == STORY_NO_DATE)
            s->published = json_date(item, "date_modified");
        read_ticker_extension(item, s);
        story_fill_defaults(s);
    }
    cJSON_Delete(root);
    return true;

err_free_root:
    cJSON_Delete(root);
    return false;
}

bool feed_parse(const char *data, size_t len, const char *source_name, struct story_list *out,
                char *err, size_t err_size)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && strchr(" \t\r\n", data[i]))
        i++;
    if (i == len) {
        set_err(err, err_size, "%s: empty feed", source_name);
        return false;
    }
    if (data[i] == '{')
        return parse_json_feed(data + i, len - i, source_name, out, err, err_size);
    if (data[i] == '<') {
        set_err(err, err_size, "%s: RSS/Atom feeds are not supported by this build yet",
                source_name);
        return false;
    }
    set_err(err, err_size, "%s:1:1: not a feed (neither JSON Feed nor XML)", source_name);
    return false;
}

bool feed_load(const char *src, struct story_list *out, char *err, size_t err_size)
{
    if (strncmp(src, "http://", 7) == 0 || strncmp(src, "https://", 8) == 0) {
        set_err(err, err_size, "%s: fetching URLs is not supported by this build yet", src);
        return false;
    }
    size_t len;
    char *data = util_read_file(src, FEED_MAX_BYTES, &len);
    if (!data) {
        set_err(err, err_size, "%s: %s", src,
                errno == EFBIG ? "larger than the 8 MiB feed limit" : strerror(errno));
        return false;
    }
    bool ok = feed_parse(data, len, src, out, err, err_size);
    free(data);
    return ok;
}
