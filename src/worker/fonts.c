#include "fonts.h"

#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unictype.h>
#include <unistd.h>

#include "bidi.h"
#include "log.h"
#include "unicode.h"
#include "util.h"

void fonts_shutdown(void)
{
    FcFini();
}

/* Whether cp is drawn from a colour font when there is one: emoji shown as emoji by default,
 * and the regional indicators that make flags. */
static bool wants_color(uint32_t cp)
{
    return (cp >= 0x1F1E6 && cp <= 0x1F1FF) || uc_is_property_emoji_presentation(cp);
}

/* The file of a font that has cp (cp 0: any) and is a colour font or not, as color says; NULL
 * when it is not. */
static char *usable_file(FcPattern *font, uint32_t cp, bool color)
{
    FcBool is_color = FcFalse;
    FcCharSet *cs;
    FcChar8 *file;
    FcPatternGetBool(font, FC_COLOR, 0, &is_color);
    if ((is_color != FcFalse) != color)
        return NULL;
    if (cp && (FcPatternGetCharSet(font, FC_CHARSET, 0, &cs) != FcResultMatch ||
               !FcCharSetHasChar(cs, cp)))
        return NULL;
    if (FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch)
        return NULL;
    return xstrdup((const char *)file);
}

/* The first of fonts (fontconfig's order for pat) that has cp and is a colour font or not. */
static char *first_with(FcFontSet *fonts, FcPattern *pat, uint32_t cp, bool color)
{
    char *path = NULL;
    for (int i = 0; fonts && i < fonts->nfont && !path; i++) {
        FcPattern *font = FcFontRenderPrepare(NULL, pat, fonts->fonts[i]);
        if (font) {
            path = usable_file(font, cp, color);
            FcPatternDestroy(font);
        }
    }
    return path;
}

/* Best file for a pattern, optionally one that has code point cp (cp 0: any). Colour fonts
 * (Noto Color Emoji) only for the code points that want colour (*color then set): their
 * glyphs are bitmaps in colour, which the sign keeps beside its coverage masks. */
static char *resolve(const char *pattern, uint32_t cp, bool *color)
{
    *color = false;
    if (pattern[0] == '/' && cp == 0)
        return xstrdup(pattern);
    /* For a path, fallbacks are matched against the generic family. */
    FcPattern *pat = FcNameParse((const FcChar8 *)(pattern[0] == '/' ? "sans-serif" : pattern));
    if (!pat)
        return NULL;
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult result;
    char *path = NULL;
    if (cp == 0) {
        FcPattern *match = FcFontMatch(NULL, pat, &result);
        if (match) {
            path = usable_file(match, 0, false);
            FcPatternDestroy(match);
        }
    } else {
        FcFontSet *fonts = FcFontSort(NULL, pat, FcTrue, NULL, &result);
        if (wants_color(cp) && (path = first_with(fonts, pat, cp, true)))
            *color = true;
        else
            path = first_with(fonts, pat, cp, false);
        if (fonts)
            FcFontSetDestroy(fonts);
    }
    FcPatternDestroy(pat);
    return path;
}

/* Maps ff's file (once); on failure the face is opened by path. Package upgrades replace font
 * files by rename, so a mapping stays valid. */
static void map_face(struct font_face *ff)
{
    int fd = open(ff->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= INT_MAX) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            ff->data = p;
            ff->data_len = (size_t)st.st_size;
        }
    }
    close(fd);
}

