#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include <cmocka.h>

#include "cache.h"
#include "dynbuf.h"
#include "log.h"
#include "util.h"

#include "common.h"

/* Passed to every test as its state: a fresh directory under $TMPDIR, removed at the end. */
struct env {
    char *dir;
};

static int env_setup(void **state)
{
    struct env *env = xcalloc(1, sizeof(*env));
    env->dir = test_make_dir("test_cache");
    *state = env;
    return 0;
}

static int env_teardown(void **state)
{
    struct env *env = *state;
    test_remove_tree(env->dir);
    free(env->dir);
    free(env);
    return 0;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static bool entry_zeroed(const struct cache_entry *e)
{
    return !e->body && !e->len && !e->etag && !e->last_modified && !e->charset && !e->signature &&
           !e->url && !e->fetched_at && !e->sig_timestamp;
}

static void assert_entries_equal(const struct cache_entry *got, const struct cache_entry *want)
{
    assert_int_equal(got->len, want->len);
    assert_non_null(got->body);
    if (want->len)
        assert_memory_equal(got->body, want->body, want->len);
    assert_int_equal(got->body[got->len], '\0');
    assert_string_equal(got->url, want->url ? want->url : "");
    assert_string_equal(got->etag, want->etag ? want->etag : "");
    assert_string_equal(got->last_modified, want->last_modified ? want->last_modified : "");
    assert_string_equal(got->charset, want->charset ? want->charset : "");
    assert_string_equal(got->signature, want->signature ? want->signature : "");
    assert_int_equal(got->fetched_at, want->fetched_at);
    assert_int_equal(got->sig_timestamp, want->sig_timestamp);
}

/* An entry pointing at the caller's strings: cache_store only reads them, so dropping const is
 * safe here, and such an entry must never reach cache_entry_finish. */
static struct cache_entry borrowed(const char *body, size_t len, const char *url, const char *etag,
                                   const char *last_modified, int64_t fetched_at,
                                   int64_t sig_timestamp)
{
    return (struct cache_entry){.body = (char *)body,
                                .len = len,
                                .url = (char *)url,
                                .etag = (char *)etag,
                                .last_modified = (char *)last_modified,
                                .fetched_at = fetched_at,
                                .sig_timestamp = sig_timestamp};
}

/* A body where a shifted, dropped or repeated block would not compare equal. */
static char *make_body(size_t len)
{
    char *body = xmalloc(len + 1);
    for (size_t i = 0; i < len; i++)
        body[i] = (char)(i * 31 + (i >> 9));
    return body;
}

/* Room for a string one byte over the cap, and its NUL. */
static char long_string[CACHE_MAX_STRING + 2];

/* Returns long_string holding len times 'x'. */
static char *x_string(size_t len)
{
    memset(long_string, 'x', len);
    long_string[len] = '\0';
    return long_string;
}

static void test_round_trip(void **state)
{
    const struct env *env = *state;
    x_string(CACHE_MAX_STRING);
    static const struct {
        const char *name;
        size_t body_len;
        const char *url, *etag, *last_modified;
        int64_t fetched_at, sig_timestamp;
    } rows[] = {
        {"empty", 0, "", "", "", 0, -1},
        {"null-strings", 3, NULL, NULL, NULL, 1, -1},
        {"small", 100, "https://example.org/feed.json", "\"abc\"", "Tue, 04 Mar 2025 09:00:00 GMT",
         1741078800, 1741078000},
        {"five-mb", 5 * 1024 * 1024, "file:///srv/feed.xml", "W/\"5mb\"", "", 1741078801, -1},
        {"utf8", 1000, "https://例え.jp/ニュース?q=ü", "\"Zürich–東京 🚆\"", "Ünïcödé", INT64_MAX,
         INT64_MAX},
        {"max-strings", 10, long_string, long_string, long_string, 42, 0},
        {"max-body", CACHE_MAX_BODY, "u", "e", "l", 7, 8},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct cache_entry want =
            borrowed(make_body(rows[i].body_len), rows[i].body_len, rows[i].url, rows[i].etag,
                     rows[i].last_modified, rows[i].fetched_at, rows[i].sig_timestamp);
        if (rows[i].sig_timestamp >= 0) {
            want.charset = (char *)"utf-8";
            want.signature = (char *)"untrusted comment: signature from minisign secret key\n"
                                     "RUQ...\ntrusted comment: timestamp:1741078000\tfile:f\n";
        }
        struct cache_entry got;
        print_message("round trip: %s\n", rows[i].name);
        assert_true(cache_store(env->dir, rows[i].name, &want));
        assert_true(cache_load(env->dir, rows[i].name, &got));
        assert_entries_equal(&got, &want);
        cache_entry_finish(&got);
        assert_true(entry_zeroed(&got));
        free(want.body);
    }
}

static void test_body_with_nul_bytes(void **state)
{
    const struct env *env = *state;
    static const char body[] = "a\0b\0\0c";
    struct cache_entry want = borrowed(body, sizeof(body), "u", "", "", 0, -1);
    struct cache_entry got;
    assert_true(cache_store(env->dir, "nul", &want));
    assert_true(cache_load(env->dir, "nul", &got));
    assert_entries_equal(&got, &want);
    cache_entry_finish(&got);
}

static void test_overwrite(void **state)
{
    const struct env *env = *state;
    /* Larger, smaller, then empty: a replace must not leave bytes of the previous version. */
    static const struct {
        size_t len;
        const char *etag;
    } versions[] = {{300000, "\"big\""}, {10, "\"small\""}, {0, ""}, {77, "\"again\""}};
    for (size_t i = 0; i < ARRAY_LEN(versions); i++) {
        struct cache_entry want =
            borrowed(make_body(versions[i].len), versions[i].len, "https://example.org/",
                     versions[i].etag, "", (int64_t)i, -1);
        struct cache_entry got;
        assert_true(cache_store(env->dir, "over", &want));
        assert_true(cache_load(env->dir, "over", &got));
        assert_entries_equal(&got, &want);
        cache_entry_finish(&got);
        free(want.body);
    }
}

/* Stores a small entry and returns its file's bytes; caller frees. */
static uint8_t *small_cache_file(const struct env *env, const char *name, size_t *len)
{
    struct cache_entry e =
        borrowed("{\"items\":[]}", 12, "https://e.org/f", "\"v1\"", "Mon", 1700000000, 1699999999);
    assert_true(cache_store(env->dir, name, &e));
    char *path = cache_path(env->dir, name);
    uint8_t *data = (uint8_t *)util_read_file(path, 1 << 20, len);
    assert_non_null(data);
    free(path);
    return data;
}

/* Writes data as the cache of name and checks that loading refuses it with one warning line that
 * names the file and contains reason (when not NULL). */
static void assert_refused(const struct env *env, const char *name, const void *data, size_t len,
                           const char *reason)
{
    char *path = cache_path(env->dir, name);
    write_bytes(path, data, len);
    struct test_capture cap;
    struct cache_entry e;
    memset(&e, 0xa5, sizeof(e));
    test_capture_begin(&cap);
    bool ok = cache_load(env->dir, name, &e);
    char *logged = test_capture_end(&cap);
    if (ok || test_count_lines(logged) != 1 || !strstr(logged, path) ||
        (reason && !strstr(logged, reason)))
        fail_msg("%zu-byte file: loaded=%d, logged \"%s\", want one line with %s and \"%s\"", len,
                 ok, logged, path, reason ? reason : "");
    assert_true(entry_zeroed(&e));
    cache_entry_finish(&e);
    free(logged);
    free(path);
}

static void test_every_truncation_rejected(void **state)
{
    const struct env *env = *state;
    size_t len;
    uint8_t *good = small_cache_file(env, "trunc", &len);
    for (size_t cut = 0; cut < len; cut++)
        assert_refused(env, "trunc", good, cut, NULL);
    free(good);
}

static void test_every_bit_flip_rejected(void **state)
{
    const struct env *env = *state;
    size_t len;
    uint8_t *good = small_cache_file(env, "flip", &len);
    for (size_t at = 0; at < len; at++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            good[at] ^= (uint8_t)(1u << bit);
            assert_refused(env, "flip", good, len, NULL);
            good[at] ^= (uint8_t)(1u << bit);
        }
    }
    /* Unchanged, the same bytes still load: the rejections above came from the flips. */
    struct cache_entry e;
    char *path = cache_path(env->dir, "flip");
    write_bytes(path, good, len);
    assert_true(cache_load(env->dir, "flip", &e));
    assert_string_equal(e.etag, "\"v1\"");
    cache_entry_finish(&e);
    free(path);
    free(good);
}

