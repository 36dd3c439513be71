#include "config.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ascii.h"
#include "filter.h"
#include "log.h"
#include "logo.h"
#include "minisign.h"
#include "util.h"
#include "version.h"

/* The installed themes: [theme] name = NAME reads NAME.conf from themes/ beside the config
 * file, else from here. */
#define THEME_DIR TICKER_ASSET_DIR "/themes"
#define THEME_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

/* Past this many, errors are counted but not printed: a binary file given by mistake would
 * otherwise fill the journal. */
#define MAX_ERRORS_SHOWN 100

enum key_type {
    KEY_STRING,
    KEY_INT,
    KEY_BOOL,
    KEY_ENUM,
    KEY_COLOR,
    KEY_SIZE,
    KEY_MARGINS,
    KEY_MODE
};

/* Writes why a value is rejected into err (the caller puts the key name before it); returns
 * false to reject. */
typedef bool (*key_check_fn)(const char *value, struct error *err);

struct key {
    const char *section; /* "source" stands for every [source NAME] */
    const char *name;
    enum key_type type;
    const char *def;            /* the default, written as in the file; NULL = required */
    const char *example;        /* for required keys, shown in the documented file */
    long min, max;              /* KEY_INT range; KEY_SIZE width range */
    long min_h, max_h;          /* KEY_SIZE height range */
    size_t offset;              /* into struct config, or struct config_source for "source" */
    size_t offset_h;            /* KEY_SIZE: where the height goes */
                                /* KEY_MARGINS: int[4]; KEY_MODE: int[3] (w, h, Hz) */
    const char *const *choices; /* KEY_ENUM: names in enum order, NULL-terminated */
    key_check_fn check;         /* KEY_STRING: extra validation, may be NULL */
    /* KEY_STRING: what the sign can run without (it logs the problem and goes on), checked as
     * an error by config_check only; a non-empty value. May be NULL. */
    key_check_fn check_strict;
    const char *doc; /* one line */
};

struct section {
    const char *name;
    const char *doc; /* lines separated by '\n' */
};

static bool check_url(const char *value, struct error *err);
static bool check_optional_url(const char *value, struct error *err);
static bool check_public_key(const char *value, struct error *err);
static bool check_font(const char *value, struct error *err);
static bool check_exclude(const char *value, struct error *err);
static bool check_theme_name(const char *value, struct error *err);
static bool check_logo(const char *value, struct error *err);

static const char *const clock_names[] = {"24h", "12h", "off", NULL};
static const char *const crawl_direction_names[] = {"auto", "left", "right", NULL};
static const char *const rotate_names[] = {"0", "90", "180", "270", NULL};

/* Enum keys are stored through an int *. */
_Static_assert(sizeof(enum config_clock) == sizeof(int), "enum config_clock is not int-sized");

static const struct section sections[] = {
    {"sign", "What the sign shows and how it moves."},
    {"display", "The screen, and how frames reach it."},
    {"theme", "The look: a theme by name, then colours (#rrggbb, hex digits in either case)\n"
              "and the size of text, each overriding the theme's when written (here, in a\n"
              "drop-in or in remote settings, in any order)."},
    {"schedule", "When the display is on. Without this section it is always on. When off, the\n"
                 "panel is powered down where the hardware allows (HDMI-CEC standby, DPMS),\n"
                 "else shows black; feeds are still fetched, so the first picture is fresh."},
    {"status", "The JSON health file that operators and monitoring read."},
    {"network", "How feeds are fetched. TLS certificates are always verified."},
    {"remote", "Settings from afar: a signed file in this format, polled like a feed, with\n"
               "[sign], [theme], [schedule] (not its timezone) and [source NAME] sections;\n"
               "its sources replace these. Applied as a reload; one that fails its signature\n"
               "or its checks is refused, with the reason in the status file."},
    {"source", "One [source NAME] section per feed, shown in the order given. NAME is letters,\n"
               "digits, '_' and '-', different for each source."},
};

#define CFG(field) offsetof(struct config, field)
#define SRC(field) offsetof(struct config_source, field)

