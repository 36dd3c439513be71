/* The crawl's motion: whole, identical steps every frame at 60 and 59.94 Hz; late frames catch
 * up exactly; the conveyor never jumps when content changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "crawl.h"
#include "pacing.h"

struct feedsim {
    uint32_t snapshot;
    int widths[4];
    uint32_t count;
    int supplied;
};

static bool next(void *ctx, const struct crawl_segment *prev, struct crawl_segment *out)
{
    struct feedsim *f = ctx;
    if (f->count == 0)
        return false;
    uint32_t i = prev ? (prev->index + 1) % f->count : 0;
    *out = (struct crawl_segment){f->snapshot, i, f->widths[i]};
    f->supplied++;
    return true;
}

/* Position of the conveyor's content: travelled pixels must equal frames x step exactly. */
static void run_frames(double hz, int px_per_s, int expected_step)
{
    struct feedsim f = {1, {700, 1300, 450, 2200}, 4, 0};
    struct crawl c;
    crawl_init(&c, 1920);
    crawl_advance(&c, 0, next, &f);
    int step = crawl_step_px(px_per_s, hz);
    assert_int_equal(step, expected_step);
    int64_t period = (int64_t)(1e9 / hz + 0.5);
    int64_t last = 0;
    for (int frame = 0; frame < 10000; frame++) {
        /* Presents land within +-3 ms of the vsync: scheduling noise must not change a step. */
        int64_t jitter = (int64_t)((frame * 7919) % 6001) * 1000 - 3000000;
        int64_t t = (frame + 1) * period + jitter;
        int64_t periods = crawl_periods(t - last, period);
        last = t;
        assert_int_equal(periods, 1);
        int64_t before = c.travelled;
        crawl_advance(&c, step * periods, next, &f);
        assert_int_equal(c.travelled - before, step);
        /* The view stays covered and the first segment is on screen. */
        int64_t covered = -c.offset;
        for (size_t i = 0; i < c.count; i++)
            covered += c.segments[i].width;
        assert_true(covered >= c.view_width);
        assert_true(c.offset >= 0 && c.offset < c.segments[0].width);
    }
    assert_int_equal(c.travelled, (int64_t)10000 * step);
}

static void test_uniform_60hz(void **state)
{
    (void)state;
    run_frames(60.0, 120, 2);
}

static void test_uniform_5994hz(void **state)
{
    (void)state;
    run_frames(60000.0 / 1001.0, 120, 2);
}

static void test_step_snapping(void **state)
{
    (void)state;
    struct {
        int px_per_s;
        double hz;
        int step;
    } rows[] = {
        {120, 60, 2},  {120, 59.94, 2}, {90, 60, 2},  {89, 60, 1},  {10, 60, 1},
        {240, 144, 2}, {120, 144, 1},   {300, 50, 6}, {120, 30, 4}, {53, 60, 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(crawl_step_px(rows[i].px_per_s, rows[i].hz), rows[i].step);
}

static void test_late_frame_catches_up(void **state)
{
    (void)state;
    int64_t period = 16683350; /* 59.94 Hz */
    struct {
        int64_t elapsed;
        int64_t periods;
    } rows[] = {
        {period, 1},           {period * 2, 2}, {period * 3, 3}, {period * 3 / 2 + 1, 2},
        {period * 14 / 10, 1}, {period / 3, 1}, {0, 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(crawl_periods(rows[i].elapsed, period), rows[i].periods);

    /* A sequence with one frame two periods late ends exactly where an on-time one does. */
    struct feedsim f = {1, {500, 800, 300, 1000}, 4, 0};
    struct crawl late, ontime;
    crawl_init(&late, 800);
    crawl_init(&ontime, 800);
    crawl_advance(&late, 0, next, &f);
    crawl_advance(&ontime, 0, next, &f);
    int64_t t = 0, last = 0;
    for (int frame = 0; frame < 600; frame++) {
        t += frame == 300 ? 3 * period : period;
        crawl_advance(&late, 3 * crawl_periods(t - last, period), next, &f);
        last = t;
    }
    for (int frame = 0; frame < 602; frame++)
        crawl_advance(&ontime, 3, next, &f);
    assert_int_equal(late.travelled, ontime.travelled);
    assert_int_equal(late.offset, ontime.offset);
    assert_int_equal(late.segments[0].index, ontime.segments[0].index);
}

static void test_new_content_joins_at_the_right(void **state)
{
    (void)state;
    struct feedsim f = {1, {500, 800, 300, 1000}, 4, 0};
    struct crawl c;
    crawl_init(&c, 1000);
    crawl_advance(&c, 0, next, &f);
    crawl_advance(&c, 10, next, &f);
    struct crawl_segment first = c.segments[0];
    int64_t offset = c.offset;
    size_t count = c.count;
    /* Content changes: what is on screen stays put. */
    f.snapshot = 2;
    f.widths[0] = 50;
    crawl_advance(&c, 0, next, &f);
    assert_int_equal(c.segments[0].snapshot_id, first.snapshot_id);
    assert_int_equal(c.offset, offset);
    assert_int_equal(c.count, count);
    /* Moving on, the next segments come from the new snapshot, at the next story. */
    for (int i = 0; i < 1000; i++)
        crawl_advance(&c, 2, next, &f);
    assert_int_equal(c.segments[c.count - 1].snapshot_id, 2);
    assert_false(crawl_uses_snapshot(&c, 1));
}

static void test_empty_then_content_enters_from_right(void **state)
{
    (void)state;
    struct feedsim f = {1, {500, 800, 0, 0}, 0, 0};
    struct crawl c;
    crawl_init(&c, 1000);
    crawl_advance(&c, 0, next, &f);
    crawl_advance(&c, 5, next, &f);
    assert_int_equal(c.count, 0);
    f.count = 2;
    crawl_advance(&c, 5, next, &f);
    assert_true(c.count > 0);
    assert_int_equal(c.offset, -1000); /* first pixel at the right edge */
}

static void test_pacing_estimate(void **state)
{
    (void)state;
    int64_t samples[PACING_SAMPLES];
    /* 59.94 Hz with +-0.3 ms jitter and a few doubled (late) intervals. */
    for (unsigned i = 0; i < PACING_SAMPLES; i++) {
        int64_t jitter = (int64_t)((i * 7919) % 600) * 1000 - 300000;
        samples[i] = 16683350 + jitter;
        if (i % 40 == 0)
            samples[i] = 2 * 16683350;
    }
    int64_t est = pacing_estimate_period(samples, PACING_SAMPLES);
    assert_true(est > 16683350 - 40000 && est < 16683350 + 40000);
    /* Resolves 59.94 from 60 Hz (16666667 ns). */
    assert_true(est > 16675000);
    assert_int_equal(pacing_estimate_period(samples, 10), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_60hz),
        cmocka_unit_test(test_uniform_5994hz),
        cmocka_unit_test(test_step_snapping),
        cmocka_unit_test(test_late_frame_catches_up),
        cmocka_unit_test(test_new_content_joins_at_the_right),
        cmocka_unit_test(test_empty_then_content_enters_from_right),
        cmocka_unit_test(test_pacing_estimate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
