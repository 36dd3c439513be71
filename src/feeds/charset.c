#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "dynbuf.h"
#include "unicode.h"
#include "util.h"

/* iconv writes into a chunk this large, which goes into the capped output buffer. */
#define TRANSCODE_CHUNK_BYTES (16 * 1024)
/* How far into a document its XML declaration may reach. */
#define DECLARATION_MAX_BYTES 512

struct charset_sniff charset_sniff(const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        return (struct charset_sniff){"UTF-8", 3, 1, false};
    if (len >= 4 && memcmp(p, "\xFF\xFE\0\0", 4) == 0)
        return (struct charset_sniff){"UTF-32LE", 4, 4, false};
    if (len >= 4 && memcmp(p, "\0\0\xFE\xFF", 4) == 0)
        return (struct charset_sniff){"UTF-32BE", 4, 4, true};
    if (len >= 2 && memcmp(p, "\xFF\xFE", 2) == 0)
        return (struct charset_sniff){"UTF-16LE", 2, 2, false};
    if (len >= 2 && memcmp(p, "\xFE\xFF", 2) == 0)
        return (struct charset_sniff){"UTF-16BE", 2, 2, true};
    /* UTF-16 without a BOM: the ASCII byte ("<", "{", white space) sits next to a zero. */
    if (len >= 2 && p[0] == 0)
        return (struct charset_sniff){"UTF-16BE", 0, 2, true};
    if (len >= 2 && p[1] == 0)
        return (struct charset_sniff){"UTF-16LE", 0, 2, false};
    return (struct charset_sniff){NULL, 0, 1, false};
}

static bool is_label_char(char c)
{
    return ascii_is_alnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '(' ||
           c == ')' || c == '+';
}

/* Copies a charset label without surrounding spaces and quotes into buf (at least
 * CHARSET_LABEL_MAX + 1 bytes). Characters no charset name has become '?' so the label can go
 * into an error message; returns false when there were any, or the label is too long. */
static bool clean_label(const char *s, size_t len, char *buf)
{
    while (len > 0 && (ascii_is_space(*s) || *s == '"' || *s == '\''))
        s++, len--;
    while (len > 0 && (ascii_is_space(s[len - 1]) || s[len - 1] == '"' || s[len - 1] == '\''))
        len--;
    bool ok = len > 0 && len <= CHARSET_LABEL_MAX;
    size_t n = MIN(len, (size_t)CHARSET_LABEL_MAX);
    for (size_t i = 0; i < n; i++) {
        ok = ok && is_label_char(s[i]);
        buf[i] = is_label_char(s[i]) ? s[i] : '?';
    }
    buf[n] = '\0';
    return ok;
}

/* The encoding named in an ASCII-compatible XML declaration, if there is one. */
static bool declared_encoding(const char *d, size_t len, char *buf, bool *valid)
{
    if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
        d += 3, len -= 3;
    /* Blank lines before the declaration (a PHP template's): feed_xml_parse skips them. */
    while (len > 0 && ascii_is_space(*d))
        d++, len--;
    if (len < 6 || memcmp(d, "<?xml", 5) != 0 || !ascii_is_space(d[5]))
        return false;
    size_t end = 5, limit = MIN(len, (size_t)DECLARATION_MAX_BYTES);
    while (end + 1 < limit && !(d[end] == '?' && d[end + 1] == '>'))
        end++;
    static const char key[] = "encoding";
    for (size_t i = 5; i + sizeof(key) - 1 < end; i++) {
        if (memcmp(d + i, key, sizeof(key) - 1) != 0 || !ascii_is_space(d[i - 1]))
            continue;
        size_t j = i + sizeof(key) - 1;
        while (j < end && ascii_is_space(d[j]))
            j++;
        if (j == end || d[j++] != '=')
            return false;
        while (j < end && ascii_is_space(d[j]))
            j++;
        if (j == end || (d[j] != '"' && d[j] != '\''))
            return false;
        char quote = d[j++];
        size_t start = j;
        while (j < end && d[j] != quote)
            j++;
        if (j == end)
            return false;
        *valid = clean_label(d + start, j - start, buf);
        return true;
    }
    return false;
}

static bool label_is(const char *label, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (ascii_casecmp(label, names[i]) == 0)
            return true;
    return false;
}

static bool is_utf8_label(const char *label)
{
    /* ASCII is a subset of UTF-8, and feeds labelled ASCII that hold other bytes are nearly
     * always UTF-8 in truth. utf8mb4 is MySQL's name for real UTF-8 and leaks into headers. */
    static const char *const names[] = {
        "UTF-8", "UTF8", "utf8mb4", "unicode-1-1-utf-8", "US-ASCII", "ASCII", "ANSI_X3.4-1968",
    };
    return label_is(label, names, ARRAY_LEN(names));
}

