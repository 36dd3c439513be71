/* Scenes built with the real fonts at many screen sizes: every piece of text lies inside the
 * region it belongs to (no overflow, nothing clipped), text lines never overlap, the crawl is
 * tiled within texture limits, and the default content has a glyph for every character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "painter.h"
#include "scene.h"
#include "unicode.h"
#include "util.h"

static const int sizes[][2] = {
    {800, 480},   {1024, 600}, {1280, 720},  {1920, 1080}, {3840, 2160},
    {1280, 1024}, {480, 800},  {1080, 1920}, {2160, 3840},
};

struct fixture {
    struct config cfg;
    struct scene_fonts fonts;
};

static int setup(void **state)
{
    static struct fixture f;
    if (TTF_Init() != 0)
        return -1;
    config_init(&f.cfg);
    if (!scene_fonts_init(&f.fonts, &f.cfg))
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    scene_fonts_finish(&f->fonts);
    config_finish(&f->cfg);
    TTF_Quit();
    fonts_shutdown();
    return 0;
}

static struct rect image_rect(const struct scene *s, const struct scene_placed *p)
{
    return (struct rect){p->x, p->y, s->images[p->image].w, s->images[p->image].h};
}

static void check_scene(const struct scene *s, const char *feed, int w, int h)
{
    const struct screen_layout *sl = &s->layout;
    for (size_t c = 0; c < s->card_count; c++) {
        const struct scene_card *card = &s->cards[c];
        for (uint32_t i = 0; i < card->count; i++) {
            struct rect r = image_rect(s, &s->placed[card->first + i]);
            if (!layout_rect_contains(sl->card, r))
                fail_msg("%s at %dx%d, card %zu: text %d,%d %dx%d leaves the card", feed, w, h, c,
                         r.x, r.y, r.w, r.h);
            /* Inside a tile entirely, or clear of every tile. */
            for (size_t t = 0; t < card->tile_count; t++)
                if (layout_rects_overlap(r, card->tiles[t]) &&
                    !layout_rect_contains(card->tiles[t], r))
                    fail_msg("%s at %dx%d, card %zu: text %d,%d %dx%d spills out of tile %zu", feed,
                             w, h, c, r.x, r.y, r.w, r.h, t);
            for (uint32_t k = 0; k < i; k++) {
                struct rect o = image_rect(s, &s->placed[card->first + k]);
                if (layout_rects_overlap(r, o))
                    fail_msg("%s at %dx%d, card %zu: text %d,%d %dx%d and %d,%d %dx%d overlap",
                             feed, w, h, c, o.x, o.y, o.w, o.h, r.x, r.y, r.w, r.h);
            }
        }
    }
    /* The crawl's text rows lie within the band, and leave out its plain margins. */
    assert_true(layout_rect_contains(sl->band, s->strip));
    if (s->segment_count > 0)
        assert_true(s->strip.h < sl->band.h);
    for (size_t g = 0; g < s->segment_count; g++) {
        const struct scene_segment *seg = &s->segments[g];
        int total = 0;
        for (uint32_t k = 0; k < seg->count; k++) {
            const struct scene_image *img = &s->images[seg->first + k];
            assert_true(img->w <= 2048);
            assert_int_equal(img->h, s->strip.h);
            assert_true(img->crawl && img->mask);
            total += img->w;
        }
        assert_int_equal(total, seg->width);
    }
    if (s->brand != SCENE_NO_IMAGE) {
        const struct scene_image *b = &s->images[s->brand];
        assert_true(sl->brand.x + b->w <= sl->brand.x + sl->brand.w);
        assert_true(b->h <= sl->top_bar.h);
        /* The status and the clock (at most "12:59 PM" wide) stay clear of the brand. */
        if (s->status != SCENE_NO_IMAGE) {
            int clock_w = 4 * s->clock_cell_w + s->clock_colon_w;
            int status_x = sl->clock_right - clock_w - 2 * sl->gap - s->images[s->status].w;
            if (status_x <= sl->brand.x + b->w)
                fail_msg("%s at %dx%d: status line runs into the brand", feed, w, h);
        }
    }
}

static void load_feed(const char *path, struct story_list *stories)
{
    story_list_init(stories);
    struct error err = {""};
    if (!feed_load(path, stories, &err))
        fail_msg("%s", err.msg);
}

static void build_and_check(struct fixture *f, const char *path)
{
    struct story_list stories;
    load_feed(path, &stories);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct scene_params p = {.width = sizes[i][0],
                                 .height = sizes[i][1],
                                 .max_tile_w = 2048,
                                 .config = &f->cfg,
                                 .id = 1,
                                 .updated_at = 1741078800};
        struct scene *s = scene_build(&p, &f->fonts, &stories);
        assert_int_equal(s->card_count, stories.count);
        assert_int_equal(s->segment_count, stories.count);
        check_scene(s, path, sizes[i][0], sizes[i][1]);
        scene_destroy(s);
    }
    story_list_finish(&stories);
}

