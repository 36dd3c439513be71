#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include <cmocka.h>

#include "log.h"
#include "png.h"
#include "util.h"

/* Byte offsets in a file with IHDR first, which both our encoder and the builder below write. */
#define IHDR_CRC_AT 29
#define COLOUR_TYPE_AT 25
#define FIRST_CHUNK_AFTER_IHDR 33

/* Loops that feed hundreds of broken files would bury a real failure's message in log lines. */
static void logs_quiet(void)
{
    log_set_level((enum log_level)(LOG_ERROR - 1));
}

static void logs_loud(void)
{
    log_set_level(LOG_INFO);
}

static uint32_t next_random(uint32_t *state)
{
    /* xorshift32: the same noise on every run and every libc. */
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void store_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum alpha_mode { OPAQUE, TRANSLUCENT };

/* Gradients for the smooth parts of a UI, noise so that the best filter differs between rows. */
static struct png_image make_image(uint32_t width, uint32_t height, enum alpha_mode alpha,
                                   uint32_t seed)
{
    struct png_image img = {.width = width, .height = height};
    img.rgba = xmalloc((size_t)width * height * 4);
    uint32_t state = seed;
    for (uint32_t y = 0; y < height; y++) {
        for (uint32_t x = 0; x < width; x++) {
            uint8_t *p = img.rgba + ((size_t)y * width + x) * 4;
            uint32_t noise = next_random(&state);
            p[0] = (uint8_t)(x * 255 / width);
            p[1] = (uint8_t)(y * 255 / height);
            p[2] = (x + y) % 3 == 0 ? (uint8_t)noise : (uint8_t)((x * 7 + y * 3) & 255);
            p[3] = alpha == OPAQUE ? 255 : (uint8_t)(noise >> 8);
        }
    }
    /* A single translucent pixel must be enough to keep the alpha channel. */
    if (alpha == TRANSLUCENT)
        img.rgba[3] = 254;
    return img;
}

static void test_round_trip(void **state)
{
    (void)state;
    static const struct {
        uint32_t width, height;
        enum alpha_mode alpha;
        uint8_t colour_type;
    } cases[] = {
        {1, 1, OPAQUE, 2},        {3, 7, OPAQUE, 2},        {257, 5, OPAQUE, 2},
        {64, 48, OPAQUE, 2},      {1, 1, TRANSLUCENT, 6},   {3, 7, TRANSLUCENT, 6},
        {257, 5, TRANSLUCENT, 6}, {64, 48, TRANSLUCENT, 6}, {1, 300, TRANSLUCENT, 6},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct png_image in =
            make_image(cases[i].width, cases[i].height, cases[i].alpha, (uint32_t)i + 1);
        uint8_t *file = NULL;
        size_t len = 0;
        assert_true(png_encode(&in, &file, &len));
        assert_int_equal(file[COLOUR_TYPE_AT], cases[i].colour_type);

        struct png_image out;
        assert_true(png_decode(file, len, &out, "round trip"));
        assert_int_equal(out.width, in.width);
        assert_int_equal(out.height, in.height);
        assert_memory_equal(out.rgba, in.rgba, (size_t)in.width * in.height * 4);

        png_image_finish(&out);
        png_image_finish(&in);
        free(file);
    }
}

static void test_write_and_read_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_png.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/shot.png", dir);
    struct png_image in = make_image(31, 17, TRANSLUCENT, 99);
    bool written = png_write(path, &in);
    struct png_image out, gone;
    bool read = png_read(path, &out);
    unlink(path);
    bool read_gone = png_read(path, &gone);
    /* Tidy up before asserting: a failed assertion leaves the test at once. */
    rmdir(dir);
    free(path);

    assert_true(written);
    assert_true(read);
    assert_int_equal(out.width, 31);
    assert_int_equal(out.height, 17);
    assert_memory_equal(out.rgba, in.rgba, (size_t)31 * 17 * 4);
    assert_false(read_gone);
    assert_null(gone.rgba);
    png_image_finish(&out);
    png_image_finish(&in);
}

