/* What the sign shows of a merged story list: expiry, age limit, order, duplicates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "story.h"
#include "util.h"

struct row {
    const char *id, *link, *title;
    int priority;
    int64_t published, expires;
    int64_t starts;
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
        s->starts = rows[i].starts;
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
        {"a", "http://x/a", "Alpha", 0, 100, NO, NO},
        {"b", "http://x/b", "Bravo", 0, 300, NO, NO},
        {"c", "http://x/c", "Charlie", -1, 50, NO, NO},       /* priority first */
        {"d", "http://x/d", "Delta", 0, 200, 1000, NO},       /* expires at now: gone */
        {"a", "http://y/a2", "Another alpha", 0, 90, NO, NO}, /* same id */
        {"e", "http://x/b", "Echo", 0, 80, NO, NO},           /* same link as b */
        {"f", "", "ALPHA", 0, 70, NO, NO},                    /* same title, other case */
        {"g", "", "Golf", 0, NO, NO, NO},                     /* no date: kept, last */
        {"h", "", "Hotel", 0, 10, NO, NO},                    /* too old with max age */
        {"i", "", "India", 0, 40, NO, 1001},                  /* starts after now: not yet */
        {"j", "", "Juliet", 0, 30, NO, 1000},                 /* starts at now: shown */
    };
    struct story_list l;
    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1000, 0, 0);
    expect_ids(&l, "c,b,a,j,h,g");
    story_list_finish(&l);

    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1000, 950, 0); /* published before 50 leaves */
    expect_ids(&l, "c,b,a,g");
    story_list_finish(&l);

    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1001, 0, 0); /* a second later India's start has come */
    expect_ids(&l, "c,b,a,i,j,h,g");
    story_list_finish(&l);

    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1000, 0, 2); /* the sign's cap: the first two */
    expect_ids(&l, "c,b");
    story_list_finish(&l);
}

/* An alert sorts before everything, so no cap drops it; when one is shown only the alerts
 * stay, and a list without one is left alone. */
static void test_alerts(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"a", "", "Alpha", -5, 100, NO, NO}, {"b", "", "Bravo", 3, 300, NO, NO},
        {"c", "", "Charlie", 0, 50, NO, NO}, {"d", "", "Delta", 0, 200, 1000, NO},
        {"e", "", "Echo", 0, 20, NO, NO},
    };
    struct story_list l;
    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    l.items[1].alert = true; /* b: low priority, still before every story that is no alert */
    l.items[3].alert = true; /* d: expired, so gone */
    l.items[4].alert = true; /* e: alerts in the usual order among themselves */
    story_list_prepare(&l, 1000, 0, 2);
    expect_ids(&l, "e,b");
    assert_int_equal(story_list_keep_alerts(&l), 2);
    expect_ids(&l, "e,b");
    story_list_finish(&l);

    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    l.items[2].alert = true;
    story_list_prepare(&l, 1000, 0, 0);
    assert_int_equal(story_list_keep_alerts(&l), 1);
    expect_ids(&l, "c");
    story_list_finish(&l);

    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_prepare(&l, 1000, 0, 0);
    assert_int_equal(story_list_keep_alerts(&l), 0);
    expect_ids(&l, "a,c,e,b");
    story_list_finish(&l);
}

/* The next moment a story's start or expiry changes what is shown. */
static void test_next_change(void **state)
{
    (void)state;
    struct story s = {.starts = NO, .expires = NO};
    assert_int_equal(story_next_change(&s, 1000, 1060), 1060);
    s.expires = 1030;
    assert_int_equal(story_next_change(&s, 1000, 1060), 1030);
    assert_int_equal(story_next_change(&s, 1000, 1020), 1020);
    assert_int_equal(story_next_change(&s, 1030, 1090), 1090); /* expired already */
    s.starts = 1010;
    assert_int_equal(story_next_change(&s, 1000, 1060), 1010);
    assert_int_equal(story_next_change(&s, 1010, 1060), 1030); /* started: its expiry next */
}

static void test_sort_is_stable(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"1", "", "One", 2, NO, NO, NO},   {"2", "", "Two", 1, NO, NO, NO},
        {"3", "", "Three", 2, NO, NO, NO}, {"4", "", "Four", 1, NO, NO, NO},
        {"5", "", "Five", 2, NO, NO, NO},
    };
    struct story_list l;
    fill(&l, rows, sizeof(rows) / sizeof(rows[0]));
    story_list_sort(&l);
    expect_ids(&l, "2,4,1,3,5");
    story_list_finish(&l);
}

/* The quadratic definition the linear dedup must agree with: a story goes when an earlier one
 * (kept or not) has its id, its non-empty link, or its title in any ASCII case. */
static bool repeats_earlier(const struct story_list *l, size_t i)
{
    const struct story *s = &l->items[i];
    for (size_t k = 0; k < i; k++) {
        const struct story *o = &l->items[k];
        if (strcmp(o->id, s->id) == 0 || (s->link[0] && strcmp(o->link, s->link) == 0) ||
            strcasecmp(o->title, s->title) == 0)
            return true;
    }
    return false;
}

static void test_dedup_many(void **state)
{
    (void)state;
    /* 4000 stories from small key spaces, so ids, links and titles collide often and the hash
     * table sees long probe chains; the result must match the definition above. */
    struct story_list l;
    story_list_init(&l);
    uint32_t x = 12345;
    for (size_t i = 0; i < 4000; i++) {
        x = x * 1103515245u + 12345u;
        struct story *s = story_list_add(&l);
        s->id = xasprintf("id%u", (x >> 8) % 5000);
        s->link = (x >> 4) % 3 ? xasprintf("http://x/%u", (x >> 12) % 6000) : xstrdup("");
        s->title = xasprintf("%s %u", (x >> 20) % 2 ? "TITLE" : "title", (x >> 16) % 7000);
        story_fill_defaults(s);
    }
    bool *expect = xcalloc(l.count, sizeof(bool));
    char **ids = xcalloc(l.count, sizeof(char *));
    size_t kept = 0;
    for (size_t i = 0; i < l.count; i++) {
        expect[i] = !repeats_earlier(&l, i);
        if (expect[i])
            ids[kept++] = xasprintf("%s|%s|%s", l.items[i].id, l.items[i].link, l.items[i].title);
    }
    assert_true(kept > 1000 && kept < 3500); /* the rows really collide, and not always */
    story_list_dedup(&l);
    assert_int_equal(l.count, kept);
    for (size_t i = 0; i < kept; i++) {
        char *got = xasprintf("%s|%s|%s", l.items[i].id, l.items[i].link, l.items[i].title);
        assert_string_equal(got, ids[i]);
        free(got);
        free(ids[i]);
    }
    free(ids);
    free(expect);
    story_list_finish(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepare),    cmocka_unit_test(test_sort_is_stable),
        cmocka_unit_test(test_alerts),     cmocka_unit_test(test_next_change),
        cmocka_unit_test(test_dedup_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
