#include "date.h"

#include <stdio.h>
#include <string.h>

#include "ascii.h"

/* A date as written, before any check; offset_s is the zone's offset east of UTC. */
struct date_fields {
    int year, mon, day, hour, min, sec, offset_s;
};

/* A zone name as RFC 822 defines it or as feeds use it. */
struct date_zone {
    const char *name; /* lower case */
    int offset_min;
    bool takes_offset; /* "GMT+0100", "UTC+1" */
};

static const struct date_zone date_zones[] = {
    {"ut", 0, true},
    {"gmt", 0, true},
    {"utc", 0, true},
    {"z", 0, false},
    {"est", -5 * 60, false},
    {"edt", -4 * 60, false},
    {"cst", -6 * 60, false},
    {"cdt", -5 * 60, false},
    {"mst", -7 * 60, false},
    {"mdt", -6 * 60, false},
    {"pst", -8 * 60, false},
    {"pdt", -7 * 60, false},
    /* Not in any RFC, but in real feeds. CST above stays US Central as RFC 822 has it, and IST
     * is India's: both names have other meanings that a feed cannot tell us about. */
    {"cet", 1 * 60, false},
    {"cest", 2 * 60, false},
    {"eet", 2 * 60, false},
    {"eest", 3 * 60, false},
    {"wet", 0, false},
    {"west", 1 * 60, false},
    {"bst", 1 * 60, false},
    {"ist", 5 * 60 + 30, false},
    {"jst", 9 * 60, false},
    {"kst", 9 * 60, false},
    {"hkt", 8 * 60, false},
    {"sgt", 8 * 60, false},
    {"aest", 10 * 60, false},
    {"aedt", 11 * 60, false},
    {"acst", 9 * 60 + 30, false},
    {"awst", 8 * 60, false},
    {"nzst", 12 * 60, false},
    {"nzdt", 13 * 60, false},
    {"msk", 3 * 60, false},
    {"hst", -10 * 60, false},
    {"akst", -9 * 60, false},
    {"akdt", -8 * 60, false},
};

static const char *const date_weekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                            "friday", "saturday", "sunday"};
static const char *const date_months[] = {"january",   "february", "march",    "april",
                                          "may",       "june",     "july",     "august",
                                          "september", "october",  "november", "december"};

int64_t date_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: exact for every year, no timegm() and no TZ involved. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static const char *skip_space(const char *p)
{
    while (ascii_is_space(*p))
        p++;
    return p;
}

static size_t digit_run(const char *p)
{
    size_t n = 0;
    while (ascii_is_digit(p[n]))
        n++;
    return n;
}

static size_t alpha_run(const char *p)
{
    size_t n = 0;
    while (ascii_is_alpha(p[n]))
        n++;
    return n;
}

