/* `ticker preview`: a contact sheet of every card of a feed, each drawn by the sign's own stage
 * with the software renderer (as `ticker render` draws a frame), scaled down and tiled in a grid
 * under its story number, for an editor to look over before publishing. */
#pragma once

struct preview_options {
    const char *src;         /* a path or an http(s) URL */
    const char *config_path; /* NULL: the defaults */
    int width, height; /* the screen (--size); 0: the config's [display] mode, else 1920x1080 */
    const char *out;   /* PNG */
};

#define PREVIEW_DEFAULT_W 1920 /* the screen without --size or [display] mode */
#define PREVIEW_DEFAULT_H 1080
#define PREVIEW_MAX_CARDS 48 /* a larger feed shows its first ones */
#define PREVIEW_COLUMNS 4
#define PREVIEW_SCALE 4  /* each card at 1/4 of the screen size */
#define PREVIEW_GAP 16   /* around the cells */
#define PREVIEW_LABEL 40 /* the story number's row above each card */

/* Each card is drawn at the picture the sign draws on the screen: turned by [display] rotate,
 * less its overscan. The sheet for n cards (1..PREVIEW_MAX_CARDS) of a W x H picture is
 * GAP + cols * (W / SCALE + GAP) wide and GAP + rows * (LABEL + H / SCALE + GAP) high,
 * cols = min(n, COLUMNS). Returns 0, 1 on failure (logged), 2 when the feed cannot be read. */
int preview_run(const struct preview_options *opt);
