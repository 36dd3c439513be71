/* HTTP(S) transfers with the sign's policy: http and https only (redirects too, at most 5),
 * TLS verified, compression accepted with the cap on the decompressed body, connect, total
 * and low-speed timeouts, `User-Agent: ticker/VERSION`. */
#pragma once
#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

struct fetch_result {
    char *body; /* owned, NUL-terminated */
    size_t len;
    long status;   /* HTTP status */
    char *charset; /* owned; from Content-Type, or NULL */
};

/* Is SRC an http(s) URL rather than a path? */
bool fetch_is_url(const char *src);

/* Fetches url, blocking. Only for the command line: the sign's worker drives transfers
 * through its multi handle instead. Fails on HTTP status >= 400 with "URL: HTTP 404". */
bool fetch_blocking(const char *url, size_t max_bytes, struct fetch_result *res, char *err,
                    size_t err_size);
void fetch_result_finish(struct fetch_result *res);

/* Extracts the charset parameter from a Content-Type value; new string or NULL. */
char *fetch_charset_of(const char *content_type);
