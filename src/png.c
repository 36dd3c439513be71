#include "png.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "log.h"
#include "util.h"

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

enum {
    COLOUR_GREY = 0,
    COLOUR_RGB = 2,
    COLOUR_PALETTE = 3,
    COLOUR_GREY_ALPHA = 4,
    COLOUR_RGBA = 6
};
enum { FILTER_NONE, FILTER_SUB, FILTER_UP, FILTER_AVERAGE, FILTER_PAETH, FILTER_COUNT };

/* The spec keeps chunk lengths below 2^31 so they survive signed 32-bit readers. */
#define CHUNK_MAX_LEN 0x7fffffffu
#define CHUNK_OVERHEAD 12u
#define HEADER_LEN 13u
#define ZLIB_LEVEL 6

/* Filtered rows of the largest image we accept; an incompressible file can be slightly larger
 * than that (stored deflate blocks, chunk framing), hence the slack in the file cap. */
#define MAX_RAW_LEN ((size_t)PNG_MAX_DIMENSION * (1 + (size_t)PNG_MAX_DIMENSION * 4))
#define MAX_FILE_LEN (MAX_RAW_LEN + MAX_RAW_LEN / 64 + 65536)
_Static_assert(MAX_RAW_LEN < UINT_MAX, "zlib's avail_out and crc32's length must hold an image");

/* What IHDR (and tRNS) say about the pixels; only 8-bit depth gets this far. */
struct header {
    uint32_t width, height;
    uint8_t colour_type;
    unsigned channels;
    /* A grey or RGB value that tRNS marks fully transparent; 16-bit as stored, so a value above
     * 255 in an 8-bit image matches nothing, as the spec intends. */
    bool has_key;
    uint16_t key[3];
};

/* Inflates the IDAT stream into a buffer that grows only as data arrives, so a header claiming
 * a huge image costs nothing until the data is really there. */
struct inflater {
    z_stream zs;
    uint8_t *buf;
    size_t cap, expected;
    bool ended;
};

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* The CRC covers the type and the data, which sit next to each other in the file. */
static uint32_t chunk_crc(const uint8_t *type_and_data, uint32_t data_len)
{
    return (uint32_t)crc32(0, type_and_data, data_len + 4);
}

static bool dimensions_ok(uint32_t width, uint32_t height)
{
    return width >= 1 && height >= 1 && width <= PNG_MAX_DIMENSION && height <= PNG_MAX_DIMENSION;
}

static uint8_t paeth(uint8_t a, uint8_t b, uint8_t c)
{
    int p = a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

static void filter_row(unsigned type, const uint8_t *row, const uint8_t *prior, size_t len,
                       unsigned bpp, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t a = i >= bpp ? row[i - bpp] : 0;
        uint8_t b = prior[i];
        uint8_t c = i >= bpp ? prior[i - bpp] : 0;
        uint8_t predicted = 0;
        switch (type) {
        case FILTER_SUB:
            predicted = a;
            break;
        case FILTER_UP:
            predicted = b;
            break;
        case FILTER_AVERAGE:
            predicted = (uint8_t)((a + b) / 2);
            break;
        case FILTER_PAETH:
            predicted = paeth(a, b, c);
            break;
        }
        out[i] = (uint8_t)(row[i] - predicted);
    }
}

/* Small residuals either side of zero compress best, so bytes count as signed. */
static uint64_t filter_cost(const uint8_t *filtered, size_t len)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += filtered[i] < 128 ? filtered[i] : 256u - filtered[i];
    return sum;
}

static bool unfilter_row(uint8_t type, uint8_t *row, const uint8_t *prior, size_t len, unsigned bpp)
{
    switch (type) {
    case FILTER_NONE:
        break;
    case FILTER_SUB:
        for (size_t i = bpp; i < len; i++)
            row[i] = (uint8_t)(row[i] + row[i - bpp]);
        break;
    case FILTER_UP:
        for (size_t i = 0; i < len; i++)
            row[i] = (uint8_t)(row[i] + prior[i]);
        break;
    case FILTER_AVERAGE:
        for (size_t i = 0; i < len; i++) {
            unsigned a = i >= bpp ? row[i - bpp] : 0;
            row[i] = (uint8_t)(row[i] + (a + prior[i]) / 2);
        }
        break;
    case FILTER_PAETH:
        for (size_t i = 0; i < len; i++) {
            uint8_t a = i >= bpp ? row[i - bpp] : 0;
            uint8_t c = i >= bpp ? prior[i - bpp] : 0;
            row[i] = (uint8_t)(row[i] + paeth(a, prior[i], c));
        }
        break;
    default:
        return false;
    }
    return true;
}

