/* Charset detection and conversion: which encoding wins (byte order mark, HTTP charset, XML
 * declaration, UTF-8), the supersets legacy labels are read as, repairs, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "feed.h"
#include "util.h"

#define S(lit) lit, sizeof(lit) - 1
#define LATIN1_DECL "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"

struct sniff_case {
    const char *data;
    size_t len;
    const char *encoding;
    size_t bom_len, unit;
    bool big_endian;
};

static const struct sniff_case sniff_cases[] = {
    {S("<rss/>"), NULL, 0, 1, false},
    {S("\xEF\xBB\xBF<rss/>"), "UTF-8", 3, 1, false},
    {S("\xFF\xFE<\0"), "UTF-16LE", 2, 2, false},
    {S("\xFE\xFF\0<"), "UTF-16BE", 2, 2, true},
    {S("\xFF\xFE\0\0<\0\0\0"), "UTF-32LE", 4, 4, false},
    {S("\0\0\xFE\xFF\0\0\0<"), "UTF-32BE", 4, 4, true},
    {S("<\0r\0"), "UTF-16LE", 0, 2, false},
    {S("\0<\0r"), "UTF-16BE", 0, 2, true},
    {S(" \0{\0"), "UTF-16LE", 0, 2, false}, /* white space first: still UTF-16 */
    {S("<"), NULL, 0, 1, false},
    {S(""), NULL, 0, 1, false},
};

static void test_sniff(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(sniff_cases); i++) {
        const struct sniff_case *c = &sniff_cases[i];
        struct charset_sniff got = charset_sniff(c->data, c->len);
        bool same_encoding = got.encoding && c->encoding ? strcmp(got.encoding, c->encoding) == 0
                                                         : got.encoding == c->encoding;
        if (!same_encoding || got.bom_len != c->bom_len || got.unit != c->unit ||
            got.big_endian != c->big_endian)
            fail_msg("row %zu: %s bom %zu unit %zu be %d, expected %s bom %zu unit %zu be %d", i,
                     got.encoding ? got.encoding : "(none)", got.bom_len, got.unit, got.big_endian,
                     c->encoding ? c->encoding : "(none)", c->bom_len, c->unit, c->big_endian);
    }
}

struct convert_case {
    const char *what;
    const char *data;
    size_t len;
    const char *http_charset;
    const char *want; /* the whole UTF-8 output, or NULL when refused */
    size_t want_len;
    bool copied;     /* the output is a new buffer, not the input */
    const char *why; /* the reason when refused */
};

static const struct convert_case convert_cases[] = {
    {"plain UTF-8 stays as it is", S("<a>caf\xC3\xA9</a>"), NULL, S("<a>caf\xC3\xA9</a>"), false,
     NULL},
    {"a UTF-8 byte order mark stays for expat", S("\xEF\xBB\xBF<a/>"), NULL, S("\xEF\xBB\xBF<a/>"),
     false, NULL},
    /* A byte that is not UTF-8 is read as Windows-1252: never U+FFFD. */
    {"a bad byte is Windows-1252", S("<a>\xFF</a>"), NULL, S("<a>\xC3\xBF</a>"), true, NULL},
    {"a truncated sequence is Windows-1252", S("<a>\xC3</a>"), NULL, S("<a>\xC3\x83</a>"), true,
     NULL},
    {"a stray curly quote in UTF-8", S("<a>don\x92t \xE2\x80\x93 ok</a>"), NULL,
     S("<a>don\xE2\x80\x99t \xE2\x80\x93 ok</a>"), true, NULL},
    {"Latin-1 with no label at all",
     S("<a>simula\xE7\xF5"
       "es de 2\xBA turno</a>"),
     NULL,
     S("<a>simula\xC3\xA7\xC3\xB5"
       "es de 2\xC2\xBA turno</a>"),
     true, NULL},
    {"an undefined Windows-1252 byte is a C1 control (removed later)", S("<a>\x81</a>"), NULL,
     S("<a>\xC2\x81</a>"), true, NULL},
    {"a control character becomes a space", S("<a>x\x0By</a>"), NULL, S("<a>x y</a>"), true, NULL},
    {"U+FFFE goes", S("<a>\xEF\xBF\xBE</a>"), NULL, S("<a></a>"), true, NULL},
    {"UTF-16LE with a BOM", S("\xFF\xFE<\0a\0/\0>\0"), NULL, S("<a/>"), true, NULL},
    {"UTF-16BE with a BOM", S("\xFE\xFF\0<\0a\0/\0>"), NULL, S("<a/>"), true, NULL},
    {"UTF-16LE without a BOM", S("<\0a\0/\0>\0"), NULL, S("<a/>"), true, NULL},
    {"UTF-32LE with a BOM", S("\xFF\xFE\0\0<\0\0\0a\0\0\0>\0\0\0"), NULL, S("<a>"), true, NULL},
    {"a lone surrogate in UTF-16 costs one unit", S("\xFF\xFE<\0\x00\xD8>\0"), NULL,
     S("<\xEF\xBF\xBD>"), true, NULL},
    {"half a UTF-16 unit at the end", S("\xFF\xFE<\0>"), NULL, S("<\xEF\xBF\xBD"), true, NULL},
    {"a byte order mark outranks the HTTP charset", S("\xFF\xFE<\0a\0>\0"), "windows-1251",
     S("<a>"), true, NULL},
    {"the declaration, Latin-1 read as windows-1252", S(LATIN1_DECL "<a>\xC7\x93</a>"), NULL,
     S(LATIN1_DECL "<a>\xC3\x87\xE2\x80\x9C</a>"), true, NULL},
    {"the HTTP charset outranks the declaration", S(LATIN1_DECL "<a>\xC7</a>"), "windows-1251",
     S(LATIN1_DECL "<a>\xD0\x97</a>"), true, NULL},
    {"the HTTP charset quoted and padded", S("<a>\xC7</a>"), "\"WINDOWS-1251\" ",
     S("<a>\xD0\x97</a>"), true, NULL},
    {"an HTTP UTF-16 without zero bytes is not believed", S("<a>\xC3\xA9</a>"), "UTF-16",
     S("<a>\xC3\xA9</a>"), false, NULL},
    {"ASCII labels hold UTF-8 in truth",
     S("<?xml version='1.0' encoding='us-ascii'?><a>\xC3\xA9</a>"), NULL,
     S("<?xml version='1.0' encoding='us-ascii'?><a>\xC3\xA9</a>"), false, NULL},
    {"Shift_JIS read as Windows-31J: a tilde stays a tilde", S("<a>~\\\x93\x8C</a>"), "Shift_JIS",
     S("<a>~\\\xE6\x9D\xB1</a>"), true, NULL},
    {"an unknown HTTP charset", S("<a/>"), "x-no-such-charset", NULL, 0, false,
     "unsupported encoding x-no-such-charset"},
    {"an unknown declared encoding", S("<?xml version=\"1.0\" encoding=\"x-klingon-pIqaD\"?><a/>"),
     NULL, NULL, 0, false, "unsupported encoding x-klingon-pIqaD"},
    {"a label with characters no charset name has", S("<a/>"), "bad label!", NULL, 0, false,
     "unsupported encoding bad?label?"},
    {"a label longer than CHARSET_LABEL_MAX", S("<a/>"),
     "x-0123456789012345678901234567890123456789", NULL, 0, false,
     "unsupported encoding x-01234567890123456789012345678901234567"},
};

