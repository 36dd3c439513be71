/* `ticker` run: the render thread's loop. Owns the window, the renderer, the pacing and the
 * stage; talks to the worker only through its mailbox and wakeups. */
#pragma once
#include <stddef.h>

struct app_options {
    const char *config_path;  /* NULL: built-in defaults */
    const char *const *feeds; /* --feed, in order */
    size_t feed_count;
    int window_w, window_h; /* 0: from the config */
    const char *stats_path; /* --stats; NULL: none */
    double duration_s;      /* --duration; 0: run until stopped */
};

/* app_run's answer when the sign must start again to take in a setting (a new time zone):
 * the caller executes the program afresh. Not an exit status. */
#define APP_RESTART 256

/* The exit status when the display device went away (DRM driver unbound): systemd's
 * Restart=always starts the sign again, which waits for a display. */
#define APP_EXIT_DISPLAY_GONE 3

/* Returns the process exit status, or APP_RESTART. */
int app_run(const struct app_options *opt);
