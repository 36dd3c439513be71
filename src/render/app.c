#include "app.h"

#include <SDL.h>
#include <SDL_syswm.h>
#include <dirent.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dpms.h"
#include "painter.h"
#include "log.h"
#include "notify.h"
#include "output.h"
#include "pacing.h"
#include "picture.h"
#include "stats.h"
#include "util.h"
#include "worker.h"

static volatile sig_atomic_t stats_requested;
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t screenshot_requested;

static void on_sigusr1(int sig)
{
    (void)sig;
    stats_requested = 1;
}

static void on_sighup(int sig)
{
    (void)sig;
    reload_requested = 1;
}

static void on_sigusr2(int sig)
{
    (void)sig;
    screenshot_requested = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_sigusr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_sighup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_sigusr2;
    sigaction(SIGUSR2, &sa, NULL);
}

/* A sign must never run invisibly: SDL may fall back to a driver with no screen when none is
 * found. Such drivers are used only when asked for by name. */
static bool display_is_real(void)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (!driver)
        return false;
    if (strcmp(driver, "offscreen") != 0 && strcmp(driver, "dummy") != 0)
        return true;
    return asked && strstr(asked, driver);
}

static SDL_Renderer *create_renderer(SDL_Window *win, bool vsync, bool software)
{
    if (software)
        return SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    Uint32 flags = SDL_RENDERER_ACCELERATED | (vsync ? SDL_RENDERER_PRESENTVSYNC : 0);
    SDL_Renderer *r = SDL_CreateRenderer(win, -1, flags);
    if (!r) {
        log_warn("no accelerated renderer (%s); using the software renderer", SDL_GetError());
        r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    }
    return r;
}

