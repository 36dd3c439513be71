#include "draw.h"

#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

void stage_init(struct stage *st, SDL_Renderer *renderer, double refresh_hz, uint32_t background)
{
    memset(st, 0, sizeof(*st));
    st->renderer = renderer;
    st->background =
        (SDL_Color){(Uint8)(background >> 16), (Uint8)(background >> 8), (Uint8)background, 255};
    st->newest = -1;
    st->pending = -1;
    st->card.slot = st->prev_card.slot = -1;
    st->refresh_hz = refresh_hz;
    SDL_RendererInfo info;
    st->prime = SDL_GetRendererInfo(renderer, &info) == 0 && !(info.flags & SDL_RENDERER_SOFTWARE);
    crawl_init(&st->crawl, 0);
}

/* Textures are not destroyed at once but handed to stage_upload, which frees a few per frame:
 * a big feed's scene has hundreds of textures (~100 MB at 1080p), and freeing them all takes
 * longer than a frame. */
static void doom(struct stage *st, SDL_Texture *tex)
{
    if (st->doomed_count == st->doomed_cap) {
        st->doomed_cap = st->doomed_cap ? st->doomed_cap * 2 : 64;
        st->doomed = xrealloc(st->doomed, st->doomed_cap * sizeof(*st->doomed));
    }
    st->doomed[st->doomed_count++] = tex;
}

static void release_slot(struct stage *st, int slot)
{
    struct stage_scene *ss = &st->scenes[slot];
    if (!ss->scene)
        return;
    for (size_t i = 0; i < ss->scene->image_count; i++)
        if (ss->textures[i])
            doom(st, ss->textures[i]);
    for (size_t card = 0; card < ss->scene->card_count; card++)
        st->cards_loaded -= ss->card_loaded[card];
    free(ss->textures);
    free(ss->card_loaded);
    free(ss->card_asked_ns);
    scene_destroy(ss->scene);
    memset(ss, 0, sizeof(*ss));
}

void stage_finish(struct stage *st)
{
    for (int i = 0; i < STAGE_MAX_SCENES; i++)
        release_slot(st, i);
    while (st->doomed_count > 0)
        SDL_DestroyTexture(st->doomed[--st->doomed_count]);
    free(st->doomed);
    st->doomed = NULL;
    st->doomed_cap = 0;
}

static int slot_of_id(const struct stage *st, uint32_t id)
{
    for (int i = 0; i < STAGE_MAX_SCENES; i++)
        if (st->scenes[i].scene && st->scenes[i].scene->id == id)
            return i;
    return -1;
}

/* Frees scenes that nothing shows any more. */
static void unload_card(struct stage *st, struct stage_scene *ss, size_t card);

static void drop_image(struct stage *st, struct stage_scene *ss, uint32_t image)
{
    if (image == SCENE_NO_IMAGE)
        return;
    if (ss->textures[image])
        doom(st, ss->textures[image]);
    ss->textures[image] = NULL;
    scene_image_finish(&ss->scene->images[image]);
}

static bool card_is(struct card_ref ref, int slot, size_t card)
{
    return ref.slot == slot && ref.card == card;
}

static bool segment_in_crawl(const struct crawl *c, uint32_t scene_id, size_t index)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->segments[i].snapshot_id == scene_id && c->segments[i].index == index)
            return true;
    return false;
}

/* A scene that is no longer the newest only finishes what is on screen, its card and its
 * crawl segments in view: nothing else of it is drawn again (cards rotate and the crawl
 * continues from the newest), so the rest goes now rather than when the last of it leaves. */
static void trim_slot(struct stage *st, int slot)
{
    struct stage_scene *ss = &st->scenes[slot];
    const struct scene *sc = ss->scene;
    for (size_t c = 0; c < sc->card_count; c++) {
        if (card_is(st->card, slot, c) || card_is(st->prev_card, slot, c))
            continue;
        if (ss->card_loaded[c])
            unload_card(st, ss, c);
        for (uint32_t i = sc->cards[c].first; i < sc->cards[c].first + sc->cards[c].count; i++)
            drop_image(st, ss, sc->placed[i].image);
        ss->scene->cards[c].ready = false;
    }
    for (size_t g = 0; g < sc->segment_count; g++)
        if (!segment_in_crawl(&st->crawl, sc->id, g))
            for (uint32_t i = sc->segments[g].first;
                 i < sc->segments[g].first + sc->segments[g].count; i++)
                drop_image(st, ss, i);
    ss->trimmed = true;
}

static void collect(struct stage *st)
{
    for (int i = 0; i < STAGE_MAX_SCENES; i++) {
        struct stage_scene *ss = &st->scenes[i];
        if (!ss->scene || i == st->newest || i == st->pending)
            continue;
        if (i != st->card.slot && i != st->prev_card.slot &&
            !crawl_uses_snapshot(&st->crawl, ss->scene->id))
            release_slot(st, i);
        else if (!ss->trimmed)
            trim_slot(st, i);
    }
}

