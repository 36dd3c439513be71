/* Pictures through libpng: what is written reads back pixel for pixel (RGB when opaque, RGBA
 * otherwise), the committed golden frames read, and broken or oversized files are refused with
 * one logged line, never half a picture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "log.h"
#include "picture.h"
#include "util.h"

#include "common.h"

static char *dir;

static int make_dir(void **state)
{
    (void)state;
    dir = test_make_dir("test_picture");
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    test_remove_tree(dir);
    free(dir);
    return 0;
}

/* A picture where a shifted row, a swapped channel or a lost alpha would not compare equal. */
static struct picture make(uint32_t w, uint32_t h, bool opaque)
{
    struct picture p = {w, h, xmalloc((size_t)w * h * 4)};
    for (size_t i = 0; i < (size_t)w * h; i++) {
        p.rgba[i * 4 + 0] = (uint8_t)(i * 7);
        p.rgba[i * 4 + 1] = (uint8_t)(i / w * 13);
        p.rgba[i * 4 + 2] = (uint8_t)(i * 31 + 5);
        p.rgba[i * 4 + 3] = opaque ? 255 : (uint8_t)(i * 3);
    }
    return p;
}

static void test_round_trip(void **state)
{
    (void)state;
    static const struct {
        uint32_t w, h;
        bool opaque;
        uint8_t colour_type; /* IHDR byte 25: 2 RGB, 6 RGBA */
    } rows[] = {
        {1, 1, true, 2},
        {3, 2, false, 6},
        {257, 33, true, 2},
        {640, 360, false, 6},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct picture p = make(rows[i].w, rows[i].h, rows[i].opaque);
        char *path = xasprintf("%s/round-%zu.png", dir, i);
        assert_true(picture_write_png(path, &p));
        size_t len;
        char *file = util_read_file(path, 1 << 24, &len);
        assert_non_null(file);
        assert_memory_equal(file, "\x89PNG\r\n\x1a\n", 8);
        assert_int_equal((uint8_t)file[25], rows[i].colour_type);
        free(file);
        struct picture back;
        assert_true(picture_read_png(path, &back));
        assert_int_equal(back.width, rows[i].w);
        assert_int_equal(back.height, rows[i].h);
        assert_memory_equal(back.rgba, p.rgba, (size_t)rows[i].w * rows[i].h * 4);
        picture_finish(&back);
        picture_finish(&p);
        free(path);
    }
}

/* The golden frames the tests compare with were written by the hand-written encoder before
 * libpng: they must still read, whole. */
static void test_golden_frame_reads(void **state)
{
    (void)state;
    struct picture p;
    assert_true(
        picture_read_png(TICKER_SOURCE_DIR "/tests/golden/panel-800x480-commission.png", &p));
    assert_int_equal(p.width, 800);
    assert_int_equal(p.height, 480);
    size_t opaque = 0;
    for (size_t i = 0; i < 800 * 480; i++)
        opaque += p.rgba[i * 4 + 3] == 255;
    assert_int_equal(opaque, 800 * 480);
    picture_finish(&p);
}

static void test_refused(void **state)
{
    (void)state;
    struct picture good = make(64, 16, true);
    char *good_path = xasprintf("%s/good.png", dir);
    assert_true(picture_write_png(good_path, &good));
    size_t len;
    char *file = util_read_file(good_path, 1 << 20, &len);
    assert_non_null(file);

    /* Cut short, a flipped byte in the pixel data, not a PNG, empty, a 20000-pixel-wide
     * header (with its CRC made right): each refused, nothing half read. */
    char *wide = xmalloc(len);
    memcpy(wide, file, len);
    wide[16] = 0, wide[17] = 0, wide[18] = 0x4e, wide[19] = 0x20;    /* width 20000 */
    uint32_t crc = (uint32_t)crc32(0, (const Bytef *)wide + 12, 17); /* "IHDR" and its data */
    for (int b = 0; b < 4; b++)
        wide[29 + b] = (char)(crc >> (24 - 8 * b));
    char *flipped = xmalloc(len);
    memcpy(flipped, file, len);
    flipped[len - 20] ^= 0x40;
    static const char not_png[] = "GIF89a not a png at all";
    const struct {
        const char *what;
        const char *data;
        size_t len;
    } rows[] = {
        {"truncated", file, len / 2},
        {"flipped", flipped, len},
        {"not-png", not_png, sizeof(not_png) - 1},
        {"empty", "", 0},
        {"too-wide", wide, len},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *path = xasprintf("%s/%s.png", dir, rows[i].what);
        assert_true(util_write_file_atomic(path, rows[i].data, rows[i].len));
        struct picture p = {1, 1, NULL};
        if (picture_read_png(path, &p))
            fail_msg("%s: read as %ux%u", rows[i].what, p.width, p.height);
        assert_null(p.rgba);
        assert_int_equal(p.width, 0);
        free(path);
    }
    /* And one that does not exist, or is a directory. */
    struct picture p;
    assert_false(picture_read_png("/nonexistent/x.png", &p));
    assert_false(picture_read_png(dir, &p));
    /* Nor is a picture without pixels written. */
    struct picture none = {0, 5, NULL};
    assert_false(picture_write_png(good_path, &none));
    free(wide);
    free(flipped);
    free(file);
    free(good_path);
    picture_finish(&good);
}

int main(void)
{
    log_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_golden_frame_reads),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
