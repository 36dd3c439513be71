#include "app.h"

#include <SDL.h>
#include <dirent.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "draw.h"
#include "log.h"
#include "notify.h"
#include "output.h"
#include "pacing.h"
#include "stats.h"
#include "util.h"
#include "worker.h"

static volatile sig_atomic_t stats_requested;
static volatile sig_atomic_t reload_requested;

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

/* Puts the frame on screen: everything, or with damage (n >= 0, picture coordinates) only
 * those regions of the window's image. */
static void present(SDL_Window *win, SDL_Renderer *r, const struct output *out,
                    const SDL_Rect *damage, int n)
{
    if (n < 0) {
        SDL_RenderPresent(r);
        return;
    }
    SDL_Rect rects[STAGE_MAX_DAMAGE];
    for (int i = 0; i < n; i++)
        rects[i] = (SDL_Rect){damage[i].x + out->viewport.x, damage[i].y + out->viewport.y,
                              damage[i].w, damage[i].h};
    if (n > 0)
        SDL_UpdateWindowSurfaceRects(win, rects, n);
}

/* A lazy scene's card text, asked of the worker (stage.want_card). */
static void want_card(void *ctx, uint32_t scene_id, size_t card)
{
    worker_want_card(ctx, scene_id, card);
}

/* One event for the render loop; returns false on quit. */
static bool handle_event(const SDL_Event *ev, uint32_t wake_event, struct worker *worker,
                         struct stage *stage, struct output *out, int max_tile_w)
{
    if (ev->type == SDL_QUIT)
        return false;
    if (ev->type == wake_event) {
        struct scene *scene = worker_take_scene(worker);
        if (scene)
            stage_push(stage, scene);
        uint32_t scene_id;
        struct scene_image status;
        if (worker_take_status(worker, &scene_id, &status))
            stage_set_status(stage, scene_id, &status);
        struct scene_card_pack pack;
        while (worker_take_card(worker, &pack))
            stage_attach_card(stage, &pack);
    } else if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
        if (!output_resize(out))
            log_error("cannot follow the new screen size: %s", SDL_GetError());
        worker_set_screen(worker, out->width, out->height, max_tile_w);
        stage_invalidate(stage);
    } else if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
        stage_invalidate(stage);
    }
    return true;
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