static bool is_utf16_or_32_label(const char *label)
{
    return ascii_ncasecmp(label, "UTF-16", 6) == 0 || ascii_ncasecmp(label, "UTF-32", 6) == 0 ||
           ascii_ncasecmp(label, "UTF16", 5) == 0 || ascii_ncasecmp(label, "UTF32", 5) == 0 ||
           ascii_ncasecmp(label, "UCS-2", 5) == 0 || ascii_ncasecmp(label, "UCS-4", 5) == 0;
}

/* The charset iconv should decode: labels are mapped to the superset every browser uses for
 * them, since feeds labelled with the narrow charset routinely hold the wider one's characters
 * (curly quotes in "ISO-8859-1", GBK ideographs in "GB2312", NEC symbols in "Shift_JIS"). */
static const char *iconv_name(const char *label)
{
    static const char *const latin1[] = {"ISO-8859-1", "ISO8859-1", "ISO_8859-1", "latin1",
                                         "l1",         "CP819",     "IBM819",     "ISO-IR-100"};
    static const char *const gbk[] = {"GB2312", "GBK", "x-gbk", "EUC-CN", "CP936", "chinese"};
    static const char *const korean[] = {"EUC-KR", "KS_C_5601-1987", "KSC5601", "korean"};
    static const char *const japanese[] = {"Shift_JIS", "Shift-JIS", "SJIS",
                                           "x-sjis",    "MS_Kanji",  "csShiftJIS"};
    if (label_is(label, latin1, ARRAY_LEN(latin1)))
        return "WINDOWS-1252";
    if (label_is(label, gbk, ARRAY_LEN(gbk)))
        return "GB18030";
    if (label_is(label, korean, ARRAY_LEN(korean)))
        return "CP949";
    if (label_is(label, japanese, ARRAY_LEN(japanese)))
        return "CP932"; /* glibc's SHIFT_JIS turns '\\' into a yen sign and '~' into an overline */
    return label;
}

/* Whether the character at s[0..n) is valid UTF-8 and allowed in XML 1.0 (not a C0 control
 * but tab and newlines, not U+FFFE or U+FFFF); *len is its length, or for invalid UTF-8 that of
 * its maximal subpart (unicode.h). */
static bool xml_char(const unsigned char *s, size_t n, size_t *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
    }
    uint32_t c;
    return unicode_utf8_next((const char *)s, n, &c, len) && c != 0xFFFE && c != 0xFFFF;
}

/* Offset of the first byte expat would refuse as not well-formed, or len. Eight plain ASCII
 * bytes at a time, since feeds are mostly that. */
static size_t first_bad_byte(const unsigned char *s, size_t len)
{
    const uint64_t high = 0x8080808080808080ull, low = 0x2020202020202020ull;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            /* No byte >= 0x80 and none below 0x20. */
            if (((w | ((w - low) & ~w)) & high) == 0) {
                i += 8;
                continue;
            }
        }
        size_t n;
        if (!xml_char(s + i, len - i, &n))
            return i;
        i += n;
    }
    return len;
}

/* Makes UTF-8 text fit for expat. A byte that is not part of valid UTF-8 is read as Windows-1252,
 * as browsers and feed readers do: a Latin-1 feed with no label shows its accents, a stray
 * "don\x92t" in a UTF-8 feed shows "don’t", and the sign never draws U+FFFD. The non-characters
 * U+FFFE/U+FFFF go; forbidden control characters become spaces. One bad byte must not cost the
 * whole feed. Returns NULL when the text is fine as it is, else a new buffer. */
