#include "fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ascii.h"
#include "date.h"
#include "dynbuf.h"
#include "util.h"
#include "version.h"

struct fetch_transfer {
    CURL *easy;
    char *url;
    char *shown_url; /* for messages: no credentials, no query values */
    struct curl_slist *request_headers;
    struct dynbuf body; /* capped at the transfer's max_bytes */
    bool too_big;
    /* From the last response's headers (a redirect's are forgotten). */
    char *etag, *last_modified;
    long retry_after_s, max_age_s;
    char errbuf[CURL_ERROR_SIZE];
};

bool fetch_is_url(const char *src)
{
    return ascii_ncasecmp(src, "http://", 7) == 0 || ascii_ncasecmp(src, "https://", 8) == 0;
}

/* curl hands over decompressed data: the cap here bounds what a gzip bomb can cost. */
static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct fetch_transfer *t = userdata;
    size_t n = size * nmemb;
    if (!dynbuf_add(&t->body, ptr, n)) {
        t->too_big = true;
        return 0; /* aborts the transfer */
    }
    return n;
}

/* The value of header line `line` if its name is `name`, trimmed; NULL otherwise. */
static char *header_value(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name);
    if (len <= nl || ascii_ncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && ascii_is_blank(*v))
        v++;
    while (end > v && ascii_is_space(end[-1]))
        end--;
    return xstrndup(v, (size_t)(end - v));
}

static long parse_retry_after(const char *v)
{
    char *end;
    long s = strtol(v, &end, 10);
    if (end != v && *end == '\0')
        return s < 0 ? -1 : s;
    int64_t when;
    if (date_parse_rfc822(v, &when)) {
        int64_t delta = when - (int64_t)time(NULL);
        return delta < 0
                   ? 0
                   : (long)(delta > FETCH_RETRY_AFTER_MAX_S ? FETCH_RETRY_AFTER_MAX_S : delta);
    }
    return -1;
}

/* max-age=N among the comma-separated Cache-Control directives. */
static long parse_max_age(const char *v)
{
    for (const char *p = v; *p;) {
        while (ascii_is_blank(*p) || *p == ',')
            p++;
        if (ascii_ncasecmp(p, "max-age=", 8) == 0) {
            char *end;
            long s = strtol(p + 8, &end, 10);
            return end != p + 8 && s >= 0 ? s : -1;
        }
        while (*p && *p != ',')
            p++;
    }
    return -1;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    struct fetch_transfer *t = userdata;
    size_t len = size * nmemb;
    char *v;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (after a redirect): only the final one's headers count. */
        free(t->etag);
        free(t->last_modified);
        t->etag = t->last_modified = NULL;
        t->retry_after_s = t->max_age_s = -1;
    } else if ((v = header_value(line, len, "ETag"))) {
        free(t->etag);
        t->etag = v;
    } else if ((v = header_value(line, len, "Last-Modified"))) {
        free(t->last_modified);
        t->last_modified = v;
    } else if ((v = header_value(line, len, "Retry-After"))) {
        t->retry_after_s = parse_retry_after(v);
        free(v);
    } else if ((v = header_value(line, len, "Cache-Control"))) {
        t->max_age_s = parse_max_age(v);
        free(v);
    }
    return len;
}

/* Appends src[0..n) at *out. */
static void put(char **out, const char *src, size_t n)
{
    memcpy(*out, src, n);
    *out += n;
}

/* Writes the parameters of a query or fragment (after its '?' or '#') at *out, each value
 * replaced by "***"; a parameter without '=' is all value. */
static void redact_params(char **out, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t param = amp ? (size_t)(amp - p) : (size_t)(end - p);
        const char *eq = memchr(p, '=', param);
        if (eq)
            put(out, p, (size_t)(eq - p) + 1);
        if (param)
            put(out, "***", 3);
        p += param;
        if (p < end)
            put(out, p++, 1); /* the '&' */
    }
}

char *fetch_redacted_url(const char *src)
{
    if (!fetch_is_url(src))
        return xstrdup(src);
    /* Each byte becomes at most three ("a=b" -> "a=***", "u@h" -> "***@h"). */
    char *redacted = xmalloc(3 * strlen(src) + 4), *out = redacted;
    const char *authority = strstr(src, "://") + 3;
    const char *rest = authority + strcspn(authority, "/?#");
    put(&out, src, (size_t)(authority - src));
    /* user:password@host: the host stays, the credentials go. */
    const char *host = authority;
    for (const char *p = authority; p < rest; p++)
        if (*p == '@')
            host = p + 1;
    if (host != authority)
        put(&out, "***@", 4);
    put(&out, host, (size_t)(rest - host));
    size_t path_len = strcspn(rest, "?#");
    put(&out, rest, path_len);
    rest += path_len;
    while (*rest) {
        put(&out, rest, 1); /* '?' or '#' */
        size_t n = *rest == '?' ? strcspn(rest + 1, "#") : strlen(rest + 1);
        redact_params(&out, rest + 1, n);
        rest += 1 + n;
    }
    *out = '\0';
    return redacted;
}

