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

#define SIG_MAX_BYTES CACHE_MAX_SIGNATURE
/* How far a signature's timestamp may be ahead of a plausible clock (docs/operations.md). */
#define SIG_FUTURE_LIMIT_S (24 * 3600)

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
            base = max_age_s > SOURCE_MAX_DELAY_S ? SOURCE_MAX_DELAY_S : max_age_s;
        ms = (int64_t)((double)base * 1000.0 * (0.9 + 0.2 * r));
    } else {
        int64_t cap = refresh_s > SOURCE_BACKOFF_CAP_MIN_S ? refresh_s : SOURCE_BACKOFF_CAP_MIN_S;
        if (cap > SOURCE_BACKOFF_CAP_MAX_S)
            cap = SOURCE_BACKOFF_CAP_MAX_S;
        int64_t backoff = SOURCE_BACKOFF_FIRST_S;
        for (int i = 1; i < failures && backoff < cap; i++)
            backoff *= 2;
        if (backoff > cap)
            backoff = cap;
        /* "Equal jitter": at least half the backoff, so retries never bunch at zero. */
        ms = (int64_t)((double)backoff * 1000.0 * (0.5 + 0.5 * r));
    }
    if (retry_after_s > 0) {
        /* Up to 10% later, so a fleet told the same time does not come back in one second. */
        int64_t ra =
            (int64_t)((double)MIN(retry_after_s, SOURCE_MAX_DELAY_S) * 1000.0 * (1.0 + 0.1 * r));
        ra = MIN(ra, (int64_t)SOURCE_MAX_DELAY_S * 1000);
        if (ms < ra)
            ms = ra;
    }
    return ms;
}

static int64_t wall_now(void)
{
    return (int64_t)time(NULL);
}

/* Before this program was written the clock cannot be right: a board without a real-time clock
 * starts at 1970 or at its image's date until NTP answers. */
static bool clock_plausible(int64_t now)
{
    return now >= 1764547200; /* 2025-12-01 */
}

bool source_clock_suspect(const char *tls_error, int64_t now)
{
    return strstr(tls_error, "not yet valid") || strstr(tls_error, "not valid yet") ||
           !clock_plausible(now);
}

/* A floor set while the clock was wrong can be far ahead of the real time; it would refuse every
 * honest feed as a replay until then, so it goes (and the next signature sets it again). */
static int64_t floor_checked(const char *name, int64_t floor, int64_t now)
{
    if (floor < 0 || !clock_plausible(now) || floor <= now + SIG_FUTURE_LIMIT_S)
        return floor;
    log_warn("source %s: dropping a rollback floor of %lld, ahead of the clock (%lld): it was "
             "set while the clock was wrong",
             name, (long long)floor, (long long)now);
    return -1;
}

/* The floor after accepting a signature made at timestamp: never later than a plausible clock,
 * so a signature a few hours ahead (an editor's clock) does not refuse the next honest one. */
static int64_t floor_raised(int64_t floor, int64_t timestamp, int64_t now)
{
    int64_t t = clock_plausible(now) && timestamp > now ? now : timestamp;
    return t > floor ? t : floor;
}

/* Signed more than a day ahead of a plausible clock: the signing machine's clock is wrong (or
 * someone wants a feed that no honest edition can follow). Refused, and it raises no floor. */
static bool too_far_ahead(int64_t timestamp, int64_t now)
{
    return clock_plausible(now) && timestamp > now + SIG_FUTURE_LIMIT_S;
}

/* What identifies the cached copy: its body and the signature kept with it. */
static uint32_t cached_crc(const char *body, size_t len, const char *signature)
{
    uLong crc = crc32(0L, (const Bytef *)body, (uInt)len);
    return (uint32_t)crc32(crc, (const Bytef *)signature, (uInt)strlen(signature));
}

/* Remote settings: kept only when they would be applied. */
static bool take_settings(struct source *s, const char *body, size_t len)
{
    struct error why;
    if (!config_check_remote(s->shown_url, body, len, s->settings_require_signed, &why)) {
        error_set(&s->last_error, "settings refused: %s", why.msg);
        return false;
    }
    free(s->settings);
    s->settings = xstrndup(body, len);
    s->settings_len = len;
    return true;
}

