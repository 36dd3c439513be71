/* minisign signature verification against files made by the real minisign 0.11 tool (fixtures
 * in tests/data/minisign, see its README.md), hostile edits of those files, and fresh signatures
 * made with the committed test-only key when the `minisign` binary is on PATH (the README's test
 * command installs it, so the interoperability test runs in CI rather than being skipped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "minisign.h"
#include "util.h"

#include "common.h"

#define FIXTURE_DIR TICKER_TEST_DATA "/minisign"

/* test-only.pub and the lines of feed.json.prehashed.minisig, written out so rows can rebuild
 * a signature around a different trusted comment. */
#define TEST_KEY_B64 "RWRwsxKQh8Zvxjr3x5m+ZSv//5Hbqs1/grOWEsJ3EFOjXyjGPQ8YHgJn"
#define TEST_KEY_ID "C66FC6879012B370"
#define OTHER_KEY_ID "E2587D50936CDB3C"
#define PREHASHED_SIG_LINE                                                                         \
    "RURwsxKQh8Zvxu240/hYINksL8E/Na97J+ai0sxqKPtdQf/czKMd1LAZ8SnWtsaZzIJL9gUqoO0xLaFU2pT2Yea1Ue"   \
    "NJ6mljyAg="
#define PREHASHED_GLOBAL_LINE                                                                      \
    "qut5+IjHWmDUKj3rp3Zn4ejozMH9SCMiMZ5rbTk7H+Dt3G8z6hd9GtOd5+paC8+8yb1SVyP9uiPD0sG0J3f3Ag=="
#define PREHASHED_COMMENT "timestamp:1741078800\tfile:feed.json\thashed"

/* No parse: the row expects minisign_parse_sig to fail. */
#define PARSE_FAILS (-1)

static char *read_fixture(const char *name, size_t *len)
{
    char *path = xasprintf("%s/%s", FIXTURE_DIR, name);
    char *data = util_read_file(path, 1024 * 1024, len);
    if (!data)
        fail_msg("cannot read %s", path);
    free(path);
    return data;
}

static void load_key(const char *name, struct minisign_key *key)
{
    size_t len;
    char *text = read_fixture(name, &len);
    struct error err = {""};
    if (!minisign_parse_key(text, key, &err))
        fail_msg("%s: %s", name, err.msg);
    free(text);
}

