/* The sign's health for operators (DESIGN.md contracts): the status file, a small JSON document
 * with per source the last attempt, last success, last error, item count and validators, and
 * overall the frames shown and dropped and whether the display is on; and the same facts as
 * Prometheus metrics for node_exporter's textfile collector. Both replaced atomically, so a
 * reader never sees half of one. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct status_totals {
    uint64_t frames_shown;
    uint64_t frames_dropped; /* refresh periods that passed without a new frame */
    uint64_t frames_late;    /* presents that came one or more periods late */
    size_t stories_shown;
    size_t alerts_shown;         /* of them alerts, taking over the sign */
    int64_t started;             /* Unix s */
    bool display_on;             /* false while the schedule has the display off */
    const struct source *remote; /* the [remote] settings source; NULL: none (not owned) */
    uint64_t resident_bytes;     /* of the process; 0 = unknown */
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

/* The Prometheus text exposition format (version 0.0.4) of the same facts; caller frees. */
char *status_metrics(const struct source *sources, size_t count, const struct status_totals *t);
/* Replaces the metrics file at path as status_write does the status file. */
bool status_write_metrics(const char *path, const struct source *sources, size_t count,
                          const struct status_totals *t, struct error *err);
/* The resident memory of this process in bytes (/proc/self/statm), 0 when unknown. */
uint64_t status_resident_bytes(void);
