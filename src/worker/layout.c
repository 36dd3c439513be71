#include "layout.h"

#include <string.h>

/* hundredths of the shorter side, rounded to whole pixels */
static int u(const struct screen_layout *sl, int hundredths_of_unit)
{
    long v = (long)sl->unit_x100 * hundredths_of_unit;
    return (int)((v + 5000) / 10000);
}

/* hundredths of the shorter side times the text scale: type, and the bars that hold it */
static int t(const struct screen_layout *sl, int hundredths_of_unit)
{
    return u(sl, hundredths_of_unit * sl->text_scale / 100);
}

static void mirror(const struct rect *card, struct rect *r)
{
    r->x = 2 * card->x + card->w - r->x - r->w;
}

void layout_mirror_card(const struct screen_layout *sl, struct card_layout *cl)
{
    mirror(&sl->card, &cl->text);
    mirror(&sl->card, &cl->headline_box);
    mirror(&sl->card, &cl->summary_box);
    for (size_t i = 0; i < cl->tile_count; i++) {
        mirror(&sl->card, &cl->tiles[i]);
        mirror(&sl->card, &cl->value_box[i]);
        mirror(&sl->card, &cl->label_box[i]);
    }
}

int layout_scale_1080(const struct screen_layout *sl, int value_at_1080)
{
    int base = sl->width < sl->height ? sl->width : sl->height;
    return (int)(((long)value_at_1080 * base + 540) / 1080);
}

bool layout_rect_contains(struct rect outer, struct rect inner)
{
    return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w &&
           inner.y + inner.h <= outer.y + outer.h;
}

