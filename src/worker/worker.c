#include "worker.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <curl/curl.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "feed.h"
#include "fetch.h"
#include "source.h"
#include "status.h"
#include "log.h"
#include "cec.h"
#include "notify.h"
#include "picture.h"
#include "util.h"
#include "version.h"

#define CARD_QUEUE 8

#define GLYPHS_CHECKED 1024

struct worker {
    pthread_t thread;
    int wake_fd; /* eventfd: other threads wake the worker by writing to it */
    /* Made by the worker for its first transfer: a sign showing only local feeds never
     * initialises libcurl's TLS (several MB of library pages, milliseconds at start-up). */
    CURLM *multi;
    CURLSH *share; /* TLS sessions and DNS of every source (fetch_share_create) */
    uint32_t wake_event;

    pthread_mutex_t lock; /* guards everything below */
    bool quit, reload, screen_changed, stats_pending;
    bool display_on;       /* what the schedule says now */
    const char *restart;   /* static; see worker_restart_reason */
    struct picture screen; /* a screenshot to write; rgba NULL: none */
    uint64_t frames_shown, frames_dropped, frames_late;
    int64_t heartbeat_ns; /* monotonic; the worker loop sets it on every pass */
    const char *failure;  /* static; see worker_failure */
    int width, height, max_tile_w;
    struct scene *mailbox;
    struct scene_image status_mailbox; /* with status_for: a new status line for that scene */
    uint32_t status_for;               /* 0: none */
    /* Cards of the newest scene the render side asked for, and those made for it. */
    struct card_ask {
        uint32_t scene_id;
        size_t card;
    } asks[CARD_QUEUE];
    size_t ask_count;
    struct scene_card_pack packs[CARD_QUEUE];
    size_t pack_count;
    struct stats stats_copy;
    char *stats_path;

    /* Worker thread only. */
    struct config config;
    char *config_path;
    char **cli_feeds;
    size_t cli_feed_count;
    struct scene_fonts fonts;
    bool fonts_ok;
    struct source *sources;
    size_t source_count;
    char *cache_dir; /* NULL: no cache (no state directory) */
    char *status_path;
    bool status_dirty, status_failed, metrics_failed;
    struct schedule schedule;
    bool schedule_active; /* the config has one: it is looked at every minute */
    struct cec *cec;      /* HDMI-CEC, opened when the panel's power is first changed */
    bool cec_tried;
    int panel_power;      /* what CEC was last told: -1 nothing yet, 0 standby, 1 on */
    struct config local;  /* the config file (and --feed) as last read; config is it + remote */
    struct source remote; /* the [remote] settings; name NULL: none */
    char *settings_dir;   /* where the remote settings are cached; NULL: nowhere */
    int64_t next_status_ns, next_merge_ns;
    struct status_totals totals;
    struct story_list stories; /* merged from every source: what is shown */
    bool alert;                /* ... and they are alerts, taking over the sign */
    char *stories_hash;
    char *status_line; /* what the top bar says now, to rebuild when it changes */
    /* What the newest full scene was built from, to rasterise its cards on request: its
     * params (config: w->config) and a copy of its stories. card_params.id 0: none. */
    struct scene_params card_params;
    struct story_list card_stories;
    size_t crawl_cut_said; /* headlines in the crawl when it could not hold them all; 0: all */
    /* Stories whose glyphs were checked (a hash of id and text each, the last GLYPHS_CHECKED):
     * a story with characters no font has is said once, not at every rebuild. */
    uint64_t glyphs_checked[GLYPHS_CHECKED];
    size_t glyphs_checked_next;
    uint32_t next_scene_id;
    bool posted_status; /* the scene posted last has a status line to replace */
};

/* A cheap fingerprint of what is shown, to skip rebuilding when nothing changed. */
static char *fingerprint(const struct story_list *l)
{
    uint64_t h = 1469598103934665603ull;
#define MIX(str)                                                                                   \
    for (const unsigned char *p = (const unsigned char *)(str); *p; p++)                           \
        h = (h ^ *p) * 1099511628211ull;                                                           \
    h = (h ^ 0xff) * 1099511628211ull;
    MIX(l->title);
    for (size_t i = 0; i < l->count; i++) {
        const struct story *s = &l->items[i];
        MIX(s->alert ? "!" : "");
        MIX(s->title);
        MIX(s->summary);
        for (size_t f = 0; f < s->figure_count; f++) {
            MIX(s->figures[f].value);
            MIX(s->figures[f].label);
        }
    }
#undef MIX
    return xasprintf("%016llx/%zu", (unsigned long long)h, l->count);
}

static void wake_render_thread(struct worker *w)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = w->wake_event;
    if (SDL_PushEvent(&ev) < 0)
        log_warn("cannot wake the render thread: %s", SDL_GetError());
}

static int64_t last_update(const struct worker *w, bool *offline);