/* The little-endian id in minisign's upper-case hex, as the .pub comment shows it. */
static void key_id_hex(const uint8_t id[8], char out[17])
{
    for (size_t i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02X", id[7 - i]);
}

/* Key ids print as minisign prints them (%" PRIX64 "): no leading zeros, so a key whose id
 * starts with a zero byte matches its .pub comment. */
static void test_key_id_format(void **state)
{
    (void)state;
    static const struct {
        uint8_t id[8];
        const char *text;
    } rows[] = {
        {{0x70, 0xB3, 0x12, 0x90, 0x87, 0xC6, 0x6F, 0xC6}, "C66FC6879012B370"},
        {{0x11, 0xE2, 0xBB, 0x74, 0x04, 0xF5, 0xB3, 0x06}, "6B3F50474BBE211"},
        {{0x01, 0, 0, 0, 0, 0, 0, 0}, "1"},
        {{0, 0, 0, 0, 0, 0, 0, 0}, "0"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[17];
        minisign_format_key_id(rows[i].id, out);
        assert_string_equal(out, rows[i].text);
    }
}

/* An exact-size heap copy without terminator, so ASan catches any read past len. */
static char *exact_copy(const char *text, size_t len)
{
    char *copy = xmalloc(len ? len : 1);
    memcpy(copy, text, len);
    return copy;
}

struct key_case {
    const char *name;
    const char *text;
    const char *key_id; /* NULL when parsing must fail */
};

static const struct key_case key_cases[] = {
    {"bare line", TEST_KEY_B64, TEST_KEY_ID},
    {"bare line with blanks", " \t" TEST_KEY_B64 " \r\n\n", TEST_KEY_ID},
    {"pub file", "untrusted comment: minisign public key " TEST_KEY_ID "\n" TEST_KEY_B64 "\n",
     TEST_KEY_ID},
    {"pub file, CRLF", "untrusted comment: x\r\n" TEST_KEY_B64 "\r\n", TEST_KEY_ID},
    {"pub file, no final newline", "untrusted comment: x\n" TEST_KEY_B64, TEST_KEY_ID},
    {"NULL", NULL, NULL},
    {"empty", "", NULL},
    {"blanks only", " \n\t\n", NULL},
    {"comment only", "untrusted comment: minisign public key\n", NULL},
    {"comment without its space", "untrusted comment:x\n" TEST_KEY_B64 "\n", NULL},
    {"blank line after comment", "untrusted comment: x\n\n" TEST_KEY_B64 "\n", NULL},
    {"one base64 group short", "RWRwsxKQh8Zvxjr3x5m+ZSv//5Hbqs1/grOWEsJ3EFOjXyjGPQ8Y", NULL},
    {"one base64 group long", TEST_KEY_B64 "AAAA", NULL},
    {"padding missing", "RWRwsxKQh8Zvxjr3x5m+ZSv//5Hbqs1/grOWEsJ3EFOjXyjGPQ8YHgJ", NULL},
    {"url-safe alphabet", "RWRwsxKQh8Zvxjr3x5m-ZSv__5Hbqs1_grOWEsJ3EFOjXyjGPQ8YHgJn", NULL},
    {"algorithm Fd", "RmRwsxKQh8Zvxjr3x5m+ZSv//5Hbqs1/grOWEsJ3EFOjXyjGPQ8YHgJn", NULL},
    {"text after key", TEST_KEY_B64 " trailing", NULL},
    {"second line after key", TEST_KEY_B64 "\n" TEST_KEY_B64 "\n", NULL},
    {"a signature line", PREHASHED_SIG_LINE, NULL},
};

static void test_parse_key(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(key_cases); i++) {
        const struct key_case *c = &key_cases[i];
        struct minisign_key key;
        struct error err = {""};
        bool ok = minisign_parse_key(c->text, &key, &err);
        if (ok != (c->key_id != NULL))
            fail_msg("key \"%s\": parse %s (%s)", c->name, ok ? "succeeded" : "failed", err.msg);
        if (!ok) {
            if (err.msg[0] == '\0' || strchr(err.msg, '\n'))
                fail_msg("key \"%s\": error is not one line: \"%s\"", c->name, err.msg);
            continue;
        }
        char id[17];
        key_id_hex(key.key_id, id);
        if (strcmp(id, c->key_id) != 0)
            fail_msg("key \"%s\": id %s, expected %s", c->name, id, c->key_id);
    }
}

/* The committed .pub files carry their id in the comment, written by minisign itself. */
static void test_parse_key_files(void **state)
{
    (void)state;
    static const struct {
        const char *file, *key_id;
    } files[] = {{"test-only.pub", TEST_KEY_ID}, {"other.pub", OTHER_KEY_ID}};
    struct minisign_key bare;
    struct error err = {""};
    assert_true(minisign_parse_key(TEST_KEY_B64, &bare, &err));
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        struct minisign_key key;
        load_key(files[i].file, &key);
        char id[17];
        key_id_hex(key.key_id, id);
        if (strcmp(id, files[i].key_id) != 0)
            fail_msg("%s: id %s, expected %s", files[i].file, id, files[i].key_id);
        bool same = memcmp(&key, &bare, sizeof(key)) == 0;
        if (same != (i == 0))
            fail_msg("%s: %s the bare test key", files[i].file, same ? "equals" : "differs from");
    }
}

struct fixture_case {
    const char *sig_file;
    const char *data_file;
    const char *key_file;
    int result; /* enum minisign_result, or PARSE_FAILS */
    const char *algorithm;
    int64_t timestamp;
    const char *trusted_comment; /* NULL: not checked */
    const char *check_err;       /* a substring of minisign_check's message on failure */
};

