/* Any bytes as a story's title and summary (split at the first NUL or newline): figure
 * extraction must never crash, and every figure must be something a card can show. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "unicode.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool valid_utf8(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t n;
        if (!unicode_utf8_next(s + i, len - i, &c, &n))
            return false;
        i += n;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t split = 0;
    while (split < size && data[split] != '\0' && data[split] != '\n')
        split++;
    /* Copies: the input is not NUL-terminated and may hold NULs after the split. */
    char *title = xstrndup((const char *)data, split);
    size_t rest = split < size ? size - split - 1 : 0;
    char *summary = xstrndup(split < size ? (const char *)data + split + 1 : "", rest);

    struct figure figs[STORY_MAX_FIGURES];
    size_t n = figures_extract(title, summary, figs, 3);
    if (n > 3)
        abort();
    for (size_t i = 0; i < n; i++) {
        const char *v = figs[i].value, *l = figs[i].label;
        if (!v || !l || v[0] == '\0' || strlen(v) > 64 || strlen(l) > 48 || !valid_utf8(v) ||
            !valid_utf8(l))
            abort();
        free(figs[i].value);
        free(figs[i].label);
    }
    free(title);
    free(summary);
    return 0;
}
