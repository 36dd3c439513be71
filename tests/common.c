#define _GNU_SOURCE /* nftw, O_TMPFILE */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "unicode.h"
#include "util.h"

char *test_make_dir(const char *name)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (!mkdtemp(dir))
        fail_msg("mkdtemp %s: %s", dir, strerror(errno));
    return dir;
}

char *test_read_file(const char *path, size_t max, size_t *len)
{
    char *data = util_read_file(path, max, len);
    if (!data)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    return data;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void test_remove_tree(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void test_capture_begin(struct test_capture *c)
{
    fflush(stderr);
    const char *tmp = getenv("TMPDIR");
    c->fd = open(tmp && *tmp ? tmp : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    assert_true(c->fd >= 0);
    c->saved_fd = dup(STDERR_FILENO);
    assert_true(c->saved_fd >= 0);
    assert_int_equal(dup2(c->fd, STDERR_FILENO), STDERR_FILENO);
}

char *test_capture_end(struct test_capture *c)
{
    fflush(stderr);
    assert_int_equal(dup2(c->saved_fd, STDERR_FILENO), STDERR_FILENO);
    close(c->saved_fd);
    off_t size = lseek(c->fd, 0, SEEK_END);
    assert_true(size >= 0);
    char *text = xmalloc((size_t)size + 1);
    ssize_t n = pread(c->fd, text, (size_t)size, 0);
    assert_true(n == size);
    text[size] = '\0';
    close(c->fd);
    return text;
}

size_t test_count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++)
        n++;
    return n;
}

int test_mono_width(void *mono, int size, const char *s, size_t len)
{
    const struct test_mono *m = mono;
    int n = 0;
    for (size_t i = 0; i < len; i += unicode_utf8_len(s + i, len - i))
        n++;
    return n * size * m->advance_pct / 100;
}

int test_mono_line_height(void *mono, int size)
{
    const struct test_mono *m = mono;
    return size * m->line_pct / 100;
}
