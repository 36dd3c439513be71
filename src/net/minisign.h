/* Verification of minisign detached signatures (the .minisig files editors make with the
 * `minisign` tool), so a sign only shows feeds its configured key signed. Parsing treats every
 * byte as hostile: bounded lines, exact base64 lengths, no reads past the given length. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Longest trusted comment accepted, in bytes after "trusted comment: " (minisign's own cap). */
#define MINISIGN_TRUSTED_COMMENT_MAX 8192
/* Longest untrusted comment line accepted, prefix included (minisign's own cap). */
#define MINISIGN_COMMENT_LINE_MAX 1024

struct minisign_key {
    uint8_t key_id[8]; /* as stored: little-endian */
    uint8_t pk[32];    /* Ed25519 public key */
};

/* Parses a public key: either the bare base64 line (as in a config file: "RWQ...") or the whole
 * .pub file with its "untrusted comment: " line. Surrounding whitespace and CRLF are fine. */
bool minisign_parse_key(const char *text, struct minisign_key *key, struct error *err);

struct minisign_sig {
    uint8_t algorithm[2]; /* "Ed": Ed25519 over the file; "ED": over its BLAKE2b-512 */
    uint8_t key_id[8];
    uint8_t sig[64];
    char *trusted_comment;  /* owned; the text after "trusted comment: ", without CR/LF */
    uint8_t global_sig[64]; /* Ed25519 over sig || trusted_comment */
    int64_t timestamp;      /* from a "timestamp:NNN" word in the trusted comment; -1 if absent */
};

/* Parses .minisig text of len bytes (no terminator needed; never read past len). On failure *sig
 * owns nothing, but minisign_sig_finish is safe either way. Parsing checks no signature. */
bool minisign_parse_sig(const char *text, size_t len, struct minisign_sig *sig, struct error *err);
/* Frees what *sig owns; leaves it empty. */
void minisign_sig_finish(struct minisign_sig *sig);

enum minisign_result {
    MINISIGN_OK,
    MINISIGN_BAD_FORMAT,           /* unknown algorithm or no trusted comment */
    MINISIGN_WRONG_KEY,            /* made with another key: key ids differ */
    MINISIGN_BAD_SIGNATURE,        /* the data is not what was signed */
    MINISIGN_BAD_GLOBAL_SIGNATURE, /* the trusted comment is not what was signed */
};

/* Checks in minisign's order: key id, signature over data, then the trusted comment. Only
 * MINISIGN_OK means the data and sig->timestamp can be trusted. */
enum minisign_result minisign_verify(const struct minisign_key *key, const struct minisign_sig *sig,
                                     const uint8_t *data, size_t len);
/* A key id as minisign shows it: the little-endian number in upper-case hex, no leading zeros. */
void minisign_format_key_id(const uint8_t key_id[8], char out[17]);
/* A short English phrase; static storage. */
const char *minisign_result_str(enum minisign_result r);

/* A key list as a config gives it: base64 key lines separated by spaces or commas, so a key
 * can be rotated (the new one added beside the old, the old removed later); a whole .pub file
 * works too. At most MINISIGN_MAX_KEYS. A key that does not parse is named in err. */
#define MINISIGN_MAX_KEYS 8
bool minisign_parse_keys(const char *list, struct minisign_key keys[MINISIGN_MAX_KEYS],
                         size_t *count, struct error *err);
/* minisign_check with the key of keys whose id the signature names. */
bool minisign_check_keys(const struct minisign_key *keys, size_t count, const char *sig_text,
                         size_t sig_len, const uint8_t *data, size_t len, int64_t *timestamp,
                         struct error *err);

/* Parses sig_text and verifies data with key. On success *timestamp (if not NULL) is the trusted
 * timestamp or -1; on failure it is -1 and err holds a one-line reason. */
bool minisign_check(const struct minisign_key *key, const char *sig_text, size_t sig_len,
                    const uint8_t *data, size_t len, int64_t *timestamp, struct error *err);
