/* Fonts for the worker: resolves fontconfig patterns (or absolute paths) to files, keeps a
 * few open sizes, measures and rasterises UTF-8 with SDL_ttf. Worker thread only: SDL_ttf
 * shares one FreeType library and must stay on one thread. */
#pragma once
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>

#include "text.h"

#define FONT_CACHED_SIZES 12

struct font {
    char *path; /* owned */
    struct {
        int size;
        TTF_Font *ttf;
        unsigned last_used;
    } sizes[FONT_CACHED_SIZES];
    unsigned clock;
};

/* Frees fontconfig's global state; call once at the end, next to TTF_Quit(). */
void fonts_shutdown(void);

/* pattern: an absolute path, or a fontconfig pattern such as "Inter:bold". */
bool font_init(struct font *f, const char *pattern);
void font_finish(struct font *f);
/* The open TTF_Font at this pixel size (owned by f; valid until the next call). */
TTF_Font *font_at(struct font *f, int size_px);
struct text_measure font_measure(struct font *f);
int font_width(struct font *f, int size_px, const char *s, size_t len);
/* Rasterises s[0..len) anti-aliased in colour fg: an ARGB8888 surface, or NULL for empty
 * text. Caller frees. */
SDL_Surface *font_render(struct font *f, int size_px, const char *s, size_t len, SDL_Color fg);
