#include "feed_xml.h"

/* expat.h declares the billion-laughs limits only when XML_DTD is defined and leaves defining
 * it to the application. Debian's libexpat is built with DTD support; a library without it
 * fails at link time, which is what we want rather than running unprotected. */
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "feed.h"
#include "normalize.h"
#include "util.h"

/* expat copies only the token that straddles a chunk boundary, so chunks keep its working set
 * small without slowing it down. */
#define CHUNK_BYTES (64 * 1024)
#define MAX_DEPTH 64
#define MAX_ATTRIBUTES 256
/* Raw character data kept per field: a hostile feed costs bounded memory. */
#define TITLE_RAW_MAX (4 * 1024)
#define SUMMARY_RAW_MAX (64 * 1024)
#define SMALL_RAW_MAX (4 * 1024) /* links, ids, dates */
#define LINK_MAX_BYTES 2048
/* Expands a legacy encoding may cause (3 bytes per replaced byte, more for the few charsets
 * that map one byte to several characters); anything beyond is refused. */
#define TRANSCODE_MAX_FACTOR 4
/* Entity declarations are refused outright, so these only back that up. */
#define AMPLIFICATION_MAX 10.0f
#define AMPLIFICATION_THRESHOLD (1024 * 1024ull)
/* Cannot occur in a namespace URI or a local name, so the first one splits "URI local". */
#define NS_SEP ' '
#define ENCODING_LABEL_MAX 40
#define NO_RANK INT_MAX

enum ns {
    NS_NONE,
    NS_RSS1,
    NS_RSS090,
    NS_RDF,
    NS_ATOM,
    NS_CONTENT,
    NS_DC,
    NS_MEDIA,
    NS_OTHER,
};

#define NS_BIT(ns) (1u << (ns))
#define NS_RSS_FAMILY (NS_BIT(NS_NONE) | NS_BIT(NS_RSS1) | NS_BIT(NS_RSS090))

static const struct {
    const char *uri;
    size_t len;
    enum ns ns;
} namespaces[] = {
#define NS_ENTRY(uri, ns)                                                                          \
    {                                                                                              \
        uri, sizeof(uri) - 1, ns                                                                   \
    }
    NS_ENTRY("http://www.w3.org/2005/Atom", NS_ATOM),
    NS_ENTRY("http://purl.org/rss/1.0/", NS_RSS1),
    NS_ENTRY("http://purl.org/rss/1.0/modules/content/", NS_CONTENT),
    NS_ENTRY("http://purl.org/dc/elements/1.1/", NS_DC),
    NS_ENTRY("http://search.yahoo.com/mrss/", NS_MEDIA),
    NS_ENTRY("http://search.yahoo.com/mrss", NS_MEDIA),
    NS_ENTRY("http://www.w3.org/1999/02/22-rdf-syntax-ns#", NS_RDF),
    NS_ENTRY("http://my.netscape.com/rdf/simple/0.9/", NS_RSS090),
    /* Some RSS 2.0 generators still put their elements in this early draft namespace. */
    NS_ENTRY("http://backend.userland.com/rss2", NS_NONE),
#undef NS_ENTRY
};

enum element {
    EL_OTHER,
    EL_RSS,
    EL_RDF,
    EL_FEED,
    EL_CHANNEL,
    EL_ITEM,
    EL_ENTRY,
    EL_TITLE,
    EL_LINK,
    EL_DESCRIPTION,
    EL_GUID,
    EL_PUBDATE,
    EL_ATOM_TITLE,
    EL_ATOM_LINK,
    EL_ATOM_SUMMARY,
    EL_ATOM_CONTENT,
    EL_ATOM_ID,
    EL_ATOM_PUBLISHED,
    EL_ATOM_UPDATED,
    EL_CONTENT_ENCODED,
    EL_DC_TITLE,
    EL_DC_DESCRIPTION,
    EL_DC_DATE,
    EL_MEDIA_TITLE,
    EL_MEDIA_DESCRIPTION,
};

static const struct {
    unsigned ns_mask;
    const char *local;
    enum element element;
} elements[] = {
    {NS_BIT(NS_NONE), "rss", EL_RSS},
    {NS_RSS_FAMILY, "channel", EL_CHANNEL},
    {NS_RSS_FAMILY, "item", EL_ITEM},
    {NS_RSS_FAMILY, "title", EL_TITLE},
    {NS_RSS_FAMILY, "link", EL_LINK},
    {NS_RSS_FAMILY, "description", EL_DESCRIPTION},
    {NS_RSS_FAMILY, "guid", EL_GUID},
    {NS_RSS_FAMILY, "pubDate", EL_PUBDATE},
    {NS_BIT(NS_RDF), "RDF", EL_RDF},
    {NS_BIT(NS_ATOM), "feed", EL_FEED},
    {NS_BIT(NS_ATOM), "entry", EL_ENTRY},
    {NS_BIT(NS_ATOM), "title", EL_ATOM_TITLE},
    {NS_BIT(NS_ATOM), "link", EL_ATOM_LINK},
    {NS_BIT(NS_ATOM), "summary", EL_ATOM_SUMMARY},
    {NS_BIT(NS_ATOM), "content", EL_ATOM_CONTENT},
    {NS_BIT(NS_ATOM), "id", EL_ATOM_ID},
    {NS_BIT(NS_ATOM), "published", EL_ATOM_PUBLISHED},
    {NS_BIT(NS_ATOM), "updated", EL_ATOM_UPDATED},
    {NS_BIT(NS_CONTENT), "encoded", EL_CONTENT_ENCODED},
    {NS_BIT(NS_DC), "title", EL_DC_TITLE},
    {NS_BIT(NS_DC), "description", EL_DC_DESCRIPTION},
    {NS_BIT(NS_DC), "date", EL_DC_DATE},
    {NS_BIT(NS_MEDIA), "title", EL_MEDIA_TITLE},
    {NS_BIT(NS_MEDIA), "description", EL_MEDIA_DESCRIPTION},
};

