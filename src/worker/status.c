#include "status.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "date.h"
#include "dynbuf.h"
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

/* What the file says of one source (or of the remote settings). */
static cJSON *source_object(const struct source *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "url", s->shown_url);
    add_time(o, "last_attempt", s->last_attempt);
    add_time(o, "last_success", s->last_success);
    add_text(o, "last_error", s->last_error.msg);
    add_text(o, "cache_error", s->cache_error.msg);
    cJSON_AddNumberToObject(o, "failures", s->failures);
    if (s->kind == SOURCE_FEED)
        cJSON_AddNumberToObject(o, "items", (double)s->stories.count);
    cJSON_AddBoolToObject(o, "signed", s->has_key);
    cJSON *v = cJSON_AddObjectToObject(o, "validators");
    add_text(v, "etag", s->etag);
    add_text(v, "last_modified", s->last_modified);
    if (s->sig_timestamp >= 0)
        cJSON_AddNumberToObject(v, "signature_timestamp", (double)s->sig_timestamp);
    else
        cJSON_AddNullToObject(v, "signature_timestamp");
    return o;
}

char *status_json(const struct source *sources, size_t count, const struct status_totals *t,
                  int64_t now)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "version", TICKER_VERSION);
    cJSON_AddStringToObject(root, "id", util_sign_id());
    add_time(root, "updated", now);
    add_time(root, "started", t->started);
    cJSON_AddNumberToObject(root, "frames_shown", (double)t->frames_shown);
    cJSON_AddNumberToObject(root, "frames_dropped", (double)t->frames_dropped);
    cJSON_AddNumberToObject(root, "stories_shown", (double)t->stories_shown);
    cJSON_AddNumberToObject(root, "alerts_shown", (double)t->alerts_shown);
    cJSON_AddStringToObject(root, "display", t->display_on ? "on" : "off");
    cJSON *list = cJSON_AddArrayToObject(root, "sources");
    for (size_t i = 0; i < count; i++)
        cJSON_AddItemToArray(list, source_object(&sources[i]));
    if (t->remote)
        cJSON_AddItemToObject(root, "remote", source_object(t->remote));
    else
        cJSON_AddNullToObject(root, "remote");
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *out = xasprintf("%s\n", text);
    cJSON_free(text);
    return out;
}

/* Replaces path with text (which it frees). */
static bool replace_file(const char *path, char *text, struct error *err)
{
    /* Replacing a device node or a FIFO someone put at the path would be a surprise. */
    struct stat st;
    bool ok = false;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        error_set(err, "%s: not a regular file; not replaced", path);
        goto out;
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
    struct iovec part = {.iov_base = text, .iov_len = strlen(text)};
    ok = util_write_file_atomic_err(path, &part, 1, err);
    /* For every reader, whatever the service's umask: node_exporter runs as its own user. */
    if (ok && chmod(path, 0644) != 0)
        log_debug("%s: cannot make it readable: %s", path, strerror(errno));
out:
    free(text);
    return ok;
}

bool status_write(const char *path, const struct source *sources, size_t count,
                  const struct status_totals *t, int64_t now, struct error *err)
{
    return replace_file(path, status_json(sources, count, t, now), err);
}

/* A label value in the exposition format: backslash, double quote and newline escaped. */
static void put_label(struct dynbuf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            dynbuf_add(b, "\\", 1);
        if (*v == '\n')
            dynbuf_add(b, "\\n", 2);
        else
            dynbuf_add(b, v, 1);
    }
}