void stage_push(struct stage *st, struct scene *scene)
{
    if (st->pending >= 0)
        release_slot(st, st->pending);
    st->pending = -1;
    collect(st);
    int slot = -1;
    for (int i = 0; i < STAGE_MAX_SCENES && slot < 0; i++)
        if (!st->scenes[i].scene)
            slot = i;
    if (slot < 0) {
        /* Every slot busy (updates faster than the crawl turns over): the oldest that is not
         * the newest goes, and the conveyor restarts from the newest. */
        for (int i = 0; i < STAGE_MAX_SCENES && slot < 0; i++)
            if (i != st->newest)
                slot = i;
        crawl_reset(&st->crawl, st->crawl.view_width);
        if (st->card.slot == slot || st->prev_card.slot == slot)
            st->card.slot = st->prev_card.slot = -1;
        release_slot(st, slot);
    }
    st->scenes[slot].scene = scene;
    st->scenes[slot].textures = xcalloc(scene->image_count, sizeof(SDL_Texture *));
    st->scenes[slot].card_loaded = xcalloc(scene->card_count, sizeof(bool));
    st->scenes[slot].card_asked_ns = xcalloc(scene->card_count, sizeof(int64_t));
    st->pending = slot;
}

static void upload_image(struct stage *st, struct stage_scene *ss, uint32_t image)
{
    struct scene_image *img = &ss->scene->images[image];
    SDL_Surface *pixels = img->mask ? scene_image_pixels(img) : NULL;
    SDL_Texture *tex = pixels ? SDL_CreateTextureFromSurface(st->renderer, pixels) : NULL;
    if (!tex)
        log_error("cannot upload a %dx%d texture: %s", img->w, img->h, SDL_GetError());
    else
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
    if (tex && st->prime) {
        /* Draw it once, invisibly (the frame is cleared after uploads): GPU drivers finish
         * uploads and compile shader variants on first use, and that cost belongs in this
         * frame's upload budget rather than in the first frame that shows the scene. */
        SDL_Rect dot = {0, 0, 1, 1};
        SDL_SetTextureAlphaMod(tex, 0);
        SDL_RenderCopy(st->renderer, tex, NULL, &dot);
        SDL_RenderFlush(st->renderer);
        SDL_SetTextureAlphaMod(tex, 255);
    }
    ss->textures[image] = tex;
    /* The pixels now live in the texture. A card's mask stays: the card comes up again. */
    SDL_FreeSurface(pixels);
    if (img->card < 0)
        scene_image_finish(img);
}

static bool over_budget(int64_t start, int64_t budget_ns)
{
    return budget_ns >= 0 && util_now_ns() - start > budget_ns;
}

/* Makes a card's textures until the budget is spent; true when they are all made. */
static bool load_card(struct stage *st, struct card_ref ref, int64_t start, int64_t budget_ns)
{
    struct stage_scene *ss = &st->scenes[ref.slot];
    if (ss->card_loaded[ref.card])
        return true;
    const struct scene_card *c = &ss->scene->cards[ref.card];
    if (!c->ready)
        return false;
    for (uint32_t i = c->first; i < c->first + c->count; i++) {
        uint32_t image = ss->scene->placed[i].image;
        if (image == SCENE_NO_IMAGE || ss->textures[image] || !ss->scene->images[image].mask)
            continue;
        if (over_budget(start, budget_ns))
            return false;
        upload_image(st, ss, image);
    }
    ss->card_loaded[ref.card] = true;
    st->cards_loaded++;
    return true;
}

static void unload_card(struct stage *st, struct stage_scene *ss, size_t card)
{
    const struct scene_card *c = &ss->scene->cards[card];
    for (uint32_t i = c->first; i < c->first + c->count; i++) {
        uint32_t image = ss->scene->placed[i].image;
        if (image != SCENE_NO_IMAGE && ss->textures[image]) {
            doom(st, ss->textures[image]);
            ss->textures[image] = NULL;
        }
    }
    ss->card_loaded[card] = false;
    st->cards_loaded--;
}

#define MAX_WANTED 3

/* The card of the scene in slot that shows at once when it takes over, if one does: the
 * cases of take_scene that move the card to the new scene. */
static bool card_on_take(const struct stage *st, int slot, size_t *card)
{
    const struct scene *old = st->newest >= 0 ? st->scenes[st->newest].scene : NULL;
    const struct scene *sc = st->scenes[slot].scene;
    if (!old || old->width != sc->width || old->height != sc->height || old->preview)
        *card = st->card.slot >= 0 ? st->card.card % sc->card_count : 0;
    else if (old->story_count == 0 && sc->story_count > 0 && st->card.slot >= 0)
        *card = 0;
    else
        return false;
    return true;
}

/* The cards whose text may be drawn soon: those on screen, the next one, and the one a scene
 * being uploaded starts with when it takes over (take_scene). */
