#include "scene.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ascii.h"
#include "bidi.h"
#include "feed.h"
#include "figures.h"
#include "log.h"
#include "unicode.h"
#include "util.h"

static const char *const clock_glyph_text[SCENE_CLOCK_GLYPHS] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", " AM", " PM"};

/* The configured font, else any font fontconfig finds for the fallback pattern: a font file
 * that cannot be opened (gone, or replaced since the config was checked) must not leave the
 * sign blank. */
static bool font_init_or_fallback(struct font *f, const char *pattern, const char *fallback)
{
    if (font_init(f, pattern))
        return true;
    log_error("font \"%s\" cannot be used; drawing with \"%s\" instead", pattern, fallback);
    return font_init(f, fallback);
}

bool scene_fonts_init(struct scene_fonts *f, const struct config *cfg)
{
    memset(f, 0, sizeof(*f));
    if (!font_init_or_fallback(&f->regular, cfg->font, "sans-serif"))
        return false;
    if (!font_init_or_fallback(&f->bold, cfg->font_bold, "sans-serif:bold")) {
        font_finish(&f->regular);
        return false;
    }
    struct error err;
    if (cfg->logo[0] && !logo_load(&f->logo, cfg->logo, &err))
        log_error("[sign] logo %s; the sign shows without a logo", err.msg);
    return true;
}

void scene_fonts_finish(struct scene_fonts *f)
{
    font_finish(&f->regular);
    font_finish(&f->bold);
    logo_finish(&f->logo);
}

static SDL_Color rgb(uint32_t c)
{
    return (SDL_Color){(Uint8)(c >> 16), (Uint8)(c >> 8), (Uint8)c, 255};
}

static SDL_Color mix(SDL_Color a, SDL_Color b, int percent_b)
{
    return (SDL_Color){(Uint8)((a.r * (100 - percent_b) + b.r * percent_b) / 100),
                       (Uint8)((a.g * (100 - percent_b) + b.g * percent_b) / 100),
                       (Uint8)((a.b * (100 - percent_b) + b.b * percent_b) / 100), 255};
}

