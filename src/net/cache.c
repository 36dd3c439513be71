#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "util.h"

/*
 * File format, every integer little-endian so a card moves between boards:
 *
 *   "TICKCACH"                     8 bytes, magic
 *   u32 version                    CACHE_FORMAT_VERSION
 *   u32 length, bytes              url
 *   u32 length, bytes              etag
 *   u32 length, bytes              last_modified
 *   u32 length, bytes              charset        (version 2: the HTTP charset of the body)
 *   u32 length, bytes              signature      (version 3: the .minisig text; absent in 2)
 *   i64 fetched_at
 *   i64 sig_timestamp
 *   u32 length, bytes              body
 *   u64 total file length          including this trailer
 *   u32 CRC-32                     of every byte before it
 *
 * The encoding is canonical: one entry has exactly one file, so anything that loads stores back
 * byte for byte (the fuzz target checks it). CRC-32 (zlib's) rather than a 64-bit hash: the
 * threat is accidental damage, and CRC-32 is certain to catch any one or two flipped bits in a
 * file of the largest size allowed and any burst of up to 32 bits, while the atomic rename and
 * the length fields catch torn writes on their own. Other random damage slips through with odds
 * of 2^-32, and the parsers treat the body as untrusted input anyway. A 64-bit hash would mean a
 * vendored copy or a new dependency for a gain only against odds already that small, and none
 * against someone who can write the state dir: authenticity is minisign's job, at fetch time.
 * A new field means a new version: old builds refuse the file and fetch afresh; this build
 * still reads version 2 (no signature), so an upgrade keeps what a board was showing.
 */
#define CACHE_MAGIC "TICKCACH"
#define CACHE_MAGIC_LEN 8u
#define CACHE_FORMAT_VERSION 3u
#define CACHE_OLDEST_VERSION 2u
#define CACHE_STRINGS 5u /* url, etag, last_modified, charset, signature */
#define CACHE_FIXED_HEADER (CACHE_MAGIC_LEN + 4 + CACHE_STRINGS * 4 + 8 + 8 + 4)
#define CACHE_TRAILER (8u + 4)
/* Version 2 has one string less. */
#define CACHE_MIN_FILE ((size_t)CACHE_FIXED_HEADER - 4 + CACHE_TRAILER)
#define CACHE_MAX_FILE                                                                             \
    ((size_t)CACHE_FIXED_HEADER + CACHE_TRAILER + (CACHE_STRINGS - 1) * (size_t)CACHE_MAX_STRING + \
     CACHE_MAX_SIGNATURE + CACHE_MAX_BODY)

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
/* What util_write_file_atomic_v appends to the path for its temp file, before the pid. */
#define TEMP_SUFFIX ".cache.tmp."

static bool name_valid(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > CACHE_MAX_NAME || strspn(name, NAME_CHARS) != len) {
        log_error("cache: invalid source name \"%.64s\" (want 1 to %u of A-Z a-z 0-9 _ -)",
                  name ? name : "(null)", CACHE_MAX_NAME);
        return false;
    }
    return true;
}

char *cache_path(const char *dir, const char *source_name)
{
    if (!name_valid(source_name))
        return NULL;
    return xasprintf("%s/%s.cache", dir, source_name);
}

/* NAME.cache.tmp.PID, left behind when a store was killed between create and rename. With
 * source_name NULL any source's temp file matches. */
static bool is_stale_temp(const char *file, const char *source_name)
{
    size_t name_len = strspn(file, NAME_CHARS);
    if (name_len == 0 || strncmp(file + name_len, TEMP_SUFFIX, strlen(TEMP_SUFFIX)) != 0)
        return false;
    if (source_name && (strlen(source_name) != name_len || memcmp(file, source_name, name_len)))
        return false;
    const char *pid = file + name_len + strlen(TEMP_SUFFIX);
    return *pid != '\0' && strspn(pid, "0123456789") == strlen(pid);
}

