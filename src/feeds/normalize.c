#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "unicode.h"
#include "util.h"

struct normalize_entity {
    const char *name; /* without the '&' and the ';' */
    const char *text; /* UTF-8 */
    unsigned char text_len;
    bool legacy; /* HTML5 also decodes it without the ';' */
};

#include "entities.inc"

#define ELLIPSIS "\xe2\x80\xa6"
/* Feeds escape twice often and three times now and then; further rounds would only start
 * decoding text that is about HTML. */
#define DECODE_ROUNDS 3
/* Longest tag name that means something to us ("blockquote", "figcaption"). */
#define TAG_NAME_MAX 10

struct normalize_out {
    char *buf;
    size_t len;
    size_t limit;  /* bytes the text may take, NUL excluded */
    bool space;    /* white space seen: one ' ' is due before the next visible character */
    bool block;    /* a block tag was seen: the text before it ends a sentence */
    unsigned nbsp; /* the due space is one no-break space, kept: "2 900", "7,4 %" */
    bool full;     /* a code point did not fit: stop */
};

struct normalize_scan {
    const unsigned char *s;
    size_t len;
    bool html;
    size_t no_gt_from; /* s holds no '>' at or after this index */
};

enum tag_kind { TAG_INLINE, TAG_BLOCK, TAG_DROP, TAG_DROP_NESTED };

struct tag_info {
    const char *name;
    enum tag_kind kind;
};

/* Sorted for binary search. Block tags separate words; dropped tags take their content with
 * them: raw text (script, style) until the first end tag, containers (template, svg) until the
 * end tag that matches in depth. Media and canvas only hold "your browser does not support"
 * fallback text, a select holds a menu. */
static const struct tag_info tag_infos[] = {
    {"address", TAG_BLOCK},
    {"applet", TAG_DROP_NESTED},
    {"article", TAG_BLOCK},
    {"aside", TAG_BLOCK},
    {"audio", TAG_DROP_NESTED},
    {"blockquote", TAG_BLOCK},
    {"body", TAG_BLOCK},
    {"br", TAG_BLOCK},
    {"canvas", TAG_DROP_NESTED},
    {"caption", TAG_BLOCK},
    {"center", TAG_BLOCK},
    {"dd", TAG_BLOCK},
    {"details", TAG_BLOCK},
    {"dialog", TAG_BLOCK},
    {"dir", TAG_BLOCK},
    {"div", TAG_BLOCK},
    {"dl", TAG_BLOCK},
    {"dt", TAG_BLOCK},
    {"fieldset", TAG_BLOCK},
    {"figcaption", TAG_BLOCK},
    {"figure", TAG_BLOCK},
    {"footer", TAG_BLOCK},
    {"form", TAG_BLOCK},
    {"h1", TAG_BLOCK},
    {"h2", TAG_BLOCK},
    {"h3", TAG_BLOCK},
    {"h4", TAG_BLOCK},
    {"h5", TAG_BLOCK},
    {"h6", TAG_BLOCK},
    {"head", TAG_DROP_NESTED},
    {"header", TAG_BLOCK},
    {"hgroup", TAG_BLOCK},
    {"hr", TAG_BLOCK},
    {"html", TAG_BLOCK},
    {"iframe", TAG_DROP_NESTED},
    {"legend", TAG_BLOCK},
    {"li", TAG_BLOCK},
    {"main", TAG_BLOCK},
    {"math", TAG_DROP_NESTED},
    {"menu", TAG_BLOCK},
    {"nav", TAG_BLOCK},
    {"noembed", TAG_DROP_NESTED},
    {"noframes", TAG_DROP_NESTED},
    {"noscript", TAG_DROP_NESTED},
    {"object", TAG_DROP_NESTED},
    {"ol", TAG_BLOCK},
    {"p", TAG_BLOCK},
    {"pre", TAG_BLOCK},
    {"script", TAG_DROP},
    {"section", TAG_BLOCK},
    {"select", TAG_DROP_NESTED},
    {"style", TAG_DROP},
    {"summary", TAG_BLOCK},
    {"svg", TAG_DROP_NESTED},
    {"table", TAG_BLOCK},
    {"tbody", TAG_BLOCK},
    {"td", TAG_BLOCK},
    {"template", TAG_DROP_NESTED},
    {"textarea", TAG_DROP},
    {"tfoot", TAG_BLOCK},
    {"th", TAG_BLOCK},
    {"thead", TAG_BLOCK},
    {"title", TAG_DROP},
    {"tr", TAG_BLOCK},
    {"ul", TAG_BLOCK},
    {"video", TAG_DROP_NESTED},
    {"xmp", TAG_DROP},
};

