/* A story as the sign shows it: what every feed format is normalised into. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORY_MAX_FIGURES 3
#define STORY_NO_DATE INT64_MIN

struct figure {
    char *value; /* owned; "20%", "75,000" */
    char *label; /* owned; may be "" */
};

struct story {
    char *id;          /* owned; never NULL (falls back to link, then title) */
    char *title;       /* owned; never NULL, never empty */
    char *summary;     /* owned; may be "" */
    char *link;        /* owned; may be "" */
    char *source;      /* owned; the source's name */
    int64_t published; /* Unix seconds or STORY_NO_DATE */
    int64_t starts;    /* Unix seconds or STORY_NO_DATE; not shown before */
    int64_t expires;   /* Unix seconds or STORY_NO_DATE */
    int priority;      /* lower shows first; 0 when the feed says nothing */
    size_t figure_count;
    struct figure figures[STORY_MAX_FIGURES];
    bool figures_extracted; /* the feed gave none: figures_extract found these */
    bool alert;             /* takes over the whole sign while it is shown (_ticker.alert, CAP) */
};

struct story_list {
    char *title; /* owned; the feed's title, may be "" */
    /* The feed's own lower bound on the poll interval (RSS <ttl>, in s), 0 when none. */
    int64_t poll_hint_s;
    size_t count, cap;
    struct story *items; /* owned array */
};

void story_list_init(struct story_list *list);
void story_list_finish(struct story_list *list);
/* Appends a zeroed story the caller fills (strings must end up non-NULL via story_fill_defaults).
 */
struct story *story_list_add(struct story_list *list);
/* Gives NULL fields their documented defaults. */
void story_fill_defaults(struct story *s);
void story_finish(struct story *s);
/* A deep copy of src into dst (which is overwritten). */
void story_copy(struct story *dst, const struct story *src);
/* Moves src's items to the end of dst; src is left empty. */
void story_list_append(struct story_list *dst, struct story_list *src);
/* Orders alerts first, then by priority, then newest first, stable for equal keys. */
void story_list_sort(struct story_list *list);
/* Drops stories whose expiry is at or before now. */
void story_list_drop_expired(struct story_list *list, int64_t now);
/* Drops stories whose start is after now. */
void story_list_drop_not_started(struct story_list *list, int64_t now);
/* Drops later stories that repeat an earlier one's id, link or title (case-insensitive). */
void story_list_dedup(struct story_list *list);
/* What the sign shows of a merged list: expired and not yet started stories and (max_age_s > 0)
 * those published longer ago than max_age_s dropped, sorted, duplicates removed, at most
 * max_count kept (0: all). */
void story_list_prepare(struct story_list *list, int64_t now, int64_t max_age_s, size_t max_count);

/* An alert takes over the sign: when list holds one, only its alerts stay (in their order).
 * Returns how many alerts there are (0: the list is untouched). */
size_t story_list_keep_alerts(struct story_list *list);
/* The earlier of until and the next moment after now at which s starts or expires: when what
 * the sign shows changes without a poll. */
int64_t story_next_change(const struct story *s, int64_t now, int64_t until);

/* The newest publication date in l (Unix s), 0 when no story has one. */
int64_t story_list_newest(const struct story_list *l);