static size_t needed_cards(const struct stage *st, struct card_ref out[MAX_WANTED])
{
    size_t n = 0;
    if (st->card.slot >= 0) {
        out[n++] = st->card;
        if (st->prev_card.slot >= 0) {
            out[n++] = st->prev_card;
        } else if (st->newest >= 0) {
            size_t count = st->scenes[st->newest].scene->card_count;
            out[n++] = (struct card_ref){st->newest, (st->card.card + 1) % count};
        }
    }
    size_t card;
    if (st->pending >= 0 && card_on_take(st, st->pending, &card))
        out[n++] = (struct card_ref){st->pending, card};
    return n;
}

/* The cards that should have textures: the needed ones. None when text is written directly. */
static size_t wanted_cards(const struct stage *st, struct card_ref out[MAX_WANTED])
{
    return st->target ? 0 : needed_cards(st, out);
}

static bool card_needed(const struct card_ref *need, size_t n, int slot, size_t card)
{
    for (size_t i = 0; i < n; i++)
        if (card_is(need[i], slot, card))
            return true;
    return false;
}

/* A lazy scene keeps the masks of the needed cards only: it asks for those it lacks (again
 * after a second without an answer) and lets the others' go. */
static void keep_needed_masks(struct stage *st)
{
    struct card_ref need[MAX_WANTED] = {{0}};
    size_t n = needed_cards(st, need);
    for (int slot = 0; slot < STAGE_MAX_SCENES; slot++) {
        struct stage_scene *ss = &st->scenes[slot];
        if (!ss->scene || !ss->scene->lazy)
            continue;
        struct scene *sc = ss->scene;
        for (size_t c = 0; c < sc->card_count; c++) {
            bool needed = card_needed(need, n, slot, c);
            if (needed && !sc->cards[c].ready && st->want_card &&
                (!ss->card_asked_ns[c] || st->time_ns - ss->card_asked_ns[c] > 1000000000)) {
                st->want_card(st->want_ctx, sc->id, c);
                ss->card_asked_ns[c] = st->time_ns ? st->time_ns : 1;
            } else if (!needed && sc->cards[c].ready) {
                if (ss->card_loaded[c])
                    unload_card(st, ss, c);
                for (uint32_t i = sc->cards[c].first; i < sc->cards[c].first + sc->cards[c].count;
                     i++)
                    scene_image_finish(&sc->images[sc->placed[i].image]);
                sc->cards[c].ready = false;
                ss->card_asked_ns[c] = 0;
            }
        }
    }
}

void stage_attach_card(struct stage *st, struct scene_card_pack *pack)
{
    int slot = slot_of_id(st, pack->scene_id);
    struct scene *sc = slot >= 0 ? st->scenes[slot].scene : NULL;
    if (sc && pack->card < sc->card_count && !sc->cards[pack->card].ready) {
        struct scene_card *card = &sc->cards[pack->card];
        if (pack->count == card->count) {
            for (uint32_t i = 0; i < card->count; i++) {
                struct scene_image *img = &sc->images[sc->placed[card->first + i].image];
                scene_image_finish(img);
                img->mask = pack->images[i].mask;
                img->w = pack->images[i].w;
                img->h = pack->images[i].h;
                pack->images[i].mask = NULL;
            }
        } else {
            /* Cannot happen with the same fonts and layout; never hold the rotation on it. */
            log_error("card %zu of scene %u came with %zu images, not %u: shown without text",
                      pack->card, sc->id, pack->count, card->count);
        }
        card->ready = true;
    }
    scene_card_pack_finish(pack);
}

/* Lets the textures of every other card go. */
static void unload_unwanted(struct stage *st, const struct card_ref *want, size_t n)
{
    for (int slot = 0; st->cards_loaded > 0 && slot < STAGE_MAX_SCENES; slot++) {
        struct stage_scene *ss = &st->scenes[slot];
        if (!ss->scene)
            continue;
        for (size_t card = 0; card < ss->scene->card_count; card++) {
            if (!ss->card_loaded[card])
                continue;
            bool keep = false;
            for (size_t i = 0; i < n && !keep; i++)
                keep = want[i].slot == slot && want[i].card == card;
            if (!keep)
                unload_card(st, ss, card);
        }
    }
}

/* The crawl draws from the newest scene: the segment after `prev`, or its first. */
static bool next_segment(void *ctx, const struct crawl_segment *prev, struct crawl_segment *out)
{
    struct stage *st = ctx;
    if (st->newest < 0)
        return false;
    const struct scene *sc = st->scenes[st->newest].scene;
    if (sc->segment_count == 0)
        return false;
    /* After a content change the crawl goes on at the next story position, not back to the
     * first story. */
    uint32_t index = prev ? (prev->index + 1) % (uint32_t)sc->segment_count : 0;
    *out = (struct crawl_segment){sc->id, index, sc->segments[index].width};
    return true;
}

