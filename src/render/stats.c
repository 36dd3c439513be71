#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

void stats_init(struct stats *s, int64_t start_ns)
{
    memset(s, 0, sizeof(*s));
    s->start_ns = start_ns;
}

void stats_record_frame(struct stats *s, int step_px, int64_t work_ns, int64_t periods,
                        bool content)
{
    s->frames++;
    if (periods > 1 && content) {
        s->late_frames++;
        s->missed_periods += (uint64_t)(periods - 1);
    }
    int64_t b = work_ns / STATS_WORK_BUCKET_NS;
    s->work[b < STATS_WORK_BUCKETS ? b : STATS_WORK_BUCKETS - 1]++;
    if (work_ns > s->work_max_ns)
        s->work_max_ns = work_ns;
    if (!content) {
        s->frames_blank++;
        return;
    }
    if (step_px < 0)
        step_px = 0;
    s->steps[step_px <= STATS_MAX_STEP ? step_px : STATS_MAX_STEP + 1]++;
}

double stats_work_ms(const struct stats *s, double p)
{
    uint64_t total = 0;
    for (size_t i = 0; i < STATS_WORK_BUCKETS; i++)
        total += s->work[i];
    if (total == 0)
        return 0;
    uint64_t rank = (uint64_t)((double)total * p / 100.0 + 0.5);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < STATS_WORK_BUCKETS; i++) {
        seen += s->work[i];
        if (seen >= rank) {
            /* Report the bucket's upper edge, never more than the true maximum. */
            double ms = (double)((i + 1) * STATS_WORK_BUCKET_NS) / 1e6;
            double max = (double)s->work_max_ns / 1e6;
            return ms < max ? ms : max;
        }
    }
    return (double)s->work_max_ns / 1e6;
}

char *stats_to_json(const struct stats *s)
{
    char steps[2048];
    size_t n = 0;
    steps[n++] = '{';
    bool first = true;
    for (int i = 0; i <= STATS_MAX_STEP + 1; i++) {
        if (!s->steps[i])
            continue;
        int w = snprintf(steps + n, sizeof(steps) - n, "%s\"%s%d\": %llu", first ? "" : ", ",
                         i > STATS_MAX_STEP ? ">" : "", i > STATS_MAX_STEP ? STATS_MAX_STEP : i,
                         (unsigned long long)s->steps[i]);
        if (w < 0 || (size_t)w >= sizeof(steps) - n - 2)
            break;
        n += (size_t)w;
        first = false;
    }
    steps[n++] = '}';
    steps[n] = '\0';
    return xasprintf("{\n"
                     "  \"frames\": %llu,\n"
                     "  \"frames_before_content\": %llu,\n"
                     "  \"refresh_hz\": %.3f,\n"
                     "  \"pacing\": \"%s\",\n"
                     "  \"steps_px\": %s,\n"
                     "  \"late_frames\": %llu,\n"
                     "  \"missed_periods\": %llu,\n"
                     "  \"work_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
                     "  \"first_frame_ms\": %.3f,\n"
                     "  \"first_content_ms\": %.3f,\n"
                     "  \"first_frame_unix_ns\": %lld,\n"
                     "  \"snapshots\": %d\n"
                     "}\n",
                     (unsigned long long)s->frames, (unsigned long long)s->frames_blank,
                     s->refresh_hz, s->timer_paced ? "timer" : "vsync", steps,
                     (unsigned long long)s->late_frames, (unsigned long long)s->missed_periods,
                     stats_work_ms(s, 50), stats_work_ms(s, 99), (double)s->work_max_ns / 1e6,
                     (double)s->first_frame_ns / 1e6, (double)s->first_content_ns / 1e6,
                     (long long)s->first_frame_unix_ns, s->snapshots);
}

bool stats_write(const struct stats *s, const char *path)
{
    char *json = stats_to_json(s);
    bool ok = util_write_file_atomic(path, json, strlen(json));
    free(json);
    return ok;
}