static const struct key keys[] = {
    {.section = "sign",
     .name = "title",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(title),
     .doc = "Title shown on the sign; empty uses the feed's title."},
    {.section = "sign",
     .name = "card_seconds",
     .type = KEY_INT,
     .def = "10",
     .min = 3,
     .max = 3600,
     .offset = CFG(card_seconds),
     .doc = "Seconds each story card stays up."},
    {.section = "sign",
     .name = "transition_ms",
     .type = KEY_INT,
     .def = "700",
     .min = 0,
     .max = 5000,
     .offset = CFG(transition_ms),
     .doc = "Cross-fade between cards, in milliseconds; 0 cuts straight to the next card."},
    {.section = "sign",
     .name = "crawl_speed",
     .type = KEY_INT,
     .def = "120",
     .min = 10,
     .max = 2000,
     .offset = CFG(crawl_speed),
     .doc = "Crawl speed in pixels per second on a 1080-line screen; scaled with the screen."},
    {.section = "sign",
     .name = "crawl_direction",
     .type = KEY_ENUM,
     .def = "auto",
     .choices = crawl_direction_names,
     .offset = CFG(crawl_direction),
     .doc = "Where the crawl moves: left, right, or auto: right (as Arabic and Hebrew news "
            "channels crawl) when most headlines read right to left."},
    {.section = "sign",
     .name = "font",
     .type = KEY_STRING,
     .def = "Inter",
     .offset = CFG(font),
     .check = check_font,
     .doc = "Text font: a fontconfig pattern or an absolute path."},
    {.section = "sign",
     .name = "font_bold",
     .type = KEY_STRING,
     .def = "Inter:bold",
     .offset = CFG(font_bold),
     .check = check_font,
     .doc = "Font for headlines and figures: a fontconfig pattern or an absolute path."},
    {.section = "sign",
     .name = "clock",
     .type = KEY_ENUM,
     .def = "24h",
     .choices = clock_names,
     .offset = CFG(clock),
     .doc = "Clock on the sign: 24-hour, 12-hour, or none."},
    {.section = "sign",
     .name = "fallback_message",
     .type = KEY_STRING,
     .def = "No news right now.",
     .offset = CFG(fallback_message),
     .doc = "Shown when there are no stories."},
    {.section = "sign",
     .name = "max_age_hours",
     .type = KEY_INT,
     .def = "0",
     .min = 0,
     .max = 87600,
     .offset = CFG(max_age_hours),
     .doc = "Stories published longer ago than this leave the sign; 0 keeps them all."},
    {.section = "sign",
     .name = "max_stories",
     .type = KEY_INT,
     .def = "30",
     .min = 1,
     .max = 200,
     .offset = CFG(max_stories),
     .doc = "At most this many stories are on the sign (the first by priority and date)."},
    {.section = "sign",
     .name = "offline_after_minutes",
     .type = KEY_INT,
     .def = "30",
     .min = 1,
     .max = 10080,
     .offset = CFG(offline_after_minutes),
     .doc = "After this long without a successful update the top bar says \"Offline\"."},
    {.section = "sign",
     .name = "logo",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(logo),
     .check_strict = check_logo,
     .doc = "A PNG drawn at the left of the top bar, before the title, scaled to the bar's\n"
            "height (transparency kept); at most 4096x4096 pixels. The title follows when it\n"
            "fits whole beside the logo, else the logo stands alone. One that cannot be read\n"
            "is logged and the sign shows without it (check-config says why). Empty: none."},

    {.section = "display",
     .name = "window",
     .type = KEY_SIZE,
     .def = "fullscreen",
     .min = 320,
     .max = 7680,
     .min_h = 240,
     .max_h = 4320,
     .offset = CFG(window_w),
     .offset_h = CFG(window_h),
     .doc = "fullscreen, or the size of a window (for testing)."},
    {.section = "display",
     .name = "mode",
     .type = KEY_MODE,
     .def = "auto",
     .offset = CFG(mode),
     .doc = "Video mode: auto (the display's preferred mode), or WIDTHxHEIGHT or\n"
            "WIDTHxHEIGHT@HZ; the closest mode the display offers is used."},
    {.section = "display",
     .name = "rotate",
     .type = KEY_ENUM,
     .def = "0",
     .offset = CFG(rotate),
     .choices = rotate_names,
     .doc = "Turns the picture clockwise by this many degrees, for a screen mounted on its\n"
            "side (90 or 270: portrait)."},
    {.section = "display",
     .name = "overscan",
     .type = KEY_MARGINS,
     .def = "0",
     .max = 1000,
     .offset = CFG(overscan),
     .doc = "Margins in pixels that the screen cuts off, for TVs that overscan: one value for\n"
            "every edge, or top right bottom left as in CSS (2 or 3 values also work).\n"
            "Edges of the picture as viewers see it."},
    {.section = "display",
     .name = "refresh_hz",
     .type = KEY_INT,
     .def = "0",
     .min = 0,
     .max = 240,
     .offset = CFG(refresh_hz),
     .doc = "Refresh rate of the display in Hz; 0 measures it."},
    {.section = "display",
     .name = "vsync",
     .type = KEY_BOOL,
     .def = "true",
     .offset = CFG(vsync),
     .doc = "Present frames on the display's vertical sync; false paces with a timer."},

    {.section = "theme",
     .name = "name",
     .type = KEY_STRING,
     .def = CONFIG_DEFAULT_THEME,
     .offset = CFG(theme_name),
     .check = check_theme_name,
     .doc = "The theme: default (dark blue), light (dark text on white, for bright rooms) or\n"
            "high-contrast (white and yellow on black, larger text, for reading from afar),\n"
            "or NAME.conf of your own in a themes folder beside this file (a [theme] section\n"
            "with the keys below)."},
    {.section = "theme",
     .name = "background",
     .type = KEY_COLOR,
     .def = "#0b1220",
     .offset = CFG(theme.background),
     .doc = "Page background."},
    {.section = "theme",
     .name = "surface",
     .type = KEY_COLOR,
     .def = "#151f33",
     .offset = CFG(theme.surface),
     .doc = "Card and tile background."},
    {.section = "theme",
     .name = "foreground",
     .type = KEY_COLOR,
     .def = "#f4f6fb",
     .offset = CFG(theme.foreground),
     .doc = "Main text."},
    {.section = "theme",
     .name = "muted",
     .type = KEY_COLOR,
     .def = "#9aa7bd",
     .offset = CFG(theme.muted),
     .doc = "Secondary text: sources, times, labels."},
    {.section = "theme",
     .name = "accent",
     .type = KEY_COLOR,
     .def = "#ffb020",
     .offset = CFG(theme.accent),
     .doc = "Highlights and key figures."},
    {.section = "theme",
     .name = "band_background",
     .type = KEY_COLOR,
     .def = "#e8edf5",
     .offset = CFG(theme.band_background),
     .doc = "Background of the headline crawl band."},
    {.section = "theme",
     .name = "band_foreground",
     .type = KEY_COLOR,
     .def = "#0b1220",
     .offset = CFG(theme.band_foreground),
     .doc = "Text of the headline crawl band."},
    {.section = "theme",
     .name = "alert_background",
     .type = KEY_COLOR,
     .def = "#b3121f",
     .offset = CFG(theme.alert_background),
     .doc = "Background of an alert: the whole sign while a story with _ticker.alert is on."},
    {.section = "theme",
     .name = "alert_foreground",
     .type = KEY_COLOR,
     .def = "#ffffff",
     .offset = CFG(theme.alert_foreground),
     .doc = "Text of an alert."},
    {.section = "theme",
     .name = "text_scale",
     .type = KEY_INT,
     .def = "100",
     .min = 80,
     .max = 160,
     .offset = CFG(theme.text_scale),
     .doc = "Size of all text, in percent of the usual (which already grows with the\n"
            "screen); the top bar and the crawl band grow with it, the card gets less room."},

    {.section = "schedule",
     .name = "on",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(schedule_on),
     .check = schedule_check_on,
     .doc = "When the display is on, in local time: days (mon..sun, ranges such as mon-fri,\n"
            "daily) then HH:MM-HH:MM windows, items separated by commas, as in\n"
            "\"mon-fri 07:00-19:00, sat 09:00-13:00\". 24:00 ends a day; a window that ends\n"
            "before it starts runs past midnight. Empty: on at every hour."},
    {.section = "schedule",
     .name = "off_dates",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(schedule_off_dates),
     .check = schedule_check_off_dates,
     .doc = "Dates the display is off all day: YYYY-MM-DD, or FIRST..LAST, separated by\n"
            "commas, as in \"2026-12-25, 2026-12-31..2027-01-01\"."},
    {.section = "schedule",
     .name = "timezone",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(timezone),
     .check = schedule_check_timezone,
     .doc = "Time zone of the schedule and the clock, as in Europe/Berlin; empty uses the\n"
            "system's. A change takes effect by restarting the sign (it does so itself)."},

    {.section = "status",
     .name = "file",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(status_file),
     .doc = "Status file path; empty uses $RUNTIME_DIRECTORY/status.json, else "
            "/run/ticker/status.json."},
    {.section = "status",
     .name = "metrics_file",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(metrics_file),
     .doc = "Prometheus metrics file (text format), rewritten every minute and after each poll,\n"
            "for node_exporter's textfile collector, as in\n"
            "/var/lib/prometheus/node-exporter/ticker.prom; empty writes none."},

    {.section = "network",
     .name = "ca_file",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(ca_file),
     .doc = "CA certificates (PEM bundle) to trust; empty uses the system's."},
    {.section = "network",
     .name = "ca_path",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(ca_path),
     .doc = "Directory of hashed CA certificates to trust; empty uses the system's."},

    {.section = "remote",
     .name = "url",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(remote_url),
     .check = check_optional_url,
     .doc = "Where the settings file is: an http:// or https:// URL or a file path; its\n"
            "signature is at the same place plus .minisig. Empty: no remote settings."},
    {.section = "remote",
     .name = "public_key",
     .type = KEY_STRING,
     .def = "",
     .offset = CFG(remote_public_key),
     .check = check_public_key,
     .doc = "minisign public key(s) the settings file must be signed with (required with a\n"
            "url); several separated by spaces, so a key can be rotated."},
    {.section = "remote",
     .name = "refresh",
     .type = KEY_INT,
     .def = "300",
     .min = 30,
     .max = 86400,
     .offset = CFG(remote_refresh_s),
     .doc = "Seconds between polls of the settings file."},

    {.section = "source",
     .name = "url",
     .type = KEY_STRING,
     .example = "https://news.example.org/lobby.json",
     .offset = SRC(url),
     .check = check_url,
     .doc = "Where the feed is: a file path or an http:// or https:// URL."},
    {.section = "source",
     .name = "refresh",
     .type = KEY_INT,
     .def = "300",
     .min = 30,
     .max = 86400,
     .offset = SRC(refresh_s),
     .doc = "Seconds between polls of this feed."},
    {.section = "source",
     .name = "public_key",
     .type = KEY_STRING,
     .def = "",
     .offset = SRC(public_key),
     .check = check_public_key,
     .doc = "minisign public key (base64 line of the .pub file); empty accepts unsigned feeds.\n"
            "Several keys separated by spaces are all accepted, so a key can be rotated."},
    {.section = "source",
     .name = "exclude",
     .type = KEY_STRING,
     .def = "",
     .offset = SRC(exclude),
     .check = check_exclude,
     .doc = "Words and phrases that keep a story of this feed off the sign, separated by commas\n"
            "(a phrase as it is, without quotes). Matched as whole words in the headline and\n"
            "summary, ignoring case (Unicode case folding). Empty: none."},
    {.section = "source",
     .name = "max_age_hours",
     .type = KEY_INT,
     .def = "0",
     .min = 0,
     .max = 87600,
     .offset = SRC(max_age_hours),
     .doc = "Stories of this feed published longer ago than this leave the sign; 0 keeps them\n"
            "all ([sign] max_age_hours still applies)."},
};