/* Fills the filtered scanlines (filter byte + row) of img, dropping alpha when opaque. */
static void filter_image(const struct png_image *img, unsigned channels, uint8_t *raw)
{
    size_t stride = (size_t)img->width * channels;
    /* One zero row stands in for the row above the first; then the previous and current rows,
     * then one candidate per filter type. */
    uint8_t *scratch = xcalloc(3 + FILTER_COUNT, stride);
    const uint8_t *prior = scratch;
    uint8_t *rows[2] = {scratch + stride, scratch + 2 * stride};
    uint8_t *candidates = scratch + 3 * stride;

    for (uint32_t y = 0; y < img->height; y++) {
        uint8_t *row = rows[y % 2];
        const uint8_t *src = img->rgba + (size_t)y * img->width * 4;
        if (channels == 4) {
            memcpy(row, src, stride);
        } else {
            for (uint32_t x = 0; x < img->width; x++)
                memcpy(row + (size_t)x * 3, src + (size_t)x * 4, 3);
        }

        unsigned best = 0;
        uint64_t best_cost = UINT64_MAX;
        for (unsigned f = 0; f < FILTER_COUNT; f++) {
            uint8_t *out = candidates + f * stride;
            filter_row(f, row, prior, stride, channels, out);
            uint64_t cost = filter_cost(out, stride);
            if (cost < best_cost) {
                best = f;
                best_cost = cost;
            }
        }
        uint8_t *dst = raw + (size_t)y * (stride + 1);
        dst[0] = (uint8_t)best;
        memcpy(dst + 1, candidates + best * stride, stride);
        prior = row;
    }
    free(scratch);
}

/* Writes the length and type before, and the CRC after, data already placed at at + 8. */
static size_t finish_chunk(uint8_t *at, const char *type, uint32_t len)
{
    put_u32(at, len);
    memcpy(at + 4, type, 4);
    put_u32(at + 8 + len, chunk_crc(at + 4, len));
    return (size_t)len + CHUNK_OVERHEAD;
}

static bool encode(const struct png_image *img, const char *name, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!img->rgba || !dimensions_ok(img->width, img->height)) {
        log_error("%s: cannot encode a %" PRIu32 "x%" PRIu32 " image%s (sides must be 1..%u)", name,
                  img->width, img->height, img->rgba ? "" : " without pixels", PNG_MAX_DIMENSION);
        return false;
    }

    size_t pixels = (size_t)img->width * img->height;
    bool has_alpha = false;
    for (size_t i = 0; i < pixels && !has_alpha; i++)
        has_alpha = img->rgba[i * 4 + 3] != 255;
    unsigned channels = has_alpha ? 4 : 3;
    size_t raw_len = img->height * ((size_t)img->width * channels + 1);

    uint8_t *raw = malloc(raw_len);
    if (!raw) {
        log_error("%s: out of memory encoding a %" PRIu32 "x%" PRIu32 " image", name, img->width,
                  img->height);
        return false;
    }
    filter_image(img, channels, raw);

    /* Compress straight into the IDAT chunk's place in the file to avoid another copy. */
    uLong bound = compressBound((uLong)raw_len);
    size_t idat_at = sizeof(png_signature) + CHUNK_OVERHEAD + HEADER_LEN;
    uint8_t *file = malloc(idat_at + CHUNK_OVERHEAD + bound + CHUNK_OVERHEAD);
    if (!file) {
        log_error("%s: out of memory encoding a %" PRIu32 "x%" PRIu32 " image", name, img->width,
                  img->height);
        goto err_free_raw;
    }
    uLongf compressed_len = bound;
    int ret = compress2(file + idat_at + 8, &compressed_len, raw, (uLong)raw_len, ZLIB_LEVEL);
    if (ret != Z_OK) {
        log_error("%s: compression failed: %s", name, zError(ret));
        goto err_free_file;
    }
    if (compressed_len > CHUNK_MAX_LEN) {
        log_error("%s: compressed image too large for one chunk", name);
        goto err_free_file;
    }

    memcpy(file, png_signature, sizeof(png_signature));
    uint8_t *header = file + sizeof(png_signature) + 8;
    put_u32(header, img->width);
    put_u32(header + 4, img->height);
    header[8] = 8;
    header[9] = has_alpha ? COLOUR_RGBA : COLOUR_RGB;
    header[10] = 0;
    header[11] = 0;
    header[12] = 0;
    finish_chunk(file + sizeof(png_signature), "IHDR", HEADER_LEN);
    size_t len = idat_at + finish_chunk(file + idat_at, "IDAT", (uint32_t)compressed_len);
    len += finish_chunk(file + len, "IEND", 0);

    free(raw);
    *out = file;
    *out_len = len;
    return true;

