/* Where everything goes on screen, in pixels, from the screen size alone: sizes are relative
 * to the shorter side so one config suits a 7" 800x480 panel and a 4K TV. Pure. */
#pragma once
#include <stdbool.h>

#include "story.h"
#include "text.h"

struct rect {
    int x, y, w, h;
};

struct screen_layout {
    int width, height;
    bool portrait;
    int unit_x100;  /* one hundredth of the shorter side, in 1/100 px */
    int text_scale; /* percent: type sizes, the top bar and the band grow with it */
    int margin;     /* outer margin and the gap between the three regions */
    int padding;    /* inside the card and the tiles */
    struct rect top_bar, card, band;
    struct rect brand; /* left part of the top bar the brand may use */
    int clock_right;   /* the clock and status are right-aligned to this x */
    int gap;           /* between status and clock, between tiles */
    /* Font sizes in pixels. */
    int brand_px, clock_px, status_px;
    int headline_min_px, headline_max_px, summary_px;
    int value_min_px, value_max_px, label_px;
    int crawl_px;
    int accent_w; /* the accent rule at the left of the card text */
};

struct card_layout {
    struct rect text; /* headline and summary column */
    struct text_block headline, summary;
    struct rect headline_box, summary_box; /* where the blocks are drawn; blocks fit inside */
    size_t tile_count;
    struct rect tiles[STORY_MAX_FIGURES];
    struct text_block value[STORY_MAX_FIGURES], label[STORY_MAX_FIGURES];
    struct rect value_box[STORY_MAX_FIGURES], label_box[STORY_MAX_FIGURES];
};

/* The range of [theme] text_scale; a value outside it is taken as the nearest end. */
#define LAYOUT_MIN_TEXT_SCALE 80
#define LAYOUT_MAX_TEXT_SCALE 160

/* The screen's regions and type sizes; text_scale (percent) scales the type and the bars. */
void layout_screen(int width, int height, int text_scale, struct screen_layout *out);

/* Lays out one story card: fits the headline (bold) and summary (regular), and the figure
 * tiles' values (bold) and labels (regular). */
void layout_card(const struct screen_layout *sl, const struct text_measure *bold,
                 const struct text_measure *regular, const struct story *story,
                 struct card_layout *out);

/* Mirrors a card's layout left to right inside the card, for a story that reads right to left:
 * the text column on the right, the tiles on the left. */
void layout_mirror_card(const struct screen_layout *sl, struct card_layout *cl);

/* Scales a length given for a 1080-line screen to this screen (crawl speed, for one). */
int layout_scale_1080(const struct screen_layout *sl, int value_at_1080);

bool layout_rect_contains(struct rect outer, struct rect inner);
bool layout_rects_overlap(struct rect a, struct rect b);
