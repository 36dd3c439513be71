#include "unicode.h"

bool unicode_utf8_next(const char *s, size_t avail, uint32_t *c, size_t *consumed)
{
    const unsigned char *p = (const unsigned char *)s;
    *c = UNICODE_REPLACEMENT;
    *consumed = 1;
    if (avail == 0)
        return false;
    uint32_t v = p[0];
    /* The range each continuation byte must fall in: the first one is narrower after E0
     * (overlong below A0), ED (surrogates from A0), F0 (overlong below 90) and F4 (beyond
     * U+10FFFF from 90). Checking it byte by byte is what makes an error stop at the maximal
     * subpart. */
    unsigned lo = 0x80, hi = 0xBF;
    size_t need;
    if (v < 0x80) {
        *c = v;
        return true;
    }
    if (v >= 0xC2 && v <= 0xDF) {
        need = 1, v &= 0x1F;
    } else if (v >= 0xE0 && v <= 0xEF) {
        need = 2, lo = v == 0xE0 ? 0xA0 : 0x80, hi = v == 0xED ? 0x9F : 0xBF, v &= 0x0F;
    } else if (v >= 0xF0 && v <= 0xF4) {
        need = 3, lo = v == 0xF0 ? 0x90 : 0x80, hi = v == 0xF4 ? 0x8F : 0xBF, v &= 0x07;
    } else {
        return false;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= avail || p[i] < lo || p[i] > hi) {
            *consumed = i;
            return false;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
        lo = 0x80, hi = 0xBF;
    }
    *c = v;
    *consumed = need + 1;
    return true;
}

uint32_t unicode_utf8_decode(const char *s, size_t avail, size_t *consumed)
{
    uint32_t c;
    unicode_utf8_next(s, avail, &c, consumed);
    return c;
}

size_t unicode_utf8_len(const char *s, size_t avail)
{
    size_t n;
    unicode_utf8_decode(s, avail, &n);
    return n;
}

size_t unicode_utf8_prev(const char *s, size_t start, size_t end)
{
    size_t p = end - 1;
    while (p > start && ((unsigned char)s[p] & 0xC0) == 0x80)
        p--;
    return p;
}

size_t unicode_utf8_width(uint32_t c)
{
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

size_t unicode_utf8_encode(uint32_t c, char *out)
{
    size_t n = unicode_utf8_width(c);
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    if (n == 1) {
        out[0] = (char)c;
        return 1;
    }
    for (size_t i = n - 1; i > 0; i--, c >>= 6)
        out[i] = (char)(0x80 | (c & 0x3F));
    out[0] = (char)(lead[n] | c);
    return n;
}

bool unicode_is_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

bool unicode_is_cjk(uint32_t c)
{
    /* U+2E80-U+9FFF runs from the CJK radicals through kana, Bopomofo, the compatibility jamo
     * and extension A to the unified ideographs. */
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

static bool is_hangul(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||
           (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF) ||
           (c >= 0xFFA0 && c <= 0xFFDC);
}

bool unicode_no_word_spaces(uint32_t c)
{
    bool thai_lao = c >= 0x0E00 && c <= 0x0EFF;
    bool myanmar = (c >= 0x1000 && c <= 0x109F) || (c >= 0xA9E0 && c <= 0xA9FF) ||
                   (c >= 0xAA60 && c <= 0xAA7F);
    bool khmer = (c >= 0x1780 && c <= 0x17FF) || (c >= 0x19E0 && c <= 0x19FF);
    return (unicode_is_cjk(c) && !is_hangul(c)) || thai_lao || myanmar || khmer;
}

bool unicode_is_joiner(uint32_t c)
{
    return c == 0x200C || c == 0x200D;
}

bool unicode_is_variation_selector(uint32_t c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

bool unicode_is_tag(uint32_t c)
{
    return c >= 0xE0000 && c <= 0xE007F;
}

uint32_t unicode_from_cp1252(unsigned char b)
{
    static const uint16_t c1[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                    0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
    return b >= 0x80 && b < 0xA0 ? c1[b - 0x80] : b;
}

bool unicode_is_bidi_control(uint32_t c)
{
    return c == 0x61C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

bool unicode_is_emoji_modifier(uint32_t c)
{
    return c >= 0x1F3FB && c <= 0x1F3FF;
}