/* Elements that separate words when a field holds markup (Atom xhtml, or HTML a feed forgot to
 * escape): "<p>a</p><p>b</p>" must read "a b", not "ab". */
static const char *const block_elements[] = {
    "p",     "div",    "br",     "li",  "ul",     "ol",         "dl",      "dt",
    "dd",    "h1",     "h2",     "h3",  "h4",     "h5",         "h6",      "tr",
    "td",    "th",     "table",  "hr",  "pre",    "blockquote", "section", "article",
    "aside", "header", "footer", "nav", "figure", "figcaption", "address", "img",
};

enum format { FORMAT_UNKNOWN, FORMAT_RSS, FORMAT_RDF, FORMAT_ATOM };

enum text_kind {
    TEXT_PLAIN, /* characters as they are */
    TEXT_HTML,  /* escaped HTML: tags stripped, entities decoded */
    TEXT_XHTML, /* inline markup: character data of every descendant */
    TEXT_SKIP,  /* out-of-line or base64 Atom content: nothing to show */
};

/* Summary sources in order of preference. */
enum summary_source {
    SUM_DESCRIPTION, /* RSS description, Atom summary */
    SUM_CONTENT_ENCODED,
    SUM_ATOM_CONTENT,
    SUM_DC_DESCRIPTION,
    SUM_MEDIA_DESCRIPTION,
    SUM_COUNT,
};

enum field {
    FIELD_NONE,
    FIELD_TITLE,
    FIELD_SUMMARY,
    FIELD_LINK,
    FIELD_GUID,
    FIELD_ID,
    FIELD_DATE_RFC822,
    FIELD_DATE,
    FIELD_FEED_TITLE,
    FIELD_FEED_LINK,
};

/* Lower ranks win when an item gives the same thing twice. */
enum {
    RANK_TITLE = 0,
    RANK_DC_TITLE = 1,
    RANK_MEDIA_TITLE = 2,
    RANK_LINK = 0,
    RANK_ATOM_LINK = 1,
    RANK_GUID_LINK = 2,
    RANK_ABOUT_LINK = 3,
    RANK_ID = 0,
    RANK_ABOUT_ID = 1,
    RANK_PUBLISHED = 0,
    RANK_DC_DATE = 1,
    RANK_UPDATED = 2,
};

/* Character data of one field: grows as needed, never past max. */
struct text_buf {
    char *data; /* owned; room for a terminator */
    size_t len, cap, max;
};

struct item {
    int depth;   /* element depth of the open item, 0 outside one */
    char *title; /* owned, clean */
    int title_rank;
    char *link; /* owned */
    int link_rank;
    char *id; /* owned */
    int id_rank;
    int64_t published;
    int date_rank;
    bool summary_present[SUM_COUNT];
    enum text_kind summary_kind[SUM_COUNT];
};

struct capture {
    enum field field; /* FIELD_NONE when no character data is wanted */
    int depth;        /* of the field's element */
    int rank;
    enum text_kind kind;
    struct text_buf *buf; /* borrowed from the parser */
    int skip_depth;       /* inside <script> or <style> at this depth, else 0 */
};

struct parser {
    XML_Parser xml;
    const char *name;       /* borrowed */
    struct story_list *out; /* borrowed */
    char *err;              /* borrowed */
    size_t err_size;
    enum format format;
    int depth;
    unsigned char stack[MAX_DEPTH + 1]; /* enum element of each open element, by depth */
    struct item item;
    struct capture cap;
    struct text_buf title_buf, small_buf, summary_buf[SUM_COUNT];
    bool have_feed_title;
    char *feed_link; /* owned; the feed's own web page, for root-relative item links */
    enum { RUN, STOP_ITEM_LIMIT, STOP_ERROR } state;
};