static TTF_Font *face_at(struct font *f, size_t face, int size_px)
{
    struct font_face *ff = &f->faces[face];
    if (size_px < 1)
        size_px = 1;
    /* Every open size is a FreeType face of its own, with its own copy of the font's tables
     * (a CJK or Indic fallback's are hundreds of KiB): fallbacks keep few, and change the size
     * of one rather than open another. */
    size_t slots = face == 0 ? FONT_CACHED_SIZES : FONT_FALLBACK_SIZES;
    size_t victim = 0;
    f->clock++;
    for (size_t i = 0; i < slots; i++) {
        if (ff->sizes[i].ttf && ff->sizes[i].size == size_px) {
            ff->sizes[i].last_used = f->clock;
            return ff->sizes[i].ttf;
        }
        if (!ff->sizes[i].ttf || ff->sizes[i].last_used < ff->sizes[victim].last_used)
            victim = i;
        if (!ff->sizes[i].ttf)
            break;
    }
    TTF_Font *ttf = ff->sizes[victim].ttf;
    if (ttf && face > 0 && TTF_SetFontSize(ttf, size_px) == 0) {
        ff->sizes[victim].size = size_px;
        ff->sizes[victim].last_used = f->clock;
        return ttf;
    }
    if (!ff->data)
        map_face(ff);
    ttf = ff->data ? TTF_OpenFontRW(SDL_RWFromConstMem(ff->data, (int)ff->data_len), 1, size_px)
                   : TTF_OpenFont(ff->path, size_px);
    if (!ttf) {
        log_error("%s: cannot open font: %s", ff->path, TTF_GetError());
        return NULL;
    }
    TTF_SetFontHinting(ttf, TTF_HINTING_LIGHT);
    TTF_SetFontKerning(ttf, 1);
    if (ff->sizes[victim].ttf)
        TTF_CloseFont(ff->sizes[victim].ttf);
    ff->sizes[victim].ttf = ttf;
    ff->sizes[victim].size = size_px;
    ff->sizes[victim].last_used = f->clock;
    return ttf;
}

/* Any open size of a face, for glyph coverage (which does not depend on the size). */
static TTF_Font *face_any(struct font *f, size_t face)
{
    for (size_t i = 0; i < FONT_CACHED_SIZES; i++)
        if (f->faces[face].sizes[i].ttf)
            return f->faces[face].sizes[i].ttf;
    return face_at(f, face, 16);
}

bool font_init(struct font *f, const char *pattern)
{
    memset(f, 0, sizeof(*f));
    bool color;
    f->faces[0].path = resolve(pattern, 0, &color);
    if (!f->faces[0].path) {
        log_error("font \"%s\": no match from fontconfig", pattern);
        return false;
    }
    f->face_count = 1;
    if (!face_at(f, 0, 16)) {
        if (f->faces[0].data)
            munmap(f->faces[0].data, f->faces[0].data_len);
        free(f->faces[0].path);
        memset(f, 0, sizeof(*f));
        return false;
    }
    f->pattern = xstrdup(pattern);
    log_debug("font \"%s\" is %s", pattern, f->faces[0].path);
    return true;
}

void font_finish(struct font *f)
{
    for (size_t k = 0; k < f->face_count; k++) {
        for (size_t i = 0; i < FONT_CACHED_SIZES; i++)
            if (f->faces[k].sizes[i].ttf)
                TTF_CloseFont(f->faces[k].sizes[i].ttf);
        if (f->faces[k].data)
            munmap(f->faces[k].data, f->faces[k].data_len);
        free(f->faces[k].path);
    }
    free(f->pattern);
    memset(f, 0, sizeof(*f));
}

TTF_Font *font_at(struct font *f, int size_px)
{
    return face_at(f, 0, size_px);
}

/* Looks for a fallback face with cp, asking fontconfig only on a miss. An emoji comes from a
 * colour face when one is installed, else from any face that has it in outline. */
static int find_face(struct font *f, uint32_t cp)
{
    bool want_color = wants_color(cp);
    int outline = -1;
    for (size_t k = 0; k < f->face_count; k++) {
        TTF_Font *ttf = face_any(f, k);
        if (!ttf || !TTF_GlyphIsProvided32(ttf, cp))
            continue;
        if (f->faces[k].color == want_color)
            return (int)k;
        if (!f->faces[k].color && outline < 0)
            outline = (int)k;
    }
    size_t block = cp / FONT_FC_BLOCK;
    uint8_t bit = (uint8_t)(1u << (block % 8));
    if (f->face_count == 1 + FONT_MAX_FALLBACKS || cp >= 0x110000 ||
        (f->fc_exhausted[block / 8] & bit))
        return outline;
    bool color;
    char *path = resolve(f->pattern, cp, &color);
    f->fc_queries++;
    for (size_t k = 0; path && k < f->face_count; k++) {
        if (strcmp(f->faces[k].path, path) == 0) {
            free(path); /* fontconfig's best is a face we have: outline, or it lacks cp */
            path = NULL;
        }
    }
    if (!path) {
        f->fc_exhausted[block / 8] |= bit;
        return outline;
    }
    size_t k = f->face_count++;
    memset(&f->faces[k], 0, sizeof(f->faces[k]));
    f->faces[k].path = path;
    f->faces[k].color = color;
    TTF_Font *ttf = face_any(f, k);
    if (!ttf || !TTF_GlyphIsProvided32(ttf, cp))
        return outline;
    log_debug("font \"%s\": falling back to %s for U+%04X", f->pattern, path, cp);
    return (int)k;
}