static void test_convert(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(convert_cases); i++) {
        const struct convert_case *c = &convert_cases[i];
        struct charset_input in = {.data = c->data, .len = c->len, .http_charset = c->http_charset};
        struct charset_doc doc;
        struct error why = {""};
        bool ok = charset_to_utf8(&in, &doc, &why);
        if (ok != (c->want != NULL))
            fail_msg("%s: returned %d (%s)", c->what, ok, why.msg);
        if (!ok) {
            if (strcmp(why.msg, c->why) != 0)
                fail_msg("%s: \"%s\", expected \"%s\"", c->what, why.msg, c->why);
            continue;
        }
        if (doc.len != c->want_len || memcmp(doc.data, c->want, doc.len) != 0)
            fail_msg("%s: \"%.*s\" (%zu bytes), expected \"%s\"", c->what, (int)doc.len, doc.data,
                     doc.len, c->want);
        if ((doc.owned != NULL) != c->copied || (doc.data == c->data) == c->copied)
            fail_msg("%s: copied %d, expected %d", c->what, doc.owned != NULL, c->copied);
        charset_doc_finish(&doc);
        assert_null(doc.owned);
    }
}

/* Whole fixtures in legacy encodings: a character outside the narrow charset each one's label
 * names comes through exactly. */
static void test_legacy_encodings_exact(void **state)
{
    (void)state;
    static const struct {
        const char *file, *text;
    } rows[] = {
        {"koi8r.xml", "Метро открыло новую станцию"},
        /* Outside GB2312 and GBK: a four-byte GB18030 sequence. */
        {"gb18030.xml", "地铁新线路开通\xf0\x9f\x9a\x87"},
        {"shift_jis.xml", "新幹線のダイヤ改正"},
        /* Shift_JIS read as Windows-31J: '~' in a URL stays a tilde, not an overline. */
        {"shift_jis.xml", "https://tokyo.example.jp/~news/2"},
        {"big5.xml", "捷運新線通車"},
        {"euc-kr.xml", "지하철 새 노선 개통"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *path = xasprintf("%s/%s", TICKER_TEST_DATA, rows[i].file);
        size_t len;
        char *data = util_read_file(path, FEED_MAX_BYTES, &len);
        if (!data)
            fail_msg("cannot read %s", path);
        struct charset_input in = {.data = data, .len = len};
        struct charset_doc doc;
        struct error why = {""};
        if (!charset_to_utf8(&in, &doc, &why))
            fail_msg("%s: %s", rows[i].file, why.msg);
        char *text = xstrndup(doc.data, doc.len);
        if (!strstr(text, rows[i].text))
            fail_msg("%s: no \"%s\" in the converted text", rows[i].file, rows[i].text);
        free(text);
        charset_doc_finish(&doc);
        free(data);
        free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_legacy_encodings_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
