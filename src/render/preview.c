#include "preview.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "log.h"
#include "output.h"
#include "painter.h"
#include "picture.h"
#include "scene.h"
#include "stage.h"
#include "util.h"

#define PREVIEW_HZ 60

static bool write_png(SDL_Surface *sheet, const char *path)
{
    struct picture img = {(uint32_t)sheet->w, (uint32_t)sheet->h,
                          xmalloc((size_t)sheet->w * (size_t)sheet->h * 4)};
    for (int y = 0; y < sheet->h; y++) {
        const Uint32 *row = scene_row32(sheet, y);
        for (int x = 0; x < sheet->w; x++) {
            uint8_t *px = img.rgba + ((size_t)y * (size_t)sheet->w + (size_t)x) * 4;
            px[0] = (uint8_t)(row[x] >> 16);
            px[1] = (uint8_t)(row[x] >> 8);
            px[2] = (uint8_t)row[x];
            px[3] = 255;
        }
    }
    bool ok = picture_write_png(path, &img);
    picture_finish(&img);
    return ok;
}

/* Story n's number above its cell. */
static void draw_number(SDL_Surface *sheet, struct scene_fonts *fonts, size_t n, int x, int y,
                        uint32_t rgb)
{
    char text[32];
    snprintf(text, sizeof(text), "%zu", n);
    SDL_Color fg = {(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255};
    SDL_Surface *s = font_render(&fonts->bold, PREVIEW_LABEL * 3 / 4, text, strlen(text), fg);
    if (!s)
        return;
    SDL_Rect at = {x, y + (PREVIEW_LABEL - s->h) / 2, s->w, s->h};
    SDL_BlitSurface(s, NULL, sheet, &at);
    SDL_FreeSurface(s);
}

/* The cards of stories in turn, each drawn mid-way through its time on screen (after the fade)
 * and scaled into the sheet's cell cells[k]. alert: they are alerts, drawn as the sign draws a
 * take-over (alert colours, only alerts in the crawl). */
static bool draw_cards(const struct config *cfg, struct scene_fonts *fonts,
                       const struct story_list *stories, const size_t *cells, bool alert,
                       SDL_Surface *target, SDL_Surface *sheet)
{
    if (stories->count == 0)
        return true;
    SDL_Renderer *renderer = SDL_CreateSoftwareRenderer(target);
    struct painter *painter = renderer ? painter_soft_create(renderer, NULL, target) : NULL;
    if (!painter) {
        log_error("cannot create the software renderer: %s", SDL_GetError());
        SDL_DestroyRenderer(renderer);
        return false;
    }
    struct scene_params params = {.width = target->w,
                                  .height = target->h,
                                  .max_tile_w = 2048,
                                  .config = cfg,
                                  .id = 1,
                                  .updated_at = story_list_newest(stories),
                                  .alert = alert};
    struct stage stage;
    stage_init(&stage, painter, PREVIEW_HZ, cfg->theme.background);
    stage_push(&stage, scene_build(&params, fonts, stories));
    stage_upload(&stage, -1);
    int64_t period_ns = (1000000000 + PREVIEW_HZ / 2) / PREVIEW_HZ;
    int64_t card_frames = (int64_t)cfg->card_seconds * PREVIEW_HZ;
    stage_advance(&stage, card_frames / 2, period_ns);
    int tw = target->w / PREVIEW_SCALE, th = target->h / PREVIEW_SCALE;
    for (size_t k = 0; k < stories->count; k++) {
        if (k > 0)
            stage_advance(&stage, card_frames, period_ns);
        struct stage_damage drawn;
        painter_draw(painter, &stage, params.updated_at, &drawn);
        SDL_RenderPresent(renderer);
        int col = (int)(cells[k] % PREVIEW_COLUMNS), row = (int)(cells[k] / PREVIEW_COLUMNS);
        int x = PREVIEW_GAP + col * (tw + PREVIEW_GAP);
        int y = PREVIEW_GAP + row * (PREVIEW_LABEL + th + PREVIEW_GAP);
        draw_number(sheet, fonts, cells[k] + 1, x, y, cfg->theme.foreground);
        SDL_Rect cell = {x, y + PREVIEW_LABEL, tw, th};
        SDL_SoftStretchLinear(target, NULL, sheet, &cell);
    }
    stage_finish(&stage);
    painter_destroy(painter);
    SDL_DestroyRenderer(renderer);
    return true;
}

/* The first n stories: the news in one deck, the alerts in another, each story's cell its place
 * in the feed (the number check-feed gives it). */
static bool draw_decks(const struct config *cfg, struct scene_fonts *fonts,
                       const struct story_list *stories, size_t n, SDL_Surface *target,
                       SDL_Surface *sheet)
{
    struct story_list deck[2];
    size_t *cells[2] = {xcalloc(n, sizeof(size_t)), xcalloc(n, sizeof(size_t))};
    for (int d = 0; d < 2; d++)
        story_list_init(&deck[d]);
    for (size_t i = 0; i < n; i++) {
        int d = stories->items[i].alert ? 1 : 0;
        cells[d][deck[d].count] = i;
        story_copy(story_list_add(&deck[d]), &stories->items[i]);
    }
    bool ok = draw_cards(cfg, fonts, &deck[0], cells[0], false, target, sheet) &&
              draw_cards(cfg, fonts, &deck[1], cells[1], true, target, sheet);
    for (int d = 0; d < 2; d++) {
        story_list_finish(&deck[d]);
        free(cells[d]);
    }
    return ok;
}

static bool draw_sheet(const struct preview_options *opt, const struct config *cfg,
                       const struct story_list *stories, size_t n, int width, int height)
{
    if (TTF_Init() != 0) {
        log_error("cannot initialise SDL_ttf: %s", TTF_GetError());
        return false;
    }
    bool ok = false;
    struct scene_fonts fonts;
    if (!scene_fonts_init(&fonts, cfg))
        goto err_ttf;
    int cols = (int)(n < PREVIEW_COLUMNS ? n : PREVIEW_COLUMNS);
    int rows = (int)((n + PREVIEW_COLUMNS - 1) / PREVIEW_COLUMNS);
    int sw = PREVIEW_GAP + cols * (width / PREVIEW_SCALE + PREVIEW_GAP);
    int sh = PREVIEW_GAP + rows * (PREVIEW_LABEL + height / PREVIEW_SCALE + PREVIEW_GAP);
    SDL_Surface *target =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Surface *sheet = SDL_CreateRGBSurfaceWithFormat(0, sw, sh, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!target || !sheet) {
        log_error("cannot make a %dx%d sheet: %s", sw, sh, SDL_GetError());
        goto err_surfaces;
    }
    uint32_t bg = cfg->theme.surface;
    SDL_FillRect(sheet, NULL,
                 SDL_MapRGB(sheet->format, (Uint8)(bg >> 16), (Uint8)(bg >> 8), (Uint8)bg));
    ok = draw_decks(cfg, &fonts, stories, n, target, sheet) && write_png(sheet, opt->out);
err_surfaces:
    SDL_FreeSurface(sheet);
    SDL_FreeSurface(target);
    scene_fonts_finish(&fonts);
err_ttf:
    TTF_Quit();
    fonts_shutdown();
    return ok;
}

int preview_run(const struct preview_options *opt)
{
    int status = 1;
    struct config cfg;
    config_init(&cfg);
    if (opt->config_path && !config_load(&cfg, opt->config_path))
        goto err_config;
    struct story_list stories;
    story_list_init(&stories);
    struct error err;
    if (!feed_load(opt->src, &stories, &err)) {
        log_error("%s", err.msg);
        status = 2;
        goto err_stories;
    }
    /* In feed order, every story: the numbers are check-feed's. */
    size_t n = stories.count;
    if (n == 0) {
        log_error("%s: no stories", opt->src);
        status = 2;
        goto err_stories;
    }
    if (n > PREVIEW_MAX_CARDS) {
        log_warn("%s: %zu stories; the sheet shows the first %d", opt->src, n, PREVIEW_MAX_CARDS);
        n = PREVIEW_MAX_CARDS;
    }
    /* The picture the sign draws: on --size, else the configured mode, else a common screen,
     * turned by [display] rotate and less its overscan, as `ticker render` and check-feed. */
    int screen_w = opt->width ? opt->width : cfg.mode[0] ? cfg.mode[0] : PREVIEW_DEFAULT_W;
    int screen_h = opt->width ? opt->height : cfg.mode[0] ? cfg.mode[1] : PREVIEW_DEFAULT_H;
    int w, h;
    output_picture_size(screen_w, screen_h, cfg.rotate, cfg.overscan, &w, &h);
    if (draw_sheet(opt, &cfg, &stories, n, w, h))
        status = 0;
err_stories:
    story_list_finish(&stories);
err_config:
    config_finish(&cfg);
    return status;
}
