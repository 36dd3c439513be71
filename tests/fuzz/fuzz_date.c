/* Any bytes as a date: never crash, and whatever parses lies within years -9999..9999 and comes
 * back unchanged from date_format_rfc3339 through date_parse_rfc3339. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* On the heap and exactly as long as the string, so ASan sees a read past the NUL. */
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t t;
    bool ok = date_parse_any(s, &t);
    free(s);
    if (!ok)
        return 0;
    if (t < date_days_from_civil(-9999, 1, 1) * 86400 ||
        t >= date_days_from_civil(10000, 1, 1) * 86400)
        abort();
    char text[32];
    int64_t back;
    date_format_rfc3339(t, text, sizeof(text));
    if (!date_parse_rfc3339(text, &back) || back != t)
        abort();
    return 0;
}