int app_run(const struct app_options *opt)
{
    int64_t start_ns = util_now_ns();
    int status = 1;
    struct config cfg;
    if (!worker_load_config(&cfg, opt->config_path, opt->feeds, opt->feed_count))
        goto err_config;
    if (opt->window_w > 0) {
        cfg.window_w = opt->window_w;
        cfg.window_h = opt->window_h;
    }

    notify_init();
    /* The worker starts first: reading the cache and the fonts overlaps with opening the
     * display, and it lays out the first scene as soon as it knows the picture's size, while
     * the renderer is still starting (a GL driver can take hundreds of ms). It wakes this
     * thread only after that, so after SDL_Init. */
    uint32_t wake_event = SDL_RegisterEvents(1);
    struct worker *worker =
        worker_create(opt->config_path, opt->feeds, opt->feed_count, wake_event);
    if (!worker)
        goto err_config;
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        log_error("cannot open a display: %s", SDL_GetError());
        goto err_sdl;
    }
    if (!display_is_real()) {
        log_error("no display found (SDL picked the \"%s\" driver); set DISPLAY, "
                  "WAYLAND_DISPLAY or SDL_VIDEODRIVER=kmsdrm",
                  SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "none");
        goto err_sdl;
    }
    const char *driver = SDL_GetCurrentVideoDriver();
    bool headless = strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0;
    /* Drivers without a screen have no vertical blank to wait for, and X11 without a GPU has
     * Mesa's llvmpipe behind OpenGL, which rasterises every whole frame on the CPU. Both get
     * SDL's software renderer drawing only what changed (the crawl band, a card in
     * transition, the clock) into the window's image, paced by the timer. */
    bool partial = !getenv("SDL_RENDER_DRIVER") &&
                   (headless || (strcmp(driver, "x11") == 0 && !gpu_present()));
    bool vsync = cfg.vsync && !partial;
    if (partial) {
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    SDL_Rect bounds = {SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, cfg.window_w, cfg.window_h};
    /* A GL renderer on a window made without SDL_WINDOW_OPENGL makes SDL create it again. */
    Uint32 wflags = partial ? 0 : SDL_WINDOW_OPENGL;
    SDL_DisplayMode mode;
    bool set_mode = cfg.window_w <= 0 && cfg.mode[0] > 0 && closest_mode(&cfg, &mode);
    if (cfg.window_w <= 0) {
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
    SDL_Window *win = SDL_CreateWindow("ticker", bounds.x, bounds.y, bounds.w, bounds.h, wflags);
    if (!win) {
        log_error("cannot create the window: %s", SDL_GetError());
        goto err_sdl;
    }
    if (set_mode && SDL_SetWindowDisplayMode(win, &mode) != 0)
        log_warn("cannot set the video mode %dx%d@%d: %s; using the display's own", mode.w, mode.h,
                 mode.refresh_rate, SDL_GetError());
    log_display(win);
    int early_w, early_h;
    SDL_GetWindowSizeInPixels(win, &early_w, &early_h);
    output_picture_size(early_w, early_h, cfg.rotate, cfg.overscan, &early_w, &early_h);
    worker_set_screen(worker, early_w, early_h, MAX_TILE_W);
    SDL_ShowCursor(SDL_DISABLE);
    SDL_Renderer *renderer = create_renderer(win, vsync, partial);
    if (!renderer) {
        log_error("cannot create a renderer: %s", SDL_GetError());
        goto err_window;
    }
    SDL_RendererInfo info;
    SDL_GetRendererInfo(renderer, &info);
    int max_tile_w =
        info.max_texture_width > 0 ? MIN(info.max_texture_width, MAX_TILE_W) : MAX_TILE_W;
    struct output out;
    if (!output_init(&out, renderer, cfg.rotate, cfg.overscan)) {
        log_error("cannot make the picture's canvas: %s", SDL_GetError());
        goto err_output;
    }
    double nominal_hz = cfg.refresh_hz;
    if (nominal_hz <= 0 && SDL_GetWindowDisplayMode(win, &mode) == 0)
        nominal_hz = mode.refresh_rate;
    log_info("%s video, %s renderer, %dx%d at %.0f Hz%s; picture %dx%d%s",
             SDL_GetCurrentVideoDriver(), info.name, out.viewport.w, out.viewport.h,
             nominal_hz > 0 ? nominal_hz : 60.0, cfg.refresh_hz > 0 ? " (configured)" : "",
             out.width, out.height, out.turns ? ", turned" : "");

    if (out.width != early_w || out.height != early_h || max_tile_w != MAX_TILE_W)
        worker_set_screen(worker, out.width, out.height, max_tile_w);
    install_signals();

    struct pacing pacing;
    pacing_init(&pacing, nominal_hz, vsync);
    struct stage stage;
    stage_init(&stage, renderer, pacing_hz(&pacing), cfg.theme.background);
    stage.want_card = want_card;
    stage.want_ctx = worker;
    /* Drawing only what changed, into the window's image: card text goes straight in. */
    bool direct = partial && !out.turns;
    if (direct)
        stage_set_target(&stage, SDL_GetWindowSurface(win));
    struct stats stats;
    stats_init(&stats, start_ns);
    bool was_measured = false, was_timer = pacing.timer, running = true, failed = false;
    int64_t periods = 1;
    int64_t end_ns = opt->duration_s > 0 ? start_ns + (int64_t)(opt->duration_s * 1e9) : 0;

    /* The first frame shows content (the cached stories, or the fallback message) rather than
     * an empty background: before any frame is on screen, waiting briefly for the worker's
     * first scene costs nothing. */
    int64_t first_deadline = util_now_ns() + 2000000000;
    while (running && stage.newest < 0 && util_now_ns() < first_deadline) {
        SDL_Event ev;
        int ms = (int)((first_deadline - util_now_ns()) / 1000000);
        if (!SDL_WaitEventTimeout(&ev, ms > 0 ? ms : 1))
            continue;
        running = handle_event(&ev, wake_event, worker, &stage, &out, max_tile_w);
        if (stage_upload(&stage, -1))
            stats.snapshots++;
    }
    while (running) {
        pacing_wait(&pacing);
        int64_t frame_start = util_now_ns();
        SDL_Event ev;
        while (SDL_PollEvent(&ev))
            running &= handle_event(&ev, wake_event, worker, &stage, &out, max_tile_w);
        if (reload_requested) {
            reload_requested = 0;
            worker_request_reload(worker);
        }
        if (stats_requested && opt->stats_path) {
            stats_requested = 0;
            stats.refresh_hz = pacing_hz(&pacing);
            stats.timer_paced = pacing.timer;
            worker_request_stats(worker, &stats, opt->stats_path);
        }
        if (direct)
            stage_set_target(&stage, SDL_GetWindowSurface(win)); /* new after a resize */
        /* Upload a new scene a little at a time so no frame runs long. */
        if (stage_upload(&stage, 2000000))
            stats.snapshots++;
        int moved = stage_advance(&stage, periods, pacing.period_ns);
        int64_t wall = wall_clock();
        SDL_Rect damage[STAGE_MAX_DAMAGE];
        int damaged = -1;
        output_begin(&out);
        if (direct)
            damaged = stage_draw_changed(&stage, wall, damage);
        else
            stage_draw(&stage, wall);
        output_end(&out);
        /* Renderers batch draw calls until present; flush so the work measured is the real
         * drawing (a software renderer rasterises here). */
        SDL_RenderFlush(renderer);
        int64_t work = util_now_ns() - frame_start;
        present(win, renderer, &out, damage, damaged);
        int64_t presented = util_now_ns();
        periods = pacing_presented(&pacing, presented);
        if (work > pacing.period_ns / 2)
            log_debug("frame %llu: work %.2f ms (content %d)", (unsigned long long)stats.frames,
                      (double)work / 1e6, stage_has_content(&stage));
        if (periods > 1 && stats.frames > 0)
            log_debug("frame %llu late by %lld periods (work %.2f ms, present %.2f ms)",
                      (unsigned long long)stats.frames, (long long)(periods - 1),
                      (double)work / 1e6, (double)(presented - frame_start - work) / 1e6);
        stats_record_frame(&stats, moved, work, stats.frames ? periods : 1,
                           stage_has_content(&stage));
        if (!stats.first_frame_ns) {
            stats.first_frame_ns = presented - start_ns;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            stats.first_frame_unix_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
            log_info("first frame on screen %.1f ms after start%s",
                     (double)stats.first_frame_ns / 1e6,
                     stage_has_content(&stage) ? "" : " (no stories yet)");
            notify_send("READY=1");
        }
        /* systemd restarts the sign when this stops: a stalled page flip stops the render loop,
         * a hung worker stops its heartbeat. */
        if (presented - worker_heartbeat_ns(worker) < WORKER_HANG_NS)
            notify_watchdog(presented);
        const char *failure = worker_failure(worker);
        if (failure) {
            log_error("%s", failure);
            failed = true;
            break;
        }
        if (!stats.first_content_ns && stage_has_content(&stage))
            stats.first_content_ns = presented - start_ns;
        if (pacing.timer && !was_timer) {
            /* We pace now; a renderer that imitates vsync by sleeping in present (SDL's
             * software renderer does) would sleep on top of our timer. */
            was_timer = true;
            SDL_RenderSetVSync(renderer, 0);
        }
        if (pacing.measured != was_measured) {
            was_measured = true;
            stage_set_refresh(&stage, pacing_hz(&pacing));
            log_info("display refresh measured at %.3f Hz; crawl moves %d px per frame",
                     pacing_hz(&pacing), stage.step_px);
        }
        if (stats.frames % 128 == 0)
            worker_report_frames(worker, stats.frames, stats.missed_periods);
        if (end_ns && presented >= end_ns)
            running = false;
    }
    stats.refresh_hz = pacing_hz(&pacing);
    stats.timer_paced = pacing.timer;
    status = failed ? 1 : 0;
    if (opt->stats_path && !stats_write(&stats, opt->stats_path))
        status = 1;

    stage_finish(&stage);
err_output:
    output_finish(&out);
    SDL_DestroyRenderer(renderer);
err_window:
    SDL_DestroyWindow(win);
err_sdl:
    worker_destroy(worker);
    SDL_Quit();
    notify_finish();
err_config:
    config_finish(&cfg);
    return status;
}
