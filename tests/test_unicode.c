/* The text toolkit: the UTF-8 decoder's policy on good and bad sequences, the encoder, each
 * code point class at its edges, and the ASCII helpers staying ASCII whatever the locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "unicode.h"

#define FFFD UNICODE_REPLACEMENT

struct decode_case {
    const char *in;
    size_t len;
    uint32_t want;
    size_t consumed;
    bool valid;
};

#define ROW(s, want, consumed, valid)                                                              \
    {                                                                                              \
        s, sizeof(s) - 1, want, consumed, valid                                                    \
    }

static const struct decode_case decode_cases[] = {
    ROW("A", 'A', 1, true), ROW("\x7f", 0x7F, 1, true), ROW("\xc2\x80", 0x80, 2, true),
    ROW("\xdf\xbf", 0x7FF, 2, true), ROW("\xe0\xa0\x80", 0x800, 3, true),
    ROW("\xe2\x80\x93", 0x2013, 3, true), ROW("\xed\x9f\xbf", 0xD7FF, 3, true),
    ROW("\xee\x80\x80", 0xE000, 3, true),
    ROW("\xef\xbf\xbd", 0xFFFD, 3, true), /* a real U+FFFD is valid */
    ROW("\xef\xbf\xbf", 0xFFFF, 3, true), ROW("\xf0\x90\x80\x80", 0x10000, 4, true),
    ROW("\xf0\x9f\x93\xb0", 0x1F4F0, 4, true), ROW("\xf4\x8f\xbf\xbf", 0x10FFFF, 4, true),
    ROW("\xc3\xa9x", 0xE9, 2, true), /* stops after the sequence */
    /* Lone continuation bytes and bytes that never start a sequence: one byte each. */
    ROW("\x80", FFFD, 1, false), ROW("\xbf\x80", FFFD, 1, false),
    ROW("\xc0\xaf", FFFD, 1, false), /* overlong '/' */
    ROW("\xc1\xbf", FFFD, 1, false), ROW("\xf5\x80\x80\x80", FFFD, 1, false),
    ROW("\xf8\x88\x80\x80\x80", FFFD, 1, false), ROW("\xff", FFFD, 1, false),
    /* Overlong three- and four-byte forms: the lead alone, as its second byte is out of range. */
    ROW("\xe0\x80\xaf", FFFD, 1, false), ROW("\xe0\x9f\xbf", FFFD, 1, false),
    ROW("\xf0\x80\x80\xaf", FFFD, 1, false), ROW("\xf0\x8f\xbf\xbf", FFFD, 1, false),
    /* Surrogates, paired or not, and code points beyond U+10FFFF. */
    ROW("\xed\xa0\x80", FFFD, 1, false), ROW("\xed\xbf\xbf", FFFD, 1, false),
    ROW("\xed\xa0\xbd\xed\xb2\xa9", FFFD, 1, false), ROW("\xf4\x90\x80\x80", FFFD, 1, false),
    ROW("\xf7\xbf\xbf\xbf", FFFD, 1, false),
    /* Truncated by the end of the text or by a byte that does not continue: the maximal
     * subpart goes, the next byte stays. */
    ROW("\xc3", FFFD, 1, false), ROW("\xc3x", FFFD, 1, false), ROW("\xe2\x82", FFFD, 2, false),
    ROW("\xe2\x82x", FFFD, 2, false), ROW("\xe2\x82\xc3\xa9", FFFD, 2, false),
    ROW("\xf0\x9f\x98", FFFD, 3, false), ROW("\xf0\x9f\x98 ", FFFD, 3, false),
    ROW("\xf0\x9f", FFFD, 2, false),
    ROW("", FFFD, 1, false), /* empty: invalid, and a loop still moves on */
};

static void test_decode(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
        const struct decode_case *t = &decode_cases[i];
        uint32_t c;
        size_t n = 0;
        bool valid = unicode_utf8_next(t->in, t->len, &c, &n);
        if (c != t->want || n != t->consumed || valid != t->valid)
            fail_msg("row %zu: U+%04X/%zu/%d, want U+%04X/%zu/%d", i, c, n, valid, t->want,
                     t->consumed, t->valid);
        assert_int_equal(unicode_utf8_decode(t->in, t->len, &n), t->want);
        assert_int_equal(unicode_utf8_len(t->in, t->len), t->consumed);
    }
}