static uint64_t story_hash(const struct story *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    const char *parts[] = {s->id, s->title, s->summary};
    for (size_t k = 0; k < ARRAY_LEN(parts); k++)
        for (const char *p = parts[k];; p++) {
            h = (h ^ (unsigned char)*p) * 1099511628211u;
            if (!*p)
                break;
        }
    return h;
}

/* Logs, once per story, the characters of its text that no installed font has. */
static void check_glyphs(struct worker *w)
{
    for (size_t i = 0; i < w->stories.count; i++) {
        const struct story *s = &w->stories.items[i];
        uint64_t h = story_hash(s);
        bool seen = false;
        for (size_t k = 0; k < GLYPHS_CHECKED && !seen; k++)
            seen = w->glyphs_checked[k] == h;
        if (seen)
            continue;
        w->glyphs_checked[w->glyphs_checked_next++ % GLYPHS_CHECKED] = h;
        uint32_t first = 0;
        size_t missing = scene_missing_glyphs(&w->fonts, s, &first);
        if (missing)
            log_warn("%s: story \"%.60s\": %zu character%s no installed font has (first U+%04X), "
                     "shown as boxes",
                     s->source, s->title, missing, missing == 1 ? "" : "s", first);
    }
}

static void post_scene(struct worker *w, const struct scene_params *p)
{
    int64_t t0 = util_now_ns();
    struct scene *scene = scene_build(p, &w->fonts, &w->stories);
    size_t bytes = 0;
    for (size_t i = 0; i < scene->image_count; i++)
        bytes += (size_t)scene->images[i].w * (size_t)scene->images[i].h; /* masks */
    log_debug("scene %u%s for %dx%d: %zu stories, %zu images (%.1f MiB) in %.1f ms", scene->id,
              p->preview ? " (preview)" : "", p->width, p->height, w->stories.count,
              scene->image_count, (double)bytes / 1048576.0, (double)(util_now_ns() - t0) / 1e6);
    /* Said when it changes, not at every update. */
    size_t cut = !p->preview && scene->segment_count < w->stories.count ? scene->segment_count : 0;
    if (cut && cut != w->crawl_cut_said)
        log_warn("the crawl holds the first %zu of %zu headlines: at %dx%d the rest would pass "
                 "its %u MiB (see max_stories)",
                 cut, w->stories.count, p->width, p->height, SCENE_CRAWL_BUDGET >> 20);
    if (!p->preview) {
        w->crawl_cut_said = cut;
        check_glyphs(w);
    }
    pthread_mutex_lock(&w->lock);
    struct scene *stale = w->mailbox;
    w->mailbox = scene;
    pthread_mutex_unlock(&w->lock);
    scene_destroy(stale);
    wake_render_thread(w);
}

static bool build_and_post(struct worker *w, int width, int height, int max_tile_w)
{
    if (!w->fonts_ok || width <= 0 || height <= 0)
        return false;
    struct scene_params p = {.width = width,
                             .height = height,
                             .max_tile_w = max_tile_w,
                             .config = &w->config,
                             .alert = w->alert};
    p.updated_at = last_update(w, &p.offline);
    /* The very first frame waits for a scene: a preview with the first card and enough crawl
     * goes first, the whole scene follows before the first card boundary. */
    if (w->next_scene_id == 1 && w->stories.count > 1) {
        p.preview = true;
        p.id = w->next_scene_id++;
        post_scene(w, &p);
        p.preview = false;
    }
    p.id = w->next_scene_id++;
    p.lazy_cards = true;
    post_scene(w, &p);
    w->posted_status = p.updated_at > 0;
    /* Its cards come on request: keep what they are made from. */
    w->card_params = p;
    story_list_finish(&w->card_stories);
    story_list_init(&w->card_stories);
    free(w->card_stories.title);
    w->card_stories.title = xstrdup(w->stories.title);
    for (size_t i = 0; i < w->stories.count; i++)
        story_copy(story_list_add(&w->card_stories), &w->stories.items[i]);
    /* Layout and shaping leave freed memory in this thread's arena: give it back. */
    malloc_trim(0);
    return true;
}

/* Makes the cards the render side asked for, of the newest scene (asks for older ones are
 * moot: that scene's next card comes from the newest). */
static void make_cards(struct worker *w)
{
    for (;;) {
        pthread_mutex_lock(&w->lock);
        bool any = w->ask_count > 0;
        struct card_ask ask = any ? w->asks[0] : (struct card_ask){0};
        if (any)
            memmove(w->asks, w->asks + 1, --w->ask_count * sizeof(*w->asks));
        pthread_mutex_unlock(&w->lock);
        if (!any)
            return;
        struct scene_card_pack pack;
        if (!w->fonts_ok || ask.scene_id != w->card_params.id || w->card_params.id == 0 ||
            !scene_build_card(&w->card_params, &w->fonts, &w->card_stories, ask.card, &pack))
            continue;
        pthread_mutex_lock(&w->lock);
        struct scene_card_pack dropped = {0};
        if (w->pack_count == CARD_QUEUE) {
            dropped = w->packs[0]; /* the render side asks again */
            memmove(w->packs, w->packs + 1, --w->pack_count * sizeof(*w->packs));
        }
        w->packs[w->pack_count++] = pack;
        pthread_mutex_unlock(&w->lock);
        scene_card_pack_finish(&dropped);
        wake_render_thread(w);
    }
}