/* Inflates the IDAT stream of a file whose chunks are known to be well formed. */
static uint8_t *inflate_idat(const uint8_t *file, size_t len, size_t raw_len)
{
    z_stream zs = {0};
    assert_int_equal(inflateInit(&zs), Z_OK);
    uint8_t *raw = xmalloc(raw_len);
    zs.next_out = raw;
    zs.avail_out = (uInt)raw_len;
    int ret = Z_OK;
    for (size_t pos = 8; pos + 12 <= len && ret == Z_OK;) {
        uint32_t chunk_len = load_u32(file + pos);
        if (memcmp(file + pos + 4, "IDAT", 4) == 0) {
            zs.next_in = file + pos + 8;
            zs.avail_in = chunk_len;
            ret = inflate(&zs, Z_NO_FLUSH);
        }
        pos += 12 + (size_t)chunk_len;
    }
    assert_int_equal(ret, Z_STREAM_END);
    assert_int_equal(zs.total_out, raw_len);
    inflateEnd(&zs);
    return raw;
}

/* A ramp compresses best as "same as the pixel on the left" on the first row and "same as the
 * row above" after; ties go to the lower filter number, as in libpng. The ramp falls, so its
 * residuals are negative and only count as small when bytes are taken as signed. */
static void test_filter_choice(void **state)
{
    (void)state;
    enum { WIDTH = 40, HEIGHT = 4 };
    struct png_image img = {.width = WIDTH, .height = HEIGHT};
    img.rgba = xmalloc(WIDTH * HEIGHT * 4);
    for (size_t i = 0; i < WIDTH * HEIGHT; i++) {
        uint8_t *p = img.rgba + i * 4;
        p[0] = p[1] = p[2] = (uint8_t)(255 - i % WIDTH * 5);
        p[3] = 255;
    }
    uint8_t *file;
    size_t len;
    assert_true(png_encode(&img, &file, &len));
    size_t stride = WIDTH * 3 + 1;
    uint8_t *raw = inflate_idat(file, len, stride * HEIGHT);
    static const uint8_t expected[HEIGHT] = {1, 2, 2, 2};
    for (size_t y = 0; y < HEIGHT; y++)
        assert_int_equal(raw[y * stride], expected[y]);
    free(raw);
    free(file);
    png_image_finish(&img);
}

/* Screenshots are mostly flat colour; they must come out small. */
static void test_flat_image_is_small(void **state)
{
    (void)state;
    struct png_image img = {.width = 1280, .height = 120};
    img.rgba = xmalloc((size_t)1280 * 120 * 4);
    for (size_t i = 0; i < (size_t)1280 * 120; i++)
        memcpy(img.rgba + i * 4, (const uint8_t[]){0x20, 0x30, 0x60, 0xff}, 4);
    uint8_t *file;
    size_t len;
    assert_true(png_encode(&img, &file, &len));
    assert_in_range(len, 60, 1024);
    free(file);
    png_image_finish(&img);
}

static void test_encode_rejects_bad_images(void **state)
{
    (void)state;
    uint8_t pixel[4] = {0};
    static const struct {
        uint32_t width, height;
        bool has_pixels;
    } cases[] = {
        {0, 1, true},
        {1, 0, true},
        {PNG_MAX_DIMENSION + 1, 1, true},
        {1, 1, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct png_image img = {cases[i].width, cases[i].height,
                                cases[i].has_pixels ? pixel : NULL};
        uint8_t *file = (uint8_t *)&img;
        size_t len = 1;
        assert_false(png_encode(&img, &file, &len));
        assert_null(file);
        assert_int_equal(len, 0);
    }
}

static void test_truncated_rejected(void **state)
{
    (void)state;
    struct png_image img = make_image(3, 7, TRANSLUCENT, 5);
    uint8_t *file;
    size_t len;
    assert_true(png_encode(&img, &file, &len));
    logs_quiet();
    /* Every prefix, including the one that lacks only IEND; copied so ASan sees the end. */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = xmalloc(cut);
        memcpy(copy, file, cut);
        struct png_image out;
        assert_false(png_decode(copy, cut, &out, "truncated"));
        assert_null(out.rgba);
        assert_int_equal(out.width, 0);
        free(copy);
    }
    logs_loud();
    free(file);
    png_image_finish(&img);
}