/* Which face draws cp; -1 when none has it (the font's own then draws its missing glyph). */
static int face_index(struct font *f, uint32_t cp)
{
    if (cp < 0x80)
        return 0;
    size_t slot = cp % FONT_FACE_CACHE;
    if (f->face_cache[slot].valid && f->face_cache[slot].cp == cp)
        return f->face_cache[slot].face;
    int face = find_face(f, cp);
    f->face_cache[slot].cp = cp;
    f->face_cache[slot].face = (int8_t)face;
    f->face_cache[slot].valid = true;
    return face;
}

const char *font_face_for(struct font *f, uint32_t cp)
{
    int face = face_index(f, cp);
    return face < 0 ? NULL : f->faces[face].path;
}

/* Marks that belong to the character before them, whatever font has them; and the bidi
 * controls, which have no glyph. */
static bool joins_previous(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36F) || unicode_is_variation_selector(cp) || cp == 0x200D ||
           unicode_is_emoji_modifier(cp) || unicode_is_bidi_control(cp);
}

/* Appends the pieces of one bidi run, cut where the face or the style changes, in the order
 * they are drawn (reversed in a right-to-left run). */
static size_t face_pieces(struct font *const *fonts, const uint8_t *styles, const char *s,
                          const struct bidi_run *r, struct font_piece *out, size_t max)
{
    size_t n = 0;
    for (size_t i = r->start; i < r->start + r->len;) {
        size_t cl;
        uint32_t cp = unicode_utf8_decode(s + i, r->start + r->len - i, &cl);
        int style = styles ? styles[i] : 0;
        int face = face_index(fonts[style], cp);
        if (face < 0)
            face = 0;
        struct font_piece *last = n > 0 ? &out[n - 1] : NULL;
        if (last && last->style == style && (last->face == face || joins_previous(cp) || n == max))
            last->len += cl;
        else if (n == max)
            last->len += cl; /* pathological mixing: the rest goes in the last piece */
        else
            out[n++] = (struct font_piece){.start = i,
                                           .len = cl,
                                           .face = face,
                                           .style = style,
                                           .rtl = r->rtl,
                                           .color = fonts[style]->faces[face].color};
        memcpy(out[n - 1].script, r->script, sizeof(r->script));
        i += cl;
    }
    if (r->rtl)
        for (size_t a = 0, b = n - 1; n > 0 && a < b; a++, b--) {
            struct font_piece t = out[a];
            out[a] = out[b];
            out[b] = t;
        }
    return n;
}

/* SDL_ttf wants NUL-terminated strings; short substrings are copied to the stack. */
#define SHORT_TEXT 512

