/* Config parser: defaults, every value type, every error with its FILE:LINE prefix, and the
 * documented example file kept equal to config_write_documented(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "logo.h"
#include "picture.h"
#include "scene.h"
#include "util.h"

#include "common.h"

#ifndef TICKER_SOURCE_DIR
#error "TICKER_SOURCE_DIR must name the source tree (it holds assets/ticker.conf)"
#endif

/* The whole config as "key=value" lines, each preceded and followed by '\n', so that a row can
 * look for "\ncard_seconds=30\n" without matching a longer key. */
static char *dump(const struct config *cfg)
{
    static const char *const clocks[] = {"24h", "12h", "off"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    const struct config_theme *t = &cfg->theme;
    fprintf(f,
            "\ntitle=\"%s\"\ncard_seconds=%d\ntransition_ms=%d\ncrawl_speed=%d\nfont=\"%s\"\n"
            "font_bold=\"%s\"\nclock=%s\nfallback_message=\"%s\"\nwindow=%dx%d\nrefresh_hz=%d\n"
            "mode=%dx%d@%d\nrotate=%d\noverscan=%d,%d,%d,%d\n"
            "vsync=%s\nbackground=%06x\nsurface=%06x\nforeground=%06x\nmuted=%06x\n"
            "accent=%06x\nband_background=%06x\nband_foreground=%06x\nstatus_file=\"%s\"\n"
            "schedule_on=\"%s\"\noff_dates=\"%s\"\ntimezone=\"%s\"\nsources=%zu\n"
            "theme=%s\nalert=%06x,%06x\ntext_scale=%d\nlogo=\"%s\"\n",
            cfg->title, cfg->card_seconds, cfg->transition_ms, cfg->crawl_speed, cfg->font,
            cfg->font_bold, clocks[cfg->clock], cfg->fallback_message, cfg->window_w, cfg->window_h,
            cfg->refresh_hz, cfg->mode[0], cfg->mode[1], cfg->mode[2], cfg->rotate * 90,
            cfg->overscan[0], cfg->overscan[1], cfg->overscan[2], cfg->overscan[3],
            cfg->vsync ? "true" : "false", (unsigned)t->background, (unsigned)t->surface,
            (unsigned)t->foreground, (unsigned)t->muted, (unsigned)t->accent,
            (unsigned)t->band_background, (unsigned)t->band_foreground, cfg->status_file,
            cfg->schedule_on, cfg->schedule_off_dates, cfg->timezone, cfg->source_count,
            cfg->theme_name, (unsigned)t->alert_background, (unsigned)t->alert_foreground,
            t->text_scale, cfg->logo);
    for (size_t i = 0; i < cfg->source_count; i++) {
        const struct config_source *s = &cfg->sources[i];
        fprintf(f, "source%zu=%s \"%s\" %d \"%s\"\n", i, s->name, s->url, s->refresh_s,
                s->public_key);
        fprintf(f, "source%zu_filter=\"%s\" %d\n", i, s->exclude, s->max_age_hours);
    }
    fclose(f);
    return buf;
}

static bool has_line(const char *text, const char *line)
{
    char *needle = xasprintf("\n%s\n", line);
    bool found = strstr(text, needle) != NULL;
    free(needle);
    return found;
}

static bool parse_captured(struct config *cfg, const char *text, size_t len, char **errors)
{
    struct test_capture c;
    test_capture_begin(&c);
    bool ok = config_parse(cfg, "t.conf", text, len);
    *errors = test_capture_end(&c);
    return ok;
}

/* Every line of log output is "ticker: t.conf:LINE: message". */
static void assert_error_prefixes(const char *errors, const char *row_text)
{
    static const char prefix[] = "ticker: t.conf:";
    for (const char *line = errors; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        const char *digits = line + strlen(prefix);
        size_t ndigits = strspn(digits, "0123456789");
        if (strncmp(line, prefix, strlen(prefix)) != 0 || ndigits == 0 ||
            strncmp(digits + ndigits, ": ", 2) != 0)
            fail_msg("error line without 't.conf:LINE: ' for input:\n%s\ngot: %.*s", row_text,
                     (int)(end - line), line);
        line = end + 1;
    }
}

struct row {
    const char *text;
    bool ok;
    /* ok: lines of dump() after the parse; failure: substrings of the log output */
    const char *expect[6];
    const char *absent; /* failure rows: must not be in the log output */
};

/* clang-format off */
#define OK(text, ...) {text, true, {__VA_ARGS__}, NULL}
#define FAIL(text, ...) {text, false, {__VA_ARGS__}, NULL}
#define FAIL_WITHOUT(absent, text, ...) {text, false, {__VA_ARGS__}, absent}
/* clang-format on */

#define NAME31 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
#define NAME128 NAME31 NAME31 NAME31 NAME31 "nnnn"
#define KEY56 "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"

static const struct row rows[] = {
    /* Defaults and every type. */
    OK("", "card_seconds=10", "window=0x0", "sources=0", "title=\"\""),
    OK("[sign]\n"
       "title = Lobby news\n"
       "card_seconds = 30\n"
       "transition_ms = 0\n"
       "crawl_speed = 2000\n"
       "font = DejaVu Sans\n"
       "font_bold = /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf\n"
       "clock = 12h\n"
       "fallback_message = Back soon.\n",
       "title=\"Lobby news\"", "card_seconds=30", "transition_ms=0", "crawl_speed=2000",
       "font_bold=\"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf\"", "clock=12h"),
    OK("[sign]\nfont = DejaVu Sans\nfallback_message = Back soon.\n", "font=\"DejaVu Sans\"",
       "fallback_message=\"Back soon.\""),
    OK("[display]\nwindow = 1280x720\nrefresh_hz = 60\nvsync = off\n", "window=1280x720",
       "refresh_hz=60", "vsync=false"),
    OK("[theme]\nbackground = #000000\nsurface = #FFFFFF\nforeground = #AbCdEf\nmuted = #123456\n"
       "accent = #ff0000\nband_background = #00ff00\nband_foreground = #0000ff\n",
       "background=000000", "surface=ffffff", "foreground=abcdef", "muted=123456", "accent=ff0000",
       "band_foreground=0000ff"),
    /* Themes by name (assets/themes); keys written in the file override the theme's, before or
     * after the name. */
    OK("[theme]\nname = default\n", "theme=default", "background=0b1220", "accent=ffb020",
       "text_scale=100"),
    OK("[theme]\nname = high-contrast\n", "theme=high-contrast", "background=000000",
       "foreground=ffffff", "accent=ffd500", "band_background=000000", "text_scale=140"),
    OK("[theme]\naccent = #123456\nname = light\ntext_scale = 90\n", "accent=123456",
       "background=e9edf3", "surface=ffffff", "band_background=13233d", "text_scale=90"),
    OK("[theme]\nname = light\nalert_background = #000001\n", "alert=000001,ffffff",
       "foreground=111827"),
    FAIL("[theme]\nname = neon\n",
         "t.conf:2: unknown theme 'neon' (there are: default, high-contrast, light)"),
    FAIL("[theme]\nname = ../../etc/passwd\n",
         "t.conf:2: name: '../../etc/passwd' is not a theme name"),
    FAIL("[theme]\ntext_scale = 200\n", "t.conf:2: text_scale: 200 is out of range (80..160)"),
    FAIL("[theme]\ntext_scale = 79\n", "t.conf:2: text_scale: 79 is out of range (80..160)"),
    /* A logo the sign cannot use is its problem at run time (logged, drawn without); only
     * check-config (config_check) refuses it. */
    OK("[sign]\nlogo = /nonexistent/logo.png\n", "logo=\"/nonexistent/logo.png\""),
    OK("[schedule]\non = mon-fri 07:00-19:00, sat 09:00-13:00\noff_dates = 2026-12-25\n"
       "timezone = Europe/Berlin\n",
       "schedule_on=\"mon-fri 07:00-19:00, sat 09:00-13:00\"", "off_dates=\"2026-12-25\"",
       "timezone=\"Europe/Berlin\""),
    FAIL("[schedule]\non = weekdays 07:00-19:00\noff_dates = 2026-13-01\ntimezone = Europe/Bonn\n",
         "t.conf:2: on: 'weekdays' is not a day", "t.conf:3: off_dates: '2026-13-01' is not a date",
         "t.conf:4: timezone: 'Europe/Bonn' is not a time zone this system has"),
    FAIL("[remote]\nurl = https://signs.example.org/lobby.conf\n",
         "t.conf:2: [remote] url needs a public_key"),
    OK("[remote]\nurl = https://signs.example.org/lobby.conf\npublic_key = " KEY56 " " KEY56 "\n"),
    FAIL("[source a]\nurl = /a\npublic_key = " KEY56 " nope\n",
         "t.conf:3: public_key: 'nope' is not a minisign public key"),
    OK("[status]\nfile = /var/lib/ticker/status.json\n",
       "status_file=\"/var/lib/ticker/status.json\""),
    /* Ranges are inclusive. */
    OK("[sign]\ncard_seconds = 3\ncrawl_speed = 10\n", "card_seconds=3", "crawl_speed=10"),
    OK("[sign]\ncard_seconds = 3600\ntransition_ms = 5000\n", "card_seconds=3600",
       "transition_ms=5000"),
    OK("[display]\nwindow = 320x240\nrefresh_hz = 240\n", "window=320x240", "refresh_hz=240"),
    OK("[display]\nwindow = 7680X4320\n", "window=7680x4320"),
    OK("[display]\nwindow = FullScreen\n", "window=0x0"),
    OK("", "mode=0x0@0", "rotate=0", "overscan=0,0,0,0"),
    OK("[display]\nmode = 1920x1080\n", "mode=1920x1080@0"),
    OK("[display]\nmode = 1280x720@50\nrotate = 270\n", "mode=1280x720@50", "rotate=270"),
    OK("[display]\nmode = AUTO\nrotate = 90\n", "mode=0x0@0", "rotate=90"),
    OK("[display]\noverscan = 16\n", "overscan=16,16,16,16"),
    OK("[display]\noverscan = 10 20\n", "overscan=10,20,10,20"),
    OK("[display]\noverscan = 10 20 30\n", "overscan=10,20,30,20"),
    OK("[display]\noverscan = 1 2 3 4\n", "overscan=1,2,3,4"),
    OK("[display]\noverscan = \t0  1000 \n", "overscan=0,1000,0,1000"),
    /* Booleans and enums in their spellings. */
    OK("[display]\nvsync = no\n", "vsync=false"),
    OK("[display]\nvsync = 0\n", "vsync=false"),
    OK("[display]\nvsync = FALSE\n", "vsync=false"),
    FAIL("[display]\nvsync = false\nvsync = on\n", "t.conf:3: duplicate key 'vsync'"),
    OK("[display]\nvsync = yes\n", "vsync=true"),
    OK("[display]\nvsync = 1\n", "vsync=true"),
    OK("[sign]\nclock = OFF\n", "clock=off"),
    OK("[sign]\nclock = 24h\n", "clock=24h"),
    /* Whitespace, quotes and comments. */
    OK("  [ sign ]  \n\t card_seconds\t=\t15  \n", "card_seconds=15"),
    OK("[sign]\ntitle =\n", "title=\"\""),
    OK("[sign]\ntitle = \"  # not a comment ; \"\n", "title=\"  # not a comment ; \""),
    OK("[sign]\ntitle = \"quoted\"   # a comment\n", "title=\"quoted\""),
    OK("[sign]\ntitle = \"\"\n", "title=\"\""),
    OK("[sign]\ntitle = say \"hi\" there\n", "title=\"say \"hi\" there\""),
    OK("# comment\n; another\n   # indented\n\n[sign] # after a header\ncard_seconds = 20\n",
       "card_seconds=20"),
    OK("[sign]\ncard_seconds = 20 # twenty\ntitle = Hello # world\n", "card_seconds=20",
       "title=\"Hello\""),
    OK("[sign]\ntitle = C#7 news\n", "title=\"C#7 news\""),
    OK("[theme]\naccent = #ff0000 # red\n", "accent=ff0000"),
    OK("[sign]\r\ncard_seconds = 20\r\ntitle = CRLF\r\n", "card_seconds=20", "title=\"CRLF\""),
    OK("\xEF\xBB\xBF[sign]\ncard_seconds = 21\n", "card_seconds=21"),
    OK("[sign]\ncard_seconds = 22", "card_seconds=22"),
    OK("[sign]\ncard_seconds = +23\n", "card_seconds=23"),
    OK("[sign]\ntitle = a\n[display]\nvsync = no\n[sign]\ncard_seconds = 5\n", "title=\"a\"",
       "card_seconds=5", "vsync=false"),
    /* Sources: order kept, defaults, the same key in two sources. */
    OK("[source world]\nurl = https://example.org/world.json\n"
       "[source local-1]\nurl = /var/lib/ticker/local.json\nrefresh = 60\npublic_key = " KEY56 "\n"
       "[source Z_9]\nurl = HTTP://example.org/z.xml\nrefresh = 86400\n",
       "sources=3", "source0=world \"https://example.org/world.json\" 300 \"\"",
       "source1=local-1 \"/var/lib/ticker/local.json\" 60 \"" KEY56 "\"",
       "source2=Z_9 \"HTTP://example.org/z.xml\" 86400 \"\""),
    FAIL("[source a]\nurl = weird://not/a/scheme\n",
         "t.conf:2: url: scheme 'weird' is not supported"),
    OK("[source a]\nurl = ./feeds/a://b.json\n", "source0=a \"./feeds/a://b.json\" 300 \"\""),

    /* Errors. */
    FAIL("[sign]\nfoo = 1\n", "t.conf:2: unknown key 'foo' in [sign]"),
    FAIL("[display]\ntitle = x\n",
         "t.conf:2: unknown key 'title' in [display] (it belongs in [sign])"),
    FAIL("[sign]\nrefresh = 60\n",
         "t.conf:2: unknown key 'refresh' in [sign] (it belongs in [remote] or a [source NAME])"),
    FAIL("[source a]\nurl = /a\nrefres = 60\n", "t.conf:3: unknown key 'refres' in [source a]"),
    FAIL_WITHOUT("t.conf:2", "[sgn]\nfoo = 1\n[sign]\ncard_seconds = 1\n",
                 "t.conf:1: unknown section [sgn]",
                 "t.conf:4: card_seconds: 1 is out of range (3..3600)"),
    FAIL("[Sign]\n", "t.conf:1: unknown section [Sign]"),
    FAIL("title = x\n", "t.conf:1: key 'title' is outside any section"),
    FAIL("[sign]\ntitle Lobby\n", "t.conf:2: missing '=' (expected 'key = value')"),
    FAIL("[sign]\n = x\n", "t.conf:2: missing key name before '='"),
    FAIL("[sign]\ncard_seconds = 5\n\ncard_seconds = 6\n",
         "t.conf:4: duplicate key 'card_seconds' in [sign] (first set on line 2)"),
    FAIL("[sign]\ntitle = a\n[display]\n[sign]\ntitle = b\n",
         "t.conf:5: duplicate key 'title' in [sign] (first set on line 2)"),
    FAIL("[source a]\nurl = /a\nurl = /b\n",
         "t.conf:3: duplicate key 'url' in [source a] (first set on line 2)"),
    FAIL("[source a]\nurl = /a\n[source b]\nurl = /b\n[source a]\nurl = /c\n",
         "t.conf:5: duplicate source name 'a' (first defined on line 1)"),
    FAIL("[source a]\nrefresh = 60\n", "t.conf:1: [source a] has no url"),
    FAIL_WITHOUT("[source b]",
                 "[source a]\nrefresh = 60\n[sign]\ntitle = x\n[source b]\nurl = /b\n",
                 "t.conf:1: [source a] has no url"),
    FAIL("[source]\nurl = /a\n", "t.conf:1: [source] needs a name, as in [source lobby]"),
    FAIL("[source a.b]\nurl = /a\n",
         "t.conf:1: invalid source name 'a.b' (use letters, digits, '_' and '-')"),
    FAIL("[source a]\nurl =\n", "t.conf:2: url: is empty"),
    /* Control characters in what the file says are escaped, never sent to the terminal. */
    FAIL("[sign]\nfo\x1b[31mo = 1\n", "t.conf:2: unknown key 'fo\\x1b[31mo' in [sign]"),
    FAIL("[sign]\nfoo\xc2\x9b"
         "1m = 1\n",
         "t.conf:2: unknown key 'foo\\x9b1m' in [sign]"),
    /* A name the cache cannot hold would never be cached. */
    FAIL("[source n" NAME128 "]\nurl = /a\n",
         "t.conf:1: source name 'n" NAME31 "...' is 129 characters long (at most 128)"),
    /* Fonts the sign could not open would leave it blank. */
    FAIL("[sign]\nfont = /nonexistent/font.ttf\n",
         "t.conf:2: font: /nonexistent/font.ttf: No such file or directory"),
    FAIL("[sign]\nfont_bold = /etc/passwd\n",
         "t.conf:2: font_bold: /etc/passwd: not a TrueType or OpenType font file"),
    FAIL("[sign]\nfont = /dev/null\n", "t.conf:2: font: /dev/null: not a regular file"),
    OK("[sign]\nfont = DejaVu Sans:bold\n", "font=\"DejaVu Sans:bold\""),
    FAIL("[source a]\nurl = ftp://example.org/f.json\n",
         "t.conf:2: url: scheme 'ftp' is not supported (expected a file path or an http:// or "
         "https:// URL)"),
    FAIL("[source a]\nurl = /a\npublic_key = RWQshort\n",
         "t.conf:3: public_key: 'RWQshort' is not a minisign public key"),
    /* Right length and alphabet, but not a key: the sign could verify nothing with it. */
    FAIL("[source a]\nurl = /a\npublic_key = "
         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
         "t.conf:3: public_key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' is not"),
    /* Per-source filters. */
    OK("[source a]\nurl = /a\n", "source0_filter=\"\" 0"),
    OK("[source a]\nurl = /a\nexclude = sport, Royal family, caf\xc3\xa9\nmax_age_hours = 48\n",
       "source0_filter=\"sport, Royal family, caf\xc3\xa9\" 48"),
    OK("[source a]\nurl = /a\nexclude = \"golf, tennis\"\n", "source0_filter=\"golf, tennis\" 0"),
    FAIL("[source a]\nurl = /a\nexclude = sport, \"Royal family\"\n",
         "t.conf:3: exclude: a '\"' in a term (write a phrase as it is, without quotes)"),
    FAIL("[source a]\nurl = /a\nexclude = sport,, golf\n", "t.conf:3: exclude: an empty term"),
    FAIL("[source a]\nurl = /a\nexclude = golf,\n", "t.conf:3: exclude: an empty term"),
    FAIL("[source a]\nurl = /a\n\nmax_age_hours = 87601\n",
         "t.conf:4: max_age_hours: 87601 is out of range (0..87600)"),
    FAIL("[source a]\nurl = /a\nrefresh = 29\n",
         "t.conf:3: refresh: 29 is out of range (30..86400)"),
    FAIL("[sign]\ncard_seconds = 2\n", "t.conf:2: card_seconds: 2 is out of range (3..3600)"),
    FAIL("[sign]\ncard_seconds = 3601\n", "card_seconds: 3601 is out of range (3..3600)"),
    FAIL("[sign]\ntransition_ms = -1\n", "transition_ms: -1 is out of range (0..5000)"),
    FAIL("[display]\nrefresh_hz = 241\n", "refresh_hz: 241 is out of range (0..240)"),
    FAIL("[sign]\ncrawl_speed = 99999999999999999999999\n",
         "crawl_speed: 99999999999999999999999 is out of range (10..2000)"),
    FAIL("[sign]\ncard_seconds = ten\n",
         "t.conf:2: card_seconds: 'ten' is not a number (expected an integer, 3..3600)"),
    FAIL("[sign]\ncard_seconds = 10s\n", "card_seconds: '10s' is not a number"),
    FAIL("[sign]\ncard_seconds = 0x10\n", "card_seconds: '0x10' is not a number"),
    FAIL("[sign]\ncard_seconds =\n", "card_seconds: '' is not a number"),
    FAIL("[sign]\ncard_seconds = 1 0\n", "card_seconds: '1 0' is not a number"),
    FAIL("[theme]\naccent = ffb020\n",
         "t.conf:2: accent: 'ffb020' is not a colour (expected #rrggbb)"),
    FAIL("[theme]\naccent = #ffb02\n", "accent: '#ffb02' is not a colour"),
    FAIL("[theme]\naccent = #ffb0200\n", "accent: '#ffb0200' is not a colour"),
    FAIL("[theme]\naccent = #gfb020\n", "accent: '#gfb020' is not a colour"),
    FAIL("[theme]\naccent = red\n", "accent: 'red' is not a colour"),
    FAIL("[display]\nwindow = 1280*720\n",
         "t.conf:2: window: '1280*720' is not a size (expected fullscreen or WIDTHxHEIGHT, "
         "320..7680 x 240..4320)"),
    FAIL("[display]\nwindow = 1280x\n", "window: '1280x' is not a size"),
    FAIL("[display]\nmode = 1920x1080@\n", "t.conf:2: mode: '1920x1080@' is not a video mode "
                                           "(expected auto, WIDTHxHEIGHT or WIDTHxHEIGHT@HZ)"),
    FAIL("[display]\nmode = 1920x1080@0\n", "mode: '1920x1080@0' is not a video mode"),
    FAIL("[display]\nmode = 100x100\n", "mode: '100x100' is not a video mode"),
    FAIL("[display]\nmode = 1080p\n", "mode: '1080p' is not a video mode"),
    FAIL("[display]\nrotate = 45\n", "rotate: '45' is not valid (expected 0, 90, 180 or 270)"),
    FAIL("[display]\noverscan = 1 2 3 4 5\n",
         "t.conf:2: overscan: '1 2 3 4 5' is not valid (expected 1 to 4 numbers of pixels, "
         "0..1000: top right bottom left)"),
    FAIL("[display]\noverscan = -5\n", "overscan: '-5' is not valid"),
    FAIL("[display]\noverscan = 1001\n", "overscan: '1001' is not valid"),
    FAIL("[display]\noverscan = 10px\n", "overscan: '10px' is not valid"),
    FAIL("[display]\noverscan = 99999999999999999999\n", "overscan: '99999999999999999999' is not"),
    FAIL("[display]\noverscan =\n", "overscan: '' is not valid"),
    FAIL("[display]\nwindow = -1280x720\n", "window: '-1280x720' is not a size"),
    FAIL("[display]\nwindow = 1280 x 720\n", "window: '1280 x 720' is not a size"),
    FAIL("[display]\nwindow = 319x240\n",
         "t.conf:2: window: 319x240 is out of range (320..7680 x 240..4320)"),
    FAIL("[display]\nwindow = 1920x4321\n", "window: 1920x4321 is out of range"),
    FAIL("[display]\nwindow = 1920x99999999999999999999\n",
         "window: 1920x99999999999999999999 is out of range"),
    FAIL("[sign]\nclock = 13h\n", "t.conf:2: clock: '13h' is not valid (expected 24h, 12h or off)"),
    FAIL("[display]\nvsync = maybe\n",
         "t.conf:2: vsync: 'maybe' is not valid (expected true or false"),
    FAIL("[sign]\ntitle = \"open\n", "t.conf:2: missing closing '\"'"),
    FAIL("[sign]\ntitle = \"a\" b\n", "t.conf:2: unexpected text after the closing '\"'"),
    FAIL_WITHOUT("t.conf:2", "[sign\ntitle = x\n", "t.conf:1: missing ']' in section header"),
    FAIL("[sign] x\n", "t.conf:1: unexpected text after ']'"),
    FAIL("[sign]\r\ncard_seconds = 1\r\n", "t.conf:2: card_seconds: 1 is out of range"),
    FAIL("\xEF\xBB\xBF[sign]\nfoo = 1\n", "t.conf:2: unknown key 'foo' in [sign]"),
    /* Every error is reported, not only the first. */
    FAIL_WITHOUT("t.conf:6",
                 "[sign]\ncard_seconds = 1\nfoo = 2\n[display]\nwindow = big\nvsync = on\n"
                 "[theme]\naccent = #12\n[source x]\n",
                 "t.conf:2: card_seconds", "t.conf:3: unknown key 'foo'", "t.conf:5: window",
                 "t.conf:8: accent", "t.conf:9: [source x] has no url"),
};

/* More sources than a config may have: one error, on the first section too many. */
static void test_source_limit(void **state)
{
    (void)state;
    char *text = xstrdup("");
    for (int i = 1; i <= CONFIG_MAX_SOURCES + 2; i++) {
        char *more = xasprintf("%s[source s%d]\nurl = /s%d.json\n", text, i, i);
        free(text);
        text = more;
    }
    struct config cfg;
    config_init(&cfg);
    char *errors;
    assert_false(parse_captured(&cfg, text, strlen(text), &errors));
    char *expect = xasprintf("t.conf:%d: more than %d sources\n", 2 * CONFIG_MAX_SOURCES + 1,
                             CONFIG_MAX_SOURCES);
    assert_non_null(strstr(errors, expect));
    free(expect);
    free(errors);
    free(text);
    config_finish(&cfg);
}

/* What cfg holds before each row: a failed parse must leave exactly this. */
static const char baseline[] = "[sign]\ncard_seconds = 42\nclock = off\n"
                               "[source keep]\nurl = /keep.json\n";

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        const struct row *r = &rows[i];
        struct config cfg;
        config_init(&cfg);
        assert_true(config_parse(&cfg, "base.conf", baseline, strlen(baseline)));
        char *before = dump(&cfg);
        char *errors;
        bool ok = parse_captured(&cfg, r->text, strlen(r->text), &errors);
        char *after = dump(&cfg);
        if (ok != r->ok)
            fail_msg("row %zu: expected %s for input:\n%s\nlog:\n%s", i,
                     r->ok ? "success" : "failure", r->text, errors);
        if (r->ok) {
            assert_string_equal(errors, "");
            /* Defaults plus the file: nothing of the previous config remains. */
            assert_false(strstr(after, "keep") != NULL);
            for (size_t j = 0; j < ARRAY_LEN(r->expect) && r->expect[j]; j++)
                if (!has_line(after, r->expect[j]))
                    fail_msg("row %zu: no line '%s' in the config from:\n%s\ngot:%s", i,
                             r->expect[j], r->text, after);
        } else {
            assert_string_equal(after, before);
            assert_error_prefixes(errors, r->text);
            for (size_t j = 0; j < ARRAY_LEN(r->expect) && r->expect[j]; j++)
                if (!strstr(errors, r->expect[j]))
                    fail_msg("row %zu: no error '%s' for input:\n%s\nlog:\n%s", i, r->expect[j],
                             r->text, errors);
            if (r->absent && strstr(errors, r->absent))
                fail_msg("row %zu: unexpected '%s' for input:\n%s\nlog:\n%s", i, r->absent, r->text,
                         errors);
        }
        free(errors);
        free(before);
        free(after);
        config_finish(&cfg);
    }
}

