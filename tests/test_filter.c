/* A source's own filter: exclude terms as whole words, any case, in headline or summary; the
 * list syntax; and the age limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "util.h"

static void test_exclude(void **state)
{
    (void)state;
    static const struct {
        const char *exclude, *title, *summary;
        bool kept;
    } rows[] = {
        {"", "Anything at all", "", true},
        {"sport", "Sport results", "", false},
        {"sport", "Results", "All the SPORT tonight.", false}, /* the summary counts too */
        {"sport", "Sports round-up", "", true},                /* whole words only */
        {"sport", "Transport strike", "", true},
        {"sport", "Motor-sport: a review", "", false},   /* punctuation separates words */
        {"royal family", "The Royal  family", "", true}, /* a phrase as written, one space */
        {"royal family", "News of the Royal Family today", "", false},
        {"golf, royal family", "Golf club reopens", "", false},
        {"café", "CAFÉ prices rise", "", false},  /* Unicode case folding */
        {"straße", "Strasse closed", "", false},  /* ... full folding: ß is ss */
        {"ΣΟΦΙΑ", "Η σοφια του λαού", "", false}, /* final and other sigma fold alike */
        {"地震", "东京发生地震了", "", false},    /* no spaces in Chinese: anywhere */
        {"c++", "C++ turns 40", "", false},       /* a term ending in punctuation */
        {"ai", "Rain again", "", true},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct story_filter f;
        struct error err;
        assert_true(story_filter_init(&f, rows[i].exclude, 0, &err));
        struct story s = {.title = (char *)rows[i].title,
                          .summary = (char *)rows[i].summary,
                          .published = STORY_NO_DATE};
        if (story_filter_keeps(&f, &s, 1000) != rows[i].kept)
            fail_msg("row %zu: \"%s\" against \"%s\": expected %s", i, rows[i].exclude,
                     rows[i].title, rows[i].kept ? "kept" : "excluded");
        story_filter_finish(&f);
    }
}

static void test_syntax(void **state)
{
    (void)state;
    static const struct {
        const char *exclude;
        size_t terms; /* when it parses */
        const char *error;
    } rows[] = {
        {"", 0, NULL},
        {"   ", 0, NULL},
        {"a", 1, NULL},
        {" a ,  b c ,d ", 3, NULL},
        {"a,,b", 0, "an empty term"},
        {"a,", 0, "an empty term"},
        {",a", 0, "an empty term"},
        {"a, \"b c\"", 0, "a '\"' in a term"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct story_filter f;
        struct error err = {""};
        bool ok = story_filter_init(&f, rows[i].exclude, 0, &err);
        if (ok != !rows[i].error || (ok && f.term_count != rows[i].terms) ||
            (!ok && !strstr(err.msg, rows[i].error)))
            fail_msg("row %zu: \"%s\": ok %d, %zu terms, error \"%s\"", i, rows[i].exclude, ok,
                     f.term_count, err.msg);
        story_filter_finish(&f);
    }
    /* A list too long for a sign to check every minute. */
    char many[4 * (FILTER_MAX_TERMS + 1) + 1] = "";
    for (int i = 0; i <= FILTER_MAX_TERMS; i++)
        strcat(many, i ? ",ab" : "ab");
    struct story_filter f;
    struct error err;
    assert_false(story_filter_init(&f, many, 0, &err));
    assert_non_null(strstr(err.msg, "more than 64 terms"));
    many[strlen(many) - 3] = '\0';
    assert_true(story_filter_init(&f, many, 0, &err));
    assert_int_equal(f.term_count, FILTER_MAX_TERMS);
    story_filter_finish(&f);
}

static void test_max_age(void **state)
{
    (void)state;
    static const struct {
        int64_t max_age_s, published;
        bool kept;
    } rows[] = {
        {0, 0, true},                /* no limit */
        {3600, 10000 - 3600, true},  /* exactly the limit */
        {3600, 10000 - 3601, false}, /* a second over */
        {3600, STORY_NO_DATE, true}, /* undated stories stay */
        {3600, 20000, true},         /* dated ahead */
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct story_filter f;
        struct error err;
        assert_true(story_filter_init(&f, "", rows[i].max_age_s, &err));
        struct story s = {
            .title = (char *)"T", .summary = (char *)"", .published = rows[i].published};
        if (story_filter_keeps(&f, &s, 10000) != rows[i].kept)
            fail_msg("row %zu: expected %s", i, rows[i].kept ? "kept" : "dropped");
        story_filter_finish(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exclude),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_max_age),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
