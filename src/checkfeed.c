/* realpath(3) is XSI, beyond the POSIX base the build asks for. */
#define _XOPEN_SOURCE 700
#include "checkfeed.h"

#include <SDL_ttf.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ascii.h"
#include "config.h"
#include "date.h"
#include "feed.h"
#include "fetch.h"
#include "filter.h"
#include "layout.h"
#include "log.h"
#include "minisign.h"
#include "normalize.h"
#include "output.h"
#include "scene.h"
#include "util.h"

#define CHECK_MAX_SIZES 2
#define CHECK_HEADLINE_CHARS 40 /* of the headline in a problem line */

struct check {
    const char *src;
    struct config cfg;
    int sizes[CHECK_MAX_SIZES][2];
    size_t size_count;
    int64_t now;
    bool json;
    cJSON *doc, *problems; /* doc owns problems */
    /* The config's own filter for SRC ([source NAME] exclude, max_age_hours), if any. */
    const char *filter_source;
    struct story_filter filter;
};

/* The screen(s) a story is laid out for: the picture the sign draws on the configured mode
 * (turned, less the overscan) when it is fixed, else a common landscape and portrait screen. */
static void pick_sizes(struct check *c)
{
    const struct config *cfg = &c->cfg;
    if (!cfg->mode[0]) {
        c->sizes[0][0] = 1920, c->sizes[0][1] = 1080;
        c->sizes[1][0] = 1080, c->sizes[1][1] = 1920;
        c->size_count = 2;
        return;
    }
    output_picture_size(cfg->mode[0], cfg->mode[1], cfg->rotate, cfg->overscan, &c->sizes[0][0],
                        &c->sizes[0][1]);
    c->size_count = 1;
}

