/* The render side: takes scenes from the worker, uploads their images as textures a little
 * per frame (a card's only while it is on screen or next), runs the card rotation and the
 * crawl on the presented-frame clock, and draws a frame, or for a software renderer only what
 * changed, card text straight from its masks. Render thread only; the headless renderer drives
 * the same code with a software renderer, so `ticker render` draws exactly what the sign
 * shows. */
#pragma once
#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "crawl.h"
#include "scene.h"

#define STAGE_MAX_SCENES 4

struct stage_scene {
    struct scene *scene;    /* owned */
    SDL_Texture **textures; /* per image; NULL until made */
    size_t uploaded;        /* images outside cards uploaded so far, in order */
    bool *card_loaded;      /* per card: its textures are made (only a few cards at a time) */
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
    Uint8 card_alpha;
    int64_t minute; /* the clock */
    int64_t crawl_offset, crawl_travelled;
    uint32_t crawl_resets;
    size_t crawl_count;
    struct crawl_segment crawl_first;
};

/* The clock, two cards' text columns and figure tiles, the crawl. */
#define STAGE_MAX_DAMAGE (2 + 2 * (1 + STORY_MAX_FIGURES))

struct stage {
    SDL_Renderer *renderer; /* not owned */
    SDL_Surface *target;    /* not owned; see stage_set_target */
    bool prime;             /* draw each new texture once at upload (GPU renderers) */
    SDL_Color background;
    int64_t card_ns, transition_ns;
    int step_px; /* crawl pixels per refresh period */
    int px_per_s;
    double refresh_hz;
    struct stage_scene scenes[STAGE_MAX_SCENES];
    size_t cards_loaded;    /* cards with textures, over all scenes */
    uint32_t status_serial; /* stage_set_status calls that changed the newest scene */
    int newest;             /* slot of the newest fully uploaded scene, -1 before content */
    int pending;            /* slot being uploaded, -1 for none */
    struct crawl crawl;
    struct card_ref card, prev_card;
    int64_t time_ns;       /* virtual time: refresh periods presented x period */
    int64_t card_start_ns; /* when the current card came up */
    struct stage_view shown;
    SDL_Texture **doomed; /* of scenes no longer shown, freed a few per frame */
    size_t doomed_count, doomed_cap;
    /* A lazy scene's cards have their masks only while they are on screen or next: the stage
     * asks for them with this (the worker answers with stage_attach_card) and holds the
     * rotation until the next card's are there. */
    void (*want_card)(void *ctx, uint32_t scene_id, size_t card);
    void *want_ctx;
};

/* background: 0xRRGGBB shown before the first scene arrives. */
void stage_init(struct stage *st, SDL_Renderer *renderer, double refresh_hz, uint32_t background);
void stage_finish(struct stage *st);
/* For a software renderer: the image it draws into (32 bits per pixel), or NULL. With one,
 * card text is written from its coverage masks straight into it, only where the text covers,
 * and cards need no textures. Set before stage_upload, each frame (a window's image changes
 * with its size). */
void stage_set_target(struct stage *st, SDL_Surface *target);
/* Takes ownership of a new scene. If one is still uploading, that one is dropped. */
void stage_push(struct stage *st, struct scene *scene);
/* The masks of a lazy scene's card, asked for through want_card; takes ownership of pack.
 * Ignored (pack freed) when that scene is gone or the card has them already. */
void stage_attach_card(struct stage *st, struct scene_card_pack *pack);
/* A new status line (scene_build_status) for the scene with scene_id, in place of its own;
 * takes ownership of img. Ignored (img freed) when that scene is gone or has no status line. */
void stage_set_status(struct stage *st, uint32_t scene_id, struct scene_image *img);
/* Frees textures no longer needed (scenes and cards off screen), then uploads images of the
 * pending scene and of the next card, until budget_ns is spent (budget < 0: all). Only the
 * cards on screen, the next one and those a new scene starts with have textures. Returns true
 * when a new scene became current. */
bool stage_upload(struct stage *st, int64_t budget_ns);
/* The refresh rate changed (measured): re-snap the crawl step. */
void stage_set_refresh(struct stage *st, double refresh_hz);
/* Advances time by `periods` refresh periods of period_ns; returns the crawl pixels moved. */
int stage_advance(struct stage *st, int64_t periods, int64_t period_ns);
/* Draws the frame for the current state; wall_time is what the clock shows. */
void stage_draw(struct stage *st, int64_t wall_time);
/* For a target that keeps the last frame (a software renderer): draws only the regions of the
 * picture that changed since the last frame drawn, or everything when needed (a new scene, a
 * first frame). Returns the regions' count (0: nothing changed) with the regions in out, or -1
 * when the whole picture was drawn. */
int stage_draw_changed(struct stage *st, int64_t wall_time, SDL_Rect out[STAGE_MAX_DAMAGE]);
/* The screen lost what was drawn (exposed, resized): the next damage is everything. */
void stage_invalidate(struct stage *st);
bool stage_has_content(const struct stage *st);