/* Failing to remove one only costs disk space, so it is logged and not an error. It is safe
 * because each dir has one writer: no temp file here belongs to a store still running. */
static void remove_stale_temps(const char *dir, const char *source_name)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!is_stale_temp(de->d_name, source_name))
            continue;
        if (unlinkat(dirfd(d), de->d_name, 0) != 0 && errno != ENOENT)
            log_warn("%s/%s: cannot remove stale temp file: %s", dir, de->d_name, strerror(errno));
    }
    closedir(d);
}

bool cache_dir_ensure(const char *dir)
{
    if (!dir || !*dir) {
        log_error("cache: empty state directory");
        return false;
    }
    char *path = xstrdup(dir);
    /* Each prefix ending before a '/', then the whole path; EEXIST is the common case. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        /* A read-only or unreadable parent may fail with EROFS or EACCES although it exists. */
        if (mkdir(path, 0750) != 0 && errno != EEXIST &&
            !(stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
            log_error("%s: cannot create directory: %s", path, strerror(errno));
            goto err_free_path;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        log_error("%s: not a directory", dir);
        goto err_free_path;
    }
    free(path);
    remove_stale_temps(dir, NULL);
    return true;

err_free_path:
    free(path);
    return false;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return p + 4;
}

static uint8_t *put_u64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return p + 8;
}

