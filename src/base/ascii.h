/* ASCII character classes and case, the same in every locale. <ctype.h> follows LC_CTYPE: in
 * tr_TR "TITLE" lowers to a dotless "tıtle", and in a Latin-1 locale bytes >= 0x80 become
 * letters. Feeds, HTTP headers, dates, config and minisign files are ASCII formats whatever the
 * locale, so every module reads them with these (model: curl lib/curl_ctype.h).
 *
 * The classes take a char, an unsigned char or a code point alike: int64_t holds each of them
 * without a cast. Anything outside ASCII is in no class, a char >= 0x80 that arrives negative
 * included. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Space, tab, CR and LF: whitespace in XML (the S production), HTTP, RFC 5322 dates, config
 * and minisign files. Not \v and \f: none of those formats counts them as space. */
static inline bool ascii_is_space(int64_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* HTML's "ASCII whitespace" (WHATWG Infra): ascii_is_space and form feed. */
static inline bool ascii_is_html_space(int64_t c)
{
    return ascii_is_space(c) || c == '\f';
}

/* Space and tab: the blanks inside one line (config values, HTTP's optional whitespace). */
static inline bool ascii_is_blank(int64_t c)
{
    return c == ' ' || c == '\t';
}

static inline bool ascii_is_digit(int64_t c)
{
    return c >= '0' && c <= '9';
}

static inline bool ascii_is_upper(int64_t c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool ascii_is_lower(int64_t c)
{
    return c >= 'a' && c <= 'z';
}

static inline bool ascii_is_alpha(int64_t c)
{
    return ascii_is_upper(c) || ascii_is_lower(c);
}

static inline bool ascii_is_alnum(int64_t c)
{
    return ascii_is_alpha(c) || ascii_is_digit(c);
}

/* The value of a hexadecimal digit of either case, -1 for anything else. */
static inline int ascii_hex_value(int64_t c)
{
    if (ascii_is_digit(c))
        return (int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (int)(c - 'A' + 10);
    return -1;
}

static inline bool ascii_is_xdigit(int64_t c)
{
    return ascii_hex_value(c) >= 0;
}

static inline char ascii_to_lower(char c)
{
    return ascii_is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

/* strncasecmp with only A-Z folded: < 0, 0 or > 0 as the first n bytes of a compare below,
 * equal to or above those of b, bytes compared as unsigned char. */
static inline int ascii_ncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ca = (unsigned char)ascii_to_lower(a[i]);
        unsigned char cb = (unsigned char)ascii_to_lower(b[i]);
        if (ca != cb || ca == '\0')
            return ca - cb;
    }
    return 0;
}

/* strcasecmp with only A-Z folded. */
static inline int ascii_casecmp(const char *a, const char *b)
{
    return ascii_ncasecmp(a, b, SIZE_MAX);
}