/* A GPU the user may render with: a DRM render node. Without one, OpenGL is software. */
static bool gpu_present(void)
{
    glob_t g;
    bool found = false;
    if (glob("/dev/dri/renderD*", 0, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc && !found; i++)
            found = access(g.gl_pathv[i], R_OK | W_OK) == 0;
    globfree(&g);
    return found;
}

/* A lazy scene's card text, asked of the worker (stage.want_card). */
static void want_card(void *ctx, uint32_t scene_id, size_t card)
{
    worker_want_card(ctx, scene_id, card);
}

/* The display mode closest to [display] mode; false (logged) when there is none. */
static bool closest_mode(const struct config *cfg, SDL_DisplayMode *mode)
{
    SDL_DisplayMode want = {.w = cfg->mode[0], .h = cfg->mode[1], .refresh_rate = cfg->mode[2]};
    if (SDL_GetClosestDisplayMode(0, &want, mode))
        return true;
    log_warn("the display offers no mode close to %dx%d@%d; using its own", want.w, want.h,
             want.refresh_rate);
    return false;
}

/* The DRM device this process has open, "" when none: with KMSDRM, SDL takes the first card
 * with a connected screen, and which one it took is worth a line in the journal. */
static void open_drm_card(char *out, size_t len)
{
    out[0] = '\0';
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return;
    struct dirent *de;
    while ((de = readdir(dir))) {
        char target[256];
        ssize_t n = readlinkat(dirfd(dir), de->d_name, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        if (strncmp(target, "/dev/dri/card", 13) == 0) {
            snprintf(out, len, "%s, ", target);
            break;
        }
    }
    closedir(dir);
}

static void log_display(SDL_Window *win)
{
    SDL_DisplayMode mode;
    if (SDL_GetWindowDisplayMode(win, &mode) != 0)
        mode = (SDL_DisplayMode){0};
    const char *name = SDL_GetDisplayName(SDL_GetWindowDisplayIndex(win));
    char card[300];
    open_drm_card(card, sizeof(card));
    log_info("display: %s%s, %dx%d@%d", card, name ? name : "?", mode.w, mode.h, mode.refresh_rate);
}

/* Crawl tiles are at most this wide (less when the renderer's textures must be smaller). */
#define MAX_TILE_W 2048

/* The worker goes round its loop at least once a minute. */
#define WORKER_HANG_NS (5 * 60 * (int64_t)1000000000)

static int64_t wall_clock(void)
{
    return (int64_t)time(NULL);
}

struct app {
    const struct app_options *opt;
    struct config cfg;
    int64_t start_ns, end_ns; /* end_ns 0: run until stopped */
    uint32_t wake_event;
    struct worker *worker;
    SDL_Window *win;
    SDL_Renderer *renderer;
    bool partial; /* SDL's software renderer, drawing only what changed */
    bool vsync;
    int max_tile_w;
    struct output out;
    bool out_ok;
    struct painter *painter;
    struct pacing pacing;
    struct stage stage;
    struct stats stats;
    bool was_measured, was_timer, failed;
    const char *restart; /* static: why the sign starts again (app_run returns APP_RESTART) */
    int exit_status;     /* non-zero: the status to exit with (APP_EXIT_DISPLAY_GONE) */
    int kms_fd;          /* SDL's DRM device under KMSDRM, else -1 */
    enum kms_state kms;  /* what it said last */
    int64_t next_probe_ns;
    uint64_t fake_reset_frame; /* TICKER_TEST_RENDERER_RESET: 0, or the frame after which */
    int64_t periods;           /* refresh periods since the last frame */
};

/* One event for the render loop; returns false on quit. */
static bool handle_event(struct app *a, const SDL_Event *ev)
{
    if (ev->type == SDL_QUIT)
        return false;
    if (ev->type == a->wake_event) {
        struct scene *scene = worker_take_scene(a->worker);
        if (scene)
            stage_push(&a->stage, scene);
        uint32_t scene_id;
        struct scene_image status;
        if (worker_take_status(a->worker, &scene_id, &status))
            stage_set_status(&a->stage, scene_id, &status);
        struct scene_card_pack pack;
        while (worker_take_card(a->worker, &pack))
            stage_attach_card(&a->stage, &pack);
    } else if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
        if (!output_resize(&a->out))
            log_error("cannot follow the new screen size: %s", SDL_GetError());
        worker_set_screen(a->worker, a->out.width, a->out.height, a->max_tile_w);
        stage_invalidate(&a->stage);
    } else if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
        stage_invalidate(&a->stage);
    } else if (ev->type == SDL_RENDER_TARGETS_RESET) {
        log_warn("the renderer lost its target textures; drawing everything again");
        stage_invalidate(&a->stage);
    } else if (ev->type == SDL_RENDER_DEVICE_RESET) {
        /* Every texture is gone with the device: a new start makes them all again. */
        log_error("the renderer was reset: its textures are gone");
        a->restart = "the renderer was reset";
        return false;
    } else if (ev->type == SDL_DISPLAYEVENT && ev->display.event == SDL_DISPLAYEVENT_CONNECTED) {
        a->restart = "a display was connected"; /* its mode, its size: taken afresh */
        return false;
    } else if (ev->type == SDL_DISPLAYEVENT && ev->display.event == SDL_DISPLAYEVENT_DISCONNECTED) {
        log_warn("display %u disconnected", ev->display.display);
    }
    return true;
}

/* Under KMSDRM, once a second: the display unplugged (drawn on, said once), plugged in again
 * (a new start takes its mode), or the DRM device gone (exit for systemd to start the sign
 * again once there is one). Returns false when the sign has to stop. */
static bool check_display(struct app *a, int64_t now)
{
    if (a->kms_fd < 0 || now < a->next_probe_ns)
        return true;
    a->next_probe_ns = now + 1000000000;
    enum kms_state was = a->kms;
    a->kms = kms_probe(a->kms_fd);
    if (a->kms == KMS_GONE) {
        log_error("the display device went away; exiting for systemd to start the sign again");
        a->exit_status = APP_EXIT_DISPLAY_GONE;
        return false;
    }
    if (a->kms == KMS_NO_DISPLAY && was != KMS_NO_DISPLAY)
        log_warn("no display is connected; the sign runs on until one is");
    if (a->kms == KMS_CONNECTED && was == KMS_NO_DISPLAY) {
        a->restart = "a display was connected";
        return false;
    }
    return true;
}

/* The DRM device SDL's KMSDRM backend drives; -1 with any other video driver. */
static int kms_fd(SDL_Window *win)
{
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!SDL_GetWindowWMInfo(win, &info) || info.subsystem != SDL_SYSWM_KMSDRM)
        return -1;
    return info.info.kmsdrm.drm_fd;
}

