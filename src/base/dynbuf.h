/* A growable byte buffer with its cap set when it is created (curl's dynbuf, docs/DYNBUF.md):
 * whatever a server or a document sends, it never holds more than max bytes. Every byte buffer
 * that grows (transfer bodies, files read whole, parsed text, converted documents) is one. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct dynbuf {
    char *data; /* owned; NULL until the first add, NUL-terminated from then on */
    size_t len; /* bytes held, the terminator not counted */
    size_t cap; /* bytes allocated */
    size_t max; /* len never passes it */
};

/* An empty buffer that will hold at most max (< SIZE_MAX) bytes; allocates nothing yet. */
void dynbuf_init(struct dynbuf *b, size_t max);
/* Appends n bytes of p. When len + n would pass max, returns false and leaves b as it was. */
bool dynbuf_add(struct dynbuf *b, const void *p, size_t n);
/* Appends printf-formatted text; false, b unchanged, when it would pass max. */
bool dynbuf_addf(struct dynbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties b, keeping its memory for the next adds. */
void dynbuf_reset(struct dynbuf *b);
/* Hands the data over (NUL-terminated, "" when nothing was added; the caller frees it) with its
 * length in *len when len is not NULL; b is left empty, with the same max. */
char *dynbuf_take(struct dynbuf *b, size_t *len);
void dynbuf_finish(struct dynbuf *b);
