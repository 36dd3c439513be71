/* Layout at every supported shape of screen, with a fake font: regions inside the screen and
 * apart, text inside its boxes, tiles apart, sizes readable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "util.h"

#include "common.h"

static const struct test_mono mono_font = {.advance_pct = 55, .line_pct = 121};
static const struct text_measure mono = TEST_MONO_MEASURE(&mono_font);

static const int sizes[][2] = {
    {800, 480},   {1024, 600},  {1280, 720},  {1280, 800},  {1366, 768},  {1920, 1080},
    {2560, 1440}, {3840, 2160}, {1024, 768},  {1280, 1024}, {480, 800},   {600, 1024},
    {720, 1280},  {1080, 1920}, {2160, 3840}, {1920, 1200}, {2560, 1080}, {1200, 1920},
};

/* [theme] text_scale: both ends of its range and between. */
static const int scales[] = {LAYOUT_MIN_TEXT_SCALE, 100, 120, 140, LAYOUT_MAX_TEXT_SCALE};

static struct story make_story(const char *title, const char *summary, size_t nfig,
                               const char *value)
{
    struct story s;
    memset(&s, 0, sizeof(s));
    s.title = (char *)title;
    s.summary = (char *)summary;
    s.figure_count = nfig;
    for (size_t i = 0; i < nfig; i++) {
        s.figures[i].value = (char *)value;
        s.figures[i].label = (char *)"American deaths a year attributed to fentanyl overdoses";
    }
    return s;
}

static void check_block_in_box(const struct text_block *b, struct rect box, const char *what,
                               const struct screen_layout *sl)
{
    if (b->line_count == 0)
        return;
    if (b->width > box.w || b->height > box.h)
        fail_msg("%dx%d at %d%%: %s %dx%d overflows its %dx%d box", sl->width, sl->height,
                 sl->text_scale, what, b->width, b->height, box.w, box.h);
}

static void test_screen_regions(void **state)
{
    (void)state;
    /* Every size of screen at every text scale. */
    for (size_t n = 0; n < ARRAY_LEN(sizes) * ARRAY_LEN(scales); n++) {
        int w = sizes[n % ARRAY_LEN(sizes)][0], h = sizes[n % ARRAY_LEN(sizes)][1];
        int scale = scales[n / ARRAY_LEN(sizes)];
        struct screen_layout sl;
        layout_screen(w, h, scale, &sl);
        struct rect screen = {0, 0, w, h};
        assert_true(layout_rect_contains(screen, sl.top_bar));
        assert_true(layout_rect_contains(screen, sl.card));
        assert_true(layout_rect_contains(screen, sl.band));
        assert_false(layout_rects_overlap(sl.top_bar, sl.card));
        assert_false(layout_rects_overlap(sl.card, sl.band));
        assert_false(layout_rects_overlap(sl.top_bar, sl.band));
        assert_int_equal(sl.band.y + sl.band.h, h);
        assert_int_equal(sl.portrait, h > w);
        /* Readable from across a lobby on a 7" panel: nothing under 12 px, headlines 20+
         * (at the usual scale; a smaller one is the operator's choice). */
        int base = w < h ? w : h;
        int floor_scale = scale < 100 ? scale : 100;
        assert_true(sl.status_px >= 12 * floor_scale / 100 &&
                    sl.label_px >= 12 * floor_scale / 100 &&
                    sl.summary_px >= 16 * floor_scale / 100);
        assert_true(sl.headline_min_px >= 20 * base / 480 * floor_scale / 100);
        assert_true(sl.crawl_px >= 20 * floor_scale / 100);
        /* Proportional: the same share of the screen at every size (within rounding), the
         * band growing with the text. */
        assert_true(abs(sl.band.h * 1000 / base - 90 * scale / 100) <= 3);
        /* The card keeps most of the screen even with the largest text. */
        assert_true(sl.card.h * 100 / h >= 55);
    }
}

