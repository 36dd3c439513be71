/* The render thread's work for one frame, isolated for callgrind: the sign's stage (upload
 * budget, advance, draw, flush, present) with SDL's software renderer at a fixed virtual time,
 * so every run draws the same frames. bench_crawl_frame draws a steady crawl under a card that
 * stands still; bench_transition_frame draws the cross-fade between two cards; both the way the
 * software renderer draws on screen (only what changed), and bench_full_* the same frames
 * drawn whole. bench/frame-cost counts the instructions inside each with --toggle-collect.
 *
 *   frame-cost [--size WxH] [--frames N] [--feed FILE]
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "fonts.h"
#include "log.h"
#include "painter.h"
#include "scene.h"
#include "story.h"
#include "util.h"

#define HZ 60
#define PERIOD_NS ((1000000000 + HZ / 2) / HZ)

/* What the render loop in app.c does for a frame, minus waiting for the display: with SDL's
 * software renderer (no GPU, or headless) it draws only the regions that changed (partial);
 * GPU renderers, and the software one on a turned screen, draw the whole frame. The copy of
 * the drawn regions to the window is the display's part and not counted. */
static void frame(struct stage *st, int64_t wall)
{
    stage_upload(st, 2000000);
    stage_advance(st, 1, PERIOD_NS);
    struct stage_damage drawn;
    painter_draw(st->painter, st, wall, &drawn);
    SDL_RenderFlush(st->painter->renderer);
    painter_present(st->painter, &drawn);
}

/* One name per kind of frame, so callgrind can tell them apart. */
__attribute__((noinline)) void bench_crawl_frame(struct stage *st, int64_t wall);
__attribute__((noinline)) void bench_transition_frame(struct stage *st, int64_t wall);
__attribute__((noinline)) void bench_full_crawl_frame(struct stage *st, int64_t wall);
__attribute__((noinline)) void bench_full_transition_frame(struct stage *st, int64_t wall);

__attribute__((noinline)) void bench_crawl_frame(struct stage *st, int64_t wall)
{
    frame(st, wall);
}

__attribute__((noinline)) void bench_transition_frame(struct stage *st, int64_t wall)
{
    frame(st, wall);
}

__attribute__((noinline)) void bench_full_crawl_frame(struct stage *st, int64_t wall)
{
    frame(st, wall);
}

__attribute__((noinline)) void bench_full_transition_frame(struct stage *st, int64_t wall)
{
    frame(st, wall);
}

typedef void (*frame_fn)(struct stage *st, int64_t wall);

/* Runs up to n frames of one kind, timing each; returns how many ran. Crawl frames stay
 * inside a card; transition frames start at the next card change and stay inside its fade. */
static long run_frames(struct stage *st, frame_fn fn, bool transition, long n, int64_t now,
                       int64_t *frame_no, int64_t *ns)
{
    if (transition)
        while (st->time_ns + PERIOD_NS < st->card_start_ns + st->card_ns)
            frame(st, now + (*frame_no)++ / HZ);
    long done = 0;
    while (done < n) {
        if (!transition && st->time_ns + 2 * PERIOD_NS >= st->card_start_ns + st->card_ns)
            break;
        int64_t t0 = util_now_ns();
        fn(st, now + *frame_no / HZ);
        ns[done] = util_now_ns() - t0;
        (*frame_no)++;
        if (transition && st->prev_card.slot < 0) {
            /* The fade ended in this frame: do not count it. */
            fprintf(stderr, "frame-cost: the fade lasts %ld frames; asked for %ld\n", done, n);
            exit(1);
        }
        done++;
    }
    return done;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int width = 1920, height = 1080;
    long frames = 40;
    const char *feed = config_default_feed();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--size") == 0 && config_parse_size(argv[i + 1], &width, &height))
            continue;
        if (strcmp(argv[i], "--frames") == 0 && (frames = strtol(argv[i + 1], NULL, 10)) > 0)
            continue;
        if (strcmp(argv[i], "--feed") == 0) {
            feed = argv[i + 1];
            continue;
        }
        fputs("usage: frame-cost [--size WxH] [--frames N] [--feed FILE]\n", stderr);
        return 2;
    }
    if (argc % 2 == 0) {
        fputs("usage: frame-cost [--size WxH] [--frames N] [--feed FILE]\n", stderr);
        return 2;
    }
    log_init();
    struct config cfg;
    config_init(&cfg);
    struct story_list stories;
    story_list_init(&stories);
    struct error err = {""};
    if (!feed_load(feed, &stories, &err)) {
        fprintf(stderr, "frame-cost: %s\n", err.msg);
        return 1;
    }
    int64_t now = story_list_newest(&stories);
    story_list_prepare(&stories, now, 0, (size_t)cfg.max_stories);
    if (TTF_Init() != 0)
        return 1;
    struct scene_fonts fonts;
    if (!scene_fonts_init(&fonts, &cfg))
        return 1;
    struct scene_params params = {.width = width,
                                  .height = height,
                                  .max_tile_w = 2048,
                                  .config = &cfg,
                                  .id = 1,
                                  .updated_at = now};
    /* Two identical stages, one per way of drawing, so both count the very same frames. */
    static const struct {
        const char *name;
        frame_fn fn;
        bool partial, transition;
    } kinds[] = {
        {"crawl", bench_crawl_frame, true, false},
        {"transition", bench_transition_frame, true, true},
        {"full_crawl", bench_full_crawl_frame, false, false},
        {"full_transition", bench_full_transition_frame, false, true},
    };
    int64_t *ns = xcalloc((size_t)frames, sizeof(int64_t));
    printf("size=%dx%d stories=%zu", width, height, stories.count);
    for (int pass = 0; pass < 2; pass++) {
        bool partial = pass == 0;
        struct scene *scene = scene_build(&params, &fonts, &stories);
        SDL_Surface *target =
            SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *renderer = target ? SDL_CreateSoftwareRenderer(target) : NULL;
        if (!renderer) {
            fprintf(stderr, "frame-cost: no software renderer: %s\n", SDL_GetError());
            return 1;
        }
        /* As the sign draws without a GPU, or with one. */
        struct painter *painter =
            partial ? painter_soft_create(renderer, NULL, target) : painter_gpu_create(renderer);
        struct stage stage;
        stage_init(&stage, painter, HZ, cfg.theme.background);
        stage_push(&stage, scene);
        stage_upload(&stage, -1);
        /* One second of frames first, so nothing is drawn for the first time while counted. */
        int64_t frame_no = 0;
        for (; frame_no < HZ; frame_no++)
            frame(&stage, now + frame_no / HZ);
        for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
            if (kinds[k].partial != partial)
                continue;
            long done =
                run_frames(&stage, kinds[k].fn, kinds[k].transition, frames, now, &frame_no, ns);
            if (done < frames) {
                fprintf(stderr, "frame-cost: only %ld %s frames fit in a card\n", done,
                        kinds[k].name);
                return 1;
            }
            /* Wall time too, for a feel of it (meaningless under valgrind). */
            qsort(ns, (size_t)done, sizeof(int64_t), cmp_i64);
            printf(" %s=%ld/%.3fms", kinds[k].name, done, (double)ns[done / 2] / 1e6);
        }
        stage_finish(&stage);
        painter_destroy(painter);
        SDL_DestroyRenderer(renderer);
        SDL_FreeSurface(target);
    }
    printf("\n");
    free(ns);

    scene_fonts_finish(&fonts);
    TTF_Quit();
    fonts_shutdown();
    story_list_finish(&stories);
    config_finish(&cfg);
    return 0;
}