static void test_default_feed_fits(void **state)
{
    build_and_check(*state, TICKER_SOURCE_DIR "/assets/feeds/default.json");
}

static void test_stress_feed_fits(void **state)
{
    build_and_check(*state, TICKER_TEST_DATA "/stress.json");
}

static void check_glyphs(struct font *font, const char *text)
{
    TTF_Font *ttf = font_at(font, 32);
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned c = unicode_utf8_decode(text + i, len - i, &n);
        if (!TTF_GlyphIsProvided32(ttf, c))
            fail_msg("U+%04X in \"%s\" has no glyph in %s", c, text, font->faces[0].path);
        i += n;
    }
}

static void test_default_content_has_glyphs(void **state)
{
    struct fixture *f = *state;
    struct story_list stories;
    load_feed(TICKER_SOURCE_DIR "/assets/feeds/default.json", &stories);
    assert_true(stories.count >= 5 && stories.count <= 8);
    for (size_t i = 0; i < stories.count; i++) {
        const struct story *s = &stories.items[i];
        check_glyphs(&f->fonts.bold, s->title);
        check_glyphs(&f->fonts.regular, s->summary);
        for (size_t k = 0; k < s->figure_count; k++) {
            check_glyphs(&f->fonts.bold, s->figures[k].value);
            check_glyphs(&f->fonts.regular, s->figures[k].label);
        }
    }
    check_glyphs(&f->fonts.regular, TEXT_ELLIPSIS "\xe2\x80\x83\xe2\x97\x8f");
    story_list_finish(&stories);
}

/* No code point of text is drawn as the missing-glyph box: the font or one of its fallbacks has
 * it (controls, joiners and variation selectors draw nothing and need none). */
static void check_covered(struct font *font, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0, n; i < len; i += n) {
        uint32_t c = unicode_utf8_decode(text + i, len - i, &n);
        if (unicode_is_space(c) || unicode_is_bidi_control(c) || unicode_is_joiner(c) ||
            unicode_is_variation_selector(c))
            continue;
        if (!font_face_for(font, c))
            fail_msg("U+%04X in \"%s\" would show as a box: no installed font has it", c, text);
    }
}

/* The fonts the package brings (firmware/debian/control: Depends and Recommends; installed by
 * firmware/setup test) draw every script of tests/data/scripts.json without a box: Hebrew,
 * Arabic, Latin inside Arabic, Devanagari, Thai; and Chinese and Japanese. Emoji are left out
 * (no colour font is used yet; the ones without an outline font show as boxes). */
static void test_shipped_fonts_cover_scripts(void **state)
{
    struct fixture *f = *state;
    static const char *const feeds[] = {"scripts.json", "gb18030.xml", "shift_jis.xml"};
    for (size_t k = 0; k < ARRAY_LEN(feeds); k++) {
        struct story_list stories;
        char *path = xasprintf("%s/%s", TICKER_TEST_DATA, feeds[k]);
        load_feed(path, &stories);
        free(path);
        for (size_t i = 0; i < stories.count; i++) {
            const struct story *s = &stories.items[i];
            if (strstr(s->title, "Markets rally"))
                continue; /* the emoji story */
            check_covered(&f->fonts.bold, s->title);
            check_covered(&f->fonts.regular, s->summary);
            for (size_t g = 0; g < s->figure_count; g++)
                check_covered(&f->fonts.regular, s->figures[g].label);
        }
        story_list_finish(&stories);
    }
    /* The check can fail: a private-use code point no font has. */
    assert_null(font_face_for(&f->fonts.regular, 0x10FFFD));
}

/* auto: the crawl moves right when more headlines read right to left than left to right. */
static void test_crawl_direction(void **state)
{
    (void)state;
    struct story st[3] = {{.title = (char *)"שלום עולם"},
                          {.title = (char *)"مرحبا بالعالم"},
                          {.title = (char *)"Hello world"}};
    assert_true(scene_crawl_rightward(CONFIG_CRAWL_AUTO, st, 3));
    assert_false(scene_crawl_rightward(CONFIG_CRAWL_AUTO, st + 1, 2)); /* one each */
    assert_false(scene_crawl_rightward(CONFIG_CRAWL_AUTO, st + 2, 1));
    assert_false(scene_crawl_rightward(CONFIG_CRAWL_LEFT, st, 3));
    assert_true(scene_crawl_rightward(CONFIG_CRAWL_RIGHT, st + 2, 1));
}

