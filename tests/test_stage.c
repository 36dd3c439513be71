/* The card timeline without a renderer: scenes built by hand, a painter that only counts what
 * it is asked to make and release. Rotation and fades on the frame clock, a new scene taking
 * over at a card boundary, which images are resident, and the damage between frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "painter.h"
#include "stage.h"
#include "util.h"

#define PERIOD_NS 16666667
#define CARD_NS 3000000000
#define FADE_NS 600000000

/* Makes a token per image, counts what is made and released, checks nothing is released
 * twice or never made. */
struct counting_painter {
    struct painter base;
    size_t made, released, live_max;
    bool card_images;
    const struct scene_image *last_made;
};

static struct counting_painter *counting(struct painter *p)
{
    return (struct counting_painter *)(void *)p;
}

static void *count_make(struct painter *p, const struct scene_image *img)
{
    struct counting_painter *cp = counting(p);
    assert_non_null(img->mask);
    cp->made++;
    cp->last_made = img;
    cp->live_max = MAX(cp->live_max, cp->made - cp->released);
    return xmalloc(1); /* freed on release: ASan finds a double release or a leak */
}

static void count_release(struct painter *p, void *made)
{
    counting(p)->released++;
    free(made);
}

static void count_tidy(struct painter *p, int64_t budget_ns)
{
    (void)p;
    (void)budget_ns;
}

static const struct painter_ops textures_ops = {.name = "count",
                                                .card_images = true,
                                                .crawl_images = true,
                                                .make = count_make,
                                                .release = count_release,
                                                .tidy = count_tidy};
static const struct painter_ops masks_ops = {.name = "count-masks",
                                             .card_images = false,
                                             .crawl_images = false,
                                             .make = count_make,
                                             .release = count_release,
                                             .tidy = count_tidy};

static uint32_t add_image(struct scene *sc, int w, int h, int card, bool crawl)
{
    struct scene_image *img = &sc->images[sc->image_count];
    *img = (struct scene_image){
        .mask = xcalloc((size_t)(w * h), 1), .w = w, .h = h, .card = card, .crawl = crawl};
    return (uint32_t)sc->image_count++;
}

/* A 800x480 scene of `cards` cards (a headline image each, a rule and a tile) and as many
 * crawl segments of one 500 px tile. */
static struct scene *fake_scene(uint32_t id, size_t cards, bool lazy)
{
    struct scene *sc = xcalloc(1, sizeof(*sc));
    sc->id = id;
    sc->width = 800;
    sc->height = 480;
    layout_screen(800, 480, 100, &sc->layout);
    sc->strip = (struct rect){0, sc->layout.band.y, 800, sc->layout.band.h};
    sc->crawl_step_px_s = 120;
    sc->card_ns = CARD_NS;
    sc->transition_ns = FADE_NS;
    sc->story_count = (int)cards;
    sc->lazy = lazy;
    sc->brand = sc->status = SCENE_NO_IMAGE;
    for (size_t i = 0; i < SCENE_CLOCK_GLYPHS; i++)
        sc->clock_glyphs[i] = SCENE_NO_IMAGE;
    sc->images = xcalloc(2 * cards, sizeof(*sc->images));
    sc->placed = xcalloc(cards, sizeof(*sc->placed));
    sc->cards = xcalloc(cards, sizeof(*sc->cards));
    sc->segments = xcalloc(cards, sizeof(*sc->segments));
    for (size_t c = 0; c < cards; c++) {
        struct rect text = sc->layout.card;
        uint32_t image = add_image(sc, 300, 40, (int)c, false);
        sc->placed[c] = (struct scene_placed){image, text.x + 20, text.y + 20};
        sc->cards[c] = (struct scene_card){.first = (uint32_t)c,
                                           .count = 1,
                                           .ready = !lazy || c < SCENE_EAGER_CARDS,
                                           .accent = {text.x, text.y, 4, 100},
                                           .tile_count = 1,
                                           .tiles = {{text.x + 400, text.y + 20, 200, 100}}};
        if (lazy && c >= SCENE_EAGER_CARDS) {
            free(sc->images[image].mask);
            sc->images[image].mask = NULL;
        }
    }
    sc->placed_count = cards;
    sc->card_count = cards;
    for (size_t g = 0; g < cards; g++) {
        uint32_t image = add_image(sc, 500, sc->strip.h, -1, true);
        sc->segments[g] = (struct scene_segment){image, 1, 500};
    }
    sc->segment_count = cards;
    return sc;
}