static void test_defaults(void **state)
{
    (void)state;
    struct config cfg;
    config_init(&cfg);
    assert_string_equal(cfg.title, "");
    assert_int_equal(cfg.card_seconds, 10);
    assert_int_equal(cfg.transition_ms, 700);
    assert_int_equal(cfg.crawl_speed, 120);
    assert_string_equal(cfg.font, "Inter");
    assert_string_equal(cfg.font_bold, "Inter:bold");
    assert_int_equal(cfg.clock, CONFIG_CLOCK_24H);
    assert_string_equal(cfg.fallback_message, "No news right now.");
    assert_int_equal(cfg.window_w, 0);
    assert_int_equal(cfg.window_h, 0);
    assert_int_equal(cfg.refresh_hz, 0);
    assert_true(cfg.vsync);
    assert_int_equal(cfg.theme.background, 0x0b1220);
    assert_int_equal(cfg.theme.surface, 0x151f33);
    assert_int_equal(cfg.theme.foreground, 0xf4f6fb);
    assert_int_equal(cfg.theme.muted, 0x9aa7bd);
    assert_int_equal(cfg.theme.accent, 0xffb020);
    assert_int_equal(cfg.theme.band_background, 0xe8edf5);
    assert_int_equal(cfg.theme.band_foreground, 0x0b1220);
    assert_string_equal(cfg.status_file, "");
    assert_null(cfg.sources);
    assert_int_equal(cfg.source_count, 0);
    config_finish(&cfg);
    assert_null(cfg.title);
    config_finish(&cfg); /* a finished struct may be finished again */
}

