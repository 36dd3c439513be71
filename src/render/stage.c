#include "stage.h"

#include <string.h>

#include "log.h"
#include "painter.h"
#include "util.h"

void stage_init(struct stage *st, struct painter *painter, double refresh_hz, uint32_t background)
{
    memset(st, 0, sizeof(*st));
    st->painter = painter;
    st->background = background;
    st->newest = -1;
    st->pending = -1;
    st->card.slot = st->prev_card.slot = -1;
    st->refresh_hz = refresh_hz;
    crawl_init(&st->crawl, 0);
}

static void release(struct stage *st, struct stage_scene *ss, uint32_t image)
{
    if (ss->resident[image])
        painter_release(st->painter, ss->resident[image]);
    ss->resident[image] = NULL;
}

static void release_slot(struct stage *st, int slot)
{
    struct stage_scene *ss = &st->scenes[slot];
    if (!ss->scene)
        return;
    for (uint32_t i = 0; i < ss->scene->image_count; i++)
        release(st, ss, i);
    for (size_t card = 0; card < ss->scene->card_count; card++)
        st->cards_loaded -= ss->card_loaded[card];
    free(ss->resident);
    free(ss->card_loaded);
    free(ss->card_asked_ns);
    scene_destroy(ss->scene);
    memset(ss, 0, sizeof(*ss));
}

void stage_finish(struct stage *st)
{
    for (int i = 0; i < STAGE_MAX_SCENES; i++)
        release_slot(st, i);
}

int stage_slot_of(const struct stage *st, uint32_t id)
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
    release(st, ss, image);
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
    st->scenes[slot].resident = xcalloc(scene->image_count, sizeof(void *));
    st->scenes[slot].card_loaded = xcalloc(scene->card_count, sizeof(bool));
    st->scenes[slot].card_asked_ns = xcalloc(scene->card_count, sizeof(int64_t));
    st->pending = slot;
}

static void upload_image(struct stage *st, struct stage_scene *ss, uint32_t image)
{
    struct scene_image *img = &ss->scene->images[image];
    ss->resident[image] = img->mask ? painter_make(st->painter, img) : NULL;
    /* The pixels now live in the painter's copy. A card's mask stays: the card comes up
     * again. */
    if (img->card < 0)
        scene_image_finish(img);
}

static bool over_budget(int64_t start, int64_t budget_ns)
{
    return budget_ns >= 0 && util_now_ns() - start > budget_ns;
}

/* Makes a card's images resident until the budget is spent; true when they all are. */
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
        if (image == SCENE_NO_IMAGE || ss->resident[image] || !ss->scene->images[image].mask)
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
        if (image != SCENE_NO_IMAGE)
            release(st, ss, image);
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
    bool takeover = old && old->alert != sc->alert;
    if (!old || takeover || old->width != sc->width || old->height != sc->height || old->preview)
        *card = st->card.slot >= 0 && !takeover ? st->card.card % sc->card_count : 0;
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

/* The cards that should be resident: the needed ones. None when the painter writes card text
 * straight from the masks. */