struct highlight_case {
    const char *title;
    const char *figure;
    const char *expected; /* highlighted substrings joined by '|' */
};

static void test_highlights(void **state)
{
    (void)state;
    static const struct highlight_case rows[] = {
        {"Two rounds of US tariffs reach 20% on all Chinese goods", "20%", "20%"},
        {"US ties about 75,000 American deaths a year to fentanyl", "75,000", "75,000"},
        {"China's white paper of March 4 sets out its steps", "March 4", "March 4"},
        {"Report of 2024 lists 17 findings", "2", "17"},
        {"5G rollout costs $1.5 billion", "", "$1.5 billion"},
        {"About 40 percent of adults skip breakfast", "", "40"},
        {"WildFly 10 is out, see you at Scrum Day 2016 at 9:30 in Room 204", "", ""},
        {"Live: 13 min ago, 87 comments", "", ""},
        {"No numbers here", "here", "here"},
        {"Wang Yi–Waltz channel stalls", "", ""},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct story s = {0};
        s.title = (char *)rows[r].title;
        struct figure fig = {(char *)rows[r].figure, (char *)""};
        s.figure_count = rows[r].figure[0] ? 1 : 0;
        s.figures[0] = fig;
        size_t a[8], b[8];
        size_t n = scene_find_highlights(&s, a, b, 8);
        char got[256] = "";
        for (size_t i = 0; i < n; i++) {
            char part[64];
            snprintf(part, sizeof(part), "%s%.*s", i ? "|" : "", (int)(b[i] - a[i]),
                     rows[r].title + a[i]);
            strncat(got, part, sizeof(got) - strlen(got) - 1);
        }
        if (strcmp(got, rows[r].expected) != 0)
            fail_msg("\"%s\": highlighted \"%s\", expected \"%s\"", rows[r].title, got,
                     rows[r].expected);
    }
}

/* An 800x480 image in format drawn by a software renderer, and a stage on it; direct: the
 * software painter (card text and crawl written into the image from their masks, as the sign
 * draws without a GPU), else the GPU painter (textures). */
static void screen_open(SDL_Surface **img, SDL_Renderer **r, struct stage *st, Uint32 format,
                        bool direct)
{
    *img = SDL_CreateRGBSurfaceWithFormat(0, 800, 480, 32, format);
    assert_non_null(*img);
    *r = SDL_CreateSoftwareRenderer(*img);
    assert_non_null(*r);
    struct painter *p = direct ? painter_soft_create(*r, NULL, *img) : painter_gpu_create(*r);
    assert_non_null(p);
    stage_init(st, p, 60, 0);
}

static void screen_close(SDL_Surface *img, SDL_Renderer *r, struct stage *st)
{
    struct painter *p = st->painter;
    stage_finish(st);
    painter_destroy(p);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(img);
}

/* The whole frame, whatever the last one showed. */
static void draw_whole(struct stage *st, int64_t wall)
{
    struct stage_damage drawn;
    stage_invalidate(st);
    painter_draw(st->painter, st, wall, &drawn);
}

/* Only what changed since the last frame (the whole frame for the GPU painter); returns the
 * count of regions drawn, -1 for everything. */
static int draw_changed(struct stage *st, int64_t wall)
{
    struct stage_damage drawn;
    painter_draw(st->painter, st, wall, &drawn);
    return drawn.count;
}

/* The first pixel where a channel differs by more than tolerance, or -1. */
static int first_difference_over(const SDL_Surface *a, const SDL_Surface *b, int tolerance)
{
    for (int y = 0; y < a->h; y++)
        for (int x = 0; x < a->w; x++) {
            uint32_t pa = ((const uint32_t *)a->pixels)[y * a->pitch / 4 + x];
            uint32_t pb = ((const uint32_t *)b->pixels)[y * b->pitch / 4 + x];
            for (int shift = 0; shift < 24; shift += 8)
                if (abs((int)((pa >> shift) & 0xff) - (int)((pb >> shift) & 0xff)) > tolerance)
                    return y * a->w + x;
        }
    return -1;
}

static int first_difference(const SDL_Surface *a, const SDL_Surface *b)
{
    return first_difference_over(a, b, 0);
}

/* Content arriving faster than the crawl turns over: scenes are replaced while older ones are
 * still on screen. The stage must keep showing a card and a full crawl throughout. */
