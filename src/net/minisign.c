#include "minisign.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "log.h"
#include "util.h"

#define MINISIGN_UNTRUSTED_PREFIX "untrusted comment: "
#define MINISIGN_TRUSTED_PREFIX "trusted comment: "
#define MINISIGN_TIMESTAMP_KEY "timestamp:"

/* Decoded sizes of the base64 lines: algorithm + key id + payload. */
#define MINISIGN_KEY_BYTES (2 + 8 + 32)
#define MINISIGN_SIG_BYTES (2 + 8 + 64)

/* A read position in untrusted text that is not NUL-terminated. */
struct minisign_cursor {
    const char *pos;
    const char *end;
};

static pthread_once_t minisign_sodium_once = PTHREAD_ONCE_INIT;
static int minisign_sodium_status = -1;

static void minisign_sodium_init(void)
{
    minisign_sodium_status = sodium_init();
}

/* sodium_init picks the fastest BLAKE2b and Ed25519 code for this CPU; it only fails when the
 * library cannot work at all, and then nothing may verify. */
static bool minisign_sodium_ready(void)
{
    pthread_once(&minisign_sodium_once, minisign_sodium_init);
    if (minisign_sodium_status < 0) {
        log_error("minisign: libsodium failed to initialise; rejecting every signature");
        return false;
    }
    return true;
}

/* Takes the next line without its LF, and without the CR of a CRLF: the CR is not part of what
 * minisign signs. Returns false at the end of the text. */
static bool minisign_next_line(struct minisign_cursor *cur, const char **line, size_t *len)
{
    if (cur->pos == cur->end)
        return false;
    size_t left = (size_t)(cur->end - cur->pos);
    const char *newline = memchr(cur->pos, '\n', left);
    *line = cur->pos;
    *len = newline ? (size_t)(newline - cur->pos) : left;
    cur->pos = newline ? newline + 1 : cur->end;
    if (*len > 0 && (*line)[*len - 1] == '\r')
        (*len)--;
    return true;
}

static bool minisign_only_space(const struct minisign_cursor *cur)
{
    for (const char *p = cur->pos; p < cur->end; p++) {
        if (!ascii_is_space(*p))
            return false;
    }
    return true;
}

static bool minisign_has_prefix(const char *line, size_t len, const char *prefix)
{
    size_t prefix_len = strlen(prefix);
    return len >= prefix_len && memcmp(line, prefix, prefix_len) == 0;
}

/* Exactly out_len bytes of padded standard base64, trailing blanks allowed: a line that decodes
 * shorter or longer is malformed, not a different signature. */
