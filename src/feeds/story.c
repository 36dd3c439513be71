#include "story.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "util.h"

void story_list_init(struct story_list *list)
{
    memset(list, 0, sizeof(*list));
    list->title = xstrdup("");
}

void story_finish(struct story *s)
{
    free(s->id);
    free(s->title);
    free(s->summary);
    free(s->link);
    free(s->source);
    for (size_t i = 0; i < s->figure_count; i++) {
        free(s->figures[i].value);
        free(s->figures[i].label);
    }
    memset(s, 0, sizeof(*s));
}

void story_copy(struct story *dst, const struct story *src)
{
    *dst = *src;
    dst->id = xstrdup(src->id);
    dst->title = xstrdup(src->title);
    dst->summary = xstrdup(src->summary);
    dst->link = xstrdup(src->link);
    dst->source = xstrdup(src->source);
    for (size_t i = 0; i < src->figure_count; i++) {
        dst->figures[i].value = xstrdup(src->figures[i].value);
        dst->figures[i].label = xstrdup(src->figures[i].label);
    }
}

void story_list_finish(struct story_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        story_finish(&list->items[i]);
    free(list->items);
    free(list->title);
    memset(list, 0, sizeof(*list));
}

struct story *story_list_add(struct story_list *list)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->items = xrealloc(list->items, list->cap * sizeof(*list->items));
    }
    struct story *s = &list->items[list->count++];
    memset(s, 0, sizeof(*s));
    s->published = STORY_NO_DATE;
    s->starts = STORY_NO_DATE;
    s->expires = STORY_NO_DATE;
    return s;
}

void story_fill_defaults(struct story *s)
{
    if (!s->title)
        s->title = xstrdup("");
    if (!s->summary)
        s->summary = xstrdup("");
    if (!s->link)
        s->link = xstrdup("");
    if (!s->source)
        s->source = xstrdup("");
    if (!s->id)
        s->id = xstrdup(s->link[0] ? s->link : s->title);
}

void story_list_append(struct story_list *dst, struct story_list *src)
{
    for (size_t i = 0; i < src->count; i++) {
        struct story *s = story_list_add(dst);
        *s = src->items[i];
    }
    src->count = 0;
}

static int compare_stories(const void *pa, const void *pb)
{
    const struct story *a = pa, *b = pb;
    if (a->alert != b->alert)
        return a->alert ? -1 : 1;
    if (a->priority != b->priority)
        return a->priority < b->priority ? -1 : 1;
    if (a->published != b->published)
        return a->published > b->published ? -1 : 1;
    return 0;
}

struct tagged {
    struct story s;
    size_t index;
};

static int compare_tagged(const void *pa, const void *pb)
{
    const struct tagged *a = pa, *b = pb;
    int c = compare_stories(&a->s, &b->s);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

void story_list_sort(struct story_list *list)
{
    /* qsort is not stable: the original index breaks ties, so equal stories keep feed order. */
    size_t n = list->count;
    if (n < 2)
        return;
    struct tagged *tmp = xmalloc(n * sizeof(*tmp));
    for (size_t i = 0; i < n; i++)
        tmp[i] = (struct tagged){list->items[i], i};
    qsort(tmp, n, sizeof(*tmp), compare_tagged);
    for (size_t i = 0; i < n; i++)
        list->items[i] = tmp[i].s;
    free(tmp);
}

/* Keeps the stories for which keep() is true, in order. */
static void filter(struct story_list *list, bool (*keep)(const struct story *s, const void *ctx),
                   const void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < list->count; i++) {
        struct story *s = &list->items[i];
        if (!keep(s, ctx)) {
            story_finish(s);
            continue;
        }
        list->items[kept++] = *s;
    }
    list->count = kept;
}

/* The keys that make two stories one: the same id, the same link, or the same title (ASCII
 * case ignored). A set of them in open addressing, so dedup is linear in the stories. */
enum story_key { KEY_ID, KEY_LINK, KEY_TITLE };

struct key_set {
    struct key_slot {
        const char *key; /* NULL: empty */
        uint64_t hash;
        enum story_key kind;
    } * slots;
    size_t mask;
};