static void test_stage_survives_rapid_updates(void **state)
{
    struct fixture *f = *state;
    struct story_list stories;
    load_feed(TICKER_SOURCE_DIR "/assets/feeds/default.json", &stories);
    SDL_Surface *target;
    SDL_Renderer *r;
    struct stage st;
    screen_open(&target, &r, &st, SDL_PIXELFORMAT_ARGB8888, false);
    int64_t period = 16666667;
    /* Short cards with long fades keep two cards' scenes in use most of the time. */
    struct config cfg = f->cfg;
    cfg.card_seconds = 3;
    cfg.transition_ms = 2000;
    for (uint32_t id = 1; id <= 80; id++) {
        struct scene_params p = {.width = 800,
                                 .height = 480,
                                 .max_tile_w = 2048,
                                 .config = &cfg,
                                 .id = id,
                                 .updated_at = 1741078800};
        stage_push(&st, scene_build(&p, &f->fonts, &stories));
        stage_upload(&st, -1);
        /* 1.5 s between updates (shorter than a crawl lap), then a burst of one every 7
         * frames, so more scenes are in use than the stage has slots for. */
        for (int frame = 0; frame < (id <= 20 ? 90 : 7); frame++) {
            stage_advance(&st, 1, period);
            draw_whole(&st, 1741078800);
            assert_true(st.card.slot >= 0);
            assert_non_null(st.scenes[st.card.slot].scene);
            assert_true(st.crawl.count > 0);
            int64_t covered = -st.crawl.offset;
            for (size_t i = 0; i < st.crawl.count; i++)
                covered += st.crawl.segments[i].width;
            assert_true(covered >= 800);
        }
    }
    screen_close(target, r, &st);
    story_list_finish(&stories);
}

/* The first scene is a preview (first card, a little crawl); the complete one takes over what
 * is on screen without a jump, and the preview's images are freed at once. */
static void test_preview_hands_over(void **state)
{
    struct fixture *f = *state;
    struct story_list stories;
    load_feed(TICKER_SOURCE_DIR "/assets/feeds/default.json", &stories);
    SDL_Surface *target;
    SDL_Renderer *r;
    struct stage st;
    screen_open(&target, &r, &st, SDL_PIXELFORMAT_RGB888, false);
    struct scene_params p = {.width = 800,
                             .height = 480,
                             .max_tile_w = 2048,
                             .config = &f->cfg,
                             .id = 1,
                             .updated_at = 1741078800,
                             .preview = true};
    struct scene *preview = scene_build(&p, &f->fonts, &stories);
    assert_int_equal(preview->card_count, 1);
    assert_true(preview->segment_count < stories.count);
    stage_push(&st, preview);
    stage_upload(&st, -1);
    for (int i = 0; i < 30; i++)
        stage_advance(&st, 1, 16666667);
    int64_t offset = st.crawl.offset;
    size_t first_index = st.crawl.segments[0].index;
    p.id = 2;
    p.preview = false;
    stage_push(&st, scene_build(&p, &f->fonts, &stories));
    stage_upload(&st, -1);
    assert_int_equal(stage_advance(&st, 1, 16666667), st.step_px);
    assert_int_equal(st.crawl.offset, offset + st.step_px);
    assert_int_equal(st.crawl.segments[0].index, first_index);
    assert_int_equal(st.scenes[st.card.slot].scene->id, 2);
    for (int i = 0; i < STAGE_MAX_SCENES; i++)
        assert_true(!st.scenes[i].scene || st.scenes[i].scene->id != 1);
    screen_close(target, r, &st);
    story_list_finish(&stories);
}

/* A new "Updated" time replaces the status line of the scene on screen: the frame then is the
 * frame of a scene built with that time, drawn by damage (the top bar) on the software path. */
static void test_status_line_replaced(void **state)
{
    struct fixture *f = *state;
    struct story_list stories;
    load_feed(TICKER_SOURCE_DIR "/assets/feeds/default.json", &stories);
    SDL_Surface *img[2];
    SDL_Renderer *r[2];
    struct stage st[2];
    int64_t before = 1741078800, after = 1741078800 + 3 * 3600 + 17 * 60; /* 09:00, 12:17 UTC */
    for (int k = 0; k < 2; k++) {
        screen_open(&img[k], &r[k], &st[k], SDL_PIXELFORMAT_RGB888, true);
        struct scene_params p = {.width = 800,
                                 .height = 480,
                                 .max_tile_w = 2048,
                                 .config = &f->cfg,
                                 .id = 1,
                                 .updated_at = k == 0 ? after : before};
        stage_push(&st[k], scene_build(&p, &f->fonts, &stories));
        stage_upload(&st[k], -1);
        stage_advance(&st[k], 1, 16666667);
    }
    draw_whole(&st[0], before);
    draw_changed(&st[1], before);
    SDL_RenderPresent(r[0]);
    SDL_RenderPresent(r[1]);
    assert_true(first_difference(img[0], img[1]) >= 0); /* 09:00 against 12:17 */

    struct scene_params p = {
        .width = 800, .height = 480, .max_tile_w = 2048, .config = &f->cfg, .updated_at = after};
    struct scene_image status;
    assert_true(scene_build_status(&p, &f->fonts, &status));
    stage_set_status(&st[1], 1, &status);
    draw_whole(&st[0], before);
    int n = draw_changed(&st[1], before);
    SDL_RenderPresent(r[0]);
    SDL_RenderPresent(r[1]);
    assert_int_equal(n, 1); /* the top bar only */
    assert_int_equal(first_difference(img[0], img[1]), -1);

    /* For a scene that is gone, nothing happens. */
    assert_true(scene_build_status(&p, &f->fonts, &status));
    stage_set_status(&st[1], 7, &status);
    assert_int_equal(draw_changed(&st[1], before), 0);
    for (int k = 0; k < 2; k++) {
        screen_close(img[k], r[k], &st[k]);
    }
    story_list_finish(&stories);
}

