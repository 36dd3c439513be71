/* The display schedule: what [schedule] on and off_dates accept and reject, and a week walked
 * minute by minute on a virtual clock in Europe/Berlin across the spring DST change (and the
 * repeated hour in autumn), every switch compared with the minute worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "schedule.h"

struct parse_case {
    const char *on, *off_dates;
    bool ok;
    const char *error_part; /* a piece of the message when rejected */
};

static const struct parse_case parse_cases[] = {
    {"", "", true, NULL},
    {"mon-fri 07:00-19:00, sat 09:00-13:00", "", true, NULL},
    {"Mon-Fri 7:00-19:00", "", true, NULL},
    {"daily 00:00-24:00", "", true, NULL},
    {"monday tuesday 08:00-12:00 13:00-17:30", "", true, NULL},
    {"mon-fri 07:00-12:00, 13:00-19:00", "", true, NULL},
    {"fri-mon 22:00-02:00", "", true, NULL},
    {"", "2026-12-25, 2027-01-01", true, NULL},
    {"", "2026-12-31..2027-01-02", true, NULL},
    {"", "2028-02-29", true, NULL},
    {"mon-fri 7-19", "", false, "'7-19' is not a time window"},
    {"mon-fri 07:00-25:00", "", false, "is not a time window"},
    {"mon-fri 24:00-07:00", "", false, "is not a time window"},
    {"mon-fri 07:60-08:00", "", false, "is not a time window"},
    {"mon-fri 07:00-07:00", "", false, "empty window"},
    {"mon-fri", "", false, "has no time window"},
    {"07:00-19:00", "", false, "has no days before it"},
    {"mo-fr 07:00-19:00", "", false, "'mo-fr' is not a day"},
    {"mon-fri 07:00-19:00,", "", false, "has no time window"},
    {"mon 07:00-19:00 sat", "", false, "'sat' is not a day"},
    {"", "2026-02-30", false, "'2026-02-30' is not a date"},
    {"", "2027-02-29", false, "is not a date"},
    {"", "25.12.2026", false, "is not a date"},
    {"", "2026-12-25,,2026-12-26", false, "empty date"},
    {"", "2027-01-02..2026-12-31", false, "is not a date"},
};

static void test_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *c = &parse_cases[i];
        struct schedule s;
        struct error err = {""};
        bool ok = schedule_parse(&s, c->on, c->off_dates, &err);
        if (ok != c->ok || (c->error_part && !strstr(err.msg, c->error_part)))
            fail_msg("\"%s\" / \"%s\": %s, \"%s\"", c->on, c->off_dates, ok ? "ok" : "rejected",
                     err.msg);
    }
}

/* Unix time of a UTC date-time, written as RFC 3339. */
static int64_t utc(const char *s)
{
    int64_t t;
    if (!date_parse_rfc3339(s, &t))
        fail_msg("bad test time %s", s);
    return t;
}

/* Walks [from, to) a minute at a time and compares every switch with expected (UTC times, on
 * and off alternating from the state at `from`). */
static void walk(const struct schedule *s, const char *from, const char *to, bool first_on,
                 const char *const *expected, size_t n)
{
    int64_t t = utc(from), end = utc(to);
    bool on = schedule_on(s, t);
    assert_int_equal(on, first_on);
    size_t seen = 0;
    for (t += 60; t < end; t += 60) {
        bool now = schedule_on(s, t);
        if (now == on)
            continue;
        char got[32];
        date_format_rfc3339(t, got, sizeof(got));
        if (seen >= n)
            fail_msg("unexpected switch %s at %s", now ? "on" : "off", got);
        if (t != utc(expected[seen]))
            fail_msg("switch %zu (%s): expected %s, got %s", seen, now ? "on" : "off",
                     expected[seen], got);
        /* The same minute from the search the sign's check-config uses. */
        assert_int_equal(schedule_next_change(s, t - 60), t);
        seen++;
        on = now;
    }
    assert_int_equal(seen, n);
}

/* Mon 2026-03-23 .. Mon 2026-03-30 in Berlin: CET (UTC+1) until Sun 29 01:00 UTC, when 02:00
 * CET becomes 03:00 CEST (UTC+2). Wednesday is an off date; Friday's late window runs past
 * midnight; Sunday's window 02:30-03:30 starts in the hour that does not exist. */
static void test_week_spring(void **state)
{
    (void)state;
    schedule_use_timezone("Europe/Berlin");
    struct schedule s;
    struct error err;
    assert_true(schedule_parse(&s,
                               "mon-fri 07:00-19:00, sat 09:00-13:00, sun 02:30-03:30, "
                               "fri 22:00-02:00",
                               "2026-03-25", &err));
    static const char *const expected[] = {
        "2026-03-23T06:00:00Z",
        "2026-03-23T18:00:00Z", /* Mon 07:00-19:00 CET */
        "2026-03-24T06:00:00Z",
        "2026-03-24T18:00:00Z", /* Tue; Wed is off */
        "2026-03-26T06:00:00Z",
        "2026-03-26T18:00:00Z", /* Thu */
        "2026-03-27T06:00:00Z",
        "2026-03-27T18:00:00Z", /* Fri */
        "2026-03-27T21:00:00Z",
        "2026-03-28T01:00:00Z", /* Fri 22:00 - Sat 02:00 */
        "2026-03-28T08:00:00Z",
        "2026-03-28T12:00:00Z", /* Sat 09:00-13:00 */
        "2026-03-29T01:00:00Z",
        "2026-03-29T01:30:00Z", /* Sun 03:00 CEST (first minute past
                                   02:30) - 03:30 CEST */
        "2026-03-30T05:00:00Z",
        "2026-03-30T17:00:00Z", /* Mon 07:00-19:00 CEST */
    };
    walk(&s, "2026-03-22T23:00:00Z", "2026-03-30T22:00:00Z", false, expected,
         sizeof(expected) / sizeof(expected[0]));
}

