#include "schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ascii.h"
#include "date.h"
#include "log.h"
#include "util.h"

static const char *const day_names[7][2] = {
    {"sun", "sunday"},   {"mon", "monday"}, {"tue", "tuesday"}, {"wed", "wednesday"},
    {"thu", "thursday"}, {"fri", "friday"}, {"sat", "saturday"}};

static const char on_example[] = "as in mon-fri 07:00-19:00, sat 09:00-13:00";

/* A token of text: [start, start + len). */
struct token {
    const char *start;
    size_t len;
};

static bool token_is(struct token t, const char *word)
{
    return strlen(word) == t.len && ascii_ncasecmp(t.start, word, t.len) == 0;
}

/* Next blank-separated token of *pos, up to end; false at the end. */
static bool next_token(const char **pos, const char *end, struct token *t)
{
    const char *p = *pos;
    while (p < end && ascii_is_blank(*p))
        p++;
    if (p == end)
        return false;
    t->start = p;
    while (p < end && !ascii_is_blank(*p))
        p++;
    t->len = (size_t)(p - t->start);
    *pos = p;
    return true;
}

static int day_index(struct token t)
{
    for (int d = 0; d < 7; d++)
        if (token_is(t, day_names[d][0]) || token_is(t, day_names[d][1]))
            return d;
    return -1;
}

/* "mon", "monday", "mon-fri" (wrapping: "fri-mon"), "daily" -> a mask; 0 when not days. */
static uint8_t parse_days(struct token t)
{
    if (token_is(t, "daily"))
        return 0x7f;
    const char *dash = memchr(t.start, '-', t.len);
    if (!dash) {
        int d = day_index(t);
        return (uint8_t)(d >= 0 ? 1u << d : 0u);
    }
    struct token a = {t.start, (size_t)(dash - t.start)};
    struct token b = {dash + 1, t.len - a.len - 1};
    int from = day_index(a), to = day_index(b);
    if (from < 0 || to < 0)
        return 0;
    uint8_t mask = 0;
    for (int d = from;; d = (d + 1) % 7) {
        mask |= (uint8_t)(1u << d);
        if (d == to)
            break;
    }
    return mask;
}