/* Whatever may be on screen still has its pixels, however old its scene (trim_slot): the crawl
 * segments in the conveyor and the cards showing. */
static bool on_screen_kept(const struct stage *st)
{
    for (size_t i = 0; i < st->crawl.count; i++) {
        const struct crawl_segment *seg = &st->crawl.segments[i];
        for (int k = 0; k < STAGE_MAX_SCENES; k++) {
            const struct stage_scene *ss = &st->scenes[k];
            if (!ss->scene || ss->scene->id != seg->snapshot_id)
                continue;
            const struct scene_segment *g = &ss->scene->segments[seg->index];
            for (uint32_t im = g->first; im < g->first + g->count; im++)
                if (!ss->resident[im] && !ss->scene->images[im].mask)
                    return false;
        }
    }
    const struct card_ref refs[2] = {st->card, st->prev_card};
    for (int k = 0; k < 2; k++) {
        if (refs[k].slot < 0)
            continue;
        const struct scene *sc = st->scenes[refs[k].slot].scene;
        const struct scene_card *c = &sc->cards[refs[k].card];
        for (uint32_t i = c->first; i < c->first + c->count; i++)
            if (sc->placed[i].image != SCENE_NO_IMAGE && !sc->images[sc->placed[i].image].mask)
                return false;
    }
    return true;
}

/* Two stages, each drawing into its own 800x480 image, for frame-by-frame comparisons: the
 * default feed, 3 s cards that fade in 0.7 s. */
struct twin {
    struct story_list stories;
    struct config cfg;
    SDL_Surface *img[2];
    SDL_Renderer *r[2];
    struct stage st[2];
};

/* soft[k]: stage k with the software painter, else the GPU painter. */
static void twin_open(struct twin *t, const struct fixture *f, const bool soft[2])
{
    load_feed(TICKER_SOURCE_DIR "/assets/feeds/default.json", &t->stories);
    t->cfg = f->cfg;
    t->cfg.card_seconds = 3;
    t->cfg.transition_ms = 700;
    for (int k = 0; k < 2; k++)
        screen_open(&t->img[k], &t->r[k], &t->st[k], SDL_PIXELFORMAT_RGB888, soft[k]);
}

static void twin_close(struct twin *t)
{
    for (int k = 0; k < 2; k++)
        screen_close(t->img[k], t->r[k], &t->st[k]);
    story_list_finish(&t->stories);
}

/* The software painter, drawing only the damaged regions into an image that keeps the last
 * frame, must give exactly the frame a full redraw gives: through card fades, the clock's
 * minute changing and a new scene arriving. gpu: the full redraw is the GPU painter's, from
 * textures (and only the cards on screen and the next have them, made ahead of drawing); else
 * the software painter's own. */
#define FADE_TOLERANCE 2

