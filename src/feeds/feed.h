/* Feed reading: a document (JSON Feed, RSS 0.9x/1.0/2.0, Atom 1.0 or a CAP alert, told apart
 * by content) into a story list. Formats and limits: docs/feed-format.md. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"
#include "story.h"

#define FEED_MAX_MIB 8 /* a larger document is refused */
#define FEED_MAX_BYTES (FEED_MAX_MIB * 1024u * 1024u)
#define FEED_MAX_ITEMS 500
#define FEED_MAX_TITLE_BYTES 1024
#define FEED_MAX_SUMMARY_BYTES 4096
#define FEED_MAX_FIGURE_BYTES 256
#define FEED_SUMMARY_CHARS 300 /* code points a summary is cut to */
/* A title-less item (a microblog post; RSS allows them) leads with its text, cut to this many
 * code points: like any headline it must fit FEED_MAX_TITLE_BYTES, and 250 code points of at
 * most 4 bytes plus the ellipsis do. */
#define FEED_HEADLINE_FROM_SUMMARY_CHARS 250

/* Parses a feed document. name is used in messages and copied into each story's `source`;
 * http_charset is the charset parameter of the HTTP Content-Type, or NULL. On failure writes
 * "NAME[:LINE:COL]: reason" (one line) into err and returns false; the stories read before
 * the error stay in out when the format allows reading part of a document. */
bool feed_parse(const char *data, size_t len, const char *name, const char *http_charset,
                struct story_list *out, struct error *err);

/* What util_read_file's errno means for a feed: EFBIG is the FEED_MAX_MIB limit. Static. */
const char *feed_read_error(int err);

/* Reads SRC, a file path or an http(s) URL (fetched here, blocking: for the command line),
 * and parses it. */
bool feed_load(const char *src, struct story_list *out, struct error *err);

/* Loads every source of cfg into one story list, sorted; sources that fail are logged and
 * skipped. Returns false when every source failed. For `ticker render`. */
bool feed_load_sources(const struct config *cfg, struct story_list *out);

/* For the parsers (feed_json.c, feed_xml.c): the last steps of every story, in one order.
 * s->title and s->summary hold clean text (normalize_text) or NULL, not both NULL. Without a
 * title the summary becomes the headline, else it is cut to FEED_SUMMARY_CHARS; source becomes
 * a copy of name; NULL fields get their defaults; a story the feed gave no figures gets the ones
 * figures_extract finds, unless it is an alert (set alert before). */
void feed_story_finish(struct story *s, const char *name);
