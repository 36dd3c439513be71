#include "text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <thai/thbrk.h>
#include <thai/thwchar.h>
#include <unigbrk.h>
#include <unilbrk.h>

#include "unicode.h"
#include "util.h"

/* Where a line may break, for every script: UAX #14 (libunistring), which keeps CJK
 * punctuation off the wrong end of a line (kinsoku: no "。" or "」" first, no "「" last), and
 * libthai's dictionary between Thai words, which UAX #14 leaves to the implementation. */

static pthread_once_t thai_once = PTHREAD_ONCE_INIT;
static ThBrk *thai_breaker; /* read-only once made; NULL when libthai has no dictionary */

static void thai_init(void)
{
    thai_breaker = th_brk_new(NULL);
}

static bool is_thai(uint32_t c)
{
    return c >= 0x0E01 && c <= 0x0E5B;
}

/* Adds the breaks between the Thai words of s[start..end) (Thai letters only). */
static void thai_breaks(const char *s, size_t start, size_t end, char *p)
{
    pthread_once(&thai_once, thai_init);
    size_t chars = (end - start) / 3; /* every Thai letter is 3 bytes of UTF-8 */
    if (!thai_breaker || chars < 2)
        return;
    thchar_t *tis = xmalloc(chars + 1);
    int *pos = xmalloc(chars * sizeof(*pos));
    for (size_t i = 0; i < chars; i++) {
        size_t n;
        tis[i] = th_uni2tis((thwchar_t)unicode_utf8_decode(s + start + 3 * i, 3, &n));
    }
    tis[chars] = 0;
    int found = th_brk_find_breaks(thai_breaker, tis, pos, chars);
    for (int i = 0; i < found; i++)
        if (pos[i] > 0 && (size_t)pos[i] < chars)
            p[start + 3 * (size_t)pos[i]] = UC_BREAK_POSSIBLE;
    free(pos);
    free(tis);
}

/* p[i] == UC_BREAK_POSSIBLE when a line may start at byte i. */
static void find_breaks(const char *s, size_t len, char *p)
{
    u8_possible_linebreaks((const uint8_t *)s, len, "UTF-8", p);
    for (size_t i = 0; i < len;) {
        size_t n;
        if (!is_thai(unicode_utf8_decode(s + i, len - i, &n))) {
            i += n;
            continue;
        }
        size_t start = i;
        while (i < len && is_thai(unicode_utf8_decode(s + i, len - i, &n)))
            i += n;
        thai_breaks(s, start, i, p);
    }
}

/* End (exclusive) of the unit that starts at pos: the next place a line may break. */
static size_t unit_end(size_t len, const char *breaks, size_t pos)
{
    size_t i = pos + 1;
    while (i < len && breaks[i] != UC_BREAK_POSSIBLE && breaks[i] != UC_BREAK_HYPHENATION)
        i++;
    return i;
}

/* end, less the spaces before it. */
static size_t trim_end(const char *s, size_t start, size_t end)
{
    while (end > start) {
        size_t p = unicode_utf8_prev(s, start, end);
        size_t n;
        if (!unicode_is_space(unicode_utf8_decode(s + p, end - p, &n)))
            break;
        end = p;
    }
    return end;
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

/* How many bytes of s[start..end) fit in max_width, cut between grapheme clusters (a letter
 * with its marks, a conjunct, an emoji sequence stay whole); at least one cluster so
 * wrapping always progresses. */
static size_t fit_prefix(const struct text_measure *m, int size, const char *s, size_t start,
                         size_t end, int max_width)
{
    const uint8_t *u = (const uint8_t *)s, *stop = u + end;
    const uint8_t *next = u8_grapheme_next(u + start, stop);
    size_t best = next ? (size_t)(next - u) - start : end - start;
    while (next && next < stop) {
        const uint8_t *after = u8_grapheme_next(next, stop);
        if (!after || m->width(m->ctx, size, s + start, (size_t)(after - u) - start) > max_width)
            break;
        next = after;
        best = (size_t)(next - u) - start;
    }
    return best;
}

/* Shortens line so that it plus an ellipsis fits: drop whole units first, then characters. */
static void add_ellipsis(const struct text_measure *m, const char *s, int size, int max_width,
                         struct text_line *line)
{
    int ell = m->width(m->ctx, size, TEXT_ELLIPSIS, strlen(TEXT_ELLIPSIS));
    size_t line_end = line->start + line->len, end = line_end;
    while (end > line->start &&
           m->width(m->ctx, size, s + line->start, end - line->start) + ell > max_width) {
        end = unicode_utf8_prev(s, line->start, end); /* one code point back */
    }
    /* Inside a word, prefer cutting at a word boundary when that loses little. A cut before
     * a space or punctuation ends a word already. */
    size_t cut = end;
    while (cut > line->start && s[cut - 1] != ' ')
        cut--;
    bool in_word = end < line_end && !strchr(" ,;:.!?", s[end]);
    if (in_word && cut > line->start && (end - cut) * 2 < (end - line->start))
        end = cut;
    /* Never leave trailing spaces or punctuation that reads badly before an ellipsis. */
    while (end > line->start && strchr(" ,;:-.", s[end - 1]))
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
    char small[512];
    char *breaks = len < sizeof(small) ? small : xmalloc(len + 1);
    find_breaks(s, len, breaks);
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
            size_t next = unit_end(len, breaks, pos);
            size_t ue = trim_end(s, pos, next);
            if (m->width(m->ctx, size_px, s + line->start, ue - line->start) <= max_width) {
                end = ue;
                pos = next;
                if (pos == len)
                    break;
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
    if (breaks != small)
        free(breaks);
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
