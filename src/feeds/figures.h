/* Key figures for stories whose feed gives none: percentages, counts with thousands
 * separators, money, multipliers, and years only when they are the point, each with a short
 * label from the words around it ("20%" -> "tariffs on Chinese goods"). Pure. */
#pragma once
#include <stddef.h>

#include "story.h"

/* Extracts up to max (<= STORY_MAX_FIGURES) figures from a story's title and summary (clean
 * UTF-8). Writes newly allocated value/label strings into out; returns how many. */
size_t figures_extract(const char *title, const char *summary, struct figure *out, size_t max);