/* One step back: over a code point's continuation bytes, never before start. */
static void test_prev(void **state)
{
    (void)state;
    const char *s = "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80";
    assert_int_equal(unicode_utf8_prev(s, 0, 1), 0);
    assert_int_equal(unicode_utf8_prev(s, 0, 3), 1);
    assert_int_equal(unicode_utf8_prev(s, 0, 6), 3);
    assert_int_equal(unicode_utf8_prev(s, 0, 10), 6);
    assert_int_equal(unicode_utf8_prev(s, 7, 10), 7); /* not before start */
    assert_int_equal(unicode_utf8_prev("\x80\x80", 0, 2), 0);
}

/* The decoder only reads avail bytes, whatever follows them. */
static void test_decode_stops_at_avail(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(unicode_utf8_decode("\xe2\x80\x93", 2, &n), FFFD);
    assert_int_equal(n, 2);
    assert_int_equal(unicode_utf8_decode("\xf0\x9f\x93\xb0", 1, &n), FFFD);
    assert_int_equal(n, 1);
}

static void test_encode_round_trips(void **state)
{
    (void)state;
    static const struct {
        uint32_t c;
        const char *want;
    } rows[] = {
        {0, ""}, /* one NUL byte, compared by length below */
        {'A', "A"},
        {0x7F, "\x7f"},
        {0x80, "\xc2\x80"},
        {0x7FF, "\xdf\xbf"},
        {0x800, "\xe0\xa0\x80"},
        {0xD7FF, "\xed\x9f\xbf"},
        {0xE000, "\xee\x80\x80"},
        {0xFFFD, "\xef\xbf\xbd"},
        {0x10000, "\xf0\x90\x80\x80"},
        {0x1F4F0, "\xf0\x9f\x93\xb0"},
        {0x10FFFF, "\xf4\x8f\xbf\xbf"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char buf[UNICODE_UTF8_MAX];
        size_t want_len = rows[i].c == 0 ? 1 : strlen(rows[i].want);
        size_t n = unicode_utf8_encode(rows[i].c, buf);
        assert_int_equal(n, want_len);
        assert_int_equal(unicode_utf8_width(rows[i].c), want_len);
        assert_memory_equal(buf, rows[i].c == 0 ? "\0" : rows[i].want, n);
        size_t back;
        assert_int_equal(unicode_utf8_decode(buf, n, &back), rows[i].c);
        assert_int_equal(back, n);
    }
}

struct class_case {
    uint32_t c;
    bool space, cjk, no_word_spaces;
};

static const struct class_case class_cases[] = {
    /* White_Space, and its neighbours that are not. */
    {' ', true, false, false},
    {0x08, false, false, false},
    {'\t', true, false, false},
    {0x0B, true, false, false},
    {0x0C, true, false, false},
    {'\r', true, false, false},
    {0x0E, false, false, false},
    {0x85, true, false, false},
    {0xA0, true, false, false},
    {0x1680, true, false, false},
    {0x2000, true, false, false},
    {0x200A, true, false, false},
    {0x200B, false, false, false}, /* zero width: invisible, not blank */
    {0x2028, true, false, false},
    {0x2029, true, false, false},
    {0x202F, true, false, false},
    {0x205F, true, false, false},
    {0x3000, true, true, true},
    {0xFEFF, false, false, false},
    /* CJK edges. */
    {0x2E7F, false, false, false},
    {0x2E80, false, true, true},
    {0x3042, false, true, true},  /* hiragana a */
    {0x3131, false, true, false}, /* Hangul compatibility jamo */
    {0x4E2D, false, true, true},
    {0x9FFF, false, true, true},
    {0xA000, false, false, false}, /* Yi */
    {0xABFF, false, false, false},
    {0xAC00, false, true, false}, /* Hangul: CJK, but Korean spaces its words */
    {0xD7A3, false, true, false},
    {0xF8FF, false, false, false},
    {0xF900, false, true, true},
    {0xFAFF, false, true, true},
    {0xFB00, false, false, false},
    {0xFF00, false, true, true},
    {0xFF21, false, true, true},  /* fullwidth A */
    {0xFF76, false, true, true},  /* halfwidth katakana ka */
    {0xFFA1, false, true, false}, /* halfwidth Hangul */
    {0xFFEF, false, true, true},
    {0xFFF0, false, false, false},
    {0x1FFFF, false, false, false},
    {0x20000, false, true, true},
    {0x3FFFF, false, true, true},
    {0x40000, false, false, false},
    /* Other scripts written without spaces: not CJK. */
    {0x0DFF, false, false, false},
    {0x0E01, false, false, true}, /* Thai */
    {0x0E81, false, false, true}, /* Lao */
    {0x0EFF, false, false, true},
    {0x0F00, false, false, false}, /* Tibetan */
    {0x1000, false, false, true},  /* Myanmar */
    {0x109F, false, false, true},
    {0x10A0, false, false, false},
    {0x1780, false, false, true}, /* Khmer */
    {0x17FF, false, false, true},
    {0x1800, false, false, false},
    {'A', false, false, false},
    {0xE9, false, false, false},
};

static void test_classes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(class_cases) / sizeof(class_cases[0]); i++) {
        const struct class_case *t = &class_cases[i];
        if (unicode_is_space(t->c) != t->space || unicode_is_cjk(t->c) != t->cjk ||
            unicode_no_word_spaces(t->c) != t->no_word_spaces)
            fail_msg("U+%04X: space %d cjk %d no_word_spaces %d", t->c, unicode_is_space(t->c),
                     unicode_is_cjk(t->c), unicode_no_word_spaces(t->c));
    }
}

