/* The logo: loading (and refusing) PNGs, fitting and resampling, and a frame drawn by `ticker
 * render` with the sample logo: its pixels where the top bar's layout puts them, the theme's
 * background through its transparent parts, and no logo when it cannot be read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "headless.h"
#include "layout.h"
#include "logo.h"
#include "picture.h"
#include "util.h"

#include "common.h"

#define SAMPLE TICKER_SOURCE_DIR "/assets/logo/sample.png"
#define FEED TICKER_SOURCE_DIR "/assets/feeds/default.json"

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A logo made of pixels given as straight RGBA, premultiplied as logo_load leaves them. */
static struct logo make_logo(uint32_t w, uint32_t h, const uint8_t *rgba)
{
    struct logo l = {w, h, xmalloc((size_t)w * h * 4)};
    for (size_t i = 0; i < (size_t)w * h; i++) {
        for (int c = 0; c < 3; c++)
            l.rgba[i * 4 + (size_t)c] =
                (uint8_t)((rgba[i * 4 + (size_t)c] * rgba[i * 4 + 3] + 127) / 255);
        l.rgba[i * 4 + 3] = rgba[i * 4 + 3];
    }
    return l;
}

static void test_fit(void **state)
{
    (void)state;
    static const struct {
        uint32_t w, h;
        int max_w, max_h, want_w, want_h;
    } rows[] = {
        {256, 256, 900, 62, 62, 62},   /* square: as tall as the box */
        {1000, 250, 900, 62, 248, 62}, /* wide: aspect kept */
        {4000, 100, 900, 62, 900, 23}, /* wider than the box: as wide as it */
        {10, 4000, 900, 62, 1, 62},    /* a sliver: still a pixel */
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct logo l = {rows[i].w, rows[i].h, NULL};
        int w, h;
        logo_fit(&l, rows[i].max_w, rows[i].max_h, &w, &h);
        if (w != rows[i].want_w || h != rows[i].want_h)
            fail_msg("fit row %zu: %dx%d, expected %dx%d", i, w, h, rows[i].want_w, rows[i].want_h);
    }
}

static void test_scale(void **state)
{
    (void)state;
    /* Opaque white beside transparent black, shrunk 4:1 and 2:1: half covered, and still white
     * (a straight average would darken the edge to grey). */
    uint8_t px[4 * 4 * 4];
    for (int i = 0; i < 16; i++) {
        bool on = (i % 4) < 2;
        memset(px + i * 4, on ? 255 : 0, 3);
        px[i * 4 + 3] = on ? 255 : 0;
    }
    struct logo l = make_logo(4, 4, px);
    uint32_t *one = logo_scale(&l, 1, 1);
    assert_int_equal(one[0] >> 24, 128);
    assert_int_equal(one[0] & 0xFFFFFF, 0xFFFFFF);
    free(one);
    uint32_t *two = logo_scale(&l, 2, 2);
    assert_int_equal(two[0], 0xFFFFFFFFu);
    assert_int_equal(two[1] >> 24, 0);
    free(two);
    /* Growing blends neighbours (bilinear), never blocks: 4 to 8 columns leaves a column between
     * white and clear that is neither. */
    uint32_t *eight = logo_scale(&l, 8, 4);
    size_t partial = 0;
    for (int x = 0; x < 8; x++) {
        uint32_t a = eight[x] >> 24;
        partial += a > 0 && a < 255;
    }
    assert_true(partial >= 1);
    assert_int_equal(eight[0] >> 24, 255);
    assert_int_equal(eight[7] >> 24, 0);
    free(eight);
    logo_finish(&l);
}

static void test_load(void **state)
{
    (void)state;
    struct logo l;
    struct error err;
    assert_true(logo_load(&l, SAMPLE, &err));
    assert_int_equal(l.width, 256);
    assert_int_equal(l.height, 256);
    /* The corner is outside the rounded badge: clear. */
    assert_int_equal(l.rgba[3], 0);
    logo_finish(&l);
    assert_false(logo_load(&l, "/nonexistent/logo.png", &err));
    assert_non_null(strstr(err.msg, "/nonexistent/logo.png: cannot read"));
    assert_null(l.rgba);
    assert_false(logo_load(&l, FEED, &err));
    assert_non_null(strstr(err.msg, "not a PNG file"));
}

static bool near(const uint8_t *p, uint32_t rgb, int tolerance)
{
    return abs(p[0] - (int)(rgb >> 16)) <= tolerance &&
           abs(p[1] - (int)(rgb >> 8 & 0xFF)) <= tolerance &&
           abs(p[2] - (int)(rgb & 0xFF)) <= tolerance;
}

