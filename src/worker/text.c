#include "text.h"

#include <string.h>

#include "unicode.h"

static bool breaks_after(unsigned c)
{
    return c == '-' || c == '/' || c == 0x2013 || c == 0x2014;
}

/* End (exclusive) of the next unbreakable unit starting at pos, which is not a space. */
static size_t unit_end(const char *s, size_t len, size_t pos)
{
    size_t i = pos;
    while (i < len) {
        size_t n;
        unsigned c = unicode_utf8_decode(s + i, len - i, &n);
        if (unicode_is_space(c))
            break;
        if (unicode_is_cjk(c)) {
            /* A CJK character is a unit of its own, but never start a run with it mid-unit. */
            if (i == pos)
                i += n;
            break;
        }
        i += n;
        if (breaks_after(c))
            break;
        if (i < len) {
            size_t n2;
            unsigned next = unicode_utf8_decode(s + i, len - i, &n2);
            if (unicode_is_cjk(next))
                break;
        }
    }
    return i;
}

static size_t skip_spaces(const char *s, size_t len, size_t pos)
{
    while (pos < len) {
        size_t n;
        unsigned c = unicode_utf8_decode(s + pos, len - pos, &n);
        if (!unicode_is_space(c))
            break;
        pos += n;
    }
    return pos;
}

/* How many bytes of s[start..end) fit in max_width, cut at code point boundaries; at least
 * one code point so wrapping always progresses. */
static size_t fit_prefix(const struct text_measure *m, int size, const char *s, size_t start,
                         size_t end, int max_width)
{
    size_t best = unicode_utf8_len(s + start, end - start);
    size_t i = start + best;
    while (i < end) {
        size_t n = unicode_utf8_len(s + i, end - i);
        if (m->width(m->ctx, size, s + start, i + n - start) > max_width)
            break;
        i += n;
        best = i - start;
    }
    return best;
}

/* Shortens line so that it plus an ellipsis fits: drop whole units first, then characters. */
static void add_ellipsis(const struct text_measure *m, const char *s, int size, int max_width,
                         struct text_line *line)
{
    int ell = m->width(m->ctx, size, TEXT_ELLIPSIS, strlen(TEXT_ELLIPSIS));
    size_t end = line->start + line->len;
    while (end > line->start &&
           m->width(m->ctx, size, s + line->start, end - line->start) + ell > max_width) {
        /* Step back one code point. */
        size_t p = end - 1;
        while (p > line->start && ((unsigned char)s[p] & 0xC0) == 0x80)
            p--;
        end = p;
    }
    /* Prefer cutting at a word boundary when that loses little. */
    size_t cut = end;
    while (cut > line->start && s[cut - 1] != ' ')
        cut--;
    if (cut > line->start && (end - cut) * 2 < (end - line->start))
        end = cut;
    /* Never leave trailing spaces or punctuation that reads badly before an ellipsis. */
    while (end > line->start && strchr(" ,;:-", s[end - 1]))
        end--;
    line->len = end - line->start;
    line->ellipsis = true;
    line->width = m->width(m->ctx, size, s + line->start, line->len) + ell;
}

void text_wrap(const struct text_measure *m, const char *s, int size_px, int max_width,
               size_t max_lines, struct text_block *out)
{
    memset(out, 0, sizeof(*out));
    out->size_px = size_px;
    out->line_height = m->line_height(m->ctx, size_px);
    if (max_lines > TEXT_MAX_LINES)
        max_lines = TEXT_MAX_LINES;
    if (max_lines == 0 || max_width <= 0) {
        out->truncated = s[0] != '\0';
        return;
    }
    size_t len = strlen(s);
    size_t pos = skip_spaces(s, len, 0);
    while (pos < len) {
        if (out->line_count == max_lines) {
            out->truncated = true;
            add_ellipsis(m, s, size_px, max_width, &out->lines[out->line_count - 1]);
            break;
        }
        struct text_line *line = &out->lines[out->line_count++];
        line->start = pos;
        size_t end = pos; /* end of the text accepted on this line */
        for (;;) {
            size_t ue = unit_end(s, len, pos);
            if (m->width(m->ctx, size_px, s + line->start, ue - line->start) <= max_width) {
                end = ue;
                pos = ue;
                size_t after = skip_spaces(s, len, pos);
                if (after == len) {
                    pos = after;
                    break;
                }
                pos = after;
                continue;
            }
            if (end == line->start) {
                /* A single unit wider than the line: cut it. */
                end = line->start + fit_prefix(m, size_px, s, line->start, ue, max_width);
                pos = end;
            }
            break;
        }
        line->len = end - line->start;
        line->width = m->width(m->ctx, size_px, s + line->start, line->len);
        pos = skip_spaces(s, len, pos);
    }
    for (size_t i = 0; i < out->line_count; i++)
        out->width = out->lines[i].width > out->width ? out->lines[i].width : out->width;
    out->height = (int)out->line_count * out->line_height;
}

bool text_fit(const struct text_measure *m, const char *s, int min_px, int max_px, int max_width,
              int max_height, size_t max_lines, struct text_block *out)
{
    if (min_px > max_px)
        min_px = max_px;
    /* Fitting is monotonic enough in the size for a binary search. */
    int lo = min_px, hi = max_px, best = 0;
    struct text_block tb;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        text_wrap(m, s, mid, max_width, max_lines, &tb);
        if (!tb.truncated && tb.height <= max_height) {
            best = mid;
            *out = tb;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    if (best)
        return true;
    int lh = m->line_height(m->ctx, min_px);
    size_t lines_by_height = lh > 0 ? (size_t)(max_height / lh) : 0;
    if (lines_by_height == 0)
        lines_by_height = 1;
    text_wrap(m, s, min_px, max_width, lines_by_height < max_lines ? lines_by_height : max_lines,
              out);
    return false;
}
