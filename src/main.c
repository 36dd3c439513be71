/* ticker: command line. Parses arguments and hands over to the module that owns the command. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "checkfeed.h"
#include "config.h"
#include "date.h"
#include "feed.h"
#include "headless.h"
#include "log.h"
#include "preview.h"
#include "scene.h"
#include "util.h"
#include "version.h"

#define MAX_FEEDS 32

static const char usage[] =
    "Usage:\n"
    "  ticker [--config FILE] [--feed SRC]... [--window WxH] [--stats FILE] [--duration S]\n"
    "      run the sign (full screen unless --window or the config says otherwise)\n"
    "  ticker feed SRC\n"
    "      read SRC and print one JSON object per story, one per line\n"
    "  ticker render --at SECONDS --size WxH --out FILE.png [--feed SRC]... [--config FILE]\n"
    "                [--now RFC3339]\n"
    "      draw the frame the sign shows SECONDS after it starts, with the software renderer\n"
    "  ticker check-config FILE\n"
    "      validate a config file and its drop-ins (FILE.d/*.conf), naming each file read;\n"
    "      errors as FILE:LINE: message\n"
    "  ticker check-feed SRC [--config FILE] [--json]\n"
    "      what the sign will do with each story: headline lines and cuts, figures, expiry,\n"
    "      duplicates, missing glyphs, signature; problems on stderr as\n"
    "      SRC: story N \"headline\": reason; exit 0 all shown as written, 1 problems,\n"
    "      2 unreadable\n"
    "  ticker preview SRC --out FILE.png [--config FILE] [--size WxH]\n"
    "      a contact sheet of every card (screen: --size, else the config's mode, else\n"
    "      1920x1080), numbered as check-feed does\n"
    "  ticker --help | --version\n"
    "\n"
    "SRC is a file path or an http(s) URL. Without --feed and without [source] sections in the\n"
    "config, the sign shows its built-in default feed.\n";

static int fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail_usage(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "ticker: %s (see ticker --help)\n", msg);
    return 2;
}

/* --size WxH for a drawn picture (render, preview): from 160x120 up to max on each side. */
static bool picture_size_option(const char *v, int max, int *w, int *h)
{
    if (config_parse_size(v, w, h) && *w >= 160 && *h >= 120 && *w <= max && *h <= max)
        return true;
    fail_usage("--size wants WxH between 160x120 and %dx%d, not \"%s\"", max, max, v);
    return false;
}

static bool parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < 0 || v > 1e9)
        return false;
    *out = v;
    return true;
}

/* Options both `run` and `render` take. Returns 1 when argv[*i] was one of them, 0 when it
 * was not, and a negative exit status (-2) on a usage error. */
static int common_option(int argc, char **argv, int *i, const char **config_path,
                         const char **feeds, size_t *feed_count)
{
    const char *a = argv[*i];
    if (strcmp(a, "--config") != 0 && strcmp(a, "--feed") != 0)
        return 0;
    if (*i + 1 >= argc)
        return -fail_usage("%s needs a value", a);
    const char *v = argv[++*i];
    if (a[2] == 'c') {
        *config_path = v;
        return 1;
    }
    if (*feed_count == MAX_FEEDS)
        return -fail_usage("at most %d --feed options", MAX_FEEDS);
    feeds[(*feed_count)++] = v;
    return 1;
}

/* Takes the value of an option that needs one, or fails. */
#define OPTARG(name)                                                                               \
    (i + 1 < argc ? argv[++i] : (fail_usage("%s needs a value", name), (char *)NULL))

static int cmd_run(int argc, char **argv)
{
    const char *feeds[MAX_FEEDS];
    struct app_options opt = {0};
    opt.feeds = feeds;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int common = common_option(argc, argv, &i, &opt.config_path, feeds, &opt.feed_count);
        if (common < 0)
            return -common;
        if (common > 0)
            continue;
        if (strcmp(a, "--window") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            if (!config_parse_size(v, &opt.window_w, &opt.window_h))
                return fail_usage("--window wants WxH, not \"%s\"", v);
        } else if (strcmp(a, "--stats") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            opt.stats_path = v;
        } else if (strcmp(a, "--duration") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            if (!parse_seconds(v, &opt.duration_s))
                return fail_usage("--duration wants seconds, not \"%s\"", v);
        } else {
            return fail_usage("unknown option \"%s\"", a);
        }
    }
    int status = app_run(&opt);
    if (status != APP_RESTART)
        return status;
    /* The same program and arguments, as a new process image: the cache puts the stories back
     * on screen at once. systemd sees the same process and restarts it if this fails. */
    fflush(NULL);
    execv("/proc/self/exe", argv);
    log_error("cannot restart: %s", strerror(errno));
    return 1;
}