/* Parses body into fresh stories; on success they replace the source's. */
static bool take_body(struct source *s, const char *body, size_t len, const char *charset)
{
    if (s->kind == SOURCE_SETTINGS)
        return take_settings(s, body, len);
    struct story_list fresh;
    story_list_init(&fresh);
    if (!feed_parse(body, len, s->shown_url, charset, &fresh, &s->last_error)) {
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
    if (*end || n < 1 || n > SOURCE_MAX_DELAY_S) {
        log_warn("TICKER_TEST_REFRESH_S=%s is not 1..%d; ignored", v, SOURCE_MAX_DELAY_S);
        return refresh_s;
    }
    return (int)n;
}

/* A signed source shows a cached copy only if the configured key verifies it now, with the
 * signature kept beside it: after a key change, what the old key signed leaves the sign, and
 * the rollback floor starts again with the new key. Sets e->sig_timestamp to the floor. */
static bool cached_signature_good(const struct source *s, struct cache_entry *e)
{
    int64_t timestamp = -1, now = wall_now();
    struct error err;
    if (!s->key_ok)
        error_set(&err, "the configured public_key cannot be used");
    else if (!e->signature[0])
        error_set(&err, "no signature kept with it");
    else if (!minisign_check_keys(s->keys, s->key_count, e->signature, strlen(e->signature),
                                  (const uint8_t *)e->body, e->len, &timestamp, &err))
        ; /* err says why */
    else if (timestamp < 0)
        error_set(&err, "no timestamp in its signature");
    else if (too_far_ahead(timestamp, now))
        error_set(&err, "signed at %lld, ahead of the clock", (long long)timestamp);
    else {
        /* The floor kept in the file is never above the signature's own time. */
        int64_t floor = e->sig_timestamp < timestamp ? e->sig_timestamp : timestamp;
        e->sig_timestamp = floor_checked(s->name, floor, now);
        return true;
    }
    log_warn("source %s: not showing the cached copy: %s; fetching it afresh", s->name, err.msg);
    return false;
}

static void init_kind(struct source *s, enum source_kind kind, bool require_signed,
                      const struct config_source *cfg, const char *cache_dir, const char *ca_file,
                      const char *ca_path, int64_t now_ns);

void source_init(struct source *s, const struct config_source *cfg, const char *cache_dir,
                 const char *ca_file, const char *ca_path, int64_t now_ns)
{
    init_kind(s, SOURCE_FEED, false, cfg, cache_dir, ca_file, ca_path, now_ns);
}

void source_init_settings(struct source *s, const struct config_source *cfg, bool require_signed,
                          const char *cache_dir, const char *ca_file, const char *ca_path,
                          int64_t now_ns)
{
    init_kind(s, SOURCE_SETTINGS, require_signed, cfg, cache_dir, ca_file, ca_path, now_ns);
}

/* The config was checked: a filter that does not parse can only come from a caller's bug. */
static void set_filter(struct source *s, const struct config_source *cfg)
{
    struct error err;
    if (!story_filter_init(&s->filter, cfg->exclude ? cfg->exclude : "",
                           (int64_t)cfg->max_age_hours * 3600, &err))
        log_error("source %s: exclude: %s; nothing excluded", s->name, err.msg);
}

bool source_shows(const struct source *s, const struct story *story, int64_t now)
{
    return story_filter_keeps(&s->filter, story, now);
}

bool source_holds_alert(const struct source *s, int64_t now)
{
    for (size_t i = 0; i < s->stories.count; i++) {
        const struct story *story = &s->stories.items[i];
        if (story->alert && (story->expires == STORY_NO_DATE || story->expires > now) &&
            source_shows(s, story, now))
            return true;
    }
    return false;
}

static void init_kind(struct source *s, enum source_kind kind, bool require_signed,
                      const struct config_source *cfg, const char *cache_dir, const char *ca_file,
                      const char *ca_path, int64_t now_ns)
{
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->settings_require_signed = require_signed;
    s->ca_file = xstrdup(ca_file ? ca_file : "");
    s->ca_path = xstrdup(ca_path ? ca_path : "");
    s->name = xstrdup(cfg->name);
    s->url = xstrdup(cfg->url);
    s->shown_url = fetch_redacted_url(cfg->url);
    s->public_key = xstrdup(cfg->public_key ? cfg->public_key : "");
    s->cache_dir = cache_dir ? xstrdup(cache_dir) : NULL;
    s->refresh_s = refresh_override(cfg->refresh_s);
    s->etag = xstrdup("");
    s->last_modified = xstrdup("");
    s->title = xstrdup("");
    s->signature = xstrdup("");
    s->sig_timestamp = -1;
    story_list_init(&s->stories);
    set_filter(s, cfg);
    s->next_poll_ns = now_ns;
    if (cfg->public_key && cfg->public_key[0]) {
        struct error err;
        /* A key that does not parse must not mean "unsigned is fine": the source is signed,
         * with no key that can verify anything, so nothing is accepted. */
        s->has_key = true;
        s->key_ok = minisign_parse_keys(cfg->public_key, s->keys, &s->key_count, &err);
        if (!s->key_ok)
            log_error("source %s: public_key: %s; no feed will be accepted", s->name, err.msg);
    }
    if (!s->cache_dir || !fetch_is_url(s->url))
        return;
    struct cache_entry e;
    if (!cache_load(s->cache_dir, s->name, &e))
        return;
    if (strcmp(e.url, s->url) != 0) {
        /* The config now names another feed. */
        cache_entry_finish(&e);
        return;
    }
    if (s->has_key && !cached_signature_good(s, &e)) {
        cache_entry_finish(&e);
        return;
    }
    if (take_body(s, e.body, e.len, e.charset[0] ? e.charset : NULL)) {
        free(s->etag);
        free(s->last_modified);
        free(s->signature);
        s->etag = xstrdup(e.etag);
        s->last_modified = xstrdup(e.last_modified);
        s->sig_timestamp = s->has_key ? e.sig_timestamp : -1;
        s->signature = xstrdup(s->has_key ? e.signature : "");
        s->cached_crc = cached_crc(e.body, e.len, s->signature);
        s->cached_len = e.len;
        s->last_success = s->content_time = e.fetched_at;
        if (kind == SOURCE_FEED)
            log_info("source %s: showing %zu cached stories from %lld", s->name, s->stories.count,
                     (long long)e.fetched_at);
    }
    error_clear(&s->last_error);
    cache_entry_finish(&e);
}

bool source_matches(const struct source *s, const struct config_source *cfg, const char *ca_file,
                    const char *ca_path)
{
    return strcmp(s->name, cfg->name) == 0 && strcmp(s->url, cfg->url) == 0 &&
           strcmp(s->public_key, cfg->public_key ? cfg->public_key : "") == 0 &&
           strcmp(s->ca_file, ca_file ? ca_file : "") == 0 &&
           strcmp(s->ca_path, ca_path ? ca_path : "") == 0;
}

void source_keep(struct source *s, const struct config_source *cfg, int64_t now_ns)
{
    s->refresh_s = refresh_override(cfg->refresh_s);
    story_filter_finish(&s->filter);
    set_filter(s, cfg);
    if (!s->transfer)
        s->next_poll_ns = now_ns;
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
    story_filter_finish(&s->filter);
    free(s->settings);
    free(s->name);
    free(s->url);
    free(s->shown_url);
    free(s->public_key);
    free(s->cache_dir);
    free(s->etag);
    free(s->last_modified);
    free(s->title);
    free(s->signature);
    free(s->ca_file);
    free(s->ca_path);
    memset(s, 0, sizeof(*s));
}

void source_check_clock(struct source *s, int64_t now)
{
    /* A minute of slack: the clock may be stepped by NTP a little either way. A board whose
     * clock has not been set yet (1970, or its image's date) is not the case: its cached
     * success is right and its clock wrong. */
    if (s->last_success <= now + 60 || !clock_plausible(now))
        return;
    log_warn("source %s: last success at %lld is ahead of the clock (%lld), which was set back; "
             "counting from now",
             s->name, (long long)s->last_success, (long long)now);
    s->last_success = now;
    if (s->content_time > now)
        s->content_time = now;
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
        error_clear(&s->last_error);
    } else {
        s->failures++;
        s->failures_total++;
        if (s->failures == 1 || s->failures % 10 == 0)
            log_error("%s%s", s->last_error.msg,
                      s->stories.count ? " (the last good stories stay on screen)" : "");
    }
    /* The feed's <ttl> is a lower bound like max-age; source_delay_ms caps both at a day. */
    int64_t ttl_s = s->stories.poll_hint_s;
    if (ttl_s > max_age_s)
        max_age_s = (long)ttl_s;
    if (ok && ttl_s > s->refresh_s && ttl_s != s->ttl_logged_s) {
        log_info("source %s: the feed asks not to be polled more often than every %lld min "
                 "(<ttl>): polling every %lld min, not every %d s",
                 s->name, (long long)(ttl_s / 60),
                 (long long)((ttl_s < SOURCE_MAX_DELAY_S ? ttl_s : SOURCE_MAX_DELAY_S) / 60),
                 s->refresh_s);
        s->ttl_logged_s = ttl_s;
    }
    int refresh_s = s->refresh_s;
    if (source_holds_alert(s, wall_now())) {
        /* Its release or update must show soon: polled every 30 s, whatever max-age says. */
        refresh_s = MIN(refresh_s, SOURCE_ALERT_REFRESH_S);
        max_age_s = 0;
    }
    int64_t delay =
        source_delay_ms(refresh_s, s->failures, retry_after_s, max_age_s, jitter_random());
    s->next_poll_ns = now_ns + delay * 1000000;
}

