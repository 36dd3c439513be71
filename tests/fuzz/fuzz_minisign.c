/* Any bytes as a .minisig file: never crash, leak or read past the input, and minisign_check
 * agrees with minisign_parse_sig + minisign_verify. When the first line parses as a public key,
 * the rest is the signature and is checked with that key; otherwise the whole input is, with
 * tests/data/minisign/test-only.pub. The message is fixed, and the seed corpus holds real
 * signatures of it, so mutations start from inputs that verify. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "minisign.h"
#include "util.h"

#define FUZZ_TEST_KEY "RWRwsxKQh8Zvxjr3x5m+ZSv//5Hbqs1/grOWEsJ3EFOjXyjGPQ8YHgJn"

static const char fuzz_message[] = "ticker fuzz msg\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *message = (const uint8_t *)fuzz_message;
    const size_t message_len = sizeof(fuzz_message) - 1;
    struct error err = {""};

    const char *newline = memchr(text, '\n', size);
    size_t first_len = newline ? (size_t)(newline - text) : size;
    char *first = xstrndup(text, first_len);
    struct minisign_key key;
    if (minisign_parse_key(first, &key, &err)) {
        size_t skip = newline ? first_len + 1 : size;
        text += skip;
        size -= skip;
    } else if (!minisign_parse_key(FUZZ_TEST_KEY, &key, &err)) {
        abort();
    }
    free(first);

    struct minisign_sig sig;
    bool parsed = minisign_parse_sig(text, size, &sig, &err);
    enum minisign_result result = MINISIGN_BAD_FORMAT;
    if (parsed) {
        if (!sig.trusted_comment || strlen(sig.trusted_comment) > MINISIGN_TRUSTED_COMMENT_MAX ||
            sig.timestamp < -1)
            abort();
        result = minisign_verify(&key, &sig, message, message_len);
        if (result == MINISIGN_BAD_FORMAT)
            abort();
    }

    int64_t timestamp;
    bool ok = minisign_check(&key, text, size, message, message_len, &timestamp, &err);
    if (ok != (result == MINISIGN_OK) || timestamp != (ok ? sig.timestamp : -1))
        abort();
    minisign_sig_finish(&sig);
    return 0;
}