static char *trim(char *s)
{
    while (ascii_is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && ascii_is_blank(s[n - 1]))
        n--;
    s[n] = '\0';
    return s;
}

/* A decimal integer and nothing else; values beyond long come back as LONG_MIN/LONG_MAX, which
 * every range check rejects. */
static bool parse_long(const char *s, long *out)
{
    const char *digits = (*s == '+' || *s == '-') ? s + 1 : s;
    if (!ascii_is_digit(*digits))
        return false;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

/* Digits 'x' digits, no signs or spaces; each side as a long, saturated like parse_long. */
static bool parse_size_long(const char *s, long *w, long *h)
{
    const char *x = strpbrk(s, "xX");
    if (!x || x == s || x[1] == '\0')
        return false;
    for (const char *c = s; *c; c++)
        if (c != x && !ascii_is_digit(*c))
            return false;
    *w = strtol(s, NULL, 10);
    *h = strtol(x + 1, NULL, 10);
    return true;
}

bool config_parse_size(const char *s, int *w, int *h)
{
    long lw, lh;
    if (!parse_size_long(s, &lw, &lh) || lw < 1 || lw > 16384 || lh < 1 || lh > 16384)
        return false;
    *w = (int)lw;
    *h = (int)lh;
    return true;
}

bool config_parse_margins(const char *s, int out[4], int max)
{
    long v[4];
    int n = 0;
    for (;;) {
        while (ascii_is_blank(*s))
            s++;
        if (!*s)
            break;
        if (n == 4 || !ascii_is_digit(*s))
            return false;
        char *end;
        v[n] = strtol(s, &end, 10);
        if (v[n] > max || (*end && !ascii_is_blank(*end)))
            return false;
        n++;
        s = end;
    }
    if (n == 0)
        return false;
    /* CSS: top [right [bottom [left]]], the missing ones mirror the given ones. */
    long top = v[0], right = n > 1 ? v[1] : top, bottom = n > 2 ? v[2] : top;
    long left = n > 3 ? v[3] : right;
    out[0] = (int)top;
    out[1] = (int)right;
    out[2] = (int)bottom;
    out[3] = (int)left;
    return true;
}

bool config_parse_mode(const char *s, int out[3])
{
    if (ascii_casecmp(s, "auto") == 0) {
        out[0] = out[1] = out[2] = 0;
        return true;
    }
    char size[32];
    const char *at = strchr(s, '@');
    size_t n = at ? (size_t)(at - s) : strlen(s);
    if (n >= sizeof(size))
        return false;
    memcpy(size, s, n);
    size[n] = '\0';
    int w, h;
    long hz = 0;
    if (!config_parse_size(size, &w, &h) || w < 320 || h < 240)
        return false;
    if (at && (!parse_long(at + 1, &hz) || hz < 1 || hz > 480))
        return false;
    out[0] = w;
    out[1] = h;
    out[2] = (int)hz;
    return true;
}

bool config_parse_color(const char *s, uint32_t *rgb)
{
    if (s[0] != '#')
        return false;
    uint32_t v = 0;
    for (size_t i = 1; i <= 6; i++) {
        int d = ascii_hex_value(s[i]);
        if (d < 0)
            return false;
        v = v << 4 | (uint32_t)d;
    }
    if (s[7] != '\0')
        return false;
    *rgb = v;
    return true;
}

static bool check_url(const char *value, struct error *err)
{
    static const char expected[] = "expected a file path or an http:// or https:// URL";
    if (*value == '\0') {
        error_set(err, "is empty (%s)", expected);
        return false;
    }
    /* Only a real scheme counts: letters first, then letters, digits, '+', '-' or '.'. */
    size_t n = 0;
    if (ascii_is_alpha(value[0]))
        n = strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    if (n > 0 && strncmp(value + n, "://", 3) == 0 && ascii_ncasecmp(value, "http://", 7) != 0 &&
        ascii_ncasecmp(value, "https://", 8) != 0) {
        error_set(err, "scheme '%.*s' is not supported (%s)", (int)n, value, expected);
        return false;
    }
    return true;
}

static bool check_optional_url(const char *value, struct error *err)
{
    return !value[0] || check_url(value, err);
}

/* A pattern always matches some installed font; a path must be a font file the sign can open
 * (TrueType, OpenType or a collection of them), or the sign would have nothing to draw with. */
static bool check_font(const char *value, struct error *err)
{
    if (value[0] != '/')
        return true;
    /* Non-blocking: a FIFO at that path must not hang the check. */
    int fd = open(value, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    unsigned char magic[4] = {0};
    const char *why = NULL;
    if (fd < 0)
        why = strerror(errno);
    else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else if (read(fd, magic, sizeof(magic)) != (ssize_t)sizeof(magic) ||
             (memcmp(magic, "\0\1\0\0", 4) != 0 && memcmp(magic, "OTTO", 4) != 0 &&
              memcmp(magic, "true", 4) != 0 && memcmp(magic, "ttcf", 4) != 0))
        why = "not a TrueType or OpenType font file";
    if (fd >= 0)
        close(fd);
    if (!why)
        return true;
    error_set(err, "%.100s: %s (give a font file, or a fontconfig pattern such as Inter)", value,
              why);
    return false;
}

static bool check_exclude(const char *value, struct error *err)
{
    struct story_filter f;
    if (!story_filter_init(&f, value, 0, err))
        return false;
    story_filter_finish(&f);
    return true;
}

static bool check_theme_name(const char *value, struct error *err)
{
    if (value[0] && value[strspn(value, THEME_NAME_CHARS)] == '\0' && strlen(value) <= 64)
        return true;
    error_set(err, "'%.64s' is not a theme name (letters, digits, '_' and '-')", value);
    return false;
}

static bool check_logo(const char *value, struct error *err)
{
    struct logo logo;
    if (!logo_load(&logo, value, err))
        return false;
    logo_finish(&logo);
    return true;
}

static bool check_public_key(const char *value, struct error *err)
{
    /* Empty accepts unsigned feeds; otherwise the sign must be able to use every key: one it
     * cannot parse would check nothing. */
    struct minisign_key parsed[MINISIGN_MAX_KEYS];
    size_t count;
    struct error why;
    if (value[strspn(value, " \t,")] == '\0' || minisign_parse_keys(value, parsed, &count, &why))
        return true;
    error_set(err,
              "%s (expected the 56-character base64 line of the .pub file; several keys "
              "separated by spaces)",
              why.msg);
    return false;
}

static void size_range_text(const struct key *k, char *buf, size_t len)
{
    snprintf(buf, len, "%ld..%ld x %ld..%ld", k->min, k->max, k->min_h, k->max_h);
}

static void choices_text(const struct key *k, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; k->choices[i] && used < len; i++) {
        const char *sep = i == 0 ? "" : k->choices[i + 1] ? ", " : " or ";
        int n = snprintf(buf + used, len - used, "%s%s", sep, k->choices[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* The steps of key_store, one per key type: each converts text, stores it into field (the key's
 * place in the struct) or, when text is not valid, writes why into err and leaves it alone. */
static bool store_string(const struct key *k, void *field, const char *text, struct error *err)
{
    struct error why;
    if (k->check && !k->check(text, &why)) {
        error_set(err, "%s: %s", k->name, why.msg);
        return false;
    }
    char **p = field;
    free(*p);
    *p = xstrdup(text);
    return true;
}

static bool store_int(const struct key *k, void *field, const char *text, struct error *err)
{
    long v;
    if (!parse_long(text, &v)) {
        error_set(err, "%s: '%.64s' is not a number (expected an integer, %ld..%ld)", k->name, text,
                  k->min, k->max);
        return false;
    }
    if (v < k->min || v > k->max) {
        error_set(err, "%s: %.64s is out of range (%ld..%ld)", k->name, text, k->min, k->max);
        return false;
    }
    int *p = field;
    *p = (int)v;
    return true;
}

static bool store_bool(const struct key *k, void *field, const char *text, struct error *err)
{
    bool *p = field;
    if (ascii_casecmp(text, "true") == 0 || ascii_casecmp(text, "yes") == 0 ||
        ascii_casecmp(text, "on") == 0 || strcmp(text, "1") == 0) {
        *p = true;
        return true;
    }
    if (ascii_casecmp(text, "false") == 0 || ascii_casecmp(text, "no") == 0 ||
        ascii_casecmp(text, "off") == 0 || strcmp(text, "0") == 0) {
        *p = false;
        return true;
    }
    error_set(err,
              "%s: '%.64s' is not valid (expected true or false; yes/no, on/off and 1/0 also work)",
              k->name, text);
    return false;
}

static bool store_enum(const struct key *k, void *field, const char *text, struct error *err)
{
    for (int i = 0; k->choices[i]; i++) {
        if (ascii_casecmp(text, k->choices[i]) == 0) {
            int *p = field;
            *p = i;
            return true;
        }
    }
    char choices[128];
    choices_text(k, choices, sizeof(choices));
    error_set(err, "%s: '%.64s' is not valid (expected %s)", k->name, text, choices);
    return false;
}

static bool store_color(const struct key *k, void *field, const char *text, struct error *err)
{
    if (config_parse_color(text, field))
        return true;
    error_set(err, "%s: '%.64s' is not a colour (expected #rrggbb)", k->name, text);
    return false;
}

static bool store_margins(const struct key *k, void *field, const char *text, struct error *err)
{
    if (config_parse_margins(text, field, (int)k->max))
        return true;
    error_set(err,
              "%s: '%.64s' is not valid (expected 1 to 4 numbers of pixels, 0..%ld: top right "
              "bottom left)",
              k->name, text, k->max);
    return false;
}

static bool store_mode(const struct key *k, void *field, const char *text, struct error *err)
{
    if (config_parse_mode(text, field))
        return true;
    error_set(err,
              "%s: '%.64s' is not a video mode (expected auto, WIDTHxHEIGHT or WIDTHxHEIGHT@HZ)",
              k->name, text);
    return false;
}

/* KEY_SIZE keeps the height apart from the width, at k->offset_h. */
static bool store_size(const struct key *k, void *base, const char *text, struct error *err)
{
    int *w = (void *)((char *)base + k->offset);
    int *h = (void *)((char *)base + k->offset_h);
    long lw, lh;
    if (ascii_casecmp(text, "fullscreen") == 0) {
        *w = 0;
        *h = 0;
        return true;
    }
    char range[64];
    size_range_text(k, range, sizeof(range));
    if (!parse_size_long(text, &lw, &lh)) {
        error_set(err, "%s: '%.64s' is not a size (expected fullscreen or WIDTHxHEIGHT, %s)",
                  k->name, text, range);
        return false;
    }
    if (lw < k->min || lw > k->max || lh < k->min_h || lh > k->max_h) {
        error_set(err, "%s: %.64s is out of range (%s)", k->name, text, range);
        return false;
    }
    *w = (int)lw;
    *h = (int)lh;
    return true;
}

/* Converts text for key k and stores it into the struct at base. On failure writes a message
 * naming the key and what is expected into err and leaves the field alone. */
static bool key_store(const struct key *k, void *base, const char *text, struct error *err)
{
    void *field = (char *)base + k->offset;
    switch (k->type) {
    case KEY_STRING:
        return store_string(k, field, text, err);
    case KEY_INT:
        return store_int(k, field, text, err);
    case KEY_BOOL:
        return store_bool(k, field, text, err);
    case KEY_ENUM:
        return store_enum(k, field, text, err);
    case KEY_COLOR:
        return store_color(k, field, text, err);
    case KEY_MARGINS:
        return store_margins(k, field, text, err);
    case KEY_MODE:
        return store_mode(k, field, text, err);
    case KEY_SIZE:
        return store_size(k, base, text, err);
    }
    error_set(err, "%s: unknown key type", k->name);
    return false;
}

/* Applies the defaults of every key in section to base. */
static void apply_defaults(void *base, const char *section)
{
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        const struct key *k = &keys[i];
        if (strcmp(k->section, section) != 0 || !k->def)
            continue;
        struct error err;
        if (!key_store(k, base, k->def, &err)) {
            /* Only a mistake in the table gets here; the tests load every default. */
            log_error("config: bad built-in default for [%s] %s", section, err.msg);
            assert(false);
        }
    }
}

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->theme_dir = xstrdup("");
    for (size_t i = 0; i < ARRAY_LEN(sections); i++)
        if (strcmp(sections[i].name, "source") != 0)
            apply_defaults(cfg, sections[i].name);
}

static void free_strings(void *base, bool source)
{
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        const struct key *k = &keys[i];
        if (k->type != KEY_STRING || (strcmp(k->section, "source") == 0) != source)
            continue;
        char **p = (void *)((char *)base + k->offset);
        free(*p);
        *p = NULL;
    }
}

void config_finish(struct config *cfg)
{
    for (size_t i = 0; i < cfg->source_count; i++) {
        free(cfg->sources[i].name);
        free_strings(&cfg->sources[i], true);
    }
    free(cfg->sources);
    free_strings(cfg, false);
    free(cfg->theme_dir);
    memset(cfg, 0, sizeof(*cfg));
}

static void copy_strings(void *dst, const void *src, bool source)
{
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        const struct key *k = &keys[i];
        if (k->type != KEY_STRING || (strcmp(k->section, "source") == 0) != source)
            continue;
        char *const *from = (const void *)((const char *)src + k->offset);
        char **to = (void *)((char *)dst + k->offset);
        *to = *from ? xstrdup(*from) : NULL;
    }
}

void config_copy(struct config *dst, const struct config *src)
{
    *dst = *src;
    copy_strings(dst, src, false);
    dst->theme_dir = xstrdup(src->theme_dir);
    dst->sources = src->source_count ? xcalloc(src->source_count, sizeof(*dst->sources)) : NULL;
    for (size_t i = 0; i < src->source_count; i++) {
        dst->sources[i] = src->sources[i];
        dst->sources[i].name = xstrdup(src->sources[i].name);
        copy_strings(&dst->sources[i], &src->sources[i], true);
    }
}

/* Appends a source with the given name and the defaults; url stays NULL until set. */
static struct config_source *source_append(struct config *cfg, const char *name)
{
    cfg->sources = xrealloc(cfg->sources, (cfg->source_count + 1) * sizeof(*cfg->sources));
    struct config_source *src = &cfg->sources[cfg->source_count++];
    memset(src, 0, sizeof(*src));
    src->name = xstrdup(name);
    apply_defaults(src, "source");
    return src;
}

static const struct config_source *source_find(const struct config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->source_count; i++)
        if (strcmp(cfg->sources[i].name, name) == 0)
            return &cfg->sources[i];
    return NULL;
}

