#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static bool to_journal;
static enum log_level max_level = LOG_INFO;

void log_init(void)
{
    /* JOURNAL_STREAM is "dev:inode" of the stream systemd connected; compare with stderr's. */
    const char *js = getenv("JOURNAL_STREAM");
    struct stat st;
    unsigned long dev, ino;
    if (js && sscanf(js, "%lu:%lu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0)
        to_journal = st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
    const char *debug = getenv("TICKER_DEBUG");
    if (debug && *debug && *debug != '0')
        max_level = LOG_DEBUG;
}

void log_set_level(enum log_level level)
{
    max_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level > max_level)
        return;
    /* Format into one buffer and write once so lines from two threads never interleave. */
    char line[1024];
    int n = to_journal ? snprintf(line, sizeof(line), "<%d>", (int)level)
                       : snprintf(line, sizeof(line), "ticker: ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t room = sizeof(line) - (size_t)n - 2;
    size_t len = (size_t)n + (m < 0 ? 0 : ((size_t)m < room ? (size_t)m : room));
    for (size_t i = (size_t)n; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