/* The file's name and line for errors outside the table: long lines, NUL bytes, size. */
static void test_raw_input(void **state)
{
    (void)state;
    struct config cfg;
    config_init(&cfg);
    char *errors;

    /* A line of exactly CONFIG_MAX_LINE bytes (CR not counted) is fine; one more is not, and
     * the lines after it are still checked. */
    char *title = xmalloc(CONFIG_MAX_LINE + 1);
    memset(title, 'a', CONFIG_MAX_LINE);
    title[CONFIG_MAX_LINE] = '\0';
    char *text = xasprintf("[sign]\r\ntitle = %s\r\n", title + strlen("title = "));
    assert_true(parse_captured(&cfg, text, strlen(text), &errors));
    assert_string_equal(errors, "");
    assert_int_equal(strlen(cfg.title), CONFIG_MAX_LINE - strlen("title = "));
    free(errors);
    free(text);
    text = xasprintf("[sign]\ntitle = %s\nfoo = 1\n", title + strlen("title = ") - 1);
    assert_false(parse_captured(&cfg, text, strlen(text), &errors));
    assert_non_null(strstr(errors, "t.conf:2: line is longer than 4096 bytes"));
    assert_non_null(strstr(errors, "t.conf:3: unknown key 'foo' in [sign]"));
    free(errors);
    free(text);
    free(title);

    static const char nul[] = "[sign]\ntitle = a\0b\ncard_seconds = 1\n";
    assert_false(parse_captured(&cfg, nul, sizeof(nul) - 1, &errors));
    assert_non_null(strstr(errors, "t.conf:2: line contains a NUL byte"));
    assert_non_null(strstr(errors, "t.conf:3: card_seconds: 1 is out of range"));
    free(errors);

    /* Only len bytes are read: the text need not end in NUL. */
    static const char cut[] = "[sign]\ncard_seconds = 7\ncard_seconds = 8\n";
    assert_true(parse_captured(&cfg, cut, strlen("[sign]\ncard_seconds = 7"), &errors));
    assert_int_equal(cfg.card_seconds, 7);
    free(errors);

    size_t big_len = CONFIG_MAX_FILE_BYTES + 1;
    char *big = xmalloc(big_len);
    memset(big, '\n', big_len);
    assert_false(parse_captured(&cfg, big, big_len, &errors));
    assert_string_equal(errors, "ticker: t.conf: file is larger than 256 KiB\n");
    free(errors);
    assert_true(parse_captured(&cfg, big, big_len - 1, &errors));
    free(errors);
    free(big);

    /* A binary file does not flood the log. */
    char *junk = xmalloc(200 * 2 + 1);
    for (size_t i = 0; i < 200; i++)
        memcpy(junk + 2 * i, "x\n", 2);
    junk[400] = '\0';
    assert_false(parse_captured(&cfg, junk, 400, &errors));
    assert_non_null(strstr(errors, "t.conf:100: missing '='"));
    assert_null(strstr(errors, "t.conf:101:"));
    assert_non_null(strstr(errors, "ticker: t.conf: 100 more errors not shown\n"));
    free(errors);
    free(junk);
    config_finish(&cfg);
}