/* Only the status line changed ("Updated" after a poll, "Offline"): a new one for the scene
 * posted last, instead of a whole new scene (every card and the crawl again, and for minutes
 * two scenes' memory while the old crawl leaves the screen). False when it needs a scene. */
static bool post_status(struct worker *w, int width, int height, int max_tile_w)
{
    if (!w->fonts_ok || !w->posted_status || width <= 0 || height <= 0)
        return false;
    struct scene_params p = {.width = width,
                             .height = height,
                             .max_tile_w = max_tile_w,
                             .config = &w->config,
                             .alert = w->alert};
    p.updated_at = last_update(w, &p.offline);
    struct scene_image img;
    if (!scene_build_status(&p, &w->fonts, &img))
        return false;
    pthread_mutex_lock(&w->lock);
    struct scene_image stale = w->status_mailbox;
    bool had_stale = w->status_for != 0;
    w->status_mailbox = img;
    w->status_for = w->next_scene_id - 1;
    pthread_mutex_unlock(&w->lock);
    if (had_stale)
        scene_image_finish(&stale);
    wake_render_thread(w);
    return true;
}

/* Where caches live: systemd's StateDirectory=, else the XDG state directory. */
static char *default_cache_dir(void)
{
    const char *dir = getenv("STATE_DIRECTORY");
    if (dir && dir[0])
        return xasprintf("%s/cache", dir);
    dir = getenv("XDG_STATE_HOME");
    if (dir && dir[0])
        return xasprintf("%s/ticker/cache", dir);
    dir = getenv("HOME");
    if (dir && dir[0])
        return xasprintf("%s/.local/state/ticker/cache", dir);
    return NULL;
}

static void sources_finish(struct worker *w)
{
    for (size_t i = 0; i < w->source_count; i++)
        source_finish(&w->sources[i], w->multi);
    free(w->sources);
    w->sources = NULL;
    w->source_count = 0;
}

/* One source per config section. A source the config still describes the same way is kept
 * as it is in memory (a reload never goes back to an older copy on disk); a new or changed one
 * shows its cached stories at once. */
static void sources_init(struct worker *w)
{
    struct source *old = w->sources;
    size_t old_count = w->source_count;
    if (w->cache_dir)
        cache_dir_ensure(w->cache_dir); /* on failure, each store tries again */
    w->source_count = w->config.source_count;
    w->sources = xcalloc(w->source_count ? w->source_count : 1, sizeof(*w->sources));
    int64_t now = util_now_ns();
    for (size_t i = 0; i < w->source_count; i++) {
        const struct config_source *cfg = &w->config.sources[i];
        size_t j = 0;
        while (j < old_count &&
               !(old[j].name && source_matches(&old[j], cfg, w->config.ca_file, w->config.ca_path)))
            j++;
        if (j < old_count) {
            w->sources[i] = old[j];
            memset(&old[j], 0, sizeof(old[j])); /* taken */
            source_keep(&w->sources[i], cfg, now);
        } else {
            source_init(&w->sources[i], cfg, w->cache_dir, w->config.ca_file, w->config.ca_path,
                        now);
        }
    }
    for (size_t j = 0; j < old_count; j++)
        if (old[j].name)
            source_finish(&old[j], w->multi);
    free(old);
    w->status_dirty = true;
}

/* The merged stories of every source; true when they differ from what is shown. */
static bool merge_sources(struct worker *w)
{
    struct story_list merged;
    story_list_init(&merged);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec, wall_ns = ts.tv_nsec, until = now + 60;
    for (size_t i = 0; i < w->source_count; i++) {
        const struct source *s = &w->sources[i];
        if (!merged.title[0] && s->title[0]) {
            free(merged.title);
            merged.title = xstrdup(s->title);
        }
        for (size_t k = 0; k < s->stories.count; k++) {
            if (source_shows(s, &s->stories.items[k], now))
                story_copy(story_list_add(&merged), &s->stories.items[k]);
            until = story_next_change(&s->stories.items[k], now, until);
        }
    }
    /* Again at the next start or expiry (an alert leaves on its second), at least once a
     * minute (max_age_hours); a few ms late, so the second has surely begun. */
    w->next_merge_ns = util_now_ns() + (until - now) * 1000000000 - wall_ns + 20000000;
    story_list_prepare(&merged, now, (int64_t)w->config.max_age_hours * 3600,
                       (size_t)w->config.max_stories);
    size_t alerts = story_list_keep_alerts(&merged);
    if (alerts && !w->alert)
        log_warn("alert from %s: \"%.80s\"%s takes over the sign", merged.items[0].source,
                 merged.items[0].title, alerts > 1 ? " and more" : "");
    else if (!alerts && w->alert)
        log_info("alert over: the news is back on the sign");
    w->alert = alerts > 0;
    if (w->totals.alerts_shown != alerts)
        w->status_dirty = true; /* operators see a take-over at once */
    w->totals.alerts_shown = alerts;
    char *fp = fingerprint(&merged);
    bool changed = !w->stories_hash || strcmp(fp, w->stories_hash) != 0;
    free(w->stories_hash);
    w->stories_hash = fp;
    story_list_finish(&w->stories);
    w->stories = merged;
    w->totals.stories_shown = merged.count;
    return changed;
}

