#include "feed_json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "feed.h"
#include "normalize.h"
#include "util.h"

static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* A text field through the normaliser; NULL when absent or empty after cleaning. */
static char *json_text(const cJSON *obj, const char *key, unsigned flags, size_t max_bytes)
{
    const char *s = json_string(obj, key);
    if (!s)
        return NULL;
    char *t = normalize_text(s, strlen(s), flags, max_bytes);
    if (!t[0]) {
        free(t);
        return NULL;
    }
    return t;
}

static int64_t json_date(const cJSON *obj, const char *key)
{
    const char *s = json_string(obj, key);
    int64_t t;
    if (s && date_parse_any(s, &t))
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
    s->starts = json_date(ext, "starts");
    s->expires = json_date(ext, "expires");
    s->alert = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ext, "alert"));
    const cJSON *figs = cJSON_GetObjectItemCaseSensitive(ext, "figures");
    const cJSON *fig;
    cJSON_ArrayForEach(fig, figs)
    {
        if (s->figure_count == STORY_MAX_FIGURES)
            break;
        char *value = json_text(fig, "value", NORMALIZE_PLAIN, FEED_MAX_FIGURE_BYTES);
        if (!value)
            continue;
        char *label = json_text(fig, "label", NORMALIZE_PLAIN, FEED_MAX_FIGURE_BYTES);
        s->figures[s->figure_count++] = (struct figure){value, label ? label : xstrdup("")};
    }
}

/* The summary a card shows: the item's summary, else its text, else its HTML (uncut). */
static char *item_summary(const cJSON *item)
{
    char *text = json_text(item, "summary", NORMALIZE_HTML, FEED_MAX_SUMMARY_BYTES);
    if (!text)
        text = json_text(item, "content_text", NORMALIZE_PLAIN, FEED_MAX_SUMMARY_BYTES);
    if (!text)
        text = json_text(item, "content_html", NORMALIZE_HTML, FEED_MAX_SUMMARY_BYTES);
    return text;
}

static void report_syntax_error(const char *data, size_t len, const char *name, struct error *err)
{
    const char *at = cJSON_GetErrorPtr();
    size_t off = at && at >= data && at <= data + len ? (size_t)(at - data) : 0;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < off; i++, col++)
        if (data[i] == '\n')
            line++, col = 0;
    error_set(err, "%s:%zu:%zu: invalid JSON", name, line, col);
}

bool feed_json_parse(const char *data, size_t len, const char *name, struct story_list *out,
                     struct error *err)
{
    cJSON *root = cJSON_ParseWithLength(data, len);
    if (!root) {
        report_syntax_error(data, len, name, err);
        return false;
    }
    const char *version = json_string(root, "version");
    static const char version_prefix[] = "https://jsonfeed.org/version/";
    if (!version || strncmp(version, version_prefix, sizeof(version_prefix) - 1) != 0) {
        error_set(err, "%s: not a JSON Feed (no \"version\": \"https://jsonfeed.org/version/...\")",
                  name);
        goto err_free_root;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        error_set(err, "%s: JSON Feed has no \"items\" array", name);
        goto err_free_root;
    }
    char *title = json_text(root, "title", NORMALIZE_PLAIN, FEED_MAX_TITLE_BYTES);
    if (title) {
        free(out->title);
        out->title = title;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        if (out->count == FEED_MAX_ITEMS)
            break;
        if (!cJSON_IsObject(item))
            continue;
        char *headline = json_text(item, "title", NORMALIZE_HTML, FEED_MAX_TITLE_BYTES);
        char *summary = item_summary(item);
        if (!headline && !summary)
            continue;
        struct story *s = story_list_add(out);
        s->title = headline;
        s->summary = summary;
        s->id = json_text(item, "id", NORMALIZE_PLAIN, FEED_MAX_TITLE_BYTES);
        s->link = json_text(item, "url", NORMALIZE_PLAIN, FEED_MAX_TITLE_BYTES);
        if (!s->link)
            s->link = json_text(item, "external_url", NORMALIZE_PLAIN, FEED_MAX_TITLE_BYTES);
        s->published = json_date(item, "date_published");
        if (s->published == STORY_NO_DATE)
            s->published = json_date(item, "date_modified");
        read_ticker_extension(item, s);
        feed_story_finish(s, name);
    }
    cJSON_Delete(root);
    return true;

err_free_root:
    cJSON_Delete(root);
    return false;
}
