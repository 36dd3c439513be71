/* A source against a real HTTP server on loopback (tests/httpd): conditional GET with the
 * server's own ETag, and signed feeds made with the real minisign tool — good ones accepted,
 * forged, unsigned, altered and replayed ones refused while the last good stories stay. Also
 * the poll schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "source.h"
#include "status.h"
#include "util.h"

#include "common.h"

#define MINISIGN_DIR TICKER_TEST_DATA "/minisign"

struct server {
    pid_t pid;
    int port;
    char *root, docroot[300];
};

static void put(const struct server *sv, const char *name, const char *from)
{
    size_t len;
    char *data = util_read_file(from, 1 << 20, &len);
    assert_non_null(data);
    char *path = xasprintf("%s/%s", sv->docroot, name);
    assert_true(util_write_file_atomic(path, data, len));
    free(path);
    free(data);
}

static void drop(const struct server *sv, const char *name)
{
    char *path = xasprintf("%s/%s", sv->docroot, name);
    unlink(path);
    free(path);
}

static int start_server(void **state)
{
    static struct server sv;
    sv.root = test_make_dir("ticker-test-source");
    snprintf(sv.docroot, sizeof(sv.docroot), "%s/www", sv.root);
    mkdir(sv.docroot, 0755);
    char *portfile = xasprintf("%s/port", sv.root);
    sv.pid = fork();
    if (sv.pid == 0) {
        setenv("LOG", "1", 1);
        execl(TICKER_HTTPD, "httpd", sv.docroot, portfile, "120", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200 && !sv.port; i++) {
        char *p = util_read_file(portfile, 64, NULL);
        if (p && p[0])
            sv.port = (int)strtol(p, NULL, 10);
        free(p);
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    free(portfile);
    *state = &sv;
    return sv.port ? 0 : -1;
}

static int stop_server(void **state)
{
    struct server *sv = *state;
    kill(sv->pid, SIGTERM);
    waitpid(sv->pid, NULL, 0);
    test_remove_tree(sv->root);
    free(sv->root);
    return 0;
}

/* One poll, driven to completion on a private multi handle. Returns "changed". */
static bool poll_once(struct source *s, CURLM *multi)
{
    bool changed = source_start(s, multi, util_now_ns());
    while (source_busy(s)) {
        int running;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left)))
            if (msg->msg == CURLMSG_DONE && source_owns(s, msg->easy_handle))
                changed |= source_done(s, multi, msg->data.result, util_now_ns());
        if (source_busy(s))
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    return changed;
}

static char *log_text(const struct server *sv)
{
    char *path = xasprintf("%s/requests.log", sv->root);
    char *text = util_read_file(path, 1 << 20, NULL);
    free(path);
    return text ? text : xstrdup("");
}

static void test_conditional_get(void **state)
{
    struct server *sv = *state;
    put(sv, "news.json", TICKER_SOURCE_DIR "/assets/feeds/default.json");
    char *url = xasprintf("http://127.0.0.1:%d/news.json", sv->port);
    struct config_source cfg = {(char *)"news", url, 300, (char *)"", (char *)"", 0};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    CURLM *multi = curl_multi_init();

    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 8);
    assert_true(s.etag[0] == '"');
    assert_int_equal(s.failures, 0);
    /* Second poll: the server's ETag goes back, the answer is 304, nothing changes. */
    assert_false(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 8);
    assert_int_equal(s.failures, 0);
    char *log = log_text(sv);
    char *expect = xasprintf("GET /news.json if-none-match=%s 304", s.etag);
    if (!strstr(log, expect))
        fail_msg("no conditional request in the server's log:\n%s", log);
    free(expect);
    free(log);
    /* The feed changes on the server: a full answer again. */
    put(sv, "news.json", TICKER_TEST_DATA "/stress.json");
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 3);

    /* The server fails: the stories stay, the error is named. */
    drop(sv, "news.json");
    assert_false(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 3);
    assert_int_equal(s.failures, 1);
    assert_non_null(strstr(s.last_error.msg, "HTTP 404"));
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(url);
}

/* Points a source at another URL between polls, as a fault row needs. */
static void set_url(struct source *s, const char *url)
{
    free(s->url);
    free(s->shown_url);
    s->url = xstrdup(url);
    s->shown_url = fetch_redacted_url(url);
}