static void open_stage(struct stage *st, struct counting_painter *cp, bool textures)
{
    memset(cp, 0, sizeof(*cp));
    cp->base.ops = textures ? &textures_ops : &masks_ops;
    stage_init(st, &cp->base, 60, 0x000000);
}

static size_t resident_cards(const struct stage *st)
{
    size_t n = 0;
    for (int i = 0; i < STAGE_MAX_SCENES; i++)
        for (size_t c = 0; st->scenes[i].scene && c < st->scenes[i].scene->card_count; c++)
            n += st->scenes[i].card_loaded[c];
    return n;
}

/* Cards change every card_ns on the frame clock; the fade takes the old card out, then the new
 * one in, eased; nothing else moves the timeline. */
static void test_rotation_and_fade(void **state)
{
    (void)state;
    struct stage st;
    struct counting_painter cp;
    open_stage(&st, &cp, true);
    stage_push(&st, fake_scene(1, 3, false));
    assert_true(stage_upload(&st, -1));
    assert_true(stage_has_content(&st));
    struct card_ref ref;
    uint8_t alpha;
    assert_true(stage_card_shown(&st, &ref, &alpha));
    assert_int_equal(ref.card, 0);
    assert_int_equal(alpha, 255);
    /* 3 s of frames: 180 periods. One before the boundary: still card 0, opaque. */
    stage_advance(&st, 179, PERIOD_NS);
    assert_true(stage_card_shown(&st, &ref, &alpha));
    assert_int_equal(ref.card, 0);
    assert_int_equal(alpha, 255);
    stage_advance(&st, 1, PERIOD_NS);
    assert_int_equal(st.card.card, 1);
    assert_int_equal(st.prev_card.card, 0);
    /* A quarter of the fade in: the old card, at smoothstep(0.5) of full. */
    stage_advance(&st, 9, PERIOD_NS);
    assert_true(stage_card_shown(&st, &ref, &alpha));
    assert_int_equal(ref.card, 0);
    assert_in_range(alpha, 120, 136);
    /* Three quarters: the new card, as opaque as the old one was. */
    stage_advance(&st, 18, PERIOD_NS);
    assert_true(stage_card_shown(&st, &ref, &alpha));
    assert_int_equal(ref.card, 1);
    assert_in_range(alpha, 120, 136);
    /* After the fade: no previous card. Two more cards later: back to the first. */
    stage_advance(&st, 9, PERIOD_NS);
    assert_int_equal(st.prev_card.slot, -1);
    stage_advance(&st, 2 * 180, PERIOD_NS);
    assert_int_equal(st.card.card, 0);
    stage_finish(&st);
    assert_int_equal(cp.made, cp.released);
}

/* A new scene of the same size takes over the crawl at once but the cards only at the next
 * boundary, at the next card of the new scene. */
static void test_new_scene_at_card_boundary(void **state)
{
    (void)state;
    struct stage st;
    struct counting_painter cp;
    open_stage(&st, &cp, true);
    stage_push(&st, fake_scene(1, 3, false));
    stage_upload(&st, -1);
    stage_advance(&st, 60, PERIOD_NS);
    stage_push(&st, fake_scene(2, 4, false));
    assert_true(stage_upload(&st, -1));
    assert_int_equal(stage_current(&st)->scene->id, 2);
    assert_int_equal(st.scenes[st.card.slot].scene->id, 1);
    stage_advance(&st, 119, PERIOD_NS);
    assert_int_equal(st.scenes[st.card.slot].scene->id, 1);
    stage_advance(&st, 1, PERIOD_NS);
    assert_int_equal(st.scenes[st.card.slot].scene->id, 2);
    assert_int_equal(st.card.card, 1);
    stage_finish(&st);
    assert_int_equal(cp.made, cp.released);
}

