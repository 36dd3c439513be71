/* The sign's settings, read from one INI-style file and its drop-ins (FILE.d/NAME.conf). One table
 * of keys in config.c gives the parser, the defaults, the range checks and the documented example
 * file, so they cannot disagree. Pure C: no SDL, so tests drive it with strings. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "schedule.h"

#define CONFIG_MAX_LINE 4096               /* bytes, without the line ending */
#define CONFIG_MAX_FILE_BYTES (256 * 1024) /* a larger file is rejected */
/* [source NAME] sections: at most this many, names at most this long (a cache file's name). */
#define CONFIG_MAX_SOURCES 64
#define CONFIG_MAX_SOURCE_NAME 128

enum config_clock { CONFIG_CLOCK_24H, CONFIG_CLOCK_12H, CONFIG_CLOCK_OFF };
enum config_crawl_direction { CONFIG_CRAWL_AUTO, CONFIG_CRAWL_LEFT, CONFIG_CRAWL_RIGHT };

/* Colours as 0xRRGGBB. */
struct config_theme {
    uint32_t background, surface, foreground, muted, accent, band_background, band_foreground;
    uint32_t alert_background, alert_foreground; /* an alert's card and crawl band */
    int text_scale;                              /* percent of the usual type sizes */
};

/* The built-in theme, the key defaults: needs no file. */
#define CONFIG_DEFAULT_THEME "default"

/* One [source NAME] section. Every string is owned by the struct config holding the source. */
struct config_source {
    char *name;        /* [A-Za-z0-9_-]+, unique within the config */
    char *url;         /* a path or an http(s):// URL; never NULL in a loaded config */
    int refresh_s;     /* seconds between polls */
    char *public_key;  /* minisign public key (base64); "" = unsigned feeds accepted */
    char *exclude;     /* terms that keep a story off the sign (filter.h); "" = none */
    int max_age_hours; /* this source's stories published longer ago leave; 0 = no limit */
};

/* Every char * below is owned by the struct, never NULL once initialised; "" means unset where
 * the key's documentation gives a meaning to empty. */
struct config {
    char *title; /* "" = use the feed's title */
    int card_seconds;
    int transition_ms;
    int crawl_speed; /* px/s on a 1080-line screen */
    enum config_crawl_direction crawl_direction;
    char *font;
    char *font_bold;
    enum config_clock clock;
    char *fallback_message;
    int max_age_hours; /* 0 = no limit */
    int offline_after_minutes;
    int max_stories;
    int window_w, window_h; /* 0,0 = fullscreen */
    int mode[3];            /* width, height, Hz; 0 = the display's own */
    int rotate;             /* quarter turns clockwise, 0..3 */
    int overscan[4];        /* margins in px: top, right, bottom, left (as viewers see it) */
    int refresh_hz;         /* 0 = measure */
    bool vsync;
    char *logo; /* PNG path; "" = none */
    /* [theme] as in effect: the named theme's values under the keys the files wrote. */
    char *theme_name;
    struct config_theme theme;
    uint32_t theme_written; /* bit i: the i-th [theme] key after name was written in a file */
    char *theme_dir;        /* themes/ beside the config file, searched first; "" = none */
    /* [schedule], as written; schedule_parse reads them (validated when loaded). */
    char *schedule_on, *schedule_off_dates, *timezone;
    char *status_file;       /* "" = $RUNTIME_DIRECTORY/status.json, else /run/ticker/status.json */
    char *metrics_file;      /* "" = none */
    char *ca_file, *ca_path; /* "" = the system's trust store */
    /* [remote]: signed settings polled like a feed; url "" = none. */
    char *remote_url, *remote_public_key;
    int remote_refresh_s;
    struct config_source *sources; /* owned array, in file order */
    size_t source_count;
};

/* Fills cfg with the defaults (no sources). */
void config_init(struct config *cfg);
/* Frees everything cfg owns and zeroes it; safe on an initialised or already finished struct. */
void config_finish(struct config *cfg);
/* A deep copy: dst owns its own strings. */
void config_copy(struct config *dst, const struct config *src);
/* The sign's configuration: defaults, then path and its drop-ins when given (config_load; errors
 * are logged), then the command line's feeds, then the built-in default feed when there is no
 * source at all. On failure cfg holds the defaults (config_finish it either way). */
