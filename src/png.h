/* PNG files for screenshots and golden-image tests: writes 8-bit RGB or RGBA and reads back the
 * plain 8-bit, non-interlaced files that we and common tools produce. Anything else is refused
 * with a logged reason rather than half-supported. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Larger images are refused when reading and writing, which bounds what a hostile file can make
 * us allocate (about 1 GiB). */
#define PNG_MAX_DIMENSION 16384u

struct png_image {
    uint32_t width, height;
    /* Owned: width * height pixels of R, G, B, A bytes, rows top to bottom with no padding. */
    uint8_t *rgba;
};

/* Encodes img as RGB when every alpha is 255, RGBA otherwise. On success *out is a new buffer the
 * caller frees; on failure (logged) *out is NULL. */
bool png_encode(const struct png_image *img, uint8_t **out, size_t *out_len);
/* Encodes img and writes it to path atomically, so a reader never sees half a file. */
bool png_write(const char *path, const struct png_image *img);

/* Decodes len bytes of data into img, which the caller later passes to png_image_finish.
 * name_for_errors (the path, usually) starts the logged line on failure; img is then zeroed. */
bool png_decode(const uint8_t *data, size_t len, struct png_image *img,
                const char *name_for_errors);
/* Reads and decodes the file at path; like png_decode otherwise. */
bool png_read(const char *path, struct png_image *img);

/* Frees the pixels and zeroes img; a zeroed img is fine. */
void png_image_finish(struct png_image *img);
