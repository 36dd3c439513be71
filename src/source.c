#include "source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "feed.h"
#include "log.h"
#include "util.h"

#define SIG_MAX_BYTES (16 * 1024)

static uint32_t jitter_random(void)
{
    /* Spreading a fleet's polls needs no strong randomness, only different per board. */
    static uint32_t state;
    if (!state)
        state = (uint32_t)util_now_ns() ^ ((uint32_t)getpid() << 16) ^ 0x9E3779B9u;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

int64_t source_delay_ms(int refresh_s, int failures, long retry_after_s, long max_age_s,
                        uint32_t random)
{
    double r = (double)random / 4294967296.0; /* [0, 1) */
    int64_t ms;
    if (failures <= 0) {
        int64_t base = refresh_s;
        if (max_age_s > base)
            base = max_age_s > 86400 ? 86400 : max_age_s;
        ms = (int64_t)((double)base * 1000.0 * (0.9 + 0.2 * r));
    } else {
        int64_t cap = refresh_s > 600 ? refresh_s : 600;
        if (cap > 3600)
            cap = 3600;
        int64_t backoff = 30;
        for (int i = 1; i < failures && backoff < cap; i++)
            backoff *= 2;
        if (backoff > cap)
            backoff = cap;
        /* "Equal jitter": at least half the backoff, so retries never bunch at zero. */
        ms = (int64_t)((double)backoff * 1000.0 * (0.5 + 0.5 * r));
    }
    if (retry_after_s > 0) {
        int64_t ra = (retry_after_s > 86400 ? 86400 : retry_after_s) * 1000;
        if (ms < ra)
            ms = ra;
    }
    return ms;
}

static int64_t wall_now(void)
{
    return (int64_t)time(NULL);
}

bool source_clock_suspect(const char *tls_error, int64_t now)
{
    /* Before this program was written, the clock cannot be right. */
    const int64_t built_after = 1764547200; /* 2025-12-01 */
    return strstr(tls_error, "not yet valid") || strstr(tls_error, "not valid yet") ||
           now < built_after;
}

/* Parses body into fresh stories; on success they replace the source's. */
static bool take_body(struct source *s, const char *body, size_t len, const char *charset)
{
    struct story_list fresh;
    story_list_init(&fresh);
    if (!feed_parse(body, len, s->url, charset, &fresh, s->last_error, sizeof(s->last_error))) {
        /* A feed broken halfway must not replace good content with half of it. */
        story_list_finish(&fresh);
        return false;
    }
    /* Stories carry the source's name; the title is the feed's. */
    free(s->title);
    s->title = xstrdup(fresh.title);
    story_list_finish(&s->stories);
    s->stories = fresh;
    return true;
}

/* TICKER_TEST_REFRESH_S=N polls every source every N s (1..86400), below the config's
 * 30 s floor that protects feed servers: for benchmarks and tests (bench/refresh), never a
 * fleet. */
static int refresh_override(int refresh_s)
{
    const char *v = getenv("TICKER_TEST_REFRESH_S");
    if (!v || !v[0])
        return refresh_s;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 1 || n > 86400) {
        log_warn("TICKER_TEST_REFRESH_S=%s is not 1..86400; ignored", v);
        return refresh_s;
    }
    return (int)n;
}

void source_init(struct source *s, const struct config_source *cfg, const char *cache_dir,
                 const char *ca_file, const char *ca_path, int64_t now_ns)
{
    memset(s, 0, sizeof(*s));
    s->ca_file = xstrdup(ca_file ? ca_file : "");
    s->ca_path = xstrdup(ca_path ? ca_path : "");
    s->name = xstrdup(cfg->name);
    s->url = xstrdup(cfg->url);
    s->cache_dir = cache_dir ? xstrdup(cache_dir) : NULL;
    s->refresh_s = refresh_override(cfg->refresh_s);
    s->etag = xstrdup("");
    s->last_modified = xstrdup("");
    s->title = xstrdup("");
    s->sig_timestamp = -1;
    story_list_init(&s->stories);
    s->next_poll_ns = now_ns;
    if (cfg->public_key && cfg->public_key[0]) {
        char err[256];
        if (minisign_parse_key(cfg->public_key, &s->key, err, sizeof(err)))
            s->has_key = true;
        else
            /* A key that does not parse must not mean "unsigned is fine": nothing is accepted. */
            log_error("source %s: public_key: %s; no feed will be accepted", s->name, err);
    }
    if (!s->cache_dir || !fetch_is_url(s->url))
        return;
    struct cache_entry e;
    if (!cache_load(s->cache_dir, s->name, &e))
        return;
    if (strcmp(e.url, s->url) != 0 || (s->has_key && e.sig_timestamp < 0)) {
        /* The config now names another feed, or wants a signature this copy never had. */
        cache_entry_finish(&e);
        return;
    }
    if (take_body(s, e.body, e.len, e.charset[0] ? e.charset : NULL)) {
        s->cached_crc = (uint32_t)crc32(0L, (const Bytef *)e.body, (uInt)e.len);
        s->cached_len = e.len;
        free(s->etag);
        free(s->last_modified);
        s->etag = xstrdup(e.etag);
        s->last_modified = xstrdup(e.last_modified);
        s->sig_timestamp = e.sig_timestamp;
        s->last_success = s->content_time = e.fetched_at;
        log_info("source %s: showing %zu cached stories from %lld", s->name, s->stories.count,
                 (long long)e.fetched_at);
    }
    s->last_error[0] = '\0';
    cache_entry_finish(&e);
}