/* Exactly n digits. */
static bool digits(const char **p, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ascii_is_digit((*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Advances past c only when it is there, so a failed match never steps over the NUL. */
static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static bool fields_to_unix(const struct date_fields *f, bool allow_24, int64_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (f->mon < 1 || f->mon > 12 || f->day < 1 || f->day > mdays[f->mon - 1] || f->min > 59 ||
        f->sec > 60)
        return false;
    bool leap = (f->year % 4 == 0 && f->year % 100 != 0) || f->year % 400 == 0;
    if (f->mon == 2 && f->day == 29 && !leap)
        return false;
    /* RFC 2822 inherits "24:00:00" from ISO 8601 as the end of the day, and feeds do use it. */
    if (f->hour > 24 || (f->hour == 24 && (!allow_24 || f->min != 0 || f->sec != 0)))
        return false;
    int sec = f->sec == 60 ? 59 : f->sec; /* leap second: close enough for a news sign */
    int64_t days = date_days_from_civil(f->year, (unsigned)f->mon, (unsigned)f->day);
    int64_t t = days * 86400 + f->hour * 3600 + f->min * 60 + sec - f->offset_s;
    /* Only what date_format_rfc3339 writes with four digits and so can read back: an offset
     * can push a valid local time just outside years 0000..9999. */
    if (t < date_days_from_civil(0, 1, 1) * 86400 || t >= date_days_from_civil(10000, 1, 1) * 86400)
        return false;
    *out = t;
    return true;
}

/* "Z", "+hh:mm", and "+hhmm" or "+hh" since ISO 8601 allows them; nothing at all leaves the
 * offset at 0, taking the time as UTC. */
static bool parse_iso_zone(const char **pp, int *offset_s)
{
    const char *p = *pp;
    if (*p == 'Z' || *p == 'z') {
        *pp = p + 1;
        return true;
    }
    if (*p != '+' && *p != '-')
        return true;
    int sign = *p++ == '-' ? -1 : 1, h, m = 0;
    if (!digits(&p, 2, &h))
        return false;
    if (expect(&p, ':')) {
        if (!digits(&p, 2, &m))
            return false;
    } else if (ascii_is_digit(*p) && !digits(&p, 2, &m)) {
        return false;
    }
    if (h > 23 || m > 59)
        return false;
    *offset_s = sign * (h * 3600 + m * 60);
    *pp = p;
    return true;
}

/* Dropped: the sign shows whole seconds at most. */
static bool skip_fraction(const char **pp)
{
    if (**pp != '.' && **pp != ',')
        return true;
    const char *p = *pp + 1;
    if (!ascii_is_digit(*p))
        return false;
    while (ascii_is_digit(*p))
        p++;
    *pp = p;
    return true;
}

/* "hh:mm[:ss[.fff]]" and a zone. */
static bool parse_iso_time(const char **pp, struct date_fields *f)
{
    const char *p = *pp;
    if (!digits(&p, 2, &f->hour) || !expect(&p, ':') || !digits(&p, 2, &f->min))
        return false;
    if (expect(&p, ':') && (!digits(&p, 2, &f->sec) || !skip_fraction(&p)))
        return false;
    if (!parse_iso_zone(&p, &f->offset_s))
        return false;
    *pp = p;
    return true;
}

/* "YYYYMMDDThhmm[ss[.fff]]" and a zone: ISO 8601's basic format, after the year. */
static bool parse_iso_basic(const char **pp, struct date_fields *f)
{
    const char *p = *pp;
    if (!digits(&p, 2, &f->mon) || !digits(&p, 2, &f->day) ||
        !(expect(&p, 'T') || expect(&p, 't')) || !digits(&p, 2, &f->hour) ||
        !digits(&p, 2, &f->min))
        return false;
    if (ascii_is_digit(*p) && (!digits(&p, 2, &f->sec) || !skip_fraction(&p)))
        return false;
    if (!parse_iso_zone(&p, &f->offset_s))
        return false;
    *pp = p;
    return true;
}

/* RFC 3339 when reduced is false. W3C-DTF when true, which adds a date cut short after the
 * year or the month, and the basic format as a courtesy. */
static bool parse_iso(const char *s, bool reduced, int64_t *out)
{
    struct date_fields f = {.mon = 1, .day = 1};
    const char *p = skip_space(s);
    if (!digits(&p, 4, &f.year))
        return false;
    if (reduced && ascii_is_digit(*p)) {
        if (!parse_iso_basic(&p, &f))
            return false;
    } else if (expect(&p, '-')) {
        if (!digits(&p, 2, &f.mon))
            return false;
        if (expect(&p, '-')) {
            if (!digits(&p, 2, &f.day))
                return false;
            /* A space for the 'T' (RFC 3339 5.6 allows it) only when a time follows, so that
             * trailing white space after a date alone still reads as a date. */
            if (*p == 'T' || *p == 't' || (*p == ' ' && ascii_is_digit(p[1]))) {
                p++;
                if (!parse_iso_time(&p, &f))
                    return false;
            }
        } else if (!reduced) {
            return false;
        }
    } else if (!reduced) {
        return false;
    }
    p = skip_space(p);
    return *p == '\0' && fields_to_unix(&f, false, out);
}

bool date_parse_rfc3339(const char *s, int64_t *out)
{
    return parse_iso(s, false, out);
}

bool date_parse_w3cdtf(const char *s, int64_t *out)
{
    return parse_iso(s, true, out);
}

/* The index of the name that word abbreviates with three letters or more, in any case, so
 * "Mar", "MARCH", "Sept" and "Thurs" all match; -1 if none does. */
static int match_name(const char *word, size_t len, const char *const *names, size_t count)
{
    if (len < 3)
        return -1;
    for (size_t i = 0; i < count; i++) {
        if (len > strlen(names[i]))
            continue;
        size_t j = 0;
        while (j < len && ascii_to_lower(word[j]) == names[i][j])
            j++;
        if (j == len)
            return (int)i;
    }
    return -1;
}

static const struct date_zone *find_zone(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof(date_zones) / sizeof(date_zones[0]); i++) {
        const char *name = date_zones[i].name;
        size_t j = 0;
        while (j < len && ascii_to_lower(word[j]) == name[j])
            j++;
        if (j == len && name[j] == '\0')
            return &date_zones[i];
    }
    return NULL;
}

/* "+hhmm" as RFC 822 writes it, and "+hh:mm", "+h" or "+hh" as feeds write it ("UTC+1"). */
static bool parse_numeric_zone(const char **pp, int *offset_s)
{
    const char *p = *pp;
    int sign = *p++ == '-' ? -1 : 1, h = 0, m = 0;
    size_t n = digit_run(p);
    if (n == 4) {
        digits(&p, 2, &h);
        digits(&p, 2, &m);
    } else if (n == 1 || n == 2) {
        digits(&p, n, &h);
        if (expect(&p, ':') && !digits(&p, 2, &m))
            return false;
    } else {
        return false;
    }
    if (h > 23 || m > 59)
        return false;
    *offset_s = sign * (h * 3600 + m * 60);
    *pp = p;
    return true;
}

static bool parse_rfc822_zone(const char **pp, int *offset_s)
{
    const char *p = *pp;
    if (*p == '+' || *p == '-')
        return parse_numeric_zone(pp, offset_s);
    size_t len = alpha_run(p);
    const struct date_zone *zone = find_zone(p, len);
    if (zone) {
        *offset_s = zone->offset_min * 60;
        p += len;
        if (zone->takes_offset && (*p == '+' || *p == '-') && !parse_numeric_zone(&p, offset_s))
            return false;
    } else if (len == 1 && ascii_to_lower(*p) != 'j') {
        /* RFC 2822 4.3: RFC 822 gave military zones the wrong sign, so their meaning is lost
         * and they count as "-0000", an unknown zone, which is UTC to us. 'J' was never one. */
        *offset_s = 0;
        p++;
    } else {
        return false;
    }
    *pp = p;
    return true;
}

/* RFC 2822 comments, "(UTC)" or "(Eastern (US) \) time)": they nest, and a backslash quotes the
 * next character. */
static bool skip_comment(const char **pp)
{
    const char *p = *pp;
    size_t depth = 0;
    do {
        if (*p == '\0')
            return false;
        if (*p == '\\') {
            p++;
            if (*p == '\0')
                return false;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        }
        p++;
    } while (depth > 0);
    *pp = p;
    return true;
}

/* "hh:mm[:ss]", with a one-digit hour as some feeds write it. */
static bool parse_rfc822_time(const char **pp, struct date_fields *f)
{
    const char *p = *pp;
    size_t n = digit_run(p);
    if (n < 1 || n > 2 || !digits(&p, n, &f->hour) || !expect(&p, ':') || !digits(&p, 2, &f->min))
        return false;
    if (expect(&p, ':') && !digits(&p, 2, &f->sec))
        return false;
    *pp = p;
    return true;
}

bool date_parse_rfc822(const char *s, int64_t *out)
{
    const char *p = skip_space(s);
    /* Some feeds put an ISO date in pubDate. */
    if (digit_run(p) == 4 && p[4] == '-')
        return date_parse_rfc3339(p, out);
    struct date_fields f = {0};
    size_t n = alpha_run(p);
    if (n > 0) {
        /* The weekday says nothing the date doesn't, and is wrong often enough: ignored. */
        if (match_name(p, n, date_weekdays, 7) < 0)
            return false;
        p = skip_space(p + n);
        if (*p == ',')
            p = skip_space(p + 1);
    }
    n = digit_run(p);
    if (n < 1 || n > 2 || !digits(&p, n, &f.day) || !ascii_is_space(*p))
        return false;
    p = skip_space(p);
    n = alpha_run(p);
    int month = match_name(p, n, date_months, 12);
    if (month < 0 || !ascii_is_space(p[n]))
        return false;
    f.mon = month + 1;
    p = skip_space(p + n);
    n = digit_run(p);
    if (n < 2 || n > 4 || !digits(&p, n, &f.year) || (*p != '\0' && !ascii_is_space(*p)))
        return false;
    /* RFC 2822 4.3: two-digit years below 50 are 20xx; other two- and three-digit years count
     * from 1900 (a three-digit one is what tm_year + 1900 forgotten gives). */
    if (n == 2)
        f.year += f.year < 50 ? 2000 : 1900;
    else if (n == 3)
        f.year += 1900;
    p = skip_space(p);
    if (ascii_is_digit(*p) && !parse_rfc822_time(&p, &f))
        return false;
    p = skip_space(p);
    if (*p != '\0' && *p != '(' && !parse_rfc822_zone(&p, &f.offset_s))
        return false;
    p = skip_space(p);
    while (*p == '(') {
        if (!skip_comment(&p))
            return false;
        p = skip_space(p);
    }
    return *p == '\0' && fields_to_unix(&f, true, out);
}

bool date_parse_any(const char *s, int64_t *out)
{
    /* Each parser skips white space around the date itself. */
    return date_parse_rfc3339(s, out) || date_parse_w3cdtf(s, out) || date_parse_rfc822(s, out);
}

void date_format_rfc3339(int64_t t, char *buf, size_t size)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    /* Inverse of date_days_from_civil. */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m,
             (long long)d, (long long)(secs / 3600), (long long)(secs / 60 % 60),
             (long long)(secs % 60));
}