err_free_file:
    free(file);
err_free_raw:
    free(raw);
    return false;
}

bool png_encode(const struct png_image *img, uint8_t **out, size_t *out_len)
{
    return encode(img, "png_encode", out, out_len);
}

bool png_write(const char *path, const struct png_image *img)
{
    uint8_t *file;
    size_t len;
    if (!encode(img, path, &file, &len))
        return false;
    bool ok = util_write_file_atomic(path, file, len);
    free(file);
    return ok;
}

static bool parse_header(const uint8_t *body, uint32_t len, struct header *hdr, const char *name)
{
    if (len != HEADER_LEN) {
        log_error("%s: IHDR chunk is %" PRIu32 " bytes, not %u", name, len, HEADER_LEN);
        return false;
    }
    hdr->width = get_u32(body);
    hdr->height = get_u32(body + 4);
    uint8_t depth = body[8], colour_type = body[9];
    uint8_t compression = body[10], filter = body[11], interlace = body[12];

    if (!dimensions_ok(hdr->width, hdr->height)) {
        log_error("%s: image is %" PRIu32 "x%" PRIu32 ", sides must be 1..%u", name, hdr->width,
                  hdr->height, PNG_MAX_DIMENSION);
        return false;
    }
    switch (colour_type) {
    case COLOUR_GREY:
        hdr->channels = 1;
        break;
    case COLOUR_GREY_ALPHA:
        hdr->channels = 2;
        break;
    case COLOUR_RGB:
        hdr->channels = 3;
        break;
    case COLOUR_RGBA:
        hdr->channels = 4;
        break;
    case COLOUR_PALETTE:
        log_error("%s: palette PNGs are not supported", name);
        return false;
    default:
        log_error("%s: invalid colour type %u", name, colour_type);
        return false;
    }
    hdr->colour_type = colour_type;
    if (depth != 8) {
        log_error("%s: %u-bit samples are not supported, only 8-bit", name, depth);
        return false;
    }
    if (compression != 0 || filter != 0) {
        log_error("%s: unknown compression or filter method (%u, %u)", name, compression, filter);
        return false;
    }
    if (interlace != 0) {
        log_error("%s: %s", name,
                  interlace == 1 ? "interlaced PNGs are not supported"
                                 : "unknown interlace method");
        return false;
    }
    return true;
}

/* tRNS is ancillary: one of the wrong length, or in an image with an alpha channel, is ignored
 * as other decoders do rather than failing the whole image. */
static void parse_transparency(const uint8_t *body, uint32_t len, struct header *hdr)
{
    if (hdr->colour_type == COLOUR_GREY && len == 2) {
        hdr->key[0] = get_u16(body);
        hdr->has_key = true;
    } else if (hdr->colour_type == COLOUR_RGB && len == 6) {
        for (int i = 0; i < 3; i++)
            hdr->key[i] = get_u16(body + 2 * i);
        hdr->has_key = true;
    }
}

static bool inflater_init(struct inflater *inf, const struct header *hdr, const char *name)
{
    memset(inf, 0, sizeof(*inf));
    inf->expected = hdr->height * ((size_t)hdr->width * hdr->channels + 1);
    int ret = inflateInit(&inf->zs);
    if (ret != Z_OK) {
        log_error("%s: cannot start decompression: %s", name, zError(ret));
        return false;
    }
    return true;
}

static void inflater_finish(struct inflater *inf)
{
    inflateEnd(&inf->zs);
    free(inf->buf);
    inf->buf = NULL;
}