static void set_err(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t size, const char *fmt, ...)
{
    if (!err || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':' || c == '(' || c == ')' || c == '+';
}

/* Copies a charset label without surrounding spaces and quotes into buf (at least
 * ENCODING_LABEL_MAX + 1 bytes). Characters no charset name has become '?' so the label can go
 * into an error message; returns false when there were any, or the label is too long. */
static bool clean_label(const char *s, size_t len, char *buf)
{
    while (len > 0 && (is_space(*s) || *s == '"' || *s == '\''))
        s++, len--;
    while (len > 0 && (is_space(s[len - 1]) || s[len - 1] == '"' || s[len - 1] == '\''))
        len--;
    bool ok = len > 0 && len <= ENCODING_LABEL_MAX;
    size_t n = MIN(len, (size_t)ENCODING_LABEL_MAX);
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
    if (len < 6 || memcmp(d, "<?xml", 5) != 0 || !is_space(d[5]))
        return false;
    size_t end = 5, limit = MIN(len, (size_t)512);
    while (end + 1 < limit && !(d[end] == '?' && d[end + 1] == '>'))
        end++;
    static const char key[] = "encoding";
    for (size_t i = 5; i + sizeof(key) - 1 < end; i++) {
        if (memcmp(d + i, key, sizeof(key) - 1) != 0 || !is_space(d[i - 1]))
            continue;
        size_t j = i + sizeof(key) - 1;
        while (j < end && is_space(d[j]))
            j++;
        if (j == end || d[j++] != '=')
            return false;
        while (j < end && is_space(d[j]))
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
        if (strcasecmp(label, names[i]) == 0)
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
    return strncasecmp(label, "UTF-16", 6) == 0 || strncasecmp(label, "UTF-32", 6) == 0 ||
           strncasecmp(label, "UTF16", 5) == 0 || strncasecmp(label, "UTF32", 5) == 0 ||
           strncasecmp(label, "UCS-2", 5) == 0 || strncasecmp(label, "UCS-4", 5) == 0;
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

/* The length of the XML character at s, or 0 when it is not valid UTF-8 or not allowed in
 * XML 1.0 (C0 controls but tab and newlines, surrogates, U+FFFE, U+FFFF). */
static size_t xml_char_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
            return 0;
        return c == 0xEF && s[1] == 0xBF && s[2] >= 0xBE ? 0 : 3;
    }
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
        return 0;
    if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
        return 0;
    return 4;
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
        size_t n = xml_char_len(s + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

/* Makes UTF-8 text fit for expat: invalid sequences and the non-characters U+FFFE/U+FFFF
 * become U+FFFD, forbidden control characters become spaces. One bad byte must not cost the
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
        size_t n = xml_char_len(s + i, len - i);
        if (n > 0) {
            memcpy(out + o, s + i, n);
            o += n, i += n;
        } else if (s[i] < 0x80) {
            out[o++] = ' ';
            i++;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            /* U+FFFE and U+FFFF are well-formed sequences: replace them whole. */
            i += len - i >= 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] >= 0xBE ? 3 : 1;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static void reserve(char **buf, size_t *cap, char **pos, size_t *room, size_t need, size_t max,
                    bool *too_big)
{
    if (*room >= need)
        return;
    size_t used = (size_t)(*pos - *buf);
    size_t new_cap = MAX(*cap * 2, used + need);
    if (new_cap > max) {
        new_cap = max;
        if (new_cap < used + need) {
            *too_big = true;
            return;
        }
    }
    *buf = xrealloc(*buf, new_cap);
    *cap = new_cap;
    *pos = *buf + used;
    *room = new_cap - used;
}

/* Converts with iconv to UTF-8; each undecodable code unit (a byte, or two or four for
 * UTF-16 and UTF-32, whose alignment must survive) becomes U+FFFD rather than ending the feed.
 * Returns NULL when the output would pass TRANSCODE_MAX_FACTOR times the input. */
static char *transcode(iconv_t cd, const char *data, size_t len, size_t unit, size_t *out_len)
{
    size_t max = len * TRANSCODE_MAX_FACTOR + 64;
    size_t cap = MIN(len + len / 2 + 64, max);
    char *out = xmalloc(cap);
    char *in = (char *)data; /* iconv's prototype lacks const; it does not write the input */
    size_t in_left = len;
    char *pos = out;
    size_t room = cap;
    bool too_big = false;
    while (!too_big) {
        size_t r = in_left ? iconv(cd, &in, &in_left, &pos, &room) : 0;
        int error = errno;
        if (r != (size_t)-1) {
            /* Stateful encodings (ISO-2022-*) may still owe a shift sequence. */
            if (iconv(cd, NULL, NULL, &pos, &room) != (size_t)-1)
                break;
            reserve(&out, &cap, &pos, &room, room + 16, max, &too_big);
            continue;
        }
        if (error == E2BIG) {
            reserve(&out, &cap, &pos, &room, room + 64, max, &too_big);
        } else if (error == EILSEQ || error == EINVAL) {
            reserve(&out, &cap, &pos, &room, 3, max, &too_big);
            if (too_big)
                break;
            memcpy(pos, "\xEF\xBF\xBD", 3);
            pos += 3, room -= 3;
            /* EINVAL: an incomplete sequence at the very end. */
            size_t skip = error == EINVAL ? in_left : MIN(unit, in_left);
            in += skip, in_left -= skip;
        } else {
            too_big = true;
        }
    }
    if (too_big) {
        free(out);
        return NULL;
    }
    *out_len = (size_t)(pos - out);
    return out;
}

/* Picks the document's encoding and produces UTF-8 that expat accepts: in order, a byte order
 * mark (or the unmistakable "<" of BOM-less UTF-16), the HTTP charset, the XML declaration,
 * UTF-8. *doc is data itself or the new buffer *owned. */
static bool to_utf8(const char *data, size_t len, const char *name, const char *http_charset,
                    const char **doc, size_t *doc_len, char **owned, char *err, size_t err_size)
{
    const unsigned char *u = (const unsigned char *)data;
    const char *encoding = NULL;
    size_t skip = 0;
    char label[ENCODING_LABEL_MAX + 1];
    bool valid = true;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        encoding = "UTF-8";
    else if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
        encoding = "UTF-32BE", skip = 4;
    else if (len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
        encoding = "UTF-32LE", skip = 4;
    else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        encoding = "UTF-16BE", skip = 2;
    else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        encoding = "UTF-16LE", skip = 2;
    else if (len >= 2 && u[0] == '<' && u[1] == 0)
        encoding = "UTF-16LE";
    else if (len >= 2 && u[0] == 0 && u[1] == '<')
        encoding = "UTF-16BE";
    if (!encoding && http_charset && http_charset[0]) {
        valid = clean_label(http_charset, strlen(http_charset), label);
        /* No BOM and no zero bytes: whatever it says, this is not UTF-16 or UTF-32. */
        if (!valid || !is_utf16_or_32_label(label))
            encoding = label;
    }
    if (!encoding && declared_encoding(data, len, label, &valid) &&
        (!valid || !is_utf16_or_32_label(label)))
        encoding = label;
    if (!encoding)
        encoding = "UTF-8";
    if (!valid) {
        set_err(err, err_size, "%s: unsupported encoding %s", name, encoding);
        return false;
    }

    size_t repaired_len;
    if (is_utf8_label(encoding)) {
        *owned = repair_utf8(data, len, &repaired_len);
        *doc = *owned ? *owned : data;
        *doc_len = *owned ? repaired_len : len;
        return true;
    }
    iconv_t cd = iconv_open("UTF-8", iconv_name(encoding));
    if (cd == (iconv_t)-1) {
        set_err(err, err_size, "%s: unsupported encoding %s", name, encoding);
        return false;
    }
    size_t converted_len;
    size_t unit = strncasecmp(encoding, "UTF-16", 6) == 0   ? 2
                  : strncasecmp(encoding, "UTF-32", 6) == 0 ? 4
                                                            : 1;
    char *converted = transcode(cd, data + skip, len - skip, unit, &converted_len);
    iconv_close(cd);
    if (!converted) {
        set_err(err, err_size, "%s: too large once converted from %s", name, encoding);
        return false;
    }
    /* iconv's output is valid UTF-8 but may hold characters XML forbids. */
    char *repaired = repair_utf8(converted, converted_len, &repaired_len);
    if (repaired) {
        free(converted);
        converted = repaired;
        converted_len = repaired_len;
    }
    *owned = converted;
    *doc = converted;
    *doc_len = converted_len;
    return true;
}

static void buf_init(struct text_buf *b, size_t max)
{
    b->cap = 256;
    b->data = xmalloc(b->cap);
    b->len = 0;
    b->max = max;
}

static void buf_append(struct text_buf *b, const char *s, size_t n)
{
    if (n > b->max - b->len) {
        n = b->max - b->len;
        /* s[n] is the first byte left out: never keep half a character. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        if (n == 0)
            return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = MAX(b->cap * 2, b->len + n + 1);
        b->cap = MIN(cap, b->max + 1);
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/* The buffer without leading and trailing whitespace, NUL-terminated in place. */
static const char *buf_trimmed(struct text_buf *b, size_t *len)
{
    size_t start = 0, end = b->len;
    while (start < end && is_space(b->data[start]))
        start++;
    while (end > start && is_space(b->data[end - 1]))
        end--;
    b->data[end] = '\0';
    *len = end - start;
    return b->data + start;
}

/* The longest prefix of s[0..len) of at most max bytes that does not split a character. */
static size_t cut_len(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static bool buf_has_text(const struct text_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (!is_space(b->data[i]))
            return true;
    return false;
}

static enum ns namespace_of(const char *uri, size_t len)
{
    for (size_t i = 0; i < ARRAY_LEN(namespaces); i++)
        if (namespaces[i].len == len && memcmp(namespaces[i].uri, uri, len) == 0)
            return namespaces[i].ns;
    return NS_OTHER;
}

/* Splits expat's "URI local" (or "local") name; returns the local part. */
static const char *local_name(const char *name, enum ns *ns)
{
    const char *sep = strchr(name, NS_SEP);
    if (!sep) {
        *ns = NS_NONE;
        return name;
    }
    *ns = namespace_of(name, (size_t)(sep - name));
    return sep + 1;
}

static enum element classify(enum ns ns, const char *local)
{
    if (ns == NS_OTHER)
        return EL_OTHER;
    for (size_t i = 0; i < ARRAY_LEN(elements); i++)
        if ((elements[i].ns_mask & NS_BIT(ns)) && elements[i].local[0] == local[0] &&
            strcmp(elements[i].local, local) == 0)
            return elements[i].element;
    return EL_OTHER;
}

static bool is_block(const char *local)
{
    for (size_t i = 0; i < ARRAY_LEN(block_elements); i++)
        if (strcmp(block_elements[i], local) == 0)
            return true;
    return false;
}

static bool is_script(const char *local)
{
    return strcmp(local, "script") == 0 || strcmp(local, "style") == 0;
}

static const char *attribute(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Atom text constructs (RFC 4287 3.1) and atom:content (4.1.3). */
static enum text_kind atom_text_kind(const XML_Char **atts, bool content)
{
    const char *type = attribute(atts, "type");
    if (content && attribute(atts, "src"))
        return TEXT_SKIP;
    if (!type || strcasecmp(type, "text") == 0)
        return TEXT_PLAIN;
    if (strcasecmp(type, "html") == 0)
        return TEXT_HTML;
    if (strcasecmp(type, "xhtml") == 0)
        return TEXT_XHTML;
    if (!content)
        return TEXT_PLAIN;
    if (strcasecmp(type, "text/html") == 0)
        return TEXT_HTML;
    if (strncasecmp(type, "text/", 5) == 0)
        return TEXT_PLAIN;
    if (ends_with(type, "/xml") || ends_with(type, "+xml"))
        return TEXT_XHTML;
    return TEXT_SKIP; /* base64 */
}

static enum text_kind media_text_kind(const XML_Char **atts)
{
    const char *type = attribute(atts, "type");
    return type && strcasecmp(type, "html") == 0 ? TEXT_HTML : TEXT_PLAIN;
}

static unsigned normalize_flags(enum text_kind kind)
{
    return kind == TEXT_HTML ? NORMALIZE_HTML : NORMALIZE_PLAIN;
}

static bool has_scheme(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.'))))
        i++;
    return i > 0 && i < len && s[i] == ':';
}

/* Absolute links are kept as they are. Root-relative ones get the origin of the feed's own
 * page when it is known; no xml:base, no path merging: signage only prints links. */
static char *make_link(const struct parser *p, const char *s, size_t len)
{
    if (len == 0)
        return NULL;
    len = cut_len(s, len, LINK_MAX_BYTES);
    if (has_scheme(s, len) || s[0] != '/' || !p->feed_link)
        return xstrndup(s, len);
    const char *base = p->feed_link;
    const char *host = strstr(base, "://");
    size_t origin = strlen(base);
    if (host) {
        const char *slash = strchr(host + 3, '/');
        if (slash)
            origin = (size_t)(slash - base);
    }
    if (len >= 2 && s[1] == '/') /* "//host/path": only the scheme is borrowed */
        origin = host ? (size_t)(host - base) + 1 : 0;
    return xasprintf("%.*s%.*s", (int)origin, base, (int)len, s);
}

static void offer(char **slot, int *slot_rank, char *value, int rank)
{
    if (!value)
        return;
    if (rank >= *slot_rank) {
        free(value);
        return;
    }
    free(*slot);
    *slot = value;
    *slot_rank = rank;
}

static bool looks_like_url(const char *s, size_t len)
{
    return (len > 7 && strncasecmp(s, "http://", 7) == 0) ||
           (len > 8 && strncasecmp(s, "https://", 8) == 0);
}

static void fail_at(struct parser *p, const char *what)
{
    set_err(p->err, p->err_size, "%s:%llu:%llu: %s", p->name,
            (unsigned long long)XML_GetCurrentLineNumber(p->xml),
            (unsigned long long)XML_GetCurrentColumnNumber(p->xml) + 1, what);
    p->state = STOP_ERROR;
    XML_StopParser(p->xml, XML_FALSE);
}

static void XMLCALL on_text(void *user, const XML_Char *s, int len)
{
    struct parser *p = user;
    if (p->cap.skip_depth == 0 && len > 0)
        buf_append(p->cap.buf, s, (size_t)len);
}

static void begin_capture(struct parser *p, enum field field, int rank, enum text_kind kind,
                          struct text_buf *buf)
{
    if (kind == TEXT_SKIP)
        return;
    p->cap = (struct capture){field, p->depth, rank, kind, buf, 0};
    buf->len = 0;
    XML_SetCharacterDataHandler(p->xml, on_text);
}

static void begin_summary(struct parser *p, enum summary_source source, enum text_kind kind)
{
    if (p->item.summary_present[source])
        return; /* the first non-empty one of each kind counts */
    p->item.summary_kind[source] = kind;
    begin_capture(p, FIELD_SUMMARY, (int)source, kind, &p->summary_buf[source]);
}

static void begin_item(struct parser *p, const XML_Char **atts)
{
    if (p->out->count >= FEED_MAX_ITEMS) {
        p->state = STOP_ITEM_LIMIT;
        XML_StopParser(p->xml, XML_FALSE);
        return;
    }
    struct item *it = &p->item;
    *it = (struct item){.depth = p->depth,
                        .title_rank = NO_RANK,
                        .link_rank = NO_RANK,
                        .id_rank = NO_RANK,
                        .published = STORY_NO_DATE,
                        .date_rank = NO_RANK};
    /* RSS 1.0 names each item by URI. */
    const char *about = attribute(atts, "http://www.w3.org/1999/02/22-rdf-syntax-ns# about");
    if (about && about[0]) {
        size_t len = strlen(about);
        offer(&it->id, &it->id_rank, xstrndup(about, cut_len(about, len, LINK_MAX_BYTES)),
              RANK_ABOUT_ID);
        if (looks_like_url(about, len))
            offer(&it->link, &it->link_rank, make_link(p, about, len), RANK_ABOUT_LINK);
    }
}

static void free_item(struct item *it)
{
    free(it->title);
    free(it->link);
    free(it->id);
    it->title = it->link = it->id = NULL;
    it->depth = 0;
}

static void end_item(struct parser *p)
{
    struct item *it = &p->item;
    char *clean = NULL;
    for (int i = 0; i < SUM_COUNT && !clean; i++) {
        if (!it->summary_present[i])
            continue;
        const struct text_buf *b = &p->summary_buf[i];
        clean = normalize_text(b->data, b->len, normalize_flags(it->summary_kind[i]),
                               FEED_MAX_SUMMARY_BYTES);
        if (!clean[0]) {
            free(clean);
            clean = NULL;
        }
    }
    if (!it->title && !clean) {
        free_item(it); /* nothing to show */
        return;
    }
    struct story *s = story_list_add(p->out);
    s->title = it->title;
    s->summary = clean;
    s->link = it->link;
    s->id = it->id;
    s->published = it->published;
    feed_story_finish(s, p->name);
    it->title = it->link = it->id = NULL;
    it->depth = 0;
}

static void end_capture(struct parser *p)
{
    struct capture *c = &p->cap;
    struct item *it = &p->item;
    struct text_buf *b = c->buf;
    size_t len;
    const char *text;
    int64_t t;
    switch (c->field) {
    case FIELD_TITLE: {
        if (c->rank >= it->title_rank)
            break; /* a better title is already there */
        char *title =
            normalize_text(b->data, b->len, normalize_flags(c->kind), FEED_MAX_TITLE_BYTES);
        if (title[0])
            offer(&it->title, &it->title_rank, title, c->rank);
        else
            free(title);
        break;
    }
    case FIELD_SUMMARY:
        it->summary_present[c->rank] = buf_has_text(b);
        break;
    case FIELD_LINK:
        text = buf_trimmed(b, &len);
        offer(&it->link, &it->link_rank, make_link(p, text, len), c->rank);
        break;
    case FIELD_GUID:
    case FIELD_ID:
        text = buf_trimmed(b, &len);
        if (len > 0)
            offer(&it->id, &it->id_rank, xstrndup(text, len), c->rank);
        if (c->field == FIELD_GUID && looks_like_url(text, len))
            offer(&it->link, &it->link_rank, make_link(p, text, len), RANK_GUID_LINK);
        break;
    case FIELD_DATE_RFC822:
    case FIELD_DATE:
        text = buf_trimmed(b, &len);
        if (c->rank < it->date_rank &&
            ((c->field == FIELD_DATE_RFC822 && date_parse_rfc822(text, &t)) ||
             date_parse_any(text, &t))) {
            it->published = t;
            it->date_rank = c->rank;
        }
        break;
    case FIELD_FEED_TITLE: {
        char *title =
            normalize_text(b->data, b->len, normalize_flags(c->kind), FEED_MAX_TITLE_BYTES);
        if (title[0]) {
            free(p->out->title);
            p->out->title = title;
            p->have_feed_title = true;
        } else {
            free(title);
        }
        break;
    }
    case FIELD_FEED_LINK:
        text = buf_trimmed(b, &len);
        if (!p->feed_link && has_scheme(text, len))
            p->feed_link = xstrndup(text, len);
        break;
    case FIELD_NONE:
        break;
    }
    c->field = FIELD_NONE;
    XML_SetCharacterDataHandler(p->xml, NULL);
}

static bool is_alternate(const XML_Char **atts)
{
    const char *rel = attribute(atts, "rel");
    return !rel || strcmp(rel, "alternate") == 0 ||
           strcmp(rel, "http://www.iana.org/assignments/relation/alternate") == 0;
}

/* An element directly inside an item or entry. */
static void item_child(struct parser *p, enum element el, const XML_Char **atts)
{
    struct item *it = &p->item;
    const char *href;
    switch (el) {
    case EL_TITLE:
        begin_capture(p, FIELD_TITLE, RANK_TITLE, TEXT_HTML, &p->title_buf);
        break;
    case EL_ATOM_TITLE:
        begin_capture(p, FIELD_TITLE, RANK_TITLE, atom_text_kind(atts, false), &p->title_buf);
        break;
    case EL_DC_TITLE:
        begin_capture(p, FIELD_TITLE, RANK_DC_TITLE, TEXT_PLAIN, &p->title_buf);
        break;
    case EL_DESCRIPTION:
        begin_summary(p, SUM_DESCRIPTION, TEXT_HTML);
        break;
    case EL_ATOM_SUMMARY:
        begin_summary(p, SUM_DESCRIPTION, atom_text_kind(atts, false));
        break;
    case EL_CONTENT_ENCODED:
        begin_summary(p, SUM_CONTENT_ENCODED, TEXT_HTML);
        break;
    case EL_ATOM_CONTENT:
        begin_summary(p, SUM_ATOM_CONTENT, atom_text_kind(atts, true));
        break;
    case EL_DC_DESCRIPTION:
        begin_summary(p, SUM_DC_DESCRIPTION, TEXT_PLAIN);
        break;
    case EL_LINK:
        begin_capture(p, FIELD_LINK, RANK_LINK, TEXT_PLAIN, &p->small_buf);
        break;
    case EL_ATOM_LINK:
        href = attribute(atts, "href");
        if (href && is_alternate(atts)) {
            size_t len = strlen(href);
            while (len > 0 && is_space(*href))
                href++, len--;
            while (len > 0 && is_space(href[len - 1]))
                len--;
            offer(&it->link, &it->link_rank, make_link(p, href, len), RANK_ATOM_LINK);
        }
        break;
    case EL_GUID: {
        const char *permalink = attribute(atts, "isPermaLink");
        bool is_link = !permalink || strcasecmp(permalink, "false") != 0;
        begin_capture(p, is_link ? FIELD_GUID : FIELD_ID, RANK_ID, TEXT_PLAIN, &p->small_buf);
        break;
    }
    case EL_ATOM_ID:
        begin_capture(p, FIELD_ID, RANK_ID, TEXT_PLAIN, &p->small_buf);
        break;
    case EL_PUBDATE:
        begin_capture(p, FIELD_DATE_RFC822, RANK_PUBLISHED, TEXT_PLAIN, &p->small_buf);
        break;
    case EL_ATOM_PUBLISHED:
        begin_capture(p, FIELD_DATE, RANK_PUBLISHED, TEXT_PLAIN, &p->small_buf);
        break;
    case EL_DC_DATE:
        begin_capture(p, FIELD_DATE, RANK_DC_DATE, TEXT_PLAIN, &p->small_buf);
        break;
    case EL_ATOM_UPDATED:
        begin_capture(p, FIELD_DATE, RANK_UPDATED, TEXT_PLAIN, &p->small_buf);
        break;
    default:
        break; /* dc:creator and the rest: nothing the sign shows */
    }
}

/* An element of the channel (RSS) or feed (Atom) itself. */
static void feed_child(struct parser *p, enum element el, const XML_Char **atts)
{
    if ((el == EL_TITLE || el == EL_ATOM_TITLE) && !p->have_feed_title) {
        enum text_kind kind = el == EL_TITLE ? TEXT_HTML : atom_text_kind(atts, false);
        begin_capture(p, FIELD_FEED_TITLE, 0, kind, &p->title_buf);
    } else if (el == EL_LINK && !p->feed_link) {
        begin_capture(p, FIELD_FEED_LINK, 0, TEXT_PLAIN, &p->small_buf);
    } else if (el == EL_ATOM_LINK && !p->feed_link && is_alternate(atts)) {
        const char *href = attribute(atts, "href");
        if (href && has_scheme(href, strlen(href)))
            p->feed_link = xstrdup(href);
    }
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **atts)
{
    struct parser *p = user;
    if (p->state != RUN)
        return;
    if (p->depth == MAX_DEPTH) {
        char what[64];
        snprintf(what, sizeof(what), "elements nested deeper than %d", MAX_DEPTH);
        fail_at(p, what);
        return;
    }
    for (size_t i = 0; atts[i]; i += 2) {
        if (i == MAX_ATTRIBUTES * 2) {
            char what[64];
            snprintf(what, sizeof(what), "more than %d attributes", MAX_ATTRIBUTES);
            fail_at(p, what);
            return;
        }
    }
    int depth = ++p->depth;
    enum ns ns;
    const char *local = local_name(name, &ns);
    if (p->cap.field != FIELD_NONE) {
        /* Markup inside a field is part of its text. */
        p->stack[depth] = EL_OTHER;
        if (p->cap.skip_depth == 0) {
            if (is_script(local))
                p->cap.skip_depth = depth;
            else if (is_block(local))
                buf_append(p->cap.buf, " ", 1);
        }
        return;
    }
    enum element el = classify(ns, local);
    p->stack[depth] = (unsigned char)el;
    if (depth == 1) {
        p->format = el == EL_RSS    ? FORMAT_RSS
                    : el == EL_RDF  ? FORMAT_RDF
                    : el == EL_FEED ? FORMAT_ATOM
                                    : FORMAT_UNKNOWN;
        if (p->format == FORMAT_UNKNOWN) {
            /* Long or odd names are cut at a character boundary for the message. */
            size_t n = cut_len(local, strlen(local), 64);
            set_err(p->err, p->err_size, "%s: not a feed (root element <%.*s>)", p->name, (int)n,
                    local);
            p->state = STOP_ERROR;
            XML_StopParser(p->xml, XML_FALSE);
        }
        return;
    }
    enum element parent = p->stack[depth - 1];
    if (p->item.depth) {
        /* media:group and media:content nest these, so they count at any depth. */
        if (el == EL_MEDIA_TITLE)
            begin_capture(p, FIELD_TITLE, RANK_MEDIA_TITLE, media_text_kind(atts), &p->title_buf);
        else if (el == EL_MEDIA_DESCRIPTION)
            begin_summary(p, SUM_MEDIA_DESCRIPTION, media_text_kind(atts));
        else if (depth == p->item.depth + 1)
            item_child(p, el, atts);
        return;
    }
    switch (p->format) {
    case FORMAT_RSS:
        if (el == EL_ITEM && (parent == EL_CHANNEL || parent == EL_RSS))
            begin_item(p, atts);
        else if (parent == EL_CHANNEL)
            feed_child(p, el, atts);
        break;
    case FORMAT_RDF:
        /* RSS 1.0 items are the channel's siblings; some generators nest them anyway. */
        if (el == EL_ITEM && (parent == EL_RDF || parent == EL_CHANNEL))
            begin_item(p, atts);
        else if (parent == EL_CHANNEL)
            feed_child(p, el, atts);
        break;
    case FORMAT_ATOM:
        if (el == EL_ENTRY && parent == EL_FEED)
            begin_item(p, atts);
        else if (parent == EL_FEED)
            feed_child(p, el, atts);
        break;
    case FORMAT_UNKNOWN:
        break;
    }
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    struct parser *p = user;
    if (p->state != RUN)
        return;
    int depth = p->depth--;
    if (p->cap.field != FIELD_NONE) {
        if (depth == p->cap.depth) {
            end_capture(p);
        } else if (p->cap.skip_depth) {
            if (depth == p->cap.skip_depth)
                p->cap.skip_depth = 0;
        } else {
            enum ns ns;
            if (is_block(local_name(name, &ns)))
                buf_append(p->cap.buf, " ", 1);
        }
        return;
    }
    if (depth == p->item.depth)
        end_item(p);
}

/* References to entities the document never declared (possible only when it names an external
 * DTD, like RSS 0.91's Netscape DTD with its HTML entities): kept as "&name;" for
 * normalize_text to decode. */
static void XMLCALL on_skipped_entity(void *user, const XML_Char *entity, int is_parameter)
{
    struct parser *p = user;
    if (p->state != RUN || is_parameter || p->cap.field == FIELD_NONE || p->cap.skip_depth)
        return;
    buf_append(p->cap.buf, "&", 1);
    buf_append(p->cap.buf, entity, strlen(entity));
    buf_append(p->cap.buf, ";", 1);
}

/* Feeds never need entity declarations, and refusing them all closes billion laughs, quadratic
 * blowup and external entities (XXE) at once. */
static void XMLCALL on_entity_decl(void *user, const XML_Char *entity, int is_parameter,
                                   const XML_Char *value, int value_length, const XML_Char *base,
                                   const XML_Char *system_id, const XML_Char *public_id,
                                   const XML_Char *notation)
{
    (void)entity, (void)is_parameter, (void)value, (void)value_length, (void)base;
    (void)system_id, (void)public_id, (void)notation;
    struct parser *p = user;
    if (p->state == RUN)
        fail_at(p, "entity declarations are not allowed in feeds");
}

bool feed_xml_parse(const char *data, size_t len, const char *name, const char *http_charset,
                    struct story_list *out, char *err, size_t err_size)
{
    const char *doc;
    size_t doc_len;
    char *owned = NULL;
    if (!to_utf8(data, len, name, http_charset, &doc, &doc_len, &owned, err, err_size))
        return false;

    bool ok = false;
    struct parser p = {.name = name, .out = out, .err = err, .err_size = err_size};
    /* "UTF-8" overrides the declaration: to_utf8 has already decided and converted. */
    p.xml = XML_ParserCreateNS("UTF-8", NS_SEP);
    if (!p.xml) {
        set_err(err, err_size, "%s: out of memory creating the XML parser", name);
        goto err_free_doc;
    }
    XML_SetParamEntityParsing(p.xml, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(p.xml, AMPLIFICATION_MAX);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(p.xml, AMPLIFICATION_THRESHOLD);
    XML_SetUserData(p.xml, &p);
    XML_SetElementHandler(p.xml, on_start, on_end);
    XML_SetEntityDeclHandler(p.xml, on_entity_decl);
    XML_SetSkippedEntityHandler(p.xml, on_skipped_entity);
    buf_init(&p.title_buf, TITLE_RAW_MAX);
    buf_init(&p.small_buf, SMALL_RAW_MAX);
    for (int i = 0; i < SUM_COUNT; i++)
        buf_init(&p.summary_buf[i], SUMMARY_RAW_MAX);

    size_t off = 0;
    enum XML_Status status = XML_STATUS_OK;
    do {
        size_t n = MIN((size_t)CHUNK_BYTES, doc_len - off);
        bool final = off + n == doc_len;
        status = XML_Parse(p.xml, doc + off, (int)n, final);
        off += n;
    } while (status == XML_STATUS_OK && off < doc_len);

    if (status == XML_STATUS_OK || p.state == STOP_ITEM_LIMIT) {
        ok = true;
    } else if (p.state != STOP_ERROR) {
        set_err(err, err_size, "%s:%llu:%llu: %s", name,
                (unsigned long long)XML_GetCurrentLineNumber(p.xml),
                (unsigned long long)XML_GetCurrentColumnNumber(p.xml) + 1,
                XML_ErrorString(XML_GetErrorCode(p.xml)));
    }

    free_item(&p.item);
    free(p.feed_link);
    free(p.title_buf.data);
    free(p.small_buf.data);
    for (int i = 0; i < SUM_COUNT; i++)
        free(p.summary_buf[i].data);
    XML_ParserFree(p.xml);
err_free_doc:
    free(owned);
    return ok;
}
