#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <string.h>

#include "log.h"
#include "util.h"

static char *resolve(const char *pattern)
{
    if (pattern[0] == '/')
        return xstrdup(pattern);
    FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
    if (!pat)
        return NULL;
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

void fonts_shutdown(void)
{
    FcFini();
}

bool font_init(struct font *f, const char *pattern)
{
    memset(f, 0, sizeof(*f));
    f->path = resolve(pattern);
    if (!f->path) {
        log_error("font \"%s\": no match from fontconfig", pattern);
        return false;
    }
    if (!font_at(f, 16)) {
        free(f->path);
        f->path = NULL;
        return false;
    }
    log_debug("font \"%s\" is %s", pattern, f->path);
    return true;
}

void font_finish(struct font *f)
{
    for (size_t i = 0; i < FONT_CACHED_SIZES; i++)
        if (f->sizes[i].ttf)
            TTF_CloseFont(f->sizes[i].ttf);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

TTF_Font *font_at(struct font *f, int size_px)
{
    if (size_px < 1)
        size_px = 1;
    size_t victim = 0;
    f->clock++;
    for (size_t i = 0; i < FONT_CACHED_SIZES; i++) {
        if (f->sizes[i].ttf && f->sizes[i].size == size_px) {
            f->sizes[i].last_used = f->clock;
            return f->sizes[i].ttf;
        }
        if (!f->sizes[i].ttf || f->sizes[i].last_used < f->sizes[victim].last_used)
            victim = i;
        if (!f->sizes[i].ttf)
            break;
    }
    TTF_Font *ttf = TTF_OpenFont(f->path, size_px);
    if (!ttf) {
        log_error("%s: cannot open font: %s", f->path, TTF_GetError());
        return NULL;
    }
    TTF_SetFontHinting(ttf, TTF_HINTING_LIGHT);
    TTF_SetFontKerning(ttf, 1);
    if (f->sizes[victim].ttf)
        TTF_CloseFont(f->sizes[victim].ttf);
    f->sizes[victim].ttf = ttf;
    f->sizes[victim].size = size_px;
    f->sizes[victim].last_used = f->clock;
    return ttf;
}

/* SDL_ttf wants NUL-terminated strings; substrings are copied to a stack buffer when short. */
#define SHORT_TEXT 512

int font_width(struct font *f, int size_px, const char *s, size_t len)
{
    TTF_Font *ttf = font_at(f, size_px);
    if (!ttf || len == 0)
        return 0;
    char small[SHORT_TEXT];
    char *buf = len < sizeof(small) ? small : xmalloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    int w = 0, h = 0;
    if (TTF_SizeUTF8(ttf, buf, &w, &h) != 0)
        w = 0;
    if (buf != small)
        free(buf);
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

SDL_Surface *font_render(struct font *f, int size_px, const char *s, size_t len, SDL_Color fg)
{
    TTF_Font *ttf = font_at(f, size_px);
    if (!ttf || len == 0)
        return NULL;
    char *buf = xstrndup(s, len);
    SDL_Surface *surface = TTF_RenderUTF8_Blended(ttf, buf, fg);
    if (!surface)
        log_error("cannot render text \"%.40s\": %s", buf, TTF_GetError());
    free(buf);
    return surface;
}
