/* Unicode for text that arrives as UTF-8 from anywhere: the one UTF-8 decoder and encoder, and
 * the code point classes that normalising, wrapping, font fallback and figure extraction share.
 * Pure and locale-independent; bidi and line breaking belong here too when they come. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNICODE_REPLACEMENT 0xFFFDu
#define UNICODE_MAX 0x10FFFFu
#define UNICODE_UTF8_MAX 4 /* bytes in the longest sequence */

/* Decoding policy: anything that is not well-formed UTF-8 (a lone continuation byte, C0, C1 or
 * F5-FF, an overlong form, a surrogate, a code point above U+10FFFF, a sequence cut short by
 * the end of the text or by a byte that does not continue it) decodes to U+FFFD, consuming its
 * maximal subpart: the longest prefix that could still have begun a valid sequence, at least
 * one byte (Unicode 15 section 3.9, and the WHATWG Encoding Standard every browser follows).
 * So "\xE2\x82x" is U+FFFD then "x", "\xED\xA0\x80" (a surrogate) three U+FFFD, and a bad byte
 * never swallows the good characters after it.
 *
 * Feed text meets bad bytes (normalize.c and the XML repair decode it first) and everything
 * later reads their valid output, so this is the policy that matters: it is the one the
 * normaliser had, and browsers show the same number of U+FFFD for the same bytes. */

/* Decodes the code point at s[0..avail) into *c and its length into *consumed. Returns false
 * for an invalid sequence (then *c is U+FFFD), so a caller can tell it from a real U+FFFD. An
 * empty input (avail 0) is invalid and consumes 1, so a loop `i += n` always moves on. */
bool unicode_utf8_next(const char *s, size_t avail, uint32_t *c, size_t *consumed);

/* The code point at s[0..avail), U+FFFD for an invalid sequence (unicode_utf8_next). */
uint32_t unicode_utf8_decode(const char *s, size_t avail, size_t *consumed);

/* Length in bytes of the code point (or invalid sequence) at s[0..avail). */
size_t unicode_utf8_len(const char *s, size_t avail);

/* Where the code point that ends at s[end) starts: one step back over its continuation bytes,
 * never before start (end > start). Valid text steps back one code point; in bad bytes it stops
 * after at most the continuation bytes there are. */
size_t unicode_utf8_prev(const char *s, size_t start, size_t end);

/* Bytes that c takes in UTF-8: 1 to 4. c must be a scalar value (no surrogate, <= U+10FFFF). */
size_t unicode_utf8_width(uint32_t c);

/* Writes c to out (room for unicode_utf8_width(c) bytes, no terminator); returns the bytes
 * written. c must be a scalar value. */
size_t unicode_utf8_encode(uint32_t c, char *out);

/* Unicode's White_Space property: the ASCII spaces (tab to CR and space), NEL, no-break space,
 * Ogham space mark, U+2000-U+200A, the line and paragraph separators, narrow no-break space,
 * medium mathematical space and ideographic space. Zero-width space (U+200B) and the BOM
 * (U+FEFF) are not: they are invisible, not blank (normalize.c removes them). The no-break
 * spaces are space here; whether a line may break at them is for line breaking to decide. */
bool unicode_is_space(uint32_t c);

/* Chinese, Japanese and Korean: Han ideographs (BMP, compatibility and the supplementary
 * planes), kana, Bopomofo, Hangul syllables and compatibility jamo, CJK symbols and
 * punctuation, and the halfwidth and fullwidth forms (U+FF00-U+FFEF) that live in CJK text.
 * A line may break between any two of them (text.c, normalize_cut). Not Thai or other
 * scripts that merely lack spaces: see unicode_no_word_spaces. */
bool unicode_is_cjk(uint32_t c);

/* Scripts written without spaces between words, where a run of letters is a whole clause:
 * Chinese and Japanese (unicode_is_cjk without Hangul, since Korean puts spaces between its
 * words), Thai, Lao, Myanmar and Khmer. */
bool unicode_no_word_spaces(uint32_t c);

/* Zero-width non-joiner and joiner (U+200C, U+200D): invisible, but Persian, Indic scripts and
 * emoji sequences change shape with them, so they are kept. */
bool unicode_is_joiner(uint32_t c);

/* Variation selectors: U+FE00-U+FE0F and the supplement U+E0100-U+E01EF. */
bool unicode_is_variation_selector(uint32_t c);

/* Tag characters U+E0000-U+E007F (subdivision flags such as England's). */
bool unicode_is_tag(uint32_t c);

/* The emoji skin tone modifiers U+1F3FB-U+1F3FF. */
bool unicode_is_emoji_modifier(uint32_t c);
/* The character byte b stands for in Windows-1252, which browsers take unlabelled and
 * mislabelled Latin-1 for (and HTML5 maps &#128;..&#159; through): 0x80-0x9F its punctuation,
 * the five it leaves undefined as the C1 controls themselves, every other byte as Latin-1. */
uint32_t unicode_from_cp1252(unsigned char b);

/* The bidi formatting characters (UAX #9): the marks ALM, LRM, RLM, the embeddings and
 * overrides LRE..RLO with PDF, the isolates LRI..PDI. No glyph; they steer the bidi algorithm. */
bool unicode_is_bidi_control(uint32_t c);