static double luminance(SDL_Color c)
{
    double ch[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
    for (int i = 0; i < 3; i++)
        ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

static double contrast(SDL_Color a, SDL_Color b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* The accent as it must look on a given background: shifted towards the band's text colour
 * until it reads (WCAG 3:1, the large-text threshold), so any theme stays legible. */
static SDL_Color readable_accent(SDL_Color accent, SDL_Color bg, SDL_Color text)
{
    SDL_Color c = accent;
    for (int p = 5; contrast(c, bg) < 3.0 && p <= 100; p += 5)
        c = mix(accent, text, p);
    return c;
}

/* Text as it must look on bg: shifted towards black or white (whichever bg is further from)
 * until it reads at 3:1. A theme whose text matches its background must not blank the sign. */
static SDL_Color readable_text(SDL_Color text, SDL_Color bg)
{
    SDL_Color far =
        luminance(bg) > 0.18 ? (SDL_Color){0, 0, 0, 255} : (SDL_Color){255, 255, 255, 255};
    return readable_accent(text, bg, far);
}

double scene_contrast(uint32_t a, uint32_t b)
{
    return contrast(rgb(a), rgb(b));
}

static uint32_t pack(SDL_Color c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

/* An alert's palette, from the theme's two alert colours: the whole screen in the alert
 * background, the card a shade darker, text and figures in the alert foreground, and the crawl
 * band inverted so the alert's headline runs in the background colour on the foreground. */
static struct config_theme alert_theme(const struct config_theme *t)
{
    SDL_Color bg = rgb(t->alert_background), fg = rgb(t->alert_foreground);
    return (struct config_theme){
        .background = t->alert_background,
        .surface = pack(mix(bg, (SDL_Color){0, 0, 0, 255}, 18)),
        .foreground = t->alert_foreground,
        .muted = pack(mix(fg, bg, 25)),
        .accent = t->alert_foreground,
        .band_background = t->alert_foreground,
        .band_foreground = t->alert_background,
    };
}

static void make_colors(const struct scene_params *p, struct scene_colors *c)
{
    struct config_theme alert;
    const struct config_theme *t = &p->config->theme;
    if (p->alert) {
        alert = alert_theme(t);
        t = &alert;
    }
    c->background = rgb(t->background);
    c->surface = rgb(t->surface);
    c->foreground = readable_text(rgb(t->foreground), c->surface);
    c->tile = mix(c->surface, c->foreground, 6);
    c->muted = readable_text(rgb(t->muted), c->surface);
    c->accent = readable_accent(rgb(t->accent), c->tile, c->foreground);
    c->band = rgb(t->band_background);
    c->band_text = readable_text(rgb(t->band_foreground), c->band);
    c->band_accent = readable_accent(rgb(t->accent), c->band, c->band_text);
}

static void place(struct scene *s, uint32_t image, int x, int y)
{
    if (image == SCENE_NO_IMAGE)
        return;
    if (s->placed_count == s->placed_cap) {
        s->placed_cap = s->placed_cap ? s->placed_cap * 2 : 128;
        s->placed = xrealloc(s->placed, s->placed_cap * sizeof(*s->placed));
    }
    s->placed[s->placed_count++] = (struct scene_placed){image, x, y};
}

static uint32_t add_mask(struct scene *s, uint8_t *mask, int w, int h, SDL_Color fg, SDL_Color fg2,
                         SDL_Color bg)
{
    if (s->image_count == s->image_cap) {
        s->image_cap = s->image_cap ? s->image_cap * 2 : 64;
        s->images = xrealloc(s->images, s->image_cap * sizeof(*s->images));
    }
    s->images[s->image_count] = (struct scene_image){
        .mask = mask, .fg = fg, .fg2 = fg2, .bg = bg, .w = w, .h = h, .card = -1};
    return (uint32_t)s->image_count++;
}

/* font_render's surfaces are ARGB8888; anything else is converted (and the original freed). */
static SDL_Surface *as_argb(SDL_Surface *text)
{
    if (!text || text->format->format == SDL_PIXELFORMAT_ARGB8888)
        return text;
    SDL_Surface *argb = SDL_ConvertSurfaceFormat(text, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(text);
    return argb;
}

/* A pixel of a rendered line that is not the text colour: a colour glyph's (an emoji). Text
 * pixels are fg with the coverage as alpha (font_render). */
static bool in_color(Uint32 px, SDL_Color fg)
{
    return (px >> 24) && (px & 0xFFFFFF) != ((Uint32)fg.r << 16 | (Uint32)fg.g << 8 | fg.b);
}

/* Puts an ARGB8888 text surface (font_render: fg, with the glyphs' coverage as alpha) into a
 * w x h mask at x, y, cut to it: 7-bit coverage, bit 7 for the second colour. Where two
 * runs' edges meet, the stronger coverage wins. Colour glyphs stay out: returns whether there
 * were any (take_sprites). */
static bool coverage_to_mask(const SDL_Surface *text, SDL_Color fg, uint8_t *mask, int w, int h,
                             int x, int y, bool second)
{
    bool color = false;
    for (int row = MAX(0, -y); row < text->h && row + y < h; row++) {
        const Uint32 *in = scene_row32(text, row);
        uint8_t *out = mask + (size_t)(row + y) * (size_t)w;
        for (int i = MAX(0, -x); i < text->w && i + x < w; i++) {
            if (in_color(in[i], fg)) {
                color = true;
                continue;
            }
            uint8_t c = (uint8_t)(((in[i] >> 24) * 127 + 127) / 255);
            if (c > (out[i + x] & 127))
                out[i + x] = (uint8_t)(c | (second ? 128 : 0));
        }
    }
    return color;
}

struct sprites {
    struct scene_sprite *items;
    size_t count, cap;
};

static void sprites_add(struct sprites *l, struct scene_sprite sp)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->count++] = sp;
}

/* The colour glyphs of a rendered line (in_color), as sprites at x, y: one per run of columns
 * that have colour, cut to the rows that do. */
static void take_sprites(const SDL_Surface *text, SDL_Color fg, int x, int y, struct sprites *out)
{
    for (int c0 = 0; c0 < text->w;) {
        int top = text->h, bottom = -1, c1 = c0;
        for (; c1 < text->w; c1++) {
            int t = -1, b = -1;
            for (int row = 0; row < text->h; row++)
                if (in_color(scene_row32(text, row)[c1], fg))
                    b = row, t = t < 0 ? row : t;
            if (t < 0)
                break;
            top = MIN(top, t);
            bottom = MAX(bottom, b);
        }
        if (c1 == c0) {
            c0++;
            continue;
        }
        struct scene_sprite sp = {x + c0, y + top, c1 - c0, bottom - top + 1, NULL};
        sp.argb = xmalloc((size_t)sp.w * (size_t)sp.h * sizeof(*sp.argb));
        for (int row = 0; row < sp.h; row++)
            for (int i = 0; i < sp.w; i++) {
                Uint32 px = scene_row32(text, top + row)[c0 + i];
                sp.argb[(size_t)row * (size_t)sp.w + (size_t)i] = in_color(px, fg) ? px : 0;
            }
        sprites_add(out, sp);
        c0 = c1;
    }
}

/* Text on the colour it stands on, as one opaque image (text never overlaps other text: the
 * scene test checks it). */
static uint32_t add_text(struct scene *s, SDL_Surface *text, SDL_Color fg, SDL_Color bg)
{
    if (!(text = as_argb(text)))
        return SCENE_NO_IMAGE;
    uint8_t *mask = xcalloc((size_t)text->w * (size_t)text->h, 1);
    struct sprites sprites = {0};
    if (coverage_to_mask(text, fg, mask, text->w, text->h, 0, 0, false))
        take_sprites(text, fg, 0, 0, &sprites);
    uint32_t img = add_mask(s, mask, text->w, text->h, fg, fg, bg);
    s->images[img].sprites = sprites.items;
    s->images[img].sprite_count = sprites.count;
    SDL_FreeSurface(text);
    return img;
}

SDL_Color scene_blend(SDL_Color under, SDL_Color over, Uint8 alpha)
{
    return (SDL_Color){(Uint8)(under.r + (over.r - under.r) * alpha / 255),
                       (Uint8)(under.g + (over.g - under.g) * alpha / 255),
                       (Uint8)(under.b + (over.b - under.b) * alpha / 255), 255};
}

void scene_text_lut(SDL_Color fg, SDL_Color fg2, SDL_Color bg, const SDL_PixelFormat *f,
                    Uint32 lut[256])
{
    for (int a = 0; a < 256; a++) {
        SDL_Color c = scene_blend(bg, a & 128 ? fg2 : fg, (Uint8)((a & 127) * 255 / 127));
        lut[a] = (Uint32)(c.r >> f->Rloss) << f->Rshift | (Uint32)(c.g >> f->Gloss) << f->Gshift |
                 (Uint32)(c.b >> f->Bloss) << f->Bshift | f->Amask;
    }
}

void scene_sprite_blend(const struct scene_sprite *sp, SDL_Rect area, SDL_Surface *dst, int dst_x,
                        int dst_y, Uint8 opacity)
{
    SDL_Rect box = {sp->x, sp->y, sp->w, sp->h}, in;
    if (!SDL_IntersectRect(&box, &area, &in))
        return;
    const SDL_PixelFormat *f = dst->format;
    for (int y = in.y; y < in.y + in.h; y++) {
        const uint32_t *src = sp->argb + (size_t)(y - sp->y) * (size_t)sp->w + (in.x - sp->x);
        Uint32 *d = scene_row32(dst, y + dst_y) + in.x + dst_x;
        for (int i = 0; i < in.w; i++) {
            uint32_t a = (src[i] >> 24) * opacity / 255;
            if (!a)
                continue;
            Uint8 r, g, b;
            SDL_GetRGB(d[i], f, &r, &g, &b);
            SDL_Color under = {r, g, b, 255};
            SDL_Color over = {(Uint8)(src[i] >> 16), (Uint8)(src[i] >> 8), (Uint8)src[i], 255};
            SDL_Color c = scene_blend(under, over, (Uint8)a);
            d[i] = SDL_MapRGB(f, c.r, c.g, c.b);
        }
    }
}

SDL_Surface *scene_image_pixels(const struct scene_image *img)
{
    SDL_Surface *out =
        SDL_CreateRGBSurfaceWithFormat(0, img->w, img->h, 32, SDL_PIXELFORMAT_RGB888);
    if (!out)
        return NULL;
    Uint32 lut[256];
    scene_text_lut(img->fg, img->fg2, img->bg, out->format, lut);
    for (int y = 0; y < img->h; y++) {
        const uint8_t *in = img->mask + (size_t)y * (size_t)img->w;
        Uint32 *row = scene_row32(out, y);
        for (int x = 0; x < img->w; x++)
            row[x] = lut[in[x]];
    }
    for (size_t i = 0; i < img->sprite_count; i++)
        scene_sprite_blend(&img->sprites[i], (SDL_Rect){0, 0, img->w, img->h}, out, 0, 0, 255);
    return out;
}

/* Renders one line of a block, with its ellipsis, in its paragraph's direction. */
static uint32_t render_line(struct scene *s, struct font *font, const char *text,
                            const struct text_block *b, size_t i, bool rtl, SDL_Color color,
                            SDL_Color bg)
{
    const struct text_line *l = &b->lines[i];
    char *line =
        xasprintf("%.*s%s", (int)l->len, text + l->start, l->ellipsis ? TEXT_ELLIPSIS : "");
    uint32_t img =
        add_text(s, font_render_dir(font, b->size_px, line, strlen(line), rtl, color), color, bg);
    free(line);
    return img;
}

/* A card's lines: an image each, always (an empty one when there is nothing to draw, or the
 * text is for later), so a card has the same images whether rasterised now or on request.
 * Each text is a paragraph of its own direction; in a right-to-left card every line lines up
 * on the right of its box. */
static void place_block(struct scene *s, struct font *font, const char *text,
                        const struct text_block *b, struct rect box, bool right, SDL_Color color,
                        SDL_Color bg, bool rasterise)
{
    bool rtl = bidi_is_rtl(text, strlen(text));
    for (size_t i = 0; i < b->line_count; i++) {
        uint32_t img =
            rasterise ? render_line(s, font, text, b, i, rtl, color, bg) : SCENE_NO_IMAGE;
        if (img == SCENE_NO_IMAGE)
            img = add_mask(s, NULL, 0, 0, color, color, bg);
        int x = right ? box.x + box.w - b->lines[i].width : box.x;
        place(s, img, x, box.y + (int)i * b->line_height);
    }
}

static void build_card(struct scene *s, struct scene_fonts *fonts, const struct story *story,
                       bool rasterise)
{
    struct text_measure bold = font_measure(&fonts->bold);
    struct text_measure regular = font_measure(&fonts->regular);
    struct card_layout cl;
    layout_card(&s->layout, &bold, &regular, story, &cl);
    /* A story that reads right to left gets a mirrored card: text column and rule on the
     * right, tiles on the left. */
    bool rtl = bidi_is_rtl(story->title, strlen(story->title));
    if (rtl)
        layout_mirror_card(&s->layout, &cl);

    struct scene_card *card = &s->cards[s->card_count++];
    card->first = (uint32_t)s->placed_count;
    card->ready = rasterise;
    /* All text is opaque on the colour it stands on (the surface, a tile); the surface does
     * not fade, the rest fades over it (draw.c). */
    place_block(s, &fonts->bold, story->title, &cl.headline, cl.headline_box, rtl,
                s->colors.foreground, s->colors.surface, rasterise);
    place_block(s, &fonts->regular, story->summary, &cl.summary, cl.summary_box, rtl,
                s->colors.muted, s->colors.surface, rasterise);
    const struct rect *area = &s->layout.card;
    int rule_x = rtl ? area->x + area->w - s->layout.padding - s->layout.accent_w
                     : area->x + s->layout.padding;
    card->accent = (struct rect){rule_x, cl.text.y, s->layout.accent_w, cl.headline.height};
    card->tile_count = cl.tile_count;
    for (size_t i = 0; i < cl.tile_count; i++) {
        card->tiles[i] = cl.tiles[i];
        place_block(s, &fonts->bold, story->figures[i].value, &cl.value[i], cl.value_box[i], rtl,
                    s->colors.accent, s->colors.tile, rasterise);
        place_block(s, &fonts->regular, story->figures[i].label, &cl.label[i], cl.label_box[i], rtl,
                    s->colors.foreground, s->colors.tile, rasterise);
    }
    card->count = (uint32_t)s->placed_count - card->first;
    for (uint32_t i = card->first; i < card->first + card->count; i++)
        s->images[s->placed[i].image].card = (int)(s->card_count - 1);
}

/* Marks where value occurs in t as a whole token; a value the text words differently ("40%"
 * for "40 percent") marks its number. */
static void mark_value(const char *t, size_t len, const char *v, bool *mark)
{
    size_t vl = strlen(v);
    bool found = false;
    for (const char *p = vl ? strstr(t, v) : NULL; p; p = strstr(p + vl, v)) {
        size_t a = (size_t)(p - t);
        /* Whole tokens only: "2" must not light up inside "2024". */
        if ((a == 0 || !ascii_is_alnum(t[a - 1])) &&
            (a + vl == len || !ascii_is_alnum(t[a + vl]))) {
            memset(mark + a, 1, vl);
            found = true;
        }
    }
    const char *digits = strpbrk(v, "0123456789");
    if (found || !digits)
        return;
    size_t n = strspn(digits, "0123456789.,");
    while (n > 0 && !ascii_is_digit(digits[n - 1]))
        n--;
    char number[FEED_MAX_FIGURE_BYTES];
    snprintf(number, sizeof(number), "%.*s", (int)n, digits);
    if (n > 0 && strcmp(number, v) != 0)
        mark_value(t, len, number, mark);
}

size_t scene_find_highlights(const struct story *story, size_t starts[], size_t ends[], size_t max)
{
    const char *t = story->title;
    size_t len = strlen(t);
    size_t n = 0;
    bool *mark = xcalloc(len + 1, 1);
    for (size_t f = 0; f < story->figure_count; f++)
        mark_value(t, len, story->figures[f].value, mark);
    /* The headline's own key figures too (a curated story's tiles may say other things): only
     * numbers a reader would pick, never a year, a version or a time. */
    struct figure own[STORY_MAX_FIGURES];
    size_t own_count = figures_extract(t, NULL, own, STORY_MAX_FIGURES);
    for (size_t f = 0; f < own_count; f++) {
        mark_value(t, len, own[f].value, mark);
        free(own[f].value);
        free(own[f].label);
    }
    for (size_t i = 0; i < len && n < max;) {
        if (!mark[i]) {
            i++;
            continue;
        }
        starts[n] = i;
        while (i < len && mark[i])
            i++;
        ends[n++] = i;
    }
    free(mark);
    return n;
}

#define SEPARATOR "\xe2\x80\x83\xe2\x97\x8f\xe2\x80\x83" /* em space, black circle, em space */
#define MAX_RUNS 32

struct run {
    SDL_Surface *surface;
    int x, dy; /* dy: below the line's top, to sit on its baseline */
    bool accent;
};

/* The crawl's text rows: the union of every run's box, within the band (relative to it until
 * crop_crawl makes it a screen rectangle). */
static void widen_strip(struct scene *s, int y, int h)
{
    int top = MAX(y, 0), bottom = MIN(y + h, s->layout.band.h);
    if (bottom <= top)
        return;
    if (s->strip.h == 0) {
        s->strip.y = top;
        s->strip.h = bottom - top;
        return;
    }
    int end = MAX(s->strip.y + s->strip.h, bottom);
    s->strip.y = MIN(s->strip.y, top);
    s->strip.h = end - s->strip.y;
}

/* Cuts every crawl tile down to the strip: the band's margins above and below the text are
 * plain colour, drawn once, and each crawl frame copies and sends only the text rows. */
/* The parts of a headline's sprites (line coordinates) that fall in the tile starting at x0. */
static void tile_sprites(struct scene_image *tile, const struct sprites *line, int x0)
{
    struct sprites out = {0};
    for (size_t i = 0; i < line->count; i++) {
        const struct scene_sprite *sp = &line->items[i];
        int a = MAX(sp->x, x0), b = MIN(sp->x + sp->w, x0 + tile->w);
        if (a >= b)
            continue;
        struct scene_sprite part = {a - x0, sp->y, b - a, sp->h, NULL};
        part.argb = xmalloc((size_t)part.w * (size_t)part.h * sizeof(*part.argb));
        for (int row = 0; row < part.h; row++)
            memcpy(part.argb + (size_t)row * (size_t)part.w,
                   sp->argb + (size_t)row * (size_t)sp->w + (a - sp->x),
                   (size_t)part.w * sizeof(*part.argb));
        sprites_add(&out, part);
    }
    tile->sprites = out.items;
    tile->sprite_count = out.count;
}

static void crop_crawl(struct scene *s)
{
    const struct rect *band = &s->layout.band;
    if (s->strip.h == 0)
        s->strip = (struct rect){0, 0, 0, band->h};
    for (size_t g = 0; g < s->segment_count; g++) {
        const struct scene_segment *seg = &s->segments[g];
        for (uint32_t k = seg->first; k < seg->first + seg->count; k++) {
            struct scene_image *img = &s->images[k];
            size_t size = (size_t)s->strip.h * (size_t)img->w;
            memmove(img->mask, img->mask + (size_t)s->strip.y * (size_t)img->w, size);
            img->mask = xrealloc(img->mask, size);
            img->h = s->strip.h;
            for (size_t i = 0; i < img->sprite_count; i++)
                img->sprites[i].y -= s->strip.y;
        }
    }
    s->strip = (struct rect){band->x, band->y + s->strip.y, band->w, s->strip.h};
}

/* One crawl segment: the headline with its figures in the accent colour, then a marker,
 * rasterised onto the band colour and cut into tiles no wider than the renderer allows. */
static void build_segment(struct scene *s, struct scene_fonts *fonts, const struct story *story,
                          int max_tile_w)
{
    int px = s->layout.crawl_px;
    const char *t = story->title;
    size_t len = strlen(t);
    size_t hs[MAX_RUNS], he[MAX_RUNS];
    size_t nh = scene_find_highlights(story, hs, he, MAX_RUNS / 2 - 1);
    /* The headline is one bidi paragraph, its figures in the bold face: laid out whole, so an
     * Arabic or Hebrew headline reads right to left with its numbers in place. Pieces sit on
     * the regular face's baseline, each at its own advance (kerning across a piece edge is
     * lost; nothing overlaps). */
    uint8_t *styles = xcalloc(len + 1, 1);
    for (size_t i = 0; i < nh; i++)
        memset(styles + hs[i], 1, he[i] - hs[i]);
    struct font *faces[2] = {&fonts->regular, &fonts->bold};
    struct font_piece pieces[FONT_MAX_PIECES];
    size_t nr =
        font_line_pieces(faces, styles, px, t, len, bidi_is_rtl(t, len), pieces, FONT_MAX_PIECES);
    free(styles);
    struct run runs[FONT_MAX_PIECES];
    for (size_t i = 0; i < nr; i++) {
        const struct font_piece *p = &pieces[i];
        struct font *f = faces[p->style];
        SDL_Color fg = p->style ? s->colors.band_accent : s->colors.band_text;
        runs[i] = (struct run){as_argb(font_render_piece(f, p, px, t, fg)), p->x,
                               font_baseline_offset(f, p, px), p->style != 0};
    }
    int text_w = 0;
    for (size_t i = 0; i < nr; i++)
        if (runs[i].surface && runs[i].x + runs[i].surface->w > text_w)
            text_w = runs[i].x + runs[i].surface->w;
    SDL_Surface *sep = as_argb(
        font_render(&fonts->regular, px, SEPARATOR, strlen(SEPARATOR), s->colors.band_accent));
    int width = text_w + (sep ? sep->w : px);

    struct scene_segment *seg = &s->segments[s->segment_count++];
    seg->first = (uint32_t)s->image_count;
    seg->width = width;
    int band_h = s->layout.band.h;
    int font_h = runs[0].surface ? runs[0].surface->h : px;
    int y = (band_h - font_h) / 2;
    for (size_t i = 0; i < nr; i++)
        if (runs[i].surface)
            widen_strip(s, y + runs[i].dy, runs[i].surface->h);
    if (sep)
        widen_strip(s, y, sep->h);
    /* The whole headline as one mask on the band, then cut into tiles (opaque images: a
     * software renderer copies them; a texture is at most max_tile_w wide). */
    uint8_t *line = xcalloc((size_t)width * (size_t)band_h, 1);
    struct sprites sprites = {0};
    for (size_t i = 0; i < nr; i++) {
        if (!runs[i].surface)
            continue;
        SDL_Color fg = runs[i].accent ? s->colors.band_accent : s->colors.band_text;
        if (coverage_to_mask(runs[i].surface, fg, line, width, band_h, runs[i].x, y + runs[i].dy,
                             runs[i].accent))
            take_sprites(runs[i].surface, fg, runs[i].x, y + runs[i].dy, &sprites);
    }
    if (sep)
        coverage_to_mask(sep, s->colors.band_accent, line, width, band_h, text_w, y, true);
    for (int x0 = 0; x0 < width; x0 += max_tile_w) {
        int w = MIN(max_tile_w, width - x0);
        uint8_t *tile = xmalloc((size_t)w * (size_t)band_h);
        for (int row = 0; row < band_h; row++)
            memcpy(tile + (size_t)row * (size_t)w, line + (size_t)row * (size_t)width + x0,
                   (size_t)w);
        uint32_t img = add_mask(s, tile, w, band_h, s->colors.band_text, s->colors.band_accent,
                                s->colors.band);
        s->images[img].crawl = true;
        tile_sprites(&s->images[img], &sprites, x0);
    }
    for (size_t i = 0; i < sprites.count; i++)
        free(sprites.items[i].argb);
    free(sprites.items);
    free(line);
    seg->count = (uint32_t)s->image_count - seg->first;
    for (size_t i = 0; i < nr; i++)
        SDL_FreeSurface(runs[i].surface);
    SDL_FreeSurface(sep);
}

/* "Updated HH:MM", or "Offline — news from HH:MM"; none before the first update. */
static uint32_t build_status(struct scene *s, struct scene_fonts *fonts,
                             const struct scene_params *p)
{
    if (p->updated_at <= 0)
        return SCENE_NO_IMAGE;
    time_t t = (time_t)p->updated_at;
    struct tm tm;
    localtime_r(&t, &tm);
    char hhmm[16], text[64];
    if (p->config->clock == CONFIG_CLOCK_12H)
        strftime(hhmm, sizeof(hhmm), "%l:%M %p", &tm);
    else
        strftime(hhmm, sizeof(hhmm), "%H:%M", &tm);
    /* Unobtrusive either way: the muted colour, where "Updated" usually stands. */
    snprintf(text, sizeof(text), "%s %s", p->offline ? "Offline \xe2\x80\x94 news from" : "Updated",
             hhmm[0] == ' ' ? hhmm + 1 : hhmm);
    return add_text(
        s, font_render(&fonts->regular, s->layout.status_px, text, strlen(text), s->colors.muted),
        s->colors.muted, s->colors.background);
}

bool scene_build_status(const struct scene_params *p, struct scene_fonts *fonts,
                        struct scene_image *out)
{
    struct scene s = {0};
    layout_screen(p->width, p->height, p->config->theme.text_scale, &s.layout);
    make_colors(p, &s.colors);
    uint32_t img = build_status(&s, fonts, p);
    if (img != SCENE_NO_IMAGE)
        *out = s.images[img];
    free(s.images);
    return img != SCENE_NO_IMAGE;
}

/* The logo (w x h, scaled here) at the left of one image with the title image text (may be
 * SCENE_NO_IMAGE) gap pixels to its right, both centred on the taller: the logo a sprite over the
 * top bar's background, so its transparency shows the theme. */
static uint32_t add_logo(struct scene *s, const struct logo *logo, int w, int h, uint32_t text,
                         int gap)
{
    struct scene_image *t = text != SCENE_NO_IMAGE ? &s->images[text] : NULL;
    int iw = t ? w + gap + t->w : w, ih = t ? MAX(h, t->h) : h;
    uint8_t *mask = xcalloc((size_t)iw * (size_t)ih, 1);
    size_t count = 1 + (t ? t->sprite_count : 0);
    struct scene_sprite *sprites = xcalloc(count, sizeof(*sprites));
    sprites[0] = (struct scene_sprite){0, (ih - h) / 2, w, h, logo_scale(logo, w, h)};
    if (!t) {
        uint32_t img = add_mask(s, mask, iw, ih, s->colors.foreground, s->colors.foreground,
                                s->colors.background);
        s->images[img].sprites = sprites;
        s->images[img].sprite_count = count;
        return img;
    }
    int tx = w + gap, ty = (ih - t->h) / 2;
    for (int row = 0; row < t->h; row++)
        memcpy(mask + (size_t)(row + ty) * (size_t)iw + (size_t)tx,
               t->mask + (size_t)row * (size_t)t->w, (size_t)t->w);
    for (size_t i = 0; i < t->sprite_count; i++) {
        sprites[1 + i] = t->sprites[i];
        sprites[1 + i].x += tx;
        sprites[1 + i].y += ty;
    }
    free(t->mask);
    free(t->sprites);
    t->mask = mask;
    t->sprites = sprites;
    t->sprite_count = count;
    t->w = iw;
    t->h = ih;
    return text;
}

/* The left of the top bar: the logo, when there is one, then the title when it fits whole
 * beside it (a wide logo stands alone: it carries the name); without a logo the title, cut to
 * fit as ever. */
static uint32_t build_brand(struct scene *s, struct scene_fonts *fonts, const char *title)
{
    const struct screen_layout *sl = &s->layout;
    const struct logo *logo = &fonts->logo;
    int logo_w = 0, logo_h = 0, gap = 0;
    if (logo->rgba) {
        int pad = sl->top_bar.h * 15 / 100;
        logo_fit(logo, sl->brand.w, sl->top_bar.h - 2 * pad, &logo_w, &logo_h);
        gap = sl->brand_px / 2;
    }
    struct text_measure bold = font_measure(&fonts->bold);
    struct text_block tb = {0};
    int room = sl->brand.w - logo_w - gap;
    if (room >= sl->brand_px)
        text_wrap(&bold, title, sl->brand_px, room, 1, &tb);
    bool with_title = tb.line_count > 0 && (!logo->rgba || !tb.truncated);
    uint32_t text =
        with_title ? render_line(s, &fonts->bold, title, &tb, 0, bidi_is_rtl(title, strlen(title)),
                                 s->colors.foreground, s->colors.background)
                   : SCENE_NO_IMAGE;
    return logo->rgba ? add_logo(s, logo, logo_w, logo_h, text, gap) : text;
}

static void build_top_bar(struct scene *s, struct scene_fonts *fonts, const char *title,
                          const struct scene_params *p)
{
    const struct screen_layout *sl = &s->layout;
    s->brand = build_brand(s, fonts, title);
    s->status = build_status(s, fonts, p);

    for (size_t i = 0; i < SCENE_CLOCK_GLYPHS; i++)
        s->clock_glyphs[i] = SCENE_NO_IMAGE;
    s->clock_12h = p->config->clock == CONFIG_CLOCK_12H;
    if (p->config->clock == CONFIG_CLOCK_OFF)
        return;
    for (size_t i = 0; i < SCENE_CLOCK_GLYPHS; i++) {
        s->clock_glyphs[i] =
            add_text(s,
                     font_render(&fonts->bold, sl->clock_px, clock_glyph_text[i],
                                 strlen(clock_glyph_text[i]), s->colors.foreground),
                     s->colors.foreground, s->colors.background);
        if (i < 10 && s->clock_glyphs[i] != SCENE_NO_IMAGE)
            s->clock_cell_w = MAX(s->clock_cell_w, s->images[s->clock_glyphs[i]].w);
    }
    if (s->clock_glyphs[10] != SCENE_NO_IMAGE)
        s->clock_colon_w = s->images[s->clock_glyphs[10]].w;
}

/* What every part of a scene needs from p: the screen's layout and the colours. */
static struct scene *scene_begin(const struct scene_params *p)
{
    struct scene *s = xcalloc(1, sizeof(*s));
    s->id = p->id;
    s->width = p->width;
    s->height = p->height;
    s->alert = p->alert;
    layout_screen(p->width, p->height, p->config->theme.text_scale, &s->layout);
    make_colors(p, &s->colors);
    return s;
}

/* The stories a scene shows: the fallback message as the one story when there are none. */
static const struct story *scene_stories(const struct scene_params *p,
                                         const struct story_list *stories, struct story *fallback,
                                         size_t *n)
{
    *n = stories->count;
    if (*n > 0)
        return stories->items;
    *fallback = (struct story){.title = p->config->fallback_message, .summary = (char *)""};
    *n = 1;
    return fallback;
}

struct scene *scene_build(const struct scene_params *p, struct scene_fonts *fonts,
                          const struct story_list *stories)
{
    struct scene *s = scene_begin(p);
    s->crawl_step_px_s = layout_scale_1080(&s->layout, p->config->crawl_speed);
    s->card_ns = (int64_t)p->config->card_seconds * 1000000000;
    s->transition_ns = (int64_t)p->config->transition_ms * 1000000;
    int max_tile_w = p->max_tile_w > 0 ? MIN(p->max_tile_w, 2048) : 2048;

    const char *title = p->config->title[0]                   ? p->config->title
                        : stories->title && stories->title[0] ? stories->title
                                                              : "News";
    build_top_bar(s, fonts, title, p);

    /* Without stories the sign shows the fallback message as a card; never a blank screen. */
    struct story fallback;
    size_t n;
    const struct story *list = scene_stories(p, stories, &fallback, &n);
    s->story_count = (int)stories->count;
    s->crawl_rightward = scene_crawl_rightward(p->config->crawl_direction, list, n);
    s->preview = p->preview;
    s->lazy = p->lazy_cards;
    s->cards = xcalloc(n, sizeof(*s->cards));
    s->segments = xcalloc(n, sizeof(*s->segments));
    for (size_t i = 0; i < (p->preview ? 1 : n); i++)
        build_card(s, fonts, &list[i], !p->lazy_cards || i < SCENE_EAGER_CARDS);
    /* The crawl's masks stay for the scene's life (and are textures four times their size on a
     * GPU): headlines join it until SCENE_CRAWL_BUDGET is spent; the rest have their cards. */
    int crawl_w = 0;
    size_t crawl_bytes = 0;
    if (stories->count > 0)
        for (size_t i = 0; i < n && (!p->preview || crawl_w < 2 * p->width); i++) {
            if (crawl_bytes >= SCENE_CRAWL_BUDGET)
                break; /* segment_count < story_count tells */
            build_segment(s, fonts, &list[i], max_tile_w);
            crawl_w += s->segments[s->segment_count - 1].width;
            crawl_bytes +=
                (size_t)s->segments[s->segment_count - 1].width * (size_t)s->layout.band.h;
        }
    crop_crawl(s);
    return s;
}

static size_t missing_in(struct font *font, const char *text, uint32_t *first, size_t count)
{
    size_t len = strlen(text);
    for (size_t i = 0, n; i < len; i += n) {
        uint32_t c = unicode_utf8_decode(text + i, len - i, &n);
        if (unicode_is_space(c) || unicode_is_bidi_control(c) || unicode_is_joiner(c) ||
            unicode_is_variation_selector(c) || unicode_is_tag(c) || font_face_for(font, c))
            continue;
        if (count++ == 0)
            *first = c;
    }
    return count;
}

size_t scene_missing_glyphs(struct scene_fonts *fonts, const struct story *s, uint32_t *first)
{
    size_t count = missing_in(&fonts->bold, s->title, first, 0);
    count = missing_in(&fonts->regular, s->summary, first, count);
    for (size_t i = 0; i < s->figure_count; i++) {
        count = missing_in(&fonts->bold, s->figures[i].value, first, count);
        count = missing_in(&fonts->regular, s->figures[i].label, first, count);
    }
    return count;
}

bool scene_crawl_rightward(enum config_crawl_direction direction, const struct story *stories,
                           size_t n)
{
    if (direction != CONFIG_CRAWL_AUTO)
        return direction == CONFIG_CRAWL_RIGHT;
    size_t rtl = 0;
    for (size_t i = 0; i < n; i++)
        rtl += bidi_is_rtl(stories[i].title, strlen(stories[i].title));
    return rtl * 2 > n;
}

size_t scene_crawl_fit(int width, int height, int text_scale)
{
    struct screen_layout sl;
    layout_screen(width, height, text_scale, &sl);
    /* A headline of about 80 characters, each about half the type size wide. */
    size_t per_story = (size_t)(80 * sl.crawl_px / 2) * (size_t)sl.band.h;
    return per_story ? SCENE_CRAWL_BUDGET / per_story : SIZE_MAX;
}

bool scene_build_card(const struct scene_params *p, struct scene_fonts *fonts,
                      const struct story_list *stories, size_t card, struct scene_card_pack *out)
{
    struct story fallback;
    size_t n;
    const struct story *list = scene_stories(p, stories, &fallback, &n);
    if (card >= n)
        return false;
    struct scene *s = scene_begin(p);
    s->cards = xcalloc(1, sizeof(*s->cards));
    build_card(s, fonts, &list[card], true);
    /* The images in the order the card places them: the order of the scene's own. */
    *out = (struct scene_card_pack){
        .scene_id = p->id, .card = card, .count = s->placed_count, .images = NULL};
    out->images = xcalloc(s->placed_count ? s->placed_count : 1, sizeof(*out->images));
    for (size_t i = 0; i < s->placed_count; i++) {
        out->images[i] = s->images[s->placed[i].image];
        s->images[s->placed[i].image].mask = NULL; /* moved */
        s->images[s->placed[i].image].sprites = NULL;
        s->images[s->placed[i].image].sprite_count = 0;
    }
    scene_destroy(s);
    return true;
}

void scene_card_pack_finish(struct scene_card_pack *pack)
{
    for (size_t i = 0; i < pack->count; i++)
        scene_image_finish(&pack->images[i]);
    free(pack->images);
    memset(pack, 0, sizeof(*pack));
}

void scene_image_finish(struct scene_image *img)
{
    free(img->mask);
    img->mask = NULL;
    for (size_t i = 0; i < img->sprite_count; i++)
        free(img->sprites[i].argb);
    free(img->sprites);
    img->sprites = NULL;
    img->sprite_count = 0;
}

void scene_destroy(struct scene *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->image_count; i++)
        scene_image_finish(&s->images[i]);
    free(s->images);
    free(s->placed);
    free(s->cards);
    free(s->segments);
    free(s);
}