/* Checks the signature of a fetched body; false with last_error set when it must be refused. */
static bool check_signature(struct source *s, const char *sig, size_t sig_len, const char *body,
                            size_t len, int64_t *timestamp)
{
    struct error err = {"the configured public_key cannot be used"};
    if (!s->key_ok || !minisign_check_keys(s->keys, s->key_count, sig, sig_len,
                                           (const uint8_t *)body, len, timestamp, &err)) {
        error_set(&s->last_error, "%s: signature rejected: %s", s->shown_url, err.msg);
        return false;
    }
    if (*timestamp < 0) {
        error_set(&s->last_error, "%s: signature rejected: no timestamp in its trusted comment",
                  s->shown_url);
        return false;
    }
    int64_t now = wall_now();
    if (too_far_ahead(*timestamp, now)) {
        error_set(&s->last_error,
                  "%s: signature rejected: signed at %lld, %lld h ahead of this board's "
                  "clock (is the signing machine's clock right?)",
                  s->shown_url, (long long)*timestamp, (long long)((*timestamp - now) / 3600));
        return false;
    }
    s->sig_timestamp = floor_checked(s->name, s->sig_timestamp, now);
    if (*timestamp < s->sig_timestamp) {
        error_set(&s->last_error,
                  "%s: signature rejected: timestamp %lld is older than the accepted %lld "
                  "(a replayed feed)",
                  s->shown_url, (long long)*timestamp, (long long)s->sig_timestamp);
        return false;
    }
    return true;
}