static void test_trailing_bytes_rejected(void **state)
{
    const struct env *env = *state;
    size_t len;
    uint8_t *good = small_cache_file(env, "tail", &len);
    uint8_t *longer = xcalloc(len + 8, 1);
    memcpy(longer, good, len);
    for (size_t extra = 1; extra <= 8; extra++)
        assert_refused(env, "tail", longer, len + extra, NULL);
    free(longer);
    free(good);
}

/* Files built here by hand from the format comment in cache.c, with an honest trailer unless a
 * row says otherwise: they show the documented layout loads, and that checks behind the
 * checksum still hold when a crafted file carries a valid one. */
static void raw_put(struct dynbuf *r, const void *p, size_t n)
{
    assert_true(dynbuf_add(r, p, n));
}

static void raw_u32(struct dynbuf *r, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    raw_put(r, b, 4);
}

static void raw_u64(struct dynbuf *r, uint64_t v)
{
    raw_u32(r, (uint32_t)v);
    raw_u32(r, (uint32_t)(v >> 32));
}

struct raw_string {
    const char *s;
    uint32_t len;
};
#define S(lit)                                                                                     \
    {                                                                                              \
        lit, sizeof(lit) - 1                                                                       \
    }

/* A signature one byte over its cap. */
static char long_signature[CACHE_MAX_SIGNATURE + 2];