static int cmd_render(int argc, char **argv)
{
    const char *feeds[MAX_FEEDS];
    struct render_options opt = {0};
    opt.feeds = feeds;
    opt.now = INT64_MIN;
    bool have_at = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        int common = common_option(argc, argv, &i, &opt.config_path, feeds, &opt.feed_count);
        if (common < 0)
            return -common;
        if (common > 0)
            continue;
        if (strcmp(a, "--at") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            if (!parse_seconds(v, &opt.at_s))
                return fail_usage("--at wants seconds, not \"%s\"", v);
            have_at = true;
        } else if (strcmp(a, "--size") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            if (!picture_size_option(v, 8192, &opt.width, &opt.height))
                return 2;
        } else if (strcmp(a, "--out") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            opt.out = v;
        } else if (strcmp(a, "--now") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            if (!date_parse_rfc3339(v, &opt.now))
                return fail_usage("--now wants an RFC 3339 time, not \"%s\"", v);
        } else {
            return fail_usage("unknown option \"%s\"", a);
        }
    }
    if (!have_at || !opt.width || !opt.out)
        return fail_usage("render needs --at, --size and --out");
    return headless_render(&opt);
}

static void add_string(cJSON *obj, const char *key, const char *value)
{
    cJSON_AddItemToObject(obj, key, cJSON_CreateString(value));
}