static const struct fixture_case fixture_cases[] = {
    {"feed.json.prehashed.minisig", "feed.json", "test-only.pub", MINISIGN_OK, "ED", 1741078800,
     PREHASHED_COMMENT, NULL},
    {"feed.json.legacy.minisig", "feed.json", "test-only.pub", MINISIGN_OK, "Ed", 1741078800,
     "timestamp:1741078800\tfile:feed.json", NULL},
    {"feed.json.default.minisig", "feed.json", "test-only.pub", MINISIGN_OK, "ED", 1795960916,
     "timestamp:1795960916\tfile:feed.json\thashed", NULL},
    {"feed.json.custom-comment.minisig", "feed.json", "test-only.pub", MINISIGN_OK, "ED",
     1741078800, "lobby feed, timestamp:1741078800 editor:ana", NULL},
    {"feed.json.no-timestamp.minisig", "feed.json", "test-only.pub", MINISIGN_OK, "ED", -1,
     "no time here", NULL},
    {"feed.json.other-key.minisig", "feed.json", "other.pub", MINISIGN_OK, "ED", 1741078800, NULL,
     NULL},
    {"feed.json.prehashed.minisig", "feed-modified.json", "test-only.pub", MINISIGN_BAD_SIGNATURE,
     "ED", 1741078800, NULL, "does not match the data"},
    {"feed.json.legacy.minisig", "feed-modified.json", "test-only.pub", MINISIGN_BAD_SIGNATURE,
     "Ed", 1741078800, NULL, "does not match the data"},
    {"feed.json.other-key.minisig", "feed.json", "test-only.pub", MINISIGN_WRONG_KEY, "ED",
     1741078800, NULL, "key " OTHER_KEY_ID ", not the configured key " TEST_KEY_ID},
    {"feed.json.prehashed.minisig", "feed.json", "other.pub", MINISIGN_WRONG_KEY, "ED", 1741078800,
     NULL, "key " TEST_KEY_ID ", not the configured key " OTHER_KEY_ID},
    {"feed.json.edited-comment.minisig", "feed.json", "test-only.pub",
     MINISIGN_BAD_GLOBAL_SIGNATURE, "ED", 1741078801, NULL, "trusted comment"},
    {"feed.json.truncated-two-lines.minisig", "feed.json", "test-only.pub", PARSE_FAILS, NULL, -1,
     NULL, "third line"},
    {"feed.json.truncated-mid-global.minisig", "feed.json", "test-only.pub", PARSE_FAILS, NULL, -1,
     NULL, "fourth line"},
    {"empty.minisig", "feed.json", "test-only.pub", PARSE_FAILS, NULL, -1, NULL, "empty"},
    {"garbage.minisig", "feed.json", "test-only.pub", PARSE_FAILS, NULL, -1, NULL,
     "does not start with"},
};

static void test_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(fixture_cases); i++) {
        const struct fixture_case *c = &fixture_cases[i];
        struct minisign_key key;
        load_key(c->key_file, &key);
        size_t sig_len, data_len;
        char *sig_file = read_fixture(c->sig_file, &sig_len);
        char *sig_text = exact_copy(sig_file, sig_len);
        free(sig_file);
        char *data = read_fixture(c->data_file, &data_len);

        struct minisign_sig sig;
        struct error err = {""};
        bool parsed = minisign_parse_sig(sig_text, sig_len, &sig, &err);
        if (parsed != (c->result != PARSE_FAILS))
            fail_msg("%s: parse %s (%s)", c->sig_file, parsed ? "succeeded" : "failed", err.msg);
        if (parsed) {
            enum minisign_result r = minisign_verify(&key, &sig, (const uint8_t *)data, data_len);
            if ((int)r != c->result)
                fail_msg("%s on %s with %s: \"%s\", expected \"%s\"", c->sig_file, c->data_file,
                         c->key_file, minisign_result_str(r),
                         minisign_result_str((enum minisign_result)c->result));
            assert_memory_equal(sig.algorithm, c->algorithm, 2);
            if (sig.timestamp != c->timestamp)
                fail_msg("%s: timestamp %lld, expected %lld", c->sig_file, (long long)sig.timestamp,
                         (long long)c->timestamp);
            if (c->trusted_comment)
                assert_string_equal(sig.trusted_comment, c->trusted_comment);
        }
        minisign_sig_finish(&sig);

        int64_t timestamp = 42;
        err.msg[0] = '\0';
        bool ok = minisign_check(&key, sig_text, sig_len, (const uint8_t *)data, data_len,
                                 &timestamp, &err);
        if (ok != (c->result == MINISIGN_OK))
            fail_msg("%s: minisign_check %s (%s)", c->sig_file, ok ? "passed" : "failed", err.msg);
        if (timestamp != (ok ? c->timestamp : -1))
            fail_msg("%s: minisign_check timestamp %lld", c->sig_file, (long long)timestamp);
        if (c->check_err && !strstr(err.msg, c->check_err))
            fail_msg("%s: error \"%s\" lacks \"%s\"", c->sig_file, err.msg, c->check_err);
        free(sig_text);
        free(data);
    }
}

