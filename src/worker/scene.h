/* The prepared content: every piece of text the sign shows, laid out for one screen size and
 * rasterised on the worker (the crawl as opaque tiles, text on one colour as coverage masks).
 * Handed to the render thread as an immutable whole (it only frees pixels once uploaded); the
 * render thread never rasterises text. */
#pragma once
#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fonts.h"
#include "layout.h"
#include "logo.h"
#include "story.h"

#define SCENE_NO_IMAGE UINT32_MAX
#define SCENE_CLOCK_GLYPHS 13 /* "0123456789:" then " AM", " PM" */

/* Row y of a 32-bit surface. SDL keeps its rows 4-byte aligned (pitches are multiples of 4);
 * the compiler cannot know that, and on armhf -Wcast-align says so for a plain cast. */
static inline Uint32 *scene_row32(const SDL_Surface *s, int y)
{
    return (Uint32 *)(void *)((Uint8 *)s->pixels + (ptrdiff_t)y * s->pitch);
}

/* Text on one colour, opaque, kept at a quarter of the memory of its pixels: the mask is
 * w x h bytes, each the coverage in bits 0-6 (0-127) of colour fg, or of fg2 with bit 7 set
 * (the crawl's highlighted figures). Textures are made from it (scene_image_pixels) as they
 * are needed, a card's each time the card comes up; without a GPU it is written to the screen
 * directly. */
/* Pixels in colour over a mask image (an emoji): straight-alpha ARGB8888, w x h at x, y in the
 * image. Only where a colour glyph is: a line of text with one emoji carries a few KiB. */
struct scene_sprite {
    int x, y, w, h;
    uint32_t *argb; /* owned */
};

struct scene_image {
    uint8_t *mask;                /* owned; NULL once the render thread has no more use for it */
    struct scene_sprite *sprites; /* owned; drawn over the mask, in order; NULL: none */
    size_t sprite_count;
    SDL_Color fg, fg2, bg;
    int w, h;
    bool crawl; /* a crawl tile */
    int card;   /* the card whose text this is; -1 for the top bar and the crawl */
};

/* An image at a place on screen. */
struct scene_placed {
    uint32_t image;
    int x, y;
};

struct scene_card {
    uint32_t first, count; /* range in scene.placed */
    bool ready;            /* its images have their masks (a lazy scene's come on request) */
    struct rect accent;    /* the rule left of the text */
    size_t tile_count;
    struct rect tiles[STORY_MAX_FIGURES];
};

struct scene_segment {
    uint32_t first, count; /* range in scene.images: tiles laid left to right */
    int width;
};

struct scene_colors {
    SDL_Color background, surface, tile, foreground, muted, accent, band, band_text, band_accent;
};

struct scene {
    uint32_t id;
    int width, height;
    struct screen_layout layout;
    struct scene_colors colors;
    int crawl_step_px_s;            /* crawl speed for this screen, px/s */
    bool crawl_rightward;           /* the crawl moves right: headlines join at the left edge */
    int64_t card_ns, transition_ns; /* card rotation of the config the scene was built with */

    size_t image_count, image_cap;
    struct scene_image *images; /* owned */
    size_t placed_count, placed_cap;
    struct scene_placed *placed; /* owned */
    size_t card_count;
    struct scene_card *cards; /* owned */
    size_t segment_count;
    struct scene_segment *segments; /* owned */
    struct rect strip; /* the band's rows the crawl's text uses, the height of every crawl tile;
                          the rest of the band is the band colour */

    uint32_t brand, status;                    /* images, placed by draw (brand: left; status:
                                                  right of centre, before the clock) */
    uint32_t clock_glyphs[SCENE_CLOCK_GLYPHS]; /* SCENE_NO_IMAGE when the clock is off */
    int clock_cell_w;                          /* digits drawn in fixed cells: no wobble */
    int clock_colon_w;
    bool clock_12h;
    int story_count;
    bool preview; /* built with scene_params.preview: the next scene is the same, complete */
    bool lazy;    /* built with scene_params.lazy_cards */
    bool alert;   /* built with scene_params.alert */
};

/* Whether the crawl moves right for these stories under direction (the config's): auto
 * means when more headlines read right to left than left to right. Pure. */
bool scene_crawl_rightward(enum config_crawl_direction direction, const struct story *stories,
                           size_t n);

/* Bytes of crawl masks a scene holds at most (at the band's full height, before the rows
 * without text are cut). */
#define SCENE_CRAWL_BUDGET (48u << 20)

/* The WCAG contrast ratio of two 0xRRGGBB colours (1 to 21). The sign shifts text that reads
 * below 3:1 on its background; check-config says so. Pure. */