static void drop_transfer(struct source *s, CURLM *multi)
{
    if (!s->transfer)
        return;
    if (multi)
        curl_multi_remove_handle(multi, fetch_transfer_easy(s->transfer));
    fetch_transfer_destroy(s->transfer);
    s->transfer = NULL;
}

void source_finish(struct source *s, CURLM *multi)
{
    drop_transfer(s, multi);
    fetch_result_finish(&s->feed);
    story_list_finish(&s->stories);
    free(s->name);
    free(s->url);
    free(s->cache_dir);
    free(s->etag);
    free(s->last_modified);
    free(s->title);
    free(s->ca_file);
    free(s->ca_path);
    memset(s, 0, sizeof(*s));
}

bool source_due(const struct source *s, int64_t now_ns)
{
    return !s->transfer && now_ns >= s->next_poll_ns;
}

bool source_busy(const struct source *s)
{
    return s->transfer != NULL;
}

bool source_owns(const struct source *s, CURL *easy)
{
    return s->transfer && fetch_transfer_easy(s->transfer) == easy;
}

/* The end of a poll, good or bad: schedule the next, log a failure (once per streak, then
 * every tenth, so a dead server does not fill the journal). */
static void settle(struct source *s, bool ok, long retry_after_s, long max_age_s, int64_t now_ns)
{
    if (ok) {
        if (s->failures > 0)
            log_info("source %s: working again after %d failures", s->name, s->failures);
        s->failures = 0;
        s->last_success = wall_now();
        s->last_error[0] = '\0';
    } else {
        s->failures++;
        if (s->failures == 1 || s->failures % 10 == 0)
            log_error("%s%s", s->last_error,
                      s->stories.count ? " (the last good stories stay on screen)" : "");
    }
    int64_t delay =
        source_delay_ms(s->refresh_s, s->failures, retry_after_s, max_age_s, jitter_random());
    s->next_poll_ns = now_ns + delay * 1000000;
}

/* Checks the signature of a fetched body; false with last_error set when it must be refused. */
static bool check_signature(struct source *s, const char *sig, size_t sig_len, const char *body,
                            size_t len, int64_t *timestamp)
{
    char err[200];
    if (!minisign_check(&s->key, sig, sig_len, (const uint8_t *)body, len, timestamp, err,
                        sizeof(err))) {
        util_set_error(s->last_error, sizeof(s->last_error), "%s: signature rejected: %s", s->url,
                       err);
        return false;
    }
    if (*timestamp < 0) {
        util_set_error(s->last_error, sizeof(s->last_error),
                       "%s: signature rejected: no timestamp in its trusted comment", s->url);
        return false;
    }
    if (*timestamp < s->sig_timestamp) {
        util_set_error(s->last_error, sizeof(s->last_error),
                       "%s: signature rejected: timestamp %lld is older than the accepted %lld "
                       "(a replayed feed)",
                       s->url, (long long)*timestamp, (long long)s->sig_timestamp);
        return false;
    }
    return true;
}

/* A verified (or unsigned) new body: parse, keep, cache. */
static bool accept_body(struct source *s, struct fetch_result *res, int64_t timestamp)
{
    if (!take_body(s, res->body, res->len, res->charset))
        return false;
    free(s->etag);
    free(s->last_modified);
    s->etag = xstrdup(res->etag ? res->etag : "");
    s->last_modified = xstrdup(res->last_modified ? res->last_modified : "");
    if (timestamp >= 0)
        s->sig_timestamp = timestamp;
    s->content_time = wall_now();
    /* The same body again (a server without validators): spare the SD card the write. */
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)res->body, (uInt)res->len);
    if (s->cache_dir && (crc != s->cached_crc || res->len != s->cached_len)) {
        struct cache_entry e = {.body = res->body,
                                .len = res->len,
                                .etag = s->etag,
                                .last_modified = s->last_modified,
                                .charset = res->charset,
                                .fetched_at = s->content_time,
                                .sig_timestamp = s->has_key ? s->sig_timestamp : -1,
                                .url = s->url};
        if (cache_store(s->cache_dir, s->name, &e)) {
            s->cached_crc = crc;
            s->cached_len = res->len;
        }
    }
    return true;
}