/* "7:00", "07:00", "24:00" -> minutes; -1 when not a time. */
static int parse_time(const char *s, size_t len)
{
    if (len < 4 || len > 5 || s[len - 3] != ':')
        return -1;
    for (size_t i = 0; i < len; i++)
        if (i != len - 3 && !ascii_is_digit(s[i]))
            return -1;
    int h = len == 5 ? (s[0] - '0') * 10 + (s[1] - '0') : s[0] - '0';
    int m = (s[len - 2] - '0') * 10 + (s[len - 1] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

static bool parse_window(struct token t, uint8_t days, struct schedule *s, struct error *err)
{
    const char *dash = memchr(t.start, '-', t.len);
    int start = dash ? parse_time(t.start, (size_t)(dash - t.start)) : -1;
    int end = dash ? parse_time(dash + 1, t.len - (size_t)(dash - t.start) - 1) : -1;
    if (start < 0 || end < 0 || start == SCHEDULE_DAY_MINUTES) {
        error_set(err, "'%.*s' is not a time window (expected HH:MM-HH:MM, 00:00 to 24:00, %s)",
                  (int)MIN(t.len, 64), t.start, on_example);
        return false;
    }
    if (start == end) {
        error_set(err, "'%.*s' is an empty window (it starts when it ends)", (int)t.len, t.start);
        return false;
    }
    if (s->window_count == SCHEDULE_MAX_WINDOWS) {
        error_set(err, "more than %d windows", SCHEDULE_MAX_WINDOWS);
        return false;
    }
    s->windows[s->window_count++] =
        (struct schedule_window){.days = days, .start = (uint16_t)start, .end = (uint16_t)end};
    return true;
}

/* One comma-separated item: day tokens, then windows. An item without days takes the
 * previous item's ("mon-fri 07:00-12:00, 13:00-19:00"). */
static bool parse_on_item(const char *pos, const char *end, uint8_t *days, struct schedule *s,
                          struct error *err)
{
    struct token t;
    uint8_t item_days = 0;
    size_t windows = 0;
    while (next_token(&pos, end, &t)) {
        uint8_t d = windows == 0 && !ascii_is_digit(*t.start) ? parse_days(t) : 0;
        if (d) {
            item_days |= d;
            continue;
        }
        if (!ascii_is_digit(*t.start)) {
            error_set(err,
                      "'%.*s' is not a day (expected mon, tue, ... sun, a range such as "
                      "mon-fri, or daily)",
                      (int)MIN(t.len, 64), t.start);
            return false;
        }
        if (item_days)
            *days = item_days;
        if (!*days) {
            error_set(err, "'%.*s' has no days before it (%s)", (int)MIN(t.len, 64), t.start,
                      on_example);
            return false;
        }
        if (!parse_window(t, *days, s, err))
            return false;
        windows++;
    }
    if (windows == 0) {
        error_set(err, "%s has no time window (%s; all day is 00:00-24:00)",
                  item_days ? "a day" : "an empty item", on_example);
        return false;
    }
    return true;
}

static bool parse_on(struct schedule *s, const char *on, struct error *err)
{
    s->window_count = 0;
    uint8_t days = 0;
    const char *pos = on, *all_end = on + strlen(on);
    struct token probe;
    const char *scan = on;
    if (!next_token(&scan, all_end, &probe))
        return true; /* empty: always on */
    while (pos <= all_end) {
        const char *comma = memchr(pos, ',', (size_t)(all_end - pos));
        const char *end = comma ? comma : all_end;
        if (!parse_on_item(pos, end, &days, s, err))
            return false;
        pos = end + 1;
    }
    return true;
}

/* "YYYY-MM-DD" -> days since 1970-01-01; false when not a real date. */
static bool parse_date(const char *p, size_t len, int64_t *day)
{
    static const unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (len != 10 || p[4] != '-' || p[7] != '-')
        return false;
    for (size_t i = 0; i < len; i++)
        if (i != 4 && i != 7 && !ascii_is_digit(p[i]))
            return false;
    int64_t y = strtol(p, NULL, 10);
    unsigned m = (unsigned)((p[5] - '0') * 10 + (p[6] - '0'));
    unsigned d = (unsigned)((p[8] - '0') * 10 + (p[9] - '0'));
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > month_days[m - 1] || (m == 2 && d == 29 && !leap))
        return false;
    *day = date_days_from_civil(y, m, d);
    return true;
}

static bool parse_off_dates(struct schedule *s, const char *text, struct error *err)
{
    s->off_count = 0;
    const char *pos = text, *all_end = text + strlen(text);
    while (pos < all_end) {
        const char *comma = memchr(pos, ',', (size_t)(all_end - pos));
        const char *end = comma ? comma : all_end;
        struct token t, extra;
        const char *scan = pos;
        if (!next_token(&scan, end, &t)) {
            if (comma || pos != text) {
                error_set(err, "an empty date between commas");
                return false;
            }
            break;
        }
        const char *dots = NULL;
        for (size_t i = 0; i + 1 < t.len && !dots; i++)
            if (t.start[i] == '.' && t.start[i + 1] == '.')
                dots = t.start + i;
        struct schedule_off_range r;
        bool ok = !next_token(&scan, end, &extra);
        if (ok && dots)
            ok = parse_date(t.start, (size_t)(dots - t.start), &r.first) &&
                 parse_date(dots + 2, t.len - (size_t)(dots - t.start) - 2, &r.last) &&
                 r.last >= r.first;
        else if (ok)
            ok = parse_date(t.start, t.len, &r.first) && (r.last = r.first, true);
        if (!ok) {
            error_set(err,
                      "'%.*s' is not a date (expected YYYY-MM-DD, or FIRST..LAST for a range, "
                      "as in 2026-12-25, 2026-12-31..2027-01-01)",
                      (int)MIN((size_t)(end - pos), 64), pos);
            return false;
        }
        if (s->off_count == SCHEDULE_MAX_OFF_RANGES) {
            error_set(err, "more than %d dates or ranges", SCHEDULE_MAX_OFF_RANGES);
            return false;
        }
        s->off[s->off_count++] = r;
        pos = end + 1;
    }
    return true;
}

bool schedule_parse(struct schedule *s, const char *on, const char *off_dates, struct error *err)
{
    return parse_on(s, on, err) && parse_off_dates(s, off_dates, err);
}

bool schedule_check_on(const char *on, struct error *err)
{
    struct schedule *s = xmalloc(sizeof(*s));
    bool ok = parse_on(s, on, err);
    free(s);
    return ok;
}

bool schedule_check_off_dates(const char *off_dates, struct error *err)
{
    struct schedule *s = xmalloc(sizeof(*s));
    bool ok = parse_off_dates(s, off_dates, err);
    free(s);
    return ok;
}

static bool is_off_day(const struct schedule *s, int64_t day)
{
    for (size_t i = 0; i < s->off_count; i++)
        if (day >= s->off[i].first && day <= s->off[i].last)
            return true;
    return false;
}

bool schedule_on_at(const struct schedule *s, const struct tm *local)
{
    int64_t day = date_days_from_civil((int64_t)local->tm_year + 1900, (unsigned)local->tm_mon + 1,
                                       (unsigned)local->tm_mday);
    if (is_off_day(s, day))
        return false;
    if (s->window_count == 0)
        return true;
    int minute = local->tm_hour * 60 + local->tm_min;
    unsigned today = 1u << local->tm_wday, yesterday = 1u << ((local->tm_wday + 6) % 7);
    for (size_t i = 0; i < s->window_count; i++) {
        const struct schedule_window *w = &s->windows[i];
        bool overnight = w->end <= w->start;
        if ((w->days & today) && minute >= w->start && (overnight || minute < w->end))
            return true;
        /* The part after midnight of a window that began the day before. */
        if (overnight && (w->days & yesterday) && minute < w->end)
            return true;
    }
    return false;
}

bool schedule_daily_quiet(const struct schedule *s, int *start, int *minutes)
{
    if (s->window_count == 0)
        return false;
    struct schedule weekly = *s;
    weekly.off_count = 0;
    /* 2026-03-01 is a Sunday: one day of each weekday, off dates ignored. */
    bool quiet[SCHEDULE_DAY_MINUTES];
    for (int m = 0; m < SCHEDULE_DAY_MINUTES; m++) {
        quiet[m] = true;
        for (int d = 0; d < 7 && quiet[m]; d++) {
            struct tm tm = {.tm_year = 126,
                            .tm_mon = 2,
                            .tm_mday = 1 + d,
                            .tm_wday = d,
                            .tm_hour = m / 60,
                            .tm_min = m % 60};
            quiet[m] = !schedule_on_at(&weekly, &tm);
        }
    }
    /* The longest run, going round midnight: start where a quiet minute follows a busy one. */
    int best = 0, best_start = 0;
    for (int m = 0; m < SCHEDULE_DAY_MINUTES; m++) {
        if (!quiet[m] || quiet[(m + SCHEDULE_DAY_MINUTES - 1) % SCHEDULE_DAY_MINUTES])
            continue;
        int n = 0;
        while (n < SCHEDULE_DAY_MINUTES && quiet[(m + n) % SCHEDULE_DAY_MINUTES])
            n++;
        if (n > best)
            best = n, best_start = m;
    }
    if (best == 0 && quiet[0])
        best = SCHEDULE_DAY_MINUTES; /* quiet all day, every day */
    *start = best_start;
    *minutes = best;
    return best > 0;
}

bool schedule_on(const struct schedule *s, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return true;
    return schedule_on_at(s, &tm);
}

int64_t schedule_next_change(const struct schedule *s, int64_t t)
{
    bool now = schedule_on(s, t);
    /* Every UTC offset in use is a multiple of 15 minutes and changes only on such a boundary,
     * so one localtime_r per quarter hour gives the wall clock of each of its minutes. */
    int64_t quarter = t / 900 * 900;
    for (int64_t q = 0; q < 400 * 24 * 4; q++, quarter += 900) {
        time_t tt = (time_t)quarter;
        struct tm tm;
        if (!localtime_r(&tt, &tm))
            return -1;
        int first_min = tm.tm_min;
        for (int k = 0; k < 15; k++) {
            int64_t m = quarter + k * 60;
            tm.tm_min = first_min + k;
            if (m > t && schedule_on_at(s, &tm) != now)
                return m;
        }
    }
    return -1;
}

bool schedule_format_time(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    buf[0] = '\0';
    return t >= 0 && localtime_r(&tt, &tm) && strftime(buf, len, "%a %Y-%m-%d %H:%M %Z", &tm);
}

bool schedule_check_timezone(const char *name, struct error *err)
{
    if (!name[0])
        return true;
    if (name[0] == '/' || strstr(name, "..") ||
        strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                     "klmnopqrstuvwxyz0123456789/_+-") != strlen(name)) {
        error_set(err, "'%.64s' is not a time zone name (expected one such as Europe/Berlin)",
                  name);
        return false;
    }
    const char *dir = getenv("TZDIR");
    char *path = xasprintf("%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    char magic[4] = {0};
    bool ok = fd >= 0 && read(fd, magic, sizeof(magic)) == 4 && memcmp(magic, "TZif", 4) == 0;
    if (!ok)
        error_set(err,
                  "'%.64s' is not a time zone this system has (%s: %s; expected a name such as "
                  "Europe/Berlin, see timedatectl list-timezones)",
                  name, path, fd < 0 ? strerror(errno) : "not a TZif file");
    if (fd >= 0)
        close(fd);
    free(path);
    return ok;
}

void schedule_use_timezone(const char *name)
{
    if (!name[0])
        return;
    setenv("TZ", name, 1);
    tzset();
    log_debug("time zone %s", name);
}
