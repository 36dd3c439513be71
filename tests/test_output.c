/* Where the picture lands on the screen: for every quarter turn, with different margins on each
 * edge, the picture's size, and its top-left and top-right pixels at the screen corners a
 * viewer of the turned screen expects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "output.h"

#define SCREEN_W 400
#define SCREEN_H 300

struct point {
    int x, y;
};

struct turn_case {
    int turns;
    int width, height;        /* the picture */
    struct point top_left;    /* picture (0, 0) on the screen */
    struct point top_right;   /* picture (width - 1, 0) */
    struct point bottom_left; /* picture (0, height - 1) */
};

/* Margins as viewers see the picture: top 10, right 20, bottom 30, left 40. */
static const int margins[4] = {10, 20, 30, 40};

static const struct turn_case cases[] = {
    /* Upright: the area is x 40..379, y 10..269. */
    {0, 340, 260, {40, 10}, {379, 10}, {40, 269}},
    /* A quarter clockwise: the picture's top is the panel's right (10 px), its left the
     * panel's top (40), its bottom the panel's left (30), its right the panel's bottom (20). */
    {1, 240, 360, {389, 40}, {389, 279}, {30, 40}},
    /* Upside down. */
    {2, 340, 260, {359, 289}, {20, 289}, {359, 30}},
    /* A quarter anticlockwise. */
    {3, 240, 360, {10, 259}, {10, 20}, {369, 259}},
};

static uint32_t pixel(SDL_Surface *s, struct point p)
{
    return ((const uint32_t *)s->pixels)[p.y * (s->pitch / 4) + p.x] & 0xffffff;
}

static void mark(SDL_Renderer *r, int x, int y, uint8_t red, uint8_t green, uint8_t blue)
{
    SDL_SetRenderDrawColor(r, red, green, blue, 255);
    SDL_RenderDrawPoint(r, x, y);
}

static void test_turns_and_margins(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct turn_case *c = &cases[i];
        SDL_Surface *screen =
            SDL_CreateRGBSurfaceWithFormat(0, SCREEN_W, SCREEN_H, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *r = SDL_CreateSoftwareRenderer(screen);
        assert_non_null(r);
        struct output out;
        assert_true(output_init(&out, r, c->turns, margins));
        assert_int_equal(out.width, c->width);
        assert_int_equal(out.height, c->height);

        output_begin(&out);
        SDL_SetRenderDrawColor(r, 0, 0, 64, 255);
        SDL_RenderClear(r);
        mark(r, 0, 0, 255, 0, 0);
        mark(r, out.width - 1, 0, 0, 255, 0);
        mark(r, 0, out.height - 1, 255, 255, 0);
        output_end(&out);
        SDL_RenderPresent(r);

        print_message("turns %d\n", c->turns);
        assert_int_equal(pixel(screen, c->top_left), 0xff0000);
        assert_int_equal(pixel(screen, c->top_right), 0x00ff00);
        assert_int_equal(pixel(screen, c->bottom_left), 0xffff00);
        output_finish(&out);
        SDL_DestroyRenderer(r);
        SDL_FreeSurface(screen);
    }
}

/* Margins larger than the screen leave a quarter of each side rather than nothing. */
static void test_margins_never_eat_the_screen(void **state)
{
    (void)state;
    SDL_Surface *screen =
        SDL_CreateRGBSurfaceWithFormat(0, SCREEN_W, SCREEN_H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(screen);
    static const int huge[4] = {1000, 1000, 1000, 1000};
    struct output out;
    assert_true(output_init(&out, r, 0, huge));
    assert_int_equal(out.width, SCREEN_W / 4);
    assert_int_equal(out.height, SCREEN_H / 4);
    assert_true(out.viewport.x + out.viewport.w <= SCREEN_W);
    assert_true(out.viewport.y + out.viewport.h <= SCREEN_H);
    output_finish(&out);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(screen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_turns_and_margins),
        cmocka_unit_test(test_margins_never_eat_the_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
