#include "fetch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "version.h"

struct body {
    char *data;
    size_t len, cap, max;
    bool too_big;
};

bool fetch_is_url(const char *src)
{
    return strncasecmp(src, "http://", 7) == 0 || strncasecmp(src, "https://", 8) == 0;
}

/* curl hands over decompressed data: the cap here bounds what a gzip bomb can cost. */
static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct body *b = userdata;
    size_t n = size * nmemb;
    if (n > b->max - b->len) {
        b->too_big = true;
        return 0; /* aborts the transfer */
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64 * 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

char *fetch_charset_of(const char *content_type)
{
    if (!content_type)
        return NULL;
    const char *p = content_type;
    while ((p = strchr(p, ';'))) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "charset=", 8) != 0)
            continue;
        p += 8;
        if (*p == '"')
            p++;
        size_t n = 0;
        while (p[n] && (isalnum((unsigned char)p[n]) || strchr("-_.:", p[n])))
            n++;
        return n ? xstrndup(p, n) : NULL;
    }
    return NULL;
}

bool fetch_blocking(const char *url, size_t max_bytes, struct fetch_result *res, char *err,
                    size_t err_size)
{
    memset(res, 0, sizeof(*res));
    CURL *curl = curl_easy_init();
    if (!curl) {
        util_set_error(err, err_size, "%s: cannot initialise libcurl", url);
        return false;
    }
    struct body body = {.max = max_bytes};
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 100L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 20L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "ticker/" TICKER_VERSION);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    CURLcode rc = curl_easy_perform(curl);
    bool ok = false;
    if (body.too_big) {
        util_set_error(err, err_size, "%s: larger than the %zu-byte feed limit", url, max_bytes);
    } else if (rc != CURLE_OK) {
        util_set_error(err, err_size, "%s: %s", url,
                       curl_err[0] ? curl_err : curl_easy_strerror(rc));
    } else {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res->status);
        if (res->status >= 400) {
            util_set_error(err, err_size, "%s: HTTP %ld", url, res->status);
        } else {
            char *ct = NULL;
            curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct);
            res->charset = fetch_charset_of(ct);
            res->body = body.data ? body.data : xstrdup("");
            res->len = body.len;
            body.data = NULL;
            ok = true;
        }
    }
    free(body.data);
    curl_easy_cleanup(curl);
    return ok;
}

void fetch_result_finish(struct fetch_result *res)
{
    free(res->body);
    free(res->charset);
    memset(res, 0, sizeof(*res));
}
