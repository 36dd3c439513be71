#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dynbuf.h"
#include "log.h"

/* util_read_file reads this much at a time into its capped buffer. */
#define READ_CHUNK_BYTES (16 * 1024)

static void oom(size_t size)
{
    fprintf(stderr, "ticker: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t len)
{
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int64_t util_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void util_sleep_until_ns(int64_t deadline_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000),
                          .tv_nsec = (long)(deadline_ns % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

char *util_read_file(const char *path, size_t max_bytes, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO with no writer must not wait (it is refused just below); a
     * regular file ignores the flag. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    int refused = fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL;
    if (refused) {
        close(fd);
        errno = refused;
        return NULL;
    }
    struct dynbuf buf;
    dynbuf_init(&buf, max_bytes);
    char chunk[READ_CHUNK_BYTES];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto err_free_buf;
        }
        if (n == 0)
            break;
        if (!dynbuf_add(&buf, chunk, (size_t)n)) {
            errno = EFBIG;
            goto err_free_buf;
        }
    }
    close(fd);
    return dynbuf_take(&buf, len);

err_free_buf:
    dynbuf_finish(&buf);
    int saved = errno;
    close(fd);
    errno = saved;
    return NULL;
}

const char *util_read_error(int err)
{
    return err == EINVAL ? "not a regular file" : strerror(err);
}

bool util_write_file_atomic(const char *path, const void *data, size_t len)
{
    struct iovec part = {.iov_base = (void *)data, .iov_len = len};
    return util_write_file_atomic_v(path, &part, 1);
}

bool util_write_file_atomic_v(const char *path, const struct iovec *parts, size_t count)
{
    struct error err;
    bool ok = util_write_file_atomic_err(path, parts, count, &err);
    if (!ok)
        log_error("%s", err.msg);
    return ok;
}

bool util_write_file_atomic_err(const char *path, const struct iovec *parts, size_t count,
                                struct error *err)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_set(err, "%s: cannot create: %s", tmp, strerror(errno));
        goto err_free_tmp;
    }
    for (size_t i = 0; i < count; i++) {
        const char *p = parts[i].iov_base;
        size_t len = parts[i].iov_len;
        while (len > 0) {
            ssize_t n = write(fd, p, len);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                error_set(err, "%s: write failed: %s", tmp, strerror(errno));
                goto err_close;
            }
            p += n;
            len -= (size_t)n;
        }
    }
    if (fsync(fd) != 0) {
        error_set(err, "%s: fsync failed: %s", tmp, strerror(errno));
        goto err_close;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        error_set(err, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto err_free_tmp;
    }
    /* Make the rename itself durable. */
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else {
        free(dir);
        dir = xstrdup(".");
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir);
    free(tmp);
    return true;

err_close:
    close(fd);
    unlink(tmp);
err_free_tmp:
    free(tmp);
    return false;
}

static char sign_id[256];
static pthread_once_t sign_id_once = PTHREAD_ONCE_INIT;

static void read_sign_id(void)
{
    if (gethostname(sign_id, sizeof(sign_id) - 1) != 0 || !sign_id[0])
        strcpy(sign_id, "unknown");
    /* Into a User-Agent and JSON: only the characters a host name may have. */
    for (char *c = sign_id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '.' || *c == '_'))
            *c = '_';
}

const char *util_sign_id(void)
{
    pthread_once(&sign_id_once, read_sign_id);
    return sign_id;
}
