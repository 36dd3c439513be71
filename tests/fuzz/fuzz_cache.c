/* Any bytes as a cache file: cache_load must never crash, leak or over-allocate, and whatever it
 * accepts in the current version must store back to the very same bytes, since the format is
 * canonical. Each input is
 * also tried with an honest trailer (length and CRC-32) put over its last 12 bytes, or random
 * bytes would almost never get past the checksum to the field checks behind it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cache.h"
#include "log.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer gives no setup hook in C, so the temp dir lives for the whole process: made on the
 * first input, removed at exit. */
static char *fuzz_dir;

static void remove_fuzz_dir(void)
{
    static const char *const files[] = {"input.cache", "again.cache"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *path = xasprintf("%s/%s", fuzz_dir, files[i]);
        unlink(path);
        free(path);
    }
    rmdir(fuzz_dir);
    free(fuzz_dir);
}

static void make_fuzz_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    fuzz_dir = xasprintf("%s/fuzz_cache.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir)) {
        perror(fuzz_dir);
        abort();
    }
    atexit(remove_fuzz_dir);
    /* Thousands of refusals a second would drown the fuzzer's own output. */
    log_set_level((enum log_level)(LOG_ERROR - 1));
}

static void check_file(const uint8_t *data, size_t size)
{
    char *path = xasprintf("%s/input.cache", fuzz_dir);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    free(path);

    struct cache_entry e;
    /* Older versions load too, and store back as the current one. */
    bool current = size >= 12 && data[8] == 3 && !data[9] && !data[10] && !data[11];
    if (cache_load(fuzz_dir, "input", &e) && current) {
        if (!cache_store(fuzz_dir, "again", &e))
            abort();
        char *again_path = xasprintf("%s/again.cache", fuzz_dir);
        size_t len;
        char *again = util_read_file(again_path, size + 1, &len);
        if (!again || len != size || memcmp(again, data, size) != 0)
            abort();
        free(again);
        free(again_path);
    }
    cache_entry_finish(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_dir)
        make_fuzz_dir();
    check_file(data, size);
    if (size < 12)
        return 0;
    /* An exact-size copy, so ASan still sees reads past the end. */
    uint8_t *fixed = xmalloc(size);
    memcpy(fixed, data, size);
    for (unsigned i = 0; i < 8; i++)
        fixed[size - 12 + i] = (uint8_t)((uint64_t)size >> (8 * i));
    uint32_t crc = (uint32_t)crc32_z(0, fixed, size - 4);
    for (unsigned i = 0; i < 4; i++)
        fixed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    check_file(fixed, size);
    free(fixed);
    return 0;
}