double scene_contrast(uint32_t a, uint32_t b);

/* About how many headlines of a usual length fit the crawl's budget at width x height and a
 * text_scale (for check-config to warn about max_stories). Pure. */
size_t scene_crawl_fit(int width, int height, int text_scale);

/* Cards a lazy scene rasterises when it is built: the first and the next. */
#define SCENE_EAGER_CARDS 2

/* The masks of one card of a lazy scene, made on request (scene_build_card): images in the
 * order of the card's placed images. */
struct scene_card_pack {
    uint32_t scene_id;
    size_t card;
    size_t count;
    struct scene_image *images; /* owned */
};

struct scene_params {
    int width, height;
    int max_tile_w; /* min(renderer max texture width, 2048) */
    const struct config *config;
    uint32_t id;        /* distinguishes scenes on the render side; unique per process */
    int64_t updated_at; /* wall clock of the last good update, for "Updated HH:MM"; 0 = never */
    bool offline;       /* no success for a while: "Offline — news from HH:MM" instead */
    bool preview;       /* only the first card and crawl for two screen widths: quick to build */
    /* Card text only for the first SCENE_EAGER_CARDS cards; the rest with scene_build_card
     * when the render side asks, so a scene's memory does not grow with every card's pixels. */
    bool lazy_cards;
    /* The stories are alerts taking over the sign: drawn in the theme's alert colours. */
    bool alert;
};

/* What scenes are drawn with, opened once per configuration on the worker: the fonts, and the
 * logo at its own size (scaled for each scene). */
struct scene_fonts {
    struct font regular, bold;
    struct logo logo; /* no pixels when there is none, or it cannot be used (logged) */
};

/* False when no font can be opened; a logo that cannot be read is logged and left out. */
bool scene_fonts_init(struct scene_fonts *f, const struct config *cfg);
void scene_fonts_finish(struct scene_fonts *f);

/* Characters of a story's text (headline, summary, figures) that no installed font has, which
 * the sign draws as the font's missing-glyph box; *first is the first of them. Worker thread. */
size_t scene_missing_glyphs(struct scene_fonts *fonts, const struct story *s, uint32_t *first);

/* Builds a scene for stories (may be empty: the fallback message shows). */
struct scene *scene_build(const struct scene_params *p, struct scene_fonts *fonts,
                          const struct story_list *stories);
/* Rasterises card `card` of the scene built with p for stories (the same params and stories
 * as scene_build had: the layout comes out the same). False when there is no such card. */
bool scene_build_card(const struct scene_params *p, struct scene_fonts *fonts,
                      const struct story_list *stories, size_t card, struct scene_card_pack *out);
void scene_card_pack_finish(struct scene_card_pack *pack);
/* over at opacity alpha on under. */
SDL_Color scene_blend(SDL_Color under, SDL_Color over, Uint8 alpha);
/* The pixel of a mask image for every mask byte, in a 32-bit format. */
void scene_text_lut(SDL_Color fg, SDL_Color fg2, SDL_Color bg, const SDL_PixelFormat *format,
                    Uint32 lut[256]);
/* The pixels of a mask image, its sprites over it: an opaque RGB888 surface (caller frees),
 * NULL when out of memory. Any thread. */
SDL_Surface *scene_image_pixels(const struct scene_image *img);
/* Only the top bar's status line for p, as the image a scene built with p would have it: a new
 * "Updated" time needs no new scene (stage_set_status). False when p has none (updated_at 0)
 * or it cannot be drawn. */
bool scene_build_status(const struct scene_params *p, struct scene_fonts *fonts,
                        struct scene_image *out);
/* Blends a sprite's pixels inside area (image coordinates, clipped to the sprite) into the 32-bit
 * rows of dst, where the image's top left is at dst_x, dst_y; opacity scales the sprite's alpha
 * (a fading card). Any thread. */
void scene_sprite_blend(const struct scene_sprite *sp, SDL_Rect area, SDL_Surface *dst, int dst_x,
                        int dst_y, Uint8 opacity);
/* Frees what an image owns. */
void scene_image_finish(struct scene_image *img);
/* Frees everything; accepts NULL. Any thread (no SDL_ttf, no renderer calls). */
void scene_destroy(struct scene *s);

/* Byte ranges of the headline to highlight in the crawl: the story's figure values where they
 * occur, and the headline's own key figures (figures_extract): never a year, a version, a
 * time or a score. Returns the number of ranges written (sorted, disjoint). Pure. */
size_t scene_find_highlights(const struct story *story, size_t starts[], size_t ends[], size_t max);
