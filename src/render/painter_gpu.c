/* The GPU painter: every frame drawn whole from textures (painter.h). */
#include <stdlib.h>

#include "painter.h"
#include "util.h"

/* Text images are opaque on the colour they stand on. Fading, each blends over the bare
 * surface, so a tile's text box comes out the same colour as the fill around it. */
static void card_text(struct painter *p, const struct stage_scene *ss,
                      const struct scene_card *card, uint8_t alpha, const SDL_Rect *clip)
{
    (void)clip;
    const struct scene *sc = ss->scene;
    painter_set_color(p->renderer, sc->colors.surface);
    for (uint32_t i = 0; i < card->count; i++) {
        const struct scene_placed *pl = &sc->placed[card->first + i];
        if (alpha < 255 && pl->image != SCENE_NO_IMAGE)
            painter_fill(p->renderer, (struct rect){pl->x, pl->y, sc->images[pl->image].w,
                                                    sc->images[pl->image].h});
        painter_blit(p, ss, pl->image, pl->x, pl->y, alpha);
    }
}

static void crawl_tile(struct painter *p, const struct stage_scene *ss, uint32_t image, int x,
                       int y, const SDL_Rect *clip)
{
    (void)clip;
    painter_blit(p, ss, image, x, y, 255);
}

static void draw(struct painter *p, struct stage *st, int64_t wall_time, struct stage_damage *out)
{
    stage_invalidate(st);
    stage_damage(st, wall_time, out); /* records the frame as shown */
    painter_compose(p, st, wall_time, NULL, false);
}

static void present(struct painter *p, const struct stage_damage *drawn)
{
    (void)drawn;
    SDL_RenderPresent(p->renderer);
}

static void destroy(struct painter *p)
{
    painter_finish(p);
    free(p);
}

static const struct painter_ops gpu_ops = {
    .name = "gpu",
    .card_images = true,
    .crawl_images = true,
    .make = painter_texture_make,
    .release = painter_texture_release,
    .tidy = painter_texture_tidy,
    .card_text = card_text,
    .crawl_tile = crawl_tile,
    .draw = draw,
    .present = present,
    .destroy = destroy,
};

struct painter *painter_gpu_create(SDL_Renderer *renderer)
{
    struct painter *p = xmalloc(sizeof(*p));
    painter_init(p, &gpu_ops, renderer);
    return p;
}