/* Where the card goes here, card_on_take tells ahead: keep the two in step. */
static void take_scene(struct stage *st, int slot)
{
    const struct scene *old = st->newest >= 0 ? st->scenes[st->newest].scene : NULL;
    const struct scene *sc = st->scenes[slot].scene;
    st->newest = slot;
    st->pending = -1;
    st->px_per_s = sc->crawl_step_px_s;
    st->card_ns = sc->card_ns;
    st->transition_ns = sc->transition_ns;
    st->step_px = crawl_step_px(st->px_per_s, st->refresh_hz);
    if (!old || old->width != sc->width || old->height != sc->height) {
        /* A new screen size: the old layout cannot be shown any more. Start over on the
         * new one at the same story. */
        size_t card = st->card.slot >= 0 ? st->card.card % sc->card_count : 0;
        crawl_reset(&st->crawl, sc->width);
        st->card = (struct card_ref){slot, card};
        st->prev_card.slot = -1;
        if (!old)
            st->card_start_ns = st->time_ns;
        crawl_advance(&st->crawl, 0, next_segment, st);
    } else if (old->preview) {
        /* The complete scene after a preview has the same cards and crawl segments: what is
         * on screen moves over to it, and the preview's images go at once. */
        int old_slot = slot_of_id(st, old->id);
        for (size_t i = 0; i < st->crawl.count; i++)
            if (st->crawl.segments[i].snapshot_id == old->id)
                st->crawl.segments[i].snapshot_id = sc->id;
        if (st->card.slot == old_slot)
            st->card.slot = slot;
        if (st->prev_card.slot == old_slot)
            st->prev_card.slot = slot;
    } else if (old->story_count == 0 && sc->story_count > 0 && st->card.slot >= 0) {
        /* The fallback message gives way to the first news at once, not a card later. */
        st->prev_card = st->card;
        st->card = (struct card_ref){slot, 0};
        st->card_start_ns = st->time_ns;
    }
    collect(st);
}

bool stage_upload(struct stage *st, int64_t budget_ns)
{
    int64_t start = util_now_ns();
    /* Old textures go first, with at most half of the budget. */
    while (st->doomed_count > 0) {
        SDL_DestroyTexture(st->doomed[--st->doomed_count]);
        if (budget_ns >= 0 && over_budget(start, budget_ns / 2))
            break;
    }
    keep_needed_masks(st);
    struct card_ref want[MAX_WANTED] = {{0}};
    size_t n = wanted_cards(st, want);
    unload_unwanted(st, want, n);
    bool taken = false;
    if (st->pending >= 0) {
        struct stage_scene *ss = &st->scenes[st->pending];
        while (ss->uploaded < ss->scene->image_count && !over_budget(start, budget_ns)) {
            const struct scene_image *img = &ss->scene->images[ss->uploaded];
            /* Cards come up later; the crawl, written from its masks, needs no textures. */
            if (img->card < 0 && !(st->target && img->crawl))
                upload_image(st, ss, (uint32_t)ss->uploaded);
            ss->uploaded++;
        }
        bool ready = ss->uploaded == ss->scene->image_count;
        size_t card;
        if (ready && card_on_take(st, st->pending, &card))
            ready = ss->scene->cards[card].ready; /* its text comes first */
        for (size_t i = 0; i < n && ready; i++)
            if (want[i].slot == st->pending)
                ready = load_card(st, want[i], start, budget_ns);
        if (ready) {
            take_scene(st, st->pending);
            taken = true;
            keep_needed_masks(st);
            n = wanted_cards(st, want);
            unload_unwanted(st, want, n);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (want[i].slot != st->pending)
            load_card(st, want[i], start, budget_ns);
    return taken;
}

void stage_set_status(struct stage *st, uint32_t scene_id, struct scene_image *img)
{
    int slot = slot_of_id(st, scene_id);
    struct stage_scene *ss = slot >= 0 ? &st->scenes[slot] : NULL;
    if (!ss || ss->scene->status == SCENE_NO_IMAGE) {
        scene_image_finish(img);
        return;
    }
    uint32_t status = ss->scene->status;
    if (ss->textures[status])
        doom(st, ss->textures[status]);
    ss->textures[status] = NULL;
    scene_image_finish(&ss->scene->images[status]);
    ss->scene->images[status] = *img;
    /* Uploaded at once unless the scene's upload has not come to it yet (a small image). */
    if (ss->uploaded > status)
        upload_image(st, ss, status);
    if (slot == st->newest)
        st->status_serial++;
}

void stage_set_target(struct stage *st, SDL_Surface *target)
{
    st->target = target && target->format->BytesPerPixel == 4 ? target : NULL;
}

void stage_set_refresh(struct stage *st, double refresh_hz)
{
    st->refresh_hz = refresh_hz;
    st->step_px = crawl_step_px(st->px_per_s, refresh_hz);
}

bool stage_has_content(const struct stage *st)
{
    return st->newest >= 0 && st->scenes[st->newest].scene->story_count > 0;
}

int stage_advance(struct stage *st, int64_t periods, int64_t period_ns)
{
    st->time_ns += periods * period_ns;
    int moved = 0;
    if (st->newest >= 0) {
        moved = (int)(st->step_px * periods);
        crawl_advance(&st->crawl, moved, next_segment, st);
    }
    if (st->card.slot < 0) {
        if (st->newest < 0)
            return moved;
        /* The card's scene had to go (updates came faster than the crawl turned over). */
        st->card = (struct card_ref){st->newest, 0};
        st->card_start_ns = st->time_ns;
    }
    /* Card rotation: a new scene's cards take over at the next card boundary. The next card of
     * a lazy scene waits until its text is there: the current one stays up a little longer,
     * rather than an empty card. */
    while (st->time_ns - st->card_start_ns >= st->card_ns) {
        const struct scene *sc = st->scenes[st->newest].scene;
        size_t next = (st->card.card + 1) % sc->card_count;
        if (!sc->cards[next].ready) {
            st->card_start_ns = st->time_ns - st->card_ns;
            break;
        }
        st->prev_card = st->card;
        st->card = (struct card_ref){st->newest, next};
        st->card_start_ns += st->card_ns;
    }
    if (st->prev_card.slot >= 0 && st->time_ns - st->card_start_ns >= st->transition_ns)
        st->prev_card.slot = -1;
    collect(st);
    return moved;
}

static void set_color(SDL_Renderer *r, SDL_Color c, Uint8 alpha)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, alpha);
}