static bool minisign_decode_line(const char *line, size_t len, uint8_t *out, size_t out_len)
{
    while (len > 0 && ascii_is_space(line[len - 1]))
        len--;
    size_t decoded = 0;
    if (sodium_base642bin(out, out_len, line, len, NULL, &decoded, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return decoded == out_len;
}

/* The first "timestamp:NNN" word (at the start or after a blank, ending at a blank or the end);
 * -1 when there is none or its number is not a plain non-negative int64. */
static int64_t minisign_parse_timestamp(const char *comment)
{
    const char *p = comment;
    while ((p = strstr(p, MINISIGN_TIMESTAMP_KEY)) != NULL) {
        if (p == comment || ascii_is_space(p[-1]))
            break;
        p++;
    }
    if (!p)
        return -1;
    const char *digits = p + strlen(MINISIGN_TIMESTAMP_KEY);
    int64_t value = 0;
    size_t n = 0;
    for (; ascii_is_digit(digits[n]); n++) {
        int64_t digit = digits[n] - '0';
        if (value > (INT64_MAX - digit) / 10)
            return -1;
        value = value * 10 + digit;
    }
    if (n == 0 || (digits[n] != '\0' && !ascii_is_space(digits[n])))
        return -1;
    return value;
}

/* minisign shows key ids as the little-endian number in upper-case hex without leading zeros
 * (printf's %" PRIX64 ": the .pub comment says "minisign public key 6FC6879012B370" for a key
 * whose id starts with a zero byte); messages use the same form so operators can match. */
void minisign_format_key_id(const uint8_t key_id[8], char out[17])
{
    uint64_t id = 0;
    for (size_t i = 0; i < 8; i++)
        id |= (uint64_t)key_id[i] << (8 * i);
    snprintf(out, 17, "%" PRIX64, id);
}

bool minisign_parse_key(const char *text, struct minisign_key *key, struct error *err)
{
    memset(key, 0, sizeof(*key));
    if (!text) {
        error_set(err, "no public key");
        return false;
    }
    while (ascii_is_space(*text))
        text++;
    struct minisign_cursor cur = {text, text + strlen(text)};
    const char *line;
    size_t len;
    if (!minisign_next_line(&cur, &line, &len)) {
        error_set(err, "empty public key");
        return false;
    }
    if (minisign_has_prefix(line, len, MINISIGN_UNTRUSTED_PREFIX)) {
        if (len > MINISIGN_COMMENT_LINE_MAX) {
            error_set(err, "public key comment longer than %d bytes", MINISIGN_COMMENT_LINE_MAX);
            return false;
        }
        if (!minisign_next_line(&cur, &line, &len)) {
            error_set(err, "public key file has no key after its comment");
            return false;
        }
    }
    uint8_t raw[MINISIGN_KEY_BYTES];
    if (!minisign_decode_line(line, len, raw, sizeof(raw))) {
        error_set(err, "public key is not base64 of %d bytes", MINISIGN_KEY_BYTES);
        return false;
    }
    if (memcmp(raw, "Ed", 2) != 0) {
        error_set(err, "public key algorithm is not Ed25519 (\"Ed\")");
        return false;
    }
    if (!minisign_only_space(&cur)) {
        error_set(err, "unexpected text after the public key");
        return false;
    }
    memcpy(key->key_id, raw + 2, sizeof(key->key_id));
    memcpy(key->pk, raw + 10, sizeof(key->pk));
    return true;
}

bool minisign_parse_sig(const char *text, size_t len, struct minisign_sig *sig, struct error *err)
{
    memset(sig, 0, sizeof(*sig));
    sig->timestamp = -1;
    if (!text || len == 0) {
        error_set(err, "empty signature");
        return false;
    }
    struct minisign_cursor cur = {text, text + len};
    const char *line;
    size_t line_len;

    minisign_next_line(&cur, &line, &line_len);
    if (!minisign_has_prefix(line, line_len, MINISIGN_UNTRUSTED_PREFIX)) {
        error_set(err, "signature does not start with \"%s\"", MINISIGN_UNTRUSTED_PREFIX);
        return false;
    }
    if (line_len > MINISIGN_COMMENT_LINE_MAX) {
        error_set(err, "untrusted comment line longer than %d bytes", MINISIGN_COMMENT_LINE_MAX);
        return false;
    }

    uint8_t raw[MINISIGN_SIG_BYTES];
    if (!minisign_next_line(&cur, &line, &line_len) ||
        !minisign_decode_line(line, line_len, raw, sizeof(raw))) {
        error_set(err, "second line of signature is not base64 of %d bytes", MINISIGN_SIG_BYTES);
        return false;
    }
    if (memcmp(raw, "Ed", 2) != 0 && memcmp(raw, "ED", 2) != 0) {
        error_set(err, "signature algorithm is neither \"Ed\" nor \"ED\"");
        return false;
    }

    if (!minisign_next_line(&cur, &line, &line_len) ||
        !minisign_has_prefix(line, line_len, MINISIGN_TRUSTED_PREFIX)) {
        error_set(err, "third line of signature does not start with \"%s\"",
                  MINISIGN_TRUSTED_PREFIX);
        return false;
    }
    const char *comment = line + strlen(MINISIGN_TRUSTED_PREFIX);
    size_t comment_len = line_len - strlen(MINISIGN_TRUSTED_PREFIX);
    if (comment_len > MINISIGN_TRUSTED_COMMENT_MAX) {
        error_set(err, "trusted comment longer than %d bytes", MINISIGN_TRUSTED_COMMENT_MAX);
        return false;
    }
    /* A NUL would make the stored string differ from the bytes the global signature covers. */
    if (memchr(comment, '\0', comment_len)) {
        error_set(err, "trusted comment has a NUL byte");
        return false;
    }

    uint8_t global_sig[64];
    if (!minisign_next_line(&cur, &line, &line_len) ||
        !minisign_decode_line(line, line_len, global_sig, sizeof(global_sig))) {
        error_set(err, "fourth line of signature is not base64 of %zu bytes", sizeof(global_sig));
        return false;
    }
    if (!minisign_only_space(&cur)) {
        error_set(err, "unexpected text after the signature");
        return false;
    }

    memcpy(sig->algorithm, raw, sizeof(sig->algorithm));
    memcpy(sig->key_id, raw + 2, sizeof(sig->key_id));
    memcpy(sig->sig, raw + 10, sizeof(sig->sig));
    memcpy(sig->global_sig, global_sig, sizeof(sig->global_sig));
    sig->trusted_comment = xstrndup(comment, comment_len);
    sig->timestamp = minisign_parse_timestamp(sig->trusted_comment);
    return true;
}

void minisign_sig_finish(struct minisign_sig *sig)
{
    free(sig->trusted_comment);
    memset(sig, 0, sizeof(*sig));
    sig->timestamp = -1;
}

enum minisign_result minisign_verify(const struct minisign_key *key, const struct minisign_sig *sig,
                                     const uint8_t *data, size_t len)
{
    bool prehashed;
    if (memcmp(sig->algorithm, "ED", 2) == 0)
        prehashed = true;
    else if (memcmp(sig->algorithm, "Ed", 2) == 0)
        prehashed = false;
    else
        return MINISIGN_BAD_FORMAT;
    if (!sig->trusted_comment)
        return MINISIGN_BAD_FORMAT;
    if (memcmp(sig->key_id, key->key_id, sizeof(key->key_id)) != 0)
        return MINISIGN_WRONG_KEY;
    if (!minisign_sodium_ready())
        return MINISIGN_BAD_SIGNATURE;

    static const uint8_t no_data[1];
    const uint8_t *message = data ? data : no_data;
    size_t message_len = data ? len : 0;
    uint8_t digest[crypto_generichash_BYTES_MAX];
    if (prehashed) {
        crypto_generichash(digest, sizeof(digest), message, message_len, NULL, 0);
        message = digest;
        message_len = sizeof(digest);
    }
    if (crypto_sign_verify_detached(sig->sig, message, message_len, key->pk) != 0)
        return MINISIGN_BAD_SIGNATURE;

    /* The global signature binds the trusted comment to this very signature, so a comment (and
     * its timestamp) cannot be moved onto another file's signature. */
    size_t comment_len = strlen(sig->trusted_comment);
    uint8_t *signed_comment = xmalloc(sizeof(sig->sig) + comment_len);
    memcpy(signed_comment, sig->sig, sizeof(sig->sig));
    memcpy(signed_comment + sizeof(sig->sig), sig->trusted_comment, comment_len);
    int rc = crypto_sign_verify_detached(sig->global_sig, signed_comment,
                                         sizeof(sig->sig) + comment_len, key->pk);
    free(signed_comment);
    return rc == 0 ? MINISIGN_OK : MINISIGN_BAD_GLOBAL_SIGNATURE;
}

const char *minisign_result_str(enum minisign_result r)
{
    switch (r) {
    case MINISIGN_OK:
        return "signature verified";
    case MINISIGN_BAD_FORMAT:
        return "malformed signature";
    case MINISIGN_WRONG_KEY:
        return "signature made with a different key";
    case MINISIGN_BAD_SIGNATURE:
        return "signature does not match the data";
    case MINISIGN_BAD_GLOBAL_SIGNATURE:
        return "trusted comment does not match its signature";
    }
    return "unknown signature result";
}

bool minisign_check_keys(const struct minisign_key *keys, size_t count, const char *sig_text,
                         size_t sig_len, const uint8_t *data, size_t len, int64_t *timestamp,
                         struct error *err)
{
    if (timestamp)
        *timestamp = -1;
    struct minisign_sig sig;
    if (!minisign_parse_sig(sig_text, sig_len, &sig, err))
        return false;
    size_t k = 0;
    while (k < count && memcmp(keys[k].key_id, sig.key_id, sizeof(sig.key_id)) != 0)
        k++;
    /* No key with its id: verify with the first, which says so. */
    enum minisign_result result =
        count ? minisign_verify(&keys[k < count ? k : 0], &sig, data, len) : MINISIGN_WRONG_KEY;
    if (result == MINISIGN_WRONG_KEY) {
        char sig_id[17], key_id[17] = "";
        minisign_format_key_id(sig.key_id, sig_id);
        if (count)
            minisign_format_key_id(keys[0].key_id, key_id);
        if (count > 1)
            error_set(err, "signature made with key %s, not one of the %zu configured keys", sig_id,
                      count);
        else
            error_set(err, "signature made with key %s, not the configured key %s", sig_id, key_id);
    } else if (result != MINISIGN_OK) {
        error_set(err, "%s", minisign_result_str(result));
    } else if (timestamp) {
        *timestamp = sig.timestamp;
    }
    minisign_sig_finish(&sig);
    return result == MINISIGN_OK;
}

bool minisign_check(const struct minisign_key *key, const char *sig_text, size_t sig_len,
                    const uint8_t *data, size_t len, int64_t *timestamp, struct error *err)
{
    return minisign_check_keys(key, 1, sig_text, sig_len, data, len, timestamp, err);
}

bool minisign_parse_keys(const char *list, struct minisign_key keys[MINISIGN_MAX_KEYS],
                         size_t *count, struct error *err)
{
    *count = 0;
    for (const char *p = list;;) {
        p += strspn(p, " \t\r\n,");
        if (!*p)
            break;
        /* A whole .pub file: its comment line goes. */
        if (strncmp(p, MINISIGN_UNTRUSTED_PREFIX, strlen(MINISIGN_UNTRUSTED_PREFIX)) == 0) {
            p += strcspn(p, "\n");
            continue;
        }
        size_t n = strcspn(p, " \t\r\n,");
        if (*count == MINISIGN_MAX_KEYS) {
            error_set(err, "more than %d keys", MINISIGN_MAX_KEYS);
            return false;
        }
        char *one = xstrndup(p, n);
        struct error why;
        bool ok = minisign_parse_key(one, &keys[*count], &why);
        free(one);
        if (!ok) {
            error_set(err, "'%.*s' is not a minisign public key: %s", (int)MIN(n, 64), p, why.msg);
            return false;
        }
        ++*count;
        p += n;
    }
    if (*count == 0) {
        error_set(err, "no public key");
        return false;
    }
    return true;
}
