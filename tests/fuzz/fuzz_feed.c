/* Any bytes as a feed document: must never crash, leak or hang, whatever the format. */
#include <stddef.h>
#include <stdint.h>

#include "feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct story_list list;
    story_list_init(&list);
    struct error err = {""};
    feed_parse((const char *)data, size, "fuzz", NULL, &list, &err);
    story_list_finish(&list);
    return 0;
}