/* A validator too long to cache (8 KiB) is not kept at all: polls go unconditional, and the
 * body is still cached. */
static char *validator(const struct source *s, const char *what, const char *value)
{
    if (!value)
        return xstrdup("");
    if (strlen(value) > CACHE_MAX_STRING) {
        log_warn("source %s: ignoring an %s of %zu bytes (over %u)", s->name, what, strlen(value),
                 CACHE_MAX_STRING);
        return xstrdup("");
    }
    return xstrdup(value);
}

/* A verified (or unsigned) new body: parse, keep, cache. sig is its .minisig text, or NULL. */
static bool accept_body(struct source *s, struct fetch_result *res, const char *sig, size_t sig_len,
                        int64_t timestamp)
{
    if (!take_body(s, res->body, res->len, res->charset))
        return false;
    free(s->etag);
    free(s->last_modified);
    s->etag = validator(s, "ETag", res->etag);
    s->last_modified = validator(s, "Last-Modified", res->last_modified);
    free(s->signature);
    s->signature = sig ? xstrndup(sig, sig_len) : xstrdup("");
    if (timestamp >= 0)
        s->sig_timestamp = floor_raised(s->sig_timestamp, timestamp, wall_now());
    s->content_time = wall_now();
    /* The same body and signature again (a server without validators): spare the SD card the
     * write. */
    uint32_t crc = cached_crc(res->body, res->len, s->signature);
    if (s->cache_dir && (crc != s->cached_crc || res->len != s->cached_len)) {
        struct cache_entry e = {.body = res->body,
                                .len = res->len,
                                .etag = s->etag,
                                .last_modified = s->last_modified,
                                .charset = res->charset,
                                .signature = s->signature,
                                .fetched_at = s->content_time,
                                .sig_timestamp = s->has_key ? s->sig_timestamp : -1,
                                .url = s->url};
        /* The folder may have gone (or been replaced) since the last store: make it again. */
        bool stored = cache_store(s->cache_dir, s->name, &e) ||
                      (cache_dir_ensure(s->cache_dir) && cache_store(s->cache_dir, s->name, &e));
        if (stored) {
            s->cached_crc = crc;
            s->cached_len = res->len;
            error_clear(&s->cache_error);
        } else {
            /* Without validators the next poll brings the body again, and the store is tried
             * again: the cache catches up as soon as the folder is back. */
            error_set(&s->cache_error,
                      "cannot store the cache in %s; trying again at the next poll", s->cache_dir);
            free(s->etag);
            free(s->last_modified);
            s->etag = xstrdup("");
            s->last_modified = xstrdup("");
        }
    }
    return true;
}

