/* What the sign shows of a merged story list: expiry, age limit, order, duplicates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "story.h"
#include "util.h"

struct row {
    const char *id, *link, *title;
    int priority;
    int64_t published, expires;
};

static void fill(struct story_list *l, const struct row *rows, size_t n)
{
    story_list_init(l);
    for (size_t i = 0; i < n; i++) {
        struct story *s = story_list_add(l);
        s->id = xstrdup(rows[i].id);
        s->link = xstrdup(rows[i].link);
        s->title = xstrdup(rows[i].title);
        s->priority = rows[i].priority;
        s->published = rows[i].published;
        s->expires = rows[i].expires;
        story_fill_defaults(s);
    }
}

static void expect_ids(const struct story_list *l, const char *expected)
{
    char got[256] = "";
    for (size_t i = 0; i < l->count; i++) {
        strncat(got, i ? "," : "", sizeof(got) - strlen(got) - 1);
        strncat(got, l->items[i].id, sizeof(got) - strlen(got) - 1);
    }
    if (strcmp(got, expected) != 0)
        fail_msg("got \"%s\", expected \"%s\"", got, expected);
}

#define NO STORY_NO_DATE

static void test_prepare(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"a", "http://x/a", "Alpha", 0, 100, NO},
        {"b", "http://x/b", "Bravo", 0, 300, NO},
        {"c", "http://x/c", "Charlie", -1, 50, NO},       /* priority first */
        {"d", "http://x/d", "Delta", 0, 200, 1000},       /* expires at now: gone */
        {"a", "http://y/a2", "Another alpha", 0, 90, NO}, /* same id */
        {"e", "http://x/b", "Echo", 0, 80, NO},           /* same link as b */
        {"f", "", "ALPHA", 0, 70, NO},                    /* same title, other case */
        {"g", "", "Golf", 0, NO, NO},                     /* no date: kept, last */
        {"h", "", "Hotel", 0, 10, NO},                    /* too old with max age */
    };
    struct story_list l;
    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1000, 0, 0);
    expect_ids(&l, "c,b,a,h,g");
    story_list_finish(&l);

    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1000, 950, 0); /* published before 50 leaves */
    expect_ids(&l, "c,b,a,g");
    story_list_finish(&l);

    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1000, 0, 2); /* the sign's cap: the first two */
    expect_ids(&l, "c,b");
    story_list_finish(&l);
}

static void test_sort_is_stable(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"1", "", "One", 2, NO, NO},  {"2", "", "Two", 1, NO, NO},  {"3", "", "Three", 2, NO, NO},
        {"4", "", "Four", 1, NO, NO}, {"5", "", "Five", 2, NO, NO},
    };
    struct story_list l;
    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_sort(&l);
    expect_ids(&l, "2,4,1,3,5");
    story_list_finish(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_sort_is_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
