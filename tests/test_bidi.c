/* The bidi algorithm as the sign uses it: base direction, runs in visual order with their
 * direction and shaping script, numbers and Latin inside right-to-left text, marks, and
 * override controls that reach no further than their own text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "bidi.h"
#include "util.h"

/* The runs of s as text: "[R Hebr:...]" per run, left to right; "R"/"L" for the direction. */
static void describe(const char *s, bool rtl, char *out, size_t size)
{
    struct bidi_run runs[BIDI_MAX_RUNS];
    size_t n = bidi_runs(s, strlen(s), rtl, runs, BIDI_MAX_RUNS);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "[%c%s%s:%.*s]", runs[i].rtl ? 'R' : 'L',
                                 runs[i].script[0] ? " " : "", runs[i].script, (int)runs[i].len,
                                 s + runs[i].start);
}

static void test_runs(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool rtl; /* the paragraph's base direction */
        const char *runs;
    } rows[] = {
        {.text = "", .runs = ""},
        {.text = "Plain Latin, 20% up", .runs = "[L:Plain Latin, 20% up]"},
        /* Hebrew: one right-to-left run, drawn as a whole (the shaper reverses it). */
        {.text = "שלום עולם", .rtl = true, .runs = "[R Hebr:שלום עולם]"},
        /* A number inside Hebrew keeps its left-to-right order, in place. */
        {.text = "מכסים של 20% על סין",
         .rtl = true,
         .runs = "[R Hebr: על סין][L:20%][R Hebr:מכסים של ]"},
        /* Latin inside Arabic: the runs read right to left, the Latin word left to right. */
        {.text = "قال CEO الشركة", .rtl = true, .runs = "[R Arab: الشركة][L:CEO][R Arab:قال ]"},
        /* Arabic inside a left-to-right paragraph. */
        {.text = "The word سلام means peace", .runs = "[L:The word ][R Arab:سلام][L: means peace]"},
        /* Devanagari and Thai get their shapers' scripts; Latin and CJK need none. */
        {.text = "नमस्ते", .runs = "[L Deva:नमस्ते]"},
        {.text = "ภาษาไทย", .runs = "[L Thai:ภาษาไทย]"},
        {.text = "東京 Tokyo", .runs = "[L:東京 Tokyo]"},
        /* An RLM after a number at the end of Hebrew keeps the number's trailing sign with it. */
        {.text = "עלה ב-5%\xe2\x80\x8f",
         .rtl = true,
         .runs = "[R:\xe2\x80\x8f][L:5%][R Hebr:עלה ב-]"},
        /* A right-to-left override reverses only what it encloses, and ends with its text. */
        {.text = "ab\xe2\x80\xae"
                 "cd\xe2\x80\xac"
                 "ef",
         .runs = "[L:ab\xe2\x80\xae][R:cd\xe2\x80\xac][L:ef]"},
        /* An override never closed stops at the end of its own text. */
        {.text = "x\xe2\x80\xae"
                 "yz",
         .runs = "[L:x\xe2\x80\xae][R:yz]"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char got[512];
        describe(rows[i].text, rows[i].rtl, got, sizeof(got));
        if (strcmp(got, rows[i].runs) != 0)
            fail_msg("\"%s\": %s, expected %s", rows[i].text, got, rows[i].runs);
    }
}

static void test_base_direction(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool rtl;
    } rows[] = {
        {"Hello", false},
        {"שלום", true},
        {"مرحبا", true},
        {"2025: שנה", true}, /* the first strong character decides */
        {"2025: year", false},
        {"", false},
        {"123 %", false}, /* no strong character */
        {"\xe2\x80\x8f"
         "abc",
         true}, /* an RLM first */
        {"\xe2\x81\xa7"
         "שלום\xe2\x81\xa9 hello",
         false}, /* an isolate is skipped */
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        if (bidi_is_rtl(rows[i].text, strlen(rows[i].text)) != rows[i].rtl)
            fail_msg("\"%s\": expected %s", rows[i].text, rows[i].rtl ? "rtl" : "ltr");
}

/* However many runs a hostile text makes, the count stays within the array and every byte
 * is in exactly one run. */
static void test_many_runs(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 300; i++)
        strcat(text, i % 2 ? "ש " : "a ");
    struct bidi_run runs[16];
    size_t n = bidi_runs(text, strlen(text), false, runs, 16);
    assert_int_equal(n, 16);
    size_t covered = 0;
    for (size_t i = 0; i < n; i++)
        covered += runs[i].len;
    assert_int_equal(covered, strlen(text));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_base_direction),
        cmocka_unit_test(test_many_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
