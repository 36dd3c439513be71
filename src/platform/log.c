/* sigaltstack, SA_ONSTACK: X/Open, beyond the project-wide POSIX 2008 level. */
#define _DEFAULT_SOURCE
#include "log.h"

#include <execinfo.h>
#include <stdint.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
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

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define TICKER_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define TICKER_SANITIZED 1
#endif
#endif

#ifndef TICKER_SANITIZED
/* Async-signal-safe: write(2), backtrace_symbols_fd (its library loaded beforehand). */
static void write_str(const char *s)
{
    ssize_t w = write(STDERR_FILENO, s, strlen(s));
    (void)w;
}

static void on_crash(int sig, siginfo_t *info, void *context)
{
    (void)context;
    static const char hex[] = "0123456789abcdef";
    char addr[2 + 2 * sizeof(void *) + 1] = "0x";
    uintptr_t a = (uintptr_t)info->si_addr;
    for (size_t i = 0; i < 2 * sizeof(void *); i++)
        addr[2 + i] = hex[(a >> (4 * (2 * sizeof(void *) - 1 - i))) & 0xF];
    addr[sizeof(addr) - 1] = '\0';
    write_str(to_journal ? "<2>" : "ticker: ");
    write_str("fatal signal ");
    write_str(sig == SIGSEGV  ? "SIGSEGV"
              : sig == SIGBUS ? "SIGBUS"
              : sig == SIGILL ? "SIGILL"
                              : "SIGFPE");
    write_str(" at address ");
    write_str(addr);
    write_str("; backtrace follows\n");
    void *frames[48];
    int n = backtrace(frames, 48);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    signal(sig, SIG_DFL);
    raise(sig);
}

#endif

void log_crash_reports(void)
{
#ifndef TICKER_SANITIZED
    /* Its own stack, so a stack overflow is reported too; backtrace() once now, so the
     * library it loads on first use is not loaded inside the handler. */
    static char alt[64 * 1024];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};
    sigaltstack(&ss, NULL);
    void *frame;
    backtrace(&frame, 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = (int)(SA_SIGINFO | SA_ONSTACK | SA_RESETHAND);
    sa.sa_sigaction = on_crash;
    const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
#endif
}
