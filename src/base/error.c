#include "error.h"

#include <stdarg.h>
#include <stdio.h>

void error_set(struct error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

void error_clear(struct error *err)
{
    err->msg[0] = '\0';
}