static long resident_kib(void)
{
    char *statm = util_read_file("/proc/self/statm", 256, NULL);
    long size = 0, resident = 0;
    if (statm)
        sscanf(statm, "%ld %ld", &size, &resident);
    free(statm);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Each fault after a good poll: the poll fails with a clear reason, the last good stories
 * stay, and (under ASan in CI) nothing leaks. */
static void test_faults(void **state)
{
    struct server *sv = *state;
    put(sv, "good.json", TICKER_SOURCE_DIR "/assets/feeds/default.json");
    put(sv, "invalid-utf8.xml", TICKER_TEST_DATA "/utf8-invalid-bytes.xml");
    put(sv, "truncated.xml", TICKER_TEST_DATA "/truncated.xml");
    char *good = xasprintf("http://127.0.0.1:%d/good.json", sv->port);
    struct config_source cfg = {(char *)"faults", good, 300, (char *)"", (char *)"", 0};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    CURLM *multi = curl_multi_init();
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 8);

    /* A port nothing listens on: bind one, note it, close it. */
    struct {
        const char *path; /* on the test server, or a full URL */
        const char *error;
    } rows[] = {
        {"/status/404", "HTTP 404"},
        {"/status/500", "HTTP 500"},
        {"/fault/429", "HTTP 429"},
        {"/fault/cut/good.json", "transfer closed"},
        {"/fault/big", "feed limit"},
        {"/fault/gzip-bomb", "feed limit"},
        {"/fault/redirect?to=file:///etc/passwd", "not supported"},
        {"/fault/loop", "redirects"},
        {"/truncated.xml", "truncated.xml"},
        {"http://127.0.0.1:1/feed.json", "onnect"},
        {"http://ticker-test.invalid/feed.json", "resolve"},
        {"/fault/drip/good.json", "too slow"}, /* after 20 s below 100 B/s */
    };
    /* Twice: after the first pass warms the allocator up, the second must not grow the
     * process (ASan's quarantine keeps freed memory, so there LeakSanitizer checks instead). */
    long rss_after[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            if (pass == 1 && strstr(rows[i].path, "drip"))
                continue; /* 20 s each; once is enough */
            char *url = rows[i].path[0] == '/'
                            ? xasprintf("http://127.0.0.1:%d%s", sv->port, rows[i].path)
                            : xstrdup(rows[i].path);
            set_url(&s, url);
            free(url);
            int failures = s.failures;
            int64_t t0 = util_now_ns();
            assert_false(poll_once(&s, multi));
            if (s.failures != failures + 1 || !strstr(s.last_error.msg, rows[i].error))
                fail_msg("%s: failures %d, error \"%s\"", rows[i].path, s.failures,
                         s.last_error.msg);
            assert_int_equal(s.stories.count, 8);
            /* The status file names the error. */
            struct status_totals totals = {0};
            char *json = status_json(&s, 1, &totals, 1796000000);
            if (!strstr(json, rows[i].error))
                fail_msg("%s: the status file does not name the error:\n%s", rows[i].path, json);
            free(json);
            if (strcmp(rows[i].path, "/fault/429") == 0) {
                /* Retry-After: 120 holds the next poll off for at least that long. */
                int64_t wait_s = (s.next_poll_ns - util_now_ns()) / 1000000000;
                assert_true(wait_s >= 118);
            }
            if (pass == 0)
                printf("    %-44s %6.1f s  %s\n", rows[i].path, (double)(util_now_ns() - t0) / 1e9,
                       s.last_error.msg);
        }
        rss_after[pass] = resident_kib();
    }
#ifndef __SANITIZE_ADDRESS__
    printf("    resident after pass 1: %ld KiB, after pass 2: %ld KiB\n", rss_after[0],
           rss_after[1]);
    assert_true(rss_after[1] - rss_after[0] <= 1024);
#else
    (void)rss_after;
#endif
    /* 429's Retry-After pushes the next poll out at least 120 s: checked in the schedule. */

    /* Invalid UTF-8 is repaired, not fatal: the feed is taken. */
    char *repaired = xasprintf("http://127.0.0.1:%d/invalid-utf8.xml", sv->port);
    set_url(&s, repaired);
    free(repaired);
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.failures, 0);
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(good);
}

/* A feed whose encoding only HTTP names decodes the same from the cache after a restart. */
static void test_cache_keeps_charset(void **state)
{
    struct server *sv = *state;
    put(sv, "cyrillic.xml", TICKER_TEST_DATA "/http-charset-windows-1251.xml");
    char *url = xasprintf("http://127.0.0.1:%d/cyrillic.xml?charset=windows-1251", sv->port);
    char *cache = xasprintf("%s/cache", sv->root);
    assert_true(cache_dir_ensure(cache));
    struct config_source cfg = {(char *)"cyrillic", url, 300, (char *)"", (char *)"", 0};
    struct source s;
    CURLM *multi = curl_multi_init();
    source_init(&s, &cfg, cache, NULL, NULL, util_now_ns());
    assert_true(poll_once(&s, multi));
    assert_true(s.stories.count > 0);
    char *title = xstrdup(s.stories.items[0].title);
    assert_non_null(strstr(title, "Зарплаты"));
    source_finish(&s, multi);
    /* "Restart": nothing fetched, the cached copy shown. */
    source_init(&s, &cfg, cache, NULL, NULL, util_now_ns());
    assert_true(s.stories.count > 0);
    assert_string_equal(s.stories.items[0].title, title);
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(title);
    free(cache);
    free(url);
}