/* The piece's face at size_px, set to shape it in its direction and script. */
static TTF_Font *piece_font(struct font *f, const struct font_piece *p, int size_px)
{
    TTF_Font *ttf = face_at(f, (size_t)p->face, size_px);
    if (ttf) {
        TTF_SetFontDirection(ttf, p->rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
        TTF_SetFontScriptName(ttf, p->script[0] ? p->script : "Zzzz");
    }
    return ttf;
}

/* A colour face's glyphs come at the one size its bitmaps have: they are scaled to this height,
 * a little more than the type size, like the emoji of a phone's text. */
static int color_height(int size_px)
{
    return size_px * 115 / 100;
}

/* The width of w pixels of a colour face's bitmaps, scaled to color_height. */
static int color_width(TTF_Font *ttf, int w, int size_px)
{
    int strike_h = TTF_FontHeight(ttf);
    return strike_h > 0 ? (int)((int64_t)w * color_height(size_px) / strike_h) : w;
}

static int piece_width(struct font *f, const struct font_piece *p, int size_px, const char *s)
{
    TTF_Font *ttf = piece_font(f, p, size_px);
    if (!ttf)
        return 0;
    char small[SHORT_TEXT];
    char *buf = p->len < sizeof(small) ? small : xmalloc(p->len + 1);
    memcpy(buf, s + p->start, p->len);
    buf[p->len] = '\0';
    int w = 0, h = 0;
    if (TTF_SizeUTF8(ttf, buf, &w, &h) != 0)
        w = 0;
    if (buf != small)
        free(buf);
    return p->color ? color_width(ttf, w, size_px) : w;
}

size_t font_line_pieces(struct font *const *fonts, const uint8_t *styles, int size_px,
                        const char *s, size_t len, bool rtl, struct font_piece *out, size_t max)
{
    struct bidi_run runs[BIDI_MAX_RUNS];
    size_t nr = bidi_runs(s, len, rtl, runs, BIDI_MAX_RUNS);
    size_t n = 0;
    int x = 0;
    for (size_t i = 0; i < nr && n < max; i++) {
        size_t added = face_pieces(fonts, styles, s, &runs[i], out + n, max - n);
        for (size_t k = n; k < n + added; k++) {
            out[k].x = x;
            out[k].w = piece_width(fonts[out[k].style], &out[k], size_px, s);
            x += out[k].w;
        }
        n += added;
    }
    return n;
}

int font_width_dir(struct font *f, int size_px, const char *s, size_t len, bool rtl)
{
    if (len == 0)
        return 0;
    struct font_piece pieces[FONT_MAX_PIECES];
    size_t n = font_line_pieces(&f, NULL, size_px, s, len, rtl, pieces, FONT_MAX_PIECES);
    return n > 0 ? pieces[n - 1].x + pieces[n - 1].w : 0;
}

int font_width(struct font *f, int size_px, const char *s, size_t len)
{
    return font_width_dir(f, size_px, s, len, bidi_is_rtl(s, len));
}

static int measure_width(void *ctx, int size_px, const char *s, size_t len)
{
    return font_width(ctx, size_px, s, len);
}

static int measure_line_height(void *ctx, int size_px)
{
    TTF_Font *ttf = font_at(ctx, size_px);
    if (!ttf)
        return size_px;
    /* SDL_ttf grows a rendered line past the font's height when rounded glyph extents poke
     * out (a pixel or so); leave room for that so lines never overlap. */
    int skip = TTF_FontLineSkip(ttf), height = TTF_FontHeight(ttf) + 1 + size_px / 48;
    return skip > height ? skip : height;
}

struct text_measure font_measure(struct font *f)
{
    return (struct text_measure){f, measure_width, measure_line_height};
}

static Uint32 *row32(const SDL_Surface *s, int y)
{
    return (Uint32 *)(void *)((Uint8 *)s->pixels + (ptrdiff_t)y * s->pitch);
}

/* Halves an ARGB8888 surface with a 2x2 box filter on premultiplied colour (no dark fringes
 * at the edges of an emoji); frees the original. */
static SDL_Surface *halve(SDL_Surface *in)
{
    int w = MAX(in->w / 2, 1), h = MAX(in->h / 2, 1);
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out) {
        SDL_FreeSurface(in);
        return NULL;
    }
    for (int y = 0; y < h; y++) {
        Uint32 *o = row32(out, y);
        for (int x = 0; x < w; x++) {
            uint32_t a = 0, r = 0, g = 0, b = 0;
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++) {
                    Uint32 px = row32(in, MIN(2 * y + dy, in->h - 1))[MIN(2 * x + dx, in->w - 1)];
                    uint32_t pa = px >> 24;
                    a += pa;
                    r += ((px >> 16) & 255) * pa;
                    g += ((px >> 8) & 255) * pa;
                    b += (px & 255) * pa;
                }
            o[x] = a ? (a / 4) << 24 | (r / a) << 16 | (g / a) << 8 | (b / a) : 0;
        }
    }
    SDL_FreeSurface(in);
    return out;
}