static void test_crafted_files(void **state)
{
    const struct env *env = *state;
    x_string(CACHE_MAX_STRING + 1);
    memset(long_signature, 's', CACHE_MAX_SIGNATURE + 1);
    static const struct {
        const char *what;
        const char *magic; /* NULL: "TICKCACH" */
        uint32_t version;
        struct raw_string strings[5]; /* the fifth (signature) from version 3 on */
        int64_t fetched_at;
        int64_t sig_timestamp; /* 0: none (-1 in the file) */
        uint32_t body_declared, body_written, padding;
        int64_t total_delta;
        uint32_t crc_xor;
        const char *reason; /* NULL: loads */
    } rows[] = {
        {.what = "minimal", .version = 2},
        {.what = "fields",
         .version = 2,
         .strings = {S("u"), S("e"), S("l"), S("c")},
         .fetched_at = 5,
         .body_declared = 3,
         .body_written = 3,
         .sig_timestamp = 6},
        {.what = "minimal v3", .version = 3, .strings = {S(""), S(""), S(""), S(""), S("")}},
        {.what = "fields v3",
         .version = 3,
         .strings = {S("u"), S("e"), S("l"), S("c"), S("sig")},
         .fetched_at = 5,
         .body_declared = 3,
         .body_written = 3,
         .sig_timestamp = 6},
        {.what = "max signature",
         .version = 3,
         .strings = {S(""), S(""), S(""), S(""), {long_signature, CACHE_MAX_SIGNATURE}}},
        {.what = "signature over cap",
         .version = 3,
         .strings = {S(""), S(""), S(""), S(""), {long_signature, CACHE_MAX_SIGNATURE + 1}},
         .reason = "signature over"},
        {.what = "version 1", .version = 1, .reason = "format version 1"},
        {.what = "max string",
         .version = 2,
         .strings = {{long_string, CACHE_MAX_STRING}, S(""), S(""), S("")}},
        {.what = "wrong magic", .magic = "TICKCACX", .version = 1, .reason = "bad magic"},
        {.what = "other magic", .magic = "\x89PNG\r\n\x1a\n", .version = 2, .reason = "bad magic"},
        {.what = "future version", .version = 4, .reason = "format version 4"},
        {.what = "version zero", .version = 0, .reason = "format version 0"},
        {.what = "version max", .version = UINT32_MAX, .reason = "format version 4294967295"},
        {.what = "total too small", .version = 2, .total_delta = -1, .reason = "trailer says"},
        {.what = "total too large", .version = 2, .total_delta = 1, .reason = "trailer says"},
        {.what = "bad crc", .version = 2, .crc_xor = 1, .reason = "checksum"},
        {.what = "string over cap",
         .version = 2,
         .strings = {{long_string, CACHE_MAX_STRING + 1}, S(""), S("")},
         .reason = "string over"},
        {.what = "NUL in string",
         .version = 2,
         .strings = {S("a\0b"), S(""), S("")},
         .reason = "NUL"},
        {.what = "body declared longer",
         .version = 2,
         .body_declared = 10,
         .body_written = 5,
         .reason = "body runs past"},
        {.what = "body declared shorter",
         .version = 2,
         .body_declared = 5,
         .body_written = 10,
         .reason = "trailing bytes"},
        {.what = "padding after body",
         .version = 2,
         .body_declared = 4,
         .body_written = 4,
         .padding = 1,
         .reason = "trailing bytes"},
        {.what = "body over cap",
         .version = 2,
         .body_declared = CACHE_MAX_BODY + 1,
         .reason = "16 MiB"},
        {.what = "body length huge", .version = 2, .body_declared = UINT32_MAX, .reason = "16 MiB"},
        {.what = "negative fetched_at", .version = 2, .fetched_at = -1, .reason = "fetched_at"},
        {.what = "sig_timestamp -2", .version = 2, .sig_timestamp = -2, .reason = "sig_timestamp"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("crafted: %s\n", rows[i].what);
        struct dynbuf r;
        dynbuf_init(&r, 1u << 20); /* every crafted file is small; its declared body may not be */
        raw_put(&r, rows[i].magic ? rows[i].magic : "TICKCACH", 8);
        int64_t sig_timestamp = rows[i].sig_timestamp ? rows[i].sig_timestamp : -1;
        raw_u32(&r, rows[i].version);
        for (size_t s = 0; s < (rows[i].version >= 3 ? 5u : 4u); s++) {
            raw_u32(&r, rows[i].strings[s].len);
            raw_put(&r, rows[i].strings[s].s, rows[i].strings[s].len);
        }
        raw_u64(&r, (uint64_t)rows[i].fetched_at);
        raw_u64(&r, (uint64_t)sig_timestamp);
        raw_u32(&r, rows[i].body_declared);
        for (uint32_t b = 0; b < rows[i].body_written; b++)
            raw_put(&r, "b", 1);
        for (uint32_t b = 0; b < rows[i].padding; b++)
            raw_put(&r, "", 1);
        raw_u64(&r, (uint64_t)((int64_t)r.len + 12 + rows[i].total_delta));
        raw_u32(&r, (uint32_t)crc32(0, (const Bytef *)r.data, (uInt)r.len) ^ rows[i].crc_xor);

        if (rows[i].reason) {
            assert_refused(env, "crafted", r.data, r.len, rows[i].reason);
        } else {
            char *path = cache_path(env->dir, "crafted");
            write_bytes(path, r.data, r.len);
            struct cache_entry e;
            assert_true(cache_load(env->dir, "crafted", &e));
            assert_int_equal(e.len, rows[i].body_declared);
            assert_int_equal(strlen(e.url), rows[i].strings[0].len);
            /* Version 2 has no signature: it loads as "". */
            assert_int_equal(strlen(e.signature),
                             rows[i].version >= 3 ? rows[i].strings[4].len : 0);
            assert_int_equal(e.fetched_at, rows[i].fetched_at);
            assert_int_equal(e.sig_timestamp, sig_timestamp);
            cache_entry_finish(&e);
            free(path);
        }
        dynbuf_finish(&r);
    }
}

/* Refused from the directory entry alone, before anything is read. */
static void test_odd_files_rejected(void **state)
{
    const struct env *env = *state;
    char *path = cache_path(env->dir, "odd");
    static const struct {
        const char *what;
        bool directory;
        off_t size;
        const char *reason;
    } rows[] = {
        {"directory", true, 0, "not a regular file"},
        {"one byte over the largest valid file", false,
         /* 64: the header and trailer of an empty cache */
         (off_t)(64 + 4 * CACHE_MAX_STRING + CACHE_MAX_SIGNATURE + CACHE_MAX_BODY + 1),
         "larger than any valid cache"},
        {"a terabyte (sparse)", false, (off_t)1 << 40, "larger than any valid cache"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("odd file: %s\n", rows[i].what);
        if (rows[i].directory) {
            assert_int_equal(mkdir(path, 0700), 0);
        } else {
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            assert_true(fd >= 0);
            assert_int_equal(ftruncate(fd, rows[i].size), 0);
            close(fd);
        }
        struct test_capture cap;
        struct cache_entry e;
        test_capture_begin(&cap);
        bool ok = cache_load(env->dir, "odd", &e);
        char *logged = test_capture_end(&cap);
        assert_false(ok);
        assert_int_equal(test_count_lines(logged), 1);
        assert_non_null(strstr(logged, path));
        assert_non_null(strstr(logged, rows[i].reason));
        free(logged);
        if (rows[i].directory)
            assert_int_equal(rmdir(path), 0);
        else
            assert_int_equal(unlink(path), 0);
    }
    free(path);
}

static void test_store_refuses_over_caps(void **state)
{
    const struct env *env = *state;
    x_string(CACHE_MAX_STRING + 1);
    char *big = make_body(CACHE_MAX_BODY + 1);
    struct cache_entry good = borrowed("old", 3, "", "\"old\"", "", 1, -1);
    static const struct {
        const char *what;
        size_t len;
        bool long_url, long_etag, long_last_modified, null_body;
        int64_t fetched_at, sig_timestamp;
    } rows[] = {
        {"body over cap", CACHE_MAX_BODY + 1, false, false, false, false, 0, -1},
        {"url over cap", 1, true, false, false, false, 0, -1},
        {"etag over cap", 1, false, true, false, false, 0, -1},
        {"last_modified over cap", 1, false, false, true, false, 0, -1},
        {"NULL body with a length", 1, false, false, false, true, 0, -1},
        {"negative fetched_at", 1, false, false, false, false, -5, -1},
        {"sig_timestamp below -1", 1, false, false, false, false, 0, -2},
    };
    assert_true(cache_store(env->dir, "caps", &good));
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("store refuses: %s\n", rows[i].what);
        struct cache_entry bad = borrowed(
            rows[i].null_body ? NULL : big, rows[i].len, rows[i].long_url ? long_string : "",
            rows[i].long_etag ? long_string : "", rows[i].long_last_modified ? long_string : "",
            rows[i].fetched_at, rows[i].sig_timestamp);
        struct test_capture cap;
        test_capture_begin(&cap);
        bool stored = cache_store(env->dir, "caps", &bad);
        char *logged = test_capture_end(&cap);
        assert_false(stored);
        assert_int_equal(test_count_lines(logged), 1);
        assert_non_null(strstr(logged, "caps.cache"));
        free(logged);
        /* The refused store left the previous cache in place. */
        struct cache_entry e;
        assert_true(cache_load(env->dir, "caps", &e));
        assert_entries_equal(&e, &good);
        cache_entry_finish(&e);
    }
    free(big);
}

static void test_source_names(void **state)
{
    const struct env *env = *state;
    char longest[CACHE_MAX_NAME + 2];
    memset(longest, 'n', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    char fits[CACHE_MAX_NAME + 1];
    memset(fits, 'n', sizeof(fits) - 1);
    fits[sizeof(fits) - 1] = '\0';
    const struct {
        const char *name;
        bool valid;
    } rows[] = {
        {"news", true},  {"A-z_09", true}, {"-", true},      {"_", true},    {fits, true},
        {"", false},     {NULL, false},    {".", false},     {"..", false},  {"a/b", false},
        {"../x", false}, {"/etc", false},  {"a b", false},   {"a.b", false}, {"é", false},
        {"a\nb", false}, {"a\\b", false},  {longest, false}, {"x*", false},
    };
    struct cache_entry e = borrowed("b", 1, "", "", "", 0, -1);
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        const char *name = rows[i].name;
        print_message("source name row %zu: %s\n", i, rows[i].valid ? "valid" : "invalid");
        log_set_level((enum log_level)(LOG_ERROR - 1));
        char *path = cache_path(env->dir, name);
        bool stored = cache_store(env->dir, name, &e);
        struct cache_entry got;
        bool loaded = cache_load(env->dir, name, &got);
        bool removed = cache_remove(env->dir, name);
        log_set_level(LOG_INFO);
        assert_int_equal(path != NULL, rows[i].valid);
        assert_int_equal(stored, rows[i].valid);
        assert_int_equal(loaded, rows[i].valid);
        assert_int_equal(removed, rows[i].valid);
        if (path) {
            char *want = xasprintf("%s/%s.cache", env->dir, name);
            assert_string_equal(path, want);
            assert_int_equal(access(path, F_OK), -1);
            free(want);
        }
        cache_entry_finish(&got);
        free(path);
    }
    /* An invalid name logs why, once. */
    struct test_capture cap;
    test_capture_begin(&cap);
    struct cache_entry got;
    assert_false(cache_load(env->dir, "../etc/passwd", &got));
    char *logged = test_capture_end(&cap);
    assert_int_equal(test_count_lines(logged), 1);
    assert_non_null(strstr(logged, "invalid source name"));
    free(logged);
}

static void test_missing_is_quiet(void **state)
{
    const struct env *env = *state;
    struct test_capture cap;
    struct cache_entry e;
    memset(&e, 0x5a, sizeof(e));
    test_capture_begin(&cap);
    bool loaded = cache_load(env->dir, "never-stored", &e);
    bool removed = cache_remove(env->dir, "never-stored");
    char *logged = test_capture_end(&cap);
    assert_false(loaded);
    assert_true(entry_zeroed(&e));
    assert_true(removed);
    assert_string_equal(logged, "");
    free(logged);
    cache_entry_finish(&e);
}

static void test_remove(void **state)
{
    const struct env *env = *state;
    struct cache_entry e = borrowed("b", 1, "", "", "", 0, -1);
    assert_true(cache_store(env->dir, "gone", &e));
    struct cache_entry got;
    assert_true(cache_load(env->dir, "gone", &got));
    cache_entry_finish(&got);
    assert_true(cache_remove(env->dir, "gone"));
    assert_false(cache_load(env->dir, "gone", &got));
}

static bool exists_in(const char *dir, const char *file)
{
    char *path = xasprintf("%s/%s", dir, file);
    bool found = access(path, F_OK) == 0;
    free(path);
    return found;
}

static void test_stale_temp_files(void **state)
{
    const struct env *env = *state;
    char *dir = xasprintf("%s/stale", env->dir);
    assert_true(cache_dir_ensure(dir));
    static const struct {
        const char *file;
        bool removed_by_store_of_a, removed_by_ensure;
    } rows[] = {
        {"a.cache.tmp.123", true, true},  {"a.cache.tmp.9", true, true},
        {"b.cache.tmp.123", false, true}, {"ab.cache.tmp.1", false, true},
        {"a.cache.tmp.", false, false},   {"a.cache.tmp.12x", false, false},
        {"a.cache.tmpx", false, false},   {"status.json.tmp.1", false, false},
        {"notes.txt", false, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *path = xasprintf("%s/%s", dir, rows[i].file);
        write_bytes(path, "junk", 4);
        free(path);
    }
    /* A temp file is never read: with only a temp file the cache is absent. */
    struct cache_entry got;
    assert_false(cache_load(dir, "a", &got));

    struct cache_entry e = borrowed("b", 1, "", "", "", 0, -1);
    assert_true(cache_store(dir, "a", &e));
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        assert_int_equal(exists_in(dir, rows[i].file), !rows[i].removed_by_store_of_a);
    assert_true(cache_dir_ensure(dir));
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        assert_int_equal(exists_in(dir, rows[i].file), !rows[i].removed_by_ensure);
    assert_true(exists_in(dir, "a.cache"));
    assert_true(cache_load(dir, "a", &got));
    cache_entry_finish(&got);
    free(dir);
}

static void test_dir_ensure(void **state)
{
    const struct env *env = *state;
    mode_t old_umask = umask(022);
    char *nested = xasprintf("%s/x/y/z/", env->dir);
    assert_true(cache_dir_ensure(nested));
    assert_true(cache_dir_ensure(nested));
    static const char *const made[] = {"x", "x/y", "x/y/z"};
    for (size_t i = 0; i < ARRAY_LEN(made); i++) {
        char *path = xasprintf("%s/%s", env->dir, made[i]);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0750);
        free(path);
    }
    umask(old_umask);

    char *file = xasprintf("%s/plain-file", env->dir);
    write_bytes(file, "x", 1);
    char *under_file = xasprintf("%s/sub", file);
    log_set_level((enum log_level)(LOG_ERROR - 1));
    assert_false(cache_dir_ensure(file));
    assert_false(cache_dir_ensure(under_file));
    assert_false(cache_dir_ensure(""));
    log_set_level(LOG_INFO);
    free(under_file);
    free(file);
    free(nested);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_body_with_nul_bytes),
        cmocka_unit_test(test_overwrite),
        cmocka_unit_test(test_every_truncation_rejected),
        cmocka_unit_test(test_every_bit_flip_rejected),
        cmocka_unit_test(test_trailing_bytes_rejected),
        cmocka_unit_test(test_crafted_files),
        cmocka_unit_test(test_odd_files_rejected),
        cmocka_unit_test(test_store_refuses_over_caps),
        cmocka_unit_test(test_source_names),
        cmocka_unit_test(test_missing_is_quiet),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_stale_temp_files),
        cmocka_unit_test(test_dir_ensure),
    };
    return cmocka_run_group_tests(tests, env_setup, env_teardown);
}
