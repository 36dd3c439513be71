#include "feed_xml.h"

/* expat.h declares the billion-laughs limits only when XML_DTD is defined and leaves defining
 * it to the application. Debian's libexpat is built with DTD support; a library without it
 * fails at link time, which is what we want rather than running unprotected. */
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>

#include <limits.h>
#include <stdint.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "charset.h"
#include "date.h"
#include "dynbuf.h"
#include "feed.h"
#include "feed_cap.h"
#include "normalize.h"
#include "unicode.h"
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
/* Entity declarations are refused outright, so these only back that up. */
#define AMPLIFICATION_MAX 10.0f
#define AMPLIFICATION_THRESHOLD (1024 * 1024ull)
/* Cannot occur in a namespace URI or a local name, so the first one splits "URI local". */
#define NS_SEP ' '
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
    NS_ITUNES,
    NS_XHTML,
    NS_CAP,
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
    /* Atom 0.3 (old Blogger, intranet CMSs): the same elements, read the same way. */
    NS_ENTRY("http://purl.org/atom/ns#", NS_ATOM),
    NS_ENTRY("http://purl.org/rss/1.0/", NS_RSS1),
    NS_ENTRY("http://purl.org/rss/1.0/modules/content/", NS_CONTENT),
    NS_ENTRY("http://purl.org/dc/elements/1.1/", NS_DC),
    NS_ENTRY("http://search.yahoo.com/mrss/", NS_MEDIA),
    NS_ENTRY("http://search.yahoo.com/mrss", NS_MEDIA),
    NS_ENTRY("http://www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES),
    NS_ENTRY("http://www.w3.org/1999/xhtml", NS_XHTML),
    NS_ENTRY("http://www.w3.org/1999/02/22-rdf-syntax-ns#", NS_RDF),
    NS_ENTRY("http://my.netscape.com/rdf/simple/0.9/", NS_RSS090),
    /* Some RSS 2.0 generators still put their elements in this early draft namespace. */
    NS_ENTRY("http://backend.userland.com/rss2", NS_NONE),
    /* Common Alerting Protocol: CAP 1.1 has the elements the sign reads, and Atom indexes of
     * alerts (NWS, MeteoAlarm) still use it. */
    NS_ENTRY("urn:oasis:names:tc:emergency:cap:1.2", NS_CAP),
    NS_ENTRY("urn:oasis:names:tc:emergency:cap:1.1", NS_CAP),
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
    EL_RSS_SUMMARY,
    EL_XHTML_BODY,
    EL_ITUNES_SUMMARY,
    EL_TTL,
    EL_CAP_ALERT,
    EL_CAP_INFO,
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
    {NS_BIT(NS_ATOM), "issued", EL_ATOM_PUBLISHED}, /* Atom 0.3 */
    {NS_BIT(NS_ATOM), "modified", EL_ATOM_UPDATED}, /* Atom 0.3 */
    {NS_BIT(NS_CONTENT), "encoded", EL_CONTENT_ENCODED},
    {NS_BIT(NS_DC), "title", EL_DC_TITLE},
    {NS_BIT(NS_DC), "description", EL_DC_DESCRIPTION},
    {NS_BIT(NS_DC), "date", EL_DC_DATE},
    {NS_BIT(NS_MEDIA), "title", EL_MEDIA_TITLE},
    {NS_BIT(NS_MEDIA), "description", EL_MEDIA_DESCRIPTION},
    {NS_RSS_FAMILY, "summary", EL_RSS_SUMMARY}, /* not RSS, but feeds put one there */
    {NS_BIT(NS_XHTML), "body", EL_XHTML_BODY},
    {NS_BIT(NS_ITUNES), "summary", EL_ITUNES_SUMMARY},
    {NS_RSS_FAMILY, "ttl", EL_TTL},
    {NS_BIT(NS_CAP), "alert", EL_CAP_ALERT},
    {NS_BIT(NS_CAP), "info", EL_CAP_INFO},
};