static size_t wanted_cards(const struct stage *st, struct card_ref out[MAX_WANTED])
{
    return st->painter->ops->card_images ? needed_cards(st, out) : 0;
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
    int slot = stage_slot_of(st, pack->scene_id);
    struct scene *sc = slot >= 0 ? st->scenes[slot].scene : NULL;
    if (sc && pack->card < sc->card_count && !sc->cards[pack->card].ready) {
        struct scene_card *card = &sc->cards[pack->card];
        if (pack->count == card->count) {
            for (uint32_t i = 0; i < card->count; i++) {
                struct scene_image *img = &sc->images[sc->placed[card->first + i].image];
                scene_image_finish(img);
                img->mask = pack->images[i].mask;
                img->sprites = pack->images[i].sprites;
                img->sprite_count = pack->images[i].sprite_count;
                img->w = pack->images[i].w;
                img->h = pack->images[i].h;
                pack->images[i].mask = NULL;
                pack->images[i].sprites = NULL;
                pack->images[i].sprite_count = 0;
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

/* Lets the resident images of every other card go. */
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
    bool takeover = old && old->alert != sc->alert;
    if (!old || takeover || old->width != sc->width || old->height != sc->height) {
        /* A new screen size: the old layout cannot be shown any more. Start over on the
         * new one at the same story. An alert takes over (or hands back) the whole sign at
         * once, from its first card and an empty crawl. */
        size_t card = st->card.slot >= 0 && !takeover ? st->card.card % sc->card_count : 0;
        crawl_reset(&st->crawl, sc->width);
        st->card = (struct card_ref){slot, card};
        st->prev_card.slot = -1;
        if (!old || takeover)
            st->card_start_ns = st->time_ns;
        crawl_advance(&st->crawl, 0, next_segment, st);
    } else if (old->preview) {
        /* The complete scene after a preview has the same cards and crawl segments: what is
         * on screen moves over to it, and the preview's images go at once. */
        int old_slot = stage_slot_of(st, old->id);
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

void stage_load_card(struct stage *st, struct card_ref ref)
{
    load_card(st, ref, 0, -1);
}

bool stage_upload(struct stage *st, int64_t budget_ns)
{
    int64_t start = util_now_ns();
    /* What was released goes first, with at most half of the budget. */
    painter_tidy(st->painter, budget_ns >= 0 ? budget_ns / 2 : -1);
    keep_needed_masks(st);
    struct card_ref want[MAX_WANTED] = {{0}};
    size_t n = wanted_cards(st, want);
    unload_unwanted(st, want, n);
    bool taken = false;
    if (st->pending >= 0) {
        struct stage_scene *ss = &st->scenes[st->pending];
        while (ss->uploaded < ss->scene->image_count && !over_budget(start, budget_ns)) {
            const struct scene_image *img = &ss->scene->images[ss->uploaded];
            /* Cards come up later; a painter that writes the crawl from its masks needs
             * nothing made of it. */
            if (img->card < 0 && (!img->crawl || st->painter->ops->crawl_images))
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
    int slot = stage_slot_of(st, scene_id);
    struct stage_scene *ss = slot >= 0 ? &st->scenes[slot] : NULL;
    if (!ss || ss->scene->status == SCENE_NO_IMAGE) {
        scene_image_finish(img);
        return;
    }
    uint32_t status = ss->scene->status;
    release(st, ss, status);
    scene_image_finish(&ss->scene->images[status]);
    ss->scene->images[status] = *img;
    /* Uploaded at once unless the scene's upload has not come to it yet (a small image). */
    if (ss->uploaded > status)
        upload_image(st, ss, status);
    if (slot == st->newest)
        st->status_serial++;
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
        /* A scene of one card (one story, or one alert) keeps it up: no fade to itself. */
        if (!card_is(st->card, st->newest, next))
            st->prev_card = st->card;
        st->card = (struct card_ref){st->newest, next};
        st->card_start_ns += st->card_ns;
    }
    if (st->prev_card.slot >= 0 && st->time_ns - st->card_start_ns >= st->transition_ns)
        st->prev_card.slot = -1;
    collect(st);
    return moved;
}

/* The old card fades out, then the new one fades in, each eased (smoothstep): two cards never
 * show on top of each other. */
bool stage_card_shown(const struct stage *st, struct card_ref *ref, uint8_t *alpha)
{
    if (st->card.slot < 0)
        return false;
    int64_t into = st->time_ns - st->card_start_ns;
    *ref = st->card;
    *alpha = 255;
    if (st->prev_card.slot >= 0 && into < st->transition_ns && st->transition_ns > 0) {
        double x = (double)into / (double)st->transition_ns;
        double h = x < 0.5 ? 1.0 - 2.0 * x : 2.0 * x - 1.0;
        *alpha = (uint8_t)(h * h * (3 - 2 * h) * 255.0 + 0.5);
        if (x < 0.5)
            *ref = st->prev_card;
    }
    return true;
}

const struct stage_scene *stage_current(const struct stage *st)
{
    return st->newest >= 0 ? &st->scenes[st->newest] : NULL;
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
    if (stage_card_shown(st, &ref, &v.card_alpha)) {
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

/* The smallest rectangle holding both; an empty one adds nothing. */
static struct rect rect_union(struct rect a, struct rect b)
{
    if (a.w <= 0 || a.h <= 0)
        return b;
    if (b.w <= 0 || b.h <= 0)
        return a;
    int x = MIN(a.x, b.x), y = MIN(a.y, b.y);
    return (struct rect){x, y, MAX(a.x + a.w, b.x + b.w) - x, MAX(a.y + a.h, b.y + b.h) - y};
}

/* Where a card draws on the card's surface: its text column (accent rule, headline, summary)
 * and each figure tile. The rest of the card stays the surface colour while it fades. */
static int card_regions(const struct stage *st, uint32_t scene_id, size_t index, struct rect *out)
{
    int slot = stage_slot_of(st, scene_id);
    if (slot < 0) {
        out[0] = st->scenes[st->newest].scene->layout.card;
        return 1;
    }
    const struct scene *sc = st->scenes[slot].scene;
    const struct scene_card *c = &sc->cards[index];
    struct rect text = c->accent;
    for (uint32_t i = 0; i < c->count; i++) {
        const struct scene_placed *p = &sc->placed[c->first + i];
        struct rect r = {p->x, p->y, sc->images[p->image].w, sc->images[p->image].h};
        bool in_tile = false;
        for (size_t t = 0; t < c->tile_count; t++)
            in_tile |= layout_rect_contains(c->tiles[t], r);
        if (!in_tile)
            text = rect_union(text, r);
    }
    int n = 0;
    out[n++] = text;
    for (size_t t = 0; t < c->tile_count; t++)
        out[n++] = c->tiles[t];
    return n;
}

static bool crawl_changed(const struct stage_view *v, const struct stage_view *old)
{
    return v->crawl_offset != old->crawl_offset || v->crawl_count != old->crawl_count ||
           v->crawl_first.snapshot_id != old->crawl_first.snapshot_id ||
           v->crawl_first.index != old->crawl_first.index;
}

void stage_damage(struct stage *st, int64_t wall_time, struct stage_damage *out)
{
    struct stage_view v = current_view(st, wall_time), old = st->shown;
    st->shown = v;
    memset(out, 0, sizeof(*out));
    if (!old.valid || v.scene_id != old.scene_id || st->newest < 0) {
        out->count = -1;
        return;
    }
    const struct scene *sc = st->scenes[st->newest].scene;
    int n = 0;
    /* The clock shows minutes; the status line next to it changes with the scene or by
     * stage_set_status. */
    if (v.minute != old.minute || v.status_serial != old.status_serial)
        out->area[n++] = sc->layout.top_bar;
    bool other_card = v.card_scene_id != old.card_scene_id || v.card != old.card;
    if (other_card && old.card_scene_id)
        n += card_regions(st, old.card_scene_id, old.card, out->area + n);
    if ((other_card || v.card_alpha != old.card_alpha) && v.card_scene_id) {
        int first = n;
        n += card_regions(st, v.card_scene_id, v.card, out->area + n);
        for (int i = first; i < n; i++)
            out->fading[i] = !other_card;
    }
    if (crawl_changed(&v, &old)) {
        out->area[n] = sc->strip;
        int64_t moved = v.crawl_travelled - old.crawl_travelled;
        if (v.crawl_resets == old.crawl_resets && moved > 0 && moved < out->area[n].w)
            out->moved[n] = (int)moved;
        n++;
    }
    out->count = n;
}

void stage_invalidate(struct stage *st)
{
    st->shown.valid = false;
}
