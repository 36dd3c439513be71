#include "status.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "date.h"
#include "log.h"
#include "util.h"
#include "version.h"

char *status_default_path(const char *cfg_path)
{
    if (cfg_path && cfg_path[0])
        return xstrdup(cfg_path);
    const char *dir = getenv("RUNTIME_DIRECTORY"); /* systemd's RuntimeDirectory= */
    if (dir && dir[0])
        return xasprintf("%s/status.json", dir);
    dir = getenv("XDG_RUNTIME_DIR");
    if (dir && dir[0])
        return xasprintf("%s/ticker/status.json", dir);
    return xstrdup("/run/ticker/status.json");
}

static void add_time(cJSON *o, const char *key, int64_t t)
{
    if (t <= 0) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char buf[32];
    date_format_rfc3339(t, buf, sizeof(buf));
    cJSON_AddStringToObject(o, key, buf);
}

static void add_text(cJSON *o, const char *key, const char *s)
{
    if (s && s[0])
        cJSON_AddStringToObject(o, key, s);
    else
        cJSON_AddNullToObject(o, key);
}

char *status_json(const struct source *sources, size_t count, const struct status_totals *t,
                  int64_t now)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "version", TICKER_VERSION);
    add_time(root, "updated", now);
    add_time(root, "started", t->started);
    cJSON_AddNumberToObject(root, "frames_shown", (double)t->frames_shown);
    cJSON_AddNumberToObject(root, "frames_dropped", (double)t->frames_dropped);
    cJSON_AddNumberToObject(root, "stories_shown", (double)t->stories_shown);
    cJSON *list = cJSON_AddArrayToObject(root, "sources");
    for (size_t i = 0; i < count; i++) {
        const struct source *s = &sources[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", s->name);
        cJSON_AddStringToObject(o, "url", s->shown_url);
        add_time(o, "last_attempt", s->last_attempt);
        add_time(o, "last_success", s->last_success);
        add_text(o, "last_error", s->last_error.msg);
        add_text(o, "cache_error", s->cache_error.msg);
        cJSON_AddNumberToObject(o, "failures", s->failures);
        cJSON_AddNumberToObject(o, "items", (double)s->stories.count);
        cJSON_AddBoolToObject(o, "signed", s->has_key);
        cJSON *v = cJSON_AddObjectToObject(o, "validators");
        add_text(v, "etag", s->etag);
        add_text(v, "last_modified", s->last_modified);
        if (s->sig_timestamp >= 0)
            cJSON_AddNumberToObject(v, "signature_timestamp", (double)s->sig_timestamp);
        else
            cJSON_AddNullToObject(v, "signature_timestamp");
        cJSON_AddItemToArray(list, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *out = xasprintf("%s\n", text);
    cJSON_free(text);
    return out;
}

bool status_write(const char *path, const struct source *sources, size_t count,
                  const struct status_totals *t, int64_t now, struct error *err)
{
    /* Replacing a device node or a FIFO someone put at the path would be a surprise. */
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        error_set(err, "%s: not a regular file; not replaced", path);
        return false;
    }
    /* The directory may not exist yet on a desktop run. */
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            log_debug("%s: cannot create: %s", dir, strerror(errno));
    }
    free(dir);
    char *json = status_json(sources, count, t, now);
    struct iovec part = {.iov_base = json, .iov_len = strlen(json)};
    bool ok = util_write_file_atomic_err(path, &part, 1, err);
    free(json);
    return ok;
}
