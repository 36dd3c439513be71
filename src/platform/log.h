/* One-line log messages on stderr, journald-friendly: when stderr is the journal
 * (JOURNAL_STREAM matches) each line carries a <N> priority prefix, otherwise "ticker: ". */
#pragma once

enum log_level { LOG_ERROR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

void log_init(void);
void log_set_level(enum log_level max_level);
/* A crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE) writes the signal, the faulting address and a
 * backtrace (module+offset, for addr2line against the debug symbols) to stderr, then dies of the
 * same signal so systemd and a core dump see it. Not under the sanitizers, which report their
 * own. */
void log_crash_reports(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