static void test_cards_fit(void **state)
{
    (void)state;
    const char *long_title = "Congressional commission report lists seven findings on China and "
                             "fentanyl and then goes on for far longer than any headline should";
    const char *long_summary =
        "The Congressional-Executive Commission on China said on April 16, 2024 that China "
        "covertly assists exports of fentanyl materials through subsidies and incentives, and "
        "this summary keeps going well past what a card can show so it must be cut somewhere.";
    struct story stories[] = {
        make_story("Two rounds of US tariffs reach 20% on all Chinese goods", "Short.", 2, "20%"),
        make_story(long_title, long_summary, 3, "75,000"),
        make_story(long_title, long_summary, 1, "April 16, 2024 and beyond"),
        make_story("Wang Yi–Waltz channel stalls", "", 0, NULL),
        make_story("Supercalifragilisticexpialidociouslylongunbreakablewordthatneverends",
                   long_summary, 3, "1234567890123456789012345"),
    };
    /* Every size of screen at every text scale. */
    for (size_t n = 0; n < ARRAY_LEN(sizes) * ARRAY_LEN(scales); n++) {
        int w = sizes[n % ARRAY_LEN(sizes)][0], h = sizes[n % ARRAY_LEN(sizes)][1];
        int scale = scales[n / ARRAY_LEN(sizes)];
        struct screen_layout sl;
        layout_screen(w, h, scale, &sl);
        /* Each story as news, then as an alert (a larger headline of up to 4 lines). */
        for (size_t k = 0; k < 2 * ARRAY_LEN(stories); k++) {
            struct story story = stories[k % ARRAY_LEN(stories)];
            story.alert = k >= ARRAY_LEN(stories);
            struct card_layout cl;
            layout_card(&sl, &mono, &mono, &story, &cl);
            assert_true(cl.headline.line_count >= 1 &&
                        cl.headline.line_count <= (story.alert ? 4u : 3u));
            assert_true(layout_rect_contains(sl.card, cl.headline_box));
            check_block_in_box(&cl.headline, cl.headline_box, "headline", &sl);
            if (cl.summary.line_count) {
                assert_true(layout_rect_contains(sl.card, cl.summary_box));
                check_block_in_box(&cl.summary, cl.summary_box, "summary", &sl);
                assert_false(layout_rects_overlap(cl.headline_box, cl.summary_box));
            }
            assert_int_equal(cl.tile_count, story.figure_count);
            for (size_t t = 0; t < cl.tile_count; t++) {
                if (!layout_rect_contains(sl.card, cl.tiles[t]))
                    fail_msg("%dx%d at %d%%: story %zu: tile %zu outside the card", w, h, scale, k,
                             t);
                assert_false(layout_rects_overlap(cl.tiles[t], cl.headline_box));
                assert_false(layout_rects_overlap(cl.tiles[t], cl.summary_box));
                for (size_t u = 0; u < t; u++)
                    assert_false(layout_rects_overlap(cl.tiles[t], cl.tiles[u]));
                assert_true(layout_rect_contains(cl.tiles[t], cl.value_box[t]));
                check_block_in_box(&cl.value[t], cl.value_box[t], "figure value", &sl);
                assert_int_equal(cl.value[t].line_count, 1);
                if (cl.label[t].line_count) {
                    assert_true(layout_rect_contains(cl.tiles[t], cl.label_box[t]));
                    check_block_in_box(&cl.label[t], cl.label_box[t], "figure label", &sl);
                    assert_false(layout_rects_overlap(cl.value_box[t], cl.label_box[t]));
                }
            }
        }
    }
}

/* An alert's headline is at least as large as the same story's as news (larger where the
 * card's height allows: on 1080p it is), its summary larger. */
static void test_alert_is_bigger(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        struct screen_layout sl;
        layout_screen(sizes[i][0], sizes[i][1], 100, &sl);
        struct story s = make_story("Fire drill at 11:00: leave by the nearest exit",
                                    "Meet at the car park.", 0, NULL);
        struct card_layout news, alert;
        layout_card(&sl, &mono, &mono, &s, &news);
        s.alert = true;
        layout_card(&sl, &mono, &mono, &s, &alert);
        bool hd = sizes[i][0] == 1920 && sizes[i][1] == 1080;
        if (alert.headline.size_px < news.headline.size_px + (hd ? 1 : 0) ||
            alert.summary.size_px <= news.summary.size_px)
            fail_msg("%dx%d: alert %d/%d px, news %d/%d px", sizes[i][0], sizes[i][1],
                     alert.headline.size_px, alert.summary.size_px, news.headline.size_px,
                     news.summary.size_px);
    }
}

static void test_short_figure_is_big(void **state)
{
    (void)state;
    /* "20%" on 1080p gets a poster-sized value: the point of the figure tiles. */
    struct screen_layout sl;
    layout_screen(1920, 1080, 100, &sl);
    struct story s = make_story("Tariffs", "", 1, "20%");
    struct card_layout cl;
    layout_card(&sl, &mono, &mono, &s, &cl);
    assert_true(cl.value[0].size_px >= 120);
    assert_true(cl.value[0].size_px > 2 * sl.headline_max_px / 2);
}

/* text_scale scales every type size and the bars that hold type, nothing else; out of range
 * it is the nearest end. */
static void test_text_scale(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        int w = sizes[i][0], h = sizes[i][1];
        struct screen_layout a, b, lo, hi;
        layout_screen(w, h, 100, &a);
        layout_screen(w, h, 140, &b);
        const int pairs[][2] = {
            {a.crawl_px, b.crawl_px},
            {a.headline_min_px, b.headline_min_px},
            {a.headline_max_px, b.headline_max_px},
            {a.summary_px, b.summary_px},
            {a.label_px, b.label_px},
            {a.brand_px, b.brand_px},
            {a.clock_px, b.clock_px},
            {a.band.h, b.band.h},
            {a.top_bar.h, b.top_bar.h},
        };
        for (size_t k = 0; k < ARRAY_LEN(pairs); k++)
            if (abs(pairs[k][0] * 140 - pairs[k][1] * 100) > 100)
                fail_msg("%dx%d: size %zu is %d at 100%% and %d at 140%%", w, h, k, pairs[k][0],
                         pairs[k][1]);
        assert_int_equal(a.margin, b.margin);
        assert_int_equal(a.padding, b.padding);
        assert_true(b.card.h < a.card.h);
        layout_screen(w, h, 10, &lo);
        layout_screen(w, h, 1000, &hi);
        assert_int_equal(lo.text_scale, LAYOUT_MIN_TEXT_SCALE);
        assert_int_equal(hi.text_scale, LAYOUT_MAX_TEXT_SCALE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen_regions),      cmocka_unit_test(test_cards_fit),
        cmocka_unit_test(test_short_figure_is_big), cmocka_unit_test(test_alert_is_bigger),
        cmocka_unit_test(test_text_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
