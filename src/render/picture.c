#include "picture.h"

#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define MAX_FILE_BYTES (256u << 20)

static bool dimensions_ok(const char *path, uint32_t width, uint32_t height)
{
    if (width > 0 && height > 0 && width <= PICTURE_MAX_DIMENSION &&
        height <= PICTURE_MAX_DIMENSION)
        return true;
    log_error("%s: %ux%u pixels: not a picture we take (1 to %u on each side)", path, width, height,
              PICTURE_MAX_DIMENSION);
    return false;
}

bool picture_write_png(const char *path, const struct picture *pic)
{
    if (!dimensions_ok(path, pic->width, pic->height))
        return false;
    size_t pixels = (size_t)pic->width * pic->height;
    bool opaque = true;
    for (size_t i = 0; i < pixels && opaque; i++)
        opaque = pic->rgba[i * 4 + 3] == 255;
    /* Opaque frames (all of the sign's) as RGB: a quarter smaller. */
    uint8_t *rgb = NULL;
    if (opaque) {
        rgb = xmalloc(pixels * 3);
        for (size_t i = 0; i < pixels; i++)
            memcpy(rgb + i * 3, pic->rgba + i * 4, 3);
    }
    png_image image = {.version = PNG_IMAGE_VERSION,
                       .width = pic->width,
                       .height = pic->height,
                       .format = opaque ? PNG_FORMAT_RGB : PNG_FORMAT_RGBA};
    const void *buffer = opaque ? (const void *)rgb : (const void *)pic->rgba;
    png_alloc_size_t size = 0;
    bool ok = png_image_write_to_memory(&image, NULL, &size, 0, buffer, 0, NULL);
    void *data = ok ? xmalloc(size) : NULL;
    ok = ok && png_image_write_to_memory(&image, data, &size, 0, buffer, 0, NULL);
    if (!ok)
        log_error("%s: cannot encode PNG: %s", path, image.message);
    else
        ok = util_write_file_atomic(path, data, size);
    png_image_free(&image);
    free(data);
    free(rgb);
    return ok;
}

bool picture_load_png(const char *path, size_t max_bytes, uint32_t max_side, const char *what,
                      struct picture *pic, struct error *err)
{
    memset(pic, 0, sizeof(*pic));
    size_t len;
    char *data = util_read_file(path, max_bytes, &len);
    if (!data) {
        if (errno == EFBIG)
            error_set(err, "%s: larger than %zu MiB (too large for %s)", path, max_bytes >> 20,
                      what);
        else
            error_set(err, "%s: cannot read: %s", path, util_read_error(errno));
        return false;
    }
    png_image image = {.version = PNG_IMAGE_VERSION};
    bool ok = false;
    if (!png_image_begin_read_from_memory(&image, data, len)) {
        error_set(err, "%s: not a PNG file (%s)", path, image.message);
    } else if (image.width > max_side || image.height > max_side) {
        error_set(err, "%s: %ux%u pixels is too large for %s (at most %ux%u)", path, image.width,
                  image.height, what, max_side, max_side);
    } else {
        image.format = PNG_FORMAT_RGBA;
        pic->rgba = xmalloc(PNG_IMAGE_SIZE(image));
        ok = png_image_finish_read(&image, NULL, pic->rgba, 0, NULL);
        if (!ok)
            error_set(err, "%s: broken PNG (%s)", path, image.message);
    }
    if (ok) {
        pic->width = image.width;
        pic->height = image.height;
    } else {
        picture_finish(pic);
    }
    png_image_free(&image);
    free(data);
    return ok;
}

bool picture_read_png(const char *path, struct picture *pic)
{
    struct error err;
    bool ok = picture_load_png(path, MAX_FILE_BYTES, PICTURE_MAX_DIMENSION, "a picture", pic, &err);
    if (!ok)
        log_error("%s", err.msg);
    return ok;
}

void picture_finish(struct picture *pic)
{
    free(pic->rgba);
    memset(pic, 0, sizeof(*pic));
}
