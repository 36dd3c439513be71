/* Text fitting: greedy line wrapping, ellipsis and auto-shrink. Pure: widths come from a
 * measuring callback, so the same code serves SDL_ttf on the worker and fake fonts in tests. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define TEXT_MAX_LINES 8
#define TEXT_ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

struct text_measure {
    void *ctx;
    /* Advance width in pixels of s[0..len) at the given pixel size. */
    int (*width)(void *ctx, int size_px, const char *s, size_t len);
    /* Distance between baselines of two lines at the given pixel size. */
    int (*line_height)(void *ctx, int size_px);
};

struct text_line {
    size_t start, len; /* byte range into the source string, trailing spaces excluded */
    int width;         /* pixels, including the ellipsis when there is one */
    bool ellipsis;     /* draw TEXT_ELLIPSIS after the range */
};

struct text_block {
    int size_px;
    int line_height;
    size_t line_count;
    struct text_line lines[TEXT_MAX_LINES];
    int width, height; /* of the widest line; line_count * line_height */
    bool truncated;    /* text was cut and ends in an ellipsis */
};

/* Wraps s into at most max_lines lines no wider than max_width. Breaks where UAX #14 allows
 * (spaces, after hyphens, between CJK characters but not before their closing punctuation),
 * between Thai words (libthai), and inside a word only when the word alone is wider than the
 * line, between grapheme clusters. When the text needs more lines, the last one ends in an
 * ellipsis. */
void text_wrap(const struct text_measure *m, const char *s, int size_px, int max_width,
               size_t max_lines, struct text_block *out);

/* The largest size in [min_px, max_px] at which s wraps into max_lines lines within
 * max_width x max_height without truncation; if none does, min_px with an ellipsis (and fewer
 * lines if the height demands it). Returns false when it had to truncate. */
bool text_fit(const struct text_measure *m, const char *s, int min_px, int max_px, int max_width,
              int max_height, size_t max_lines, struct text_block *out);
