#include "painter.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

void painter_init(struct painter *p, const struct painter_ops *ops, SDL_Renderer *renderer)
{
    memset(p, 0, sizeof(*p));
    p->ops = ops;
    p->renderer = renderer;
    SDL_RendererInfo info;
    p->prime = SDL_GetRendererInfo(renderer, &info) == 0 && !(info.flags & SDL_RENDERER_SOFTWARE);
}

void painter_finish(struct painter *p)
{
    painter_texture_tidy(p, -1);
    free(p->doomed);
    p->doomed = NULL;
    p->doomed_cap = 0;
}

void painter_destroy(struct painter *p)
{
    if (p)
        p->ops->destroy(p);
}

void *painter_texture_make(struct painter *p, const struct scene_image *img)
{
    SDL_Surface *pixels = scene_image_pixels(img);
    SDL_Texture *tex = pixels ? SDL_CreateTextureFromSurface(p->renderer, pixels) : NULL;
    SDL_FreeSurface(pixels);
    if (!tex) {
        log_error("cannot upload a %dx%d texture: %s", img->w, img->h, SDL_GetError());
        return NULL;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
    if (p->prime) {
        /* Draw it once, invisibly (the frame is cleared after uploads): GPU drivers finish
         * uploads and compile shader variants on first use, and that cost belongs in this
         * frame's upload budget rather than in the first frame that shows the scene. */
        SDL_Rect dot = {0, 0, 1, 1};
        SDL_SetTextureAlphaMod(tex, 0);
        SDL_RenderCopy(p->renderer, tex, NULL, &dot);
        SDL_RenderFlush(p->renderer);
        SDL_SetTextureAlphaMod(tex, 255);
    }
    return tex;
}

void painter_texture_release(struct painter *p, void *made)
{
    if (p->doomed_count == p->doomed_cap) {
        p->doomed_cap = p->doomed_cap ? p->doomed_cap * 2 : 64;
        p->doomed = xrealloc(p->doomed, p->doomed_cap * sizeof(*p->doomed));
    }
    p->doomed[p->doomed_count++] = made;
}

void painter_texture_tidy(struct painter *p, int64_t budget_ns)
{
    int64_t start = util_now_ns();
    while (p->doomed_count > 0) {
        SDL_DestroyTexture(p->doomed[--p->doomed_count]);
        if (budget_ns >= 0 && util_now_ns() - start > budget_ns)
            break;
    }
}

void painter_set_color(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
}

void painter_fill(SDL_Renderer *r, struct rect rc)
{
    SDL_Rect sr = {rc.x, rc.y, rc.w, rc.h};
    SDL_RenderFillRect(r, &sr);
}

void painter_blit(struct painter *p, const struct stage_scene *ss, uint32_t image, int x, int y,
                  uint8_t alpha)
{
    if (image == SCENE_NO_IMAGE || !ss->resident[image])
        return;
    const struct scene_image *img = &ss->scene->images[image];
    SDL_Texture *tex = ss->resident[image];
    /* Images are opaque: copied, unless fading. */
    SDL_SetTextureBlendMode(tex, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetTextureAlphaMod(tex, alpha);
    SDL_Rect dst = {x, y, img->w, img->h};
    SDL_RenderCopy(p->renderer, tex, NULL, &dst);
}

static void draw_card(struct painter *p, struct stage *st, struct card_ref ref, uint8_t alpha,
                      const SDL_Rect *clip)
{
    if (p->ops->card_images) {
        /* Made ahead by stage_upload; if not yet (a jump in time, `ticker render`), now. */
        stage_load_card(st, ref);
    }
    const struct stage_scene *ss = &st->scenes[ref.slot];
    const struct scene *sc = ss->scene;
    const struct scene_card *card = &sc->cards[ref.card];
    SDL_Renderer *r = p->renderer;
    SDL_Color surface = sc->colors.surface;
    /* Everything a card draws stands on the flat surface: a fading rule or tile is an opaque
     * fill of its colour mixed over the surface (no blending of every pixel). */
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    painter_set_color(r, scene_blend(surface, sc->colors.accent, alpha));
    painter_fill(r, card->accent);
    painter_set_color(r, scene_blend(surface, sc->colors.tile, alpha));
    for (size_t i = 0; i < card->tile_count; i++)
        painter_fill(r, card->tiles[i]);
    p->ops->card_text(p, ss, card, alpha, clip);
}

/* The glyphs of the clock at wall_time; their count, 0 when the scene has no clock. */
static size_t clock_glyphs(const struct scene *sc, int64_t wall_time, uint32_t glyphs[8])
{
    if (sc->clock_glyphs[0] == SCENE_NO_IMAGE)
        return 0;
    time_t t = (time_t)wall_time;
    struct tm tm;
    localtime_r(&t, &tm);
    int hour = tm.tm_hour;
    size_t n = 0;
    if (sc->clock_12h) {
        int h12 = hour % 12 ? hour % 12 : 12;
        if (h12 >= 10)
            glyphs[n++] = sc->clock_glyphs[h12 / 10];
        glyphs[n++] = sc->clock_glyphs[h12 % 10];
    } else {
        glyphs[n++] = sc->clock_glyphs[hour / 10];
        glyphs[n++] = sc->clock_glyphs[hour % 10];
    }
    glyphs[n++] = sc->clock_glyphs[10];
    glyphs[n++] = sc->clock_glyphs[tm.tm_min / 10];
    glyphs[n++] = sc->clock_glyphs[tm.tm_min % 10];
    if (sc->clock_12h)
        glyphs[n++] = sc->clock_glyphs[hour < 12 ? 11 : 12];
    return n;
}

static void draw_clock(struct painter *p, const struct stage_scene *ss, int64_t wall_time)
{
    const struct scene *sc = ss->scene;
    uint32_t glyphs[8];
    size_t n = clock_glyphs(sc, wall_time, glyphs);
    if (n == 0)
        return;
    /* Digits sit centred in cells of the widest digit, so the clock never wobbles. */
    int cells[8], width = 0;
    for (size_t i = 0; i < n; i++) {
        if (glyphs[i] == SCENE_NO_IMAGE)
            return;
        cells[i] = glyphs[i] == sc->clock_glyphs[10] ? sc->clock_colon_w
                   : glyphs[i] == sc->clock_glyphs[11] || glyphs[i] == sc->clock_glyphs[12]
                       ? sc->images[glyphs[i]].w
                       : sc->clock_cell_w;
        width += cells[i];
    }
    const struct screen_layout *sl = &sc->layout;
    int x = sl->clock_right - width;
    for (size_t i = 0; i < n; i++) {
        const struct scene_image *img = &sc->images[glyphs[i]];
        painter_blit(p, ss, glyphs[i], x + (cells[i] - img->w) / 2, (sl->top_bar.h - img->h) / 2,
                     255);
        x += cells[i];
    }
    if (sc->status != SCENE_NO_IMAGE) {
        const struct scene_image *img = &sc->images[sc->status];
        painter_blit(p, ss, sc->status, sl->clock_right - width - 2 * sl->gap - img->w,
                     (sl->top_bar.h - img->h) / 2, 255);
    }
}

static bool inside(SDL_Rect a, struct rect outer)
{
    return layout_rect_contains(outer, (struct rect){a.x, a.y, a.w, a.h});
}

/* Whether drawing clipped to clip (NULL: everything) can change anything in r. */
static bool touches(const SDL_Rect *clip, struct rect r)
{
    return !clip || layout_rects_overlap((struct rect){clip->x, clip->y, clip->w, clip->h}, r);
}

/* Where something the conveyor puts at x (from the strip's left, as for a crawl that moves
 * left), w wide, goes on screen: there, or mirrored in the strip for a crawl that moves right
 * (the order of the headlines mirrored, never the headlines themselves). */
static int band_x(const struct scene *sc, int x, int w)
{
    return sc->crawl_rightward ? 2 * sc->strip.x + sc->strip.w - x - w : x;
}

/* The crawl's tiles are opaque and as tall as the strip: only what they leave uncovered (the
 * band above and below the strip, the end of a short crawl, a segment whose scene is gone)
 * is filled. */
static void draw_band(struct painter *p, struct stage *st, const struct scene *sc,
                      const SDL_Rect *clip)
{
    SDL_Renderer *r = p->renderer;
    const struct screen_layout *sl = &sc->layout;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    painter_set_color(r, sc->colors.band);
    const struct rect *strip = &sc->strip;
    if (!clip || !inside(*clip, *strip)) {
        painter_fill(r, (struct rect){sl->band.x, sl->band.y, sl->band.w, strip->y - sl->band.y});
        painter_fill(r, (struct rect){sl->band.x, strip->y + strip->h, sl->band.w,
                                      sl->band.y + sl->band.h - strip->y - strip->h});
    }
    /* Segments of an older scene keep their own strip's rows, cut to the newest one's. */
    SDL_Rect strip_clip = {strip->x, strip->y, strip->w, strip->h};
    if (clip)
        SDL_IntersectRect(clip, &strip_clip, &strip_clip);
    SDL_RenderSetClipRect(r, &strip_clip);
    int x = (int)-st->crawl.offset;
    for (size_t i = 0; i < st->crawl.count && x < sc->width; i++) {
        const struct crawl_segment *seg = &st->crawl.segments[i];
        int slot = stage_slot_of(st, seg->snapshot_id);
        int left = band_x(sc, x, seg->width);
        if (slot >= 0) {
            const struct stage_scene *segss = &st->scenes[slot];
            const struct scene_segment *ssg = &segss->scene->segments[seg->index];
            int tx = left;
            for (uint32_t k = 0; k < ssg->count; k++) {
                const struct scene_image *img = &segss->scene->images[ssg->first + k];
                if (tx + img->w > 0 && tx < sc->width)
                    p->ops->crawl_tile(p, segss, ssg->first + k, tx, segss->scene->strip.y,
                                       &strip_clip);
                tx += img->w;
            }
        } else {
            painter_fill(r, (struct rect){left, strip->y, seg->width, strip->h});
        }
        x += seg->width;
    }
    if (x < strip->x + strip->w) {
        int from = MAX(x, strip->x), w = strip->x + strip->w - from;
        painter_fill(r, (struct rect){band_x(sc, from, w), strip->y, w, strip->h});
    }
}

/* SDL_RenderClear would ignore the clip, so with one the clip is filled instead (the rest of
 * the target is left as it is). */
void painter_compose(struct painter *p, struct stage *st, int64_t wall_time, const SDL_Rect *clip,
                     bool fading)
{
    SDL_Renderer *r = p->renderer;
    SDL_RenderSetClipRect(r, clip);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    const struct stage_scene *ss = stage_current(st);
    /* Before the first scene: the background only, so the screen is never garbage. */
    uint32_t bg = st->background;
    painter_set_color(r, ss ? ss->scene->colors.background
                            : (SDL_Color){(Uint8)(bg >> 16), (Uint8)(bg >> 8), (Uint8)bg, 255});
    if (!clip)
        SDL_RenderClear(r);
    else if (!ss ||
             (!inside(*clip, ss->scene->layout.band) && !inside(*clip, ss->scene->layout.card)))
        SDL_RenderFillRect(r, clip); /* the card and the band paint all of themselves */
    if (ss) {
        const struct scene *sc = ss->scene;
        const struct screen_layout *sl = &sc->layout;
        if (touches(clip, sl->top_bar)) {
            if (sc->brand != SCENE_NO_IMAGE)
                painter_blit(p, ss, sc->brand, sl->brand.x,
                             (sl->top_bar.h - sc->images[sc->brand].h) / 2, 255);
            draw_clock(p, ss, wall_time);
        }
        /* Text written straight into the target covers only its own pixels: a card that
         * merely fades keeps the surface around its text as it is. */
        if (touches(clip, sl->card)) {
            SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
            painter_set_color(r, sc->colors.surface);
            if (!fading)
                painter_fill(r, sl->card);
            struct card_ref ref;
            uint8_t alpha;
            if (stage_card_shown(st, &ref, &alpha))
                draw_card(p, st, ref, alpha, clip);
        }
        if (touches(clip, sl->band))
            draw_band(p, st, sc, clip);
    }
    SDL_RenderSetClipRect(r, NULL);
}