/* Printable ASCII that needs no look at all: the fast path of the scan. */
static bool is_plain(unsigned char c)
{
    return c - 0x21u < 0x5Eu && c != '&' && c != '<' && c != ']';
}

/* Characters with no glyph of their own that mean nothing on a sign: a font draws a box or
 * nothing (hyphenation hints, invisible operators, noncharacters). The joiners U+200C/U+200D
 * stay (Persian, Indic scripts and emoji sequences need them), and so do the bidi controls
 * (unicode_is_bidi_control): right-to-left feeds place numbers and punctuation with them, and
 * each headline, summary or label is its own bidi paragraph, so none reaches past its text. */
static bool is_invisible(unsigned c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || c == 0x180E || c == 0x200B ||
           (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
           (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

static bool is_cjk_terminator(unsigned c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
}

/* May follow a sentence's final stop: 'He said "Stop." Then' ends after the quote. */
static bool is_closer(unsigned c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x2019 || c == 0x201D ||
           c == 0xBB || c == 0x300D || c == 0x300F || c == 0xFF09;
}

/* Left dangling at the end of a cut they make the text look broken: "Prices rose," */
static bool is_trailing_junk(unsigned c)
{
    return unicode_is_space(c) || c == ',' || c == ';' || c == ':' || c == '-' || c == 0x2013 ||
           c == 0x2014 || c == '(' || c == '[' || c == '{' || c == '/' || c == '&' || c == 0x2018 ||
           c == 0x201C || c == 0xAB || c == 0x300C || c == 0x300E;
}

/* Byte offset where the code point ending at end starts; end itself when the bytes before it
 * are not one valid code point. */
static size_t cp_start_before(const unsigned char *s, size_t end, unsigned *c)
{
    size_t start = unicode_utf8_prev((const char *)s, end > 4 ? end - 4 : 0, end);
    size_t n;
    *c = unicode_utf8_decode((const char *)s + start, end - start, &n);
    return start + n == end ? start : end;
}

/* Ends a sentence in some script: the stops normalize_cut knows, and the ellipsis, the Arabic
 * question mark and full stop, the Devanagari danda. */
static bool is_stop(unsigned c)
{
    return c == '.' || c == '!' || c == '?' || is_cjk_terminator(c) || c == 0x2026 || c == 0x061F ||
           c == 0x06D4 || c == 0x0964 || c == 0x0965;
}

/* Text from block elements (paragraphs, list items, headings, cells, <br>) shows as one line:
 * a block that ends without a stop gets one, so its last words do not run into the next
 * block's as one sentence ("£95m price tag. Full story on ..."): sentence cuts and key-figure
 * labels then stop there. A comma, colon or dash the block ends in stays as it is. */
static void end_block(struct normalize_out *o)
{
    o->block = false;
    if (o->len == 0)
        return;
    const unsigned char *buf = (const unsigned char *)o->buf;
    unsigned c = 0;
    for (size_t at = o->len; at > 0;) {
        size_t before = cp_start_before(buf, at, &c);
        if (before == at || !is_closer(c))
            break;
        at = before;
    }
    if (is_closer(c) || is_stop(c) || is_trailing_junk(c) || unicode_is_bidi_control(c))
        return;
    bool cjk = unicode_no_word_spaces(c) && c >= 0x2E80;
    if (unicode_no_word_spaces(c) && !cjk)
        return; /* Thai, Lao, Khmer, Myanmar: a space is the stop */
    unsigned stop = cjk ? 0x3002 : '.';
    size_t n = unicode_utf8_width(stop);
    if (n + 1 > o->limit - o->len)
        return;
    o->len += unicode_utf8_encode(stop, o->buf + o->len);
    if (cjk)
        o->space = false;
}

/* Bytes of the space due before the next visible character: none at the start, a no-break
 * space when that alone was seen (it groups digits and binds units), else one ' '. */
static size_t due_space(const struct normalize_out *o)
{
    if (!o->space || o->len == 0)
        return 0;
    return o->nbsp ? unicode_utf8_width(o->nbsp) : 1;
}

static void put_space(struct normalize_out *o)
{
    if (o->nbsp)
        o->len += unicode_utf8_encode(o->nbsp, o->buf + o->len);
    else
        o->buf[o->len++] = ' ';
}

static void see_space(struct normalize_out *o, unsigned c)
{
    bool no_break = c == 0xA0 || c == 0x202F || c == 0x2009;
    o->nbsp = no_break && !o->space ? c : 0;
    o->space = true;
}

/* Appends printable ASCII with single spaces inside, the due space first. It may be cut
 * anywhere but before a space. */
static void out_ascii(struct normalize_out *o, const char *p, size_t n)
{
    if (o->block)
        end_block(o);
    size_t space = due_space(o);
    size_t room = o->limit - o->len;
    if (space + n > room) {
        o->full = true;
        if (room <= space)
            return;
        n = room - space;
        if (p[n - 1] == ' ')
            n--;
    }
    if (space)
        put_space(o);
    o->space = false;
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static void out_cp(struct normalize_out *o, unsigned c)
{
    if (unicode_is_space(c)) {
        see_space(o, c);
        return;
    }
    if (is_invisible(c))
        return;
    if (o->block && !unicode_is_bidi_control(c))
        end_block(o);
    size_t space = due_space(o);
    size_t n = unicode_utf8_width(c);
    if (space + n > o->limit - o->len) {
        o->full = true;
        return;
    }
    if (space)
        put_space(o);
    o->space = false;
    o->len += unicode_utf8_encode(c, o->buf + o->len);
}

static void out_utf8(struct normalize_out *o, const unsigned char *s, size_t len)
{
    size_t n;
    for (size_t i = 0; i < len && !o->full; i += n)
        out_cp(o, unicode_utf8_decode((const char *)s + i, len - i, &n));
}

static bool starts_with(const struct normalize_scan *sc, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return sc->len - i >= n && memcmp(sc->s + i, lit, n) == 0;
}

/* CDATA markers in HTML are left over from a feed that wrapped its markup twice (or escaped
 * the wrapping): never text anyone wants to read. Returns their length at i, or 0. */
static size_t cdata_marker_len(const struct normalize_scan *sc, size_t i)
{
    const unsigned char *s = sc->s;
    size_t avail = sc->len - i;
    switch (s[i]) {
    case '<':
        return avail >= 9 && s[i + 1] == '!' && memcmp(s + i, "<![CDATA[", 9) == 0 ? 9 : 0;
    case '&':
        return avail >= 12 && s[i + 1] == 'l' && memcmp(s + i, "&lt;![CDATA[", 12) == 0 ? 12 : 0;
    case ']':
        if (avail >= 3 && memcmp(s + i, "]]>", 3) == 0)
            return 3;
        return avail >= 6 && memcmp(s + i, "]]&gt;", 6) == 0 ? 6 : 0;
    default:
        return 0;
    }
}

/* strcmp order of a table name against name[0..len), which holds no NUL. Inline: a libc call
 * per step of the binary search costs more than the compare. */
static int name_cmp(const char *cand, const unsigned char *name, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)cand[k];
        if (c != name[k])
            return c < name[k] ? -1 : 1;
    }
    return cand[len] != '\0';
}

static const struct normalize_entity *find_entity(const unsigned char *name, size_t len)
{
    size_t lo = 0, hi = ARRAY_LEN(normalize_entities);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = name_cmp(normalize_entities[mid].name, name, len);
        if (cmp == 0)
            return &normalize_entities[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* A decoded character reference: an entity's text, or one code point when entity is NULL. */
struct normalize_ref {
    const struct normalize_entity *entity;
    unsigned cp;
};

static bool ref_is_ampersand(const struct normalize_ref *ref)
{
    if (ref->entity)
        return ref->entity->text_len == 1 && ref->entity->text[0] == '&';
    return ref->cp == '&';
}

/* The HTML5 rules for numeric references that name no character. */
static unsigned numeric_ref_cp(unsigned long v)
{
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return UNICODE_REPLACEMENT;
    if (v >= 0x80 && v <= 0x9F)
        return unicode_from_cp1252((unsigned char)v); /* HTML5: as Windows-1252 */
    return (unsigned)v;
}

/* Parses the reference whose '&' is just before s[p]. Returns the bytes it takes after the
 * '&', or 0 when there is none. Named references follow HTML5 in text: the longest name in the
 * table wins, so "&notit;" is "¬it;" and "&copy 2024" is "© 2024". Later rounds of a
 * double-escaped reference only accept the ';' form: "&amp;copy" is text about HTML. */
static size_t parse_ref(const unsigned char *s, size_t len, size_t p, bool need_semicolon,
                        struct normalize_ref *ref)
{
    ref->entity = NULL;
    if (p < len && s[p] == '#') {
        size_t q = p + 1;
        bool hex = q < len && (s[q] == 'x' || s[q] == 'X');
        if (hex)
            q++;
        size_t digits = q;
        unsigned long v = 0;
        for (; q < len; q++) {
            int d = hex ? ascii_hex_value(s[q]) : ascii_is_digit(s[q]) ? s[q] - '0' : -1;
            if (d < 0)
                break;
            /* Saturate just past the last code point: still invalid, never overflows. */
            v = MIN(v * (hex ? 16 : 10) + (unsigned)d, 0x110000ul);
        }
        if (q == digits)
            return 0;
        if (q < len && s[q] == ';')
            q++;
        else if (need_semicolon)
            return 0;
        ref->cp = numeric_ref_cp(v);
        return q - p;
    }
    size_t q = p;
    while (q < len && q - p <= NORMALIZE_ENTITY_NAME_MAX && ascii_is_alnum(s[q]))
        q++;
    size_t run = q - p;
    if (run == 0)
        return 0;
    if (run <= NORMALIZE_ENTITY_NAME_MAX && q < len && s[q] == ';') {
        ref->entity = find_entity(s + p, run);
        if (ref->entity)
            return run + 1;
    }
    if (need_semicolon)
        return 0;
    for (size_t k = MIN(run, (size_t)NORMALIZE_ENTITY_LEGACY_MAX); k > 0; k--) {
        ref->entity = find_entity(s + p, k);
        if (ref->entity && ref->entity->legacy)
            return k;
    }
    ref->entity = NULL;
    return 0;
}

/* s[i] is '&'. Decodes the reference there, and when it decodes to '&' the one that '&'
 * starts (double escaping: "&amp;#8217;" is "’"), up to DECODE_ROUNDS. Returns the index after
 * what it used. */
static size_t scan_ref(const struct normalize_scan *sc, size_t i, struct normalize_out *o)
{
    if (sc->html) {
        size_t marker = cdata_marker_len(sc, i);
        if (marker)
            return i + marker;
    }
    size_t pos = i + 1;
    for (int round = 0; round < DECODE_ROUNDS; round++) {
        struct normalize_ref ref;
        size_t n = parse_ref(sc->s, sc->len, pos, round > 0, &ref);
        if (n == 0)
            break;
        pos += n;
        if (ref_is_ampersand(&ref))
            continue;
        if (ref.entity)
            out_utf8(o, (const unsigned char *)ref.entity->text, ref.entity->text_len);
        else
            out_cp(o, ref.cp);
        return pos;
    }
    /* The '&' itself, literal or decoded. */
    out_cp(o, '&');
    return pos;
}

static enum tag_kind tag_kind(const unsigned char *name, size_t len)
{
    unsigned char lower[TAG_NAME_MAX];
    if (len > TAG_NAME_MAX)
        return TAG_INLINE;
    for (size_t k = 0; k < len; k++)
        lower[k] = (unsigned char)ascii_to_lower((char)name[k]);
    size_t lo = 0, hi = ARRAY_LEN(tag_infos);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = name_cmp(tag_infos[mid].name, lower, len);
        if (cmp == 0)
            return tag_infos[mid].kind;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return TAG_INLINE;
}

static bool is_name_char(unsigned char c)
{
    return ascii_is_alnum(c) || c == ':' || c == '-' || c == '_';
}

/* Whether s[p..] starts with the tag name (ASCII case-insensitive), as a whole name. */
static bool at_name(const struct normalize_scan *sc, size_t p, const unsigned char *name,
                    size_t name_len)
{
    if (sc->len - p < name_len)
        return false;
    if (ascii_ncasecmp((const char *)sc->s + p, (const char *)name, name_len) != 0)
        return false;
    return p + name_len == sc->len || !is_name_char(sc->s[p + name_len]);
}

/* Skips the content of a dropped element that starts at p, and its end tag. Without an end
 * tag a raw-text element (script, style) runs to the end, as in a browser; a container
 * (object, iframe, noscript) left open loses only its start tag: feeds leave <iframe ...> and
 * <object ...> unclosed, and the story's text after them must show. */
static size_t skip_element(const struct normalize_scan *sc, size_t p, const unsigned char *name,
                           size_t name_len, bool nested)
{
    const unsigned char *s = sc->s;
    size_t depth = 1, content = p;
    size_t gt = p; /* first '>' after the last name found, or len; searched once passed */
    for (;;) {
        const unsigned char *lt = memchr(s + p, '<', sc->len - p);
        if (!lt)
            return nested ? content : sc->len;
        p = (size_t)(lt - s) + 1;
        bool end = p < sc->len && s[p] == '/';
        if (!at_name(sc, end ? p + 1 : p, name, name_len))
            continue;
        if (gt < p) {
            const unsigned char *found = memchr(s + p, '>', sc->len - p);
            gt = found ? (size_t)(found - s) : sc->len;
        }
        if (end && --depth == 0)
            return gt < sc->len ? gt + 1 : sc->len;
        if (!end && nested && !(gt < sc->len && s[gt - 1] == '/'))
            depth++;
    }
}

/* s[i] is '<' and a letter (or '/' and a letter) follows. A '<' inside the tag outside a
 * quoted value means this was not a tag but text ("x<y and y<z"); that also keeps the scan
 * linear. A tag the input ends in is dropped when it is clearly markup (an end tag, or it has
 * attribute values: a summary cut mid-tag) and text otherwise ("x<y"). */
static size_t scan_tag(struct normalize_scan *sc, size_t i, bool end, struct normalize_out *o)
{
    const unsigned char *s = sc->s;
    size_t len = sc->len;
    size_t name = end ? i + 2 : i + 1, p = name;
    while (p < len && is_name_char(s[p]))
        p++;
    size_t name_len = p - name;
    bool assigned = false, after_eq = false;
    for (; p < len && s[p] != '>'; p++) {
        unsigned char c = s[p];
        if (c == '<')
            goto text;
        if (c == '=') {
            assigned = after_eq = true;
        } else if ((c == '"' || c == '\'') && after_eq) {
            const unsigned char *close = memchr(s + p + 1, c, len - p - 1);
            if (!close)
                return len;
            p = (size_t)(close - s);
            after_eq = false;
        } else if (!ascii_is_html_space(c)) {
            after_eq = false;
        }
    }
    if (p == len) {
        if (end || assigned)
            return len;
        goto text;
    }
    enum tag_kind kind = tag_kind(s + name, name_len);
    if (kind == TAG_BLOCK)
        see_space(o, ' '), o->block = true;
    /* XHTML feeds write <iframe ... />; honour that rather than drop the rest of the text. */
    if ((kind == TAG_DROP || kind == TAG_DROP_NESTED) && !end && s[p - 1] != '/')
        return skip_element(sc, p + 1, s + name, name_len, kind == TAG_DROP_NESTED);
    return p + 1;

text:
    out_cp(o, '<');
    return i + 1;
}

/* <!DOCTYPE>, <![if !mso]>, <?xml?>, </3>: ignored up to the next '>'. Without one the '<' is
 * text ("I <! this"). */
static size_t skip_bogus(struct normalize_scan *sc, size_t i, struct normalize_out *o)
{
    size_t from = i + 2;
    if (from < sc->no_gt_from) {
        const unsigned char *gt = memchr(sc->s + from, '>', sc->len - from);
        if (gt)
            return (size_t)(gt - sc->s) + 1;
        /* Remembered so that a thousand "<!" do not each search to the end. */
        sc->no_gt_from = from;
    }
    out_cp(o, '<');
    return i + 1;
}

/* s[i..] is "<!--". HTML5 ends a comment at "-->" or "--!>", and an unclosed one at the end
 * of the input. */
static size_t skip_comment(const struct normalize_scan *sc, size_t i)
{
    const unsigned char *s = sc->s;
    size_t p = i + 4;
    if (starts_with(sc, p, ">"))
        return p + 1;
    if (starts_with(sc, p, "->"))
        return p + 2;
    for (;;) {
        const unsigned char *gt = memchr(s + p, '>', sc->len - p);
        if (!gt)
            return sc->len;
        size_t g = (size_t)(gt - s);
        if (g - i >= 6 && s[g - 1] == '-' && s[g - 2] == '-')
            return g + 1;
        if (g - i >= 7 && s[g - 1] == '!' && s[g - 2] == '-' && s[g - 3] == '-')
            return g + 1;
        p = g + 1;
    }
}

/* s[i] is '<' in HTML. A '<' that cannot start markup is text ("a < b", "<3"). */
static size_t scan_markup(struct normalize_scan *sc, size_t i, struct normalize_out *o)
{
    const unsigned char *s = sc->s;
    size_t len = sc->len;
    size_t marker = cdata_marker_len(sc, i);
    if (marker)
        return i + marker;
    unsigned char next = i + 1 < len ? s[i + 1] : 0;
    unsigned char after = i + 2 < len ? s[i + 2] : 0;
    if (ascii_is_alpha(next))
        return scan_tag(sc, i, false, o);
    if (next == '/' && ascii_is_alpha(after))
        return scan_tag(sc, i, true, o);
    if (next == '/' && after == '>')
        return i + 3;
    if (next == '!' && starts_with(sc, i, "<!--"))
        return skip_comment(sc, i);
    if (next == '!' || next == '?' || next == '/')
        return skip_bogus(sc, i, o);
    out_cp(o, '<');
    return i + 1;
}

static void scan(struct normalize_scan *sc, struct normalize_out *o)
{
    const unsigned char *s = sc->s;
    size_t len = sc->len, i = 0;
    while (i < len && !o->full) {
        unsigned char b = s[i];
        if (is_plain(b)) {
            /* Words and the single spaces between them go out as they are: most of any text. */
            size_t j = i + 1;
            for (;;) {
                if (j < len && is_plain(s[j]))
                    j++;
                else if (j + 1 < len && s[j] == ' ' && is_plain(s[j + 1]))
                    j += 2;
                else
                    break;
            }
            out_ascii(o, (const char *)s + i, j - i);
            i = j;
        } else if (b == ' ') {
            see_space(o, ' ');
            i++;
        } else if (b == '&') {
            i = scan_ref(sc, i, o);
        } else if (b == '<' && sc->html) {
            i = scan_markup(sc, i, o);
        } else if (b == ']' && sc->html && cdata_marker_len(sc, i) > 0) {
            i += cdata_marker_len(sc, i);
        } else {
            size_t n;
            out_cp(o, unicode_utf8_decode((const char *)s + i, len - i, &n));
            i += n;
        }
    }
}

/* Does the text have a character that shows? The joiners kept above, variation selectors
 * and tag characters only modify their neighbours: alone they draw nothing. */
static bool has_visible(const unsigned char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n) {
        unsigned c = unicode_utf8_decode((const char *)s + i, len - i, &n);
        if (!unicode_is_space(c) && !unicode_is_joiner(c) && !unicode_is_variation_selector(c) &&
            !unicode_is_tag(c) && !unicode_is_bidi_control(c))
            return true;
    }
    return false;
}

char *normalize_text(const char *in, size_t len, unsigned flags, size_t max_bytes)
{
    if (!in)
        len = 0;
    /* Nothing grows by more than 3 bytes per input byte: an invalid byte becomes U+FFFD, and
     * gen-entities.py checks that no reference expands beyond that. */
    size_t cap = len > SIZE_MAX / 4 ? SIZE_MAX / 4 : len * 3;
    cap = MIN(cap, max_bytes);
    struct normalize_out o = {.buf = xmalloc(cap + 1), .limit = cap};
    struct normalize_scan sc = {
        .s = (const unsigned char *)in,
        .len = len,
        .html = (flags & NORMALIZE_HTML) != 0,
        .no_gt_from = SIZE_MAX,
    };
    scan(&sc, &o);
    if (!has_visible((const unsigned char *)o.buf, o.len))
        o.len = 0; /* only joiners: an empty headline, not an empty card */
    o.buf[o.len] = '\0';
    /* Markup-heavy fields shrink a lot; give the slack back. */
    if (cap - o.len > 256)
        o.buf = xrealloc(o.buf, o.len + 1);
    return o.buf;
}

/* A '.' after these is rarely the end of a sentence. */
static bool is_abbreviation(const unsigned char *word, size_t len)
{
    static const char *const abbrevs[] = {
        "Apr", "Aug", "Capt", "Col",  "Dec", "Dr",  "Feb", "Fig", "Gen", "Gov", "Jan", "Jr",
        "Jul", "Jun", "Lt",   "Mar",  "Mr",  "Mrs", "Ms",  "Mt",  "No",  "Nov", "Oct", "Prof",
        "Rep", "Sen", "Sep",  "Sept", "Sgt", "Sr",  "St",  "ca",  "cf",  "vs",
    };
    if (len == 0)
        return false;
    /* Initials and dotted abbreviations: "J. Smith", "U.S. tariffs", "e.g. this". */
    if ((len == 1 && ascii_is_alpha(word[0])) || memchr(word, '.', len))
        return true;
    for (size_t k = 0; k < ARRAY_LEN(abbrevs); k++)
        if (strlen(abbrevs[k]) == len && memcmp(abbrevs[k], word, len) == 0)
            return true;
    return false;
}

struct cut_point {
    size_t off;   /* bytes kept */
    size_t chars; /* code points kept */
    bool valid;
};

static size_t strip_trailing_junk(const unsigned char *s, size_t end)
{
    while (end > 0) {
        unsigned c;
        size_t start = cp_start_before(s, end, &c);
        if (start == end || !is_trailing_junk(c))
            break;
        end = start;
    }
    return end;
}

char *normalize_cut(const char *text, size_t max_chars)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    /* No more code points than bytes: this also keeps the arithmetic below from overflowing. */
    if (max_chars >= len)
        return xstrdup(text);
    if (max_chars == 0)
        return xstrdup("");
    struct cut_point sentence = {0}, pending = {0}, word = {0};
    size_t char_cut = 0;   /* bytes of the first max_chars - 1 code points */
    size_t word_start = 0; /* byte offset of the current word */
    size_t term_end = 0;   /* code points up to the end of the last sentence stop, if any */
    bool term_cjk = false; /* that stop was a CJK one: no space needs to follow */
    unsigned prev = ' ';
    size_t k = 0, off = 0, n;
    /* Reading one code point past max_chars tells whether a cut is needed; a little more
     * confirms a sentence end at the limit. */
    for (; off < len && (k <= max_chars + 1 || pending.valid); k++, off += n) {
        unsigned c = unicode_utf8_decode((const char *)s + off, len - off, &n);
        if (k == max_chars - 1)
            char_cut = off;
        bool last_third = k <= max_chars && k * 3 >= max_chars * 2;
        if (unicode_is_space(c)) {
            if (k <= max_chars - 1)
                word = (struct cut_point){off, k, true};
            if (term_end == k && k > 0 && last_third)
                pending = (struct cut_point){off, k, true};
            word_start = off + n;
            prev = c;
            continue;
        }
        if (pending.valid) {
            /* "Yahoo! is" and "e.g. this" go on in lower case: not a sentence end. */
            if (!ascii_is_lower(c))
                sentence = pending;
            pending.valid = false;
        }
        if (term_end == k && term_cjk && last_third)
            sentence = (struct cut_point){off, k, true};
        if (k > 0 && k <= max_chars - 1 && !unicode_is_space(prev) &&
            (unicode_is_cjk(c) || unicode_is_cjk(prev)))
            word = (struct cut_point){off, k, true};
        if ((c == '!' || c == '?') ||
            (c == '.' && !is_abbreviation(s + word_start, off - word_start))) {
            term_end = k + 1, term_cjk = false;
        } else if (is_cjk_terminator(c)) {
            term_end = k + 1, term_cjk = true;
        } else if (term_end == k && is_closer(c)) {
            term_end = k + 1;
        }
        prev = c;
    }
    if (k <= max_chars && off >= len)
        return xstrdup(text);
    if (pending.valid)
        sentence = pending;
    if (sentence.valid)
        return xstrndup(text, sentence.off);

    /* A word boundary, unless it throws away more than half the room (one long URL). */
    bool at_word = word.valid && word.chars * 2 >= max_chars - 1;
    size_t end = strip_trailing_junk(s, at_word ? word.off : char_cut);
    if (end == 0)
        end = strip_trailing_junk(s, char_cut);
    char *out = xmalloc(end + sizeof(ELLIPSIS));
    memcpy(out, text, end);
    memcpy(out + end, ELLIPSIS, sizeof(ELLIPSIS));
    return out;
}