/* Sun 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:00-03:00 happens twice and a
 * window in it is on twice; a window after it follows the new offset. */
static void test_autumn_repeated_hour(void **state)
{
    (void)state;
    schedule_use_timezone("Europe/Berlin");
    struct schedule s;
    struct error err;
    assert_true(schedule_parse(&s, "sun 02:15-02:45 08:00-09:00", "", &err));
    static const char *const expected[] = {
        "2026-10-25T00:15:00Z", "2026-10-25T00:45:00Z", /* 02:15-02:45 CEST */
        "2026-10-25T01:15:00Z", "2026-10-25T01:45:00Z", /* 02:15-02:45 CET */
        "2026-10-25T07:00:00Z", "2026-10-25T08:00:00Z", /* 08:00-09:00 CET */
    };
    walk(&s, "2026-10-24T22:00:00Z", "2026-10-25T22:00:00Z", false, expected,
         sizeof(expected) / sizeof(expected[0]));
}

/* No windows: on except the off dates, whole local days (a range across the new year). */
static void test_off_dates_only(void **state)
{
    (void)state;
    schedule_use_timezone("Europe/Berlin");
    struct schedule s;
    struct error err;
    assert_true(schedule_parse(&s, "", "2026-12-25, 2026-12-31..2027-01-01", &err));
    static const char *const expected[] = {
        "2026-12-24T23:00:00Z", "2026-12-25T23:00:00Z", /* Dec 25 local */
        "2026-12-30T23:00:00Z", "2027-01-01T23:00:00Z", /* Dec 31 - Jan 1 local */
    };
    walk(&s, "2026-12-20T00:00:00Z", "2027-01-05T00:00:00Z", true, expected,
         sizeof(expected) / sizeof(expected[0]));
    assert_int_equal(schedule_next_change(&s, utc("2027-01-02T00:00:00Z")), -1);
}

/* The stretch off every day: where updates may reboot the sign unseen. */
static void test_daily_quiet(void **state)
{
    (void)state;
    static const struct {
        const char *on;
        bool found;
        int start, minutes;
    } cases[] = {
        /* Weekdays till 19:00, Saturday morning: off 19:00-07:00 every day. */
        {"mon-fri 07:00-19:00, sat 09:00-13:00", true, 19 * 60, 12 * 60},
        /* An overnight Friday window cuts the night short: 02:00-07:00 is left. */
        {"mon-fri 07:00-19:00, fri 22:00-02:00", true, 2 * 60, 5 * 60},
        /* Two windows a day: the longer gap wins (20:00-06:00 over 12:00-13:00). */
        {"daily 06:00-12:00, daily 13:00-20:00", true, 20 * 60, 10 * 60},
        /* One day on round the clock: no minute is off every day. */
        {"mon-fri 07:00-19:00, sun 00:00-24:00", false, 0, 0},
        {"daily 00:00-24:00", false, 0, 0},
        /* No windows: always on. */
        {"", false, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct schedule s;
        struct error err;
        assert_true(schedule_parse(&s, cases[i].on, "2026-12-25", &err));
        int start = -1, minutes = -1;
        bool found = schedule_daily_quiet(&s, &start, &minutes);
        if (found != cases[i].found ||
            (found && (start != cases[i].start || minutes != cases[i].minutes)))
            fail_msg("'%s': quiet %d from %d for %d, expected %d from %d for %d", cases[i].on,
                     found, start, minutes, cases[i].found, cases[i].start, cases[i].minutes);
    }
}

static void test_timezone_names(void **state)
{
    (void)state;
    struct error err;
    assert_true(schedule_check_timezone("", &err));
    assert_true(schedule_check_timezone("Europe/Berlin", &err));
    assert_true(schedule_check_timezone("UTC", &err));
    assert_false(schedule_check_timezone("Mars/Olympus", &err));
    assert_non_null(strstr(err.msg, "not a time zone this system has"));
    assert_false(schedule_check_timezone("../../etc/passwd", &err));
    assert_false(schedule_check_timezone("/etc/localtime", &err));
    /* A directory of zones is not one. */
    assert_false(schedule_check_timezone("Europe", &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_week_spring),
        cmocka_unit_test(test_autumn_repeated_hour),
        cmocka_unit_test(test_off_dates_only),
        cmocka_unit_test(test_daily_quiet),
        cmocka_unit_test(test_timezone_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