/* Newest success of any source (0: none yet), and whether that is too long ago. */
static int64_t last_update(const struct worker *w, bool *offline)
{
    int64_t t = 0;
    for (size_t i = 0; i < w->source_count; i++)
        if (w->sources[i].last_success > t)
            t = w->sources[i].last_success;
    *offline = t > 0 && (int64_t)time(NULL) - t > (int64_t)w->config.offline_after_minutes * 60;
    return t;
}

/* Starts a poll of s when it is due; true when its content changed (files read at once). */
static bool start_due(struct worker *w, struct source *s, int64_t now)
{
    if (!source_due(s, now))
        return false;
    if (!w->multi && fetch_is_url(s->url) && !(w->multi = curl_multi_init()))
        log_error("cannot initialise libcurl");
    if (w->multi && !w->share)
        w->share = fetch_share_create(); /* NULL: every poll makes a full TLS handshake */
    s->share = w->share;
    w->status_dirty = true;
    return source_start(s, w->multi, now);
}

/* Starts what is due, collects what finished; true when the shown stories may have changed,
 * *settings when the remote settings did. */
static bool run_sources(struct worker *w, bool *settings)
{
    bool changed = false;
    int64_t now = util_now_ns();
    for (size_t i = 0; i < w->source_count; i++)
        changed |= start_due(w, &w->sources[i], now);
    if (w->remote.name)
        *settings |= start_due(w, &w->remote, now);
    if (!w->multi)
        return changed;
    int running;
    curl_multi_perform(w->multi, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(w->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode rc = msg->data.result;
        w->status_dirty = true;
        if (w->remote.name && source_owns(&w->remote, easy)) {
            *settings |= source_done(&w->remote, w->multi, rc, util_now_ns());
            continue;
        }
        for (size_t i = 0; i < w->source_count; i++) {
            if (source_owns(&w->sources[i], easy)) {
                changed |= source_done(&w->sources[i], w->multi, rc, util_now_ns());
                break;
            }
        }
    }
    return changed;
}

/* Sleeps for ms or until woken, by another thread or by a transfer's socket. */
static void sleep_until_woken(struct worker *w, int ms)
{
    if (w->multi) {
        struct curl_waitfd wake_wait = {.fd = w->wake_fd, .events = CURL_WAIT_POLLIN};
        int numfds;
        curl_multi_poll(w->multi, &wake_wait, 1, ms, &numfds);
    } else {
        struct pollfd wake_wait = {.fd = w->wake_fd, .events = POLLIN};
        poll(&wake_wait, 1, ms);
    }
    uint64_t count;
    if (read(w->wake_fd, &count, sizeof(count)) < 0) {
        /* EAGAIN: woken by the timeout or a socket, not by a write. */
    }
}

/* The earlier of next and when s needs the worker: its next poll, or curl's next timeout. */
static int64_t source_wake(const struct worker *w, const struct source *s, int64_t now,
                           int64_t next)
{
    int64_t due = s->next_poll_ns;
    if (source_busy(s)) {
        long t = -1;
        curl_multi_timeout(w->multi, &t);
        due = now + (t >= 0 && t < 1000 ? t : 1000) * 1000000;
    }
    return due < next ? due : next;
}

/* How long the worker may sleep: until the next poll is due, but no longer than a second
 * while transfers run (curl_multi_poll also wakes on their sockets) and a minute otherwise. */
static int wait_ms(const struct worker *w)
{
    int64_t now = util_now_ns(), next = now + 60 * (int64_t)1000000000;
    for (size_t i = 0; i < w->source_count; i++)
        next = source_wake(w, &w->sources[i], now, next);
    if (w->remote.name)
        next = source_wake(w, &w->remote, now, next);
    if (w->next_merge_ns < next)
        next = w->next_merge_ns;
    if (w->schedule_active) {
        /* The schedule switches on whole minutes of the wall clock. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t to_minute = (60 - ts.tv_sec % 60) * (int64_t)1000000000 - ts.tv_nsec;
        if (now + to_minute + 20000000 < next)
            next = now + to_minute + 20000000;
    }
    if (w->status_dirty || w->next_status_ns < next)
        next = w->status_dirty ? now : (w->next_status_ns < next ? w->next_status_ns : next);
    int64_t ms = (next - now) / 1000000;
    return ms < 0 ? 0 : (int)ms;
}

/* systemd's one-line STATUS=: what `systemctl status ticker` shows. */
static void notify_summary(const struct worker *w)
{
    bool offline;
    int64_t updated = last_update(w, &offline);
    size_t failing = 0;
    const char *error = "";
    for (size_t i = 0; i < w->source_count; i++)
        if (w->sources[i].failures > 0 && failing++ == 0)
            error = w->sources[i].last_error.msg;
    char when[32] = "not yet";
    struct tm tm;
    time_t t = (time_t)updated;
    if (updated > 0 && localtime_r(&t, &tm))
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
    char *line = xasprintf("%zu stories; %s %s; %zu of %zu sources failing%s%s; %llu frames, "
                           "%llu dropped",
                           w->stories.count, offline ? "offline, news from" : "updated", when,
                           failing, w->source_count, failing ? ": " : "", error,
                           (unsigned long long)w->totals.frames_shown,
                           (unsigned long long)w->totals.frames_dropped);
    notify_status(line);
    free(line);
}

/* One line when writing a file starts failing and one when it works again, not one a minute. */
static void report_write(bool ok, bool *failed, const char *path, const struct error *err)
{
    if (!ok && !*failed)
        log_warn("cannot write %s (%s); will keep trying quietly", path, err->msg);
    else if (ok && *failed)
        log_info("%s: written again", path);
    *failed = !ok;
}

static void write_status(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    w->totals.frames_shown = w->frames_shown;
    w->totals.frames_dropped = w->frames_dropped;
    w->totals.frames_late = w->frames_late;
    w->totals.display_on = w->display_on;
    pthread_mutex_unlock(&w->lock);
    w->totals.remote = w->remote.name ? &w->remote : NULL;
    w->totals.resident_bytes = status_resident_bytes();
    struct error err;
    bool ok = status_write(w->status_path, w->sources, w->source_count, &w->totals,
                           (int64_t)time(NULL), &err);
    report_write(ok, &w->status_failed, w->status_path, &err);
    if (w->config.metrics_file[0]) {
        ok = status_write_metrics(w->config.metrics_file, w->sources, w->source_count, &w->totals,
                                  &err);
        report_write(ok, &w->metrics_failed, w->config.metrics_file, &err);
    }
    w->status_dirty = false;
    notify_summary(w);
    /* Frame counters change all the time; they are refreshed once a minute. */
    w->next_status_ns = util_now_ns() + 60 * (int64_t)1000000000;
}

/* The schedule of w->config in use. */
static void use_schedule(struct worker *w)
{
    config_schedule(&w->config, &w->schedule);
    w->schedule_active = w->schedule.window_count || w->schedule.off_count;
}

/* Switches the display on or off when the schedule says so. Looked at on every pass and at
 * least every minute on the wall clock, so a clock that jumps (NTP after boot) or a DST change
 * is followed within the minute; the state is never remembered across, only read from now. */
static void follow_schedule(struct worker *w)
{
    bool on = schedule_on(&w->schedule, (int64_t)time(NULL));
    pthread_mutex_lock(&w->lock);
    bool changed = on != w->display_on;
    w->display_on = on;
    pthread_mutex_unlock(&w->lock);
    if (!changed)
        return;
    int64_t next = schedule_next_change(&w->schedule, (int64_t)time(NULL));
    char when[64];
    if (schedule_format_time(next, when, sizeof(when)))
        log_info("display %s (schedule); %s again %s", on ? "on" : "off", on ? "off" : "on", when);
    else
        log_info("display %s (schedule); no change within 400 days", on ? "on" : "off");
    w->status_dirty = true;
    wake_render_thread(w);
}

/* The panel's power over HDMI-CEC follows the display: standby when off, woken when on. Only
 * for a sign with a schedule (one without never sends a TV to standby, or wakes it at each
 * start), and after the first scene is out, since opening the adapter can take a second. */
static void follow_panel(struct worker *w)
{
    bool on = worker_display_on(w);
    if ((!w->schedule_active && w->panel_power != 0) || w->panel_power == (int)on)
        return;
    if (!w->cec_tried) {
        w->cec = cec_open();
        w->cec_tried = true;
    }
    if (w->cec && cec_set_power(w->cec, on))
        log_info("panel %s over HDMI-CEC", on ? "woken" : "sent to standby");
    w->panel_power = on;
}

/* Writes a screenshot the render thread took (SIGUSR2) beside the status file. */
static void write_screenshot(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    struct picture pic = w->screen;
    w->screen = (struct picture){0};
    pthread_mutex_unlock(&w->lock);
    if (!pic.rgba)
        return;
    char *dir = xstrdup(w->status_path), *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    char *path = xasprintf("%s/screen.png", slash ? dir : ".");
    if (picture_write_png(path, &pic))
        log_info("%s: screenshot written (%ux%u)", path, pic.width, pic.height);
    free(path);
    free(dir);
    picture_finish(&pic);
}

/* Whether a config takes only signed feeds: remote settings must then sign theirs too. */
static bool requires_signed(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->source_count; i++)
        if (cfg->sources[i].public_key[0])
            return true;
    return false;
}

/* The [remote] settings source as the local config describes it: kept when unchanged (its
 * settings, validators and rollback floor stay), else started afresh from its cache. */
static void remote_sync(struct worker *w)
{
    const struct config *l = &w->local;
    char name[] = "remote";
    struct config_source want = {.name = name,
                                 .url = l->remote_url,
                                 .refresh_s = l->remote_refresh_s,
                                 .public_key = l->remote_public_key};
    bool require = requires_signed(l);
    if (w->remote.name && l->remote_url[0] &&
        source_matches(&w->remote, &want, l->ca_file, l->ca_path) &&
        w->remote.settings_require_signed == require) {
        source_keep(&w->remote, &want, util_now_ns());
        return;
    }
    if (w->remote.name)
        source_finish(&w->remote, w->multi);
    if (!l->remote_url[0])
        return;
    if (w->settings_dir)
        cache_dir_ensure(w->settings_dir); /* on failure, each store tries again */
    source_init_settings(&w->remote, &want, require, w->settings_dir, l->ca_file, l->ca_path,
                         util_now_ns());
}

/* The configuration in use: the local one, with the remote settings over it. */
static void compose_config(struct worker *w, struct config *out)
{
    config_copy(out, &w->local);
    struct error err;
    if (!w->remote.name || !w->remote.settings ||
        config_apply_remote(out, w->remote.shown_url, w->remote.settings, w->remote.settings_len,
                            &err))
        return;
    /* Checked when they came, so only a local change (a signed source added) gets here. */
    error_set(&w->remote.last_error, "settings refused: %s", err.msg);
    log_error("remote %s; using the local configuration", w->remote.last_error.msg);
    w->status_dirty = true;
}

/* Puts fresh (taken) in use, as a reload does. */
static void apply_config(struct worker *w, struct config *fresh);

/* The local config and the remote settings composed again and put in use: after a reload, or
 * when new remote settings arrived. */
static void recompose(struct worker *w)
{
    struct config composed;
    compose_config(w, &composed);
    apply_config(w, &composed);
}

static void apply_config(struct worker *w, struct config *fresh)
{
    w->card_params.id = 0; /* its config goes; the new one brings a new scene */
    if (strcmp(fresh->timezone, w->config.timezone) != 0) {
        /* The zone is the process's, set before the threads started. */
        log_info("time zone changed from %s to %s: restarting the sign",
                 w->config.timezone[0] ? w->config.timezone : "the system's",
                 fresh->timezone[0] ? fresh->timezone : "the system's");
        pthread_mutex_lock(&w->lock);
        w->restart = "the time zone changed";
        pthread_mutex_unlock(&w->lock);
    }
    config_finish(&w->config);
    w->config = *fresh;
    use_schedule(w);
    struct scene_fonts fonts;
    if (scene_fonts_init(&fonts, &w->config)) {
        if (w->fonts_ok)
            scene_fonts_finish(&w->fonts);
        w->fonts = fonts;
        w->fonts_ok = true;
    }
    /* New sources (each polled now: a reload also means "look at the feeds"). */
    sources_init(w);
    free(w->status_path);
    w->status_path = status_default_path(w->config.status_file);
}

/* SIGHUP: the config file again. Returns false when it has errors (the running configuration
 * stays). */
static bool reload_config(struct worker *w)
{
    if (w->config_path) {
        struct config fresh;
        if (!config_read(&fresh, w->config_path, (const char *const *)w->cli_feeds,
                         w->cli_feed_count)) {
            log_error("%s: keeping the running configuration", w->config_path);
            config_finish(&fresh);
            return false;
        }
        config_finish(&w->local);
        w->local = fresh;
        log_info("%s: configuration reloaded", w->config_path);
        remote_sync(w);
    }
    recompose(w);
    return true;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (TTF_Init() != 0) {
        log_error("cannot initialise SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    /* The remote settings as last accepted (their fonts too), then the cached stories: all on
     * screen before any network or NTP. */
    remote_sync(w);
    if (w->remote.settings) {
        struct config composed;
        compose_config(w, &composed);
        config_finish(&w->config);
        w->config = composed;
        use_schedule(w);
        log_info("remote settings from %s in use (signed at %lld)", w->remote.shown_url,
                 (long long)w->remote.sig_timestamp);
    }
    w->fonts_ok = scene_fonts_init(&w->fonts, &w->config);
    if (!w->fonts_ok) {
        pthread_mutex_lock(&w->lock);
        w->failure = "no font can be opened: not the configured ones, not any sans-serif (is "
                     "fonts-inter or another font package installed?)";
        pthread_mutex_unlock(&w->lock);
    }
    sources_init(w);
    merge_sources(w);
    /* The first scene is built even when every source fails: the fallback message shows. */
    bool dirty = true;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        w->heartbeat_ns = util_now_ns();
        bool quit = w->quit, reload = w->reload, resized = w->screen_changed;
        bool stats = w->stats_pending;
        int width = w->width, height = w->height, max_tile_w = w->max_tile_w;
        struct stats snapshot;
        char *stats_path = NULL;
        if (stats) {
            snapshot = w->stats_copy;
            stats_path = xstrdup(w->stats_path);
        }
        w->reload = w->screen_changed = w->stats_pending = false;
        pthread_mutex_unlock(&w->lock);
        if (quit)
            break;
        if (stats) {
            stats_write(&snapshot, stats_path);
            free(stats_path);
        }
        write_screenshot(w);
        if (reload && reload_config(w))
            dirty = true;
        follow_schedule(w);
        /* Merged again on content and when a story starts or expires (merge_sources). */
        bool settings = false;
        bool stories = run_sources(w, &settings);
        if (settings) {
            log_info("remote settings from %s applied (signed at %lld)", w->remote.shown_url,
                     (long long)w->remote.sig_timestamp);
            recompose(w);
            dirty = stories = true;
        }
        if (stories || util_now_ns() >= w->next_merge_ns)
            dirty |= merge_sources(w);
        /* The top bar's "Updated"/"Offline" line changes with time as well as content. */
        for (size_t i = 0; i < w->source_count; i++)
            source_check_clock(&w->sources[i], (int64_t)time(NULL));
        bool offline;
        int64_t updated = last_update(w, &offline);
        char *line = xasprintf("%lld/%d", (long long)(updated / 60), offline);
        bool status_changed = !w->status_line || strcmp(line, w->status_line) != 0;
        free(w->status_line);
        w->status_line = line;
        if (status_changed && !dirty && !resized && !post_status(w, width, height, max_tile_w))
            dirty = true;
        if ((dirty || resized) && build_and_post(w, width, height, max_tile_w))
            dirty = false;
        make_cards(w);
        if (w->next_scene_id > 1)
            follow_panel(w);
        if (w->status_dirty || util_now_ns() >= w->next_status_ns)
            write_status(w);
        sleep_until_woken(w, wait_ms(w));
    }
    write_status(w);
    sources_finish(w);
    if (w->remote.name)
        source_finish(&w->remote, w->multi);
    cec_destroy(w->cec);
    if (w->fonts_ok)
        scene_fonts_finish(&w->fonts);
    TTF_Quit();
    fonts_shutdown();
    return NULL;
}

static void wake(struct worker *w)
{
    uint64_t one = 1;
    if (write(w->wake_fd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is full, so a wake-up is pending anyway. */
    }
}

struct worker *worker_create(const struct config *cfg, const char *config_path,
                             const char *const *cli_feeds, size_t cli_feed_count,
                             uint32_t wake_event)
{
    struct worker *w = xcalloc(1, sizeof(*w));
    config_copy(&w->config, cfg);
    w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->wake_fd < 0) {
        log_error("cannot create the worker's wake-up event: %s", strerror(errno));
        goto err_free_config;
    }
    w->wake_event = wake_event;
    w->cache_dir = default_cache_dir();
    config_copy(&w->local, cfg);
    if (w->cache_dir) {
        /* Beside the feeds' cache, not in it: a source may be called "remote". */
        const char *slash = strrchr(w->cache_dir, '/');
        w->settings_dir =
            xasprintf("%.*ssettings", slash ? (int)(slash + 1 - w->cache_dir) : 0, w->cache_dir);
    }
    w->status_path = status_default_path(w->config.status_file);
    w->totals.started = (int64_t)time(NULL);
    w->panel_power = -1;
    /* Known before the first frame: a sign started at night comes up dark. */
    use_schedule(w);
    w->display_on = schedule_on(&w->schedule, (int64_t)time(NULL));
    if (!w->display_on)
        log_info("display off (schedule) from the start");
    w->heartbeat_ns = util_now_ns();
    pthread_mutex_init(&w->lock, NULL);
    w->config_path = config_path ? xstrdup(config_path) : NULL;
    w->cli_feeds = xcalloc(cli_feed_count + 1, sizeof(char *));
    for (size_t i = 0; i < cli_feed_count; i++)
        w->cli_feeds[i] = xstrdup(cli_feeds[i]);
    w->cli_feed_count = cli_feed_count;
    story_list_init(&w->stories);
    story_list_init(&w->card_stories);
    w->next_scene_id = 1;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        log_error("cannot start the worker thread");
        worker_destroy(w);
        return NULL;
    }
    return w;

err_free_config:
    config_finish(&w->config);
    free(w);
    return NULL;
}

void worker_destroy(struct worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->quit = true;
    pthread_mutex_unlock(&w->lock);
    if (w->thread) {
        wake(w);
        pthread_join(w->thread, NULL);
    }
    scene_destroy(w->mailbox);
    picture_finish(&w->screen);
    if (w->status_for)
        scene_image_finish(&w->status_mailbox);
    if (w->multi)
        curl_multi_cleanup(w->multi);
    fetch_share_destroy(w->share); /* after the transfers that used it */
    close(w->wake_fd);
    pthread_mutex_destroy(&w->lock);
    config_finish(&w->config);
    config_finish(&w->local);
    free(w->settings_dir);
    free(w->config_path);
    for (size_t i = 0; i < w->cli_feed_count; i++)
        free(w->cli_feeds[i]);
    free(w->cli_feeds);
    story_list_finish(&w->stories);
    story_list_finish(&w->card_stories);
    for (size_t i = 0; i < w->pack_count; i++)
        scene_card_pack_finish(&w->packs[i]);
    free(w->stories_hash);
    free(w->status_line);
    free(w->stats_path);
    free(w->cache_dir);
    free(w->status_path);
    free(w);
}

void worker_set_screen(struct worker *w, int width, int height, int max_tile_w)
{
    pthread_mutex_lock(&w->lock);
    w->width = width;
    w->height = height;
    w->max_tile_w = max_tile_w;
    w->screen_changed = true;
    pthread_mutex_unlock(&w->lock);
    wake(w);
}

struct scene *worker_take_scene(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    struct scene *s = w->mailbox;
    w->mailbox = NULL;
    pthread_mutex_unlock(&w->lock);
    return s;
}

bool worker_take_status(struct worker *w, uint32_t *scene_id, struct scene_image *img)
{
    pthread_mutex_lock(&w->lock);
    bool any = w->status_for != 0;
    if (any) {
        *scene_id = w->status_for;
        *img = w->status_mailbox;
        w->status_for = 0;
    }
    pthread_mutex_unlock(&w->lock);
    return any;
}

void worker_want_card(struct worker *w, uint32_t scene_id, size_t card)
{
    pthread_mutex_lock(&w->lock);
    bool known = false;
    for (size_t i = 0; i < w->ask_count && !known; i++)
        known = w->asks[i].scene_id == scene_id && w->asks[i].card == card;
    if (!known) {
        if (w->ask_count == CARD_QUEUE) /* the oldest ask goes; it is asked again if needed */
            memmove(w->asks, w->asks + 1, --w->ask_count * sizeof(*w->asks));
        w->asks[w->ask_count++] = (struct card_ask){scene_id, card};
    }
    pthread_mutex_unlock(&w->lock);
    wake(w);
}

bool worker_take_card(struct worker *w, struct scene_card_pack *pack)
{
    pthread_mutex_lock(&w->lock);
    bool any = w->pack_count > 0;
    if (any) {
        *pack = w->packs[0];
        memmove(w->packs, w->packs + 1, --w->pack_count * sizeof(*w->packs));
    }
    pthread_mutex_unlock(&w->lock);
    return any;
}

void worker_request_reload(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    w->reload = true;
    pthread_mutex_unlock(&w->lock);
    wake(w);
}

int64_t worker_heartbeat_ns(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    int64_t t = w->heartbeat_ns;
    pthread_mutex_unlock(&w->lock);
    return t;
}

const char *worker_failure(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    const char *why = w->failure;
    pthread_mutex_unlock(&w->lock);
    return why;
}

void worker_report_frames(struct worker *w, uint64_t shown, uint64_t dropped, uint64_t late)
{
    pthread_mutex_lock(&w->lock);
    w->frames_shown = shown;
    w->frames_dropped = dropped;
    w->frames_late = late;
    pthread_mutex_unlock(&w->lock);
}

bool worker_display_on(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    bool on = w->display_on;
    pthread_mutex_unlock(&w->lock);
    return on;
}

const char *worker_restart_reason(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    const char *why = w->restart;
    pthread_mutex_unlock(&w->lock);
    return why;
}

void worker_request_screenshot(struct worker *w, struct picture *pic)
{
    pthread_mutex_lock(&w->lock);
    struct picture stale = w->screen;
    w->screen = *pic;
    pthread_mutex_unlock(&w->lock);
    *pic = (struct picture){0};
    picture_finish(&stale);
    wake(w);
}

void worker_request_stats(struct worker *w, const struct stats *stats, const char *path)
{
    pthread_mutex_lock(&w->lock);
    w->stats_copy = *stats;
    free(w->stats_path);
    w->stats_path = xstrdup(path);
    w->stats_pending = true;
    pthread_mutex_unlock(&w->lock);
    wake(w);
}
