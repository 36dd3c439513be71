/* Frame pacing: learns the display's refresh period from present timestamps, counts the
 * periods between presents (late frames), and paces with an absolute-deadline timer when
 * vsync is not honoured. Never spins. Pure apart from reading the clock and sleeping. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define PACING_SAMPLES 240

struct pacing {
    int64_t nominal_period_ns; /* what the display mode claims */
    int64_t period_ns;         /* in use: measured once stable */
    bool timer;                /* true: we pace, vsync is off or not honoured */
    bool measured;
    int64_t epoch_ns; /* timer mode: deadlines are epoch + k * period */
    int64_t deadline_index;
    int64_t last_present_ns;
    int64_t samples[PACING_SAMPLES];
    unsigned sample_count;
};

/* nominal_hz <= 0 means unknown (60 assumed until measured). */
void pacing_init(struct pacing *p, double nominal_hz, bool vsync);
/* Timer mode: sleeps until the next deadline. Vsync mode: returns at once. */
void pacing_wait(struct pacing *p);
/* Call right after a present returned at now_ns; returns the refresh periods since the
 * previous present (1 on time, more for a late frame; 1 for the first). */
int64_t pacing_presented(struct pacing *p, int64_t now_ns);
double pacing_hz(const struct pacing *p);
/* Frames start again after a pause (the display was off): the pause is not counted as late
 * frames, and a measurement in progress starts over. */
void pacing_resume(struct pacing *p);

/* Exposed for tests: the refresh period estimated from present intervals (robust to late
 * frames), 0 if the samples are not conclusive. */
int64_t pacing_estimate_period(const int64_t *intervals, unsigned count);