static uint8_t *put_string(uint8_t *p, const char *s, size_t len)
{
    p = put_u32(p, (uint32_t)len);
    memcpy(p, s, len);
    return p + len;
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* zlib's crc32 of a NULL buffer returns the initial value, whatever crc was: skip empty parts. */
static uint32_t crc_update(uint32_t crc, const void *data, size_t len)
{
    return len ? (uint32_t)crc32_z(crc, data, len) : crc;
}

static const char *const string_names[CACHE_STRINGS] = {"url", "etag", "last_modified", "charset",
                                                        "signature"};

static uint32_t string_cap(size_t i)
{
    return i == CACHE_STRINGS - 1 ? CACHE_MAX_SIGNATURE : CACHE_MAX_STRING;
}

static bool entry_valid(const char *path, const struct cache_entry *e,
                        const char *strings[CACHE_STRINGS])
{
    for (size_t i = 0; i < CACHE_STRINGS; i++) {
        if (strlen(strings[i]) > string_cap(i)) {
            log_error("%s: not stored: %s of %zu bytes is over the %" PRIu32 "-byte cap", path,
                      string_names[i], strlen(strings[i]), string_cap(i));
            return false;
        }
    }
    if (e->len > CACHE_MAX_BODY) {
        log_error("%s: not stored: body of %zu bytes is over the %u-byte cap", path, e->len,
                  CACHE_MAX_BODY);
        return false;
    }
    if (!e->body && e->len) {
        log_error("%s: not stored: NULL body of %zu bytes", path, e->len);
        return false;
    }
    if (e->fetched_at < 0 || e->sig_timestamp < -1) {
        log_error("%s: not stored: bad time fetched_at=%" PRId64 " sig_timestamp=%" PRId64, path,
                  e->fetched_at, e->sig_timestamp);
        return false;
    }
    return true;
}

bool cache_store(const char *dir, const char *source_name, const struct cache_entry *e)
{
    char *path = cache_path(dir, source_name);
    if (!path)
        return false;
    bool ok = false;
    const char *strings[CACHE_STRINGS] = {
        e->url ? e->url : "", e->etag ? e->etag : "", e->last_modified ? e->last_modified : "",
        e->charset ? e->charset : "", e->signature ? e->signature : ""};
    if (!entry_valid(path, e, strings))
        goto out_free_path;

    size_t header_len = CACHE_FIXED_HEADER;
    for (size_t i = 0; i < CACHE_STRINGS; i++)
        header_len += strlen(strings[i]);
    uint8_t *header = xmalloc(header_len);
    memcpy(header, CACHE_MAGIC, CACHE_MAGIC_LEN);
    uint8_t *p = put_u32(header + CACHE_MAGIC_LEN, CACHE_FORMAT_VERSION);
    for (size_t i = 0; i < CACHE_STRINGS; i++)
        p = put_string(p, strings[i], strlen(strings[i]));
    p = put_u64(p, (uint64_t)e->fetched_at);
    p = put_u64(p, (uint64_t)e->sig_timestamp);
    put_u32(p, (uint32_t)e->len);

    uint8_t trailer[CACHE_TRAILER];
    put_u64(trailer, header_len + e->len + CACHE_TRAILER);
    uint32_t crc = crc_update(0, header, header_len);
    crc = crc_update(crc, e->body, e->len);
    crc = crc_update(crc, trailer, 8);
    put_u32(trailer + 8, crc);

    /* Before writing, so a store killed at any point leaves at most its own temp file. */
    remove_stale_temps(dir, source_name);
    struct iovec parts[3] = {
        {.iov_base = header, .iov_len = header_len},
        {.iov_base = e->body, .iov_len = e->len},
        {.iov_base = trailer, .iov_len = sizeof(trailer)},
    };
    ok = util_write_file_atomic_v(path, parts, ARRAY_LEN(parts));
    free(header);
out_free_path:
    free(path);
    return ok;
}

/* A cursor over the fields between the fixed magic/version and the trailer. */
struct cache_reader {
    const uint8_t *p;
    size_t left;
};

static bool take(struct cache_reader *r, size_t n, const uint8_t **out)
{
    if (n > r->left)
        return false;
    *out = r->p;
    r->p += n;
    r->left -= n;
    return true;
}

static const char *take_string(struct cache_reader *r, uint32_t cap, char **out)
{
    const uint8_t *p;
    if (!take(r, 4, &p))
        return "truncated string length";
    uint32_t len = get_u32(p);
    if (len > cap)
        return cap == CACHE_MAX_STRING
                   ? "string over the " STRINGIFY(CACHE_MAX_STRING_KIB) " KiB cap"
                   : "signature over the " STRINGIFY(CACHE_MAX_SIGNATURE_KIB) " KiB cap";
    if (!take(r, len, &p))
        return "string runs past the end";
    if (memchr(p, '\0', len))
        return "NUL byte inside a string";
    *out = xstrndup((const char *)p, len);
    return NULL;
}

/* Checks everything in the len bytes of buf (which has room for one more); on success fills e
 * and takes ownership of buf (it becomes the body). Returns NULL, or why the file is refused:
 * a constant or the text put in why. */
static const char *decode(uint8_t *buf, size_t len, struct cache_entry *e, char *why,
                          size_t why_size)
{
    if (len < CACHE_MIN_FILE)
        return "truncated: shorter than an empty cache";
    if (memcmp(buf, CACHE_MAGIC, CACHE_MAGIC_LEN) != 0)
        return "not a ticker cache file (bad magic)";
    uint32_t version = get_u32(buf + CACHE_MAGIC_LEN);
    if (version < CACHE_OLDEST_VERSION || version > CACHE_FORMAT_VERSION) {
        snprintf(why, why_size, "format version %" PRIu32 ", this build reads %u to %u", version,
                 CACHE_OLDEST_VERSION, CACHE_FORMAT_VERSION);
        return why;
    }
    size_t fields_end = len - CACHE_TRAILER;
    uint64_t total = get_u64(buf + fields_end);
    if (total != len) {
        snprintf(why, why_size, "trailer says %" PRIu64 " bytes, file has %zu (torn write?)", total,
                 len);
        return why;
    }
    uint32_t stored_crc = get_u32(buf + fields_end + 8);
    uint32_t crc = crc_update(0, buf, fields_end + 8);
    if (crc != stored_crc) {
        snprintf(why, why_size, "checksum mismatch (stored %08" PRIx32 ", computed %08" PRIx32 ")",
                 stored_crc, crc);
        return why;
    }

    /* The checksum only proves the bytes are the ones written; the lengths are still checked
     * against the file, since a crafted file has a valid checksum too. */
    struct cache_reader r = {.p = buf + CACHE_MAGIC_LEN + 4,
                             .left = fields_end - CACHE_MAGIC_LEN - 4};
    const char *err;
    const uint8_t *p;
    char **strings[CACHE_STRINGS] = {&e->url, &e->etag, &e->last_modified, &e->charset,
                                     &e->signature};
    for (size_t i = 0; i < CACHE_STRINGS; i++) {
        if (version == 2 && strings[i] == &e->signature)
            *strings[i] = xstrdup("");
        else if ((err = take_string(&r, string_cap(i), strings[i])))
            return err;
    }
    if (!take(&r, 8 + 8 + 4, &p))
        return "truncated before the body";
    e->fetched_at = (int64_t)get_u64(p);
    e->sig_timestamp = (int64_t)get_u64(p + 8);
    uint32_t body_len = get_u32(p + 16);
    if (e->fetched_at < 0 || e->sig_timestamp < -1)
        return "bad fetched_at or sig_timestamp";
    if (body_len > CACHE_MAX_BODY)
        return "body over the 16 MiB cap";
    if (!take(&r, body_len, &p))
        return "body runs past the end";
    if (r.left != 0)
        return "trailing bytes after the body";

    /* Reuse the file's buffer for the body instead of holding two copies of it. */
    memmove(buf, p, body_len);
    buf[body_len] = '\0';
    e->body = xrealloc(buf, (size_t)body_len + 1);
    e->len = body_len;
    return NULL;
}

bool cache_load(const char *dir, const char *source_name, struct cache_entry *e)
{
    memset(e, 0, sizeof(*e));
    char *path = cache_path(dir, source_name);
    if (!path)
        return false;
    const char *why = NULL;
    char why_buf[96];
    uint8_t *buf = NULL;
    /* O_NONBLOCK: a FIFO planted here must not hang the worker (it is refused below). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        /* No cache yet is normal: first boot, or a source just added. */
        if (errno != ENOENT)
            log_warn("%s: cannot open cache: %s", path, strerror(errno));
        goto err_free_path;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        why = strerror(errno);
        goto err_close;
    }
    if (!S_ISREG(st.st_mode)) {
        why = "not a regular file";
        goto err_close;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > CACHE_MAX_FILE) {
        why = "larger than any valid cache";
        goto err_close;
    }
    size_t len = (size_t)st.st_size, used = 0;
    buf = xmalloc(len + 1);
    while (used < len) {
        ssize_t n = read(fd, buf + used, len - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            why = strerror(errno);
            goto err_close;
        }
        if (n == 0) {
            why = "file shrank while reading";
            goto err_close;
        }
        used += (size_t)n;
    }
    close(fd);
    why = decode(buf, len, e, why_buf, sizeof(why_buf));
    if (why)
        goto err_log;
    free(path);
    return true;

err_close:
    close(fd);
err_log:
    log_warn("%s: ignoring cache: %s", path, why);
    free(buf);
    cache_entry_finish(e);
err_free_path:
    free(path);
    return false;
}

void cache_entry_finish(struct cache_entry *e)
{
    free(e->body);
    free(e->etag);
    free(e->last_modified);
    free(e->charset);
    free(e->signature);
    free(e->url);
    memset(e, 0, sizeof(*e));
}

bool cache_remove(const char *dir, const char *source_name)
{
    char *path = cache_path(dir, source_name);
    if (!path)
        return false;
    bool ok = unlink(path) == 0 || errno == ENOENT;
    if (!ok)
        log_error("%s: cannot remove cache: %s", path, strerror(errno));
    free(path);
    remove_stale_temps(dir, source_name);
    return ok;
}