/* SDL, the window, and the picture's size told to the worker as early as possible. */
static bool open_display(struct app *a)
{
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        log_error("cannot open a display: %s", SDL_GetError());
        return false;
    }
    if (!display_is_real()) {
        log_error("no display found (SDL picked the \"%s\" driver); set DISPLAY, "
                  "WAYLAND_DISPLAY or SDL_VIDEODRIVER=kmsdrm",
                  SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "none");
        return false;
    }
    const char *driver = SDL_GetCurrentVideoDriver();
    bool headless = strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0;
    /* Drivers without a screen have no vertical blank to wait for, and X11 without a GPU has
     * Mesa's llvmpipe behind OpenGL, which rasterises every whole frame on the CPU. Both get
     * SDL's software renderer drawing only what changed (the crawl band, a card in
     * transition, the clock) into the window's image, paced by the timer. */
    a->partial = !getenv("SDL_RENDER_DRIVER") &&
                 (headless || (strcmp(driver, "x11") == 0 && !gpu_present()));
    a->vsync = a->cfg.vsync && !a->partial;
    if (a->partial) {
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    const struct config *cfg = &a->cfg;
    SDL_Rect bounds = {SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, cfg->window_w,
                       cfg->window_h};
    /* A GL renderer on a window made without SDL_WINDOW_OPENGL makes SDL create it again. */
    Uint32 wflags = a->partial ? 0 : SDL_WINDOW_OPENGL;
    SDL_DisplayMode mode;
    bool set_mode = cfg->window_w <= 0 && cfg->mode[0] > 0 && closest_mode(cfg, &mode);
    if (cfg->window_w <= 0) {
        if (SDL_GetDisplayBounds(0, &bounds) != 0)
            bounds = (SDL_Rect){SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 720};
        if (set_mode) {
            bounds.w = mode.w;
            bounds.h = mode.h;
        }
        /* Full screen is a borderless window the size of the display, and a full-screen
         * request where a window manager may act on it. On X11 SDL waits up to 100 ms for
         * one to react; kiosk X servers have none (desktops set XDG_CURRENT_DESKTOP). */
        wflags |= SDL_WINDOW_BORDERLESS;
        if (set_mode)
            wflags |= SDL_WINDOW_FULLSCREEN;
        else if (strcmp(driver, "x11") != 0 || getenv("XDG_CURRENT_DESKTOP"))
            wflags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    }
    a->win = SDL_CreateWindow("ticker", bounds.x, bounds.y, bounds.w, bounds.h, wflags);
    if (!a->win) {
        log_error("cannot create the window: %s", SDL_GetError());
        return false;
    }
    if (set_mode && SDL_SetWindowDisplayMode(a->win, &mode) != 0)
        log_warn("cannot set the video mode %dx%d@%d: %s; using the display's own", mode.w, mode.h,
                 mode.refresh_rate, SDL_GetError());
    log_display(a->win);
    a->kms_fd = kms_fd(a->win);
    int w, h;
    SDL_GetWindowSizeInPixels(a->win, &w, &h);
    output_picture_size(w, h, cfg->rotate, cfg->overscan, &a->out.width, &a->out.height);
    worker_set_screen(a->worker, a->out.width, a->out.height, MAX_TILE_W);
    SDL_ShowCursor(SDL_DISABLE);
    return true;
}

/* The renderer, the picture on it (output.h) and the painter that draws it. */
static bool open_renderer(struct app *a)
{
    int early_w = a->out.width, early_h = a->out.height;
    a->renderer = create_renderer(a->win, a->vsync, a->partial);
    if (!a->renderer) {
        log_error("cannot create a renderer: %s", SDL_GetError());
        return false;
    }
    SDL_RendererInfo info;
    SDL_GetRendererInfo(a->renderer, &info);
    a->max_tile_w =
        info.max_texture_width > 0 ? MIN(info.max_texture_width, MAX_TILE_W) : MAX_TILE_W;
    a->out_ok = output_init(&a->out, a->renderer, a->cfg.rotate, a->cfg.overscan);
    if (!a->out_ok) {
        log_error("cannot make the picture's canvas: %s", SDL_GetError());
        return false;
    }
    /* Only what changed, into the window's image, where there is no GPU; on a turned screen
     * the picture goes through a canvas texture, drawn whole. */
    if (a->partial && !a->out.turns)
        a->painter = painter_soft_create(a->renderer, a->win, NULL);
    if (!a->painter)
        a->painter = painter_gpu_create(a->renderer);
    double nominal_hz = a->cfg.refresh_hz;
    SDL_DisplayMode mode;
    if (nominal_hz <= 0 && SDL_GetWindowDisplayMode(a->win, &mode) == 0)
        nominal_hz = mode.refresh_rate;
    log_info("%s video, %s renderer, %s painter, %dx%d at %.0f Hz%s; picture %dx%d%s",
             SDL_GetCurrentVideoDriver(), info.name, a->painter->ops->name, a->out.viewport.w,
             a->out.viewport.h, nominal_hz > 0 ? nominal_hz : 60.0,
             a->cfg.refresh_hz > 0 ? " (configured)" : "", a->out.width, a->out.height,
             a->out.turns ? ", turned" : "");
    if (a->out.width != early_w || a->out.height != early_h || a->max_tile_w != MAX_TILE_W)
        worker_set_screen(a->worker, a->out.width, a->out.height, a->max_tile_w);
    pacing_init(&a->pacing, nominal_hz, a->vsync);
    stage_init(&a->stage, a->painter, pacing_hz(&a->pacing), a->cfg.theme.background);
    a->stage.want_card = want_card;
    a->stage.want_ctx = a->worker;
    a->was_timer = a->pacing.timer;
    return true;
}