/* One problem: `SRC: story N "headline…": reason` (story 0: the feed as a whole). */
static void problem(struct check *c, size_t n, const char *title, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(struct check *c, size_t n, const char *title, const char *fmt, ...)
{
    char reason[512], line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    if (n > 0) {
        char *head = normalize_cut(title, CHECK_HEADLINE_CHARS);
        snprintf(line, sizeof(line), "%s: story %zu \"%s\": %s", c->src, n, head, reason);
        free(head);
    } else {
        snprintf(line, sizeof(line), "%s: %s", c->src, reason);
    }
    cJSON_AddItemToArray(c->problems, cJSON_CreateString(line));
}

/* The document at src, whole (a file, or fetched). */
static char *read_source(const char *src, size_t max, size_t *len, char **charset,
                         struct error *err)
{
    *charset = NULL;
    if (fetch_is_url(src)) {
        struct fetch_result res;
        if (!fetch_blocking(src, max, &res, err))
            return NULL;
        char *body = res.body;
        *len = res.len;
        *charset = res.charset;
        res.body = NULL;
        res.charset = NULL;
        fetch_result_finish(&res);
        return body;
    }
    char *data = util_read_file(src, max, len);
    if (!data)
        error_set(err, "%s: %s", src, feed_read_error(errno));
    return data;
}

/* Whether a source's url names src: the same text, or the same file. */
static bool same_source(const char *url, const char *src)
{
    if (strcmp(url, src) == 0)
        return true;
    if (fetch_is_url(url) || fetch_is_url(src))
        return false;
    char *a = realpath(url, NULL), *b = realpath(src, NULL);
    bool same = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

/* The keys the config gives the source whose url is src; 0 when it is not signed there. */
static size_t keys_for(const struct check *c, struct minisign_key keys[MINISIGN_MAX_KEYS],
                       struct error *err)
{
    for (size_t i = 0; i < c->cfg.source_count; i++) {
        const struct config_source *s = &c->cfg.sources[i];
        size_t count = 0;
        if (s->public_key[0] && same_source(s->url, c->src)) {
            if (!minisign_parse_keys(s->public_key, keys, &count, err))
                return SIZE_MAX;
            return count;
        }
    }
    return 0;
}

/* SRC.minisig: who signed it and when, checked when the config has a key for SRC (the sign
 * refuses an unsigned, badly signed or undated feed then). */
static void check_signature(struct check *c, const char *data, size_t len)
{
    struct minisign_key keys[MINISIGN_MAX_KEYS];
    struct error err = {""};
    size_t key_count = keys_for(c, keys, &err);
    cJSON *o = cJSON_AddObjectToObject(c->doc, "signature");
    cJSON_AddBoolToObject(o, "required", key_count > 0);
    if (key_count == SIZE_MAX) {
        problem(c, 0, NULL, "public_key in the config: %s; the sign accepts no feed", err.msg);
        return;
    }
    char sig_path[4096], *charset, *sig_text;
    size_t sig_len = 0;
    snprintf(sig_path, sizeof(sig_path), "%s.minisig", c->src);
    sig_text = read_source(sig_path, 64 * 1024, &sig_len, &charset, &err);
    free(charset);
    cJSON_AddBoolToObject(o, "present", sig_text != NULL);
    if (!sig_text) {
        if (key_count > 0)
            problem(c, 0, NULL, "unsigned (%s), and the config wants it signed", err.msg);
        return;
    }
    struct minisign_sig sig;
    if (!minisign_parse_sig(sig_text, sig_len, &sig, &err)) {
        problem(c, 0, NULL, "%s: %s", sig_path, err.msg);
        goto done;
    }
    char id[17], when[32] = "";
    minisign_format_key_id(sig.key_id, id);
    cJSON_AddStringToObject(o, "key_id", id);
    if (sig.timestamp >= 0) {
        date_format_rfc3339(sig.timestamp, when, sizeof(when));
        cJSON_AddStringToObject(o, "timestamp", when);
    } else {
        cJSON_AddNullToObject(o, "timestamp");
    }
    if (key_count == 0) {
        cJSON_AddNullToObject(o, "valid");
        if (!c->json)
            printf("%s: signed with key %s%s%s; not checked: no public_key for it in the config\n",
                   c->src, id, when[0] ? " at " : "", when);
        goto done;
    }
    bool valid = minisign_check_keys(keys, key_count, sig_text, sig_len, (const uint8_t *)data, len,
                                     NULL, &err);
    cJSON_AddBoolToObject(o, "valid", valid);
    if (!valid)
        problem(c, 0, NULL, "signature: %s; the sign refuses the feed", err.msg);
    else if (sig.timestamp < 0)
        problem(c, 0, NULL, "signature: no timestamp in its trusted comment; the sign refuses it");
    else if (!c->json)
        printf("%s: signature valid, key %s, signed at %s\n", c->src, id, when);
done:
    minisign_sig_finish(&sig);
    free(sig_text);
}

/* The headline as compared for duplicates: letters and digits only, ASCII in lower case. */
static char *headline_key(const char *title)
{
    char *k = xmalloc(strlen(title) + 1), *q = k;
    for (const unsigned char *p = (const unsigned char *)title; *p; p++)
        if (*p >= 0x80 || ascii_is_alnum((char)*p))
            *q++ = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    *q = '\0';
    return k;
}

/* An earlier story this one repeats (1-based), 0 for none; *why says what is the same. *drops:
 * the sign shows it once (the same id, link or headline but for ASCII case: story_list_dedup);
 * else the headlines differ only in punctuation, spaces or case, and the sign shows both. */
static size_t duplicate_of(const struct story_list *l, size_t i, char **keys, const char **why,
                           bool *drops)
{
    const struct story *s = &l->items[i];
    *drops = true;
    for (size_t j = 0; j < i; j++) {
        const struct story *e = &l->items[j];
        *why = strcmp(e->id, s->id) == 0                     ? "id"
               : s->link[0] && strcmp(e->link, s->link) == 0 ? "link"
               : ascii_casecmp(e->title, s->title) == 0      ? "headline"
                                                             : NULL;
        if (*why)
            return j + 1;
    }
    *drops = false;
    *why = "headline";
    for (size_t j = 0; j < i; j++)
        if (keys[j][0] && strcmp(keys[j], keys[i]) == 0)
            return j + 1;
    return 0;
}

static void add_date(cJSON *o, const char *key, int64_t t)
{
    char buf[32];
    if (t == STORY_NO_DATE) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    date_format_rfc3339(t, buf, sizeof(buf));
    cJSON_AddStringToObject(o, key, buf);
}

/* The headline as the card lays it out at each size: lines, and whether it ends cut short. */
static void check_layout(struct check *c, struct scene_fonts *fonts, const struct story *s,
                         size_t n, cJSON *o, char *info, size_t info_size)
{
    struct text_measure bold = font_measure(&fonts->bold);
    struct text_measure regular = font_measure(&fonts->regular);
    cJSON *arr = cJSON_AddArrayToObject(o, "layout");
    size_t used = 0;
    for (size_t k = 0; k < c->size_count; k++) {
        struct screen_layout sl;
        layout_screen(c->sizes[k][0], c->sizes[k][1], c->cfg.theme.text_scale, &sl);
        struct card_layout *cl = xmalloc(sizeof(*cl));
        layout_card(&sl, &bold, &regular, s, cl);
        char size[32];
        snprintf(size, sizeof(size), "%dx%d", c->sizes[k][0], c->sizes[k][1]);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "size", size);
        cJSON_AddNumberToObject(e, "headline_lines", (double)cl->headline.line_count);
        cJSON_AddBoolToObject(e, "headline_cut", cl->headline.truncated);
        cJSON_AddBoolToObject(e, "summary_cut", cl->summary.truncated);
        cJSON_AddItemToArray(arr, e);
        used += (size_t)snprintf(info + used, info_size - used, "%s%zu line%s at %s%s",
                                 k ? ", " : "headline ", cl->headline.line_count,
                                 cl->headline.line_count == 1 ? "" : "s", size,
                                 cl->headline.truncated ? " (cut)" : "");
        if (used >= info_size)
            used = info_size - 1;
        if (cl->headline.truncated)
            problem(c, n, s->title,
                    "headline cut with an ellipsis at %s (%zu lines do not hold it)", size,
                    cl->headline.line_count);
        free(cl);
    }
}

static void check_story(struct check *c, struct scene_fonts *fonts, const struct story_list *l,
                        size_t i, char **keys, const bool *past_limit)
{
    const struct story *s = &l->items[i];
    size_t n = i + 1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_GetObjectItem(c->doc, "stories"), o);
    cJSON_AddNumberToObject(o, "story", (double)n);
    cJSON_AddStringToObject(o, "id", s->id);
    cJSON_AddStringToObject(o, "title", s->title);
    char info[1024];
    check_layout(c, fonts, s, n, o, info, sizeof(info));

    cJSON *figs = cJSON_AddArrayToObject(o, "figures");
    size_t used = strlen(info);
    for (size_t f = 0; f < s->figure_count; f++) {
        const char *from = s->figures_extracted ? "extracted" : "feed";
        cJSON *fo = cJSON_CreateObject();
        cJSON_AddStringToObject(fo, "value", s->figures[f].value);
        cJSON_AddStringToObject(fo, "label", s->figures[f].label);
        cJSON_AddStringToObject(fo, "from", from);
        cJSON_AddItemToArray(figs, fo);
        used += (size_t)snprintf(info + used, sizeof(info) - used, "%s%s (%s)",
                                 f ? ", " : "; figures ", s->figures[f].value, from);
        if (used >= sizeof(info))
            used = sizeof(info) - 1;
    }

    add_date(o, "expires", s->expires);
    bool expired = s->expires != STORY_NO_DATE && s->expires <= c->now;
    cJSON_AddBoolToObject(o, "expired", expired);
    if (expired) {
        char when[32];
        date_format_rfc3339(s->expires, when, sizeof(when));
        problem(c, n, s->title, "expired at %s; the sign does not show it", when);
    }
    /* Scheduled on purpose: said, not a problem. */
    add_date(o, "starts", s->starts);
    bool waiting = s->starts != STORY_NO_DATE && s->starts > c->now;
    cJSON_AddBoolToObject(o, "not_started", waiting);
    if (waiting) {
        char when[32];
        date_format_rfc3339(s->starts, when, sizeof(when));
        used = strlen(info);
        snprintf(info + used, sizeof(info) - used, "; not shown before %s", when);
    }
    /* Said, not a problem: an alert is on purpose (an expired one is a problem above). */
    cJSON_AddBoolToObject(o, "alert", s->alert);
    if (s->alert) {
        used = strlen(info);
        snprintf(info + used, sizeof(info) - used, "; alert: takes over the whole sign");
    }
    int64_t max_age_s = (int64_t)c->cfg.max_age_hours * 3600;
    if (max_age_s > 0 && s->published != STORY_NO_DATE && s->published < c->now - max_age_s)
        problem(c, n, s->title, "published more than %d hours ago; [sign] max_age_hours drops it",
                c->cfg.max_age_hours);

    if (c->filter_source && !story_filter_keeps(&c->filter, s, c->now)) {
        bool old = c->filter.max_age_s > 0 && s->published != STORY_NO_DATE &&
                   s->published < c->now - c->filter.max_age_s;
        cJSON_AddBoolToObject(o, "filtered", true);
        problem(c, n, s->title, "kept off the sign by [source %s] %s", c->filter_source,
                old ? "max_age_hours" : "exclude");
    }

    uint32_t first = 0;
    size_t missing = scene_missing_glyphs(fonts, s, &first);
    cJSON_AddNumberToObject(o, "missing_glyphs", (double)missing);
    if (missing)
        problem(c, n, s->title,
                "%zu character%s no installed font has (first U+%04X), shown as boxes", missing,
                missing == 1 ? "" : "s", first);

    cJSON_AddBoolToObject(o, "past_max_stories", past_limit[i]);
    if (past_limit[i])
        problem(c, n, s->title, "not shown: past max_stories (%d)", c->cfg.max_stories);

    const char *why = "";
    bool drops;
    size_t dup = duplicate_of(l, i, keys, &why, &drops);
    if (dup && drops)
        problem(c, n, s->title, "same %s as story %zu; the sign shows it once", why, dup);
    else if (dup)
        problem(c, n, s->title, "nearly the same headline as story %zu; the sign shows both", dup);
    cJSON_AddItemToObject(o, "duplicate_of",
                          dup && drops ? cJSON_CreateNumber((double)dup) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "similar_to",
                          dup && !drops ? cJSON_CreateNumber((double)dup) : cJSON_CreateNull());
    if (!c->json) {
        char *head = normalize_cut(s->title, CHECK_HEADLINE_CHARS);
        printf("%s: story %zu \"%s\": %s\n", c->src, n, head, info);
        free(head);
    }
}