static bool have_minisign(void)
{
    return system("command -v minisign >/dev/null 2>&1") == 0;
}

/* Signs a copy of the file from with the test key, trusted timestamp ts, and serves it as name
 * with its name.minisig beside it. Needs the minisign tool. */
static void put_signed(const struct server *sv, const char *name, const char *from, int64_t ts)
{
    char *file = xasprintf("%s/signing.json", sv->root);
    char *cmd = xasprintf("cp '%s' '%s' && minisign -S -s '%s/test-only.key' -m '%s' "
                          "-t 'timestamp:%lld' >/dev/null 2>&1",
                          from, file, MINISIGN_DIR, file, (long long)ts);
    assert_int_equal(system(cmd), 0);
    char *sig = xasprintf("%s.minisig", file);
    char *sig_name = xasprintf("%s.minisig", name);
    put(sv, name, file);
    put(sv, sig_name, sig);
    free(sig_name);
    free(sig);
    free(cmd);
    free(file);
}

static void test_signed_feeds(void **state)
{
    struct server *sv = *state;
    char *pub = util_read_file(MINISIGN_DIR "/test-only.pub", 4096, NULL);
    assert_non_null(pub);
    char *url = xasprintf("http://127.0.0.1:%d/feed.json", sv->port);
    struct config_source cfg = {(char *)"signed", url, 300, pub, (char *)"", 0};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    assert_true(s.has_key);
    CURLM *multi = curl_multi_init();

    /* Unsigned: refused, nothing shown. */
    put(sv, "feed.json", MINISIGN_DIR "/feed.json");
    drop(sv, "feed.json.minisig");
    assert_false(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 0);
    assert_non_null(strstr(s.last_error.msg, "signature rejected"));

    /* A key that does not parse (right length and alphabet, not a minisign key) is not
     * "unsigned is fine": nothing is accepted, signed or not. */
    struct config_source bad_cfg = {
        (char *)"badkey",
        url,
        300,
        (char *)"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        (char *)"",
        0};
    struct source unusable;
    source_init(&unusable, &bad_cfg, NULL, NULL, NULL, util_now_ns());
    assert_false(poll_once(&unusable, multi));
    put(sv, "feed.json.minisig", MINISIGN_DIR "/feed.json.prehashed.minisig");
    assert_false(poll_once(&unusable, multi));
    assert_int_equal(unusable.stories.count, 0);
    if (!strstr(unusable.last_error.msg, "public_key cannot be used"))
        fail_msg("a key that does not parse: \"%s\"", unusable.last_error.msg);
    source_finish(&unusable, multi);
    drop(sv, "feed.json.minisig");

    /* Good (prehashed, minisign's default): accepted with its timestamp. */
    put(sv, "feed.json.minisig", MINISIGN_DIR "/feed.json.prehashed.minisig");
    assert_true(poll_once(&s, multi));
    size_t good = s.stories.count;
    assert_true(good > 0);
    assert_int_equal(s.sig_timestamp, 1741078800);

    struct {
        const char *feed, *sig, *why;
    } bad[] = {
        {"feed.json", "feed.json.other-key.minisig", "key"},
        {"feed-modified.json", "feed.json.prehashed.minisig", "signature"},
        {"feed.json", "feed.json.edited-comment.minisig", "signature"},
        {"feed.json", "garbage.minisig", "signature"},
        {"feed.json", "feed.json.no-timestamp.minisig", "timestamp"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *feed = xasprintf("%s/%s", MINISIGN_DIR, bad[i].feed);
        char *sig = xasprintf("%s/%s", MINISIGN_DIR, bad[i].sig);
        put(sv, "feed.json", feed);
        put(sv, "feed.json.minisig", sig);
        /* Forget the validators: an unchanged body would (rightly) get a 304 and no check. */
        free(s.etag);
        s.etag = xstrdup("");
        poll_once(&s, multi);
        if (!strstr(s.last_error.msg, "signature rejected") ||
            !strstr(s.last_error.msg, bad[i].why))
            fail_msg("%s with %s: \"%s\"", bad[i].feed, bad[i].sig, s.last_error.msg);
        assert_int_equal(s.stories.count, good); /* the last good stories stay */
        free(feed);
        free(sig);
    }

    if (!have_minisign()) {
        source_finish(&s, multi);
        curl_multi_cleanup(multi);
        free(url);
        free(pub);
        skip(); /* the test command installs minisign; without it the replay check cannot run */
    }
    /* A newer signature from the real tool, then the old one replayed: refused. */
    const int64_t signed_at = (int64_t)time(NULL) - 60;
    put_signed(sv, "feed.json", MINISIGN_DIR "/feed.json", signed_at);
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.sig_timestamp, signed_at);
    put(sv, "feed.json", MINISIGN_DIR "/feed.json");
    put(sv, "feed.json.minisig", MINISIGN_DIR "/feed.json.prehashed.minisig");
    free(s.etag);
    s.etag = xstrdup("");
    poll_once(&s, multi);
    assert_non_null(strstr(s.last_error.msg, "replayed"));
    assert_int_equal(s.sig_timestamp, signed_at);
    assert_int_equal(s.stories.count, good);
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(url);
    free(pub);
}

