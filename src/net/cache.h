/* The last good body of each source, kept under a state directory so the sign shows content at
 * once on boot, before the network and the clock are up. One file per source, replaced
 * atomically and checksummed: after a power cut a cache is the old version, the new one, or
 * refused with a logged reason, never half of each. Worker thread only; one writer per dir. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps checked on store and on load; a file that claims more is refused before any allocation. */
#define CACHE_MAX_BODY (16u * 1024 * 1024)
#define CACHE_MAX_STRING_KIB 8
#define CACHE_MAX_STRING (CACHE_MAX_STRING_KIB * 1024u)
#define CACHE_MAX_SIGNATURE_KIB 16
#define CACHE_MAX_SIGNATURE (CACHE_MAX_SIGNATURE_KIB * 1024u)
/* Source names are [A-Za-z0-9_-]{1,CACHE_MAX_NAME}: safe as file names, with room to spare. */
#define CACHE_MAX_NAME 128u /* = CONFIG_MAX_SOURCE_NAME */

struct cache_entry {
    /* Owned: len bytes, plus a NUL after them that len does not count (the body itself may hold
     * NUL bytes). */
    char *body;
    size_t len;
    /* Owned: validators as the server sent them, "" when none. */
    char *etag;
    char *last_modified;
    /* Owned: the charset parameter of the HTTP Content-Type, "" when none: a body whose
     * encoding only HTTP named must decode the same way from the cache. */
    char *charset;
    /* Unix seconds of the last successful fetch; >= 0. */
    int64_t fetched_at;
    /* The rollback floor of a signed source (the newest accepted minisign timestamp, no later
     * than the clock when it was accepted), -1 when the source is unsigned. */
    int64_t sig_timestamp;
    /* Owned: the .minisig text that verified the body, "" when unsigned (or from a version 2
     * file): a changed key must verify the body again before it is shown. */
    char *signature;
    /* Owned: the source URL the body came from. */
    char *url;
};

/* Writes e as DIR/NAME.cache: temp file in dir, fsync, rename over, fsync of dir. Stale temp
 * files of this source from an interrupted store are removed first. e is borrowed; NULL strings
 * are stored as "". False (logged) on a bad name, a field over its cap, or an I/O error; the old
 * cache is then untouched. */
bool cache_store(const char *dir, const char *source_name, const struct cache_entry *e);
/* Reads DIR/NAME.cache into e, which is overwritten without being freed. False when the file is
 * missing (silently) or is unreadable, truncated, corrupt, of another format or version, or fails
 * its checksum (one log_warn line naming the file and why). On false e is zeroed, so
 * cache_entry_finish is safe either way. */
bool cache_load(const char *dir, const char *source_name, struct cache_entry *e);
/* Frees what e owns and zeroes it; accepts a zeroed entry. */
void cache_entry_finish(struct cache_entry *e);

/* Creates dir and its missing parents with mode 0750 (mkdir -p), then removes temp files that
 * an interrupted store left behind (*.cache.tmp.*). False (logged) if dir cannot be made. */
bool cache_dir_ensure(const char *dir);
/* Returns "DIR/NAME.cache", newly allocated (caller frees), or NULL (logged) on a bad name. */
char *cache_path(const char *dir, const char *source_name);
/* Deletes the cache of a source; true also when there was none. False (logged) otherwise. */
bool cache_remove(const char *dir, const char *source_name);
