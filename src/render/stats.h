/* Frame statistics for --stats: frames, measured refresh, the histogram of crawl steps,
 * late frames and render-thread work per frame. Fixed-size, no allocation per frame. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define STATS_MAX_STEP 64
#define STATS_WORK_BUCKET_NS 10000 /* 10 µs */
#define STATS_WORK_BUCKETS 10000   /* up to 100 ms; beyond counts in the last */

struct stats {
    uint64_t frames;
    uint64_t frames_blank; /* presented before any content arrived: no crawl step recorded */
    /* Counted while content is on screen (before it, nothing moves that could judder). */
    uint64_t late_frames;               /* presents that came one or more periods late */
    uint64_t missed_periods;            /* refresh periods with no new frame */
    uint64_t steps[STATS_MAX_STEP + 2]; /* [px] content frames that moved the crawl px;
                                           the last counts larger steps */
    uint32_t work[STATS_WORK_BUCKETS];
    int64_t work_max_ns;
    double refresh_hz;
    bool timer_paced;
    int64_t start_ns;            /* monotonic, at program start */
    int64_t first_frame_ns;      /* since start; 0 = none yet */
    int64_t first_content_ns;    /* first frame with stories on it */
    int64_t first_frame_unix_ns; /* wall clock of the first present, for benchmarks */
    int snapshots;               /* content snapshots taken into use */
};

void stats_init(struct stats *s, int64_t start_ns);
/* step_px: crawl pixels this frame moved; periods: refresh periods since the previous
 * present; content: stories were on screen. */
void stats_record_frame(struct stats *s, int step_px, int64_t work_ns, int64_t periods,
                        bool content);
/* Percentile p in [0,100] of the work per frame, in milliseconds (bucket resolution). */
double stats_work_ms(const struct stats *s, double p);
/* JSON text; caller frees. */
char *stats_to_json(const struct stats *s);
bool stats_write(const struct stats *s, const char *path);
