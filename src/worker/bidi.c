#include "bidi.h"

#include <fribidi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>

#include "unicode.h"
#include "util.h"

/* Short texts (a line, a headline) convert on the stack. */
#define SHORT_CPS 256

struct decoded {
    FriBidiChar *cps;
    size_t *offsets; /* byte offset of each code point, then len */
    size_t count;
    FriBidiChar cps_small[SHORT_CPS];
    size_t offsets_small[SHORT_CPS + 1];
};

static void decode(const char *s, size_t len, struct decoded *d)
{
    d->cps = d->cps_small;
    d->offsets = d->offsets_small;
    if (len > SHORT_CPS) {
        d->cps = xmalloc(len * sizeof(*d->cps));
        d->offsets = xmalloc((len + 1) * sizeof(*d->offsets));
    }
    d->count = 0;
    for (size_t i = 0; i < len;) {
        size_t n;
        d->offsets[d->count] = i;
        d->cps[d->count++] = unicode_utf8_decode(s + i, len - i, &n);
        i += n;
    }
    d->offsets[d->count] = len;
}

static void decoded_finish(struct decoded *d)
{
    if (d->cps != d->cps_small) {
        free(d->cps);
        free(d->offsets);
    }
}

bool bidi_is_rtl(const char *s, size_t len)
{
    struct decoded d;
    decode(s, len, &d);
    FriBidiCharType small[SHORT_CPS];
    FriBidiCharType *types = d.count > SHORT_CPS ? xmalloc(d.count * sizeof(*types)) : small;
    fribidi_get_bidi_types(d.cps, (FriBidiStrIndex)d.count, types);
    /* P2 with what is inside isolates skipped (fribidi_get_par_direction looks inside). */
    bool rtl = false;
    size_t isolates = 0;
    for (size_t i = 0; i < d.count; i++) {
        FriBidiCharType t = types[i];
        if (t == FRIBIDI_TYPE_LRI || t == FRIBIDI_TYPE_RLI || t == FRIBIDI_TYPE_FSI) {
            isolates++;
        } else if (t == FRIBIDI_TYPE_PDI) {
            isolates -= isolates > 0;
        } else if (isolates == 0 && FRIBIDI_IS_LETTER(t)) {
            rtl = FRIBIDI_IS_RTL(t);
            break;
        }
    }
    if (types != small)
        free(types);
    decoded_finish(&d);
    return rtl;
}

/* ISO 15924 tags of the scripts HarfBuzz has a shaper of their own for (joining, reordering,
 * conjuncts), by libunistring's names. Others (Latin, Greek, Cyrillic, CJK) shape the same as
 * unknown and stay in one piece with their neighbours. */
static const char *script_tag(ucs4_t c)
{
    static const struct {
        const char *name, *tag;
    } tags[] = {
        {"Hebrew", "Hebr"},    {"Arabic", "Arab"},     {"Syriac", "Syrc"},  {"Thaana", "Thaa"},
        {"Nko", "Nkoo"},       {"Devanagari", "Deva"}, {"Bengali", "Beng"}, {"Gurmukhi", "Guru"},
        {"Gujarati", "Gujr"},  {"Oriya", "Orya"},      {"Tamil", "Taml"},   {"Telugu", "Telu"},
        {"Kannada", "Knda"},   {"Malayalam", "Mlym"},  {"Sinhala", "Sinh"}, {"Thai", "Thai"},
        {"Lao", "Laoo"},       {"Tibetan", "Tibt"},    {"Myanmar", "Mymr"}, {"Khmer", "Khmr"},
        {"Mongolian", "Mong"}, {"Hangul", "Hang"},
    };
    if (c < 0x370)
        return NULL; /* Latin and the punctuation everyone shares: the fast path */
    const uc_script_t *script = uc_script(c);
    for (size_t i = 0; script && i < ARRAY_LEN(tags); i++)
        if (strcmp(script->name, tags[i].name) == 0)
            return tags[i].tag;
    return NULL;
}

/* Logical runs: code points [first, end) of one level and one script (Common and Inherited
 * characters, spaces, digits, punctuation, marks, go with the script before them, or after them
 * at the start). */
struct logical {
    size_t first, end;
    FriBidiLevel level;
    const char *script;
};

static size_t logical_runs(const struct decoded *d, const FriBidiLevel *levels, struct logical *out,
                           size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++) {
        const char *tag = script_tag(d->cps[i]);
        struct logical *last = n > 0 ? &out[n - 1] : NULL;
        bool same_level = last && last->level == levels[i];
        if (same_level && (!tag || !last->script || strcmp(tag, last->script) == 0 || n == max)) {
            last->end = i + 1;
            if (!last->script)
                last->script = tag;
        } else if (n == max) {
            last->end = i + 1; /* pathological mixing: the rest goes in the last run */
        } else {
            out[n++] = (struct logical){i, i + 1, levels[i], tag};
        }
    }
    return n;
}

/* UAX #9 L2: from the highest level down to the lowest odd one, every sequence of runs at
 * that level or higher is reversed. */
static void reorder(struct logical *runs, size_t n)
{
    int highest = 0, lowest_odd = FRIBIDI_BIDI_MAX_EXPLICIT_LEVEL + 2;
    for (size_t i = 0; i < n; i++) {
        highest = runs[i].level > highest ? runs[i].level : highest;
        if ((runs[i].level & 1) && runs[i].level < lowest_odd)
            lowest_odd = runs[i].level;
    }
    for (int level = highest; level >= lowest_odd && level > 0; level--) {
        for (size_t i = 0; i < n;) {
            if (runs[i].level < level) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && runs[j].level >= level)
                j++;
            for (size_t a = i, b = j - 1; a < b; a++, b--) {
                struct logical t = runs[a];
                runs[a] = runs[b];
                runs[b] = t;
            }
            i = j;
        }
    }
}

size_t bidi_runs(const char *s, size_t len, bool rtl, struct bidi_run *out, size_t max)
{
    if (len == 0 || max == 0)
        return 0;
    struct decoded d;
    decode(s, len, &d);
    FriBidiCharType types_small[SHORT_CPS];
    FriBidiBracketType brackets_small[SHORT_CPS];
    FriBidiLevel levels_small[SHORT_CPS];
    bool big = d.count > SHORT_CPS;
    FriBidiCharType *types = big ? xmalloc(d.count * sizeof(*types)) : types_small;
    FriBidiBracketType *brackets = big ? xmalloc(d.count * sizeof(*brackets)) : brackets_small;
    FriBidiLevel *levels = big ? xmalloc(d.count * sizeof(*levels)) : levels_small;
    FriBidiStrIndex count = (FriBidiStrIndex)d.count;
    fribidi_get_bidi_types(d.cps, count, types);
    fribidi_get_bracket_types(d.cps, count, types, brackets);
    FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    if (!fribidi_get_par_embedding_levels_ex(types, brackets, count, &base, levels))
        memset(levels, rtl ? 1 : 0, d.count * sizeof(*levels));
    struct logical small[BIDI_MAX_RUNS];
    size_t n = logical_runs(&d, levels, small, max < BIDI_MAX_RUNS ? max : BIDI_MAX_RUNS);
    reorder(small, n);
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct bidi_run){.start = d.offsets[small[i].first],
                                   .len = d.offsets[small[i].end] - d.offsets[small[i].first],
                                   .rtl = small[i].level & 1};
        snprintf(out[i].script, sizeof(out[i].script), "%s",
                 small[i].script ? small[i].script : "");
    }
    if (big) {
        free(types);
        free(brackets);
        free(levels);
    }
    decoded_finish(&d);
    return n;
}