static int cmd_feed(int argc, char **argv)
{
    if (argc != 3)
        return fail_usage("feed takes exactly one SRC");
    struct story_list list;
    story_list_init(&list);
    struct error err;
    bool ok = feed_load(argv[2], &list, &err);
    /* What the sign would show: expired stories gone, in display order, duplicates once. */
    story_list_prepare(&list, (int64_t)time(NULL), 0, 0);
    for (size_t i = 0; i < list.count; i++) {
        const struct story *s = &list.items[i];
        cJSON *o = cJSON_CreateObject();
        add_string(o, "title", s->title);
        add_string(o, "summary", s->summary);
        add_string(o, "link", s->link);
        if (s->published != STORY_NO_DATE) {
            char date[32];
            date_format_rfc3339(s->published, date, sizeof(date));
            add_string(o, "published", date);
        } else {
            cJSON_AddNullToObject(o, "published");
        }
        cJSON *figs = cJSON_AddArrayToObject(o, "figures");
        for (size_t f = 0; f < s->figure_count; f++) {
            cJSON *fo = cJSON_CreateObject();
            add_string(fo, "value", s->figures[f].value);
            add_string(fo, "label", s->figures[f].label);
            cJSON_AddItemToArray(figs, fo);
        }
        add_string(o, "source", s->source);
        cJSON_AddBoolToObject(o, "alert", s->alert);
        char *line = cJSON_PrintUnformatted(o);
        puts(line);
        cJSON_free(line);
        cJSON_Delete(o);
    }
    story_list_finish(&list);
    if (!ok) {
        log_error("%s", err.msg);
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

/* The stretch off every day and the minute in its middle, in the system's time zone, where the
 * board image has unattended-upgrades reboot the sign (firmware/image/ticker-updates). Call with
 * the sign's time zone in use; it leaves the system's in use. */
static void print_quiet(const char *path, const struct schedule *sched, int64_t now)
{
    int start, minutes;
    if (!schedule_daily_quiet(sched, &start, &minutes))
        return;
    int end = (start + minutes) % SCHEDULE_DAY_MINUTES, middle = start + minutes / 2;
    /* Today's middle of the stretch as a moment, then read on the system's clock. */
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = middle / 60 % 24;
    tm.tm_min = middle % 60;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    unsetenv("TZ");
    tzset();
    localtime_r(&t, &tm);
    printf("%s: [schedule] off every day %02d:%02d-%02d:%02d; reboots for updates at %02d:%02d "
           "system time\n",
           path, start / 60, start % 60, end / 60, end % 60, tm.tm_hour, tm.tm_min);
}

/* What the schedule does now and next, in the sign's time zone. */
static void print_schedule(const char *path, const struct config *cfg)
{
    struct schedule *sched = xmalloc(sizeof(*sched));
    config_schedule(cfg, sched);
    if (sched->window_count || sched->off_count) {
        schedule_use_timezone(cfg->timezone);
        int64_t now = (int64_t)time(NULL), next = schedule_next_change(sched, now);
        char at[64], then[64];
        schedule_format_time(now, at, sizeof(at));
        bool on = schedule_on(sched, now);
        if (schedule_format_time(next, then, sizeof(then)))
            printf("%s: [schedule] display %s now (%s); %s from %s\n", path, on ? "on" : "off", at,
                   on ? "off" : "on", then);
        else
            printf("%s: [schedule] display %s now (%s); no change within 400 days\n", path,
                   on ? "on" : "off", at);
        print_quiet(path, sched, now);
    }
    free(sched);
}

static int cmd_check_config(int argc, char **argv)
{
    if (argc != 3)
        return fail_usage("check-config takes exactly one FILE");
    struct config cfg;
    config_init(&cfg);
    struct config_files files = {0};
    bool ok = config_check(&cfg, argv[2], &files);
    if (ok) {
        /* What is in effect comes from these, the later over the earlier. */
        for (size_t i = 0; i < files.count; i++)
            printf("%s: read\n", files.paths[i]);
        /* What a valid file asks for but the sign cannot hold: said, not refused. The screen is
         * the configured mode (turned), else a common 1920x1080. */
        int w = cfg.mode[0] ? cfg.mode[0] : 1920, h = cfg.mode[0] ? cfg.mode[1] : 1080;
        if (cfg.rotate % 2) {
            int t = w;
            w = h;
            h = t;
        }
        const struct config_theme *t = &cfg.theme;
        const struct {
            const char *text, *on;
            uint32_t a, b;
        } pairs[] = {
            {"foreground", "surface", t->foreground, t->surface},
            {"muted", "surface", t->muted, t->surface},
            {"band_foreground", "band_background", t->band_foreground, t->band_background},
            {"alert_foreground", "alert_background", t->alert_foreground, t->alert_background}};
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
            if (scene_contrast(pairs[i].a, pairs[i].b) < 3.0)
                log_warn("%s: [theme] %s #%06x on %s #%06x reads at %.1f:1; the sign shifts it "
                         "until it reads at 3:1",
                         argv[2], pairs[i].text, pairs[i].a, pairs[i].on, pairs[i].b,
                         scene_contrast(pairs[i].a, pairs[i].b));
        size_t fit = scene_crawl_fit(w, h, cfg.theme.text_scale);
        if ((size_t)cfg.max_stories > fit)
            log_warn("%s: max_stories = %d: at %dx%d about %zu headlines fit the crawl's %u MiB; "
                     "the others show as cards only",
                     argv[2], cfg.max_stories, w, h, fit, SCENE_CRAWL_BUDGET >> 20);
        print_schedule(argv[2], &cfg);
        printf("%s: ok\n", argv[2]);
    }
    config_files_finish(&files);
    config_finish(&cfg);
    return ok ? 0 : 1;
}

static int cmd_check_feed(int argc, char **argv)
{
    struct checkfeed_options opt = {0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            opt.json = true;
        } else if (strcmp(a, "--config") == 0) {
            if (!(opt.config_path = OPTARG(a)))
                return 2;
        } else if (a[0] == '-' || opt.src) {
            return fail_usage("check-feed: unexpected \"%s\"", a);
        } else {
            opt.src = a;
        }
    }
    if (!opt.src)
        return fail_usage("check-feed needs a SRC");
    return checkfeed_run(&opt);
}

static int cmd_preview(int argc, char **argv)
{
    struct preview_options opt = {0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "--out") == 0) {
            if (!(opt.out = OPTARG(a)))
                return 2;
        } else if (strcmp(a, "--config") == 0) {
            if (!(opt.config_path = OPTARG(a)))
                return 2;
        } else if (strcmp(a, "--size") == 0) {
            if (!(v = OPTARG(a)))
                return 2;
            if (!picture_size_option(v, 4096, &opt.width, &opt.height))
                return 2;
        } else if (a[0] == '-' || opt.src) {
            return fail_usage("preview: unexpected \"%s\"", a);
        } else {
            opt.src = a;
        }
    }
    if (!opt.src || !opt.out)
        return fail_usage("preview needs a SRC and --out");
    return preview_run(&opt);
}

int main(int argc, char **argv)
{
    /* Images (text, crawl tiles) are large and replaced with every content change: give each
     * its own mapping, returned to the system when freed, so resident memory follows what is
     * on screen instead of the high-water mark of every scene so far. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024);
    log_init();
    log_crash_reports();
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("ticker %s\n", TICKER_VERSION);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "feed") == 0)
        return cmd_feed(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "render") == 0)
        return cmd_render(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "check-config") == 0)
        return cmd_check_config(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "check-feed") == 0)
        return cmd_check_feed(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "preview") == 0)
        return cmd_preview(argc, argv);
    if (argc >= 2 && argv[1][0] != '-')
        return fail_usage("unknown command \"%s\"", argv[1]);
    return cmd_run(argc, argv);
}
