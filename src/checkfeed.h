/* `ticker check-feed`: what the sign will do with each story of a feed, for the editor before
 * publishing: headlines cut at the configured screen size(s), figures given and extracted,
 * expired stories, duplicates, characters no installed font has, and the signature. */
#pragma once
#include <stdbool.h>

struct checkfeed_options {
    const char *src;         /* a path or an http(s) URL */
    const char *config_path; /* NULL: the defaults */
    bool json;               /* one JSON document on stdout instead of lines */
};

/* Exit status: 0 every story shows as written; 1 problems (one line each on stderr, or in the
 * JSON's "problems"); 2 the feed, its config or the fonts could not be read. */
int checkfeed_run(const struct checkfeed_options *opt);
