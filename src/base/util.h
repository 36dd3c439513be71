/* Small helpers every module uses: allocation that aborts on exhaustion (systemd restarts us),
 * monotonic time, and bounded string building. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* A macro's value as a string literal, for limits written into messages. */
#define STRINGIFY(x) STRINGIFY_(x)
#define STRINGIFY_(x) #x

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
/* Returns a newly allocated formatted string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock in nanoseconds. */
int64_t util_now_ns(void);
/* The sign's identity: the host name (on the board image `ticker-` and six hex digits from the
 * card's machine id), read once; "unknown" if there is none. Thread-safe. */
const char *util_sign_id(void);
/* Sleeps until the monotonic clock reaches deadline_ns (absolute). */
void util_sleep_until_ns(int64_t deadline_ns);

/* Reads a whole regular file, at most max_bytes; returns NULL (errno set: EFBIG when too large,
 * EINVAL for a FIFO, device or directory, refused without blocking). The buffer is
 * NUL-terminated; *len excludes the terminator. Caller frees. */
char *util_read_file(const char *path, size_t max_bytes, size_t *len);
/* What util_read_file's errno means, for a message: "not a regular file" for EINVAL. */
const char *util_read_error(int err);
/* Writes data to path atomically: temp file, fsync, rename, fsync of the directory. A failure
 * is logged with its reason. */
bool util_write_file_atomic(const char *path, const void *data, size_t len);
/* The same for data in count pieces written one after another (a header, a large body, a
 * trailer), so a caller need not copy them into one buffer. The temp file is PATH.tmp.PID; one
 * left behind by a killed process is the caller's to clean up. parts is borrowed. */
struct iovec;
bool util_write_file_atomic_v(const char *path, const struct iovec *parts, size_t count);
/* The same, with the reason for a failure written into err instead of logged: for a caller that
 * retries and must not log the same failure every time. */
bool util_write_file_atomic_err(const char *path, const struct iovec *parts, size_t count,
                                struct error *err);