static void fill(SDL_Renderer *r, struct rect rc)
{
    SDL_Rect sr = {rc.x, rc.y, rc.w, rc.h};
    SDL_RenderFillRect(r, &sr);
}

static void blit(struct stage *st, const struct stage_scene *ss, uint32_t image, int x, int y,
                 Uint8 alpha)
{
    if (image == SCENE_NO_IMAGE || !ss->textures[image])
        return;
    const struct scene_image *img = &ss->scene->images[image];
    SDL_Texture *tex = ss->textures[image];
    /* Images are opaque: copied, unless fading. */
    SDL_SetTextureBlendMode(tex, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetTextureAlphaMod(tex, alpha);
    SDL_Rect dst = {x, y, img->w, img->h};
    SDL_RenderCopy(st->renderer, tex, NULL, &dst);
}

/* Writes a mask image into the target at x, y (picture coordinates, like clip): with whole,
 * every pixel of it; else only the pixels the text covers, the rest left alone (it is bg
 * already: the card's surface, or a tile filled just before). */
static void write_text(struct stage *st, const SDL_Rect *clip, const struct scene_image *img, int x,
                       int y, SDL_Color fg, SDL_Color fg2, SDL_Color bg, bool whole)
{
    SDL_Rect vp, box = {x, y, img->w, img->h}, area;
    SDL_RenderGetViewport(st->renderer, &vp);
    SDL_Rect within = clip ? *clip : (SDL_Rect){0, 0, vp.w, vp.h};
    if (!img->mask || !SDL_IntersectRect(&box, &within, &area))
        return;
    Uint32 lut[256]; /* the target has 32 bits per pixel: stage_set_target */
    scene_text_lut(fg, fg2, bg, st->target->format, lut);
    for (int row = area.y; row < area.y + area.h; row++) {
        const uint8_t *m = img->mask + (size_t)(row - y) * (size_t)img->w + (area.x - x);
        Uint32 *d = scene_row32(st->target, row + vp.y) + area.x + vp.x;
        int i = 0;
        if (!whole) {
            /* Eight pixels at a time: empty ones (most of a text box) are skipped; in the
             * rest, writing bg where the coverage is 0 changes nothing. */
            for (; i + 8 <= area.w; i += 8) {
                uint64_t eight;
                memcpy(&eight, m + i, 8);
                if (eight)
                    for (int k = 0; k < 8; k++)
                        d[i + k] = lut[m[i + k]];
            }
        }
        for (; i < area.w; i++)
            if (whole || m[i])
                d[i] = lut[m[i]];
    }
}

static void draw_card(struct stage *st, struct card_ref ref, Uint8 alpha, const SDL_Rect *clip)
{
    if (!st->target) {
        /* Made ahead by stage_upload; if not yet (a jump in time, `ticker render`), now. */
        load_card(st, ref, 0, -1);
    }
    const struct stage_scene *ss = &st->scenes[ref.slot];
    const struct scene *sc = ss->scene;
    const struct scene_card *card = &sc->cards[ref.card];
    SDL_Renderer *r = st->renderer;
    SDL_Color surface = sc->colors.surface;
    /* Everything a card draws stands on the flat surface: a fading rule or tile is an opaque
     * fill of its colour mixed over the surface (no blending of every pixel). */
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    set_color(r, scene_blend(surface, sc->colors.accent, alpha), 255);
    fill(r, card->accent);
    set_color(r, scene_blend(surface, sc->colors.tile, alpha), 255);
    for (size_t i = 0; i < card->tile_count; i++)
        fill(r, card->tiles[i]);
    if (st->target) {
        /* The text in the colours the card's opacity gives it, over the fills above. */
        SDL_RenderFlush(r);
        for (uint32_t i = 0; i < card->count; i++) {
            const struct scene_placed *p = &sc->placed[card->first + i];
            if (p->image == SCENE_NO_IMAGE)
                continue;
            const struct scene_image *img = &sc->images[p->image];
            write_text(st, clip, img, p->x, p->y, scene_blend(surface, img->fg, alpha),
                       scene_blend(surface, img->fg2, alpha), scene_blend(surface, img->bg, alpha),
                       false);
        }
        return;
    }
    /* Text images are opaque on the colour they stand on. Fading, each blends over the bare
     * surface, so a tile's text box comes out the same colour as the fill around it. */
    set_color(r, surface, 255);
    for (uint32_t i = 0; i < card->count; i++) {
        const struct scene_placed *p = &sc->placed[card->first + i];
        if (alpha < 255 && p->image != SCENE_NO_IMAGE)
            fill(r, (struct rect){p->x, p->y, sc->images[p->image].w, sc->images[p->image].h});
        blit(st, ss, p->image, p->x, p->y, alpha);
    }
}

static void draw_clock(struct stage *st, const struct stage_scene *ss, int64_t wall_time)
{
    const struct scene *sc = ss->scene;
    if (sc->clock_glyphs[0] == SCENE_NO_IMAGE)
        return;
    time_t t = (time_t)wall_time;
    struct tm tm;
    localtime_r(&t, &tm);
    int hour = tm.tm_hour;
    uint32_t glyphs[8];
    size_t n = 0;
    if (sc->clock_12h) {
        int h12 = hour % 12 ? hour % 12 : 12;
        if (h12 >= 10)
            glyphs[n++] = sc->clock_glyphs[h12 / 10];
        glyphs[n++] = sc->clock_glyphs[h12 % 10];
    } else {
        glyphs[n++] = sc->clock_glyphs[hour / 10];
        glyphs[n++] = sc->clock_glyphs[hour % 10];
    }
    glyphs[n++] = sc->clock_glyphs[10];
    glyphs[n++] = sc->clock_glyphs[tm.tm_min / 10];
    glyphs[n++] = sc->clock_glyphs[tm.tm_min % 10];
    if (sc->clock_12h)
        glyphs[n++] = sc->clock_glyphs[hour < 12 ? 11 : 12];

    /* Digits sit centred in cells of the widest digit, so the clock never wobbles. */
    int cells[8], width = 0;
    for (size_t i = 0; i < n; i++) {
        if (glyphs[i] == SCENE_NO_IMAGE)
            return;
        cells[i] = glyphs[i] == sc->clock_glyphs[10] ? sc->clock_colon_w
                   : glyphs[i] == sc->clock_glyphs[11] || glyphs[i] == sc->clock_glyphs[12]
                       ? sc->images[glyphs[i]].w
                       : sc->clock_cell_w;
        width += cells[i];
    }
    const struct screen_layout *sl = &sc->layout;
    int x = sl->clock_right - width;
    for (size_t i = 0; i < n; i++) {
        const struct scene_image *img = &sc->images[glyphs[i]];
        blit(st, ss, glyphs[i], x + (cells[i] - img->w) / 2, (sl->top_bar.h - img->h) / 2, 255);
        x += cells[i];
    }
    if (sc->status != SCENE_NO_IMAGE) {
        const struct scene_image *img = &sc->images[sc->status];
        blit(st, ss, sc->status, sl->clock_right - width - 2 * sl->gap - img->w,
             (sl->top_bar.h - img->h) / 2, 255);
    }
}

/* The card on screen now and its opacity; false when there is none. The old card fades out,
 * then the new one fades in, each eased (smoothstep): two cards never show on top of each
 * other. */
static bool card_shown(const struct stage *st, struct card_ref *ref, Uint8 *alpha)
{
    if (st->card.slot < 0)
        return false;
    int64_t into = st->time_ns - st->card_start_ns;
    *ref = st->card;
    *alpha = 255;
    if (st->prev_card.slot >= 0 && into < st->transition_ns && st->transition_ns > 0) {
        double x = (double)into / (double)st->transition_ns;
        double h = x < 0.5 ? 1.0 - 2.0 * x : 2.0 * x - 1.0;
        *alpha = (Uint8)(h * h * (3 - 2 * h) * 255.0 + 0.5);
        if (x < 0.5)
            *ref = st->prev_card;
    }
    return true;
}

/* What a frame drawn now would show, in enough detail to tell which regions changed. */
static struct stage_view current_view(const struct stage *st, int64_t wall_time)
{
    struct stage_view v = {
        .valid = true, .minute = wall_time / 60, .status_serial = st->status_serial};
    if (st->newest < 0)
        return v;
    v.scene_id = st->scenes[st->newest].scene->id;
    struct card_ref ref;
    if (card_shown(st, &ref, &v.card_alpha)) {
        v.card_scene_id = st->scenes[ref.slot].scene->id;
        v.card = ref.card;
    }
    v.crawl_offset = st->crawl.offset;
    v.crawl_travelled = st->crawl.travelled;
    v.crawl_resets = st->crawl.resets;
    v.crawl_count = st->crawl.count;
    if (st->crawl.count > 0)
        v.crawl_first = st->crawl.segments[0];
    return v;
}

static bool inside(SDL_Rect a, struct rect outer)
{
    return a.x >= outer.x && a.y >= outer.y && a.x + a.w <= outer.x + outer.w &&
           a.y + a.h <= outer.y + outer.h;
}

static SDL_Rect sdl_rect(struct rect r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

/* Whether drawing clipped to clip (NULL: everything) can change anything in r. */
static bool touches(const SDL_Rect *clip, struct rect r)
{
    SDL_Rect sr = sdl_rect(r);
    return !clip || SDL_HasIntersection(clip, &sr);
}

/* Where a card draws on the card's surface: its text column (accent rule, headline, summary)
 * and each figure tile. The rest of the card stays the surface colour while it fades. */
static int card_regions(const struct stage *st, uint32_t scene_id, size_t index, SDL_Rect *out)
{
    int slot = slot_of_id(st, scene_id);
    if (slot < 0) {
        out[0] = sdl_rect(st->scenes[st->newest].scene->layout.card);
        return 1;
    }
    const struct scene *sc = st->scenes[slot].scene;
    const struct scene_card *c = &sc->cards[index];
    SDL_Rect text = sdl_rect(c->accent);
    for (uint32_t i = 0; i < c->count; i++) {
        const struct scene_placed *p = &sc->placed[c->first + i];
        SDL_Rect r = {p->x, p->y, sc->images[p->image].w, sc->images[p->image].h};
        bool in_tile = false;
        for (size_t t = 0; t < c->tile_count; t++)
            in_tile |= inside(r, c->tiles[t]);
        if (!in_tile)
            SDL_UnionRect(&text, &r, &text);
    }
    int n = 0;
    out[n++] = text;
    for (size_t t = 0; t < c->tile_count; t++)
        out[n++] = sdl_rect(c->tiles[t]);
    return n;
}

/* The regions that changed since the last frame drawn; fading[i] when region i is the shown
 * card's and only its opacity changed; scroll[i] > 0 when region i is the crawl's strip and
 * its picture only moved left by that many pixels. */
static int stage_damage(struct stage *st, int64_t wall_time, SDL_Rect out[STAGE_MAX_DAMAGE],
                        bool fading[STAGE_MAX_DAMAGE], int scroll[STAGE_MAX_DAMAGE])
{
    struct stage_view v = current_view(st, wall_time), old = st->shown;
    st->shown = v;
    if (!old.valid || v.scene_id != old.scene_id || st->newest < 0)
        return -1;
    const struct screen_layout *sl = &st->scenes[st->newest].scene->layout;
    int n = 0;
    /* The clock shows minutes; the status line next to it changes with the scene or by
     * stage_set_status. */
    if (v.minute != old.minute || v.status_serial != old.status_serial)
        out[n++] = sdl_rect(sl->top_bar);
    bool other_card = v.card_scene_id != old.card_scene_id || v.card != old.card;
    if (other_card && old.card_scene_id)
        n += card_regions(st, old.card_scene_id, old.card, out + n);
    if ((other_card || v.card_alpha != old.card_alpha) && v.card_scene_id) {
        int first = n;
        n += card_regions(st, v.card_scene_id, v.card, out + n);
        for (int i = first; i < n; i++)
            fading[i] = !other_card;
    }
    if (v.crawl_offset != old.crawl_offset || v.crawl_count != old.crawl_count ||
        v.crawl_first.snapshot_id != old.crawl_first.snapshot_id ||
        v.crawl_first.index != old.crawl_first.index) {
        out[n] = sdl_rect(st->scenes[st->newest].scene->strip);
        int64_t moved = v.crawl_travelled - old.crawl_travelled;
        if (st->target && v.crawl_resets == old.crawl_resets && moved > 0 && moved < out[n].w)
            scroll[n] = (int)moved;
        n++;
    }
    return n;
}

/* Moves the picture in region r of the target px pixels to the left (picture coordinates). */
static void scroll_left(struct stage *st, const SDL_Rect *r, int px)
{
    SDL_Rect vp;
    SDL_RenderGetViewport(st->renderer, &vp);
    SDL_RenderFlush(st->renderer);
    for (int row = r->y; row < r->y + r->h; row++) {
        Uint32 *d = scene_row32(st->target, row + vp.y) + r->x + vp.x;
        memmove(d, d + px, (size_t)(r->w - px) * sizeof(*d));
    }
}

void stage_invalidate(struct stage *st)
{
    st->shown.valid = false;
}

/* Draws the frame, or with clip only the part inside it (the rest of the target is left as
 * it is: SDL_RenderClear would ignore the clip, so the clip is filled instead). fading: the
 * clip is the shown card's and only its opacity changed. */
static void draw(struct stage *st, int64_t wall_time, const SDL_Rect *clip, bool fading)
{
    SDL_Renderer *r = st->renderer;
    SDL_RenderSetClipRect(r, clip);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    const struct stage_scene *ss = st->newest >= 0 ? &st->scenes[st->newest] : NULL;
    /* Before the first scene: the background only, so the screen is never garbage. */
    set_color(r, ss ? ss->scene->colors.background : st->background, 255);
    if (!clip)
        SDL_RenderClear(r);
    else if (!ss ||
             (!inside(*clip, ss->scene->layout.band) && !inside(*clip, ss->scene->layout.card)))
        SDL_RenderFillRect(r, clip); /* the card and the band paint all of themselves */
    if (!ss) {
        SDL_RenderSetClipRect(r, NULL);
        return;
    }
    const struct scene *sc = ss->scene;
    const struct screen_layout *sl = &sc->layout;

    if (touches(clip, sl->top_bar)) {
        if (sc->brand != SCENE_NO_IMAGE)
            blit(st, ss, sc->brand, sl->brand.x, (sl->top_bar.h - sc->images[sc->brand].h) / 2,
                 255);
        draw_clock(st, ss, wall_time);
    }

    /* Text written straight into the target covers only its own pixels: a card that merely
     * fades keeps the surface around its text as it is. */
    if (touches(clip, sl->card)) {
        SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
        set_color(r, sc->colors.surface, 255);
        if (!fading || !st->target)
            fill(r, sl->card);
        struct card_ref ref;
        Uint8 alpha;
        if (card_shown(st, &ref, &alpha))
            draw_card(st, ref, alpha, clip);
    }
    if (!touches(clip, sl->band)) {
        SDL_RenderSetClipRect(r, NULL);
        return;
    }

    /* The crawl's tiles are opaque and as tall as the strip: only what they leave uncovered
     * (the band above and below the strip, the end of a short crawl, a segment whose scene is
     * gone) is filled. */
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    set_color(r, sc->colors.band, 255);
    const struct rect *strip = &sc->strip;
    if (!clip || !inside(*clip, *strip)) {
        fill(r, (struct rect){sl->band.x, sl->band.y, sl->band.w, strip->y - sl->band.y});
        fill(r, (struct rect){sl->band.x, strip->y + strip->h, sl->band.w,
                              sl->band.y + sl->band.h - strip->y - strip->h});
    }
    /* Segments of an older scene keep their own strip's rows, cut to the newest one's. */
    SDL_Rect strip_clip = sdl_rect(*strip);
    if (clip)
        SDL_IntersectRect(clip, &strip_clip, &strip_clip);
    SDL_RenderSetClipRect(r, &strip_clip);
    int x = (int)-st->crawl.offset;
    for (size_t i = 0; i < st->crawl.count && x < sc->width; i++) {
        const struct crawl_segment *seg = &st->crawl.segments[i];
        int slot = slot_of_id(st, seg->snapshot_id);
        if (slot >= 0) {
            const struct stage_scene *segss = &st->scenes[slot];
            const struct scene_segment *ssg = &segss->scene->segments[seg->index];
            int tx = x;
            for (uint32_t k = 0; k < ssg->count; k++) {
                const struct scene_image *img = &segss->scene->images[ssg->first + k];
                if (tx + img->w > 0 && tx < sc->width) {
                    if (st->target && img->mask)
                        write_text(st, &strip_clip, img, tx, segss->scene->strip.y, img->fg,
                                   img->fg2, img->bg, true);
                    else
                        blit(st, segss, ssg->first + k, tx, segss->scene->strip.y, 255);
                }
                tx += img->w;
            }
        } else {
            fill(r, (struct rect){x, strip->y, seg->width, strip->h});
        }
        x += seg->width;
    }
    if (x < strip->x + strip->w) {
        int left = MAX(x, strip->x);
        fill(r, (struct rect){left, strip->y, strip->x + strip->w - left, strip->h});
    }
    SDL_RenderSetClipRect(r, NULL);
}

void stage_draw(struct stage *st, int64_t wall_time)
{
    st->shown = current_view(st, wall_time);
    draw(st, wall_time, NULL, false);
}

int stage_draw_changed(struct stage *st, int64_t wall_time, SDL_Rect out[STAGE_MAX_DAMAGE])
{
    bool fading[STAGE_MAX_DAMAGE] = {false};
    int scroll[STAGE_MAX_DAMAGE] = {0};
    int n = stage_damage(st, wall_time, out, fading, scroll);
    if (n < 0)
        draw(st, wall_time, NULL, false);
    for (int i = 0; i < n; i++) {
        if (scroll[i] > 0) {
            /* The crawl moves what is on screen and draws only the columns coming in. */
            scroll_left(st, &out[i], scroll[i]);
            SDL_Rect in = {out[i].x + out[i].w - scroll[i], out[i].y, scroll[i], out[i].h};
            draw(st, wall_time, &in, false);
        } else {
            draw(st, wall_time, &out[i], fading[i]);
        }
    }
    return n;
}
