/* The card timeline: scenes from the worker in a few slots, which card is up and how opaque,
 * the crawl on the presented-frame clock, which images must be resident (made drawable by the
 * painter: textures) and which regions of the picture changed since the last frame. No
 * drawing: a painter (painter.h) reads the stage to draw it, and the stage asks the painter
 * only to make and to release images. Render thread only; tests drive it with a fake painter
 * and no renderer. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "crawl.h"
#include "layout.h"
#include "scene.h"

#define STAGE_MAX_SCENES 4

struct painter;

struct stage_scene {
    struct scene *scene;    /* owned */
    void **resident;        /* per image: what the painter made of it (a texture); NULL: nothing */
    size_t uploaded;        /* images outside cards made so far, in order */
    bool *card_loaded;      /* per card: its images are resident (only a few cards at a time) */
    int64_t *card_asked_ns; /* per card of a lazy scene: when its masks were asked for; 0: not */
    bool trimmed;           /* no longer the newest: only what is on screen is kept */
};

struct card_ref {
    int slot; /* index into stage.scenes, -1 for none */
    size_t card;
};

/* What the last frame showed, to find what the next one changes. */
struct stage_view {
    bool valid;
    uint32_t scene_id, card_scene_id; /* 0: none */
    uint32_t status_serial;           /* stage_set_status calls */
    size_t card;
    uint8_t card_alpha;
    int64_t minute; /* the clock */
    int64_t crawl_offset, crawl_travelled;
    uint32_t crawl_resets;
    size_t crawl_count;
    struct crawl_segment crawl_first;
};

/* The clock, two cards' text columns and figure tiles, the crawl. */
#define STAGE_MAX_DAMAGE (2 + 2 * (1 + STORY_MAX_FIGURES))

/* The regions of the picture that changed between two frames. */
struct stage_damage {
    int count; /* -1: everything (a new scene, a first frame, a lost screen) */
    struct rect area[STAGE_MAX_DAMAGE];
    bool fading[STAGE_MAX_DAMAGE]; /* the shown card's region, and only its opacity changed */
    int moved[STAGE_MAX_DAMAGE]; /* > 0: the crawl's strip, its picture only moved left this far */
};

struct stage {
    struct painter *painter; /* not owned: makes and releases resident images */
    uint32_t background;     /* 0xRRGGBB shown before the first scene arrives */
    int64_t card_ns, transition_ns;
    int step_px; /* crawl pixels per refresh period */
    int px_per_s;
    double refresh_hz;
    struct stage_scene scenes[STAGE_MAX_SCENES];
    size_t cards_loaded;    /* cards with resident images, over all scenes */
    uint32_t status_serial; /* stage_set_status calls that changed the newest scene */
    int newest;             /* slot of the newest fully uploaded scene, -1 before content */
    int pending;            /* slot being uploaded, -1 for none */
    struct crawl crawl;
    struct card_ref card, prev_card;
    int64_t time_ns;       /* virtual time: refresh periods presented x period */
    int64_t card_start_ns; /* when the current card came up */
    struct stage_view shown;
    /* A lazy scene's cards have their masks only while they are on screen or next: the stage
     * asks for them with this (the worker answers with stage_attach_card) and holds the
     * rotation until the next card's are there. */
    void (*want_card)(void *ctx, uint32_t scene_id, size_t card);
    void *want_ctx;
};

void stage_init(struct stage *st, struct painter *painter, double refresh_hz, uint32_t background);
void stage_finish(struct stage *st);
/* Takes ownership of a new scene. If one is still uploading, that one is dropped. */
void stage_push(struct stage *st, struct scene *scene);
/* The masks of a lazy scene's card, asked for through want_card; takes ownership of pack.
 * Ignored (pack freed) when that scene is gone or the card has them already. */
void stage_attach_card(struct stage *st, struct scene_card_pack *pack);
/* A new status line (scene_build_status) for the scene with scene_id, in place of its own;
 * takes ownership of img. Ignored (img freed) when that scene is gone or has no status line. */
void stage_set_status(struct stage *st, uint32_t scene_id, struct scene_image *img);
/* Releases images no longer needed (scenes and cards off screen), then makes images of the
 * pending scene and of the next card resident, until budget_ns is spent (budget < 0: all).
 * Only the cards on screen, the next one and those a new scene starts with are resident.
 * Returns true when a new scene became current. */
bool stage_upload(struct stage *st, int64_t budget_ns);
/* Makes a card's images resident now, whatever the budget (a jump in time: `ticker render`). */
void stage_load_card(struct stage *st, struct card_ref ref);
/* The refresh rate changed (measured): re-snap the crawl step. */
void stage_set_refresh(struct stage *st, double refresh_hz);
/* Advances time by `periods` refresh periods of period_ns; returns the crawl pixels moved. */
int stage_advance(struct stage *st, int64_t periods, int64_t period_ns);
/* The card on screen now and its opacity; false when there is none. */
bool stage_card_shown(const struct stage *st, struct card_ref *ref, uint8_t *alpha);
/* The newest scene's slot, NULL before the first. */
const struct stage_scene *stage_current(const struct stage *st);
/* The slot holding the scene with this id, or -1. */
int stage_slot_of(const struct stage *st, uint32_t scene_id);
/* What changed since the last frame, which is now taken as drawn (count -1: everything). */
void stage_damage(struct stage *st, int64_t wall_time, struct stage_damage *out);
/* The screen lost what was drawn (exposed, resized): the next damage is everything. */
void stage_invalidate(struct stage *st);
bool stage_has_content(const struct stage *st);