char *source_signature_url(const char *url)
{
    /* Beside the path: a query or fragment stays at the end. */
    size_t path_len = strcspn(url, "?#");
    return xasprintf("%.*s.minisig%s", (int)path_len, url, url + path_len);
}

static bool start_transfer(struct source *s, CURLM *multi, const char *url, size_t max,
                           bool conditional)
{
    s->transfer = fetch_transfer_create(url, max, conditional ? s->etag : NULL,
                                        conditional ? s->last_modified : NULL);
    if (s->transfer) {
        fetch_transfer_set_ca(s->transfer, s->ca_file, s->ca_path);
        fetch_transfer_set_share(s->transfer, s->share);
    }
    if (!s->transfer ||
        curl_multi_add_handle(multi, fetch_transfer_easy(s->transfer)) != CURLM_OK) {
        fetch_transfer_destroy(s->transfer);
        s->transfer = NULL;
        char *shown = fetch_redacted_url(url);
        error_set(&s->last_error, "%s: cannot start a transfer", shown);
        free(shown);
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
        error_set(&s->last_error, "%s: %s", s->url, feed_read_error(errno));
        goto out;
    }
    char *sig = NULL;
    size_t sig_len = 0;
    int64_t timestamp = -1;
    if (s->has_key) {
        char *sig_path = xasprintf("%s.minisig", s->url);
        sig = util_read_file(sig_path, SIG_MAX_BYTES, &sig_len);
        free(sig_path);
        if (!sig) {
            error_set(&s->last_error, "%s: signature rejected: no %s.minisig", s->url, s->url);
            goto out_free;
        }
        if (!check_signature(s, sig, sig_len, body, len, &timestamp))
            goto out_free;
    }
    struct fetch_result res = {.body = body, .len = len};
    ok = changed = accept_body(s, &res, sig, sig_len, timestamp);
out_free:
    free(sig);
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
    struct error err;
    bool ok = fetch_transfer_result(s->transfer, rc, &res, &err);
    drop_transfer(s, multi);
    if (!ok) {
        /* Pi boards have no RTC: until NTP answers, every certificate looks "not yet valid". */
        if (rc == CURLE_PEER_FAILED_VERIFICATION && source_clock_suspect(err.msg, wall_now()))
            error_set(&s->last_error, "%s (the clock looks wrong, waiting for NTP; will retry)",
                      err.msg);
        else
            error_set(&s->last_error, "%s", err.msg);
        if (s->fetching_sig)
            error_set(&s->last_error, "signature rejected: %s", err.msg);
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
            char *sig_url = source_signature_url(s->url);
            bool started = start_transfer(s, multi, sig_url, SIG_MAX_BYTES, false);
            free(sig_url);
            if (!started) {
                s->fetching_sig = false;
                fetch_result_finish(&s->feed);
                settle(s, false, -1, -1, now_ns);
            }
            return false;
        }
        bool changed = accept_body(s, &res, NULL, 0, -1);
        settle(s, changed, -1, res.max_age_s, now_ns);
        fetch_result_finish(&res);
        return changed;
    }
    s->fetching_sig = false;
    int64_t timestamp = -1;
    bool changed = check_signature(s, res.body, res.len, s->feed.body, s->feed.len, &timestamp) &&
                   accept_body(s, &s->feed, res.body, res.len, timestamp);
    settle(s, changed, -1, s->feed.max_age_s, now_ns);
    fetch_result_finish(&s->feed);
    fetch_result_finish(&res);
    return changed;
}
