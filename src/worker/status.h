/* The status file (DESIGN.md contract): a small JSON document operators and tests read, per
 * source the last attempt, last success, last error, item count and validators, and overall the
 * frames shown and dropped. Replaced atomically, so a reader never sees half of it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct status_totals {
    uint64_t frames_shown;
    uint64_t frames_dropped; /* refresh periods that passed without a new frame */
    size_t stories_shown;
    int64_t started; /* Unix s */
};

/* The path to use: cfg_path when set, else $RUNTIME_DIRECTORY/status.json, else
 * $XDG_RUNTIME_DIR/ticker/status.json, else /run/ticker/status.json. Caller frees. */
char *status_default_path(const char *cfg_path);
/* The document; caller frees. */
char *status_json(const struct source *sources, size_t count, const struct status_totals *t,
                  int64_t now);
/* Replaces the file at path atomically; a path holding anything but a regular file is left
 * alone. On failure, false and the reason in err (not logged: the caller retries). */
bool status_write(const char *path, const struct source *sources, size_t count,
                  const struct status_totals *t, int64_t now, struct error *err);
