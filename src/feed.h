/* Feed reading: a source (path or URL) into a story list. This issue reads JSON Feed 1.0/1.1
 * with the `_ticker` extension (docs/feed-format.md); RSS and Atom are detected and refused. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "story.h"

#define FEED_MAX_BYTES (8u * 1024 * 1024)
#define FEED_MAX_ITEMS 500

/* Parses a feed document. source_name is copied into each story's `source`. On failure
 * writes "NAME: reason" into err (one line) and returns false; out is left empty. */
bool feed_parse(const char *data, size_t len, const char *source_name, struct story_list *out,
                char *err, size_t err_size);

/* Reads SRC (a file path; URLs are fetched by the worker) and parses it. */
bool feed_load(const char *src, struct story_list *out, char *err, size_t err_size);

/* Collapses whitespace, drops control characters and replaces invalid UTF-8 with U+FFFD.
 * Returns a new string. */
char *feed_clean_text(const char *s, size_t max_bytes);