static void damage_matches_full_redraw(struct fixture *f, bool gpu,
                                       enum config_crawl_direction direction)
{
    struct twin t;
    twin_open(&t, f, (bool[2]){!gpu, true});
    t.cfg.crawl_direction = direction;
    int64_t wall = 1741078800 + 50; /* the minute changes 10 s in */
    int partial_frames = 0;
    for (int frame = 0; frame < 1200; frame++) {
        if (frame == 0 || frame == 500) {
            for (int k = 0; k < 2; k++) {
                struct scene_params p = {.width = 800,
                                         .height = 480,
                                         .max_tile_w = 2048,
                                         .config = &t.cfg,
                                         .id = (uint32_t)frame + 1,
                                         .updated_at = 1741078800 + frame};
                stage_push(&t.st[k], scene_build(&p, &f->fonts, &t.stories));
            }
        }
        int64_t now = wall + frame / 60;
        for (int k = 0; k < 2; k++) {
            stage_upload(&t.st[k], -1);
            stage_advance(&t.st[k], 1, 16666667);
            size_t loaded = 0;
            for (int i = 0; i < STAGE_MAX_SCENES; i++)
                for (size_t c = 0;
                     t.st[k].scenes[i].scene && c < t.st[k].scenes[i].scene->card_count; c++)
                    loaded += t.st[k].scenes[i].card_loaded[c];
            if (loaded > (t.st[k].painter->ops->card_images ? 2 : 0))
                fail_msg("frame %d, stage %d: %zu cards loaded", frame, k, loaded);
            assert_true(on_screen_kept(&t.st[k]));
        }
        if (gpu) {
            const struct stage *st = &t.st[0];
            assert_true(st->scenes[st->card.slot].card_loaded[st->card.card]);
            if (st->prev_card.slot >= 0)
                assert_true(st->scenes[st->prev_card.slot].card_loaded[st->prev_card.card]);
        }
        draw_whole(&t.st[0], now);
        if (draw_changed(&t.st[1], now) >= 0)
            partial_frames++;
        for (int k = 0; k < 2; k++)
            SDL_RenderPresent(t.r[k]);
        /* A fading card: the GPU painter blends textures, the software painter writes text in
         * the blended colours; both round their own way. */
        int tolerance = gpu && t.st[0].prev_card.slot >= 0 ? FADE_TOLERANCE : 0;
        int at = first_difference_over(t.img[0], t.img[1], tolerance);
        if (at >= 0)
            fail_msg("frame %d: pixel (%d, %d) differs from a full redraw", frame, at % 800,
                     at / 800);
    }
    /* Almost every frame was partial: the test did test the damage path. */
    assert_true(partial_frames > 1190);
    twin_close(&t);
}

static void test_damage_matches_full_redraw(void **state)
{
    damage_matches_full_redraw(*state, false, CONFIG_CRAWL_LEFT);
}

static void test_damage_matches_gpu_painter(void **state)
{
    damage_matches_full_redraw(*state, true, CONFIG_CRAWL_LEFT);
}

/* A crawl that moves right: the software painter moves the strip the other way and draws the
 * columns coming in at the left. */
static void test_damage_matches_rightward_crawl(void **state)
{
    damage_matches_full_redraw(*state, false, CONFIG_CRAWL_RIGHT);
    damage_matches_full_redraw(*state, true, CONFIG_CRAWL_RIGHT);
}

/* The worker's side of a lazy scene, in the test: the asks the stage made, answered with
 * scene_build_card after `delay` frames. */
struct card_worker {
    struct fixture *f;
    const struct story_list *stories;
    struct scene_params params; /* of the newest scene pushed */
    struct card_ask {
        uint32_t scene_id;
        size_t card;
        int due;
    } asks[64];
    size_t count, answered;
    int frame, delay;
};

static void record_ask(void *ctx, uint32_t scene_id, size_t card)
{
    struct card_worker *w = ctx;
    assert_true(w->count < 64);
    w->asks[w->count++] = (struct card_ask){scene_id, card, w->frame + w->delay};
}

static void answer_asks(struct card_worker *w, struct stage *st)
{
    size_t kept = 0;
    for (size_t i = 0; i < w->count; i++) {
        if (w->asks[i].due > w->frame) {
            w->asks[kept++] = w->asks[i];
            continue;
        }
        struct scene_card_pack pack;
        if (w->asks[i].scene_id == w->params.id &&
            scene_build_card(&w->params, &w->f->fonts, w->stories, w->asks[i].card, &pack)) {
            stage_attach_card(st, &pack);
            w->answered++;
        }
    }
    w->count = kept;
}

static size_t ready_cards(const struct stage *st)
{
    size_t n = 0;
    for (int i = 0; i < STAGE_MAX_SCENES; i++)
        for (size_t c = 0; st->scenes[i].scene && c < st->scenes[i].scene->card_count; c++)
            n += st->scenes[i].scene->lazy && st->scenes[i].scene->cards[c].ready;
    return n;
}

/* A lazy scene (card text made on request) shows what an eager one shows, frame for frame,
 * when the worker answers at once; it keeps the text of three cards at most; and when the
 * answer is late, the card on screen stays up longer instead of an empty card coming up. */