/* One signature dated in 2100 (an editor's machine with a wrong clock) must not lock the
 * source out: it is refused and raises no rollback floor (docs/operations.md). */
static void test_future_signature(void **state)
{
    struct server *sv = *state;
    if (!have_minisign())
        skip(); /* the test command installs minisign */
    char *pub = util_read_file(MINISIGN_DIR "/test-only.pub", 4096, NULL);
    char *url = xasprintf("http://127.0.0.1:%d/future.json", sv->port);
    struct config_source cfg = {(char *)"future", url, 300, pub, (char *)"", 0};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    CURLM *multi = curl_multi_init();
    const int64_t now = (int64_t)time(NULL);

    put_signed(sv, "future.json", TICKER_SOURCE_DIR "/assets/feeds/default.json", 4102444800);
    assert_false(poll_once(&s, multi));
    if (!strstr(s.last_error.msg, "ahead of this board's clock"))
        fail_msg("a 2100 signature: \"%s\"", s.last_error.msg);
    assert_int_equal(s.stories.count, 0);
    assert_int_equal(s.sig_timestamp, -1);
    /* The next edition signed on time is taken. */
    put_signed(sv, "future.json", TICKER_TEST_DATA "/stress.json", now - 60);
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 3);
    assert_int_equal(s.sig_timestamp, now - 60);

    /* Two hours ahead, within the day allowed: shown, but the floor stops at the clock, so the
     * edition after it, signed on time, is not taken for a replay. */
    put_signed(sv, "future.json", TICKER_SOURCE_DIR "/assets/feeds/default.json", now + 7200);
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 8);
    assert_true(s.sig_timestamp >= now && s.sig_timestamp <= (int64_t)time(NULL));
    put_signed(sv, "future.json", TICKER_TEST_DATA "/stress.json", (int64_t)time(NULL));
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 3);

    /* A floor far ahead of the clock (taken while a board's clock said 1970) is dropped at the
     * next signature, which is then judged on its own. */
    s.sig_timestamp = 4102444800;
    put_signed(sv, "future.json", TICKER_SOURCE_DIR "/assets/feeds/default.json",
               (int64_t)time(NULL));
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 8);
    assert_true(s.sig_timestamp <= (int64_t)time(NULL));
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(url);
    free(pub);
}

/* After a key change the cached copy must verify with the new key, or it leaves the sign and
 * the feed is fetched whole (with its signature) again. */
