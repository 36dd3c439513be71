/* Drawing the stage (stage.h), behind a small table of operations with one implementation per
 * file, chosen once when the display opens:
 *   painter_gpu.c   whole frames from textures: GPU renderers, and SDL's software renderer
 *                   on a turned screen;
 *   painter_soft.c  no GPU: SDL's software renderer writing only what changed since the last
 *                   frame straight into the window's image, text from its coverage masks.
 * painter.c holds what both draw alike: the frame's composition, the top bar, textures.
 * Render thread only; `ticker render` draws with the software painter into an image, so it
 * shows exactly what a sign without a GPU shows. */
#pragma once
#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "stage.h"

struct painter;

struct painter_ops {
    const char *name;
    /* Whether the painter draws card text and crawl tiles from something it makes of them
     * (textures); without, it writes them from their masks and the stage keeps those. Every
     * other image (clock, brand, status line) is always made. */
    bool card_images, crawl_images;
    /* Makes an image drawable (a texture); NULL (logged) when that fails. */
    void *(*make)(struct painter *p, const struct scene_image *img);
    /* What make made is no longer needed. */
    void (*release)(struct painter *p, void *made);
    /* Frees what was released until budget_ns is spent (< 0: all). */
    void (*tidy)(struct painter *p, int64_t budget_ns);
    /* A card's text at opacity alpha, over its rule and tiles (drawn already). */
    void (*card_text)(struct painter *p, const struct stage_scene *ss,
                      const struct scene_card *card, uint8_t alpha, const SDL_Rect *clip);
    /* The crawl tile `image` of ss's scene at x, y (clip: the strip's part being drawn). */
    void (*crawl_tile)(struct painter *p, const struct stage_scene *ss, uint32_t image, int x,
                       int y, const SDL_Rect *clip);
    /* Draws the frame the stage shows at wall_time into the renderer's target; out: the
     * regions drawn (count -1: all of it). */
    void (*draw)(struct painter *p, struct stage *st, int64_t wall_time, struct stage_damage *out);
    /* Puts what draw drew on screen. */
    void (*present)(struct painter *p, const struct stage_damage *drawn);
    void (*destroy)(struct painter *p);
};

struct painter {
    const struct painter_ops *ops;
    SDL_Renderer *renderer; /* not owned */
    bool prime;             /* draw each new texture once when it is made (GPU renderers) */
    /* Textures released by the stage, destroyed a few per frame by painter_tidy. */
    SDL_Texture **doomed;
    size_t doomed_count, doomed_cap;
};

/* Whole frames from textures, on any renderer. */
struct painter *painter_gpu_create(SDL_Renderer *renderer);
/* Only what changed, written into the image the software renderer draws to: the window's
 * (window; its image is looked up each frame, it changes with the size) or a fixed one
 * (image, for `ticker render`). NULL (logged) when that image has no 32-bit pixels. */
struct painter *painter_soft_create(SDL_Renderer *renderer, SDL_Window *window, SDL_Surface *image);
/* Accepts NULL. */
void painter_destroy(struct painter *p);

static inline void painter_draw(struct painter *p, struct stage *st, int64_t wall_time,
                                struct stage_damage *out)
{
    p->ops->draw(p, st, wall_time, out);
}

static inline void painter_present(struct painter *p, const struct stage_damage *drawn)
{
    p->ops->present(p, drawn);
}

static inline void *painter_make(struct painter *p, const struct scene_image *img)
{
    return p->ops->make(p, img);
}

static inline void painter_release(struct painter *p, void *made)
{
    p->ops->release(p, made);
}

static inline void painter_tidy(struct painter *p, int64_t budget_ns)
{
    p->ops->tidy(p, budget_ns);
}

/* The painters' make, release and tidy: textures, and those released are destroyed a few per
 * frame: a big feed's scene has hundreds (~100 MB at 1080p), and destroying them all at once
 * takes longer than a frame. */
void *painter_texture_make(struct painter *p, const struct scene_image *img);
void painter_texture_release(struct painter *p, void *made);
void painter_texture_tidy(struct painter *p, int64_t budget_ns);

/* For the painters: the frame, or with clip only the part inside it; fading: the clip is the
 * shown card's and only its opacity changed. */
void painter_compose(struct painter *p, struct stage *st, int64_t wall_time, const SDL_Rect *clip,
                     bool fading);
void painter_init(struct painter *p, const struct painter_ops *ops, SDL_Renderer *renderer);
void painter_finish(struct painter *p);
void painter_set_color(SDL_Renderer *r, SDL_Color c);
void painter_fill(SDL_Renderer *r, struct rect rc);
/* Copies a made image at x, y at opacity alpha; nothing when it has not been made. */
void painter_blit(struct painter *p, const struct stage_scene *ss, uint32_t image, int x, int y,
                  uint8_t alpha);