static void put_family(struct dynbuf *b, const char *name, const char *type, const char *help)
{
    dynbuf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

char *status_metrics(const struct source *sources, size_t count, const struct status_totals *t)
{
    struct dynbuf b;
    dynbuf_init(&b, 1 << 20); /* 64 sources take a few KiB */
    put_family(&b, "ticker_frames_total", "counter", "Frames presented since the sign started.");
    dynbuf_addf(&b, "ticker_frames_total %llu\n", (unsigned long long)t->frames_shown);
    put_family(&b, "ticker_late_frames_total", "counter",
               "Frames presented one or more refresh periods late.");
    dynbuf_addf(&b, "ticker_late_frames_total %llu\n", (unsigned long long)t->frames_late);
    put_family(&b, "ticker_dropped_periods_total", "counter",
               "Refresh periods that passed without a new frame.");
    dynbuf_addf(&b, "ticker_dropped_periods_total %llu\n", (unsigned long long)t->frames_dropped);
    put_family(&b, "ticker_stories", "gauge", "Stories on the sign.");
    dynbuf_addf(&b, "ticker_stories %zu\n", t->stories_shown);
    put_family(&b, "ticker_alerts", "gauge",
               "Alerts on the sign (0: the news; more: they take over).");
    dynbuf_addf(&b, "ticker_alerts %zu\n", t->alerts_shown);
    put_family(&b, "ticker_display_on", "gauge",
               "1 while the display is on, 0 while the schedule has it off.");
    dynbuf_addf(&b, "ticker_display_on %d\n", t->display_on ? 1 : 0);
    put_family(&b, "ticker_info", "gauge", "The sign's version and id (its host name); always 1.");
    dynbuf_addf(&b, "ticker_info{version=\"%s\",id=\"%s\"} 1\n", TICKER_VERSION, util_sign_id());
    put_family(&b, "ticker_start_time_seconds", "gauge", "When the sign started, Unix time.");
    dynbuf_addf(&b, "ticker_start_time_seconds %lld\n", (long long)t->started);
    put_family(&b, "ticker_resident_memory_bytes", "gauge", "Resident memory of the sign.");
    dynbuf_addf(&b, "ticker_resident_memory_bytes %llu\n", (unsigned long long)t->resident_bytes);
    put_family(&b, "ticker_source_last_success_timestamp_seconds", "gauge",
               "When the source was last read successfully, Unix time; 0: never.");
    for (size_t i = 0; i < count; i++) {
        dynbuf_addf(&b, "ticker_source_last_success_timestamp_seconds{source=\"");
        put_label(&b, sources[i].name);
        dynbuf_addf(&b, "\"} %lld\n", (long long)sources[i].last_success);
    }
    put_family(&b, "ticker_source_failures_total", "counter",
               "Polls of the source that failed since the sign started.");
    for (size_t i = 0; i < count; i++) {
        dynbuf_addf(&b, "ticker_source_failures_total{source=\"");
        put_label(&b, sources[i].name);
        dynbuf_addf(&b, "\"} %llu\n", (unsigned long long)sources[i].failures_total);
    }
    put_family(&b, "ticker_source_stories", "gauge",
               "Stories the source gave in its last good read.");
    for (size_t i = 0; i < count; i++) {
        dynbuf_addf(&b, "ticker_source_stories{source=\"");
        put_label(&b, sources[i].name);
        dynbuf_addf(&b, "\"} %zu\n", sources[i].stories.count);
    }
    if (t->remote) {
        put_family(&b, "ticker_remote_last_success_timestamp_seconds", "gauge",
                   "When the remote settings were last read successfully, Unix time; 0: never.");
        dynbuf_addf(&b, "ticker_remote_last_success_timestamp_seconds %lld\n",
                    (long long)t->remote->last_success);
        put_family(&b, "ticker_remote_failures_total", "counter",
                   "Polls of the remote settings that failed or were refused.");
        dynbuf_addf(&b, "ticker_remote_failures_total %llu\n",
                    (unsigned long long)t->remote->failures_total);
    }
    return dynbuf_take(&b, NULL);
}

bool status_write_metrics(const char *path, const struct source *sources, size_t count,
                          const struct status_totals *t, struct error *err)
{
    return replace_file(path, status_metrics(sources, count, t), err);
}

uint64_t status_resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "re");
    if (!f)
        return 0;
    unsigned long long size, resident;
    bool ok = fscanf(f, "%llu %llu", &size, &resident) == 2;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return ok && page > 0 ? resident * (uint64_t)page : 0;
}
