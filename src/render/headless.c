#include "headless.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "painter.h"
#include "log.h"
#include "output.h"
#include "picture.h"
#include "util.h"

#define HEADLESS_HZ 60

static bool save_png(SDL_Surface *surface, const char *path)
{
    SDL_Surface *rgba = SDL_ConvertSurfaceFormat(surface, SDL_PIXELFORMAT_ABGR8888, 0);
    if (!rgba) {
        log_error("cannot convert the frame: %s", SDL_GetError());
        return false;
    }
    struct picture img = {(uint32_t)rgba->w, (uint32_t)rgba->h,
                          xmalloc((size_t)rgba->w * (size_t)rgba->h * 4)};
    for (int y = 0; y < rgba->h; y++)
        memcpy(img.rgba + (size_t)y * (size_t)rgba->w * 4,
               (const uint8_t *)rgba->pixels + (size_t)y * (size_t)rgba->pitch,
               (size_t)rgba->w * 4);
    /* The frame is opaque; the software renderer leaves alpha undefined in places. */
    for (size_t i = 3; i < (size_t)rgba->w * (size_t)rgba->h * 4; i += 4)
        img.rgba[i] = 255;
    SDL_FreeSurface(rgba);
    bool ok = picture_write_png(path, &img);
    picture_finish(&img);
    return ok;
}

int headless_render(const struct render_options *opt)
{
    int status = 1;
    struct config cfg;
    if (!config_read(&cfg, opt->config_path, opt->feeds, opt->feed_count))
        goto err_config;
    schedule_use_timezone(cfg.timezone);

    struct story_list stories;
    story_list_init(&stories);
    if (!feed_load_sources(&cfg, &stories))
        goto err_stories;
    bool alert = story_list_keep_alerts(&stories) > 0; /* as on the sign: they take over */
    int64_t base = opt->now != INT64_MIN ? opt->now : story_list_newest(&stories);

    if (TTF_Init() != 0) {
        log_error("cannot initialise SDL_ttf: %s", TTF_GetError());
        goto err_stories;
    }
    struct scene_fonts fonts;
    if (!scene_fonts_init(&fonts, &cfg))
        goto err_ttf;
    /* The screen as the sign sees it, with [display] rotate and overscan applied. */
    SDL_Surface *target =
        SDL_CreateRGBSurfaceWithFormat(0, opt->width, opt->height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *renderer = target ? SDL_CreateSoftwareRenderer(target) : NULL;
    if (!renderer) {
        log_error("cannot create the software renderer: %s", SDL_GetError());
        goto err_target;
    }
    struct output out;
    if (!output_init(&out, renderer, cfg.rotate, cfg.overscan)) {
        log_error("cannot make the picture's canvas: %s", SDL_GetError());
        goto err_output;
    }
    struct scene_params params = {.width = out.width,
                                  .height = out.height,
                                  .max_tile_w = 2048,
                                  .config = &cfg,
                                  .id = 1,
                                  .updated_at = base,
                                  .alert = alert};
    int64_t shown_at = base + (int64_t)floor(opt->at_s);
    struct schedule *sched = xmalloc(sizeof(*sched));
    config_schedule(&cfg, sched);
    bool display_on = schedule_on(sched, shown_at);
    free(sched);
    if (!display_on) {
        /* What the lobby sees while the schedule has the display off. */
        SDL_FillRect(target, NULL, SDL_MapRGB(target->format, 0, 0, 0));
        if (save_png(target, opt->out))
            status = 0;
        goto err_output;
    }
    struct scene *scene = scene_build(&params, &fonts, &stories);
    /* As the sign draws without a GPU. */
    struct painter *painter =
        out.turns ? painter_gpu_create(renderer) : painter_soft_create(renderer, NULL, target);
    if (!painter) {
        scene_destroy(scene);
        goto err_output;
    }
    struct stage stage;
    stage_init(&stage, painter, HEADLESS_HZ, cfg.theme.background);
    stage_push(&stage, scene);
    stage_upload(&stage, -1);
    /* The same clock as the live sign: whole refresh periods since start. */
    int64_t period_ns = (1000000000 + HEADLESS_HZ / 2) / HEADLESS_HZ;
    int64_t frames = llround(opt->at_s * HEADLESS_HZ);
    if (frames > 0)
        stage_advance(&stage, frames, period_ns);
    output_begin(&out);
    struct stage_damage drawn;
    painter_draw(painter, &stage, shown_at, &drawn);
    output_end(&out);
    SDL_RenderPresent(renderer);
    if (save_png(target, opt->out))
        status = 0;
    stage_finish(&stage);
    painter_destroy(painter);
err_output:
    output_finish(&out);
    SDL_DestroyRenderer(renderer);
err_target:
    SDL_FreeSurface(target);
    scene_fonts_finish(&fonts);
err_ttf:
    TTF_Quit();
    fonts_shutdown();
err_stories:
    story_list_finish(&stories);
err_config:
    config_finish(&cfg);
    return status;
}
