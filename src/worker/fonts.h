/* Fonts for the worker: resolves fontconfig patterns (or absolute paths) to files, keeps a
 * few open sizes, measures and rasterises UTF-8 with SDL_ttf. Characters the font lacks
 * (Chinese in a Latin font, say) come from fallback fonts that fontconfig finds, so every
 * script shows as text, not boxes. Worker thread only: SDL_ttf shares one FreeType library
 * and must stay on one thread. */
#pragma once
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>
#include <stdint.h>

#include "text.h"

#define FONT_CACHED_SIZES 12  /* open sizes of the font itself */
#define FONT_FALLBACK_SIZES 1 /* and of each fallback */
#define FONT_MAX_FALLBACKS 8
#define FONT_FACE_CACHE 512 /* code point -> face, direct-mapped */
#define FONT_FC_BLOCK 16

struct font_face {
    char *path; /* owned */
    bool color; /* a colour font (emoji): bitmaps in colour, drawn at one size and scaled */
    /* The file, mapped read-only once: every size opens it from memory, so FreeType's glyph
     * loads cost no lseek/read system calls. NULL when not mapped (then opened by path). */
    void *data;
    size_t data_len;
    struct {
        int size;
        TTF_Font *ttf;
        unsigned last_used;
    } sizes[FONT_CACHED_SIZES];
};

struct font {
    char *pattern; /* owned; what fallbacks should look like ("Inter:bold") */
    size_t face_count;
    struct font_face faces[1 + FONT_MAX_FALLBACKS]; /* [0] is the font itself */
    unsigned clock;
    struct {
        uint32_t cp;
        int8_t face; /* -1: no font has it */
        bool valid;
    } face_cache[FONT_FACE_CACHE];
    /* Blocks of FONT_FC_BLOCK code points for which fontconfig had no face beyond those above:
     * not asked again (a feed of thousands of code points no font has would otherwise cost
     * a fontconfig match each, seconds in all). */
    uint8_t fc_exhausted[0x110000 / FONT_FC_BLOCK / 8];
    unsigned fc_queries; /* fontconfig matches made, for tests */
};

/* Frees fontconfig's global state; call once at the end, next to TTF_Quit(). */
void fonts_shutdown(void);

/* pattern: an absolute path, or a fontconfig pattern such as "Inter:bold". */
bool font_init(struct font *f, const char *pattern);
void font_finish(struct font *f);
/* The font's own TTF_Font at this pixel size (owned by f; valid until the next call). */
TTF_Font *font_at(struct font *f, int size_px);
/* The path of the face that draws code point cp: the font's, a fallback's, or NULL when no
 * installed font has it. */
const char *font_face_for(struct font *f, uint32_t cp);
struct text_measure font_measure(struct font *f);

/* Pieces a line is drawn in at most. */
#define FONT_MAX_PIECES 64

/* A piece of a line drawn in one go: one face, one style, one direction and script (the
 * shaper's), at x in the line. */
struct font_piece {
    size_t start, len; /* byte range of the line */
    int x, w;          /* pixels */
    int face;          /* of fonts[style]: 0 its own, else a fallback */
    int style;         /* index into the fonts the line was laid out with */
    bool rtl;
    bool color;     /* from a colour face: an emoji, drawn in its own colours */
    char script[5]; /* ISO 15924, "" unknown */
};

/* Lays out a line of text (one paragraph of base direction rtl, bidi_is_rtl) in pieces, in the
 * order they are drawn left to right, with their positions: each byte i of s in the font
 * fonts[styles[i]] (styles NULL: all fonts[0]). Returns the count. */
size_t font_line_pieces(struct font *const *fonts, const uint8_t *styles, int size_px,
                        const char *s, size_t len, bool rtl, struct font_piece *out, size_t max);
/* Rasterises one piece (f: the font of its style) anti-aliased in colour fg: ARGB8888, caller
 * frees; NULL on failure. Its top goes font_baseline_offset below the line's top. */
SDL_Surface *font_render_piece(struct font *f, const struct font_piece *p, int size_px,
                               const char *s, SDL_Color fg);
int font_baseline_offset(struct font *f, const struct font_piece *p, int size_px);

/* The width of s[0..len) as one line, its base direction its own (font_width) or given. */
int font_width(struct font *f, int size_px, const char *s, size_t len);
int font_width_dir(struct font *f, int size_px, const char *s, size_t len, bool rtl);
/* Rasterises s[0..len) as one line, anti-aliased in colour fg, in the order the bidi
 * algorithm gives: an ARGB8888 surface, or NULL for empty text. Caller frees. */
SDL_Surface *font_render(struct font *f, int size_px, const char *s, size_t len, SDL_Color fg);
SDL_Surface *font_render_dir(struct font *f, int size_px, const char *s, size_t len, bool rtl,
                             SDL_Color fg);