static void test_key_change(void **state)
{
    struct server *sv = *state;
    if (!have_minisign())
        skip();
    char *key_a = util_read_file(MINISIGN_DIR "/test-only.pub", 4096, NULL);
    char *key_b = util_read_file(MINISIGN_DIR "/other.pub", 4096, NULL);
    assert_non_null(key_a);
    assert_non_null(key_b);
    char *url = xasprintf("http://127.0.0.1:%d/keyed.json", sv->port);
    char *cache = xasprintf("%s/key-cache", sv->root);
    assert_true(cache_dir_ensure(cache));
    struct config_source cfg_a = {(char *)"keyed", url, 300, key_a, (char *)"", 0};
    struct config_source cfg_b = {(char *)"keyed", url, 300, key_b, (char *)"", 0};
    struct source s;
    CURLM *multi = curl_multi_init();
    const int64_t signed_at = (int64_t)time(NULL) - 60;
    put_signed(sv, "keyed.json", TICKER_SOURCE_DIR "/assets/feeds/default.json", signed_at);
    source_init(&s, &cfg_a, cache, NULL, NULL, util_now_ns());
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 8);
    source_finish(&s, multi);

    /* Same key: the cached copy shows at once, verified, with its floor. */
    source_init(&s, &cfg_a, cache, NULL, NULL, util_now_ns());
    assert_int_equal(s.stories.count, 8);
    assert_int_equal(s.sig_timestamp, signed_at);
    assert_true(s.etag[0] != '\0');
    assert_true(source_matches(&s, &cfg_a, NULL, NULL));
    assert_false(source_matches(&s, &cfg_b, NULL, NULL));
    source_finish(&s, multi);

    /* Key B: nothing of A's is shown, no validators go out, A's signature is refused. */
    source_init(&s, &cfg_b, cache, NULL, NULL, util_now_ns());
    assert_int_equal(s.stories.count, 0);
    assert_string_equal(s.etag, "");
    assert_int_equal(s.sig_timestamp, -1);
    assert_false(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 0);
    if (!strstr(s.last_error.msg, "signature rejected") || !strstr(s.last_error.msg, "key"))
        fail_msg("A's feed under key B: \"%s\"", s.last_error.msg);
    char *log = log_text(sv);
    assert_non_null(strstr(log, "GET /keyed.json.minisig"));
    free(log);

    /* A feed URL with a query: its signature sits beside the path, the query after it. */
    struct config_source cfg_query = {(char *)"query", NULL, 300, key_a, (char *)"", 0};
    cfg_query.url = xasprintf("http://127.0.0.1:%d/keyed.json?edition=lobby", sv->port);
    struct source q;
    source_init(&q, &cfg_query, NULL, NULL, NULL, util_now_ns());
    assert_true(poll_once(&q, multi));
    assert_int_equal(q.stories.count, 8);
    source_finish(&q, multi);
    free(cfg_query.url);
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(cache);
    free(url);
    free(key_a);
    free(key_b);
}

/* The cache folder fails for a while (replaced by a file): the status says so, and once it is
 * back the newest content reaches the cache without a restart or new content. An ETag over the
 * cache's cap is dropped and the body still cached. */
static void test_cache_failures(void **state)
{
    struct server *sv = *state;
    put(sv, "plain.json", TICKER_SOURCE_DIR "/assets/feeds/default.json");
    char *url = xasprintf("http://127.0.0.1:%d/plain.json", sv->port);
    char *cache = xasprintf("%s/flaky-cache", sv->root);
    char *away = xasprintf("%s.away", cache);
    assert_true(cache_dir_ensure(cache));
    struct config_source cfg = {(char *)"flaky", url, 300, (char *)"", (char *)"", 0};
    struct source s;
    CURLM *multi = curl_multi_init();
    source_init(&s, &cfg, cache, NULL, NULL, util_now_ns());
    assert_true(poll_once(&s, multi));
    assert_string_equal(s.cache_error.msg, "");

    assert_int_equal(rename(cache, away), 0);
    FILE *f = fopen(cache, "w");
    assert_non_null(f);
    fclose(f);
    put(sv, "plain.json", TICKER_TEST_DATA "/stress.json");
    assert_true(poll_once(&s, multi));
    assert_int_equal(s.stories.count, 3);
    assert_non_null(strstr(s.cache_error.msg, "cannot store the cache"));
    struct status_totals totals = {0};
    char *json = status_json(&s, 1, &totals, 1796000000);
    assert_non_null(strstr(json, "cannot store the cache"));
    free(json);

    /* Back: the same content, which a conditional GET would have left uncached, is stored. */
    assert_int_equal(unlink(cache), 0);
    assert_int_equal(rename(away, cache), 0);
    poll_once(&s, multi);
    assert_int_equal(s.failures, 0);
    assert_string_equal(s.cache_error.msg, "");
    source_finish(&s, multi);
    source_init(&s, &cfg, cache, NULL, NULL, util_now_ns());
    assert_int_equal(s.stories.count, 3);
    source_finish(&s, multi);

    /* A 9000-byte ETag: not kept, the body cached all the same. */
    char *long_url = xasprintf("http://127.0.0.1:%d/fault/long-etag/plain.json", sv->port);
    struct config_source long_cfg = {(char *)"long_etag", long_url, 300, (char *)"", (char *)"", 0};
    source_init(&s, &long_cfg, cache, NULL, NULL, util_now_ns());
    assert_true(poll_once(&s, multi));
    assert_string_equal(s.etag, "");
    assert_string_equal(s.cache_error.msg, "");
    source_finish(&s, multi);
    source_init(&s, &long_cfg, cache, NULL, NULL, util_now_ns());
    assert_int_equal(s.stories.count, 3);
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(long_url);
    free(away);
    free(cache);
    free(url);
}

/* A FIFO (or a device) as a file source, or as its cached copy, is refused at once: nothing
 * opened for reading may block the worker. */
