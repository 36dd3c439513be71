/* The Unicode Bidirectional Algorithm (UAX #9, GNU FriBidi) for one piece of text at a time (a
 * line of a card, a headline in the crawl): its base direction, and its runs of one direction
 * and one script in the order they are drawn, left to right. Each piece is its own paragraph,
 * so embedding and override controls in a feed reach no further than the text they stand in:
 * a hostile feed can mirror its own headline, never the sign. Pure. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Runs a piece of text is cut into at most; the rest joins the last run. */
#define BIDI_MAX_RUNS 128

struct bidi_run {
    size_t start, len; /* byte range of the piece */
    bool rtl;          /* drawn right to left (an odd embedding level) */
    char script[5];    /* ISO 15924 tag for the shaper ("Arab", "Deva"); "" for the scripts with no
                          shaper of their own */
};

/* Whether s reads right to left: its first strong character (UAX #9 P2, P3) is right to left.
 * Text with no strong character (digits, punctuation) is left to right. */
bool bidi_is_rtl(const char *s, size_t len);

/* Cuts s[0..len) (UTF-8) into runs of one direction and one script in visual order, left to
 * right; rtl: the paragraph's base direction (bidi_is_rtl of the whole text the piece belongs
 * to, so a line that starts with a number still lines up with its paragraph). Returns the
 * count (0 for empty text). */
size_t bidi_runs(const char *s, size_t len, bool rtl, struct bidi_run *out, size_t max);