/* Elements that separate words when a field holds markup (Atom xhtml, or HTML a feed forgot to
 * escape): "<p>a</p><p>b</p>" must read "a b", not "ab". */
static const char *const block_elements[] = {
    "p",     "div",    "br",     "li",  "ul",     "ol",         "dl",      "dt",
    "dd",    "h1",     "h2",     "h3",  "h4",     "h5",         "h6",      "tr",
    "td",    "th",     "table",  "hr",  "pre",    "blockquote", "section", "article",
    "aside", "header", "footer", "nav", "figure", "figcaption", "address", "img",
};

enum format { FORMAT_UNKNOWN, FORMAT_RSS, FORMAT_RDF, FORMAT_ATOM, FORMAT_CAP };

enum text_kind {
    TEXT_PLAIN,  /* characters as they are */
    TEXT_HTML,   /* escaped HTML: tags stripped, entities decoded */
    TEXT_XHTML,  /* inline markup: character data of every descendant */
    TEXT_BASE64, /* Atom content of another media type: base64, decoded and read as HTML */
    TEXT_SKIP,   /* out-of-line Atom content (src=): nothing to show */
};

/* Summary sources in order of preference. An RSS item with both a <summary> and a
 * <description> is summarised by the first (feed readers take the description as its body). */
enum summary_source {
    SUM_RSS_SUMMARY,
    SUM_DESCRIPTION, /* RSS description, Atom summary */
    SUM_CONTENT_ENCODED,
    SUM_XHTML_BODY,
    SUM_ATOM_CONTENT,
    SUM_DC_DESCRIPTION,
    SUM_ITUNES_SUMMARY,
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
    FIELD_FEED_TTL,
    FIELD_CAP, /* rank is the enum cap_field */
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
    struct cap_fields cap; /* a CAP <info> block, or an entry's cap: elements */
};

struct capture {
    enum field field; /* FIELD_NONE when no character data is wanted */
    int depth;        /* of the field's element */
    int rank;
    enum text_kind kind;
    struct dynbuf *buf;            /* borrowed from the parser */
    int skip_depth;                /* inside <script> or <style> at this depth, else 0 */
    struct cap_fields *cap_fields; /* borrowed; where FIELD_CAP goes */
};

struct parser {
    XML_Parser xml;
    const char *name;       /* borrowed */
    struct story_list *out; /* borrowed */
    struct error *err;      /* borrowed */
    enum format format;
    int depth;
    unsigned char stack[MAX_DEPTH + 1]; /* enum element of each open element, by depth */
    struct item item;
    struct capture cap;
    struct dynbuf title_buf, small_buf, cap_buf, summary_buf[SUM_COUNT];
    struct cap_alert alert; /* FORMAT_CAP: the document's message */
    bool have_feed_title;
    char *feed_link; /* owned; the feed's own web page, for root-relative item links */
    enum { RUN, STOP_ITEM_LIMIT, STOP_ERROR } state;
    unsigned long lines_skipped; /* blank lines before the document, for error positions */
};

/* Character data of one field: grows as needed, never past max. Allocated from the start, so
 * an empty field is "" rather than NULL. */
static void buf_init(struct dynbuf *b, size_t max)
{
    dynbuf_init(b, max);
    dynbuf_add(b, "", 0);
}