static void test_flipped_byte_rejected(void **state)
{
    (void)state;
    struct png_image img = make_image(3, 7, OPAQUE, 6);
    uint8_t *file;
    size_t len;
    assert_true(png_encode(&img, &file, &len));
    struct png_image out;
    assert_true(png_decode(file, len, &out, "unchanged"));
    png_image_finish(&out);

    const struct {
        const char *what;
        size_t at;
    } cases[] = {
        {"IHDR CRC", IHDR_CRC_AT},
        {"IHDR CRC last byte", IHDR_CRC_AT + 3},
        {"IDAT data", FIRST_CHUNK_AFTER_IHDR + 8},
        {"IDAT CRC", len - 12 - 1},
        {"IEND CRC", len - 1},
        {"signature", 1},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        file[cases[i].at] ^= 0x01;
        assert_false(png_decode(file, len, &out, cases[i].what));
        assert_null(out.rgba);
        file[cases[i].at] ^= 0x01;
    }
    free(file);
    png_image_finish(&img);
}

/* Builds files by hand for what our encoder never writes: other colour types, chosen filters,
 * split IDATs, broken structure. */
struct file_builder {
    uint8_t data[4096];
    size_t len;
};

static void put_bytes(struct file_builder *b, const void *bytes, size_t len)
{
    assert_true(len <= sizeof(b->data) - b->len);
    if (len > 0)
        memcpy(b->data + b->len, bytes, len);
    b->len += len;
}

static void put_u32(struct file_builder *b, uint32_t v)
{
    uint8_t bytes[4];
    store_u32(bytes, v);
    put_bytes(b, bytes, 4);
}

static void put_chunk(struct file_builder *b, const char *type, const void *body, size_t len)
{
    put_u32(b, (uint32_t)len);
    size_t type_at = b->len;
    put_bytes(b, type, 4);
    put_bytes(b, body, len);
    put_u32(b, (uint32_t)crc32(0, b->data + type_at, (uInt)len + 4));
}

static void put_signature(struct file_builder *b)
{
    put_bytes(b, "\x89PNG\r\n\x1a\n", 8);
}

static void put_header(struct file_builder *b, uint32_t width, uint32_t height, uint8_t depth,
                       uint8_t colour_type, uint8_t compression, uint8_t filter, uint8_t interlace)
{
    uint8_t body[13] = {[8] = depth, colour_type, compression, filter, interlace};
    store_u32(body, width);
    store_u32(body + 4, height);
    put_chunk(b, "IHDR", body, sizeof(body));
}

/* Compresses raw and spreads it over pieces IDAT chunks, the first of them empty when there are
 * several, since decoders must cope with both. drop_tail bytes are cut off the zlib stream. */
static void put_data(struct file_builder *b, const uint8_t *raw, size_t raw_len, size_t pieces,
                     size_t drop_tail)
{
    uint8_t packed[2048];
    uLongf packed_len = sizeof(packed);
    assert_int_equal(compress2(packed, &packed_len, raw, raw_len, 9), Z_OK);
    packed_len -= drop_tail;
    if (pieces > 1)
        put_chunk(b, "IDAT", NULL, 0);
    size_t at = 0;
    for (size_t i = 1; i < pieces; i++) {
        size_t piece = packed_len / pieces;
        put_chunk(b, "IDAT", packed + at, piece);
        at += piece;
    }
    put_chunk(b, "IDAT", packed + at, packed_len - at);
}