void config_add_source(struct config *cfg, const char *url)
{
    char name[32];
    for (unsigned n = 1;; n++) {
        snprintf(name, sizeof(name), "cli%u", n);
        if (!source_find(cfg, name))
            break;
    }
    struct config_source *src = source_append(cfg, name);
    src->url = xstrdup(url);
}

/* The key name in section, or in any section when section is NULL. */
static const struct key *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if ((!section || strcmp(keys[i].section, section) == 0) && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* The bit of config.theme_written for a [theme] key other than name; 0 for any other key. */
static uint32_t theme_bit(const struct key *k)
{
    if (strcmp(k->section, "theme") != 0 || strcmp(k->name, "name") == 0)
        return 0;
    unsigned n = 0;
    for (const struct key *i = keys; i < k; i++)
        n += strcmp(i->section, "theme") == 0 && strcmp(i->name, "name") != 0;
    assert(n < 32);
    return 1u << n;
}

static const struct section *find_section(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(sections); i++)
        if (strcmp(sections[i].name, name) == 0)
            return &sections[i];
    return NULL;
}

/* A place in one of the files read: file NULL = not set by any of them. */
struct place {
    const char *file;
    unsigned file_no; /* the order in which the files were read, from 1 */
    int line;
};

/* A config's files (the file, then its drop-ins) are read into one struct config, one after the
 * other, so a later file's keys override an earlier one's. What must hold for the whole (every
 * source has a url) is checked once all are read, at the place that set it. */
