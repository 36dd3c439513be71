/* Feed text made fit for the sign: HTML stripped (script and style dropped whole), every HTML
 * entity decoded (double-escaped ones too), whitespace collapsed, control characters removed,
 * invalid UTF-8 repaired, and summaries cut at a sentence or word boundary. Pure. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum normalize_flags {
    NORMALIZE_PLAIN = 0,     /* text: only entities that survived XML, whitespace, UTF-8 */
    NORMALIZE_HTML = 1 << 0, /* the input is HTML: strip tags, decode entities */
};

/* Returns a new NUL-terminated UTF-8 string of at most max_bytes bytes (cut at a code point
 * boundary). Never fails; bad input yields U+FFFD or nothing. Caller frees. */
char *normalize_text(const char *in, size_t len, unsigned flags, size_t max_bytes);

/* Cuts clean text to at most max_chars code points: at the end of a sentence when one ends
 * in the last third, else at a word boundary, with "…" appended when anything was cut.
 * Returns a new string. Caller frees. */
char *normalize_cut(const char *text, size_t max_chars);
