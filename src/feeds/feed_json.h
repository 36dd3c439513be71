/* JSON Feed 1.0 and 1.1, with the `_ticker` extension (docs/feed-format.md). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "story.h"

/* data is UTF-8. On a syntax error writes "NAME:LINE:COL: reason" into err and returns false;
 * JSON has no partial documents, so out is then empty. */
bool feed_json_parse(const char *data, size_t len, const char *name, struct story_list *out,
                     struct error *err);