static void test_bad_headers_rejected(void **state)
{
    (void)state;
    /* The IDAT always holds one unfiltered RGB pixel: right for the first row only, and for the
     * interlaced one too (a 1x1 image has one pass), so the header alone decides. */
    static const uint8_t raw[] = {0, 10, 20, 30};
    static const struct {
        const char *what;
        uint32_t width, height;
        uint8_t depth, colour_type, compression, filter, interlace;
        bool ok;
    } cases[] = {
        {"valid", 1, 1, 8, 2, 0, 0, 0, true},
        {"interlaced", 1, 1, 8, 2, 0, 0, 1, false},
        {"unknown interlace", 1, 1, 8, 2, 0, 0, 2, false},
        {"palette", 1, 1, 8, 3, 0, 0, 0, false},
        {"16-bit", 1, 1, 16, 2, 0, 0, 0, false},
        {"4-bit grey", 1, 1, 4, 0, 0, 0, 0, false},
        {"colour type 5", 1, 1, 8, 5, 0, 0, 0, false},
        {"zero width", 0, 1, 8, 2, 0, 0, 0, false},
        {"zero height", 1, 0, 8, 2, 0, 0, 0, false},
        {"too wide", PNG_MAX_DIMENSION + 1, 1, 8, 2, 0, 0, 0, false},
        {"too tall", 1, PNG_MAX_DIMENSION + 1, 8, 2, 0, 0, 0, false},
        {"huge", 0xffffffffu, 0xffffffffu, 8, 6, 0, 0, 0, false},
        {"compression 1", 1, 1, 8, 2, 1, 0, 0, false},
        {"filter method 1", 1, 1, 8, 2, 0, 1, 0, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct file_builder b = {.len = 0};
        put_signature(&b);
        put_header(&b, cases[i].width, cases[i].height, cases[i].depth, cases[i].colour_type,
                   cases[i].compression, cases[i].filter, cases[i].interlace);
        put_data(&b, raw, sizeof(raw), 1, 0);
        put_chunk(&b, "IEND", NULL, 0);
        struct png_image out;
        bool ok = png_decode(b.data, b.len, &out, cases[i].what);
        if (ok != cases[i].ok)
            fail_msg("%s: decode returned %d", cases[i].what, ok);
        png_image_finish(&out);
    }
}

/* The spec's filters, forwards, kept apart from png.c so a shared misreading shows up. */
static uint8_t spec_paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

static void spec_filter(uint8_t type, const uint8_t *row, const uint8_t *prior, size_t len,
                        size_t bpp, uint8_t *out)
{
    out[0] = type;
    for (size_t i = 0; i < len; i++) {
        int a = i >= bpp ? row[i - bpp] : 0, b = prior ? prior[i] : 0;
        int c = i >= bpp && prior ? prior[i - bpp] : 0;
        int predicted = 0;
        switch (type) {
        case 1:
            predicted = a;
            break;
        case 2:
            predicted = b;
            break;
        case 3:
            predicted = (a + b) / 2;
            break;
        case 4:
            predicted = spec_paeth(a, b, c);
            break;
        }
        out[1 + i] = (uint8_t)(row[i] - predicted);
    }
}

static void test_colour_types_and_filters(void **state)
{
    (void)state;
    enum { WIDTH = 32, HEIGHT = 10 };
    static const struct {
        const char *what;
        uint8_t colour_type;
        size_t channels;
        /* tRNS body, or none when trns_len is 0 */
        uint8_t trns[6];
        size_t trns_len;
    } cases[] = {
        {"grey", 0, 1, {0}, 0},
        {"grey with tRNS", 0, 1, {0, 200}, 2},
        {"grey+alpha", 4, 2, {0}, 0},
        {"RGB", 2, 3, {0}, 0},
        {"RGB with tRNS", 2, 3, {0, 40, 0, 41, 0, 42}, 6},
        {"RGBA", 6, 4, {0}, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t channels = cases[i].channels, stride = WIDTH * channels;
        uint8_t samples[HEIGHT][WIDTH * 4];
        uint8_t expected[HEIGHT * WIDTH * 4];
        uint32_t seed = 7;
        for (size_t y = 0; y < HEIGHT; y++) {
            /* Mostly tiny values, so that Paeth's ties (where the spec fixes the winner) occur,
             * with full-range ones mixed in for the sums that wrap. */
            for (size_t s = 0; s < stride; s++) {
                uint32_t r = next_random(&seed);
                samples[y][s] = (uint8_t)((r & 0x300) == 0 ? r : r & 3);
            }
            for (size_t x = 0; x < WIDTH; x++) {
                uint8_t *sample = &samples[y][x * channels];
                uint8_t *want = &expected[(y * WIDTH + x) * 4];
                /* Plant the tRNS colour once so that transparency can be seen to work. */
                if (y == 1 && x == 1 && cases[i].trns_len == 2)
                    sample[0] = 200;
                if (y == 1 && x == 1 && cases[i].trns_len == 6)
                    memcpy(sample, (const uint8_t[]){40, 41, 42}, 3);
                bool grey = channels <= 2;
                want[0] = sample[0];
                want[1] = grey ? sample[0] : sample[1];
                want[2] = grey ? sample[0] : sample[2];
                want[3] = channels == 2 ? sample[1] : channels == 4 ? sample[3] : 255;
                bool keyed = false;
                if (cases[i].trns_len == 2)
                    keyed = sample[0] == cases[i].trns[1];
                if (cases[i].trns_len == 6)
                    keyed = sample[0] == cases[i].trns[1] && sample[1] == cases[i].trns[3] &&
                            sample[2] == cases[i].trns[5];
                if (keyed)
                    want[3] = 0;
            }
        }
        /* Filter types rotate down the rows and from case to case, so that every type meets
         * real rows above and, in some case, the zero row above the first. */
        uint8_t raw[HEIGHT * (WIDTH * 4 + 1)];
        for (size_t y = 0; y < HEIGHT; y++)
            spec_filter((uint8_t)((y + i) % 5), samples[y], y ? samples[y - 1] : NULL, stride,
                        channels, raw + y * (stride + 1));

        struct file_builder b = {.len = 0};
        put_signature(&b);
        put_header(&b, WIDTH, HEIGHT, 8, cases[i].colour_type, 0, 0, 0);
        if (cases[i].trns_len)
            put_chunk(&b, "tRNS", cases[i].trns, cases[i].trns_len);
        put_data(&b, raw, HEIGHT * (stride + 1), 3, 0);
        put_chunk(&b, "IEND", NULL, 0);

        struct png_image out;
        if (!png_decode(b.data, b.len, &out, cases[i].what))
            fail_msg("%s: not decoded", cases[i].what);
        assert_int_equal(out.width, WIDTH);
        assert_int_equal(out.height, HEIGHT);
        assert_memory_equal(out.rgba, expected, sizeof(expected));
        png_image_finish(&out);
    }
}

enum defect {
    DEFECT_NONE,
    DEFECT_NO_IEND,
    DEFECT_NO_IDAT,
    DEFECT_EXTRA_DATA,
    DEFECT_SHORT_DATA,
    DEFECT_NO_CHECKSUM,
    DEFECT_FILTER_TYPE_5,
    DEFECT_NOT_ZLIB,
    DEFECT_UNKNOWN_CRITICAL,
    DEFECT_UNKNOWN_ANCILLARY,
    DEFECT_IDAT_FIRST,
    DEFECT_SECOND_IHDR,
    DEFECT_BAD_CHUNK_TYPE,
    DEFECT_HUGE_LENGTH,
    DEFECT_GARBAGE_AFTER_IEND,
};

static void test_structure(void **state)
{
    (void)state;
    static const struct {
        enum defect defect;
        bool ok;
    } cases[] = {
        {DEFECT_NONE, true},
        {DEFECT_NO_IEND, false},
        {DEFECT_NO_IDAT, false},
        {DEFECT_EXTRA_DATA, false},
        {DEFECT_SHORT_DATA, false},
        {DEFECT_NO_CHECKSUM, false},
        {DEFECT_FILTER_TYPE_5, false},
        {DEFECT_NOT_ZLIB, false},
        {DEFECT_UNKNOWN_CRITICAL, false},
        {DEFECT_UNKNOWN_ANCILLARY, true},
        {DEFECT_IDAT_FIRST, false},
        {DEFECT_SECOND_IHDR, false},
        {DEFECT_BAD_CHUNK_TYPE, false},
        {DEFECT_HUGE_LENGTH, false},
        {DEFECT_GARBAGE_AFTER_IEND, true},
    };
    /* 2x2 RGB, both rows unfiltered, and one spare byte for DEFECT_EXTRA_DATA. */
    uint8_t raw[] = {0, 1, 2, 3, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12, 99};
    size_t raw_len = sizeof(raw) - 1;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        enum defect defect = cases[i].defect;
        raw[7] = defect == DEFECT_FILTER_TYPE_5 ? 5 : 0;
        struct file_builder b = {.len = 0};
        put_signature(&b);
        if (defect == DEFECT_IDAT_FIRST)
            put_data(&b, raw, raw_len, 1, 0);
        put_header(&b, 2, 2, 8, 2, 0, 0, 0);
        if (defect == DEFECT_SECOND_IHDR)
            put_header(&b, 2, 2, 8, 2, 0, 0, 0);
        if (defect == DEFECT_UNKNOWN_CRITICAL)
            put_chunk(&b, "ABCD", "x", 1);
        if (defect == DEFECT_UNKNOWN_ANCILLARY)
            put_chunk(&b, "abCd", "x", 1);
        if (defect == DEFECT_BAD_CHUNK_TYPE)
            put_chunk(&b, "ab\001d", "x", 1);
        if (defect == DEFECT_HUGE_LENGTH) {
            put_u32(&b, 0xfffffff0u);
            put_bytes(&b, "IDAT", 4);
        }
        if (defect == DEFECT_NOT_ZLIB)
            put_chunk(&b, "IDAT", "not zlib at all", 15);
        else if (defect == DEFECT_EXTRA_DATA)
            put_data(&b, raw, raw_len + 1, 2, 0);
        else if (defect == DEFECT_SHORT_DATA)
            put_data(&b, raw, raw_len - 1, 2, 0);
        else if (defect == DEFECT_NO_CHECKSUM)
            put_data(&b, raw, raw_len, 2, 4);
        else if (defect != DEFECT_NO_IDAT && defect != DEFECT_IDAT_FIRST)
            put_data(&b, raw, raw_len, 2, 0);
        if (defect != DEFECT_NO_IEND)
            put_chunk(&b, "IEND", NULL, 0);
        if (defect == DEFECT_GARBAGE_AFTER_IEND)
            put_bytes(&b, "junk", 4);

        struct png_image out;
        bool ok = png_decode(b.data, b.len, &out, "structure");
        if (ok != cases[i].ok)
            fail_msg("defect %d: decode returned %d", (int)defect, ok);
        if (ok) {
            static const uint8_t first[] = {1, 2, 3, 255, 4, 5, 6, 255};
            assert_memory_equal(out.rgba, first, sizeof(first));
        } else {
            assert_null(out.rgba);
        }
        png_image_finish(&out);
    }
}

/* Recomputes every CRC so that mutations reach the inflater and the filters instead of all
 * stopping at the first CRC check. */
static void fix_crcs(uint8_t *file, size_t len)
{
    for (size_t pos = 8; len - pos >= 12;) {
        uint32_t chunk_len = load_u32(file + pos);
        if (chunk_len > len - pos - 12)
            return;
        store_u32(file + pos + 8 + chunk_len, (uint32_t)crc32(0, file + pos + 4, chunk_len + 4));
        pos += 12 + (size_t)chunk_len;
    }
}

static void test_hostile_mutations(void **state)
{
    (void)state;
    struct png_image img = make_image(16, 9, TRANSLUCENT, 11);
    uint8_t *file;
    size_t len;
    assert_true(png_encode(&img, &file, &len));
    uint32_t seed = 12345;
    size_t accepted = 0;
    logs_quiet();
    for (int round = 0; round < 5000; round++) {
        uint8_t *copy = xmalloc(len);
        memcpy(copy, file, len);
        uint32_t flips = 1 + next_random(&seed) % 4;
        for (uint32_t f = 0; f < flips; f++)
            copy[8 + next_random(&seed) % (len - 8)] = (uint8_t)next_random(&seed);
        size_t cut = round % 3 == 0 ? 8 + next_random(&seed) % (len - 8) : len;
        if (round % 2 == 0)
            fix_crcs(copy, cut);
        struct png_image out;
        if (png_decode(copy, cut, &out, "mutant")) {
            accepted++;
            assert_non_null(out.rgba);
            assert_in_range(out.width, 1, PNG_MAX_DIMENSION);
            assert_in_range(out.height, 1, PNG_MAX_DIMENSION);
            /* Touch every pixel so ASan checks the size matches the dimensions. */
            uint8_t sum = 0;
            for (size_t p = 0; p < (size_t)out.width * out.height * 4; p++)
                sum = (uint8_t)(sum + out.rgba[p]);
            (void)sum;
        } else {
            assert_null(out.rgba);
        }
        png_image_finish(&out);
        free(copy);
    }
    logs_loud();
    /* A flip that lands on a CRC which is then recomputed leaves a valid file, which must still
     * decode: a decoder that refused everything would pass the loop above. */
    assert_true(accepted > 0);
    free(file);
    png_image_finish(&img);
}

static void test_finish_zeroed(void **state)
{
    (void)state;
    struct png_image img = {0};
    png_image_finish(&img);
    png_image_finish(&img);
    assert_null(img.rgba);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_write_and_read_file),
        cmocka_unit_test(test_filter_choice),
        cmocka_unit_test(test_flat_image_is_small),
        cmocka_unit_test(test_encode_rejects_bad_images),
        cmocka_unit_test(test_truncated_rejected),
        cmocka_unit_test(test_flipped_byte_rejected),
        cmocka_unit_test(test_bad_headers_rejected),
        cmocka_unit_test(test_colour_types_and_filters),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_hostile_mutations),
        cmocka_unit_test(test_finish_zeroed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