static void lazy_cards(struct fixture *f, bool direct, int delay)
{
    struct twin t;
    twin_open(&t, f, (bool[2]){direct, direct});
    struct card_worker w = {.f = f, .stories = &t.stories, .delay = delay};
    t.st[1].want_card = record_ask;
    t.st[1].want_ctx = &w;
    size_t shown = 0, last_card = SIZE_MAX;
    for (w.frame = 0; w.frame < 1500; w.frame++) {
        if (w.frame == 0 || w.frame == 500) {
            for (int k = 0; k < 2; k++) {
                struct scene_params p = {.width = 800,
                                         .height = 480,
                                         .max_tile_w = 2048,
                                         .config = &t.cfg,
                                         .id = (uint32_t)w.frame + 1,
                                         .updated_at = 1741078800,
                                         .lazy_cards = k == 1};
                if (k == 1)
                    w.params = p;
                stage_push(&t.st[k], scene_build(&p, &f->fonts, &t.stories));
            }
        }
        for (int k = 0; k < 2; k++) {
            stage_upload(&t.st[k], -1);
            if (k == 1)
                answer_asks(&w, &t.st[1]);
            stage_advance(&t.st[k], 1, 16666667);
        }
        if (ready_cards(&t.st[1]) > 3)
            fail_msg("frame %d: %zu lazy cards with text", w.frame, ready_cards(&t.st[1]));
        const struct scene *sc = t.st[1].scenes[t.st[1].card.slot].scene;
        if (!sc->cards[t.st[1].card.card].ready)
            fail_msg("frame %d: card %zu is on screen without its text", w.frame,
                     t.st[1].card.card);
        if (t.st[1].card.card != last_card) {
            shown++;
            last_card = t.st[1].card.card;
        }
        if (delay)
            continue;
        for (int k = 0; k < 2; k++) {
            draw_whole(&t.st[k], 1741078800);
            SDL_RenderPresent(t.r[k]);
        }
        int at = first_difference(t.img[0], t.img[1]);
        if (at >= 0)
            fail_msg("frame %d: pixel (%d, %d) differs from the eager scene's", w.frame, at % 800,
                     at / 800);
    }
    /* 25 s of 3 s cards: 9 cards shown when answered at once; fewer when each answer takes
     * longer than a card (the rotation waited), but never none. */
    assert_true(w.answered >= (delay ? 2u : 7u)); /* the cards did come on request */
    if (delay == 0)
        assert_int_equal(shown, 9);
    else
        assert_true(shown >= 3 && shown < 9);
    twin_close(&t);
}

/* The largest scene a valid config asks for, 200 stories at 3840x2160, stays small: the
 * text of two cards and a crawl within its budget (it was 589 MiB, every card rasterised). */
static void test_scene_memory_bounded(void **state)
{
    struct fixture *f = *state;
    struct story_list stories;
    story_list_init(&stories);
    for (int i = 0; i < 200; i++) {
        struct story *s = story_list_add(&stories);
        s->title = xasprintf("Story %d: council approves a 20%% budget rise for schools, transit "
                             "and the harbour bridge",
                             i);
        s->summary = xasprintf("The vote followed a long debate. %s",
                               "Officials said the money comes from higher taxes on energy, "
                               "and the ministry expects growth to return next year after "
                               "the storm damage to the harbour is repaired.");
        story_fill_defaults(s);
    }
    struct config cfg = f->cfg;
    cfg.max_stories = 200;
    struct scene_params p = {.width = 3840,
                             .height = 2160,
                             .max_tile_w = 2048,
                             .config = &cfg,
                             .id = 1,
                             .lazy_cards = true};
    struct scene *sc = scene_build(&p, &f->fonts, &stories);
    assert_int_equal(sc->card_count, 200);
    size_t card_bytes = 0, crawl_bytes = 0, ready = 0;
    for (size_t i = 0; i < sc->image_count; i++) {
        size_t b = (size_t)sc->images[i].w * (size_t)sc->images[i].h;
        if (sc->images[i].card >= 0)
            card_bytes += sc->images[i].mask ? b : 0;
        else if (sc->images[i].crawl)
            crawl_bytes += b;
    }
    for (size_t c = 0; c < sc->card_count; c++)
        ready += sc->cards[c].ready;
    assert_int_equal(ready, SCENE_EAGER_CARDS);
    print_message("200 stories at 3840x2160: cards %.1f MiB, crawl %.1f MiB (%zu headlines)\n",
                  (double)card_bytes / 1048576.0, (double)crawl_bytes / 1048576.0,
                  sc->segment_count);
    assert_true(card_bytes < 8u << 20);
    assert_true(crawl_bytes <= SCENE_CRAWL_BUDGET);
    assert_true(sc->segment_count > 20 && sc->segment_count < 200);
    /* Any card can still be made on request, the same images as the scene expects. */
    struct scene_card_pack pack;
    assert_true(scene_build_card(&p, &f->fonts, &stories, 150, &pack));
    assert_int_equal(pack.count, sc->cards[150].count);
    assert_non_null(pack.images[0].mask);
    scene_card_pack_finish(&pack);
    scene_destroy(sc);
    story_list_finish(&stories);
}

/* A theme whose text matches its background would blank the sign: the scene's text colours
 * read at 3:1 at least, whatever the file says. */
