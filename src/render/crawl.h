/* The crawl's motion: a conveyor of segments (one per headline) that moves a whole, constant
 * number of pixels per refresh period. New content joins at the right edge as the next
 * segment, so a feed update never makes the crawl jump. Pure. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRAWL_MAX_SEGMENTS 64

struct crawl_segment {
    uint32_t snapshot_id; /* which snapshot's images draw it */
    uint32_t index;       /* segment index within that snapshot */
    int width;            /* pixels */
};

/* Supplies the segment that follows `prev` (NULL for the very first) from the newest content.
 * Returns false when there is no content. */
typedef bool (*crawl_next_fn)(void *ctx, const struct crawl_segment *prev,
                              struct crawl_segment *out);

struct crawl {
    int view_width;
    int64_t offset;    /* pixels of the first segment already scrolled past the left edge */
    int64_t travelled; /* total pixels moved since start */
    uint32_t resets;   /* crawl_reset calls: what is in view changed other than by moving */
    size_t count;
    struct crawl_segment segments[CRAWL_MAX_SEGMENTS];
    struct crawl_segment last; /* the segment appended last, even after it left */
    bool has_last;
    bool starved; /* ran out of content; the next content enters from the right */
};

/* Pixels per frame: the configured speed snapped to a whole number for this refresh rate,
 * at least 1. */
int crawl_step_px(int px_per_s, double refresh_hz);

/* Refresh periods that passed between two presents, at least 1: a late frame catches up by
 * moving the crawl for every period it missed. */
int64_t crawl_periods(int64_t elapsed_ns, int64_t period_ns);

void crawl_init(struct crawl *c, int view_width);
/* Moves the conveyor by px, drops segments that left on the left, appends from next() until
 * the view is covered. */
void crawl_advance(struct crawl *c, int64_t px, crawl_next_fn next, void *ctx);
/* Empties the conveyor for a new view width (on resize every segment's width changes). */
void crawl_reset(struct crawl *c, int view_width);
/* Is any segment of this snapshot still on the conveyor? */
bool crawl_uses_snapshot(const struct crawl *c, uint32_t snapshot_id);