/* An alert scene does not wait for the card boundary: it takes over the card and the crawl at
 * once, from its first card, and hands back the same way. One alert stays up without fading
 * to itself. */
static void test_alert_takes_over(void **state)
{
    (void)state;
    struct stage st;
    struct counting_painter cp;
    open_stage(&st, &cp, true);
    stage_push(&st, fake_scene(1, 3, false));
    stage_upload(&st, -1);
    stage_advance(&st, 200, PERIOD_NS); /* card 1, 20 frames in; the crawl well under way */
    assert_int_equal(st.card.card, 1);
    int64_t travelled = st.crawl.travelled;
    assert_true(travelled > 0);
    struct scene *alert = fake_scene(2, 1, false);
    alert->alert = true;
    stage_push(&st, alert);
    assert_true(stage_upload(&st, -1));
    assert_int_equal(st.scenes[st.card.slot].scene->id, 2);
    assert_int_equal(st.card.card, 0);
    assert_int_equal(st.prev_card.slot, -1); /* no fade from the news card */
    for (size_t i = 0; i < st.crawl.count; i++)
        assert_int_equal(st.crawl.segments[i].snapshot_id, 2);
    /* Ten cards' time later: still the alert, opaque, never faded. */
    for (int i = 0; i < 10 * 180; i++) {
        stage_advance(&st, 1, PERIOD_NS);
        struct card_ref ref;
        uint8_t alpha;
        assert_true(stage_card_shown(&st, &ref, &alpha));
        assert_int_equal(st.scenes[ref.slot].scene->id, 2);
        assert_int_equal(alpha, 255);
    }
    /* The alert leaves: the news is back at once, from its first card. */
    stage_push(&st, fake_scene(3, 3, false));
    assert_true(stage_upload(&st, -1));
    assert_int_equal(st.scenes[st.card.slot].scene->id, 3);
    assert_int_equal(st.card.card, 0);
    for (size_t i = 0; i < st.crawl.count; i++)
        assert_int_equal(st.crawl.segments[i].snapshot_id, 3);
    stage_finish(&st);
    assert_int_equal(cp.made, cp.released);
}

/* With a painter that draws from what it makes, only the cards on screen and the next are
 * resident, whatever the number of cards; with one that writes masks, no card image is made
 * at all. Everything made is released. */
static void residency(bool textures)
{
    struct stage st;
    struct counting_painter cp;
    open_stage(&st, &cp, textures);
    stage_push(&st, fake_scene(1, 40, false));
    stage_upload(&st, -1);
    for (int frame = 0; frame < 60 * 60; frame++) {
        if (frame == 1000)
            stage_push(&st, fake_scene(2, 40, false));
        stage_upload(&st, 2000000);
        stage_advance(&st, 1, PERIOD_NS);
        if (resident_cards(&st) > (textures ? 3 : 0))
            fail_msg("frame %d: %zu cards resident", frame, resident_cards(&st));
        if (textures && !st.scenes[st.card.slot].card_loaded[st.card.card])
            fail_msg("frame %d: the card on screen is not resident", frame);
    }
    /* The crawl: 80 tiles, the rest cards' or, writing masks, nothing of cards. */
    if (!textures)
        assert_int_equal(cp.made, 0);
    else
        assert_in_range(cp.live_max, 3, 2 * 40 + 6);
    stage_finish(&st);
    assert_int_equal(cp.made, cp.released);
}

static void test_residency_textures(void **state)
{
    (void)state;
    residency(true);
}

static void test_residency_masks(void **state)
{
    (void)state;
    residency(false);
}

/* Between frames only what changed: nothing, the crawl's strip moved by one step, the card's
 * regions while it fades (fading: only its opacity), everything after a loss. */