/* One edit of feed.json.prehashed.minisig: replace the first (or every) `find`, or append
 * `replace` when find is NULL, then drop `cut` bytes from the end. */
struct edit_case {
    const char *name;
    const char *find;
    const char *replace;
    bool all;
    size_t cut;
    int result; /* enum minisign_result, or PARSE_FAILS */
};

static const struct edit_case edit_cases[] = {
    {"unchanged", NULL, "", false, 0, MINISIGN_OK},
    {"CRLF line ends", "\n", "\r\n", true, 0, MINISIGN_OK},
    {"no final newline", NULL, "", false, 1, MINISIGN_OK},
    {"trailing blank lines", NULL, "\n \t\r\n\n", false, 0, MINISIGN_OK},
    {"blanks after base64", "Ag==\n", "Ag== \t\n", false, 0, MINISIGN_OK},
    {"untrusted comment changed", "from minisign secret key", "anything at all", false, 0,
     MINISIGN_OK},
    {"trailing text", NULL, "x\n", false, 0, PARSE_FAILS},
    {"fifth line", NULL, "untrusted comment: again\n", false, 0, PARSE_FAILS},
    {"untrusted prefix without space", "untrusted comment: ", "untrusted comment:", false, 0,
     PARSE_FAILS},
    {"leading blank line", "untrusted", "\nuntrusted", false, 0, PARSE_FAILS},
    {"trusted prefix capitalised", "\ntrusted comment: ", "\nTrusted comment: ", false, 0,
     PARSE_FAILS},
    {"blank line before trusted comment", "\ntrusted", "\n\ntrusted", false, 0, PARSE_FAILS},
    {"signature line 3 bytes short", "RURwsxKQ", "RURw", false, 0, PARSE_FAILS},
    {"signature line 3 bytes long", "RURwsxKQ", "RURwsxKQsxKQ", false, 0, PARSE_FAILS},
    {"signature padding dropped", "yAg=\n", "yAg\n", false, 0, PARSE_FAILS},
    {"signature base64 non-canonical", "yAg=\n", "yAh=\n", false, 0, PARSE_FAILS},
    {"url-safe alphabet", "240/hY", "240_hY", false, 0, PARSE_FAILS},
    {"blank inside base64", "RURwsxKQ", "RURw sxKQ", false, 0, PARSE_FAILS},
    {"unknown algorithm Fd", "RURwsx", "RmRwsx", false, 0, PARSE_FAILS},
    {"global signature 1 byte short", "J3f3Ag==", "J3f3", false, 0, PARSE_FAILS},
    {"global signature missing", NULL, "", false, 89, PARSE_FAILS},
    {"claims legacy algorithm", "RURwsx", "RWRwsx", false, 0, MINISIGN_BAD_SIGNATURE},
    {"key id changed", "RURwsxKQ", "RURwsxKR", false, 0, MINISIGN_WRONG_KEY},
    {"signature bit flipped", "yAg=\n", "yAA=\n", false, 0, MINISIGN_BAD_SIGNATURE},
    {"global signature swapped for another", PREHASHED_GLOBAL_LINE,
     "lBwjDuGNwFuZl+MBZtQ4tH4CtMBTbVZ0deOh0ERnh+uA4q20tZ9H8764utVaJgVWPp2H3moxh0CkHlPzS2JyBw==",
     false, 0, MINISIGN_BAD_GLOBAL_SIGNATURE},
    {"blank after trusted comment", "hashed\n", "hashed \n", false, 0,
     MINISIGN_BAD_GLOBAL_SIGNATURE},
    {"two CRs after trusted comment", "hashed\n", "hashed\r\r\n", false, 0,
     MINISIGN_BAD_GLOBAL_SIGNATURE},
    {"timestamp raised", "timestamp:1741078800", "timestamp:1999999999", false, 0,
     MINISIGN_BAD_GLOBAL_SIGNATURE},
};