static void test_fifo_source(void **state)
{
    struct server *sv = *state;
    char *fifo = xasprintf("%s/feed.fifo", sv->root);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    struct config_source cfg = {(char *)"fifo", fifo, 300, (char *)"", (char *)"", 0};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    int64_t t0 = util_now_ns();
    assert_false(source_start(&s, NULL, util_now_ns()));
    assert_true(util_now_ns() - t0 < 1000000000);
    if (!strstr(s.last_error.msg, "not a regular file"))
        fail_msg("a FIFO source: \"%s\"", s.last_error.msg);
    source_finish(&s, NULL);
    /* The same for a device. */
    struct config_source dev = {(char *)"dev", (char *)"/dev/zero", 300, (char *)"", (char *)"", 0};
    source_init(&s, &dev, NULL, NULL, NULL, util_now_ns());
    assert_false(source_start(&s, NULL, util_now_ns()));
    assert_non_null(strstr(s.last_error.msg, "not a regular file"));
    source_finish(&s, NULL);
    /* A FIFO where a cache file should be. */
    char *cache = xasprintf("%s/fifo-cache", sv->root);
    assert_true(cache_dir_ensure(cache));
    char *planted = xasprintf("%s/planted.cache", cache);
    assert_int_equal(mkfifo(planted, 0600), 0);
    struct cache_entry e;
    t0 = util_now_ns();
    assert_false(cache_load(cache, "planted", &e));
    assert_true(util_now_ns() - t0 < 1000000000);
    cache_entry_finish(&e);
    unlink(planted);
    unlink(fifo);
    free(planted);
    free(cache);
    free(fifo);
}

static void test_schedule(void **state)
{
    (void)state;
    const uint32_t lo = 0, mid = 1u << 31, hi = UINT32_MAX;
    struct {
        int refresh, failures;
        long retry_after, max_age;
        uint32_t random;
        int64_t min_ms, max_ms;
    } rows[] = {
        {300, 0, -1, -1, lo, 270000, 270000}, /* -10% */
        {300, 0, -1, -1, hi, 329999, 330000}, /* +10% */
        {300, 0, -1, -1, mid, 300000, 300000},
        {300, 0, -1, 900, mid, 900000, 900000},        /* max-age is a lower bound */
        {300, 0, -1, 60, mid, 300000, 300000},         /* ... not an upper one */
        {300, 0, -1, 999999, mid, 86400000, 86400000}, /* ... capped at a day */
        {300, 1, -1, -1, lo, 15000, 15000},            /* backoff from 30 s, half to full */
        {300, 1, -1, -1, hi, 29999, 30000},
        {300, 3, -1, -1, hi, 119999, 120000},
        {300, 20, -1, -1, hi, 599999, 600000},    /* capped at 10 min */
        {3600, 20, -1, -1, hi, 3599999, 3600000}, /* or the refresh, up to 1 h */
        {86400, 20, -1, -1, hi, 3599999, 3600000},
        {300, 1, 120, -1, lo, 120000, 120000},        /* Retry-After wins */
        {300, 1, 120, -1, hi, 131999, 132000},        /* ... up to 10% later: a fleet spreads */
        {300, 1, 999999, -1, lo, 86400000, 86400000}, /* ... up to a day */
        {300, 1, 86000, -1, hi, 86400000, 86400000},  /* ... its jitter too */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t ms = source_delay_ms(rows[i].refresh, rows[i].failures, rows[i].retry_after,
                                     rows[i].max_age, rows[i].random);
        if (ms < rows[i].min_ms || ms > rows[i].max_ms)
            fail_msg("row %zu: %lld ms, expected %lld..%lld", i, (long long)ms,
                     (long long)rows[i].min_ms, (long long)rows[i].max_ms);
    }
}

/* Reads doc as the file source cfg (its url the file to write) and checks that the next poll
 * comes min_s..max_s seconds later; `what` names the case in a failure. */
static void expect_next_poll(const struct config_source *cfg, const char *doc, int64_t min_s,
                             int64_t max_s, const char *what)
{
    assert_true(util_write_file_atomic(cfg->url, doc, strlen(doc)));
    struct source s;
    source_init(&s, cfg, NULL, NULL, NULL, util_now_ns());
    int64_t now = util_now_ns();
    assert_true(source_start(&s, NULL, now));
    int64_t wait_s = (s.next_poll_ns - now) / 1000000000;
    if (wait_s < min_s || wait_s > max_s)
        fail_msg("%s: next poll in %lld s, expected %lld..%lld", what, (long long)wait_s,
                 (long long)min_s, (long long)max_s);
    source_finish(&s, NULL);
}

/* An RSS feed's <ttl> holds the next poll off like max-age, up to a day; a feed without one
 * is polled at the refresh interval. */
