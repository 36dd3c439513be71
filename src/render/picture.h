/* RGBA pictures as PNG files, for screenshots (`ticker render`) and golden-image tests, through
 * libpng's simplified API. Writing gives 8-bit RGB (RGBA when any pixel is not opaque); reading
 * takes any PNG libpng reads and gives 8-bit RGBA. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Larger pictures are refused when reading and writing, which bounds what a hostile file can
 * make us allocate (1 GiB). */
#define PICTURE_MAX_DIMENSION 16384u

struct picture {
    uint32_t width, height;
    /* Owned: width * height pixels of R, G, B, A bytes, rows top to bottom with no padding. */
    uint8_t *rgba;
};

/* Writes pic to path as PNG, atomically, so a reader never sees half a file. False (logged) on
 * failure. */
bool picture_write_png(const char *path, const struct picture *pic);
/* Reads the PNG file at path into pic, which the caller later passes to picture_finish. False
 * (one logged line naming the file) on failure, pic then zeroed. */
bool picture_read_png(const char *path, struct picture *pic);
/* The same without logging, under tighter limits: a file over max_bytes or a picture over
 * max_side on a side is refused, called `what` ("a logo") in the message. On failure false,
 * "PATH: why" in err, pic zeroed. Any thread. */
bool picture_load_png(const char *path, size_t max_bytes, uint32_t max_side, const char *what,
                      struct picture *pic, struct error *err);
/* Frees the pixels and zeroes pic; a zeroed picture is fine. */
void picture_finish(struct picture *pic);