static bool inflater_feed(struct inflater *inf, const uint8_t *data, uint32_t len, const char *name)
{
    /* Bytes after the end of the deflate stream are ignored, as libpng does. */
    if (inf->ended)
        return true;
    inf->zs.next_in = data;
    inf->zs.avail_in = len;
    while (inf->zs.avail_in > 0) {
        /* Room for one byte more than expected, so that too much data shows up as such. */
        if (inf->zs.avail_out == 0) {
            size_t used = inf->zs.total_out;
            size_t cap = MIN(MAX(inf->cap * 2, (size_t)64 * 1024), inf->expected + 1);
            uint8_t *buf = realloc(inf->buf, cap);
            if (!buf) {
                log_error("%s: out of memory for %zu bytes of image data", name, cap);
                return false;
            }
            inf->buf = buf;
            inf->cap = cap;
            inf->zs.next_out = buf + used;
            inf->zs.avail_out = (uInt)(cap - used);
        }
        int ret = inflate(&inf->zs, Z_NO_FLUSH);
        if (inf->zs.total_out > inf->expected) {
            log_error("%s: more image data than the %zu bytes the header implies", name,
                      inf->expected);
            return false;
        }
        if (ret == Z_STREAM_END) {
            inf->ended = true;
            break;
        }
        /* With input and output room both available, no progress means a broken stream. */
        if (ret != Z_OK && !(ret == Z_BUF_ERROR && inf->zs.avail_out == 0)) {
            log_error("%s: corrupt image data: %s", name, inf->zs.msg ? inf->zs.msg : zError(ret));
            return false;
        }
    }
    return true;
}

static void expand_row(const uint8_t *src, uint8_t *dst, const struct header *hdr)
{
    switch (hdr->colour_type) {
    case COLOUR_GREY:
        for (uint32_t x = 0; x < hdr->width; x++, dst += 4) {
            dst[0] = dst[1] = dst[2] = src[x];
            dst[3] = hdr->has_key && src[x] == hdr->key[0] ? 0 : 255;
        }
        break;
    case COLOUR_GREY_ALPHA:
        for (uint32_t x = 0; x < hdr->width; x++, dst += 4, src += 2) {
            dst[0] = dst[1] = dst[2] = src[0];
            dst[3] = src[1];
        }
        break;
    case COLOUR_RGB:
        for (uint32_t x = 0; x < hdr->width; x++, dst += 4, src += 3) {
            memcpy(dst, src, 3);
            bool keyed = hdr->has_key && src[0] == hdr->key[0] && src[1] == hdr->key[1] &&
                         src[2] == hdr->key[2];
            dst[3] = keyed ? 0 : 255;
        }
        break;
    case COLOUR_RGBA:
        memcpy(dst, src, (size_t)hdr->width * 4);
        break;
    }
}

/* Undoes the filters in place and converts to RGBA; the raw data was inflated to exactly the
 * size the header implies. */
static bool reconstruct(uint8_t *raw, const struct header *hdr, uint8_t *rgba, const char *name)
{
    size_t stride = (size_t)hdr->width * hdr->channels;
    uint8_t *zero_row = xcalloc(1, stride);
    const uint8_t *prior = zero_row;
    bool ok = true;
    for (uint32_t y = 0; y < hdr->height; y++) {
        uint8_t *line = raw + (size_t)y * (stride + 1);
        if (!unfilter_row(line[0], line + 1, prior, stride, hdr->channels)) {
            log_error("%s: unknown filter type %u on row %" PRIu32, name, line[0], y);
            ok = false;
            break;
        }
        expand_row(line + 1, rgba + (size_t)y * hdr->width * 4, hdr);
        prior = line + 1;
    }
    free(zero_row);
    return ok;
}