static const uint8_t *at(const struct picture *pic, int x, int y)
{
    return pic->rgba + ((size_t)y * pic->width + (size_t)x) * 4;
}

/* Renders the default feed at 1920x1080 with config text; the picture into pic, the log
 * into *log. */
static void render(const char *dir, const char *text, struct picture *pic, char **log)
{
    char *conf = xasprintf("%s/ticker.conf", dir), *out = xasprintf("%s/frame.png", dir);
    write_text(conf, text);
    const char *feeds[] = {FEED};
    struct render_options opt = {.config_path = conf,
                                 .feeds = feeds,
                                 .feed_count = 1,
                                 .at_s = 1,
                                 .width = 1920,
                                 .height = 1080,
                                 .out = out,
                                 .now = INT64_MIN};
    struct test_capture c;
    test_capture_begin(&c);
    assert_int_equal(headless_render(&opt), 0);
    *log = test_capture_end(&c);
    assert_true(picture_read_png(out, pic));
    free(conf);
    free(out);
}

static void test_render(void **state)
{
    (void)state;
    static const uint32_t amber = 0xffb020;
    static const struct {
        const char *theme;
        uint32_t background;
    } themes[] = {{"default", 0x0b1220}, {"light", 0xe9edf3}};
    struct screen_layout sl;
    layout_screen(1920, 1080, 100, &sl);
    /* The logo is as tall as the top bar less 15% above and below, square like the sample. */
    int pad = sl.top_bar.h * 15 / 100, size = sl.top_bar.h - 2 * pad;
    char *dir = test_make_dir("test_logo");
    for (size_t t = 0; t < ARRAY_LEN(themes); t++) {
        char *text = xasprintf("[sign]\ntitle = Lobby\nlogo = %s\n[theme]\nname = %s\n", SAMPLE,
                               themes[t].theme);
        struct picture pic;
        char *log;
        render(dir, text, &pic, &log);
        assert_string_equal(log, "");
        /* Where the badge's amber is in the top bar: the logo's box (the sample's badge stands
         * 4/256 in from its edges, which blend with the background). */
        int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
        for (int y = 0; y < sl.top_bar.h; y++)
            for (int x = 0; x < sl.width / 2; x++)
                if (near(at(&pic, x, y), amber, 8)) {
                    x0 = MIN(x0, x), y0 = MIN(y0, y);
                    x1 = MAX(x1, x), y1 = MAX(y1, y);
                }
        int top = (sl.top_bar.h - size) / 2;
        if (abs(x0 - sl.brand.x) > 2 || abs(x1 + 1 - (sl.brand.x + size)) > 2 ||
            abs(y0 - top) > 2 || abs(y1 + 1 - (top + size)) > 2)
            fail_msg("%s: amber in %d,%d..%d,%d; the logo's box is %d,%d size %d", themes[t].theme,
                     x0, y0, x1, y1, sl.brand.x, (sl.top_bar.h - size) / 2, size);
        /* Its rounded corner and the bars cut out of it show the theme's background; its
         * middle above the bars is amber. */
        int cx = sl.brand.x + size / 2;
        assert_true(near(at(&pic, sl.brand.x, top), themes[t].background, 2));
        assert_true(near(at(&pic, cx, top + size * 84 / 256), themes[t].background, 6));
        assert_true(near(at(&pic, cx, top + size * 30 / 256), amber, 2));
        /* The title follows it: text pixels (not background) right of the logo, none between. */
        size_t text_px = 0, gap_px = 0;
        for (int y = 0; y < sl.top_bar.h; y++) {
            for (int x = sl.brand.x + size + 2; x < sl.brand.x + size + sl.brand_px / 2 - 1; x++)
                gap_px += !near(at(&pic, x, y), themes[t].background, 2);
            for (int x = sl.brand.x + size + sl.brand_px / 2; x < sl.width / 3; x++)
                text_px += !near(at(&pic, x, y), themes[t].background, 2);
        }
        assert_int_equal(gap_px, 0);
        assert_true(text_px > 200);
        picture_finish(&pic);
        free(log);
        free(text);
    }

    /* A logo that cannot be read: one line saying so, the sign drawn without it. */
    struct picture pic;
    char *log;
    render(dir, "[sign]\ntitle = Lobby\nlogo = /nonexistent/logo.png\n", &pic, &log);
    assert_int_equal(test_count_lines(log), 1);
    assert_non_null(strstr(log, "[sign] logo /nonexistent/logo.png: cannot read"));
    assert_non_null(strstr(log, "the sign shows without a logo"));
    for (int y = 0; y < sl.top_bar.h; y++)
        for (int x = 0; x < sl.width / 2; x++)
            assert_false(near(at(&pic, x, y), amber, 8));
    picture_finish(&pic);
    free(log);
    test_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