static void test_ttl_hint(void **state)
{
    struct server *sv = *state;
    static const struct {
        const char *ttl;
        int64_t min_s, max_s;
    } rows[] = {
        {"<ttl>60</ttl>", 3240, 3960},       /* 60 min +-10%, not the 300 s refresh */
        {"<ttl>2</ttl>", 270, 330},          /* shorter than refresh: no effect */
        {"", 270, 330},                      /* none */
        {"<ttl>100000</ttl>", 77760, 95040}, /* capped at a day */
    };
    char *path = xasprintf("%s/ttl.xml", sv->root);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *doc = xasprintf("<rss version=\"2.0\"><channel><title>T</title>%s<item>"
                              "<title>A story</title></item></channel></rss>",
                              rows[i].ttl);
        struct config_source cfg = {(char *)"ttl", path, 300, (char *)"", (char *)"", 0};
        expect_next_poll(&cfg, doc, rows[i].min_s, rows[i].max_s, rows[i].ttl);
        free(doc);
    }
    free(path);
}

/* A source holding an alert is polled every 30 s (+-10%), whatever its refresh and <ttl> say;
 * an expired alert, or one its filter keeps off, holds nothing. */
static void test_alert_polling(void **state)
{
    struct server *sv = *state;
    static const struct {
        const char *item;
        int64_t min_s, max_s;
    } rows[] = {
        {"{\"title\":\"Fire drill\",\"_ticker\":{\"alert\":true}}", 27, 33},
        {"{\"title\":\"Fire drill\",\"_ticker\":{\"alert\":false}}", 3240, 3960},
        {"{\"title\":\"Fire drill\",\"_ticker\":{\"alert\":true,"
         "\"expires\":\"2020-01-01T00:00:00Z\"}}",
         3240, 3960},
        {"{\"title\":\"Sport: fire drill\",\"_ticker\":{\"alert\":true}}", 3240, 3960},
    };
    char *path = xasprintf("%s/alert.json", sv->root);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *doc = xasprintf("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"T\","
                              "\"items\":[%s]}",
                              rows[i].item);
        struct config_source cfg = {(char *)"alerts", path, 3600, (char *)"", (char *)"sport", 0};
        expect_next_poll(&cfg, doc, rows[i].min_s, rows[i].max_s, rows[i].item);
        free(doc);
    }
    free(path);
}

/* A source's exclude and max_age_hours decide what of it the sign shows, and a reload that keeps
 * the source takes new ones. */
static void test_source_filter(void **state)
{
    (void)state;
    struct config_source cfg = {(char *)"filtered", (char *)"/nonexistent.json",   300,
                                (char *)"",         (char *)"sport, royal family", 1};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    struct story sport = {
        .title = (char *)"Sport tonight", .summary = (char *)"", .published = STORY_NO_DATE};
    struct story old = {.title = (char *)"Budget", .summary = (char *)"", .published = 999};
    struct story fresh = {
        .title = (char *)"Budget", .summary = (char *)"The Royal Family pays", .published = 4000};
    struct story plain = {.title = (char *)"Budget", .summary = (char *)"", .published = 4000};
    assert_false(source_shows(&s, &sport, 4600));
    assert_false(source_shows(&s, &old, 4600)); /* over an hour old */
    assert_false(source_shows(&s, &fresh, 4600));
    assert_true(source_shows(&s, &plain, 4600));
    cfg.exclude = (char *)"";
    cfg.max_age_hours = 0;
    source_keep(&s, &cfg, util_now_ns());
    assert_true(source_shows(&s, &sport, 4600));
    assert_true(source_shows(&s, &old, 4600));
    source_finish(&s, NULL);
}

static void test_signature_url(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"https://h/s.json", "https://h/s.json.minisig"},
        {"https://h/s.json?edition=lobby", "https://h/s.json.minisig?edition=lobby"},
        {"https://h/s.json?a=1&b=2#top", "https://h/s.json.minisig?a=1&b=2#top"},
        {"https://h/s.json#top", "https://h/s.json.minisig#top"},
        {"https://h/feeds/", "https://h/feeds/.minisig"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *got = source_signature_url(rows[i][0]);
        assert_string_equal(got, rows[i][1]);
        free(got);
    }
}

