/* Text fitting with a fake monospace font: every code point is size/2 px wide, lines are
 * size*1.25 px apart. Pure, so the numbers are exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#include "common.h"

static const struct test_mono mono_font = {.advance_pct = 50, .line_pct = 125};
static const struct text_measure mono = TEST_MONO_MEASURE(&mono_font);

static void line_text(const char *s, const struct text_line *l, char *out, size_t size)
{
    snprintf(out, size, "%.*s%s", (int)l->len, s + l->start, l->ellipsis ? "…" : "");
}

struct wrap_case {
    const char *text;
    int size, width;
    size_t max_lines;
    const char *lines[TEXT_MAX_LINES]; /* expected, NULL-terminated */
    bool truncated;
};

/* At size 10 a code point is 5 px, so width 50 holds 10 code points. */
static const struct wrap_case wrap_cases[] = {
    {"hello world", 10, 50, 3, {"hello", "world"}, false},
    {"hello world", 10, 54, 3, {"hello", "world"}, false},
    {"hello world", 10, 55, 3, {"hello world"}, false},
    {"hi all you", 10, 45, 3, {"hi all", "you"}, false},
    {"  spaced   out  ", 10, 50, 3, {"spaced", "out"}, false},
    {"abcdefghijklmnop", 10, 50, 3, {"abcdefghij", "klmnop"}, false},
    {"one two three four five six", 10, 50, 2, {"one two", "three…"}, true},
    {"US–China trade", 10, 50, 3, {"US–China", "trade"}, false},
    {"well-known fact", 10, 40, 3, {"well-", "known", "fact"}, false},
    {"中国和美国的贸易谈判", 10, 20, 5, {"中国和美", "国的贸易", "谈判"}, false},
    {"20% tariffs", 10, 50, 1, {"20%…"}, true},
    /* A cut after a sentence's full stop: the ellipsis stands for it ("US…", not "US.…"). */
    {"into the US. Beijing said", 10, 60, 1, {"into the US…"}, true},
    {"", 10, 50, 3, {NULL}, false},
    /* Kinsoku (UAX #14): "。" never starts a line, "「" never ends one. */
    {"東京で桜が満開。新幹線", 10, 35, 3, {"東京で桜が満", "開。新幹線"}, false},
    {"東京「桜」満開", 10, 15, 3, {"東京", "「桜」", "満開"}, false},
    /* Thai has no spaces: libthai's dictionary finds the words. */
    {"ภาษาไทยเป็นภาษาที่สวยงาม", 10, 40, 5, {"ภาษาไทย", "เป็นภาษา", "ที่สวย", "งาม"}, false},
    /* A word wider than the line is cut between grapheme clusters: a letter keeps its accent. */
    {"e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301",
     10,
     25,
     4,
     {"e\u0301e\u0301", "e\u0301e\u0301", "e\u0301e\u0301"},
     false},
};

static void test_wrap_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(wrap_cases) / sizeof(wrap_cases[0]); c++) {
        const struct wrap_case *wc = &wrap_cases[c];
        struct text_block b;
        text_wrap(&mono, wc->text, wc->size, wc->width, wc->max_lines, &b);
        size_t expected = 0;
        while (expected < TEXT_MAX_LINES && wc->lines[expected])
            expected++;
        if (b.line_count != expected)
            fail_msg("case %zu \"%s\": %zu lines, expected %zu", c, wc->text, b.line_count,
                     expected);
        for (size_t i = 0; i < expected; i++) {
            char got[256];
            line_text(wc->text, &b.lines[i], got, sizeof(got));
            if (strcmp(got, wc->lines[i]) != 0)
                fail_msg("case %zu line %zu: \"%s\", expected \"%s\"", c, i, got, wc->lines[i]);
            assert_true(b.lines[i].width <= wc->width);
            assert_int_equal(b.lines[i].width,
                             test_mono_width((void *)&mono_font, wc->size, got, strlen(got)));
        }
        assert_int_equal(b.truncated, wc->truncated);
        assert_int_equal(b.height,
                         (int)expected * test_mono_line_height((void *)&mono_font, wc->size));
    }
}

static void test_fit_picks_largest_size(void **state)
{
    (void)state;
    struct text_block b;
    /* 12 code points; at size s a line holds floor(200 / (s/2)) of them. */
    const char *s = "aaaa bbbb cc";
    assert_true(text_fit(&mono, s, 10, 100, 200, 1000, 1, &b));
    /* one line of 12 code points: 12 * s/2 <= 200 -> s <= 33 */
    assert_int_equal(b.size_px, 33);
    assert_int_equal(b.line_count, 1);
    assert_true(text_fit(&mono, s, 10, 100, 200, 1000, 3, &b));
    /* Three lines "aaaa", "bbbb", "cc": 4 * s/2 <= 200 -> s <= 100 */
    assert_int_equal(b.size_px, 100);
    assert_int_equal(b.line_count, 3);
    /* Height limits: 3 lines * 1.25 s <= 150 -> s <= 40, but 2 lines "aaaa bbbb" needs
     * 9 * s/2 <= 200 -> s <= 44, and 2 * 1.25 * 44 = 110 fits. */
    assert_true(text_fit(&mono, s, 10, 100, 200, 150, 3, &b));
    assert_int_equal(b.size_px, 57); /* "aaaa", "bbbb cc": 7 * 28 = 199 px */
    assert_int_equal(b.line_count, 2);
    assert_true(b.height <= 150);
}

static void test_fit_truncates_at_min_size(void **state)
{
    (void)state;
    struct text_block b;
    const char *s = "a very long headline that cannot fit in a tiny box at all";
    assert_false(text_fit(&mono, s, 20, 40, 100, 50, 3, &b));
    assert_int_equal(b.size_px, 20);
    assert_true(b.truncated);
    assert_true(b.height <= 50);
    assert_true(b.lines[b.line_count - 1].ellipsis);
    for (size_t i = 0; i < b.line_count; i++)
        assert_true(b.lines[i].width <= 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_table),
        cmocka_unit_test(test_fit_picks_largest_size),
        cmocka_unit_test(test_fit_truncates_at_min_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
