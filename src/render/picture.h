/* RGBA pictures as PNG files, for screenshots (`ticker render`) and golden-image tests, through
 * libpng's simplified API. Writing gives 8-bit RGB (RGBA when any pixel is not opaque); reading
 * takes any PNG libpng reads and gives 8-bit RGBA. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

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
/* Frees the pixels and zeroes pic; a zeroed picture is fine. */
void picture_finish(struct picture *pic);
