#include "dynbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The first allocation: small, since most buffers stay small; doubling from there. */
#define DYNBUF_FIRST_ALLOC 256

void dynbuf_init(struct dynbuf *b, size_t max)
{
    *b = (struct dynbuf){.max = max};
}

/* Room for n more bytes and the terminator; false when that would pass max. */
static bool grow(struct dynbuf *b, size_t n)
{
    if (n > b->max - b->len)
        return false;
    size_t need = b->len + n + 1; /* at most max + 1 */
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : DYNBUF_FIRST_ALLOC;
        cap = MIN(MAX(cap, need), b->max + 1);
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    return true;
}

bool dynbuf_add(struct dynbuf *b, const void *p, size_t n)
{
    if (!grow(b, n))
        return false;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool dynbuf_addf(struct dynbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(b, (size_t)n))
        return false;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

void dynbuf_reset(struct dynbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *dynbuf_take(struct dynbuf *b, size_t *len)
{
    char *data = b->data ? b->data : xstrdup("");
    if (len)
        *len = b->len;
    dynbuf_init(b, b->max);
    return data;
}

void dynbuf_finish(struct dynbuf *b)
{
    free(b->data);
    dynbuf_init(b, b->max);
}
