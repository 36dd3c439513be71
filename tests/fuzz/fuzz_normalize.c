/* Any bytes as a feed field, as HTML and as plain text, with and without a byte limit, then cut:
 * whatever comes out must be something the sign can draw. Aborts when it is not. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF); returns the code point
 * at s and sets *len, or aborts. */
static unsigned decode_strict(const unsigned char *s, size_t *len)
{
    unsigned c = s[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    check(n > 0);
    if (n > 1)
        c &= 0x7Fu >> n;
    for (size_t i = 1; i < n; i++) {
        check((s[i] & 0xC0) == 0x80);
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    static const unsigned min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    check(c >= min_for_len[n] && c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF));
    *len = n;
    return c;
}

/* What normalize_text promises never to let through. */
static bool is_forbidden(unsigned c)
{
    bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    /* One no-break, narrow no-break or thin space may stand for a space ("2 900"). */
    bool other_space = c == 0x1680 || (c >= 0x2000 && c <= 0x200A && c != 0x2009) || c == 0x2028 ||
                       c == 0x2029 || c == 0x205F || c == 0x3000;
    /* Bidi controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) stay. */
    bool format = c == 0xAD || c == 0x200B || (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF;
    bool noncharacter = (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
    return control || other_space || format || noncharacter;
}

static bool is_kept_space(unsigned c)
{
    return c == ' ' || c == 0xA0 || c == 0x202F || c == 0x2009;
}

/* Valid, drawable, single-spaced and trimmed; returns the number of code points. */
static size_t check_clean(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), count = 0, n;
    bool after_space = true; /* no space first */
    for (size_t i = 0; i < len; i += n, count++) {
        unsigned c = decode_strict(s + i, &n);
        check(!is_forbidden(c));
        check(!(is_kept_space(c) && after_space));
        after_space = is_kept_space(c);
    }
    check(!after_space || len == 0);
    return count;
}

static void check_text(const uint8_t *data, size_t size, unsigned flags, size_t limit)
{
    char *full = normalize_text((const char *)data, size, flags, SIZE_MAX);
    size_t count = check_clean(full);
    char *cut = normalize_text((const char *)data, size, flags, limit);
    check_clean(cut);
    size_t full_len = strlen(full), cut_len = strlen(cut);
    check(cut_len <= limit);
    /* The limit only ever shortens, at a code point, and only as much as it must. */
    check(memcmp(cut, full, cut_len) == 0);
    if (cut_len < full_len) {
        size_t next, n;
        next = is_kept_space(decode_strict((const unsigned char *)full + cut_len, &n)) ? n : 0;
        decode_strict((const unsigned char *)full + cut_len + next, &n);
        check(cut_len + next + n > limit);
    }
    free(cut);

    size_t max_chars = size > 0 ? data[size - 1] % 80u : 0;
    char *shortened = normalize_cut(full, max_chars);
    size_t short_len = strlen(shortened);
    size_t short_count = check_clean(shortened);
    check(short_count <= max_chars);
    if (count <= max_chars) {
        check(strcmp(shortened, full) == 0);
    } else {
        static const char ellipsis[] = "\xe2\x80\xa6";
        bool ends_in_ellipsis = short_len >= 3 && strcmp(shortened + short_len - 3, ellipsis) == 0;
        size_t kept = ends_in_ellipsis ? short_len - 3 : short_len;
        check(kept < full_len && memcmp(shortened, full, kept) == 0);
    }
    free(shortened);
    free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t limit = size > 0 ? data[0] * 3u % 200u : 0;
    check_text(data, size, NORMALIZE_HTML, limit);
    check_text(data, size, NORMALIZE_PLAIN, limit);
    return 0;
}