/* Scales a colour piece's bitmap to w x h: halved while it is twice as large, then bilinear. */
static SDL_Surface *scale_color(SDL_Surface *in, int w, int h)
{
    while (in && in->w >= 2 * w && in->h >= 2 * h)
        in = halve(in);
    if (!in || (in->w == w && in->h == h))
        return in;
    SDL_Surface *out =
        SDL_CreateRGBSurfaceWithFormat(0, MAX(w, 1), MAX(h, 1), 32, SDL_PIXELFORMAT_ARGB8888);
    if (out && SDL_SoftStretchLinear(in, NULL, out, NULL) != 0) {
        SDL_FreeSurface(out);
        out = NULL;
    }
    SDL_FreeSurface(in);
    return out;
}

SDL_Surface *font_render_piece(struct font *f, const struct font_piece *p, int size_px,
                               const char *s, SDL_Color fg)
{
    TTF_Font *ttf = piece_font(f, p, size_px);
    if (!ttf)
        return NULL;
    char *buf = xstrndup(s + p->start, p->len);
    SDL_Surface *surface = TTF_RenderUTF8_Blended(ttf, buf, fg);
    if (!surface)
        log_error("cannot render text \"%.40s\": %s", buf, TTF_GetError());
    free(buf);
    if (surface && p->color)
        surface =
            scale_color(surface, color_width(ttf, surface->w, size_px), color_height(size_px));
    return surface;
}

int font_baseline_offset(struct font *f, const struct font_piece *p, int size_px)
{
    TTF_Font *own = font_at(f, size_px), *ttf = face_at(f, (size_t)p->face, size_px);
    if (own && p->color)
        return (TTF_FontHeight(own) - color_height(size_px)) / 2; /* centred in the line */
    return own && ttf ? TTF_FontAscent(own) - TTF_FontAscent(ttf) : 0;
}

SDL_Surface *font_render_dir(struct font *f, int size_px, const char *s, size_t len, bool rtl,
                             SDL_Color fg)
{
    if (len == 0)
        return NULL;
    struct font_piece pieces[FONT_MAX_PIECES];
    size_t n = font_line_pieces(&f, NULL, size_px, s, len, rtl, pieces, FONT_MAX_PIECES);
    if (n == 1 && !pieces[0].color)
        return font_render_piece(f, &pieces[0], size_px, s, fg);

    /* Several pieces: each rendered on its own, laid on the font's own baseline and line box
     * (fallback faces are often taller; their glyphs still fit the line). */
    TTF_Font *own = font_at(f, size_px);
    if (!own || n == 0)
        return NULL;
    int width = pieces[n - 1].x + pieces[n - 1].w;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, width > 0 ? width : 1, TTF_FontHeight(own),
                                                      32, SDL_PIXELFORMAT_ARGB8888);
    if (!out)
        return NULL;
    SDL_FillRect(out, NULL, SDL_MapRGBA(out->format, fg.r, fg.g, fg.b, 0));
    for (size_t i = 0; i < n; i++) {
        SDL_Surface *part = font_render_piece(f, &pieces[i], size_px, s, fg);
        if (!part)
            continue;
        SDL_Rect dst = {pieces[i].x, font_baseline_offset(f, &pieces[i], size_px), 0, 0};
        /* Pieces sit side by side: copy, so the transparent surface stays unpremultiplied. */
        SDL_SetSurfaceBlendMode(part, SDL_BLENDMODE_NONE);
        SDL_BlitSurface(part, NULL, out, &dst);
        SDL_FreeSurface(part);
    }
    return out;
}

SDL_Surface *font_render(struct font *f, int size_px, const char *s, size_t len, SDL_Color fg)
{
    return font_render_dir(f, size_px, s, len, bidi_is_rtl(s, len), fg);
}