static char *repair_utf8(const char *data, size_t len, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = first_bad_byte(s, len);
    if (i == len)
        return NULL;
    char *out = xmalloc(len * 3 + 1);
    memcpy(out, data, i);
    size_t o = i;
    while (i < len) {
        size_t n;
        if (xml_char(s + i, len - i, &n)) {
            memcpy(out + o, s + i, n);
            o += n;
        } else if (s[i] < 0x80) {
            out[o++] = ' ';
        } else if (n == 3 && s[i] == 0xEF && s[i + 1] == 0xBF) {
            /* U+FFFE or U+FFFF: well-formed, so not Windows-1252; dropped */
        } else {
            /* Each byte of the bad sequence is a character of its own. */
            for (size_t k = 0; k < n; k++)
                o += unicode_utf8_encode(unicode_from_cp1252(s[i + k]), out + o);
        }
        i += n;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* Converts with iconv to UTF-8; each undecodable code unit (a byte, or two or four for
 * UTF-16 and UTF-32, whose alignment must survive) becomes U+FFFD rather than ending the feed.
 * Returns NULL when the output would pass CHARSET_MAX_GROWTH times the input. */
static char *transcode(iconv_t cd, const char *data, size_t len, size_t unit, size_t *out_len)
{
    struct dynbuf out;
    dynbuf_init(&out, len * CHARSET_MAX_GROWTH + 64);
    char chunk[TRANSCODE_CHUNK_BYTES];
    char *in = (char *)data; /* iconv's prototype lacks const; it does not write the input */
    size_t in_left = len;
    bool flushed = false;
    while (!flushed) {
        char *pos = chunk;
        size_t room = sizeof(chunk);
        size_t r;
        if (in_left > 0) {
            r = iconv(cd, &in, &in_left, &pos, &room);
        } else {
            /* Stateful encodings (ISO-2022-*) may still owe a shift sequence. */
            r = iconv(cd, NULL, NULL, &pos, &room);
            flushed = r != (size_t)-1;
        }
        int error = errno;
        if (!dynbuf_add(&out, chunk, (size_t)(pos - chunk)))
            goto err_free_out;
        if (r != (size_t)-1 || error == E2BIG)
            continue; /* E2BIG: the chunk is full, and was just kept */
        if (error != EILSEQ && error != EINVAL)
            goto err_free_out;
        if (!dynbuf_add(&out, "\xEF\xBF\xBD", 3))
            goto err_free_out;
        /* EINVAL: an incomplete sequence at the very end. */
        size_t skip = error == EINVAL ? in_left : MIN(unit, in_left);
        in += skip, in_left -= skip;
    }
    return dynbuf_take(&out, out_len);

err_free_out:
    dynbuf_finish(&out);
    return NULL;
}

/* The encoding to decode: in order, the byte order mark (or the zero bytes of UTF-16 without
 * one), the HTTP charset, the XML declaration, UTF-8. A label taken from the input goes into
 * label (CHARSET_LABEL_MAX + 1 bytes). Returns false when that label is no charset name. */
static bool pick_encoding(const struct charset_input *in, const struct charset_sniff *sniff,
                          char *label, const char **encoding)
{
    bool valid = true;
    *encoding = sniff->encoding;
    if (!*encoding && in->http_charset && in->http_charset[0]) {
        valid = clean_label(in->http_charset, strlen(in->http_charset), label);
        /* No BOM and no zero bytes: whatever it says, this is not UTF-16 or UTF-32. */
        if (!valid || !is_utf16_or_32_label(label))
            *encoding = label;
    }
    if (!*encoding && declared_encoding(in->data, in->len, label, &valid) &&
        (!valid || !is_utf16_or_32_label(label)))
        *encoding = label;
    if (!*encoding)
        *encoding = "UTF-8";
    return valid;
}

bool charset_to_utf8(const struct charset_input *in, struct charset_doc *out, struct error *why)
{
    *out = (struct charset_doc){.data = in->data, .len = in->len};
    struct charset_sniff sniff = charset_sniff(in->data, in->len);
    char label[CHARSET_LABEL_MAX + 1];
    const char *encoding;
    if (!pick_encoding(in, &sniff, label, &encoding)) {
        error_set(why, "unsupported encoding %s", encoding);
        return false;
    }
    size_t repaired_len;
    if (is_utf8_label(encoding)) {
        /* A UTF-8 byte order mark stays: expat reads it as one. */
        out->owned = repair_utf8(in->data, in->len, &repaired_len);
        if (out->owned) {
            out->data = out->owned;
            out->len = repaired_len;
        }
        return true;
    }
    iconv_t cd = iconv_open("UTF-8", iconv_name(encoding));
    if (cd == (iconv_t)-1) {
        error_set(why, "unsupported encoding %s", encoding);
        return false;
    }
    size_t converted_len;
    size_t unit = encoding == sniff.encoding ? sniff.unit : 1;
    char *converted =
        transcode(cd, in->data + sniff.bom_len, in->len - sniff.bom_len, unit, &converted_len);
    iconv_close(cd);
    if (!converted) {
        error_set(why, "too large once converted from %s", encoding);
        return false;
    }
    /* iconv's output is valid UTF-8 but may hold characters XML forbids. */
    char *repaired = repair_utf8(converted, converted_len, &repaired_len);
    if (repaired) {
        free(converted);
        converted = repaired;
        converted_len = repaired_len;
    }
    *out = (struct charset_doc){.data = converted, .len = converted_len, .owned = converted};
    return true;
}

void charset_doc_finish(struct charset_doc *doc)
{
    free(doc->owned);
    *doc = (struct charset_doc){0};
}