static void test_damage(void **state)
{
    (void)state;
    struct stage st;
    struct counting_painter cp;
    open_stage(&st, &cp, false);
    struct stage_damage d;
    stage_damage(&st, 0, &d);
    assert_int_equal(d.count, -1); /* the first frame */
    stage_push(&st, fake_scene(1, 3, false));
    stage_upload(&st, -1);
    stage_damage(&st, 0, &d);
    assert_int_equal(d.count, -1); /* a new scene */
    stage_damage(&st, 0, &d);
    assert_int_equal(d.count, 0); /* nothing moved */
    stage_advance(&st, 1, PERIOD_NS);
    stage_damage(&st, 0, &d);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.area[0].y, stage_current(&st)->scene->strip.y);
    assert_int_equal(d.moved[0], st.step_px);
    assert_int_equal(st.step_px, 2);
    stage_advance(&st, 179 + 9, PERIOD_NS); /* into the fade */
    stage_damage(&st, 0, &d);
    stage_advance(&st, 1, PERIOD_NS);
    stage_damage(&st, 0, &d);
    /* The strip, and the fading card's text column and tile. */
    assert_int_equal(d.count, 3);
    assert_true(d.fading[0] && d.fading[1]);
    assert_false(d.fading[2]);
    /* The clock's minute. */
    stage_damage(&st, 60, &d);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.area[0].y, stage_current(&st)->scene->layout.top_bar.y);
    stage_invalidate(&st);
    stage_damage(&st, 60, &d);
    assert_int_equal(d.count, -1);
    stage_finish(&st);
}

static void record_ask(void *ctx, uint32_t scene_id, size_t card)
{
    (void)scene_id;
    size_t *asked = ctx;
    asked[card]++;
}

/* The worker's answer: card `card` of scene 1 with its text. */
static void answer(struct stage *st, size_t card)
{
    struct scene_card_pack pack = {.scene_id = 1, .card = card, .count = 1};
    pack.images = xcalloc(1, sizeof(*pack.images));
    pack.images[0] = (struct scene_image){.mask = xcalloc(300 * 40, 1), .w = 300, .h = 40};
    stage_attach_card(st, &pack);
}

/* A lazy scene asks for the text of the next card; while it has not come, the card on screen
 * stays up rather than an empty card coming up. */
static void test_lazy_card_holds_rotation(void **state)
{
    (void)state;
    struct stage st;
    struct counting_painter cp;
    open_stage(&st, &cp, true);
    size_t asked[4] = {0};
    st.want_card = record_ask;
    st.want_ctx = asked;
    stage_push(&st, fake_scene(1, 4, true));
    stage_upload(&st, -1);
    /* Taking over, the scene keeps the masks of its first card only, and asks for the next
     * (the cards needed before it took over were its first alone). */
    assert_int_equal(asked[1], 1);
    answer(&st, 1);
    stage_advance(&st, 180, PERIOD_NS);
    stage_upload(&st, -1);
    assert_int_equal(st.card.card, 1);
    assert_int_equal(asked[2], 0); /* fading: the cards needed are the two fading */
    stage_advance(&st, 40, PERIOD_NS);
    stage_upload(&st, -1);
    assert_int_equal(asked[2], 1); /* then the next one's text is asked for */
    stage_advance(&st, 100, PERIOD_NS);
    stage_upload(&st, -1);
    assert_int_equal(asked[2], 2); /* again after a second without an answer */
    stage_advance(&st, 80, PERIOD_NS);
    stage_upload(&st, -1);
    assert_int_equal(st.card.card, 1); /* held past its 3 s */
    answer(&st, 2);
    stage_advance(&st, 1, PERIOD_NS);
    assert_int_equal(st.card.card, 2);
    stage_finish(&st);
    assert_int_equal(cp.made, cp.released);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_and_fade),
        cmocka_unit_test(test_new_scene_at_card_boundary),
        cmocka_unit_test(test_alert_takes_over),
        cmocka_unit_test(test_residency_textures),
        cmocka_unit_test(test_residency_masks),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_lazy_card_holds_rotation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