static uint64_t key_hash(const char *key, enum story_key kind)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;
    for (const char *p = key; *p; p++) {
        unsigned char c = (unsigned char)(kind == KEY_TITLE ? ascii_to_lower(*p) : *p);
        h = (h ^ c) * 1099511628211ull;
    }
    return h;
}

/* Adds the key; true when it was there already. */
static bool key_set_add(struct key_set *set, const char *key, enum story_key kind)
{
    uint64_t h = key_hash(key, kind);
    for (size_t i = (size_t)h & set->mask;; i = (i + 1) & set->mask) {
        struct key_slot *slot = &set->slots[i];
        if (!slot->key) {
            *slot = (struct key_slot){key, h, kind};
            return false;
        }
        if (slot->hash == h && slot->kind == kind &&
            (kind == KEY_TITLE ? ascii_casecmp(slot->key, key) : strcmp(slot->key, key)) == 0)
            return true;
    }
}

void story_list_dedup(struct story_list *list)
{
    /* A story repeats an earlier one (kept or not) when any of its keys was seen before. Decide
     * first, then drop: the set points into the stories. */
    size_t n = list->count, cap = 16;
    while (cap < 6 * n) /* three keys a story at most; the table stays half empty */
        cap *= 2;
    struct key_set set = {xcalloc(cap, sizeof(*set.slots)), cap - 1};
    bool *dup = xcalloc(n ? n : 1, sizeof(bool));
    for (size_t i = 0; i < n; i++) {
        const struct story *s = &list->items[i];
        dup[i] = key_set_add(&set, s->id, KEY_ID);
        if (s->link[0])
            dup[i] |= key_set_add(&set, s->link, KEY_LINK);
        dup[i] |= key_set_add(&set, s->title, KEY_TITLE);
    }
    free(set.slots);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (dup[i]) {
            story_finish(&list->items[i]);
            continue;
        }
        list->items[kept++] = list->items[i];
    }
    list->count = kept;
    free(dup);
}

static bool not_expired(const struct story *s, const void *ctx)
{
    return s->expires == STORY_NO_DATE || s->expires > *(const int64_t *)ctx;
}

void story_list_drop_expired(struct story_list *list, int64_t now)
{
    filter(list, not_expired, &now);
}

static bool started(const struct story *s, const void *ctx)
{
    return s->starts == STORY_NO_DATE || s->starts <= *(const int64_t *)ctx;
}

void story_list_drop_not_started(struct story_list *list, int64_t now)
{
    filter(list, started, &now);
}

struct age_limit {
    int64_t now, max_age_s;
};

static bool young_enough(const struct story *s, const void *ctx)
{
    const struct age_limit *a = ctx;
    return a->max_age_s <= 0 || s->published == STORY_NO_DATE ||
           s->published >= a->now - a->max_age_s;
}

void story_list_prepare(struct story_list *list, int64_t now, int64_t max_age_s, size_t max_count)
{
    story_list_drop_expired(list, now);
    story_list_drop_not_started(list, now);
    struct age_limit a = {now, max_age_s};
    filter(list, young_enough, &a);
    story_list_sort(list);
    story_list_dedup(list);
    while (max_count > 0 && list->count > max_count)
        story_finish(&list->items[--list->count]);
}

static bool is_alert(const struct story *s, const void *ctx)
{
    (void)ctx;
    return s->alert;
}

size_t story_list_keep_alerts(struct story_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].alert) {
            filter(list, is_alert, NULL);
            return list->count;
        }
    return 0;
}

int64_t story_next_change(const struct story *s, int64_t now, int64_t until)
{
    if (s->starts != STORY_NO_DATE && s->starts > now && s->starts < until)
        until = s->starts;
    if (s->expires != STORY_NO_DATE && s->expires > now && s->expires < until)
        until = s->expires;
    return until;
}

int64_t story_list_newest(const struct story_list *l)
{
    int64_t t = 0;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].published != STORY_NO_DATE && l->items[i].published > t)
            t = l->items[i].published;
    return t;
}