bool config_read(struct config *cfg, const char *path, const char *const *feeds, size_t n);
/* The built-in default feed. */
const char *config_default_feed(void);

/* Reads the file at path, then its drop-ins: every regular file PATH.d/NAME.conf (NAME not
 * starting with '.'), in byte order of name; each file at most CONFIG_MAX_FILE_BYTES. A later
 * file's keys override an earlier one's; a [source NAME] named again in a later file gets its
 * keys set again; within one file a key or source may be given once. No PATH.d: only the file.
 * cfg must be initialised. On success cfg's old contents are freed and it holds the defaults
 * plus the files' settings, so a key removed from them goes back to its default on reload. On
 * failure every problem in any of the files has been logged as "FILE:LINE: message" (or
 * "FILE: reason" when unreadable), FILE naming the file it is in, and cfg is untouched. */
bool config_load(struct config *cfg, const char *path);

/* The files a config was read from, in the order read: the file, then its drop-ins. */
struct config_files {
    char **paths; /* owned, as is each path */
    size_t count;
};
/* config_load, also saying which files it read: on success files (zeroed, or an earlier list,
 * which is freed) gets them; on failure it is left alone. */
bool config_load_files(struct config *cfg, const char *path, struct config_files *files);
/* config_load_files as `ticker check-config` does it: also checks what the sign can run
 * without and only logs at run time (the logo: missing, unreadable, not a PNG, too large),
 * reported as an error at the key's FILE:LINE. */
bool config_check(struct config *cfg, const char *path, struct config_files *files);
/* Frees the list and zeroes it; safe on a zeroed one. */
void config_files_finish(struct config_files *files);
/* Same as config_load, from len bytes of text (need not be NUL-terminated); name stands for
 * the file in messages. */
bool config_parse(struct config *cfg, const char *name, const char *text, size_t len);

/* The sections and keys a remote settings file may set: [sign], [theme], [schedule] but its
 * timezone (the sign's own place), and [source NAME] sections, which then replace the sign's
 * sources. Never [display], [status], [network] or [remote]. */
#define CONFIG_REMOTE_SECTIONS "[sign], [theme], [schedule] and [source NAME]"
/* Applies a remote settings file (text, len bytes; name stands for it in messages) over cfg.
 * Refused when it sets what a remote file may not, has any error, or would lower security: when
 * cfg has a signed source, every source it names must have a public_key. On failure false, the
 * first problem in err as "NAME:LINE: message" (nothing logged), cfg untouched. */
bool config_apply_remote(struct config *cfg, const char *name, const char *text, size_t len,
                         struct error *err);
/* The same checks without a config to apply to: require_signed stands for a config with a
 * signed source. */
bool config_check_remote(const char *name, const char *text, size_t len, bool require_signed,
                         struct error *err);

/* Appends a source for --feed SRC, named "cli1", "cli2"... (the first such name not taken),
 * with the default refresh and no public key. url is copied. */
void config_add_source(struct config *cfg, const char *url);

/* "WxH" (or "WXH") with each side 1..16384 -> *w, *h. Used by --window and --size too; the
 * narrower range of [display] window is checked separately. Outputs untouched on failure. */
bool config_parse_size(const char *s, int *w, int *h);
/* "T [R [B [L]]]" margins in pixels, each 0..max, missing ones as in CSS -> out. Output
 * untouched on failure. */
bool config_parse_margins(const char *s, int out[4], int max);
/* "auto" -> 0,0,0; "WxH" -> w,h,0; "WxH@HZ" -> w,h,hz. Output untouched on failure. */
bool config_parse_mode(const char *s, int out[3]);
/* "#rrggbb", either case -> 0xRRGGBB. Output untouched on failure. */
bool config_parse_color(const char *s, uint32_t *rgb);

/* The [schedule] of a loaded config (its keys were checked when it was read). */
void config_schedule(const struct config *cfg, struct schedule *out);

/* Prints a complete config file in which every key is commented out, preceded by its
 * documentation, type, range and default; assets/ticker.conf is this output. */
void config_write_documented(FILE *out);