/* The first frame shows content (the cached stories, or the fallback message) rather than an
 * empty background: before any frame is on screen, waiting briefly for the worker's first
 * scene costs nothing. Returns false on quit. */
static bool wait_first_scene(struct app *a)
{
    int64_t deadline = util_now_ns() + 2000000000;
    while (!stage_current(&a->stage) && util_now_ns() < deadline) {
        SDL_Event ev;
        int ms = (int)((deadline - util_now_ns()) / 1000000);
        if (!SDL_WaitEventTimeout(&ev, ms > 0 ? ms : 1))
            continue;
        if (!handle_event(a, &ev))
            return false;
        if (stage_upload(&a->stage, -1))
            a->stats.snapshots++;
    }
    return true;
}

/* Signals turned into requests to the worker, off the render thread. */
static void handle_requests(struct app *a)
{
    if (reload_requested) {
        reload_requested = 0;
        worker_request_reload(a->worker);
    }
    if (stats_requested && a->opt->stats_path) {
        stats_requested = 0;
        a->stats.refresh_hz = pacing_hz(&a->pacing);
        a->stats.timer_paced = a->pacing.timer;
        worker_request_stats(a->worker, &a->stats, a->opt->stats_path);
    }
}

/* The frame on screen (SIGUSR2) for the worker to write as screen.png. Reading a frame back
 * from the GPU stalls this one frame; it happens only when asked. While the display is off
 * the lobby sees black, and so does the picture. */
static void take_screenshot(struct app *a, bool display_on)
{
    screenshot_requested = 0;
    int64_t t0 = util_now_ns();
    struct picture pic = {(uint32_t)a->out.width, (uint32_t)a->out.height, NULL};
    if (display_on && !output_read_picture(&a->out, &pic)) {
        log_warn("screenshot: cannot read the frame back: %s", SDL_GetError());
        return;
    }
    if (!display_on) {
        size_t n = (size_t)pic.width * pic.height * 4;
        pic.rgba = xmalloc(n);
        for (size_t i = 0; i < n; i++)
            pic.rgba[i] = i % 4 == 3 ? 255 : 0;
    }
    log_debug("screenshot: %ux%u read in %.1f ms", pic.width, pic.height,
              (double)(util_now_ns() - t0) / 1e6);
    worker_request_screenshot(a->worker, &pic);
}

struct frame {
    int64_t start_ns, work_ns; /* work: up to the present */
    int moved;                 /* crawl pixels */
};

/* One frame: events, the upload, the stage's step, drawing and present. Returns false on
 * quit. */
static bool frame(struct app *a, struct frame *f)
{
    pacing_wait(&a->pacing);
    f->start_ns = util_now_ns();
    bool running = true;
    SDL_Event ev;
    while (SDL_PollEvent(&ev))
        running &= handle_event(a, &ev);
    handle_requests(a);
    /* Upload a new scene a little at a time so no frame runs long. */
    if (stage_upload(&a->stage, 2000000))
        a->stats.snapshots++;
    f->moved = stage_advance(&a->stage, a->periods, a->pacing.period_ns);
    struct stage_damage drawn;
    output_begin(&a->out);
    painter_draw(a->painter, &a->stage, wall_clock(), &drawn);
    output_end(&a->out);
    /* Renderers batch draw calls until present; flush so the work measured is the real
     * drawing (a software renderer rasterises here). */
    SDL_RenderFlush(a->renderer);
    f->work_ns = util_now_ns() - f->start_ns;
    if (screenshot_requested)
        take_screenshot(a, true);
    painter_present(a->painter, &drawn);
    return running;
}

