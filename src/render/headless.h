/* `ticker render`: one frame, drawn by the sign's own stage with SDL's software renderer at a
 * virtual time, written as PNG. Deterministic: same feed, size and time give the same pixels. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct render_options {
    const char *config_path;
    const char *const *feeds;
    size_t feed_count;
    double at_s; /* seconds since the sign started */
    int width, height;
    const char *out;
    int64_t now; /* wall clock at start (Unix s); INT64_MIN: the newest story date */
};

int headless_render(const struct render_options *opt);
