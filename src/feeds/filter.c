#include "filter.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>

#include "ascii.h"
#include "unicode.h"
#include "util.h"

/* s case-folded, NUL-terminated; caller frees. Invalid UTF-8 cannot reach here (normalised). */
static char *fold(const char *s)
{
    size_t len = 0;
    uint8_t *out = u8_casefold((const uint8_t *)s, strlen(s) + 1, NULL, NULL, NULL, &len);
    if (!out)
        return xstrdup(s);
    return (char *)out;
}

static void add_term(struct story_filter *f, const char *start, size_t len)
{
    char *raw = xstrndup(start, len);
    f->terms = xrealloc(f->terms, (f->term_count + 1) * sizeof(*f->terms));
    f->terms[f->term_count++] = fold(raw);
    free(raw);
}

bool story_filter_init(struct story_filter *f, const char *exclude, int64_t max_age_s,
                       struct error *err)
{
    memset(f, 0, sizeof(*f));
    f->max_age_s = max_age_s;
    const char *p = exclude;
    while (ascii_is_blank(*p))
        p++;
    if (!*p)
        return true;
    for (;;) {
        size_t n = strcspn(p, ",");
        const char *start = p, *end = p + n;
        while (end > start && ascii_is_blank(end[-1]))
            end--;
        while (start < end && ascii_is_blank(*start))
            start++;
        if (end == start) {
            error_set(err, "an empty term (two commas in a row, or one at an end)");
            goto err_free;
        }
        if (memchr(start, '"', (size_t)(end - start))) {
            error_set(err, "a '\"' in a term (write a phrase as it is, without quotes)");
            goto err_free;
        }
        if (f->term_count == FILTER_MAX_TERMS) {
            error_set(err, "more than %d terms", FILTER_MAX_TERMS);
            goto err_free;
        }
        add_term(f, start, (size_t)(end - start));
        if (!p[n])
            return true;
        p += n + 1;
    }
err_free:
    story_filter_finish(f);
    return false;
}

void story_filter_finish(struct story_filter *f)
{
    for (size_t i = 0; i < f->term_count; i++)
        free(f->terms[i]);
    free(f->terms);
    memset(f, 0, sizeof(*f));
}

/* A letter or digit joins the term to a longer word; in Chinese, Japanese or Thai a term is
 * a word wherever it stands. */
static bool joins(uint32_t c)
{
    return uc_is_alnum(c) && !unicode_is_cjk(c) && !unicode_no_word_spaces(c);
}

static bool holds_word(const char *text, const char *term)
{
    size_t tlen = strlen(term), len = strlen(text);
    uint32_t first = unicode_utf8_decode(term, tlen, &(size_t){0});
    uint32_t last =
        unicode_utf8_decode(term + unicode_utf8_prev(term, 0, tlen), tlen, &(size_t){0});
    for (const char *at = strstr(text, term); at; at = strstr(at + 1, term)) {
        size_t pos = (size_t)(at - text), after = pos + tlen;
        if (pos > 0 && joins(first)) {
            size_t prev = unicode_utf8_prev(text, 0, pos);
            if (joins(unicode_utf8_decode(text + prev, pos - prev, &(size_t){0})))
                continue;
        }
        if (after < len && joins(last) &&
            joins(unicode_utf8_decode(text + after, len - after, &(size_t){0})))
            continue;
        return true;
    }
    return false;
}

bool story_filter_keeps(const struct story_filter *f, const struct story *s, int64_t now)
{
    if (f->max_age_s > 0 && s->published != STORY_NO_DATE && s->published < now - f->max_age_s)
        return false;
    if (!f->term_count)
        return true;
    char *title = fold(s->title), *summary = fold(s->summary);
    bool keep = true;
    for (size_t i = 0; keep && i < f->term_count; i++)
        keep = !holds_word(title, f->terms[i]) && !holds_word(summary, f->terms[i]);
    free(summary);
    free(title);
    return keep;
}