bool layout_rects_overlap(struct rect a, struct rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

void layout_screen(int width, int height, int text_scale, struct screen_layout *out)
{
    memset(out, 0, sizeof(*out));
    out->width = width;
    out->height = height;
    out->text_scale = text_scale < LAYOUT_MIN_TEXT_SCALE   ? LAYOUT_MIN_TEXT_SCALE
                      : text_scale > LAYOUT_MAX_TEXT_SCALE ? LAYOUT_MAX_TEXT_SCALE
                                                           : text_scale;
    out->portrait = height > width;
    int base = width < height ? width : height;
    out->unit_x100 = base; /* base/100 px, kept in hundredths */
    const struct screen_layout *sl = out;

    out->margin = u(sl, 350);
    out->padding = u(sl, 300);
    out->gap = u(sl, 150);
    out->accent_w = u(sl, 60) > 2 ? u(sl, 60) : 2;

    out->top_bar = (struct rect){0, 0, width, t(sl, 800)};
    int band_h = t(sl, 900);
    out->band = (struct rect){0, height - band_h, width, band_h};
    out->card = (struct rect){out->margin, out->top_bar.h + out->margin, width - 2 * out->margin,
                              out->band.y - out->top_bar.h - 2 * out->margin};

    out->brand_px = t(sl, 340);
    out->clock_px = t(sl, 360);
    out->status_px = t(sl, 250);
    out->brand = (struct rect){out->margin, 0, width / 2 - out->margin, out->top_bar.h};
    out->clock_right = width - out->margin;

    out->headline_max_px = t(sl, 720);
    out->headline_min_px = t(sl, 440);
    out->summary_px = t(sl, 380);
    out->value_max_px = t(sl, 1800);
    out->value_min_px = t(sl, 400);
    out->label_px = t(sl, 300);
    out->crawl_px = t(sl, 480);
}

static void layout_tile(const struct screen_layout *sl, const struct text_measure *bold,
                        const struct text_measure *regular, const struct figure *fig,
                        struct rect tile, struct card_layout *out, size_t i)
{
    int p = sl->padding;
    int inner_w = tile.w - 2 * p;
    int inner_h = tile.h - 2 * p;
    int gap = sl->gap / 2;

    struct text_block *label = &out->label[i];
    text_wrap(regular, fig->label, sl->label_px, inner_w, 2, label);
    if (label->height > inner_h / 2)
        text_wrap(regular, fig->label, sl->label_px, inner_w, 1, label);
    int label_h = fig->label[0] ? label->height : 0;

    /* The value takes the rest: as big as the tile allows, on one line. */
    int value_room = inner_h - label_h - (label_h ? gap : 0);
    int max_px = value_room * 100 / 115;
    if (max_px > sl->value_max_px)
        max_px = sl->value_max_px;
    struct text_block *value = &out->value[i];
    text_fit(bold, fig->value, sl->value_min_px < max_px ? sl->value_min_px : max_px, max_px,
             inner_w, value_room, 1, value);

    int group_h = value->height + (label_h ? gap + label_h : 0);
    int y = tile.y + (tile.h - group_h) / 2;
    out->value_box[i] = (struct rect){tile.x + p, y, inner_w, value->height};
    out->label_box[i] = (struct rect){tile.x + p, y + value->height + gap, inner_w, label_h};
}

void layout_card(const struct screen_layout *sl, const struct text_measure *bold,
                 const struct text_measure *regular, const struct story *story,
                 struct card_layout *out)
{
    memset(out, 0, sizeof(*out));
    const struct rect card = sl->card;
    int p = sl->padding;
    size_t n = story->figure_count;
    out->tile_count = n;

    /* Landscape: figures in a column on the right. Portrait: figures under the text. */
    struct rect text = {card.x + p + sl->accent_w + p, card.y + p, 0, card.h - 2 * p};
    text.w = card.x + card.w - p - text.x;
    struct rect figures = {0, 0, 0, 0};
    if (n > 0 && !sl->portrait) {
        int col_w = card.w * 36 / 100;
        figures = (struct rect){card.x + card.w - col_w, card.y, col_w, card.h};
        text.w = figures.x - p - text.x;
    }

    /* Headline: largest size that fits 3 lines in at most half the text height. */
    int head_h = text.h / 2;
    if (sl->portrait && n > 0)
        head_h = text.h * 30 / 100;
    /* Without figures the headline has the whole card: let it grow to fill it. */
    int head_max = n == 0 ? sl->headline_max_px * 3 / 2 : sl->headline_max_px;
    size_t head_lines = 3, max_sum_lines = 6;
    int summary_px = sl->summary_px;
    /* An alert has the sign to itself and must be read from across the room: a headline of up
     * to 4 lines, twice the size, in up to 55% of the height, and a larger summary, as long as
     * the card holds (what to do is often at its end). */
    if (story->alert) {
        head_lines = 4;
        head_max = n == 0 ? sl->headline_max_px * 2 : sl->headline_max_px * 3 / 2;
        if (!sl->portrait || n == 0)
            head_h = text.h * 55 / 100;
        summary_px = sl->summary_px * 5 / 4;
        max_sum_lines = TEXT_MAX_LINES;
    }
    text_fit(bold, story->title, sl->headline_min_px, head_max, text.w, head_h, head_lines,
             &out->headline);
    out->headline_box = (struct rect){text.x, text.y, text.w, out->headline.height};

    int sum_y = text.y + out->headline.height + u(sl, 250);
    int sum_room =
        sl->portrait && n > 0 ? text.h * 55 / 100 - (sum_y - text.y) : text.y + text.h - sum_y;
    int line_h = regular->line_height(regular->ctx, summary_px);
    size_t sum_lines = line_h > 0 && sum_room > 0 ? (size_t)(sum_room / line_h) : 0;
    if (sum_lines > max_sum_lines)
        sum_lines = max_sum_lines;
    if (story->summary[0] && sum_lines > 0) {
        text_wrap(regular, story->summary, summary_px, text.w, sum_lines, &out->summary);
    } else {
        memset(&out->summary, 0, sizeof(out->summary));
        out->summary.size_px = summary_px;
        out->summary.line_height = line_h;
    }
    out->summary_box = (struct rect){text.x, sum_y, text.w, out->summary.height};
    out->text =
        (struct rect){text.x, text.y, text.w, out->summary_box.y + out->summary_box.h - text.y};

    if (n == 0)
        return;
    if (sl->portrait) {
        int top = out->text.y + out->text.h + sl->margin;
        int min_top = card.y + card.h * 45 / 100;
        if (top < min_top)
            top = min_top;
        figures = (struct rect){card.x, top, card.w, card.y + card.h - top};
    }
    /* Tiles stack in the figure area with gaps, centred; they never get taller than half the
     * card (less in portrait, where the card is tall), so a lone figure stays a tile. */
    int gap = sl->gap;
    int inset = p;
    struct rect area = {figures.x + inset, figures.y + inset, figures.w - 2 * inset,
                        figures.h - 2 * inset};
    if (sl->portrait)
        area.x = card.x + p, area.w = card.w - 2 * p;
    int tile_h = (area.h - gap * (int)(n - 1)) / (int)n;
    int max_tile_h = card.h * (sl->portrait ? 30 : 50) / 100;
    if (tile_h > max_tile_h)
        tile_h = max_tile_h;
    int used = tile_h * (int)n + gap * (int)(n - 1);
    int y = area.y + (area.h - used) / 2;
    for (size_t i = 0; i < n; i++) {
        out->tiles[i] = (struct rect){area.x, y, area.w, tile_h};
        layout_tile(sl, bold, regular, &story->figures[i], out->tiles[i], out, i);
        y += tile_h + gap;
    }
}
