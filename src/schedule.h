/* When the display is on: the [schedule] section's weekly windows and off dates, read in the
 * sign's local time. Pure: a wall-clock time in, on or off out, so a test can walk a week minute
 * by minute across a DST change. The time zone itself is the process's (schedule_use_timezone),
 * set once before any thread starts. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

#define SCHEDULE_MAX_WINDOWS 64
#define SCHEDULE_MAX_OFF_RANGES 128
#define SCHEDULE_DAY_MINUTES 1440

/* Days are bit masks in struct tm's order: bit 0 Sunday .. bit 6 Saturday. */
struct schedule_window {
    uint8_t days;
    uint16_t start, end; /* minutes after midnight, 0..1440; end <= start: ends the next day */
};

struct schedule_off_range {
    int64_t first, last; /* days since 1970-01-01, inclusive */
};

struct schedule {
    struct schedule_window windows[SCHEDULE_MAX_WINDOWS];
    size_t window_count; /* 0: on at every hour (only off dates turn it off) */
    struct schedule_off_range off[SCHEDULE_MAX_OFF_RANGES];
    size_t off_count;
};

/* Parses `on` ("mon-fri 07:00-19:00, sat 09:00-13:00"; "" = always) and `off_dates`
 * ("2026-12-25, 2027-01-01, 2026-12-24..2026-12-26"; "" = none) into s. On failure false with
 * the reason in err (which key, which part, what is expected); s is then undefined. */
bool schedule_parse(struct schedule *s, const char *on, const char *off_dates, struct error *err);
/* Only one of the two keys, for config checks; the error names the part that is wrong. */
bool schedule_check_on(const char *on, struct error *err);
bool schedule_check_off_dates(const char *off_dates, struct error *err);

/* Whether the display is on at the local wall-clock time tm (tm_year, tm_mon, tm_mday, tm_wday,
 * tm_hour, tm_min are read). */
bool schedule_on_at(const struct schedule *s, const struct tm *local);
/* The same for Unix time t in the process's time zone. */
bool schedule_on(const struct schedule *s, int64_t t);
/* The first whole minute after t at which schedule_on changes, or -1 when it does not change
 * within the next 400 days. */
int64_t schedule_next_change(const struct schedule *s, int64_t t);

/* The longest stretch of the day that the weekly windows leave off on every day of the week
 * (off dates aside), for work that must not show: *start in minutes after midnight, *minutes
 * long (it may run past midnight). False when no minute is off every day, or there are no
 * windows (always on). */
bool schedule_daily_quiet(const struct schedule *s, int *start, int *minutes);

/* Local time t as the sign says it ("Mon 2026-12-07 07:00 CET") into buf; false for t < 0
 * (schedule_next_change's "no change within 400 days"). */
bool schedule_format_time(int64_t t, char *buf, size_t len);

/* Whether name is a time zone the system has: a TZif file under $TZDIR or
 * /usr/share/zoneinfo ("Europe/Berlin", "UTC"). "" is the system's own and always valid. */
bool schedule_check_timezone(const char *name, struct error *err);
/* Makes name the process's time zone ("" leaves the system's). Call before threads start: it
 * changes the environment. */
void schedule_use_timezone(const char *name);
