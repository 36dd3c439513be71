/* The sign's logo ([sign] logo): a PNG read once per configuration on the worker thread, then
 * scaled for each screen when a scene is built. Pure: libpng, no SDL, so tests drive it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* A larger file or picture is refused: what a logo needs is far less, and it bounds what a
 * wrong path (a photo, a poster) makes the worker allocate. */
#define LOGO_MAX_FILE_BYTES (16u << 20)
#define LOGO_MAX_SIDE 4096u

struct logo {
    uint32_t width, height;
    /* Owned: width * height pixels, premultiplied R, G, B, A bytes, rows top to bottom; NULL
     * for no logo. */
    uint8_t *rgba;
};

/* Reads the PNG at path into out (zeroed first). False with the reason in err ("PATH: why")
 * when it is missing, unreadable, not a PNG, broken, or larger than LOGO_MAX_SIDE on a side. */
bool logo_load(struct logo *out, const char *path, struct error *err);
/* Frees the pixels and zeroes logo; safe on a zeroed one. */
void logo_finish(struct logo *logo);

/* The size the logo gets in a box of max_w x max_h: as tall as the box unless that makes it
 * wider than max_w, aspect kept, at least 1x1. Pure. */
void logo_fit(const struct logo *logo, int max_w, int max_h, int *w, int *h);
/* The logo resampled to w x h (area averaging when shrinking, bilinear when growing), as
 * straight-alpha ARGB8888 pixels (caller frees), rows top to bottom. */
uint32_t *logo_scale(const struct logo *logo, int w, int h);