static bool start_transfer(struct source *s, CURLM *multi, const char *url, size_t max,
                           bool conditional)
{
    s->transfer = fetch_transfer_create(url, max, conditional ? s->etag : NULL,
                                        conditional ? s->last_modified : NULL);
    if (s->transfer)
        fetch_transfer_set_ca(s->transfer, s->ca_file, s->ca_path);
    if (!s->transfer ||
        curl_multi_add_handle(multi, fetch_transfer_easy(s->transfer)) != CURLM_OK) {
        fetch_transfer_destroy(s->transfer);
        s->transfer = NULL;
        util_set_error(s->last_error, sizeof(s->last_error), "%s: cannot start a transfer", url);
        return false;
    }
    return true;
}

/* Files: read now (local disk, on the worker), same checks as for URLs. */
static bool poll_file(struct source *s, int64_t now_ns)
{
    size_t len;
    char *body = util_read_file(s->url, FEED_MAX_BYTES, &len);
    bool ok = false, changed = false;
    if (!body) {
        util_set_error(s->last_error, sizeof(s->last_error), "%s: %s", s->url,
                       errno == EFBIG ? "larger than the 8 MiB feed limit" : strerror(errno));
        goto out;
    }
    int64_t timestamp = -1;
    if (s->has_key) {
        char *sig_path = xasprintf("%s.minisig", s->url);
        size_t sig_len;
        char *sig = util_read_file(sig_path, SIG_MAX_BYTES, &sig_len);
        free(sig_path);
        if (!sig) {
            util_set_error(s->last_error, sizeof(s->last_error),
                           "%s: signature rejected: no %s.minisig", s->url, s->url);
            goto out_free;
        }
        bool good = check_signature(s, sig, sig_len, body, len, &timestamp);
        free(sig);
        if (!good)
            goto out_free;
    }
    struct fetch_result res = {.body = body, .len = len};
    ok = changed = accept_body(s, &res, timestamp);
out_free:
    free(body);
out:
    settle(s, ok, -1, -1, now_ns);
    return changed;
}

bool source_start(struct source *s, CURLM *multi, int64_t now_ns)
{
    s->last_attempt = wall_now();
    if (!fetch_is_url(s->url))
        return poll_file(s, now_ns);
    if (!start_transfer(s, multi, s->url, FEED_MAX_BYTES, true))
        settle(s, false, -1, -1, now_ns);
    return false;
}

bool source_done(struct source *s, CURLM *multi, CURLcode rc, int64_t now_ns)
{
    struct fetch_result res;
    char err[256];
    bool ok = fetch_transfer_result(s->transfer, rc, &res, err, sizeof(err));
    drop_transfer(s, multi);
    if (!ok) {
        /* Pi boards have no RTC: until NTP answers, every certificate looks "not yet valid". */
        if (rc == CURLE_PEER_FAILED_VERIFICATION && source_clock_suspect(err, wall_now()))
            util_set_error(s->last_error, sizeof(s->last_error),
                           "%s (the clock looks wrong, waiting for NTP; will retry)", err);
        else
            util_set_error(s->last_error, sizeof(s->last_error), "%s", err);
        if (s->fetching_sig)
            util_set_error(s->last_error, sizeof(s->last_error), "signature rejected: %s", err);
        s->fetching_sig = false;
        fetch_result_finish(&s->feed);
        settle(s, false, res.retry_after_s, -1, now_ns);
        fetch_result_finish(&res);
        return false;
    }
    if (!s->fetching_sig) {
        if (res.not_modified) {
            settle(s, true, -1, res.max_age_s, now_ns);
            fetch_result_finish(&res);
            return false;
        }
        if (s->has_key) {
            /* The body waits while its signature is fetched from SRC.minisig. */
            s->feed = res;
            s->fetching_sig = true;
            char *sig_url = xasprintf("%s.minisig", s->url);
            bool started = start_transfer(s, multi, sig_url, SIG_MAX_BYTES, false);
            free(sig_url);
            if (!started) {
                s->fetching_sig = false;
                fetch_result_finish(&s->feed);
                settle(s, false, -1, -1, now_ns);
            }
            return false;
        }
        bool changed = accept_body(s, &res, -1);
        settle(s, changed, -1, res.max_age_s, now_ns);
        fetch_result_finish(&res);
        return changed;
    }
    s->fetching_sig = false;
    int64_t timestamp = -1;
    bool changed = check_signature(s, res.body, res.len, s->feed.body, s->feed.len, &timestamp) &&
                   accept_body(s, &s->feed, timestamp);
    settle(s, changed, -1, s->feed.max_age_s, now_ns);
    fetch_result_finish(&s->feed);
    fetch_result_finish(&res);
    return changed;
}
