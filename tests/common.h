/* What several unit tests need: a scratch folder, the log lines a call writes, a monospace
 * fake font for the pure text and layout code. Include after <cmocka.h>: failures are cmocka
 * assertions. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "text.h"

/* A new empty folder $TMPDIR/NAME.XXXXXX (/tmp without TMPDIR); the caller frees the path. */
char *test_make_dir(const char *name);
/* Removes path and everything under it. */
void test_remove_tree(const char *path);
/* The contents of a file the test needs, at most max bytes, NUL-terminated (util_read_file); a
 * file that cannot be read fails the test. The caller frees. */
char *test_read_file(const char *path, size_t max, size_t *len);

/* Everything written to stderr (fd 2, where log.c writes) between begin and end. */
struct test_capture {
    int saved_fd;
    int fd; /* an unlinked temporary file */
};

void test_capture_begin(struct test_capture *c);
/* What was written, NUL-terminated; the caller frees. */
char *test_capture_end(struct test_capture *c);
/* Lines in text (each ends with \n). */
size_t test_count_lines(const char *text);

/* A monospace fake font: every code point advance_pct % of the size wide, lines
 * line_pct % of the size apart. */
struct test_mono {
    int advance_pct, line_pct;
};

int test_mono_width(void *mono, int size, const char *s, size_t len);
int test_mono_line_height(void *mono, int size);
/* The measure for a struct test_mono (a static initialiser). */
#define TEST_MONO_MEASURE(mono)                                                                    \
    {                                                                                              \
        (void *)(mono), test_mono_width, test_mono_line_height                                     \
    }
