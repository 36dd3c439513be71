/* A source's own filter on its stories ([source NAME] exclude and max_age_hours): the editors'
 * way to keep a word, a phrase or old news of one feed off the sign. Pure. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "story.h"

#define FILTER_MAX_TERMS 64

struct story_filter {
    char **terms; /* owned array of owned strings, case-folded (Unicode full case folding) */
    size_t term_count;
    int64_t max_age_s; /* stories published longer ago leave; 0: no limit */
};

/* Reads an exclude list: terms (a word or a phrase, written as it is) separated by commas;
 * blanks around terms do not count. "" is an empty list. False with err set (and f left empty)
 * for an empty term, a '"' in a term (the config file takes a value that opens with one as
 * quoted, so quoting phrases could not work), or more than FILTER_MAX_TERMS terms. */
bool story_filter_init(struct story_filter *f, const char *exclude, int64_t max_age_s,
                       struct error *err);
void story_filter_finish(struct story_filter *f);
/* Does s stay? Not when its title or summary holds a term as whole words (case-insensitive; the
 * characters either side are not letters or digits, a side in a script written without spaces
 * excepted), nor when it was published longer than max_age_s before now. */
bool story_filter_keeps(const struct story_filter *f, const struct story *s, int64_t now);
