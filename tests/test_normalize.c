/* Feed text normalisation: one row per rule and per nasty seen in real feeds. Inputs are as the
 * XML or JSON parser hands them over, so XML escaping has already been undone once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

#define H NORMALIZE_HTML
#define P NORMALIZE_PLAIN
#define FFFD "\xef\xbf\xbd"

struct text_case {
    const char *in;
    unsigned flags;
    const char *want;
};

static const struct text_case text_cases[] = {
    /* Tags */
    {"<p>Hello<br/>world</p>", H, "Hello. world"},
    /* Only joiners (or selectors) show nothing: empty, so the story has no blank headline. */
    {"\u200D\u200C\u200D", P, ""},
    {" \u200D \uFE0F ", P, ""},
    {"\u200D<b>\u200C</b>", H, ""},
    {"a\u200Db", P, "a\u200Db"},
    {"<b>bold</b> and <i>italic</i>", H, "bold and italic"},
    {"<B>Hel</B>lo", H, "Hello"},
    {"<span class=\"x\">in</span>line", H, "inline"},
    {"<ul><li>One</li><li>Two</li></ul>", H, "One. Two"},
    {"<table><tr><td>A</td><td>B</td></tr></table>", H, "A. B"},
    {"<h1>Title</h1><p>Body</p>", H, "Title. Body"},
    {"Line<hr>Next", H, "Line. Next"},
    {"<blockquote>Quote</blockquote>after", H, "Quote. after"},
    {"<DIV\nclass=\"x\"\n>multi-line tag</DIV>", H, "multi-line tag"},
    {"<p> a </p> <p> b </p>", H, "a. b"},
    /* A block ends a sentence: a stop only where the text has none (and none after a comma,
     * colon or dash), 。 after Chinese and Japanese, nothing after Thai, nothing before the
     * first block or after the last. */
    {"<p>Arsenal agree \xc2\xa3"
     "95m price tag</p><p>Full story on Aubameyang</p>",
     H,
     "Arsenal agree \xc2\xa3"
     "95m price tag. Full story on Aubameyang"},
    {"<li>Done.</li><li>Next!</li><li>\xe2\x80\x9cQuoted.\xe2\x80\x9d</li><li>Last</li>", H,
     "Done. Next! \xe2\x80\x9cQuoted.\xe2\x80\x9d Last"},
    {"<p>Key points:</p><ul><li>Rates \xe2\x80\x94</li><li>(AP)</li><li>x</li></ul>", H,
     "Key points: Rates \xe2\x80\x94 (AP). x"},
    {"<p>\xe4\xb8\xad\xe6\x96\x87</p><p>\xe6\x97\xa5\xe6\x9c\xac</p>", H,
     "\xe4\xb8\xad\xe6\x96\x87\xe3\x80\x82\xe6\x97\xa5\xe6\x9c\xac"},
    {"<p>\xe0\xb8\x81\xe0\xb8\x82</p><p>\xe0\xb8\x84</p>", H,
     "\xe0\xb8\x81\xe0\xb8\x82 \xe0\xb8\x84"},
    {"<p>only</p>", H, "only"},
    {"a <b>bold</b> <span>inline</span> <a href=x>link</a> b", H, "a bold inline link b"},
    {"<a href=\"x\" title=\"a>b\">link</a>", H, "link"},
    {"<a title='it\"s'>quote</a>", H, "quote"},
    {"<img src=\"a.jpg\" alt=\"A photo\">Caption", H, "Caption"},
    {"one<img src=x>two", H, "onetwo"},
    {"<o:p></o:p>Word text", H, "Word text"},
    {"A</>B", H, "AB"},
    {"<p>Hello</p>", P, "<p>Hello</p>"},
    /* Dropped elements */
    {"<script>alert(1)</script>Text", H, "Text"},
    {"<SCRIPT type=\"text/javascript\">if (a<b) x = '</div>';</SCRIPT>after", H, "after"},
    {"<style>p { color: red }</style><p>Styled</p>", H, "Styled"},
    {"<noscript>Enable JS</noscript>Body", H, "Body"},
    {"<template><p>in<template>x</template>still in</p></template>shown", H, "shown"},
    {"<html><head><title>T</title><style>s</style></head><body><p>Content</p></body></html>", H,
     "Content"},
    {"<video src=x>Your browser does not support video.</video>News", H, "News"},
    {"<svg><title>icon</title><svg/></svg>Text", H, "Text"},
    {"<iframe src=\"v\" />After frame", H, "After frame"},
    {"Before<script>never closed", H, "Before"},
    /* Containers feeds leave open lose their start tag only, never the story after them. */
    {"<iframe src=\"https://v.example/1\">Watch the video", H, "Watch the video"},
    {"<object data=x>fallback</object> after", H, "after"},
    {"<object data=x><param name=a>Read on", H, "Read on"},
    {"<applet code=A>Java needed</applet>Text", H, "Text"},
    {"<embed src=x> shown", H, "shown"},
    {"<frameset><frame src=a></frameset>Frames", H, "Frames"},
    {"<html><head><title>T</title><meta charset=utf-8><body>Open head", H, "Open head"},
    {"</script>stray end", H, "stray end"},
    /* Comments, CDATA, declarations, processing instructions */
    {"<!-- comment -->Visible", H, "Visible"},
    {"A<!-- x -- y -->B", H, "AB"},
    {"A<!-->B", H, "AB"},
    {"A<!-- x --!>B", H, "AB"},
    {"A<!-- unclosed", H, "A"},
    {"<![CDATA[Inside]]>", H, "Inside"},
    {"&lt;![CDATA[x]]&gt;", H, "x"},
    {"a]]>b", H, "ab"},
    {"a]]>b", P, "a]]>b"},
    {"<!--[if gte mso 9]><xml>junk</xml><![endif]-->Word", H, "Word"},
    {"<![if !supportLists]>1.<![endif]> Item", H, "1. Item"},
    {"<?xml version=\"1.0\"?><p>PI</p>", H, "PI"},
    {"<!DOCTYPE html><p>Doc</p>", H, "Doc"},
    /* A '<' that starts no markup is text; markup cut off at the end is not */
    {"a < b", H, "a < b"},
    {"x<y", H, "x<y"},
    {"x<y and y<z", H, "x<y and y<z"},
    {"I <3 feeds", H, "I <3 feeds"},
    {"Hello <b", H, "Hello <b"},
    {"Wow <!", H, "Wow <!"},
    {"Read more <a href=\"http://example.com/long", H, "Read more"},
    {"Cut </p", H, "Cut"},
    {"&lt;b&gt;not bold&lt;/b&gt;", H, "<b>not bold</b>"},
    {"&amp;lt;p&amp;gt;", H, "<p>"},
    /* Entities */
    {"Trump&amp;#8217;s", P, "Trump\xe2\x80\x99s"},
    {"Trump&amp;#8217;s", H, "Trump\xe2\x80\x99s"},
    {"It&#8217;s", P, "It\xe2\x80\x99s"},
    {"&#x2019;&#X2019;", P, "\xe2\x80\x99\xe2\x80\x99"},
    {"&amp;amp;", P, "&"},
    {"&amp;quot;x&amp;quot;", P, "\"x\""},
    {"&amp;amp;amp;amp;", P, "&amp;"},
    {"&#38;amp;", P, "&"},
    {"&lt;p&gt;Hello&lt;/p&gt;", P, "<p>Hello</p>"},
    {"AT&T", P, "AT&T"},
    {"AT&amp;T", H, "AT&T"},
    {"R&D", H, "R&D"},
    {"Q&A &", P, "Q&A &"},
    {"&copy 2024", P, "\xc2\xa9 2024"},
    {"&amp;copy 2024", P, "&copy 2024"},
    {"&notit;", P, "\xc2\xacit;"},
    {"&notin;", P, "\xe2\x88\x89"},
    {"&ampxyz;", P, "&xyz;"},
    {"&AMP;&Amp;", P, "&&Amp;"},
    {"&bogus;", P, "&bogus;"},
    {"&NotEqualTilde;", P, "\xe2\x89\x82\xcc\xb8"},
    {"&CounterClockwiseContourIntegral;", P, "\xe2\x88\xb3"},
    {"&fjlig;", P, "fj"},
    {"&#65;&#66", P, "AB"},
    {"&#x;&#;&#xZ", P, "&#x;&#;&#xZ"},
    {"&#0;", P, FFFD},
    {"&#xD800;", P, FFFD},
    {"&#x110000;", P, FFFD},
    {"&#99999999999999999999;", P, FFFD},
    {"&#128;5", P, "\u20ac5"},
    {"&#x92;", P, "\xe2\x80\x99"},
    {"a&#x81;b&#1;c", P, "abc"},
    {"&#9;x&#10;y&#13;", P, "x y"},
    {"co&shy;operate", P, "cooperate"},
    {"a&ZeroWidthSpace;b&NoBreak;c", P, "abc"},
    /* White space */
    {"  lots   of\t\tspace \n\r ", P, "lots of space"},
    {"A&nbsp;&nbsp;B", H, "A B"},
    {"&nbsp;", H, ""},
    /* One no-break space stays: it groups digits ("2 900") and binds a unit ("7,4 %"). */
    {"a\u00a0b", P, "a\u00a0b"},
    {"2\u202f900 morts, 7,4\u00a0%", P, "2\u202f900 morts, 7,4\u00a0%"},
    {"a\u00a0 b \u00a0c\u00a0\u00a0d", P, "a b c d"},
    {"A&nbsp;B", H, "A\u00a0B"},
    {"a\u2003b\u200ac", P, "a b c"},
    {"a\u3000b", P, "a b"},
    {"a\u2028b\u2029c", P, "a b c"},
    {"\xc2\x85x", P, "x"},
    {"a \xe2\x80\x8b b", P, "a b"},
    /* Controls and invisible format characters */
    {"a\001b\177\037", P, "ab"},
    {"a\xc2\x80z\xc2\x9f", P, "az"},
    {"\xe2\x80\x8bzero\xe2\x80\x8dwidth", P, "zero\xe2\x80\x8dwidth"}, /* joiners stay */
    /* Bidi controls stay: right-to-left feeds place numbers and punctuation with them. */
    {"\xe2\x80\x8fRTL\xe2\x80\xaeover\xe2\x80\xac", P,
     "\xe2\x80\x8fRTL\xe2\x80\xaeover\xe2\x80\xac"},
    {"\xe2\x81\xa6iso\xe2\x81\xa9", P, "\xe2\x81\xa6iso\xe2\x81\xa9"},
    {"\xe2\x80\x8f \xe2\x81\xa9", P, ""}, /* marks alone are no text */
    {"\ufeffBOM", P, "BOM"},
    {"a\ufffeb\uffff", P, "ab"},
    {"x\xf0\x9f\xbf\xbey\xef\xb7\x90", P, "xy"},
    {"x\xe2\x81\xa0y", P, "xy"},
    {"soft\xc2\xadhyphen", P, "softhyphen"},
    /* UTF-8 repair: one U+FFFD per maximal invalid subsequence */
    {"caf\xc3\xa9", P, "caf\xc3\xa9"},
    {"caf\xe9", P, "caf" FFFD},
    {"caf\xe9 au lait", H, "caf" FFFD " au lait"},
    {"\xed\xa0\x80", P, FFFD FFFD FFFD},
    {"\xc0\xaf", P, FFFD FFFD},
    {"\xe0\x80\xaf", P, FFFD FFFD FFFD},
    {"\xf4\x90\x80\x80", P, FFFD FFFD FFFD FFFD},
    {"\xf5x\xff", P, FFFD "x" FFFD},
    {"\xe2\x82", P, FFFD},
    {"\xe2\x82x", P, FFFD "x"},
    {"\xf0\x9f\x98", P, FFFD},
    {"\x80\x80", P, FFFD FFFD},
    {"\xf0\x9f\x98\x80 emoji", H, "\xf0\x9f\x98\x80 emoji"},
    {"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", P,
     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9"},
    {"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\x8f\xd7\xa2\xd7\x95\xd7\x9c\xd7\x9d", P,
     "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\x8f\xd7\xa2\xd7\x95\xd7\x9c\xd7\x9d"},
    {"<p>\xe4\xb8\xad\xe6\x96\x87</p>", H, "\xe4\xb8\xad\xe6\x96\x87"},
};