static char *apply_edit(const char *text, size_t len, const struct edit_case *e, size_t *out_len)
{
    size_t cap = len * 2 + strlen(e->replace) + 1;
    char *out = xmalloc(cap);
    size_t n = 0;
    if (!e->find) {
        memcpy(out, text, len);
        memcpy(out + len, e->replace, strlen(e->replace));
        n = len + strlen(e->replace);
    } else {
        size_t find_len = strlen(e->find);
        bool replaced = false;
        for (size_t i = 0; i < len;) {
            if ((e->all || !replaced) && i + find_len <= len &&
                memcmp(text + i, e->find, find_len) == 0) {
                memcpy(out + n, e->replace, strlen(e->replace));
                n += strlen(e->replace);
                i += find_len;
                replaced = true;
            } else {
                out[n++] = text[i++];
            }
        }
        if (!replaced)
            fail_msg("edit \"%s\": \"%s\" not in the fixture", e->name, e->find);
    }
    assert_true(e->cut <= n);
    n -= e->cut;
    *out_len = n;
    char *exact = exact_copy(out, n);
    free(out);
    return exact;
}

static void test_edits(void **state)
{
    (void)state;
    struct minisign_key key;
    load_key("test-only.pub", &key);
    size_t sig_len, data_len;
    char *original = read_fixture("feed.json.prehashed.minisig", &sig_len);
    char *data = read_fixture("feed.json", &data_len);
    for (size_t i = 0; i < ARRAY_LEN(edit_cases); i++) {
        const struct edit_case *e = &edit_cases[i];
        size_t len;
        char *text = apply_edit(original, sig_len, e, &len);
        struct minisign_sig sig;
        struct error err = {""};
        bool parsed = minisign_parse_sig(text, len, &sig, &err);
        if (parsed != (e->result != PARSE_FAILS))
            fail_msg("edit \"%s\": parse %s (%s)", e->name, parsed ? "succeeded" : "failed",
                     err.msg);
        if (!parsed && (err.msg[0] == '\0' || strchr(err.msg, '\n')))
            fail_msg("edit \"%s\": error is not one line: \"%s\"", e->name, err.msg);
        if (parsed) {
            enum minisign_result r = minisign_verify(&key, &sig, (const uint8_t *)data, data_len);
            if ((int)r != e->result)
                fail_msg("edit \"%s\": \"%s\", expected \"%s\"", e->name, minisign_result_str(r),
                         minisign_result_str((enum minisign_result)e->result));
        }
        minisign_sig_finish(&sig);
        free(text);
    }
    free(original);
    free(data);
}

/* A signature text around any trusted comment (its global signature then fails, which the
 * rows here do not care about), built to the exact length. */
static char *make_sig(const char *untrusted, const char *comment, size_t comment_len, size_t *len)
{
    char *head =
        xasprintf("untrusted comment: %s\n%s\ntrusted comment: ", untrusted, PREHASHED_SIG_LINE);
    const char *tail = "\n" PREHASHED_GLOBAL_LINE "\n";
    size_t head_len = strlen(head), tail_len = strlen(tail);
    *len = head_len + comment_len + tail_len;
    char *text = xmalloc(*len);
    memcpy(text, head, head_len);
    memcpy(text + head_len, comment, comment_len);
    memcpy(text + head_len + comment_len, tail, tail_len);
    free(head);
    return text;
}

struct timestamp_case {
    const char *comment;
    int64_t timestamp;
};

static const struct timestamp_case timestamp_cases[] = {
    {PREHASHED_COMMENT, 1741078800},
    {"timestamp:0", 0},
    {"file:feed.json timestamp:5", 5},
    {"x\ttimestamp:7\tfile:y", 7},
    {"timestamp:1 timestamp:2", 1},
    {"timestamp:9223372036854775807", INT64_MAX},
    {"timestamp:9223372036854775808", -1},
    {"timestamp:99999999999999999999999", -1},
    {"timestamp:", -1},
    {"timestamp: 5", -1},
    {"timestamp:-5", -1},
    {"timestamp:+5", -1},
    {"timestamp:12abc", -1},
    {"timestamp:12,", -1},
    {"file:xtimestamp:5", -1},
    {"Timestamp:5", -1},
    {"no time here", -1},
    {"", -1},
};