static bool valid_chunk_type(const uint8_t *type)
{
    for (int i = 0; i < 4; i++) {
        bool letter = (type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z');
        if (!letter)
            return false;
    }
    return true;
}

bool png_decode(const uint8_t *data, size_t len, struct png_image *img, const char *name_for_errors)
{
    const char *name = name_for_errors ? name_for_errors : "png";
    memset(img, 0, sizeof(*img));
    if (len < sizeof(png_signature) || memcmp(data, png_signature, sizeof(png_signature)) != 0) {
        log_error("%s: not a PNG file (bad signature)", name);
        return false;
    }

    struct header hdr = {0};
    struct inflater inf = {0};
    bool seen_header = false, seen_data = false;
    size_t pos = sizeof(png_signature);
    for (;;) {
        if (len - pos < CHUNK_OVERHEAD) {
            log_error("%s: truncated at byte %zu, before the IEND chunk", name, len);
            goto err_finish_inflater;
        }
        uint32_t chunk_len = get_u32(data + pos);
        const uint8_t *type = data + pos + 4;
        const uint8_t *body = type + 4;
        if (!valid_chunk_type(type)) {
            log_error("%s: invalid chunk type at byte %zu", name, pos);
            goto err_finish_inflater;
        }
        if (chunk_len > CHUNK_MAX_LEN || chunk_len > len - pos - CHUNK_OVERHEAD) {
            log_error("%s: %.4s chunk at byte %zu claims %" PRIu32 " bytes, file is truncated or "
                      "corrupt",
                      name, (const char *)type, pos, chunk_len);
            goto err_finish_inflater;
        }
        if (chunk_crc(type, chunk_len) != get_u32(body + chunk_len)) {
            log_error("%s: CRC mismatch in %.4s chunk at byte %zu", name, (const char *)type, pos);
            goto err_finish_inflater;
        }
        pos += CHUNK_OVERHEAD + chunk_len;

        if (!seen_header) {
            if (memcmp(type, "IHDR", 4) != 0) {
                log_error("%s: first chunk is %.4s, not IHDR", name, (const char *)type);
                goto err_finish_inflater;
            }
            if (!parse_header(body, chunk_len, &hdr, name) || !inflater_init(&inf, &hdr, name))
                goto err_finish_inflater;
            seen_header = true;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            seen_data = true;
            if (!inflater_feed(&inf, body, chunk_len, name))
                goto err_finish_inflater;
        } else if (memcmp(type, "IEND", 4) == 0) {
            break;
        } else if (memcmp(type, "tRNS", 4) == 0) {
            parse_transparency(body, chunk_len, &hdr);
        } else if (memcmp(type, "IHDR", 4) == 0) {
            log_error("%s: second IHDR chunk at byte %zu", name, pos - CHUNK_OVERHEAD - chunk_len);
            goto err_finish_inflater;
        } else if (!(type[0] & 0x20) && memcmp(type, "PLTE", 4) != 0) {
            /* A critical chunk changes how pixels are read; guessing would show garbage. A
             * PLTE in a truecolour image is only a suggestion, so it may be skipped. */
            log_error("%s: unsupported critical chunk %.4s", name, (const char *)type);
            goto err_finish_inflater;
        }
    }

    if (!seen_data) {
        log_error("%s: no IDAT chunk", name);
        goto err_finish_inflater;
    }
    if (!inf.ended) {
        log_error("%s: compressed image data ends early, after %lu of %zu bytes", name,
                  inf.zs.total_out, inf.expected);
        goto err_finish_inflater;
    }
    if (inf.zs.total_out != inf.expected) {
        log_error("%s: image data is %lu bytes, the header implies %zu", name, inf.zs.total_out,
                  inf.expected);
        goto err_finish_inflater;
    }

    size_t rgba_len = (size_t)hdr.width * hdr.height * 4;
    uint8_t *rgba = malloc(rgba_len);
    if (!rgba) {
        log_error("%s: out of memory for a %" PRIu32 "x%" PRIu32 " image", name, hdr.width,
                  hdr.height);
        goto err_finish_inflater;
    }
    if (!reconstruct(inf.buf, &hdr, rgba, name))
        goto err_free_rgba;

    inflater_finish(&inf);
    img->width = hdr.width;
    img->height = hdr.height;
    img->rgba = rgba;
    return true;

err_free_rgba:
    free(rgba);
err_finish_inflater:
    if (seen_header)
        inflater_finish(&inf);
    return false;
}

bool png_read(const char *path, struct png_image *img)
{
    memset(img, 0, sizeof(*img));
    size_t len;
    char *data = util_read_file(path, MAX_FILE_LEN, &len);
    if (!data) {
        log_error("%s: cannot read: %s", path,
                  errno == EFBIG ? "larger than any image we accept" : util_read_error(errno));
        return false;
    }
    bool ok = png_decode((const uint8_t *)data, len, img, path);
    free(data);
    return ok;
}

void png_image_finish(struct png_image *img)
{
    free(img->rgba);
    memset(img, 0, sizeof(*img));
}
