/* Character sets of feed documents: which one a document is in (a byte order mark, the HTTP
 * charset, the XML declaration, in that order) and its conversion to UTF-8 fit for expat, with
 * iconv for legacy charsets. A bad byte costs a U+FFFD, never the feed. Pure but for iconv. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Charset labels longer than this are refused as unsupported. */
#define CHARSET_LABEL_MAX 40
/* Output of a conversion may be this many times its input (plus a little); anything beyond
 * is refused: 3 bytes per replaced byte, more for the few charsets that map one byte to
 * several characters. */
#define CHARSET_MAX_GROWTH 4

/* What a document's first bytes show of its encoding: a byte order mark, or the zero byte next
 * to the first ASCII character of UTF-16 without one. */
struct charset_sniff {
    const char *encoding; /* static: "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE";
                             NULL when the bytes show none */
    size_t bom_len;       /* bytes of the byte order mark, 0 when there is none */
    size_t unit;          /* bytes per code unit: 1, 2 or 4 */
    bool big_endian;      /* the ASCII byte is the last of its code unit */
};

struct charset_sniff charset_sniff(const char *data, size_t len);

struct charset_input {
    const char *data; /* borrowed; the document as it arrived */
    size_t len;
    const char *http_charset; /* borrowed; the charset parameter of the HTTP Content-Type, or
                                 NULL. It outranks the XML declaration but not a byte order mark */
};

struct charset_doc {
    const char *data; /* the UTF-8 document: in->data itself, or owned */
    size_t len;
    char *owned; /* owned; NULL when data is the input's own bytes */
};

/* Picks the encoding of in and produces UTF-8 that expat accepts (invalid sequences and
 * U+FFFE/U+FFFF become U+FFFD, forbidden control characters spaces). On failure writes the
 * reason ("unsupported encoding LABEL", "too large once converted from LABEL") into why and
 * returns false. Free with charset_doc_finish. */
bool charset_to_utf8(const struct charset_input *in, struct charset_doc *out, struct error *why);
void charset_doc_finish(struct charset_doc *doc);
