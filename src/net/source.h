/* One feed source on the sign: when to poll it, the transfer (on the worker's curl multi
 * handle), the signature check, the on-disk cache of its last good body, and the stories that
 * body gave. A source that fails keeps its last good stories. Worker thread only. */
#pragma once
#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "config.h"
#include "error.h"
#include "fetch.h"
#include "filter.h"
#include "minisign.h"
#include "story.h"

/* Polling (source_delay_ms): the backoff after failures starts here, doubles up to
 * max(refresh, SOURCE_BACKOFF_CAP_MIN_S) but never past SOURCE_BACKOFF_CAP_MAX_S; a server's
 * max-age, an RSS feed's <ttl> and Retry-After are honoured up to SOURCE_MAX_DELAY_S. */
#define SOURCE_BACKOFF_FIRST_S 30
#define SOURCE_BACKOFF_CAP_MIN_S 600
#define SOURCE_BACKOFF_CAP_MAX_S 3600
#define SOURCE_MAX_DELAY_S 86400
/* A source holding an alert is polled at least this often (+-10%), max-age notwithstanding. */
#define SOURCE_ALERT_REFRESH_S 30

/* What a source's body is: a feed of stories, or the sign's remote settings (config text). */
enum source_kind { SOURCE_FEED, SOURCE_SETTINGS };

struct source {
    enum source_kind kind;
    char *name, *url;        /* owned */
    char *shown_url;         /* owned; url for logs and the status file (fetch_redacted_url) */
    char *public_key;        /* owned; as configured, "" = unsigned */
    char *cache_dir;         /* owned; NULL: no cache */
    char *ca_file, *ca_path; /* owned; "" = the system's trust store */
    CURLSH *share;           /* not owned; TLS sessions shared with other sources; NULL: none */
    int refresh_s;
    bool has_key; /* a public_key is configured: only signed feeds */
    bool key_ok;  /* ... and it parses (else nothing is accepted) */
    struct minisign_key keys[MINISIGN_MAX_KEYS];
    size_t key_count;

    struct story_list stories;  /* the last good stories; empty before the first success */
    struct story_filter filter; /* which of them the sign shows (source_shows) */
    /* SOURCE_SETTINGS: the last good settings text (owned, NUL-terminated; NULL before the first
     * success), and whether they must name a public_key for every source they set. */
    char *settings;
    size_t settings_len;
    bool settings_require_signed;
    char *title; /* owned; the feed's title, "" when none */
    /* What the next conditional request sends back, and the newest accepted signature. */
    char *etag, *last_modified; /* owned, "" when none */
    int64_t sig_timestamp;      /* the rollback floor; -1: none accepted yet */
    char *signature;            /* owned; the .minisig text of what is shown, "" when none */
    uint32_t cached_crc;        /* of the body in the cache, to skip rewriting it */
    size_t cached_len;

    /* Schedule, on the monotonic clock. */
    int64_t next_poll_ns;
    int64_t ttl_logged_s;    /* the feed's <ttl> last logged as lengthening the interval */
    int failures;            /* in a row */
    uint64_t failures_total; /* since the sign started (kept across reloads) */

    /* For the status file (wall clock, Unix s; 0 = never). */
    int64_t last_attempt, last_success, content_time;
    struct error last_error;
    struct error cache_error; /* "" while the cache holds what is shown (or there is none) */

    /* The transfer in flight: the feed, then (signed sources) its .minisig. */
    struct fetch_transfer *transfer;
    bool fetching_sig;
    struct fetch_result feed; /* held while the signature is fetched */
};

/* Sets the source up from its config and, with a cache directory, shows its cached stories at
 * once (nothing is fetched). */
void source_init(struct source *s, const struct config_source *cfg, const char *cache_dir,
                 const char *ca_file, const char *ca_path, int64_t now_ns);
/* The same for the remote settings file: its body is checked as settings (config_check_remote),
 * kept in s->settings. */
void source_init_settings(struct source *s, const struct config_source *cfg, bool require_signed,
                          const char *cache_dir, const char *ca_file, const char *ca_path,
                          int64_t now_ns);
void source_finish(struct source *s, CURLM *multi);
/* Is s the source cfg describes: the same name, URL, key and trust settings? A reload then keeps
 * s as it is (stories, validators, rollback floor) with source_keep, which takes the new refresh
 * interval and filter and polls now. Anything else starts afresh from the cache with source_init,
 * where a new key must verify the cached copy again. */
bool source_matches(const struct source *s, const struct config_source *cfg, const char *ca_file,
                    const char *ca_path);
void source_keep(struct source *s, const struct config_source *cfg, int64_t now_ns);

/* A success dated ahead of a plausible wall clock (fetched while the clock ran ahead, then
 * corrected back) would keep "Offline" from ever showing: it becomes now, and ages from there.
 * A clock not set yet (before the build date) changes nothing. */
void source_check_clock(struct source *s, int64_t now);
bool source_due(const struct source *s, int64_t now_ns);
bool source_busy(const struct source *s);
/* Starts a poll: a transfer on multi for URLs; a file is read and handled at once. Returns
 * true when the source's stories changed (files only; transfers report in source_done). */
bool source_start(struct source *s, CURLM *multi, int64_t now_ns);
/* Does this easy handle belong to s? */
bool source_owns(const struct source *s, CURL *easy);
/* A transfer of s ended with rc. Returns true when the stories changed. */
bool source_done(struct source *s, CURLM *multi, CURLcode rc, int64_t now_ns);
/* Does the sign show this story of s now (its exclude and max_age_hours)? */
bool source_shows(const struct source *s, const struct story *story, int64_t now);

/* Does s hold an alert the sign shows or will show (not expired, kept by its filter)? */
bool source_holds_alert(const struct source *s, int64_t now);

/* Where the signature of a feed URL lives: beside its path, before any query
 * ("https://h/s.json?edition=lobby" -> "https://h/s.json.minisig?edition=lobby"). Caller frees. */
char *source_signature_url(const char *url);

/* Does a TLS verification failure look like a wrong clock (no RTC, no NTP yet) rather than a
 * bad certificate? Pure. */
bool source_clock_suspect(const char *tls_error, int64_t now);

/* The delay before the next poll, in ms: after a success (failures == 0) the refresh interval,
 * at least the server's max-age, with +-10% jitter so a fleet does not poll in lockstep; after
 * failures an exponential backoff from 30 s, capped at max(refresh, 10 min) and 1 h, with
 * jitter, and never sooner than Retry-After (itself up to 10% later, and at most a day). random is
 * uniform in [0, 2^32). Pure. */
int64_t source_delay_ms(int refresh_s, int failures, long retry_after_s, long max_age_s,
                        uint32_t random);