/* Which stories [sign] max_stories leaves off: a copy of the feed through the sign's own steps
 * (the source's filter, then story_list_prepare: expired, not started and too old dropped,
 * sorted, duplicates once), each copy carrying its feed position in its source field, which
 * nothing there reads. What stays past the limit is marked. Caller frees. */
static bool *past_max_stories(const struct check *c, const struct story_list *l)
{
    bool *past = xcalloc(l->count + 1, sizeof(*past));
    struct story_list shown;
    story_list_init(&shown);
    for (size_t i = 0; i < l->count; i++) {
        if (c->filter_source && !story_filter_keeps(&c->filter, &l->items[i], c->now))
            continue;
        struct story *s = story_list_add(&shown);
        story_copy(s, &l->items[i]);
        free(s->source);
        s->source = xasprintf("%zu", i);
    }
    story_list_prepare(&shown, c->now, (int64_t)c->cfg.max_age_hours * 3600, 0);
    for (size_t k = (size_t)c->cfg.max_stories; k < shown.count; k++)
        past[strtoul(shown.items[k].source, NULL, 10)] = true;
    story_list_finish(&shown);
    return past;
}

static bool check_stories(struct check *c, const struct story_list *l)
{
    if (TTF_Init() != 0) {
        log_error("cannot initialise SDL_ttf: %s", TTF_GetError());
        return false;
    }
    struct scene_fonts fonts;
    bool ok = scene_fonts_init(&fonts, &c->cfg);
    if (ok) {
        char **keys = xcalloc(l->count + 1, sizeof(*keys));
        for (size_t i = 0; i < l->count; i++)
            keys[i] = headline_key(l->items[i].title);
        bool *past = past_max_stories(c, l);
        for (size_t i = 0; i < l->count; i++)
            check_story(c, &fonts, l, i, keys, past);
        for (size_t i = 0; i < l->count; i++)
            free(keys[i]);
        free(keys);
        free(past);
        scene_fonts_finish(&fonts);
    }
    TTF_Quit();
    fonts_shutdown();
    return ok;
}

