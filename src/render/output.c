#include "output.h"

#include "picture.h"
#include "util.h"

/* The margins as screen edges (top, right, bottom, left of the panel): a picture turned a
 * quarter clockwise has its top at the panel's right. */
static void screen_margins(const struct output *o, int out[4])
{
    for (int i = 0; i < 4; i++)
        out[(i + o->turns) % 4] = o->margins[i];
}

/* The part of a sw x sh screen inside the margins. */
static SDL_Rect picture_area(const struct output *o, int sw, int sh)
{
    int m[4];
    screen_margins(o, m);
    /* Margins never eat the whole screen: at least a quarter of each side stays. */
    int area_w = MAX(sw - m[1] - m[3], sw / 4), area_h = MAX(sh - m[0] - m[2], sh / 4);
    return (SDL_Rect){MIN(m[3], sw - area_w), MIN(m[0], sh - area_h), area_w, area_h};
}

void output_picture_size(int screen_w, int screen_h, int turns, const int margins[4], int *w,
                         int *h)
{
    struct output o = {.turns = turns & 3};
    for (int i = 0; i < 4; i++)
        o.margins[i] = margins[i];
    SDL_Rect area = picture_area(&o, screen_w, screen_h);
    *w = o.turns % 2 ? area.h : area.w;
    *h = o.turns % 2 ? area.w : area.h;
}

bool output_resize(struct output *o)
{
    int sw, sh;
    if (SDL_GetRendererOutputSize(o->renderer, &sw, &sh) != 0)
        return false;
    o->viewport = picture_area(o, sw, sh);
    int x = o->viewport.x, y = o->viewport.y, area_w = o->viewport.w, area_h = o->viewport.h;
    bool sideways = o->turns % 2 == 1;
    int w = sideways ? area_h : area_w, h = sideways ? area_w : area_h;
    /* SDL turns the copy about its centre; centre the unturned rectangle on the area. */
    o->dest = (SDL_FRect){(float)x + (float)(area_w - w) / 2.0f,
                          (float)y + (float)(area_h - h) / 2.0f, (float)w, (float)h};
    if (o->turns == 0) {
        o->width = w;
        o->height = h;
        return true;
    }
    if (o->canvas && (o->width != w || o->height != h)) {
        SDL_DestroyTexture(o->canvas);
        o->canvas = NULL;
    }
    o->width = w;
    o->height = h;
    if (!o->canvas)
        o->canvas = SDL_CreateTexture(o->renderer, SDL_PIXELFORMAT_ARGB8888,
                                      SDL_TEXTUREACCESS_TARGET, w, h);
    return o->canvas != NULL;
}

bool output_init(struct output *o, SDL_Renderer *renderer, int turns, const int margins[4])
{
    *o = (struct output){.renderer = renderer, .turns = turns & 3};
    for (int i = 0; i < 4; i++)
        o->margins[i] = margins[i];
    return output_resize(o);
}

void output_begin(struct output *o)
{
    if (o->canvas) {
        SDL_SetRenderTarget(o->renderer, o->canvas);
        return;
    }
    /* Clearing ignores the viewport, so the stage's clear paints the margins too. */
    SDL_RenderSetViewport(o->renderer, &o->viewport);
}

void output_end(struct output *o)
{
    if (!o->canvas)
        return;
    SDL_SetRenderTarget(o->renderer, NULL);
    /* The margins are cut off by the screen anyway. */
    SDL_SetRenderDrawColor(o->renderer, 0, 0, 0, 255);
    SDL_RenderClear(o->renderer);
    SDL_RenderCopyExF(o->renderer, o->canvas, NULL, &o->dest, 90.0 * o->turns, NULL, SDL_FLIP_NONE);
}

bool output_read_picture(struct output *o, struct picture *pic)
{
    /* From the canvas when turned: the picture upright, as the people in front of it see it.
     * Otherwise the viewport, which is what a NULL rectangle reads. */
    if (o->canvas)
        SDL_SetRenderTarget(o->renderer, o->canvas);
    else
        SDL_RenderSetViewport(o->renderer, &o->viewport);
    *pic = (struct picture){(uint32_t)o->width, (uint32_t)o->height,
                            xmalloc((size_t)o->width * (size_t)o->height * 4)};
    /* ABGR8888 is R, G, B, A in memory on a little-endian CPU (x86-64 and the Pi's aarch64). */
    bool ok = SDL_RenderReadPixels(o->renderer, NULL, SDL_PIXELFORMAT_ABGR8888, pic->rgba,
                                   o->width * 4) == 0;
    if (o->canvas)
        SDL_SetRenderTarget(o->renderer, NULL);
    if (!ok) {
        picture_finish(pic);
        return false;
    }
    for (size_t i = 3; i < (size_t)o->width * (size_t)o->height * 4; i += 4)
        pic->rgba[i] = 255;
    return true;
}

void output_finish(struct output *o)
{
    if (o->canvas)
        SDL_DestroyTexture(o->canvas);
    o->canvas = NULL;
}