/* max_bytes: cut at a code point boundary, never before a space. */
struct limit_case {
    const char *in;
    unsigned flags;
    size_t max_bytes;
    const char *want;
};

static const struct limit_case limit_cases[] = {
    {"caf\xc3\xa9", P, 4, "caf"},
    {"caf\xc3\xa9", P, 5, "caf\xc3\xa9"},
    {"a b", P, 2, "a"},
    {"abc", P, 2, "ab"},
    {"\xf0\x9f\x98\x80x", P, 3, ""},
    {"&amp;&amp;", P, 1, "&"},
    {"<p>one</p><p>two</p>", H, 5, "one."},
    {"<p>one</p><p>two</p>", H, 4, "one"},
    {"abc", P, 0, ""},
};

struct cut_case {
    const char *text;
    size_t max_chars;
    const char *want;
};

static const struct cut_case cut_cases[] = {
    {"Hello world", 20, "Hello world"},
    {"Hello world", 11, "Hello world"},
    {"Hello world", 10, "Hello…"},
    {"The quick brown fox jumps over the lazy dog", 20, "The quick brown fox…"},
    {"Stocks fell today. Markets are worried about tariffs", 20, "Stocks fell today."},
    {"Hi. This is a long sentence that goes on", 20, "Hi. This is a long…"},
    {"One. Two. Three four five six", 12, "One. Two."},
    {"Will it rain? Forecasters say yes, probably", 15, "Will it rain?"},
    {"Rates held! Banks expect cuts next year", 14, "Rates held!"},
    {"He said \"Stop.\" Then he left the room", 16, "He said \"Stop.\""},
    {"The U.S. economy grew strongly this year", 12, "The U.S.…"},
    {"Talks with Dr. Smith went on for hours", 16, "Talks with Dr.…"},
    {"Yahoo! is a company with news", 9, "Yahoo!…"},
    {"Prices rose, sharply and fast", 13, "Prices rose…"},
    {"Big news — more later today", 11, "Big news…"},
    {"Tariffs: a guide to the new rules", 10, "Tariffs…"},
    {"Supercalifragilisticexpialidocious", 10, "Supercali…"},
    {"See https://example.com/very/long/path", 20, "See https://example…"},
    {"中国和美国的贸", 6, "中国和美国…"},
    {"中国和美国。贸易谈判", 7, "中国和美国。"},
    {"Breaking 中国和美国", 12, "Breaking 中国…"},
    {"😀😀😀😀", 3, "😀😀…"},
    {"abc", 3, "abc"},
    {"Hello", 1, "…"},
    {"Hello", 0, ""},
    {"Hello", SIZE_MAX, "Hello"},
    {"", 5, ""},
};

