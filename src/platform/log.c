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
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    size_t text_len = m < 0 ? 0 : ((size_t)m < sizeof(text) ? (size_t)m : sizeof(text) - 1);
    /* Format into one buffer and write once so lines from two threads never interleave. Room
     * for every byte escaped as \xNN, the prefix and the newline. */
    char line[4 * sizeof(text) + 16];
    size_t len = (size_t)(to_journal ? snprintf(line, 16, "<%d>", (int)level)
                                     : snprintf(line, 16, "ticker: "));
    /* What a config file or a feed put in a message must not drive the terminal or split the
     * journal entry: C0 and C1 control characters and DEL are written as \xNN (newlines as
     * spaces, tabs as they are). */
    for (size_t i = 0; i < text_len; i++) {
        unsigned char c = (unsigned char)text[i];
        bool c1 = c == 0xC2 && i + 1 < text_len && (unsigned char)text[i + 1] >= 0x80 &&
                  (unsigned char)text[i + 1] <= 0x9F;
        if (c == '\n' || c == '\r') {
            line[len++] = ' ';
        } else if ((c < 0x20 && c != '\t') || c == 0x7F || c1) {
            unsigned char v = c1 ? (unsigned char)text[++i] : c;
            len += (size_t)snprintf(line + len, 5, "\\x%02x", v);
        } else {
            line[len++] = (char)c;
        }
    }
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
