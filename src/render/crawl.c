#include "crawl.h"

#include <math.h>
#include <string.h>

int crawl_step_px(int px_per_s, double refresh_hz)
{
    if (refresh_hz <= 0)
        refresh_hz = 60;
    long step = lround((double)px_per_s / refresh_hz);
    return step < 1 ? 1 : (int)step;
}

int64_t crawl_periods(int64_t elapsed_ns, int64_t period_ns)
{
    if (period_ns <= 0 || elapsed_ns <= 0)
        return 1;
    int64_t n = (elapsed_ns + period_ns / 2) / period_ns;
    return n < 1 ? 1 : n;
}

void crawl_init(struct crawl *c, int view_width)
{
    memset(c, 0, sizeof(*c));
    c->view_width = view_width;
}

void crawl_reset(struct crawl *c, int view_width)
{
    c->view_width = view_width;
    c->count = 0;
    c->offset = 0;
    c->resets++;
    c->has_last = false;
}

static int64_t covered(const struct crawl *c)
{
    int64_t w = -c->offset;
    for (size_t i = 0; i < c->count; i++)
        w += c->segments[i].width;
    return w;
}

void crawl_advance(struct crawl *c, int64_t px, crawl_next_fn next, void *ctx)
{
    c->offset += px;
    c->travelled += px;
    for (;;) {
        /* Drop what has fully left the view. */
        while (c->count > 0 && c->segments[0].width <= c->offset) {
            c->offset -= c->segments[0].width;
            memmove(&c->segments[0], &c->segments[1], (c->count - 1) * sizeof(c->segments[0]));
            c->count--;
        }
        if (c->count > 0 && (covered(c) >= c->view_width || c->count == CRAWL_MAX_SEGMENTS))
            return;
        struct crawl_segment seg;
        if (!next(ctx, c->has_last ? &c->last : NULL, &seg) || seg.width <= 0) {
            if (c->count == 0) {
                /* No content: nothing moves, nothing is owed. */
                c->offset = 0;
                c->starved = true;
            }
            return;
        }
        if (c->starved && c->count == 0) {
            /* Content after an empty crawl enters from the right edge. */
            c->offset = -c->view_width;
            c->starved = false;
        }
        c->segments[c->count++] = seg;
        c->last = seg;
        c->has_last = true;
    }
}

bool crawl_uses_snapshot(const struct crawl *c, uint32_t snapshot_id)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->segments[i].snapshot_id == snapshot_id)
            return true;
    return false;
}