static void test_timestamps(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(timestamp_cases); i++) {
        const struct timestamp_case *c = &timestamp_cases[i];
        size_t len;
        char *text = make_sig("x", c->comment, strlen(c->comment), &len);
        struct minisign_sig sig;
        struct error err = {""};
        if (!minisign_parse_sig(text, len, &sig, &err))
            fail_msg("\"%s\": %s", c->comment, err.msg);
        if (sig.timestamp != c->timestamp)
            fail_msg("\"%s\": timestamp %lld, expected %lld", c->comment, (long long)sig.timestamp,
                     (long long)c->timestamp);
        assert_string_equal(sig.trusted_comment, c->comment);
        minisign_sig_finish(&sig);
        free(text);
    }
}

/* Limits sit exactly at the documented sizes; a NUL anywhere in a comment is refused. */
static void test_limits(void **state)
{
    (void)state;
    static const struct {
        size_t untrusted_len, comment_len;
        size_t nul_at; /* SIZE_MAX: none; otherwise an offset in the trusted comment */
        bool ok;
    } rows[] = {
        {MINISIGN_COMMENT_LINE_MAX, MINISIGN_TRUSTED_COMMENT_MAX, SIZE_MAX, true},
        {MINISIGN_COMMENT_LINE_MAX + 1, 10, SIZE_MAX, false},
        {30, MINISIGN_TRUSTED_COMMENT_MAX + 1, SIZE_MAX, false},
        {30, 100 * 1024, SIZE_MAX, false},
        {30, 20, 0, false},
        {30, 20, 19, false},
    };
    const size_t prefix_len = strlen("untrusted comment: ");
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *untrusted = xmalloc(rows[i].untrusted_len - prefix_len + 1);
        memset(untrusted, 'u', rows[i].untrusted_len - prefix_len);
        untrusted[rows[i].untrusted_len - prefix_len] = '\0';
        char *comment = xmalloc(rows[i].comment_len);
        memset(comment, 'c', rows[i].comment_len);
        if (rows[i].nul_at != SIZE_MAX)
            comment[rows[i].nul_at] = '\0';
        size_t len;
        char *text = make_sig(untrusted, comment, rows[i].comment_len, &len);
        struct minisign_sig sig;
        struct error err = {""};
        bool ok = minisign_parse_sig(text, len, &sig, &err);
        if (ok != rows[i].ok)
            fail_msg("row %zu: parse %s (%s)", i, ok ? "succeeded" : "failed", err.msg);
        if (ok)
            assert_int_equal(strlen(sig.trusted_comment), rows[i].comment_len);
        minisign_sig_finish(&sig);
        free(text);
        free(comment);
        free(untrusted);
    }
}

/* Each prefix of a valid file is cut short: none may parse, and none may be read past its end
 * (the copies are exact-size heap blocks for ASan). */
static void test_every_truncation(void **state)
{
    (void)state;
    size_t sig_len;
    char *original = read_fixture("feed.json.legacy.minisig", &sig_len);
    /* The final newline is optional, so the last two lengths parse. */
    for (size_t len = 0; len + 1 < sig_len; len++) {
        char *text = exact_copy(original, len);
        struct minisign_sig sig;
        struct error err = {""};
        if (minisign_parse_sig(text, len, &sig, &err))
            fail_msg("a %zu-byte prefix of %zu parsed", len, sig_len);
        minisign_sig_finish(&sig);
        free(text);
    }
    free(original);
}

/* Structs a caller filled in by hand, not through the parser. */
static void test_verify_hand_made(void **state)
{
    (void)state;
    struct minisign_key key;
    load_key("test-only.pub", &key);
    size_t sig_len, data_len;
    char *sig_text = read_fixture("feed.json.prehashed.minisig", &sig_len);
    char *data = read_fixture("feed.json", &data_len);
    struct minisign_sig parsed;
    struct error err = {""};
    assert_true(minisign_parse_sig(sig_text, sig_len, &parsed, &err));

    static const struct {
        const char *algorithm;
        bool drop_comment;
        enum minisign_result result;
    } rows[] = {
        {"ED", false, MINISIGN_OK},
        {"Fd", false, MINISIGN_BAD_FORMAT},
        {"\0\0", false, MINISIGN_BAD_FORMAT},
        {"ED", true, MINISIGN_BAD_FORMAT},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct minisign_sig sig = parsed;
        memcpy(sig.algorithm, rows[i].algorithm, 2);
        if (rows[i].drop_comment)
            sig.trusted_comment = NULL;
        enum minisign_result r = minisign_verify(&key, &sig, (const uint8_t *)data, data_len);
        if (r != rows[i].result)
            fail_msg("row %zu: \"%s\"", i, minisign_result_str(r));
    }
    minisign_sig_finish(&parsed);
    minisign_sig_finish(&parsed);
    assert_null(parsed.trusted_comment);

    /* No timestamp pointer is fine too. */
    assert_true(
        minisign_check(&key, sig_text, sig_len, (const uint8_t *)data, data_len, NULL, &err));
    free(sig_text);
    free(data);
}