static int report(struct check *c, size_t story_count)
{
    int problems = cJSON_GetArraySize(c->problems);
    if (c->json) {
        char *text = cJSON_Print(c->doc);
        puts(text);
        cJSON_free(text);
    } else {
        for (int i = 0; i < problems; i++)
            fprintf(stderr, "%s\n", cJSON_GetArrayItem(c->problems, i)->valuestring);
        if (problems == 0)
            printf("%s: ok: %zu stor%s, shown as written\n", c->src, story_count,
                   story_count == 1 ? "y" : "ies");
    }
    if (fflush(stdout) != 0)
        return 2;
    return problems ? 1 : 0;
}

int checkfeed_run(const struct checkfeed_options *opt)
{
    int status = 2;
    struct check c = {.src = opt->src, .now = (int64_t)time(NULL)};
    config_init(&c.cfg);
    if (opt->config_path && !config_load(&c.cfg, opt->config_path))
        goto err_config;
    pick_sizes(&c);

    struct error err;
    for (size_t i = 0; i < c.cfg.source_count && !c.filter_source; i++) {
        const struct config_source *cs = &c.cfg.sources[i];
        if ((cs->exclude[0] || cs->max_age_hours > 0) && same_source(cs->url, c.src)) {
            if (!story_filter_init(&c.filter, cs->exclude, (int64_t)cs->max_age_hours * 3600,
                                   &err)) {
                log_error("[source %s]: %s", cs->name, err.msg);
                goto err_config;
            }
            c.filter_source = cs->name;
        }
    }
    size_t len = 0;
    char *charset;
    char *data = read_source(opt->src, FEED_MAX_BYTES, &len, &charset, &err);
    if (!data) {
        log_error("%s", err.msg);
        goto err_config;
    }
    struct story_list list;
    story_list_init(&list);
    bool parsed = feed_parse(data, len, opt->src, charset, &list, &err);
    free(charset);
    if (!parsed) {
        log_error("%s", err.msg);
        goto err_list;
    }

    c.doc = cJSON_CreateObject();
    c.json = opt->json;
    cJSON_AddStringToObject(c.doc, "source", opt->src);
    cJSON *sizes = cJSON_AddArrayToObject(c.doc, "sizes");
    for (size_t k = 0; k < c.size_count; k++) {
        char size[32];
        snprintf(size, sizeof(size), "%dx%d", c.sizes[k][0], c.sizes[k][1]);
        cJSON_AddItemToArray(sizes, cJSON_CreateString(size));
    }
    c.problems = cJSON_AddArrayToObject(c.doc, "problems");
    cJSON_AddArrayToObject(c.doc, "stories");
    check_signature(&c, data, len);
    if (check_stories(&c, &list))
        status = report(&c, list.count);
    cJSON_Delete(c.doc);
err_list:
    story_list_finish(&list);
    free(data);
err_config:
    if (c.filter_source)
        story_filter_finish(&c.filter);
    config_finish(&c.cfg);
    return status;
}
