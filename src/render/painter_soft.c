/* The software painter: no GPU, so no whole frames. Only the regions that changed since the
 * last frame (stage_damage) are drawn, into the image SDL's software renderer draws to, and
 * only those are copied to the screen: the crawl's strip is moved left in place and only the
 * columns coming in are drawn, text is written straight from its coverage masks (painter.h). */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "painter.h"
#include "util.h"

struct soft_painter {
    struct painter base;
    SDL_Window *window; /* not owned; NULL: image is fixed */
    SDL_Surface *image; /* not owned: the target, 32 bits per pixel */
    SDL_Rect vp;        /* the renderer's viewport during the last draw */
};

static struct soft_painter *soft(struct painter *p)
{
    return (struct soft_painter *)(void *)p;
}

/* Writes a mask image into the target at x, y (picture coordinates, like clip): with whole,
 * every pixel of it; else only the pixels the text covers, the rest left alone (it is bg
 * already: the card's surface, or a tile filled just before). */
static void write_text(struct soft_painter *sp, const SDL_Rect *clip, const struct scene_image *img,
                       int x, int y, SDL_Color fg, SDL_Color fg2, SDL_Color bg, bool whole,
                       Uint8 opacity)
{
    SDL_Rect vp = sp->vp, box = {x, y, img->w, img->h}, area;
    SDL_Rect within = clip ? *clip : (SDL_Rect){0, 0, vp.w, vp.h};
    if (!img->mask || !SDL_IntersectRect(&box, &within, &area))
        return;
    Uint32 lut[256];
    scene_text_lut(fg, fg2, bg, sp->image->format, lut);
    for (int row = area.y; row < area.y + area.h; row++) {
        const uint8_t *m = img->mask + (size_t)(row - y) * (size_t)img->w + (area.x - x);
        Uint32 *d = scene_row32(sp->image, row + vp.y) + area.x + vp.x;
        int i = 0;
        if (!whole) {
            /* Eight pixels at a time: empty ones (most of a text box) are skipped; in the
             * rest, writing bg where the coverage is 0 changes nothing. */
            for (; i + 8 <= area.w; i += 8) {
                uint64_t eight;
                memcpy(&eight, m + i, 8);
                if (eight)
                    for (int k = 0; k < 8; k++)
                        d[i + k] = lut[m[i + k]];
            }
        }
        for (; i < area.w; i++)
            if (whole || m[i])
                d[i] = lut[m[i]];
    }
    /* Colour glyphs over it, at the card's opacity. */
    SDL_Rect in_image = {area.x - x, area.y - y, area.w, area.h};
    for (size_t k = 0; k < img->sprite_count; k++)
        scene_sprite_blend(&img->sprites[k], in_image, sp->image, x + vp.x, y + vp.y, opacity);
}

/* The text in the colours the card's opacity gives it, over the fills drawn before. */
static void card_text(struct painter *p, const struct stage_scene *ss,
                      const struct scene_card *card, uint8_t alpha, const SDL_Rect *clip)
{
    const struct scene *sc = ss->scene;
    SDL_Color surface = sc->colors.surface;
    SDL_RenderFlush(p->renderer);
    for (uint32_t i = 0; i < card->count; i++) {
        const struct scene_placed *pl = &sc->placed[card->first + i];
        if (pl->image == SCENE_NO_IMAGE)
            continue;
        const struct scene_image *img = &sc->images[pl->image];
        write_text(soft(p), clip, img, pl->x, pl->y, scene_blend(surface, img->fg, alpha),
                   scene_blend(surface, img->fg2, alpha), scene_blend(surface, img->bg, alpha),
                   false, alpha);
    }
}

static void crawl_tile(struct painter *p, const struct stage_scene *ss, uint32_t image, int x,
                       int y, const SDL_Rect *clip)
{
    const struct scene_image *img = &ss->scene->images[image];
    if (img->mask)
        write_text(soft(p), clip, img, x, y, img->fg, img->fg2, img->bg, true, 255);
    else
        painter_blit(p, ss, image, x, y, 255);
}

/* Moves the picture in region r of the target px pixels to the left, or to the right
 * (picture coordinates); returns the columns that came free, to draw. */
static SDL_Rect scroll(struct soft_painter *sp, const SDL_Rect *r, int px, bool right)
{
    SDL_RenderFlush(sp->base.renderer);
    for (int row = r->y; row < r->y + r->h; row++) {
        Uint32 *d = scene_row32(sp->image, row + sp->vp.y) + r->x + sp->vp.x;
        if (right)
            memmove(d + px, d, (size_t)(r->w - px) * sizeof(*d));
        else
            memmove(d, d + px, (size_t)(r->w - px) * sizeof(*d));
    }
    return (SDL_Rect){right ? r->x : r->x + r->w - px, r->y, px, r->h};
}

static void draw(struct painter *p, struct stage *st, int64_t wall_time, struct stage_damage *out)
{
    struct soft_painter *sp = soft(p);
    if (sp->window)
        sp->image = SDL_GetWindowSurface(sp->window); /* new after a resize */
    SDL_RenderGetViewport(p->renderer, &sp->vp);
    stage_damage(st, wall_time, out);
    if (out->count < 0)
        painter_compose(p, st, wall_time, NULL, false);
    for (int i = 0; i < out->count; i++) {
        struct rect a = out->area[i];
        SDL_Rect r = {a.x, a.y, a.w, a.h};
        if (out->moved[i] > 0) {
            /* The crawl moves what is on screen and draws only the columns coming in. */
            bool right = stage_current(st)->scene->crawl_rightward;
            SDL_Rect in = scroll(sp, &r, out->moved[i], right);
            painter_compose(p, st, wall_time, &in, false);
        } else {
            painter_compose(p, st, wall_time, &r, out->fading[i]);
        }
    }
}

/* Copies the regions drawn (picture coordinates) to the window, or everything. */
static void present(struct painter *p, const struct stage_damage *drawn)
{
    struct soft_painter *sp = soft(p);
    if (drawn->count < 0 || !sp->window) {
        SDL_RenderPresent(p->renderer);
        return;
    }
    SDL_Rect rects[STAGE_MAX_DAMAGE];
    for (int i = 0; i < drawn->count; i++)
        rects[i] = (SDL_Rect){drawn->area[i].x + sp->vp.x, drawn->area[i].y + sp->vp.y,
                              drawn->area[i].w, drawn->area[i].h};
    if (drawn->count > 0)
        SDL_UpdateWindowSurfaceRects(sp->window, rects, drawn->count);
}

static void destroy(struct painter *p)
{
    painter_finish(p);
    free(soft(p));
}

static const struct painter_ops soft_ops = {
    .name = "software",
    .card_images = false,
    .crawl_images = false,
    .make = painter_texture_make,
    .release = painter_texture_release,
    .tidy = painter_texture_tidy,
    .card_text = card_text,
    .crawl_tile = crawl_tile,
    .draw = draw,
    .present = present,
    .destroy = destroy,
};

struct painter *painter_soft_create(SDL_Renderer *renderer, SDL_Window *window, SDL_Surface *image)
{
    SDL_Surface *target = window ? SDL_GetWindowSurface(window) : image;
    if (!target || target->format->BytesPerPixel != 4) {
        log_warn("the software painter needs a 32-bit image to draw into (%s)",
                 target ? SDL_GetPixelFormatName(target->format->format) : SDL_GetError());
        return NULL;
    }
    struct soft_painter *sp = xcalloc(1, sizeof(*sp));
    painter_init(&sp->base, &soft_ops, renderer);
    sp->window = window;
    sp->image = target;
    return &sp->base;
}