/* Keeps what fits of s[0..n) and drops the rest: a field's text past max is not shown anyway. */
static void buf_append(struct dynbuf *b, const char *s, size_t n)
{
    if (n > b->max - b->len) {
        n = b->max - b->len;
        /* s[n] is the first byte left out: never keep half a character. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        if (n == 0)
            return;
    }
    dynbuf_add(b, s, n);
}

/* The buffer without leading and trailing whitespace, NUL-terminated in place. */
static const char *buf_trimmed(struct dynbuf *b, size_t *len)
{
    size_t start = 0, end = b->len;
    while (start < end && ascii_is_space(b->data[start]))
        start++;
    while (end > start && ascii_is_space(b->data[end - 1]))
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

static bool buf_has_text(const struct dynbuf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (!ascii_is_space(b->data[i]))
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
    return n >= m && ascii_casecmp(s + n - m, suffix) == 0;
}

/* Atom text constructs (RFC 4287 3.1) and atom:content (4.1.3). */
static enum text_kind atom_text_kind(const XML_Char **atts, bool content)
{
    const char *type = attribute(atts, "type");
    /* Atom 0.3 says how the text is stored in mode="escaped|base64|xml" and its media type in
     * type (text/plain by default); xml is read like Atom 1.0's. */
    const char *mode = attribute(atts, "mode");
    if (mode && ascii_casecmp(mode, "base64") == 0)
        return TEXT_BASE64;
    if (mode && ascii_casecmp(mode, "escaped") == 0)
        return type && (ends_with(type, "html") || ends_with(type, "html+xml")) ? TEXT_HTML
                                                                                : TEXT_PLAIN;
    if (content && attribute(atts, "src"))
        return TEXT_SKIP;
    if (!type || ascii_casecmp(type, "text") == 0)
        return TEXT_PLAIN;
    if (ascii_casecmp(type, "html") == 0)
        return TEXT_HTML;
    if (ascii_casecmp(type, "xhtml") == 0)
        return TEXT_XHTML;
    if (ascii_casecmp(type, "text/html") == 0)
        return TEXT_HTML;
    if (ascii_ncasecmp(type, "text/", 5) == 0)
        return TEXT_PLAIN;
    if (ends_with(type, "/xml") || ends_with(type, "+xml"))
        return TEXT_XHTML;
    return TEXT_BASE64; /* RFC 4287 4.1.3.3: any other type is base64 */
}

static enum text_kind media_text_kind(const XML_Char **atts)
{
    const char *type = attribute(atts, "type");
    return type && ascii_casecmp(type, "html") == 0 ? TEXT_HTML : TEXT_PLAIN;
}

/* A captured field as clean text: base64 decoded first (what it holds is usually HTML;
 * anything else is cleaned the same way), a field that does not decode is empty. */
static char *clean_field(const struct dynbuf *b, enum text_kind kind, size_t max)
{
    if (kind != TEXT_BASE64)
        return normalize_text(b->data, b->len, kind == TEXT_HTML ? NORMALIZE_HTML : NORMALIZE_PLAIN,
                              max);
    size_t cap = b->len / 4 * 3 + 3, len = 0;
    unsigned char *bin = xmalloc(cap + 1);
    if (!b->data || sodium_base642bin(bin, cap, b->data, b->len, " \t\r\n", &len, NULL,
                                      sodium_base64_VARIANT_ORIGINAL) != 0)
        len = 0;
    char *clean = normalize_text((const char *)bin, len, NORMALIZE_HTML, max);
    free(bin);
    return clean;
}

static bool has_scheme(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (ascii_is_alpha(s[i]) || (i > 0 && (ascii_is_digit(s[i]) || s[i] == '+' ||
                                                          s[i] == '-' || s[i] == '.'))))
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
    return (len > 7 && ascii_ncasecmp(s, "http://", 7) == 0) ||
           (len > 8 && ascii_ncasecmp(s, "https://", 8) == 0);
}

static void fail_at(struct parser *p, const char *what)
{
    error_set(p->err, "%s:%llu:%llu: %s", p->name,
              (unsigned long long)(XML_GetCurrentLineNumber(p->xml) + p->lines_skipped),
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
                          struct dynbuf *buf)
{
    if (kind == TEXT_SKIP)
        return;
    p->cap = (struct capture){field, p->depth, rank, kind, buf, 0, NULL};
    dynbuf_reset(buf);
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
    cap_fields_finish(&it->cap);
    it->title = it->link = it->id = NULL;
    it->depth = 0;
}

static void end_item(struct parser *p)
{
    struct item *it = &p->item;
    if (p->format == FORMAT_CAP) {
        cap_info_end(&p->alert, &it->cap, p->name, p->out);
        free_item(it);
        return;
    }
    bool has_cap = cap_fields_any(&it->cap);
    if (has_cap && !cap_message_shown(&it->cap, false)) {
        free_item(it); /* a test, an exercise, a cancel... */
        return;
    }
    char *clean = NULL;
    for (int i = 0; i < SUM_COUNT && !clean; i++) {
        if (!it->summary_present[i])
            continue;
        const struct dynbuf *b = &p->summary_buf[i];
        clean = clean_field(b, it->summary_kind[i], FEED_MAX_SUMMARY_BYTES);
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
    if (has_cap)
        cap_entry_apply(s, &it->cap);
    feed_story_finish(s, p->name);
    it->title = it->link = it->id = NULL;
    free_item(it);
}

static void end_capture(struct parser *p)
{
    struct capture *c = &p->cap;
    struct item *it = &p->item;
    struct dynbuf *b = c->buf;
    size_t len;
    const char *text;
    int64_t t;
    switch (c->field) {
    case FIELD_TITLE: {
        if (c->rank >= it->title_rank)
            break; /* a better title is already there */
        char *title = clean_field(b, c->kind, FEED_MAX_TITLE_BYTES);
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
        char *title = clean_field(b, c->kind, FEED_MAX_TITLE_BYTES);
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
    case FIELD_FEED_TTL: {
        /* Minutes the channel may be cached (RSS 2.0): whole minutes only. The source caps it;
         * here it only saturates at a week. */
        text = buf_trimmed(b, &len);
        const long week_min = 7 * 24 * 60;
        long minutes = 0;
        size_t i = 0;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
            if (minutes <= week_min)
                minutes = minutes * 10 + (text[i] - '0');
        if (i == len && len > 0)
            p->out->poll_hint_s = (minutes > week_min ? week_min : minutes) * 60;
        break;
    }
    case FIELD_CAP:
        cap_fields_offer(c->cap_fields, (enum cap_field)c->rank,
                         clean_field(b, TEXT_PLAIN, cap_field_max((enum cap_field)c->rank)));
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
    case EL_RSS_SUMMARY:
        begin_summary(p, SUM_RSS_SUMMARY, TEXT_HTML);
        break;
    case EL_XHTML_BODY:
        begin_summary(p, SUM_XHTML_BODY, TEXT_XHTML);
        break;
    case EL_ITUNES_SUMMARY:
        begin_summary(p, SUM_ITUNES_SUMMARY, TEXT_PLAIN);
        break;
    case EL_LINK:
        begin_capture(p, FIELD_LINK, RANK_LINK, TEXT_PLAIN, &p->small_buf);
        break;
    case EL_ATOM_LINK:
        href = attribute(atts, "href");
        if (href && is_alternate(atts)) {
            size_t len = strlen(href);
            while (len > 0 && ascii_is_space(*href))
                href++, len--;
            while (len > 0 && ascii_is_space(href[len - 1]))
                len--;
            offer(&it->link, &it->link_rank, make_link(p, href, len), RANK_ATOM_LINK);
        }
        break;
    case EL_GUID: {
        const char *permalink = attribute(atts, "isPermaLink");
        bool is_link = !permalink || ascii_casecmp(permalink, "false") != 0;
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
    } else if (el == EL_TTL) {
        begin_capture(p, FIELD_FEED_TTL, 0, TEXT_PLAIN, &p->small_buf);
    } else if (el == EL_LINK && !p->feed_link) {
        begin_capture(p, FIELD_FEED_LINK, 0, TEXT_PLAIN, &p->small_buf);
    } else if (el == EL_ATOM_LINK && !p->feed_link && is_alternate(atts)) {
        const char *href = attribute(atts, "href");
        if (href && has_scheme(href, strlen(href)))
            p->feed_link = xstrdup(href);
    }
}

/* A CAP element the sign reads (feed_cap.h), into fields: the message's or one block's. */
static void cap_child(struct parser *p, const char *local, struct cap_fields *fields)
{
    enum cap_field field;
    if (!cap_field_of(local, &field) || fields->text[field])
        return;
    begin_capture(p, FIELD_CAP, (int)field, TEXT_PLAIN, &p->cap_buf);
    p->cap.cap_fields = fields;
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
        p->format = el == EL_RSS         ? FORMAT_RSS
                    : el == EL_RDF       ? FORMAT_RDF
                    : el == EL_FEED      ? FORMAT_ATOM
                    : el == EL_CAP_ALERT ? FORMAT_CAP
                                         : FORMAT_UNKNOWN;
        if (p->format == FORMAT_UNKNOWN) {
            /* Long or odd names are cut at a character boundary for the message. */
            size_t n = cut_len(local, strlen(local), 64);
            error_set(p->err, "%s: not a feed (root element <%.*s>)", p->name, (int)n, local);
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
        else if (depth == p->item.depth + 1 && ns == NS_CAP)
            cap_child(p, local, &p->item.cap);
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
    case FORMAT_CAP:
        if (el == EL_CAP_INFO && parent == EL_CAP_ALERT)
            begin_item(p, atts);
        else if (parent == EL_CAP_ALERT && ns == NS_CAP)
            cap_child(p, local, &p->alert.msg);
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
                    struct story_list *out, struct error *err)
{
    struct charset_doc doc;
    struct error why;
    struct charset_input in = {.data = data, .len = len, .http_charset = http_charset};
    if (!charset_to_utf8(&in, &doc, &why)) {
        error_set(err, "%s: %s", name, why.msg);
        return false;
    }

    bool ok = false;
    struct parser p = {.name = name, .out = out, .err = err};
    /* "UTF-8" overrides the declaration: charset_to_utf8 has already decided and converted. */
    p.xml = XML_ParserCreateNS("UTF-8", NS_SEP);
    if (!p.xml) {
        error_set(err, "%s: out of memory creating the XML parser", name);
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
    buf_init(&p.cap_buf, SUMMARY_RAW_MAX);
    for (int i = 0; i < SUM_COUNT; i++)
        buf_init(&p.summary_buf[i], SUMMARY_RAW_MAX);

    /* A byte order mark, or white space, before the XML declaration makes expat refuse the
     * whole document ("XML or text declaration not at start of entity"), yet every reader
     * people use shows it (PHP templates leave a blank line there): both are skipped. The
     * document is UTF-8 by now, and error positions still count the skipped lines. */
    size_t off = 0;
    if (doc.len >= 3 && memcmp(doc.data, "\xEF\xBB\xBF", 3) == 0)
        off = 3;
    while (off < doc.len && ascii_is_space(doc.data[off]))
        p.lines_skipped += doc.data[off++] == '\n';
    enum XML_Status status = XML_STATUS_OK;
    do {
        size_t n = MIN((size_t)CHUNK_BYTES, doc.len - off);
        bool final = off + n == doc.len;
        status = XML_Parse(p.xml, doc.data + off, (int)n, final);
        off += n;
    } while (status == XML_STATUS_OK && off < doc.len);

    if (status == XML_STATUS_OK || p.state == STOP_ITEM_LIMIT) {
        ok = true;
    } else if (p.state != STOP_ERROR) {
        error_set(err, "%s:%llu:%llu: %s", name,
                  (unsigned long long)(XML_GetCurrentLineNumber(p.xml) + p.lines_skipped),
                  (unsigned long long)XML_GetCurrentColumnNumber(p.xml) + 1,
                  XML_ErrorString(XML_GetErrorCode(p.xml)));
    }

    free_item(&p.item);
    free(p.feed_link);
    dynbuf_finish(&p.title_buf);
    dynbuf_finish(&p.small_buf);
    dynbuf_finish(&p.cap_buf);
    cap_alert_finish(&p.alert);
    for (int i = 0; i < SUM_COUNT; i++)
        dynbuf_finish(&p.summary_buf[i]);
    XML_ParserFree(p.xml);
err_free_doc:
    charset_doc_finish(&doc);
    return ok;
}