static void test_redacted_urls(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"http://alice:S3cretPass@host/feed.json?token=APIKEY123",
         "http://***@host/feed.json?token=***"},
        {"https://host:8443/a/b.xml", "https://host:8443/a/b.xml"},
        {"https://user@host/x", "https://***@host/x"},
        {"https://h/s.json?edition=lobby&key=K#part", "https://h/s.json?edition=***&key=***#***"},
        {"https://h/s.json?APIKEY123", "https://h/s.json?***"},
        {"https://h/s.json?a=&&b", "https://h/s.json?a=***&&***"},
        {"https://h/?=", "https://h/?=***"},
        {"https://h/p#access_token=T", "https://h/p#access_token=***"},
        {"https://a@b@host/p@q", "https://***@host/p@q"},
        {"/srv/feeds/lobby.json", "/srv/feeds/lobby.json"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *got = fetch_redacted_url(rows[i][0]);
        assert_string_equal(got, rows[i][1]);
        free(got);
    }
}

/* Credentials in a source URL reach neither the log line of a failure nor the status file. */
static void test_credentials_hidden(void **state)
{
    struct server *sv = *state;
    char *url =
        xasprintf("http://alice:S3cretPass@127.0.0.1:%d/status/503?token=APIKEY123", sv->port);
    struct config_source cfg = {(char *)"secret", url, 300, (char *)"", (char *)"", 0};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    CURLM *multi = curl_multi_init();
    assert_false(poll_once(&s, multi));
    assert_non_null(strstr(s.last_error.msg, "HTTP 503"));
    struct status_totals totals = {0};
    char *json = status_json(&s, 1, &totals, 1796000000);
    if (strstr(json, "S3cretPass") || strstr(json, "APIKEY123") || strstr(json, "alice"))
        fail_msg("credentials in the status file:\n%s", json);
    assert_non_null(strstr(json, "http://***@127.0.0.1:"));
    free(json);
    source_finish(&s, multi);
    curl_multi_cleanup(multi);
    free(url);
}

/* Content fetched while the clock was a year ahead: once the clock is set back, its time
 * counts from now, so "Offline" can show again after the usual wait. */
static void test_success_ahead_of_clock(void **state)
{
    (void)state;
    struct config_source cfg = {
        (char *)"ahead", (char *)"/nonexistent.json", 300, (char *)"", (char *)"", 0};
    struct source s;
    source_init(&s, &cfg, NULL, NULL, NULL, util_now_ns());
    const int64_t now = 1796000000;
    s.last_success = s.content_time = now + 365 * 86400;
    source_check_clock(&s, now);
    assert_int_equal(s.last_success, now);
    assert_int_equal(s.content_time, now);
    /* Within a minute (an NTP step) it stays. */
    s.last_success = now + 30;
    source_check_clock(&s, now);
    assert_int_equal(s.last_success, now + 30);
    /* A board booted at 1970, before NTP: its clock is wrong, not the cached success. */
    s.last_success = now;
    source_check_clock(&s, 86400);
    assert_int_equal(s.last_success, now);
    source_finish(&s, NULL);
}

/* A device at the status path is not replaced; an unwritable place fails with the reason in
 * err, for the worker to log once. */
static void test_status_write_refuses(void **state)
{
    (void)state;
    struct status_totals totals = {0};
    struct error err = {""};
    assert_false(status_write("/dev/null", NULL, 0, &totals, 1796000000, &err));
    assert_non_null(strstr(err.msg, "/dev/null: not a regular file"));
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    error_clear(&err);
    assert_false(
        status_write("/proc/ticker-no-such-dir/status.json", NULL, 0, &totals, 1796000000, &err));
    assert_non_null(strstr(err.msg, "cannot create"));
}

static void test_clock_suspect(void **state)
{
    (void)state;
    const int64_t now = 1796000000; /* late 2026 */
    assert_true(source_clock_suspect("SSL certificate problem: certificate is not yet valid", now));
    assert_false(source_clock_suspect("SSL certificate problem: certificate has expired", now));
    assert_false(source_clock_suspect("SSL: no alternative certificate subject name", now));
    /* A board that booted at 1970 or at the image build date: any TLS failure is the clock. */
    assert_true(source_clock_suspect("SSL certificate problem: certificate has expired", 0));
    assert_true(source_clock_suspect("anything", 1700000000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_ttl_hint),
        cmocka_unit_test(test_alert_polling),
        cmocka_unit_test(test_source_filter),
        cmocka_unit_test(test_clock_suspect),
        cmocka_unit_test(test_signature_url),
        cmocka_unit_test(test_redacted_urls),
        cmocka_unit_test(test_status_write_refuses),
        cmocka_unit_test(test_success_ahead_of_clock),
        cmocka_unit_test(test_credentials_hidden),
        cmocka_unit_test(test_conditional_get),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_cache_keeps_charset),
        cmocka_unit_test(test_signed_feeds),
        cmocka_unit_test(test_future_signature),
        cmocka_unit_test(test_key_change),
        cmocka_unit_test(test_cache_failures),
        cmocka_unit_test(test_fifo_source),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