static void log_late(const struct app *a, int64_t work, int64_t present_ns)
{
    if (work > a->pacing.period_ns / 2)
        log_debug("frame %llu: work %.2f ms (content %d)", (unsigned long long)a->stats.frames,
                  (double)work / 1e6, stage_has_content(&a->stage));
    if (a->periods > 1 && a->stats.frames > 0)
        log_debug("frame %llu late by %lld periods (work %.2f ms, present %.2f ms)",
                  (unsigned long long)a->stats.frames, (long long)(a->periods - 1),
                  (double)work / 1e6, (double)present_ns / 1e6);
}

static void first_frame(struct app *a, int64_t presented)
{
    a->stats.first_frame_ns = presented - a->start_ns;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    a->stats.first_frame_unix_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    log_info("first frame on screen %.1f ms after start%s", (double)a->stats.first_frame_ns / 1e6,
             stage_has_content(&a->stage) ? "" : " (no stories yet)");
    notify_send("READY=1");
}

/* Whether the sign goes on at monotonic time now: not past --duration, not told to restart. */
static bool keep_running(struct app *a, int64_t now)
{
    if (!a->restart)
        a->restart = worker_restart_reason(a->worker);
    return !a->restart && check_display(a, now) && (!a->end_ns || now < a->end_ns);
}

/* The watchdog pinged while the worker's heartbeat is fresh: systemd restarts the sign when
 * the pings stop, as a stalled page flip stops the render loop and a hung worker its heartbeat.
 * False (logged) when the worker can show nothing at all. */
static bool worker_alive(struct app *a, int64_t now)
{
    if (now - worker_heartbeat_ns(a->worker) < WORKER_HANG_NS)
        notify_watchdog(now);
    const char *failure = worker_failure(a->worker);
    if (failure) {
        log_error("%s", failure);
        a->failed = true;
    }
    return !failure;
}

/* The bookkeeping after a frame is on screen: pacing, stats, watchdog, the worker's health.
 * Returns false when the sign has to stop. */
static bool after_present(struct app *a, const struct frame *f)
{
    int64_t presented = util_now_ns();
    a->periods = pacing_presented(&a->pacing, presented);
    log_late(a, f->work_ns, presented - f->start_ns - f->work_ns);
    stats_record_frame(&a->stats, f->moved, f->work_ns, a->stats.frames ? a->periods : 1,
                       stage_has_content(&a->stage));
    if (!a->stats.first_frame_ns)
        first_frame(a, presented);
    if (!worker_alive(a, presented))
        return false;
    if (!a->stats.first_content_ns && stage_has_content(&a->stage))
        a->stats.first_content_ns = presented - a->start_ns;
    if (a->pacing.timer && !a->was_timer) {
        /* We pace now; a renderer that imitates vsync by sleeping in present (SDL's software
         * renderer does) would sleep on top of our timer. */
        a->was_timer = true;
        SDL_RenderSetVSync(a->renderer, 0);
    }
    if (a->pacing.measured != a->was_measured) {
        a->was_measured = true;
        stage_set_refresh(&a->stage, pacing_hz(&a->pacing));
        log_info("display refresh measured at %.3f Hz; crawl moves %d px per frame",
                 pacing_hz(&a->pacing), a->stage.step_px);
    }
    if (a->fake_reset_frame && a->stats.frames == a->fake_reset_frame) {
        /* What SDL sends when the GPU's device is lost, for the recovery test. */
        SDL_Event ev = {.type = SDL_RENDER_DEVICE_RESET};
        SDL_PushEvent(&ev);
    }
    if (a->stats.frames % 128 == 0)
        worker_report_frames(a->worker, a->stats.frames, a->stats.missed_periods,
                             a->stats.late_frames);
    return keep_running(a, presented);
}

/* While the schedule has the display off: one black frame, the panel powered down where it
 * can be, and no frames until it is on again; the loop wakes five times a second for the
 * watchdog, signals and the worker. Returns false when the sign has to stop. */
