/* HTTP(S) transfers with the sign's policy: http and https only (redirects too, at most 5),
 * TLS verified, compression accepted with the cap on the decompressed body, connect, total and
 * low-speed timeouts, `User-Agent: ticker/VERSION`, conditional requests from the server's own
 * validators. One transfer is one easy handle: the worker drives it on its multi handle, the
 * command line performs it blocking. */
#pragma once
#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define FETCH_MAX_REDIRECTS 5L
#define FETCH_CONNECT_TIMEOUT_S 10L
#define FETCH_TIMEOUT_S 60L
/* A transfer slower than this many bytes/s for FETCH_LOW_SPEED_TIME_S is given up. */
#define FETCH_LOW_SPEED_BYTES 100L
#define FETCH_LOW_SPEED_TIME_S 20L
/* A Retry-After date further ahead counts as this much (a week). */
#define FETCH_RETRY_AFTER_MAX_S (7 * 86400)

struct fetch_result {
    char *body; /* owned, NUL-terminated; NULL on 304 */
    size_t len;
    long status;         /* HTTP status */
    bool not_modified;   /* 304: the validators still hold */
    char *charset;       /* owned; from Content-Type, or NULL */
    char *etag;          /* owned; ETag as sent, or NULL */
    char *last_modified; /* owned; Last-Modified as sent, or NULL */
    long retry_after_s;  /* Retry-After on 429/503, else -1 */
    long max_age_s;      /* Cache-Control max-age, else -1 */
};

struct fetch_transfer;

/* Is SRC an http(s) URL rather than a path? */
bool fetch_is_url(const char *src);
/* SRC as logs and the status file show it: a URL without its user information and with every
 * query (and fragment) value replaced by "***"; a path as it is. Caller frees. Pure. */
char *fetch_redacted_url(const char *src);

/* A transfer ready to run. The validators (NULL or "" for none) are sent back verbatim as
 * If-None-Match / If-Modified-Since: never built from the local clock. */
struct fetch_transfer *fetch_transfer_create(const char *url, size_t max_bytes, const char *etag,
                                             const char *last_modified);
/* Trust these CA certificates instead of the system's (NULL or "" keeps the system's). */
void fetch_transfer_set_ca(struct fetch_transfer *t, const char *ca_file, const char *ca_path);
/* TLS sessions and DNS answers shared by the transfers given it (used from one thread): a poll
 * on a new connection (the last one closed while idle) resumes the TLS session instead of a
 * full handshake. libcurl resumes only for the same host, port and trust settings. NULL when
 * libcurl cannot make one. */
CURLSH *fetch_share_create(void);
void fetch_share_destroy(CURLSH *share);
/* Uses share (NULL: none) for t's TLS sessions and DNS answers. */
void fetch_transfer_set_share(struct fetch_transfer *t, CURLSH *share);
void fetch_transfer_destroy(struct fetch_transfer *t);
/* The easy handle, to add to a multi handle (the transfer keeps owning it). */
CURL *fetch_transfer_easy(struct fetch_transfer *t);
/* After the transfer ended with rc: fills res and returns true for 2xx and 304; otherwise a
 * one-line "URL: reason" in err (a curl error, "HTTP 503", "larger than the ... limit") and
 * false, with res->status and res->retry_after_s still set. */
bool fetch_transfer_result(struct fetch_transfer *t, CURLcode rc, struct fetch_result *res,
                           struct error *err);

/* Fetches url, blocking, unconditionally. Only for the command line. */
bool fetch_blocking(const char *url, size_t max_bytes, struct fetch_result *res, struct error *err);
void fetch_result_finish(struct fetch_result *res);

/* Extracts the charset parameter from a Content-Type value; new string or NULL. */
char *fetch_charset_of(const char *content_type);
