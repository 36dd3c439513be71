#include "pacing.h"

#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "log.h"
#include "util.h"

void pacing_init(struct pacing *p, double nominal_hz, bool vsync)
{
    memset(p, 0, sizeof(*p));
    if (nominal_hz <= 1)
        nominal_hz = 60;
    p->nominal_period_ns = (int64_t)(1e9 / nominal_hz + 0.5);
    p->period_ns = p->nominal_period_ns;
    p->timer = !vsync;
    p->epoch_ns = util_now_ns();
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t pacing_estimate_period(const int64_t *intervals, unsigned count)
{
    if (count < 30)
        return 0;
    int64_t sorted[PACING_SAMPLES];
    if (count > PACING_SAMPLES)
        count = PACING_SAMPLES;
    memcpy(sorted, intervals, count * sizeof(*sorted));
    qsort(sorted, count, sizeof(*sorted), cmp_i64);
    int64_t median = sorted[count / 2];
    /* The mean of the intervals near the median: late frames (2x, 3x) and scheduling noise
     * drop out, and the mean resolves 59.94 from 60 Hz where the median cannot. */
    int64_t sum = 0;
    unsigned n = 0;
    for (unsigned i = 0; i < count; i++) {
        if (sorted[i] > median * 9 / 10 && sorted[i] < median * 11 / 10) {
            sum += sorted[i];
            n++;
        }
    }
    if (n < count / 2)
        return 0;
    return sum / n;
}

void pacing_wait(struct pacing *p)
{
    if (!p->timer)
        return;
    int64_t now = util_now_ns();
    int64_t k = (now - p->epoch_ns) / p->period_ns + 1;
    if (k <= p->deadline_index)
        k = p->deadline_index + 1;
    p->deadline_index = k;
    util_sleep_until_ns(p->epoch_ns + k * p->period_ns);
}

/* vsync is not honoured when presents come back much faster than the refresh period. */
static void check_vsync(struct pacing *p, int64_t now_ns)
{
    int64_t sorted[PACING_SAMPLES];
    unsigned n = p->sample_count;
    memcpy(sorted, p->samples, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), cmp_i64);
    int64_t median = sorted[n / 2];
    if (median >= p->nominal_period_ns * 3 / 4)
        return;
    log_warn("vsync is not honoured (presents every %.2f ms); pacing with a timer at %.2f Hz",
             (double)median / 1e6, 1e9 / (double)p->nominal_period_ns);
    p->timer = true;
    p->period_ns = p->nominal_period_ns;
    p->epoch_ns = now_ns;
    p->deadline_index = 0;
    p->sample_count = 0;
}

int64_t pacing_presented(struct pacing *p, int64_t now_ns)
{
    int64_t periods = 1;
    if (p->last_present_ns) {
        int64_t elapsed = now_ns - p->last_present_ns;
        periods = crawl_periods(elapsed, p->period_ns);
        if (!p->timer && !p->measured) {
            p->samples[p->sample_count++] = elapsed;
            if (p->sample_count % 8 == 0)
                check_vsync(p, now_ns);
            if (!p->timer && p->sample_count == PACING_SAMPLES) {
                int64_t est = pacing_estimate_period(p->samples, p->sample_count);
                p->sample_count = 0;
                if (est > p->nominal_period_ns / 2) {
                    p->period_ns = est;
                    p->measured = true;
                }
            }
        }
    }
    p->last_present_ns = now_ns;
    return periods;
}

double pacing_hz(const struct pacing *p)
{
    return 1e9 / (double)p->period_ns;
}

void pacing_resume(struct pacing *p)
{
    p->last_present_ns = 0;
    p->sample_count = 0;
    p->epoch_ns = util_now_ns();
    p->deadline_index = 0;
}
