#include "fonts.h"

#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "unicode.h"
#include "util.h"

void fonts_shutdown(void)
{
    FcFini();
}

/* Best file for a pattern, optionally one that has code point cp (cp 0: any). */
static char *resolve(const char *pattern, uint32_t cp)
{
    if (pattern[0] == '/' && cp == 0)
        return xstrdup(pattern);
    /* For a path, fallbacks are matched against the generic family. */
    FcPattern *pat = FcNameParse((const FcChar8 *)(pattern[0] == '/' ? "sans-serif" : pattern));
    if (!pat)
        return NULL;
    if (cp) {
        FcCharSet *cs = FcCharSetCreate();
        FcCharSetAddChar(cs, cp);
        FcPatternAddCharSet(pat, FC_CHARSET, cs);
        FcCharSetDestroy(cs);
    }
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult result;
    FcPattern *match = FcFontMatch(NULL, pat, &result);
    char *path = NULL;
    FcChar8 *file;
    if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch)
        path = xstrdup((const char *)file);
    if (match)
        FcPatternDestroy(match);
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
    size_t victim = 0;
    f->clock++;
    for (size_t i = 0; i < FONT_CACHED_SIZES; i++) {
        if (ff->sizes[i].ttf && ff->sizes[i].size == size_px) {
            ff->sizes[i].last_used = f->clock;
            return ff->sizes[i].ttf;
        }
        if (!ff->sizes[i].ttf || ff->sizes[i].last_used < ff->sizes[victim].last_used)
            victim = i;
        if (!ff->sizes[i].ttf)
            break;
    }
    if (!ff->data)
        map_face(ff);
    TTF_Font *ttf =
        ff->data ? TTF_OpenFontRW(SDL_RWFromConstMem(ff->data, (int)ff->data_len), 1, size_px)
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
    f->faces[0].path = resolve(pattern, 0);
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

/* Looks for a fallback face with cp, asking fontconfig only on a miss. */
static int find_face(struct font *f, uint32_t cp)
{
    for (size_t k = 0; k < f->face_count; k++) {
        TTF_Font *ttf = face_any(f, k);
        if (ttf && TTF_GlyphIsProvided32(ttf, cp))
            return (int)k;
    }
    size_t block = cp / FONT_FC_BLOCK;
    uint8_t bit = (uint8_t)(1u << (block % 8));
    if (f->face_count == 1 + FONT_MAX_FALLBACKS || cp >= 0x110000 ||
        (f->fc_exhausted[block / 8] & bit))
        return -1;
    char *path = resolve(f->pattern, cp);
    f->fc_queries++;
    for (size_t k = 0; path && k < f->face_count; k++) {
        if (strcmp(f->faces[k].path, path) == 0) {
            free(path); /* fontconfig's best is a face we have, and it lacks cp */
            path = NULL;
        }
    }
    if (!path) {
        f->fc_exhausted[block / 8] |= bit;
        return -1;
    }
    size_t k = f->face_count++;
    memset(&f->faces[k], 0, sizeof(f->faces[k]));
    f->faces[k].path = path;
    TTF_Font *ttf = face_any(f, k);
    if (!ttf || !TTF_GlyphIsProvided32(ttf, cp))
        return -1;
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

/* Marks that belong to the character before them, whatever font has them. */
static bool joins_previous(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36F) || unicode_is_variation_selector(cp) || cp == 0x200D ||
           unicode_is_emoji_modifier(cp);
}

/* Splits s into runs of one face each; calls fn(start, len, face) per run. */
struct run {
    size_t start, len;
    int face;
};

static size_t split_runs(struct font *f, const char *s, size_t len, struct run *runs,
                         size_t max_runs)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t cl;
        uint32_t cp = unicode_utf8_decode(s + i, len - i, &cl);
        int face = face_index(f, cp);
        if (face < 0)
            face = 0;
        if (n > 0 && (runs[n - 1].face == face || joins_previous(cp))) {
            runs[n - 1].len += cl;
        } else if (n == max_runs) {
            runs[n - 1].len += cl; /* pathological mixing: the rest goes in the last run */
        } else {
            runs[n++] = (struct run){i, cl, face};
        }
        i += cl;
    }
    return n;
}

#define MAX_RUNS 64
/* SDL_ttf wants NUL-terminated strings; short substrings are copied to the stack. */
#define SHORT_TEXT 512

static int run_width(struct font *f, const struct run *r, int size_px, const char *s)
{
    TTF_Font *ttf = face_at(f, (size_t)r->face, size_px);
    if (!ttf)
        return 0;
    char small[SHORT_TEXT];
    char *buf = r->len < sizeof(small) ? small : xmalloc(r->len + 1);
    memcpy(buf, s + r->start, r->len);
    buf[r->len] = '\0';
    int w = 0, h = 0;
    if (TTF_SizeUTF8(ttf, buf, &w, &h) != 0)
        w = 0;
    if (buf != small)
        free(buf);
    return w;
}

int font_width(struct font *f, int size_px, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    struct run runs[MAX_RUNS];
    size_t n = split_runs(f, s, len, runs, MAX_RUNS);
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += run_width(f, &runs[i], size_px, s);
    return w;
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

static SDL_Surface *render_run(struct font *f, const struct run *r, int size_px, const char *s,
                               SDL_Color fg)
{
    TTF_Font *ttf = face_at(f, (size_t)r->face, size_px);
    if (!ttf)
        return NULL;
    char *buf = xstrndup(s + r->start, r->len);
    SDL_Surface *surface = TTF_RenderUTF8_Blended(ttf, buf, fg);
    if (!surface)
        log_error("cannot render text \"%.40s\": %s", buf, TTF_GetError());
    free(buf);
    return surface;
}

SDL_Surface *font_render(struct font *f, int size_px, const char *s, size_t len, SDL_Color fg)
{
    if (len == 0)
        return NULL;
    struct run runs[MAX_RUNS];
    size_t n = split_runs(f, s, len, runs, MAX_RUNS);
    if (n == 1)
        return render_run(f, &runs[0], size_px, s, fg);

    /* Mixed faces: each run rendered on its own, laid on the font's own baseline and line
     * box (fallback faces are often taller; their glyphs still fit the line). */
    TTF_Font *own = font_at(f, size_px);
    if (!own)
        return NULL;
    int ascent = TTF_FontAscent(own), height = TTF_FontHeight(own), width = 0;
    int xs[MAX_RUNS];
    for (size_t i = 0; i < n; i++) {
        xs[i] = width;
        width += run_width(f, &runs[i], size_px, s);
    }
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, width > 0 ? width : 1, height, 32,
                                                      SDL_PIXELFORMAT_ARGB8888);
    if (!out)
        return NULL;
    SDL_FillRect(out, NULL, SDL_MapRGBA(out->format, fg.r, fg.g, fg.b, 0));
    for (size_t i = 0; i < n; i++) {
        SDL_Surface *part = render_run(f, &runs[i], size_px, s, fg);
        if (!part)
            continue;
        TTF_Font *ttf = face_at(f, (size_t)runs[i].face, size_px);
        SDL_Rect dst = {xs[i], ascent - (ttf ? TTF_FontAscent(ttf) : ascent), 0, 0};
        /* Runs sit side by side: copy, so the transparent surface stays unpremultiplied. */
        SDL_SetSurfaceBlendMode(part, SDL_BLENDMODE_NONE);
        SDL_BlitSurface(part, NULL, out, &dst);
        SDL_FreeSurface(part);
    }
    return out;
}
