/* The one error path: a function that can fail takes a struct error *, the caller's, and on
 * failure writes a one-line message into it for the caller to log, show or keep. */
#pragma once

/* The largest buffer any caller gave before there was one struct: a message with a long URL or
 * path in it comes through whole. */
#define ERROR_MSG_SIZE 512

struct error {
    char msg[ERROR_MSG_SIZE]; /* "" when nothing failed */
};

/* Formats the message into err (cut to fit); a NULL err is ignored. fmt's arguments must not
 * point into err->msg itself. */
void error_set(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void error_clear(struct error *err);
