/* RSS 0.9x/1.0/2.0, Atom 1.0 and CAP alerts (mapped by feed_cap.c) into stories: a streamed,
 * namespace-aware expat parse that detects the format from the root element, converts legacy
 * encodings to UTF-8 first, refuses entity declarations and keeps memory bounded whatever the
 * document holds. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "story.h"

/* Parses an XML feed of len bytes (the caller caps len at FEED_MAX_BYTES). name goes into
 * error messages and into each story's `source`. http_charset is the charset parameter of the
 * HTTP Content-Type, or NULL; it overrides the XML declaration but not a byte order mark.
 * Appends at most FEED_MAX_ITEMS stories to out (which the caller owns and has initialised)
 * and sets out->title when the feed has one. On failure writes "NAME: reason" or
 * "NAME:LINE:COL: reason" into err and returns false; the stories completed before the error
 * stay in out, so the caller can still show them. */
bool feed_xml_parse(const char *data, size_t len, const char *name, const char *http_charset,
                    struct story_list *out, struct error *err);