struct fetch_transfer *fetch_transfer_create(const char *url, size_t max_bytes, const char *etag,
                                             const char *last_modified)
{
    struct fetch_transfer *t = xcalloc(1, sizeof(*t));
    t->easy = curl_easy_init();
    if (!t->easy) {
        free(t);
        return NULL;
    }
    t->url = xstrdup(url);
    t->shown_url = fetch_redacted_url(url);
    dynbuf_init(&t->body, max_bytes);
    t->retry_after_s = t->max_age_s = -1;
    if (etag && etag[0]) {
        char *h = xasprintf("If-None-Match: %s", etag);
        t->request_headers = curl_slist_append(t->request_headers, h);
        free(h);
    }
    if (last_modified && last_modified[0]) {
        char *h = xasprintf("If-Modified-Since: %s", last_modified);
        t->request_headers = curl_slist_append(t->request_headers, h);
        free(h);
    }
    CURL *c = t->easy;
    curl_easy_setopt(c, CURLOPT_URL, t->url);
    curl_easy_setopt(c, CURLOPT_PRIVATE, t);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, FETCH_MAX_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, FETCH_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, FETCH_LOW_SPEED_BYTES);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, FETCH_LOW_SPEED_TIME_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* The sign's id: a feed server's access log doubles as the fleet's heartbeat. */
    char agent[300];
    snprintf(agent, sizeof(agent), "ticker/%s (%s)", TICKER_VERSION, util_sign_id());
    curl_easy_setopt(c, CURLOPT_USERAGENT, agent);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->request_headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
    return t;
}

void fetch_transfer_set_ca(struct fetch_transfer *t, const char *ca_file, const char *ca_path)
{
    if (ca_file && ca_file[0])
        curl_easy_setopt(t->easy, CURLOPT_CAINFO, ca_file);
    if (ca_path && ca_path[0])
        curl_easy_setopt(t->easy, CURLOPT_CAPATH, ca_path);
}

CURLSH *fetch_share_create(void)
{
    CURLSH *share = curl_share_init();
    if (share &&
        (curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK ||
         curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK)) {
        curl_share_cleanup(share);
        share = NULL;
    }
    return share;
}

void fetch_share_destroy(CURLSH *share)
{
    if (share)
        curl_share_cleanup(share);
}

void fetch_transfer_set_share(struct fetch_transfer *t, CURLSH *share)
{
    if (share)
        curl_easy_setopt(t->easy, CURLOPT_SHARE, share);
}

void fetch_transfer_destroy(struct fetch_transfer *t)
{
    if (!t)
        return;
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->request_headers);
    free(t->url);
    free(t->shown_url);
    dynbuf_finish(&t->body);
    free(t->etag);
    free(t->last_modified);
    free(t);
}

CURL *fetch_transfer_easy(struct fetch_transfer *t)
{
    return t->easy;
}

bool fetch_transfer_result(struct fetch_transfer *t, CURLcode rc, struct fetch_result *res,
                           struct error *err)
{
    memset(res, 0, sizeof(*res));
    res->retry_after_s = t->retry_after_s;
    res->max_age_s = t->max_age_s;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &res->status);
    if (t->too_big) {
        error_set(err, "%s: larger than the %zu-byte feed limit", t->shown_url, t->body.max);
        return false;
    }
    if (rc != CURLE_OK) {
        error_set(err, "%s: %s", t->shown_url, t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
        return false;
    }
    if (res->status >= 400 || res->status < 200 || (res->status >= 300 && res->status != 304)) {
        error_set(err, "%s: HTTP %ld", t->shown_url, res->status);
        return false;
    }
    res->not_modified = res->status == 304;
    char *ct = NULL;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct);
    res->charset = fetch_charset_of(ct);
    res->etag = t->etag;
    res->last_modified = t->last_modified;
    t->etag = t->last_modified = NULL;
    if (!res->not_modified) {
        res->body = dynbuf_take(&t->body, &res->len);
    }
    return true;
}

char *fetch_charset_of(const char *content_type)
{
    if (!content_type)
        return NULL;
    const char *p = content_type;
    while ((p = strchr(p, ';'))) {
        p++;
        while (ascii_is_blank(*p))
            p++;
        if (ascii_ncasecmp(p, "charset=", 8) != 0)
            continue;
        p += 8;
        if (*p == '"')
            p++;
        size_t n = 0;
        while (p[n] && (ascii_is_alnum(p[n]) || strchr("-_.:", p[n])))
            n++;
        return n ? xstrndup(p, n) : NULL;
    }
    return NULL;
}

bool fetch_blocking(const char *url, size_t max_bytes, struct fetch_result *res, struct error *err)
{
    memset(res, 0, sizeof(*res));
    struct fetch_transfer *t = fetch_transfer_create(url, max_bytes, NULL, NULL);
    if (!t) {
        error_set(err, "%s: cannot initialise libcurl", url);
        return false;
    }
    CURLcode rc = curl_easy_perform(t->easy);
    bool ok = fetch_transfer_result(t, rc, res, err);
    fetch_transfer_destroy(t);
    return ok;
}

void fetch_result_finish(struct fetch_result *res)
{
    free(res->body);
    free(res->charset);
    free(res->etag);
    free(res->last_modified);
    memset(res, 0, sizeof(*res));
}
