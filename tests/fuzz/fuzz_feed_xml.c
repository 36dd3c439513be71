/* Any bytes as an RSS or Atom document: must never crash, leak or hang. Inputs of odd length
 * also get an HTTP charset, picked by their last byte, so the legacy-encoding paths see hostile
 * bytes too (the first byte would not do: nearly every input starts with '<'). */
#include <stddef.h>
#include <stdint.h>

#include "feed_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const charsets[] = {
        "windows-1251", "utf-8", "Shift_JIS", "GB18030", "ISO-2022-JP", "UTF-16", "x-bogus",
    };
    const char *charset = NULL;
    if (size % 2 == 1)
        charset = charsets[data[size - 1] % (sizeof(charsets) / sizeof(charsets[0]))];
    struct story_list list;
    story_list_init(&list);
    struct error err = {""};
    feed_xml_parse((const char *)data, size, "fuzz", charset, &list, &err);
    story_list_finish(&list);
    return 0;
}