struct parser {
    struct config *cfg; /* the temporary being filled */
    const char *name;   /* of the file being read, for messages */
    unsigned file_no;   /* its place in the reading order, from 1 */
    int line;
    int errors;
    const struct section *section; /* NULL before the first header and after a bad one */
    bool in_bad_section;           /* its keys are not checked: we don't know its keys */
    int source_header;             /* line of the current [source] header, 0 outside one */
    size_t source_index;           /* which of cfg->sources that header opened */
    /* Parallel to cfg->sources: where each was first defined, and where last opened (a second
     * header in the same file is a duplicate; one in a later file sets its keys again). */
    struct place *source_first, *source_last;
    int key_line[ARRAY_LEN(keys)];         /* where each key was set in this file; 0 = not yet */
    struct place key_set[ARRAY_LEN(keys)]; /* where each key outside [source] was set last */
    /* A remote settings file: only CONFIG_REMOTE_SECTIONS; its first [source] drops the
     * sign's own; problems go to *first ("NAME:LINE: message") and are not logged. */
    bool remote, sources_replaced, require_signed;
    struct error *first;
    bool strict;     /* config_check: the keys' check_strict too */
    bool theme_file; /* a theme's file: a [theme] section without name */
};

/* Counts an error and reports it as "FILE:LINE: message", or "FILE: message" for line 0. */
static void report(struct parser *p, const char *file, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void report(struct parser *p, const char *file, int line, const char *fmt, va_list ap)
{
    p->errors++;
    if (p->errors > MAX_ERRORS_SHOWN || (p->first && p->errors > 1))
        return;
    char msg[512], where[32] = "";
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (line > 0)
        snprintf(where, sizeof(where), ":%d", line);
    if (p->first)
        error_set(p->first, "%s%s: %s", file, where, msg);
    else
        log_error("%s%s: %s", file, where, msg);
}

static void parse_error(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error on a line of the file being read. */
static void parse_error(struct parser *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(p, p->name, line, fmt, ap);
    va_end(ap);
}

static void error_at(struct parser *p, const struct place *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error at a place in any of the files read. */
static void error_at(struct parser *p, const struct place *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(p, at->file, at->line, fmt, ap);
    va_end(ap);
}

static struct config_source *current_source(struct parser *p)
{
    return &p->cfg->sources[p->source_index];
}

static void close_section(struct parser *p)
{
    p->source_header = 0;
    p->section = NULL;
    p->in_bad_section = false;
}

static void open_source(struct parser *p, char *name)
{
    static const char name_chars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    name = trim(name);
    if (*name == '\0')
        parse_error(p, p->line, "[source] needs a name, as in [source lobby]");
    else if (name[strspn(name, name_chars)] != '\0')
        parse_error(p, p->line, "invalid source name '%.64s' (use letters, digits, '_' and '-')",
                    name);
    else if (strlen(name) > CONFIG_MAX_SOURCE_NAME)
        parse_error(p, p->line, "source name '%.32s...' is %zu characters long (at most %d)", name,
                    strlen(name), CONFIG_MAX_SOURCE_NAME);
    if (p->remote && !p->sources_replaced) {
        /* The remote file's sources are the sign's sources (dropped before the checks below: the
         * sign's own have no line in this file and do not count towards the limit). */
        struct config *cfg = p->cfg;
        for (size_t i = 0; i < cfg->source_count; i++) {
            free(cfg->sources[i].name);
            free_strings(&cfg->sources[i], true);
        }
        cfg->source_count = 0;
        p->sources_replaced = true;
    }
    struct config *cfg = p->cfg;
    struct place here = {p->name, p->file_no, p->line};
    size_t i = 0;
    while (i < cfg->source_count && strcmp(cfg->sources[i].name, name) != 0)
        i++;
    if (i < cfg->source_count && p->source_last[i].file_no != p->file_no) {
        /* Defined in an earlier file: this one sets its keys again. */
        p->source_last[i] = here;
    } else {
        if (i < cfg->source_count)
            parse_error(p, p->line, "duplicate source name '%.64s' (first defined on line %d)",
                        name, p->source_last[i].line);
        if (cfg->source_count == CONFIG_MAX_SOURCES)
            parse_error(p, p->line, "more than %d sources", CONFIG_MAX_SOURCES);
        /* Added even when the header is wrong so the keys below it are still checked. */
        source_append(cfg, name);
        i = cfg->source_count - 1;
        p->source_first = xrealloc(p->source_first, cfg->source_count * sizeof(struct place));
        p->source_last = xrealloc(p->source_last, cfg->source_count * sizeof(struct place));
        p->source_first[i] = p->source_last[i] = here;
    }
    p->source_index = i;
    p->source_header = p->line;
    p->section = find_section("source");
    for (size_t k = 0; k < ARRAY_LEN(keys); k++)
        if (strcmp(keys[k].section, "source") == 0)
            p->key_line[k] = 0;
}

/* s is the trimmed line, starting with '['. */
static void parse_header(struct parser *p, char *s)
{
    close_section(p);
    char *close = strchr(s, ']');
    if (!close) {
        parse_error(p, p->line, "missing ']' in section header");
        p->in_bad_section = true;
        return;
    }
    char *rest = close + 1;
    while (ascii_is_blank(*rest))
        rest++;
    if (*rest != '\0' && *rest != '#' && *rest != ';') {
        parse_error(p, p->line, "unexpected text after ']'");
        p->in_bad_section = true;
        return;
    }
    *close = '\0';
    char *inner = trim(s + 1);
    if (strncmp(inner, "source", 6) == 0 && (inner[6] == '\0' || ascii_is_blank(inner[6]))) {
        open_source(p, inner + 6);
        return;
    }
    p->section = find_section(inner);
    if (p->theme_file && (!p->section || strcmp(inner, "theme") != 0)) {
        parse_error(p, p->line, "[%.64s] in a theme file (it has only a [theme] section)", inner);
        p->section = NULL;
        p->in_bad_section = true;
        return;
    }
    if (p->section && p->remote && strcmp(inner, "sign") != 0 && strcmp(inner, "theme") != 0 &&
        strcmp(inner, "schedule") != 0) {
        parse_error(p, p->line, "[%s] cannot be set from afar (a remote file sets only %s)", inner,
                    CONFIG_REMOTE_SECTIONS);
        p->section = NULL;
        p->in_bad_section = true;
        return;
    }
    if (p->section)
        return;
    parse_error(
        p, p->line,
        "unknown section [%.64s] (expected [sign], [display], [theme], [schedule], [status], "
        "[network] or [source NAME])",
        inner);
    p->in_bad_section = true;
}

/* Cuts the value out of the text after '=': the part between double quotes taken literally, or
 * the trimmed text up to an inline comment (whitespace then '#'). A '#' that opens the value
 * belongs to it: that is how colours are written. */
static bool extract_value(struct parser *p, char *s, char **value)
{
    while (ascii_is_blank(*s))
        s++;
    if (*s == '"') {
        char *close = strchr(s + 1, '"');
        if (!close) {
            parse_error(p, p->line, "missing closing '\"'");
            return false;
        }
        char *rest = close + 1;
        while (ascii_is_blank(*rest))
            rest++;
        if (*rest != '\0' && *rest != '#') {
            parse_error(p, p->line, "unexpected text after the closing '\"'");
            return false;
        }
        *close = '\0';
        *value = s + 1;
        return true;
    }
    for (char *c = s; *c; c++) {
        if (c > s && *c == '#' && ascii_is_blank(c[-1])) {
            *c = '\0';
            break;
        }
    }
    *value = trim(s);
    return true;
}

static void section_label(struct parser *p, char *buf, size_t len)
{
    if (p->source_header)
        snprintf(buf, len, "[source %s]", current_source(p)->name);
    else
        snprintf(buf, len, "[%s]", p->section->name);
}

static void parse_key_line(struct parser *p, char *s)
{
    char *eq = strchr(s, '=');
    if (!eq) {
        parse_error(p, p->line, "missing '=' (expected 'key = value')");
        return;
    }
    *eq = '\0';
    char *name = trim(s);
    if (*name == '\0') {
        parse_error(p, p->line, "missing key name before '='");
        return;
    }
    if (p->in_bad_section)
        return;
    if (!p->section) {
        parse_error(p, p->line, "key '%.64s' is outside any section (put it under its [section])",
                    name);
        return;
    }
    char label[128];
    section_label(p, label, sizeof(label));
    const struct key *k = find_key(p->section->name, name);
    if (!k) {
        /* A key put under the wrong header is the likely mistake: say where it belongs. */
        char where[128] = "";
        size_t used = 0;
        for (size_t i = 0; i < ARRAY_LEN(keys) && used < sizeof(where); i++) {
            if (strcmp(keys[i].name, name) != 0)
                continue;
            bool source = strcmp(keys[i].section, "source") == 0;
            int n = snprintf(where + used, sizeof(where) - used, "%s%s%s%s", used ? " or " : "",
                             source ? "a [source NAME]" : "[", source ? "" : keys[i].section,
                             source ? "" : "]");
            used += n > 0 ? (size_t)n : 0;
        }
        if (!where[0])
            parse_error(p, p->line, "unknown key '%.64s' in %s", name, label);
        else
            parse_error(p, p->line, "unknown key '%s' in %s (it belongs in %s)", name, label,
                        where);
        return;
    }
    if (p->theme_file && strcmp(k->name, "name") == 0) {
        parse_error(p, p->line, "name: a theme file cannot choose another theme");
        return;
    }
    if (p->remote && strcmp(k->name, "timezone") == 0) {
        parse_error(p, p->line,
                    "timezone cannot be set from afar: it is where the sign is (set it "
                    "in the sign's own config)");
        return;
    }
    size_t i = (size_t)(k - keys);
    if (p->key_line[i]) {
        parse_error(p, p->line, "duplicate key '%s' in %s (first set on line %d)", name, label,
                    p->key_line[i]);
        return;
    }
    p->key_line[i] = p->line;
    if (!p->source_header)
        p->key_set[i] = (struct place){p->name, p->file_no, p->line};
    char *value;
    if (!extract_value(p, eq + 1, &value))
        return;
    void *base = p->source_header ? (void *)current_source(p) : (void *)p->cfg;
    struct error err;
    if (!key_store(k, base, value, &err)) {
        parse_error(p, p->line, "%s", err.msg);
        return;
    }
    p->cfg->theme_written |= theme_bit(k);
    if (p->strict && k->check_strict && value[0] && !k->check_strict(value, &err))
        parse_error(p, p->line, "%s: %s", k->name, err.msg);
}

static void parse_line(struct parser *p, char *line)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#' || *s == ';')
        return;
    if (*s == '[')
        parse_header(p, s);
    else
        parse_key_line(p, s);
}

/* Parses text into p->cfg, line by line. */
static void parse_lines(struct parser *p, const char *text, size_t len)
{
    char *line = xmalloc(CONFIG_MAX_LINE + 1);
    const char *pos = text, *end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos += 3;
    while (pos < end) {
        const char *nl = memchr(pos, '\n', (size_t)(end - pos));
        const char *line_end = nl ? nl : end;
        size_t n = (size_t)(line_end - pos);
        if (n > 0 && pos[n - 1] == '\r')
            n--;
        p->line++;
        if (n > CONFIG_MAX_LINE) {
            parse_error(p, p->line, "line is longer than %d bytes", CONFIG_MAX_LINE);
        } else if (memchr(pos, '\0', n)) {
            parse_error(p, p->line, "line contains a NUL byte");
        } else {
            memcpy(line, pos, n);
            line[n] = '\0';
            parse_line(p, line);
        }
        pos = nl ? nl + 1 : end;
    }
    close_section(p);
    free(line);
}

/* Starts reading files into cfg, over what it holds. */
static void parser_begin(struct parser *p, struct config *cfg)
{
    memset(p, 0, sizeof(*p));
    p->cfg = cfg;
    /* The sources cfg holds already (a remote file's base) were defined in none of the files. */
    p->source_first = xcalloc(cfg->source_count, sizeof(struct place));
    p->source_last = xcalloc(cfg->source_count, sizeof(struct place));
}

/* Reads one more file, name standing for it in messages; its keys override the earlier ones'. */
static void parse_file(struct parser *p, const char *name, const char *text, size_t len)
{
    p->name = name;
    p->file_no++;
    p->line = 0;
    memset(p->key_line, 0, sizeof(p->key_line));
    if (len > CONFIG_MAX_FILE_BYTES) {
        parse_error(p, 0, "file is larger than %d KiB", CONFIG_MAX_FILE_BYTES / 1024);
        return;
    }
    parse_lines(p, text, len);
}

/* Byte order of two char *, for qsort. */
static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The themes there are, for a message: "default, high-contrast, light" (sorted, each once). */
static void theme_names(const char *const dirs[2], char *buf, size_t len)
{
    char **names = xmalloc(sizeof(*names));
    size_t count = 0;
    names[count++] = xstrdup(CONFIG_DEFAULT_THEME);
    for (size_t d = 0; d < 2; d++) {
        DIR *dir = dirs[d][0] ? opendir(dirs[d]) : NULL;
        for (struct dirent *e; dir && (e = readdir(dir));) {
            size_t n = strlen(e->d_name);
            if (n <= 5 || strcmp(e->d_name + n - 5, ".conf") != 0 ||
                strspn(e->d_name, THEME_NAME_CHARS) != n - 5)
                continue;
            names = xrealloc(names, (count + 1) * sizeof(*names));
            names[count++] = xasprintf("%.*s", (int)(n - 5), e->d_name);
        }
        if (dir)
            closedir(dir);
    }
    qsort(names, count, sizeof(*names), compare_paths);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        if ((i == 0 || strcmp(names[i], names[i - 1]) != 0) && used < len) {
            int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", names[i]);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* Reads the theme file of name into theme (the defaults until then), at its own FILE:LINE when
 * it has errors, which count as p's; a name with no file is an error at `at`. */
static void read_theme(struct parser *p, const struct place *at, const char *name,
                       struct config *theme)
{
    const char *const dirs[2] = {p->cfg->theme_dir, THEME_DIR};
    char *path = NULL;
    for (size_t d = 0; d < 2 && !path; d++) {
        struct stat st;
        char *candidate = xasprintf("%s/%s.conf", dirs[d], name);
        if (dirs[d][0] && stat(candidate, &st) == 0)
            path = candidate;
        else
            free(candidate);
    }
    if (!path) {
        char names[256];
        theme_names(dirs, names, sizeof(names));
        error_at(p, at, "unknown theme '%s' (there are: %s)", name, names);
        return;
    }
    size_t len;
    char *text = util_read_file(path, CONFIG_MAX_FILE_BYTES + 1, &len);
    struct parser sub;
    parser_begin(&sub, theme);
    sub.theme_file = true;
    sub.first = p->first;
    if (!text) {
        struct place file = {path, 0, 0};
        error_at(&sub, &file, "cannot read theme '%s': %s", name,
                 errno == EFBIG ? "too large" : util_read_error(errno));
    } else {
        parse_file(&sub, path, text, len);
    }
    p->errors += sub.errors;
    free(sub.source_first);
    free(sub.source_last);
    free(text);
    free(path);
}

/* The [theme] in effect: the named theme's values (the built-in ones for default), then over
 * them the keys the files wrote, whatever came first. */
static void resolve_theme(struct parser *p)
{
    struct config *cfg = p->cfg;
    /* A refused remote file says its first problem only: that one is found already. */
    if (p->first && p->errors)
        return;
    const struct place *set = &p->key_set[find_key("theme", "name") - keys];
    /* A name from the config a remote file applies to: said at the remote file. */
    struct place at = set->file ? *set : (struct place){p->name, 0, 0};
    struct config theme;
    config_init(&theme);
    if (strcmp(cfg->theme_name, CONFIG_DEFAULT_THEME) != 0)
        read_theme(p, &at, cfg->theme_name, &theme);
    for (const struct key *k = keys; k < keys + ARRAY_LEN(keys); k++) {
        if (!theme_bit(k) || (cfg->theme_written & theme_bit(k)))
            continue;
        size_t n = k->type == KEY_COLOR ? sizeof(uint32_t) : sizeof(int);
        memcpy((char *)cfg + k->offset, (const char *)&theme + k->offset, n);
    }
    config_finish(&theme);
}

/* The checks on the whole once every file is read; returns the number of errors. name is the
 * first file's. */
static int parser_end(struct parser *p, const char *name)
{
    const struct config *cfg = p->cfg;
    if (!p->theme_file && p->name)
        resolve_theme(p);
    for (size_t i = 0; i < cfg->source_count; i++) {
        const struct place *at = &p->source_first[i];
        if (!at->file)
            continue;
        if (!cfg->sources[i].url)
            error_at(p, at, "[source %s] has no url", cfg->sources[i].name);
        if (p->require_signed && !cfg->sources[i].public_key[0])
            error_at(p, at, "[source %s] has no public_key, and this sign takes only signed feeds",
                     cfg->sources[i].name);
    }
    /* Said where the later of the two was set: that file is the one to fix. */
    const struct place *url = &p->key_set[find_key("remote", "url") - keys];
    const struct place *key = &p->key_set[find_key("remote", "public_key") - keys];
    const struct place *at =
        key->file_no > url->file_no || (key->file_no == url->file_no && key->line > url->line)
            ? key
            : url;
    if (cfg->remote_url[0] && !cfg->remote_public_key[0] && at->file)
        error_at(p, at, "[remote] url needs a public_key: settings are taken only when signed");
    if (p->errors > MAX_ERRORS_SHOWN && !p->first)
        log_error("%s: %d more errors not shown", name, p->errors - MAX_ERRORS_SHOWN);
    free(p->source_first);
    free(p->source_last);
    return p->errors;
}

/* The end of a local load: cfg gets tmp's settings when ok, else keeps its own. */
static bool load_end(struct config *cfg, struct config *tmp, bool ok)
{
    if (!ok) {
        config_finish(tmp);
        return false;
    }
    config_finish(cfg);
    *cfg = *tmp;
    return true;
}

bool config_parse(struct config *cfg, const char *name, const char *text, size_t len)
{
    struct config tmp;
    config_init(&tmp);
    struct parser p;
    parser_begin(&p, &tmp);
    parse_file(&p, name, text, len);
    return load_end(cfg, &tmp, parser_end(&p, name) == 0);
}

/* Parses a remote file over tmp (which it frees on failure). */
static bool parse_remote(struct config *tmp, const char *name, const char *text, size_t len,
                         bool require_signed, struct error *err)
{
    struct parser p;
    parser_begin(&p, tmp);
    p.remote = true;
    p.require_signed = require_signed;
    p.first = err;
    parse_file(&p, name, text, len);
    if (parser_end(&p, name) == 0)
        return true;
    config_finish(tmp);
    return false;
}

bool config_apply_remote(struct config *cfg, const char *name, const char *text, size_t len,
                         struct error *err)
{
    struct config tmp;
    config_copy(&tmp, cfg);
    bool require_signed = false;
    for (size_t i = 0; i < cfg->source_count; i++)
        require_signed |= cfg->sources[i].public_key[0] != '\0';
    if (!parse_remote(&tmp, name, text, len, require_signed, err))
        return false;
    config_finish(cfg);
    *cfg = tmp;
    return true;
}

bool config_check_remote(const char *name, const char *text, size_t len, bool require_signed,
                         struct error *err)
{
    struct config tmp;
    config_init(&tmp);
    if (!parse_remote(&tmp, name, text, len, require_signed, err))
        return false;
    config_finish(&tmp);
    return true;
}

/* Reads the file at path into the parser; false when it cannot be read (said). */
static bool parse_path(struct parser *p, const char *path)
{
    size_t len;
    /* One byte over the limit so that a file of exactly the limit is still read whole. */
    char *text = util_read_file(path, CONFIG_MAX_FILE_BYTES + 1, &len);
    if (!text) {
        struct place at = {path, 0, 0};
        if (errno == EFBIG)
            error_at(p, &at, "file is larger than %d KiB", CONFIG_MAX_FILE_BYTES / 1024);
        else
            error_at(p, &at, "cannot read: %s", util_read_error(errno));
        return false;
    }
    parse_file(p, path, text, len);
    free(text);
    return true;
}

static void files_add(struct config_files *files, char *path)
{
    files->paths = xrealloc(files->paths, (files->count + 1) * sizeof(*files->paths));
    files->paths[files->count++] = path;
}

/* Adds the drop-ins of the file at path to files: each regular file (or link to one) in
 * PATH.d whose name ends in ".conf" and does not start with '.', in byte order of name (not the
 * locale's: the order must not change with LANG), as systemd and sysctl.d do. Editor and dpkg
 * leftovers (.conf~, .conf.dpkg-old) are not drop-ins. No PATH.d: none. False when the folder
 * is there but cannot be read (said). */
static bool add_dropins(struct parser *p, const char *path, struct config_files *files)
{
    char *folder = xasprintf("%s.d", path);
    DIR *dir = opendir(folder);
    if (!dir) {
        bool none = errno == ENOENT;
        struct place at = {folder, 0, 0};
        if (!none)
            error_at(p, &at, "cannot read: %s", strerror(errno));
        free(folder);
        return none;
    }
    size_t first = files->count;
    struct dirent *e;
    while ((errno = 0, e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        struct stat st;
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 5, ".conf") != 0)
            continue;
        /* One that cannot be looked at is kept: reading it says why. */
        if (fstatat(dirfd(dir), e->d_name, &st, 0) == 0 && !S_ISREG(st.st_mode))
            continue;
        files_add(files, xasprintf("%s/%s", folder, e->d_name));
    }
    bool ok = errno == 0;
    if (!ok) {
        struct place at = {folder, 0, 0};
        error_at(p, &at, "cannot read: %s", strerror(errno));
    }
    closedir(dir);
    free(folder);
    qsort(files->paths + first, files->count - first, sizeof(*files->paths), compare_paths);
    return ok;
}

void config_files_finish(struct config_files *files)
{
    for (size_t i = 0; i < files->count; i++)
        free(files->paths[i]);
    free(files->paths);
    memset(files, 0, sizeof(*files));
}

/* config_load_files, config_check. */
static bool load_files(struct config *cfg, const char *path, struct config_files *files,
                       bool strict)
{
    struct config_files read = {0};
    files_add(&read, xstrdup(path));
    struct config tmp;
    config_init(&tmp);
    /* A site's own themes: in themes/ beside the file. */
    const char *slash = strrchr(path, '/');
    free(tmp.theme_dir);
    tmp.theme_dir = slash ? xasprintf("%.*s/themes", (int)(slash - path), path) : xstrdup("themes");
    struct parser p;
    parser_begin(&p, &tmp);
    p.strict = strict;
    /* A file that cannot be read is not a config, whatever drop-ins it has. */
    if (parse_path(&p, path) && add_dropins(&p, path, &read))
        for (size_t i = 1; i < read.count; i++)
            parse_path(&p, read.paths[i]);
    bool ok = load_end(cfg, &tmp, parser_end(&p, path) == 0);
    if (ok && files) {
        config_files_finish(files);
        *files = read;
    } else {
        config_files_finish(&read);
    }
    return ok;
}

bool config_load_files(struct config *cfg, const char *path, struct config_files *files)
{
    return load_files(cfg, path, files, false);
}

bool config_check(struct config *cfg, const char *path, struct config_files *files)
{
    return load_files(cfg, path, files, true);
}

bool config_load(struct config *cfg, const char *path)
{
    return config_load_files(cfg, path, NULL);
}

/* Prints each line of text with a "# " prefix. */
static void write_comment(FILE *out, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        fprintf(out, "# %.*s\n", (int)n, text);
        text += n;
        if (*text == '\n')
            text++;
    }
}

/* Whether the value must be quoted to read back as itself. */
static bool needs_quotes(const char *v)
{
    size_t n = strlen(v);
    return n == 0 || ascii_is_blank(v[0]) || ascii_is_blank(v[n - 1]) || v[0] == '"' ||
           strstr(v, " #") || strstr(v, "\t#");
}

static void write_key(FILE *out, const struct key *k)
{
    char range[128];
    fprintf(out, "\n");
    write_comment(out, k->doc);
    switch (k->type) {
    case KEY_STRING:
        if (!k->def)
            fprintf(out, "# Text, required.\n");
        else if (*k->def == '\0')
            fprintf(out, "# Text. Default: empty\n");
        else
            fprintf(out, "# Text. Default: \"%s\"\n", k->def);
        break;
    case KEY_INT:
        fprintf(out, "# Integer, %ld..%ld. Default: %s\n", k->min, k->max, k->def);
        break;
    case KEY_BOOL:
        fprintf(out, "# true or false. Default: %s\n", k->def);
        break;
    case KEY_ENUM:
        choices_text(k, range, sizeof(range));
        fprintf(out, "# One of %s. Default: %s\n", range, k->def);
        break;
    case KEY_COLOR:
        fprintf(out, "# Colour #rrggbb. Default: %s\n", k->def);
        break;
    case KEY_SIZE:
        size_range_text(k, range, sizeof(range));
        fprintf(out, "# fullscreen or WIDTHxHEIGHT, %s. Default: %s\n", range, k->def);
        break;
    case KEY_MARGINS:
        fprintf(out, "# 1 to 4 integers, 0..%ld. Default: %s\n", k->max, k->def);
        break;
    case KEY_MODE:
        fprintf(out, "# auto, WIDTHxHEIGHT or WIDTHxHEIGHT@HZ. Default: %s\n", k->def);
        break;
    }
    const char *value = k->def ? k->def : k->example;
    if (needs_quotes(value))
        fprintf(out, "#%s = \"%s\"\n", k->name, value);
    else
        fprintf(out, "#%s = %s\n", k->name, value);
}

void config_write_documented(FILE *out)
{
    fprintf(out, "# ticker configuration\n"
                 "#\n"
                 "# Every setting is shown with its default value, commented out: remove the '#'\n"
                 "# in front of a key and change the value to override it. A key belongs to the\n"
                 "# [section] above it. Reference: docs/config.md. Check a file with\n"
                 "#   ticker check-config FILE\n"
                 "# Settings may also go in drop-ins: the files ending in .conf in the folder\n"
                 "# named like this file plus .d (/etc/ticker/ticker.conf.d/), read after this\n"
                 "# file in name order, a later file's keys overriding an earlier one's. Local\n"
                 "# settings kept there never get in the way of a package upgrade.\n"
                 "# The sign rereads these files on SIGHUP; a file with errors is reported and\n"
                 "# the settings in use are kept.\n");
    for (size_t s = 0; s < ARRAY_LEN(sections); s++) {
        const struct section *sec = &sections[s];
        bool source = strcmp(sec->name, "source") == 0;
        fprintf(out, "\n");
        write_comment(out, sec->doc);
        /* A source section needs a url, so only its example is commented out; the others are
         * left open so that uncommenting one key is enough. */
        if (source)
            fprintf(out, "#[source lobby]\n");
        else
            fprintf(out, "[%s]\n", sec->name);
        for (size_t i = 0; i < ARRAY_LEN(keys); i++)
            if (strcmp(keys[i].section, sec->name) == 0)
                write_key(out, &keys[i]);
    }
}

void config_schedule(const struct config *cfg, struct schedule *out)
{
    struct error err;
    if (!schedule_parse(out, cfg->schedule_on, cfg->schedule_off_dates, &err)) {
        /* Only a config that skipped its checks gets here: stay on rather than dark. */
        log_error("config: [schedule] %s; the display stays on", err.msg);
        memset(out, 0, sizeof(*out));
    }
}

const char *config_default_feed(void)
{
    return TICKER_ASSET_DIR "/feeds/default.json";
}

bool config_read(struct config *cfg, const char *path, const char *const *feeds, size_t n)
{
    config_init(cfg);
    if (path && !config_load(cfg, path))
        return false;
    for (size_t i = 0; i < n; i++)
        config_add_source(cfg, feeds[i]);
    if (cfg->source_count == 0)
        config_add_source(cfg, config_default_feed());
    return true;
}