static size_t count_code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void test_text_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
        const struct text_case *tc = &text_cases[i];
        char *got = normalize_text(tc->in, strlen(tc->in), tc->flags, SIZE_MAX);
        if (strcmp(got, tc->want) != 0) {
            fprintf(stderr, "text row %zu: \"%s\" (flags %u): got \"%s\", want \"%s\"\n", i, tc->in,
                    tc->flags, got, tc->want);
            failures++;
        }
        free(got);
    }
    assert_int_equal(failures, 0);
}

static void test_limit_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(limit_cases) / sizeof(limit_cases[0]); i++) {
        const struct limit_case *lc = &limit_cases[i];
        char *got = normalize_text(lc->in, strlen(lc->in), lc->flags, lc->max_bytes);
        if (strcmp(got, lc->want) != 0) {
            fprintf(stderr, "limit row %zu: \"%s\" in %zu bytes: got \"%s\", want \"%s\"\n", i,
                    lc->in, lc->max_bytes, got, lc->want);
            failures++;
        }
        free(got);
    }
    assert_int_equal(failures, 0);
}

/* Inputs a string literal cannot carry: a NUL byte inside, no input at all. */
static void test_text_edges(void **state)
{
    (void)state;
    char *got = normalize_text("a\0b", 3, NORMALIZE_PLAIN, SIZE_MAX);
    assert_string_equal(got, "ab");
    free(got);
    got = normalize_text(NULL, 0, NORMALIZE_HTML, 100);
    assert_string_equal(got, "");
    free(got);
}

static void test_cut_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(cut_cases) / sizeof(cut_cases[0]); i++) {
        const struct cut_case *cc = &cut_cases[i];
        char *got = normalize_cut(cc->text, cc->max_chars);
        if (strcmp(got, cc->want) != 0 || count_code_points(got) > cc->max_chars) {
            fprintf(stderr, "cut row %zu: \"%s\" to %zu: got \"%s\", want \"%s\"\n", i, cc->text,
                    cc->max_chars, got, cc->want);
            failures++;
        }
        free(got);
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_table),
        cmocka_unit_test(test_limit_table),
        cmocka_unit_test(test_text_edges),
        cmocka_unit_test(test_cut_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