static char *write_temp(const char *text, size_t len)
{
    char *path = xstrdup("/tmp/test_config_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_load(void **state)
{
    (void)state;
    struct config cfg;
    config_init(&cfg);
    struct test_capture c;

    static const char good[] = "[sign]\ncard_seconds = 12\n";
    char *path = write_temp(good, strlen(good));
    test_capture_begin(&c);
    assert_true(config_load(&cfg, path));
    char *errors = test_capture_end(&c);
    assert_string_equal(errors, "");
    assert_int_equal(cfg.card_seconds, 12);
    free(errors);
    unlink(path);
    free(path);

    static const char bad[] = "[sign]\ncard_seconds = 12\ncard_seconds = x\n";
    path = write_temp(bad, strlen(bad));
    cfg.card_seconds = 13;
    test_capture_begin(&c);
    assert_false(config_load(&cfg, path));
    errors = test_capture_end(&c);
    char *want = xasprintf("ticker: %s:3: duplicate key 'card_seconds'", path);
    assert_non_null(strstr(errors, want));
    assert_int_equal(cfg.card_seconds, 13);
    free(want);
    free(errors);
    unlink(path);
    free(path);

    /* Exactly the limit is read; one byte more is refused. */
    char *big = xmalloc(CONFIG_MAX_FILE_BYTES + 1);
    for (size_t i = 0; i < CONFIG_MAX_FILE_BYTES + 1; i++)
        big[i] = i % 64 == 63 ? '\n' : '#';
    path = write_temp(big, CONFIG_MAX_FILE_BYTES);
    test_capture_begin(&c);
    assert_true(config_load(&cfg, path));
    free(test_capture_end(&c));
    unlink(path);
    free(path);
    path = write_temp(big, CONFIG_MAX_FILE_BYTES + 1);
    test_capture_begin(&c);
    assert_false(config_load(&cfg, path));
    errors = test_capture_end(&c);
    want = xasprintf("ticker: %s: file is larger than 256 KiB\n", path);
    assert_string_equal(errors, want);
    free(want);
    free(errors);
    unlink(path);
    free(path);
    free(big);

    test_capture_begin(&c);
    assert_false(config_load(&cfg, "/nonexistent/ticker.conf"));
    errors = test_capture_end(&c);
    assert_string_equal(
        errors, "ticker: /nonexistent/ticker.conf: cannot read: No such file or directory\n");
    free(errors);
    config_finish(&cfg);
}

/* One entry of a drop-in folder: a file, a folder (text NULL) or a link (name after "->"). */
struct dropin_file {
    const char *name, *text;
};

/* DIR/ticker.conf (main NULL: none) and DIR/ticker.conf.d (files empty and no folder: none). */
struct dropin_row {
    const char *main;
    bool folder;
    struct dropin_file files[6]; /* up to a NULL name */
    bool ok;
    /* ok: lines of dump() after the load; failure: substrings of the log output */
    const char *expect[3];
    const char *read; /* ok: the names of the files read, in order, separated by spaces */
};

#define MAIN_AB "[sign]\ntitle = Main\ncard_seconds = 12\n[source a]\nurl = /a\nrefresh = 60\n"

static const struct dropin_row dropin_rows[] = {
    /* Read in byte order of name, the later over the earlier. */
    {MAIN_AB,
     true,
     {{"20-b.conf", "[sign]\ntitle = B\n"},
      {"9-c.conf", "[sign]\ntitle = C\n"},
      {"10-a.conf", "[sign]\ntitle = A\n"},
      {"Z-upper.conf", "[sign]\nclock = off\n"},
      {"a-lower.conf", "[sign]\nclock = 12h\n"}},
     true,
     {"title=\"C\"", "clock=12h"},
     "ticker.conf 10-a.conf 20-b.conf 9-c.conf Z-upper.conf a-lower.conf"},
    /* Key by key: what a drop-in does not set stays as the file had it. */
    {MAIN_AB,
     true,
     {{"50-card.conf", "[sign]\ncard_seconds = 20\n"}},
     true,
     {"card_seconds=20", "title=\"Main\""},
     "ticker.conf 50-card.conf"},
    /* A source added by a drop-in comes after the file's. */
    {MAIN_AB,
     true,
     {{"50-card.conf", "[source b]\nurl = /b\n"}},
     true,
     {"sources=2", "source0=a \"/a\" 60 \"\"", "source1=b \"/b\" 300 \"\""},
     "ticker.conf 50-card.conf"},
    /* A source named again gets the keys the drop-in sets; it keeps its place and other keys. */
    {MAIN_AB "[source z]\nurl = /z\n",
     true,
     {{"50-card.conf", "[source a]\nrefresh = 120\n"}},
     true,
     {"sources=2", "source0=a \"/a\" 120 \"\""},
     "ticker.conf 50-card.conf"},
    /* Whatever the whole lacks is checked on the whole: a url from a drop-in completes a source. */
    {"[source a]\nrefresh = 60\n",
     true,
     {{"50-card.conf", "[source a]\nurl = /from-card\n"}},
     true,
     {"source0=a \"/from-card\" 60 \"\""},
     "ticker.conf 50-card.conf"},
    /* A whole config is a drop-in too, over an empty file. */
    {"",
     true,
     {{"50-card.conf", "[sign]\ntitle = Card\n[display]\nrotate = 90\n[source feed]\nurl = /f\n"}},
     true,
     {"title=\"Card\"", "rotate=90", "source0=feed \"/f\" 300 \"\""},
     "ticker.conf 50-card.conf"},
    /* Not drop-ins: other endings, hidden files, folders. */
    {MAIN_AB,
     true,
     {{"50-card.conf.dpkg-old", "[sign]\nnope = 1\n"},
      {".50-card.conf", "[sign]\nnope = 1\n"},
      {"50-card.conf~", "[sign]\nnope = 1\n"},
      {"README", "[sign]\nnope = 1\n"},
      {"folder.conf", NULL}},
     true,
     {"title=\"Main\""},
     "ticker.conf"},
    /* No folder, or an empty one: the file alone. */
    {MAIN_AB, false, {{NULL, NULL}}, true, {"card_seconds=12"}, "ticker.conf"},
    {MAIN_AB, true, {{NULL, NULL}}, true, {"card_seconds=12"}, "ticker.conf"},
    /* Errors name the drop-in and its line; any error fails the whole. */
    {MAIN_AB,
     true,
     {{"10-ok.conf", "[sign]\ntitle = fine\n"}, {"50-card.conf", "[sign]\n\nnope = 1\n"}},
     false,
     {"/ticker.conf.d/50-card.conf:3: unknown key 'nope' in [sign]"},
     NULL},
    /* Within one file the rules are the same as for the file. */
    {MAIN_AB,
     true,
     {{"50-card.conf", "[sign]\ntitle = a\n[sign]\ntitle = b\n"}},
     false,
     {"/ticker.conf.d/50-card.conf:4: duplicate key 'title' in [sign] (first set on line 2)"},
     NULL},
    {MAIN_AB,
     true,
     {{"50-card.conf", "[source a]\nrefresh = 90\n\n[source a]\nrefresh = 120\n"}},
     false,
     {"/ticker.conf.d/50-card.conf:4: duplicate source name 'a' (first defined on line 1)"},
     NULL},
    {MAIN_AB,
     true,
     {{"50-card.conf", "[sign]\ntitle = x\n[source b]\nrefresh = 90\n"}},
     false,
     {"/ticker.conf.d/50-card.conf:3: [source b] has no url"},
     NULL},
    /* Said in the file that broke it. */
    {"[remote]\nurl = https://signs.example/s.conf\npublic_key = " KEY56 "\n",
     true,
     {{"50-card.conf", "[remote]\npublic_key =\n"}},
     false,
     {"/ticker.conf.d/50-card.conf:2: [remote] url needs a public_key"},
     NULL},
    {MAIN_AB,
     true,
     {{"50-gone.conf", "->/nonexistent/50-gone.conf"}},
     false,
     {"/ticker.conf.d/50-gone.conf: cannot read: No such file or directory"},
     NULL},
    /* No file: its drop-ins are not a config. */
    {NULL,
     true,
     {{"50-card.conf", "[sign]\ntitle = Card\n"}},
     false,
     {"/ticker.conf: cannot read: No such file or directory"},
     NULL},
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* The base names of the files, separated by spaces. */
static char *base_names(const struct config_files *files)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    for (size_t i = 0; i < files->count; i++)
        fprintf(f, "%s%s", i ? " " : "", strrchr(files->paths[i], '/') + 1);
    fclose(f);
    return buf;
}

static void test_dropins(void **state)
{
    (void)state;
    for (size_t r = 0; r < ARRAY_LEN(dropin_rows); r++) {
        const struct dropin_row *row = &dropin_rows[r];
        char *dir = test_make_dir("test_config");
        char *path = xasprintf("%s/ticker.conf", dir);
        char *folder = xasprintf("%s.d", path);
        if (row->main)
            write_file(path, row->main);
        if (row->folder)
            assert_int_equal(mkdir(folder, 0700), 0);
        for (const struct dropin_file *f = row->files; f->name; f++) {
            char *at = xasprintf("%s/%s", folder, f->name);
            if (!f->text)
                assert_int_equal(mkdir(at, 0700), 0);
            else if (strncmp(f->text, "->", 2) == 0)
                assert_int_equal(symlink(f->text + 2, at), 0);
            else
                write_file(at, f->text);
            free(at);
        }

        struct config cfg;
        config_init(&cfg);
        cfg.card_seconds = 99; /* kept on failure */
        struct config_files files = {0};
        struct test_capture c;
        test_capture_begin(&c);
        bool ok = config_load_files(&cfg, path, &files);
        char *errors = test_capture_end(&c);
        char *got = dump(&cfg);
        if (ok != row->ok)
            fail_msg("drop-in row %zu: %s\n%s", r, ok ? "loaded" : "failed", errors);
        for (size_t i = 0; i < ARRAY_LEN(row->expect) && row->expect[i]; i++) {
            if (ok && !has_line(got, row->expect[i]))
                fail_msg("drop-in row %zu: no '%s' in\n%s", r, row->expect[i], got);
            if (!ok && !strstr(errors, row->expect[i]))
                fail_msg("drop-in row %zu: no '%s' in\n%s", r, row->expect[i], errors);
        }
        if (ok) {
            char *names = base_names(&files);
            assert_string_equal(errors, "");
            assert_string_equal(names, row->read);
            free(names);
        } else {
            assert_true(has_line(got, "card_seconds=99"));
            assert_int_equal(files.count, 0);
        }
        free(got);
        free(errors);
        config_files_finish(&files);
        config_finish(&cfg);
        test_remove_tree(dir);
        free(folder);
        free(path);
        free(dir);
    }
}

/* A theme of the site's own in themes/ beside the config: read like the installed ones, its
 * errors at its own FILE:LINE; colour keys in the config and its drop-ins win over it. */
struct theme_row {
    const char *main, *dropin; /* ticker.conf, ticker.conf.d/50.conf (NULL: none) */
    const char *file, *text;   /* themes/FILE.conf */
    bool ok;
    const char *expect[3]; /* ok: lines of dump(); failure: substrings of the log */
};

static const struct theme_row theme_rows[] = {
    {"[theme]\nname = mine\n",
     NULL,
     "mine",
     "[theme]\nbackground = #101010\naccent = #202020\n",
     true,
     {"background=101010", "accent=202020", "surface=151f33"}},
    /* The config's key wins, though the drop-in names the theme after it. */
    {"[theme]\nsurface = #333333\n",
     "[theme]\nname = mine\n",
     "mine",
     "[theme]\nsurface = #444444\nbackground = #101010\n",
     true,
     {"surface=333333", "background=101010", "theme=mine"}},
    {"[theme]\nname = mine\n",
     "[theme]\nbackground = #555555\n",
     "mine",
     "[theme]\nbackground = #101010\ntext_scale = 150\n",
     true,
     {"background=555555", "text_scale=150"}},
    /* A site's theme comes before an installed one of the same name. */
    {"[theme]\nname = light\n",
     NULL,
     "light",
     "[theme]\nbackground = #0000aa\n",
     true,
     {"background=0000aa", "surface=151f33"}},
    {"[theme]\nname = nope\n",
     NULL,
     "mine",
     "[theme]\n",
     false,
     {"ticker.conf:2: unknown theme 'nope' (there are: default, high-contrast, light, mine)"}},
    {"[sign]\ntitle = x\n",
     "[theme]\nname = nope\n",
     "mine",
     "[theme]\n",
     false,
     {"ticker.conf.d/50.conf:2: unknown theme 'nope'"}},
    {"[theme]\nname = mine\n",
     NULL,
     "mine",
     "[theme]\nbackground = #101010\naccent = yellow\n",
     false,
     {"themes/mine.conf:3: accent: 'yellow' is not a colour"}},
    {"[theme]\nname = mine\n",
     NULL,
     "mine",
     "[sign]\ntitle = x\n",
     false,
     {"themes/mine.conf:1: [sign] in a theme file (it has only a [theme] section)"}},
    {"[theme]\nname = mine\n",
     NULL,
     "mine",
     "[theme]\nname = light\n",
     false,
     {"themes/mine.conf:2: name: a theme file cannot choose another theme"}},
    {"[theme]\nname = mine\n",
     NULL,
     "mine",
     "[theme]\nbackground = #101010\nfont = x\n",
     false,
     {"themes/mine.conf:3: unknown key 'font' in [theme]"}},
};

static void test_theme_files(void **state)
{
    (void)state;
    for (size_t r = 0; r < ARRAY_LEN(theme_rows); r++) {
        const struct theme_row *row = &theme_rows[r];
        char *dir = test_make_dir("test_config");
        char *path = xasprintf("%s/ticker.conf", dir);
        char *themes = xasprintf("%s/themes", dir);
        char *theme = xasprintf("%s/%s.conf", themes, row->file);
        char *folder = xasprintf("%s.d", path);
        char *dropin = xasprintf("%s/50.conf", folder);
        write_file(path, row->main);
        assert_int_equal(mkdir(themes, 0700), 0);
        write_file(theme, row->text);
        if (row->dropin) {
            assert_int_equal(mkdir(folder, 0700), 0);
            write_file(dropin, row->dropin);
        }
        struct config cfg;
        config_init(&cfg);
        struct test_capture c;
        test_capture_begin(&c);
        bool ok = config_load(&cfg, path);
        char *errors = test_capture_end(&c);
        char *got = dump(&cfg);
        if (ok != row->ok)
            fail_msg("theme row %zu: %s\n%s", r, ok ? "loaded" : "failed", errors);
        for (size_t i = 0; i < ARRAY_LEN(row->expect) && row->expect[i]; i++) {
            if (ok && !has_line(got, row->expect[i]))
                fail_msg("theme row %zu: no '%s' in\n%s", r, row->expect[i], got);
            if (!ok && !strstr(errors, row->expect[i]))
                fail_msg("theme row %zu: no '%s' in\n%s", r, row->expect[i], errors);
        }
        if (ok)
            assert_string_equal(errors, "");
        free(got);
        free(errors);
        config_finish(&cfg);
        test_remove_tree(dir);
        free(dropin);
        free(folder);
        free(theme);
        free(themes);
        free(path);
        free(dir);
    }
}

/* The shipped default theme file is the built-in look, exactly; high-contrast's text reads at
 * 7:1 or more on what it stands on (WCAG AAA), the crawl's figures too. */
static void test_shipped_themes(void **state)
{
    (void)state;
    size_t len;
    char *text = util_read_file(TICKER_SOURCE_DIR "/assets/themes/default.conf", 65536, &len);
    assert_non_null(text);
    struct config file, builtin;
    config_init(&file);
    config_init(&builtin);
    assert_true(config_parse(&file, "default.conf", text, len));
    assert_memory_equal(&file.theme, &builtin.theme, sizeof(file.theme));
    free(text);

    static const char hc[] = "[theme]\nname = high-contrast\n";
    assert_true(config_parse(&file, "hc.conf", hc, strlen(hc)));
    const struct config_theme *t = &file.theme;
    const uint32_t pairs[][2] = {
        {t->foreground, t->surface},     {t->muted, t->surface},
        {t->accent, t->surface},         {t->foreground, t->background},
        {t->muted, t->background},       {t->band_foreground, t->band_background},
        {t->accent, t->band_background}, {t->alert_foreground, t->alert_background},
    };
    for (size_t i = 0; i < ARRAY_LEN(pairs); i++)
        if (scene_contrast(pairs[i][0], pairs[i][1]) < 7.0)
            fail_msg("high-contrast pair %zu: #%06x on #%06x reads at %.1f:1", i,
                     (unsigned)pairs[i][0], (unsigned)pairs[i][1],
                     scene_contrast(pairs[i][0], pairs[i][1]));
    assert_true(t->text_scale >= 130);
    config_finish(&file);
    config_finish(&builtin);
}

/* The logo: the sign loads a config whose logo it cannot use (it logs and draws without);
 * check-config (config_check) says why at the key's FILE:LINE. */
static void test_logo_check(void **state)
{
    (void)state;
    char *dir = test_make_dir("test_config");
    char *good = xasprintf("%s/good.png", dir), *big = xasprintf("%s/big.png", dir);
    char *text = xasprintf("%s/text.png", dir);
    uint8_t px[4 * 4097] = {0};
    struct picture pic = {.width = 2, .height = 2, .rgba = px};
    assert_true(picture_write_png(good, &pic));
    pic = (struct picture){.width = LOGO_MAX_SIDE + 1, .height = 1, .rgba = px};
    assert_true(picture_write_png(big, &pic));
    write_file(text, "not a picture\n");
    const struct {
        const char *logo, *error; /* NULL: fine */
    } logo_rows[] = {
        {good, NULL},
        {"", NULL},
        {"/nonexistent/logo.png", "logo: /nonexistent/logo.png: cannot read: "},
        {text, "text.png: not a PNG file"},
        {big, "big.png: 4097x1 pixels is too large for a logo (at most 4096x4096)"},
        {dir, "cannot read: not a regular file"},
    };
    char *path = xasprintf("%s/ticker.conf", dir);
    for (size_t i = 0; i < ARRAY_LEN(logo_rows); i++) {
        char *conf = xasprintf("[sign]\ntitle = x\nlogo = %s\n", logo_rows[i].logo);
        write_file(path, conf);
        struct config cfg;
        config_init(&cfg);
        struct test_capture c;
        test_capture_begin(&c);
        assert_true(config_load(&cfg, path));
        char *errors = test_capture_end(&c);
        assert_string_equal(errors, "");
        free(errors);
        test_capture_begin(&c);
        bool ok = config_check(&cfg, path, NULL);
        errors = test_capture_end(&c);
        if (ok != !logo_rows[i].error)
            fail_msg("logo row %zu: check %s: %s", i, ok ? "passed" : "failed", errors);
        if (logo_rows[i].error) {
            char *want = xasprintf("ticker: %s:3: logo: ", path);
            if (!strstr(errors, want) || !strstr(errors, logo_rows[i].error))
                fail_msg("logo row %zu: expected '%s' and '%s' in %s", i, want, logo_rows[i].error,
                         errors);
            free(want);
        }
        free(errors);
        free(conf);
        config_finish(&cfg);
    }
    test_remove_tree(dir);
    free(path);
    free(text);
    free(big);
    free(good);
    free(dir);
}

static void test_parse_size(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool ok;
        int w, h;
    } cases[] = {
        {"1920x1080", true, 1920, 1080},
        {"1X1", true, 1, 1},
        {"16384x16384", true, 16384, 16384},
        {"100x50", true, 100, 50},
        {"0x10", false, 0, 0},
        {"16385x10", false, 0, 0},
        {"10x16385", false, 0, 0},
        {"x10", false, 0, 0},
        {"10x", false, 0, 0},
        {"10", false, 0, 0},
        {"", false, 0, 0},
        {"10x10x10", false, 0, 0},
        {"+10x10", false, 0, 0},
        {"-10x10", false, 0, 0},
        {" 10x10", false, 0, 0},
        {"10x10 ", false, 0, 0},
        {"fullscreen", false, 0, 0},
        {"99999999999999999999x1", false, 0, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int w = -1, h = -1;
        bool ok = config_parse_size(cases[i].text, &w, &h);
        if (ok != cases[i].ok)
            fail_msg("config_parse_size(\"%s\") returned %d", cases[i].text, ok);
        assert_int_equal(w, ok ? cases[i].w : -1);
        assert_int_equal(h, ok ? cases[i].h : -1);
    }
}

static void test_parse_color(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool ok;
        uint32_t rgb;
    } cases[] = {
        {"#000000", true, 0x000000},
        {"#ffffff", true, 0xffffff},
        {"#FFB020", true, 0xffb020},
        {"#0b1220", true, 0x0b1220},
        {"#aBcDeF", true, 0xabcdef},
        {"0b1220", false, 0},
        {"#0b122", false, 0},
        {"#0b12200", false, 0},
        {"#0b122g", false, 0},
        {"#", false, 0},
        {"", false, 0},
        {"# 0b1220", false, 0},
        {"#fff", false, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        uint32_t rgb = 0x12345678;
        bool ok = config_parse_color(cases[i].text, &rgb);
        if (ok != cases[i].ok)
            fail_msg("config_parse_color(\"%s\") returned %d", cases[i].text, ok);
        assert_int_equal(rgb, ok ? cases[i].rgb : 0x12345678);
    }
}

static void test_add_source(void **state)
{
    (void)state;
    struct config cfg;
    config_init(&cfg);
    static const char text[] = "[source cli1]\nurl = /from/file\nrefresh = 60\n";
    assert_true(config_parse(&cfg, "t.conf", text, strlen(text)));
    config_add_source(&cfg, "https://example.org/a.json");
    config_add_source(&cfg, "/tmp/b.json");
    char *got = dump(&cfg);
    assert_true(has_line(got, "sources=3"));
    assert_true(has_line(got, "source0=cli1 \"/from/file\" 60 \"\""));
    assert_true(has_line(got, "source1=cli2 \"https://example.org/a.json\" 300 \"\""));
    assert_true(has_line(got, "source2=cli3 \"/tmp/b.json\" 300 \"\""));
    free(got);
    config_finish(&cfg);
}

static char *documented(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    config_write_documented(f);
    fclose(f);
    return buf;
}

/* assets/ticker.conf is generated; if this fails, regenerate it:
 *   build/tests/write-config > assets/ticker.conf */
static void test_documented_matches_asset(void **state)
{
    (void)state;
    char *want = documented();
    size_t len;
    char *have = util_read_file(TICKER_SOURCE_DIR "/assets/ticker.conf", 1 << 20, &len);
    assert_non_null(have);
    assert_string_equal(have, want);
    free(have);
    free(want);
}

/* The documented file means the defaults as it stands, and still does with every example line
 * uncommented: the defaults it shows are written so that they parse. */
static void test_documented_parses(void **state)
{
    (void)state;
    struct config defaults, cfg;
    config_init(&defaults);
    char *want = dump(&defaults);
    char *text = documented();
    char *errors;

    config_init(&cfg);
    assert_true(parse_captured(&cfg, text, strlen(text), &errors));
    assert_string_equal(errors, "");
    free(errors);
    char *got = dump(&cfg);
    assert_string_equal(got, want);
    free(got);

    /* "#key = value" and "#[source lobby]" lose their '#'; prose keeps it ("# text", "#"). */
    size_t keys = 0;
    char *out = xmalloc(strlen(text) + 1), *o = out;
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        if (line[0] == '#' && n > 1 && line[1] != ' ') {
            line++;
            n--;
            keys++;
        }
        memcpy(o, line, n);
        o += n;
        line += n;
        if (*line == '\n')
            *o++ = *line++;
    }
    *o = '\0';
    assert_int_equal(keys, 46); /* 45 keys and the [source] header */
    assert_true(parse_captured(&cfg, out, strlen(out), &errors));
    assert_string_equal(errors, "");
    free(errors);
    config_add_source(&defaults, "https://news.example.org/lobby.json");
    free(defaults.sources[0].name);
    defaults.sources[0].name = xstrdup("lobby");
    free(want);
    want = dump(&defaults);
    got = dump(&cfg);
    assert_string_equal(got, want);
    free(got);
    free(out);
    free(want);
    free(text);
    config_finish(&cfg);
    config_finish(&defaults);
}

struct remote_row {
    const char *base, *remote;
    const char *expect; /* applied: a line of dump(); refused: a substring of the message */
    bool ok;
};

static const struct remote_row remote_rows[] = {
    {"", "[sign]\ntitle = From afar\n", "title=\"From afar\"", true},
    {"[sign]\ncard_seconds = 20\n", "[theme]\naccent = #ff0000\n", "card_seconds=20", true},
    {"", "[schedule]\non = mon-fri 07:00-19:00\n", "schedule_on=\"mon-fri 07:00-19:00\"", true},
    /* Its sources are the sign's sources. */
    {"[source a]\nurl = /a\n[source b]\nurl = /b\n", "[source c]\nurl = https://x.example/c.json\n",
     "source0=c \"https://x.example/c.json\" 300 \"\"", true},
    {"[source a]\nurl = /a\n", "[sign]\ntitle = x\n", "source0=a \"/a\" 300 \"\"", true},
    /* One named like a sign's own source replaces it too (this used to crash). */
    {"[source a]\nurl = /a\n", "[source a]\nurl = /b\n", "source0=a \"/b\" 300 \"\"", true},
    {"[source a]\nurl = /a\npublic_key = " KEY56 "\n",
     "[source c]\nurl = /c\npublic_key = " KEY56 "\n", "source0=c \"/c\" 300", true},
    /* Themes from afar: the sign's own colour keys still win over the theme's. */
    {"[theme]\naccent = #010203\n", "[theme]\nname = high-contrast\n", "accent=010203", true},
    {"[theme]\naccent = #010203\n", "[theme]\nname = high-contrast\n", "background=000000", true},
    {"[theme]\nname = light\n", "[theme]\nband_background = #222222\n", "background=e9edf3", true},
    {"[theme]\nname = light\n", "[theme]\nname = default\n", "background=0b1220", true},
    {"", "[theme]\nname = neon\n", "remote.conf:2: unknown theme 'neon'", false},
    /* What a remote file may not do. */
    {"", "[display]\nrotate = 90\n", "remote.conf:1: [display] cannot be set from afar", false},
    {"", "[status]\nfile = /tmp/x\n", "[status] cannot be set from afar", false},
    {"", "[network]\nca_file = /tmp/ca.pem\n", "[network] cannot be set from afar", false},
    {"", "[remote]\nurl = https://evil.example/s.conf\n", "[remote] cannot be set from afar",
     false},
    {"", "[schedule]\ntimezone = Asia/Tokyo\n", "remote.conf:2: timezone cannot be set from afar",
     false},
    {"[source a]\nurl = /a\npublic_key = " KEY56 "\n", "[source c]\nurl = /c\n",
     "remote.conf:1: [source c] has no public_key, and this sign takes only signed feeds", false},
    {"", "[sign]\ncard_seconds = 1\n", "remote.conf:2: card_seconds: 1 is out of range", false},
    {"", "[sign]\ntitle = a\n[sign]\nnope = 1\n", "remote.conf:4: unknown key 'nope'", false},
    {"[source a]\nurl = /a\n", "[source a]\nurl = /b\n[source a]\nurl = /c\n",
     "remote.conf:3: duplicate source name 'a' (first defined on line 1)", false},
};

static void test_apply_remote(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(remote_rows); i++) {
        const struct remote_row *r = &remote_rows[i];
        struct config cfg;
        config_init(&cfg);
        char *errors;
        assert_true(parse_captured(&cfg, r->base, strlen(r->base), &errors));
        free(errors);
        char *before = dump(&cfg);
        struct error err = {""};
        bool ok = config_apply_remote(&cfg, "remote.conf", r->remote, strlen(r->remote), &err);
        char *after = dump(&cfg);
        if (ok != r->ok)
            fail_msg("remote row %zu: %s (%s)", i, ok ? "applied" : "refused", err.msg);
        if (ok && !strstr(after, r->expect))
            fail_msg("remote row %zu: no '%s' in\n%s", i, r->expect, after);
        /* Refused: the message names the problem, and nothing changed. */
        if (!ok && (!strstr(err.msg, r->expect) || strcmp(before, after) != 0))
            fail_msg("remote row %zu: '%s', expected '%s'", i, err.msg, r->expect);
        free(before);
        free(after);
        config_finish(&cfg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_source_limit),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_raw_input),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_dropins),
        cmocka_unit_test(test_theme_files),
        cmocka_unit_test(test_shipped_themes),
        cmocka_unit_test(test_logo_check),
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_color),
        cmocka_unit_test(test_add_source),
        cmocka_unit_test(test_documented_matches_asset),
        cmocka_unit_test(test_documented_parses),
        cmocka_unit_test(test_apply_remote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