static void test_modifier_classes(void **state)
{
    (void)state;
    static const struct {
        uint32_t c;
        bool joiner, selector, tag, skin;
    } rows[] = {
        {0x200B, false, false, false, false},  {0x200C, true, false, false, false},
        {0x200D, true, false, false, false},   {0x200E, false, false, false, false},
        {0xFDFF, false, false, false, false},  {0xFE00, false, true, false, false},
        {0xFE0F, false, true, false, false},   {0xFE10, false, false, false, false},
        {0xDFFFF, false, false, false, false}, {0xE0000, false, false, true, false},
        {0xE007F, false, false, true, false},  {0xE0080, false, false, false, false},
        {0xE0100, false, true, false, false},  {0xE01EF, false, true, false, false},
        {0xE01F0, false, false, false, false}, {0x1F3FA, false, false, false, false},
        {0x1F3FB, false, false, false, true},  {0x1F3FF, false, false, false, true},
        {0x1F400, false, false, false, false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint32_t c = rows[i].c;
        if (unicode_is_joiner(c) != rows[i].joiner ||
            unicode_is_variation_selector(c) != rows[i].selector ||
            unicode_is_tag(c) != rows[i].tag || unicode_is_emoji_modifier(c) != rows[i].skin)
            fail_msg("U+%04X classed wrong", c);
    }
}

/* Every byte: the ASCII classes agree with <ctype.h> in the C locale below 0x80 and class
 * nothing above, read as char or as unsigned char. */
static void check_ascii_bytes(void)
{
    for (int b = 0; b < 256; b++) {
        bool ascii = b < 0x80;
        char as_char = (char)b;
        int64_t values[] = {b, as_char};
        for (size_t k = 0; k < 2; k++) {
            int64_t v = values[k];
            if (ascii_is_digit(v) != (ascii && isdigit(b)) ||
                ascii_is_alpha(v) != (ascii && isalpha(b)) ||
                ascii_is_alnum(v) != (ascii && isalnum(b)) ||
                ascii_is_upper(v) != (ascii && isupper(b)) ||
                ascii_is_lower(v) != (ascii && islower(b)) ||
                ascii_is_xdigit(v) != (ascii && isxdigit(b)) ||
                ascii_is_blank(v) != (ascii && isblank(b)) ||
                ascii_is_space(v) != (ascii && isspace(b) && b != '\v' && b != '\f') ||
                ascii_is_html_space(v) != (ascii && isspace(b) && b != '\v'))
                fail_msg("byte 0x%02X (as %s) classed wrong", b, k ? "char" : "unsigned char");
        }
        char lower = ascii_to_lower(as_char);
        char want = ascii && isupper(b) ? (char)(b + 32) : as_char;
        if (lower != want)
            fail_msg("ascii_to_lower(0x%02X)", b);
    }
}

static void test_ascii_classes(void **state)
{
    (void)state;
    assert_non_null(setlocale(LC_ALL, "C"));
    check_ascii_bytes(); /* <ctype.h> is the oracle only here, in the C locale */
    assert_int_equal(ascii_hex_value('0'), 0);
    assert_int_equal(ascii_hex_value('9'), 9);
    assert_int_equal(ascii_hex_value('a'), 10);
    assert_int_equal(ascii_hex_value('F'), 15);
    assert_int_equal(ascii_hex_value('g'), -1);
    assert_int_equal(ascii_hex_value('/'), -1);
    assert_int_equal(ascii_hex_value(0xFF10), -1); /* fullwidth zero */
}

struct casecmp_case {
    const char *a, *b;
    size_t n; /* SIZE_MAX: ascii_casecmp */
    int sign;
};

static const struct casecmp_case casecmp_cases[] = {
    {"TITLE", "title", SIZE_MAX, 0},
    {"Content-Type", "content-type", SIZE_MAX, 0},
    {"UTF-8", "utf-8", SIZE_MAX, 0},
    {"abc", "abd", SIZE_MAX, -1},
    {"abd", "ABC", SIZE_MAX, 1},
    {"ab", "abc", SIZE_MAX, -1},
    {"abc", "AB", SIZE_MAX, 1},
    {"", "", SIZE_MAX, 0},
    {"\xc3\x89t\xc3\xa9", "\xc3\xa9t\xc3\xa9", SIZE_MAX, -1}, /* no folding beyond ASCII */
    {"[", "a", SIZE_MAX, -1}, /* '[' is above 'A' but below 'a' once folded */
    {"UTF-16LE", "utf-16", 6, 0},
    {"UTF-16LE", "utf-32", 6, -1},
    {"ab", "abc", 2, 0},
    {"ab", "abc", 3, -1},
    {"anything", "else", 0, 0},
};

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void check_casecmp(void)
{
    for (size_t i = 0; i < sizeof(casecmp_cases) / sizeof(casecmp_cases[0]); i++) {
        const struct casecmp_case *t = &casecmp_cases[i];
        int got = t->n == SIZE_MAX ? ascii_casecmp(t->a, t->b) : ascii_ncasecmp(t->a, t->b, t->n);
        if (sign(got) != t->sign)
            fail_msg("row %zu: \"%s\" vs \"%s\": %d, want sign %d", i, t->a, t->b, got, t->sign);
    }
}

static void test_casecmp(void **state)
{
    (void)state;
    check_casecmp();
}

/* Locales where <ctype.h> differs from ASCII: Turkish folds 'I' to a dotless i, Latin-1 and
 * Latin-5 class bytes >= 0x80 as letters. The helpers must not notice. */
static void test_ascii_ignores_locale(void **state)
{
    (void)state;
    static const char *const locales[] = {
        "tr_TR.UTF-8", "tr_TR.ISO-8859-9", "tr_TR", "de_DE.ISO-8859-1", "fr_FR.ISO-8859-1",
    };
    size_t tried = 0;
    for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++) {
        if (!setlocale(LC_ALL, locales[i]))
            continue;
        tried++;
        for (int b = 0x80; b < 256; b++) {
            char as_char = (char)b;
            if (ascii_is_alpha(b) || ascii_is_alpha(as_char) || ascii_is_space(b) ||
                ascii_is_upper(b) || ascii_is_lower(b) || ascii_to_lower(as_char) != as_char)
                fail_msg("%s: byte 0x%02X classed", locales[i], b);
        }
        assert_int_equal(ascii_to_lower('I'), 'i');
        check_casecmp();
    }
    setlocale(LC_ALL, "C");
    if (tried == 0)
        print_message("no Turkish or Latin-1 locale installed: checked in C only\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_prev),
        cmocka_unit_test(test_decode_stops_at_avail),
        cmocka_unit_test(test_encode_round_trips),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_modifier_classes),
        cmocka_unit_test(test_ascii_classes),
        cmocka_unit_test(test_casecmp),
        cmocka_unit_test(test_ascii_ignores_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