static void test_result_strings(void **state)
{
    (void)state;
    static const enum minisign_result results[] = {MINISIGN_OK, MINISIGN_BAD_FORMAT,
                                                   MINISIGN_WRONG_KEY, MINISIGN_BAD_SIGNATURE,
                                                   MINISIGN_BAD_GLOBAL_SIGNATURE};
    for (size_t i = 0; i < ARRAY_LEN(results); i++) {
        const char *s = minisign_result_str(results[i]);
        assert_true(s[0] != '\0');
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, minisign_result_str(results[j]));
    }
}

static bool on_path(const char *program)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *dirs = xstrdup(path);
    bool found = false;
    char *rest = dirs;
    while (!found && rest) {
        char *dir = rest;
        char *colon = strchr(rest, ':');
        if (colon)
            *colon = '\0';
        rest = colon ? colon + 1 : NULL;
        char *candidate = xasprintf("%s/%s", dir[0] ? dir : ".", program);
        found = access(candidate, X_OK) == 0;
        free(candidate);
    }
    free(dirs);
    return found;
}

/* Runs argv with stdin from /dev/null, so a key that unexpectedly wanted a password fails
 * instead of hanging; returns the exit status or -1. */
static int run(const char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (!freopen("/dev/null", "r", stdin))
            _exit(126);
        /* execvp never writes through argv; its prototype predates const. */
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void test_fresh_signatures(void **state)
{
    (void)state;
    if (!on_path("minisign")) {
        /* The README's test command installs minisign; only bare builds get here. */
        skip();
    }
    static const struct {
        const char *content;
        bool legacy;
    } rows[] = {
        {"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}\n", false},
        {"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}\n", true},
        {"", false},
        {"", true},
    };
    struct minisign_key key;
    load_key("test-only.pub", &key);
    char *dir = test_make_dir("test_minisign");
    char *file = xasprintf("%s/feed.json", dir);
    char *sig_file = xasprintf("%s.minisig", file);
    char *secret = xstrdup(FIXTURE_DIR "/test-only.key");
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        size_t content_len = strlen(rows[i].content);
        assert_true(util_write_file_atomic(file, rows[i].content, content_len));
        const char *argv[] = {"minisign",
                              "-S",
                              "-s",
                              secret,
                              "-m",
                              file,
                              "-t",
                              "timestamp:123",
                              rows[i].legacy ? "-l" : NULL,
                              NULL};
        int status = run(argv);
        if (status != 0)
            fail_msg("row %zu: minisign -S exited with %d", i, status);
        size_t sig_len;
        char *sig_text = util_read_file(sig_file, 64 * 1024, &sig_len);
        assert_non_null(sig_text);
        assert_memory_equal(sig_text + strcspn(sig_text, "\n") + 1, rows[i].legacy ? "RW" : "RU",
                            2);

        int64_t timestamp = 0;
        struct error err = {""};
        if (!minisign_check(&key, sig_text, sig_len, (const uint8_t *)rows[i].content, content_len,
                            &timestamp, &err))
            fail_msg("row %zu: %s", i, err.msg);
        assert_int_equal(timestamp, 123);
        const uint8_t other[] = "{}\n";
        assert_false(
            minisign_check(&key, sig_text, sig_len, other, sizeof(other) - 1, &timestamp, &err));
        assert_int_equal(timestamp, -1);
        free(sig_text);
        unlink(sig_file);
    }
    unlink(file);
    test_remove_tree(dir);
    free(dir);
    free(secret);
    free(sig_file);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_id_format),
        cmocka_unit_test(test_parse_key),
        cmocka_unit_test(test_parse_key_files),
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_edits),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_verify_hand_made),
        cmocka_unit_test(test_result_strings),
        cmocka_unit_test(test_fresh_signatures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