static bool display_off(struct app *a)
{
    SDL_SetRenderTarget(a->renderer, NULL);
    SDL_RenderSetViewport(a->renderer, NULL);
    SDL_SetRenderDrawColor(a->renderer, 0, 0, 0, 255);
    SDL_RenderClear(a->renderer);
    SDL_RenderPresent(a->renderer);
    if (!a->stats.first_frame_ns)
        first_frame(a, util_now_ns()); /* started at night: ready, and dark */
    int fd = a->kms_fd;
    bool dpms = fd >= 0 && dpms_set(fd, false);
    log_info("display off: %s", dpms ? "panel powered down (DPMS)" : "black, no redraw");
    bool running = true;
    while (running && !worker_display_on(a->worker)) {
        /* Not SDL_WaitEventTimeout: where the video driver cannot wait (KMSDRM, offscreen) SDL
         * polls every millisecond. A signal cuts the sleep short; the display coming on waits
         * at most a fifth of a second. */
        struct timespec nap = {0, 200000000};
        nanosleep(&nap, NULL);
        SDL_Event ev;
        while (SDL_PollEvent(&ev))
            running &= handle_event(a, &ev);
        handle_requests(a);
        if (screenshot_requested)
            take_screenshot(a, false);
        /* New content is taken in now, so the morning's first frame has it. */
        if (stage_upload(&a->stage, -1))
            a->stats.snapshots++;
        int64_t now = util_now_ns();
        if (!worker_alive(a, now))
            return false;
        running &= keep_running(a, now);
    }
    if (dpms)
        dpms_set(fd, true);
    log_info("display on");
    /* Frames again: the time off is not late frames, and everything is drawn afresh. */
    pacing_resume(&a->pacing);
    a->periods = 1;
    stage_invalidate(&a->stage);
    return running;
}

static void close_all(struct app *a)
{
    if (a->painter) {
        stage_finish(&a->stage);
        painter_destroy(a->painter);
    }
    if (a->out_ok)
        output_finish(&a->out);
    if (a->renderer)
        SDL_DestroyRenderer(a->renderer);
    if (a->win)
        SDL_DestroyWindow(a->win);
    worker_destroy(a->worker);
    SDL_Quit();
    notify_finish();
}

int app_run(const struct app_options *opt)
{
    struct app a = {.opt = opt, .start_ns = util_now_ns(), .periods = 1, .kms_fd = -1};
    if (opt->duration_s > 0)
        a.end_ns = a.start_ns + (int64_t)(opt->duration_s * 1e9);
    /* TICKER_TEST_RENDERER_RESET=N: a renderer reset after frame N, for tests only. */
    const char *fake = getenv("TICKER_TEST_RENDERER_RESET");
    if (fake && fake[0])
        a.fake_reset_frame = strtoull(fake, NULL, 10);
    if (!config_read(&a.cfg, opt->config_path, opt->feeds, opt->feed_count)) {
        config_finish(&a.cfg);
        return 1;
    }
    if (opt->window_w > 0) {
        a.cfg.window_w = opt->window_w;
        a.cfg.window_h = opt->window_h;
    }
    notify_init();
    /* The worker starts first: reading the cache and the fonts overlaps with opening the
     * display, and it lays out the first scene as soon as it knows the picture's size, while
     * the renderer is still starting (a GL driver can take hundreds of ms). It wakes this
     * thread only after that, so after SDL_Init. */
    a.wake_event = SDL_RegisterEvents(1);
    a.worker = worker_create(&a.cfg, opt->config_path, opt->feeds, opt->feed_count, a.wake_event);
    stats_init(&a.stats, a.start_ns);
    bool ok = a.worker && open_display(&a) && open_renderer(&a);
    if (ok) {
        install_signals();
        bool running = wait_first_scene(&a);
        while (running) {
            if (!worker_display_on(a.worker)) {
                running = display_off(&a);
                continue;
            }
            struct frame f;
            running = frame(&a, &f);
            running &= after_present(&a, &f);
        }
        a.stats.refresh_hz = pacing_hz(&a.pacing);
        a.stats.timer_paced = a.pacing.timer;
    }
    int status = a.exit_status ? a.exit_status : ok && !a.failed ? 0 : 1;
    if (ok && a.restart) {
        log_info("restarting: %s", a.restart);
        status = APP_RESTART;
    }
    if (ok && opt->stats_path && !stats_write(&a.stats, opt->stats_path))
        status = 1;
    close_all(&a);
    config_finish(&a.cfg);
    return status;
}