static void test_theme_text_readable(void **state)
{
    struct fixture *f = *state;
    struct config cfg = f->cfg;
    static const uint32_t rows[][2] = {
        {0x151f33, 0x151f33}, {0xffffff, 0xffffff}, {0x777777, 0x808080}, {0x000000, 0x050505}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        cfg.theme.foreground = cfg.theme.muted = cfg.theme.band_foreground = rows[i][0];
        cfg.theme.surface = cfg.theme.band_background = rows[i][1];
        struct story_list none;
        story_list_init(&none);
        struct scene_params p = {
            .width = 800, .height = 480, .max_tile_w = 2048, .config = &cfg, .id = 1};
        struct scene *sc = scene_build(&p, &f->fonts, &none);
        const struct scene_colors *c = &sc->colors;
#define RGB(x) ((uint32_t)(x).r << 16 | (uint32_t)(x).g << 8 | (x).b)
        assert_true(scene_contrast(RGB(c->foreground), RGB(c->surface)) >= 3.0);
        assert_true(scene_contrast(RGB(c->muted), RGB(c->surface)) >= 3.0);
        assert_true(scene_contrast(RGB(c->band_text), RGB(c->band)) >= 3.0);
#undef RGB
        scene_destroy(sc);
        story_list_finish(&none);
    }
}

static void test_lazy_cards_match_eager(void **state)
{
    lazy_cards(*state, true, 0);
    lazy_cards(*state, false, 0);
}

static void test_lazy_cards_wait_for_text(void **state)
{
    lazy_cards(*state, true, 240); /* 4 s per answer: longer than a card */
}

/* A font file that cannot be opened (gone since the config was checked, or not a font): the
 * sign draws with a fallback and its text is still there. */
static void test_unusable_font_falls_back(void **state)
{
    (void)state;
    struct config cfg;
    config_init(&cfg);
    free(cfg.font);
    free(cfg.font_bold);
    cfg.font = xstrdup("/nonexistent/font.ttf");
    cfg.font_bold = xstrdup("/etc/passwd");
    struct scene_fonts fonts;
    assert_true(scene_fonts_init(&fonts, &cfg));
    SDL_Surface *text = font_render(&fonts.bold, 40, "Tariffs", 7, (SDL_Color){255, 255, 255, 255});
    assert_non_null(text);
    assert_true(text->w > 40 && text->h > 20);
    SDL_FreeSurface(text);
    assert_true(font_width(&fonts.regular, 40, "Tariffs", 7) > 40);
    scene_fonts_finish(&fonts);
    config_finish(&cfg);
}

/* Text of code points no installed font has (Egyptian hieroglyphs, a feed of random bytes
 * turned to UTF-8): fontconfig is asked once per block of them, not once per code point, so a
 * hostile feed cannot keep the worker busy for seconds. */
static void test_fallback_queries_bounded(void **state)
{
    struct fixture *f = *state;
    char text[4 * 1072 + 1];
    size_t len = 0;
    for (uint32_t cp = 0x13000; cp < 0x13430; cp++) {
        text[len++] = (char)(0xF0 | (cp >> 18));
        text[len++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        text[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        text[len++] = (char)(0x80 | (cp & 0x3F));
    }
    text[len] = '\0';
    unsigned before = f->fonts.regular.fc_queries;
    assert_true(font_width(&f->fonts.regular, 20, text, len) > 0);
    unsigned asked = f->fonts.regular.fc_queries - before;
    /* 1072 code points in 67 blocks of 16 (and any that a fallback face does have). */
    if (asked > 1072 / FONT_FC_BLOCK + 1 + FONT_MAX_FALLBACKS)
        fail_msg("%u fontconfig queries for 1072 code points", asked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_feed_fits),
        cmocka_unit_test(test_stress_feed_fits),
        cmocka_unit_test(test_default_content_has_glyphs),
        cmocka_unit_test(test_shipped_fonts_cover_scripts),
        cmocka_unit_test(test_crawl_direction),
        cmocka_unit_test(test_highlights),
        cmocka_unit_test(test_stage_survives_rapid_updates),
        cmocka_unit_test(test_damage_matches_full_redraw),
        cmocka_unit_test(test_damage_matches_gpu_painter),
        cmocka_unit_test(test_damage_matches_rightward_crawl),
        cmocka_unit_test(test_preview_hands_over),
        cmocka_unit_test(test_status_line_replaced),
        cmocka_unit_test(test_lazy_cards_match_eager),
        cmocka_unit_test(test_scene_memory_bounded),
        cmocka_unit_test(test_theme_text_readable),
        cmocka_unit_test(test_lazy_cards_wait_for_text),
        cmocka_unit_test(test_unusable_font_falls_back),
        cmocka_unit_test(test_fallback_queries_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
