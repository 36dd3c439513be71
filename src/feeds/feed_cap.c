#include "feed_cap.h"

#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "date.h"
#include "feed.h"
#include "normalize.h"
#include "unicode.h"
#include "util.h"

/* Less of a description than this is not worth showing before an instruction. */
#define DESCRIPTION_MIN_CHARS 60
/* An area in a headline ("Winter Storm Warning: Southern Cook") is cut to this many code
 * points: a long list of zones reads in the summary. */
#define AREA_MAX_CHARS 60

static const struct {
    const char *local;
    enum cap_field field;
} cap_elements[] = {
    {"identifier", CAP_IDENTIFIER},
    {"sent", CAP_SENT},
    {"status", CAP_STATUS},
    {"msgType", CAP_MSG_TYPE},
    /* MeteoAlarm's Atom index spells it so. */
    {"message_type", CAP_MSG_TYPE},
    {"language", CAP_LANGUAGE},
    {"event", CAP_EVENT},
    {"headline", CAP_HEADLINE},
    {"description", CAP_DESCRIPTION},
    {"instruction", CAP_INSTRUCTION},
    {"web", CAP_WEB},
    {"effective", CAP_EFFECTIVE},
    {"expires", CAP_EXPIRES},
    {"severity", CAP_SEVERITY},
    {"urgency", CAP_URGENCY},
    {"areaDesc", CAP_AREA_DESC},
};

/* CAP 1.2 3.2.2: an <info> without <language> is in en-US. */
static const char default_language[] = "en-US";

bool cap_field_of(const char *local, enum cap_field *field)
{
    for (size_t i = 0; i < ARRAY_LEN(cap_elements); i++) {
        if (strcmp(cap_elements[i].local, local) == 0) {
            *field = cap_elements[i].field;
            return true;
        }
    }
    return false;
}

size_t cap_field_max(enum cap_field field)
{
    return field == CAP_DESCRIPTION || field == CAP_INSTRUCTION ? FEED_MAX_SUMMARY_BYTES
                                                                : FEED_MAX_TITLE_BYTES;
}

void cap_fields_offer(struct cap_fields *f, enum cap_field field, char *text)
{
    if (!text)
        return;
    if (f->text[field] || !text[0]) {
        free(text);
        return;
    }
    f->text[field] = text;
}

bool cap_fields_any(const struct cap_fields *f)
{
    for (int i = 0; i < CAP_FIELD_COUNT; i++)
        if (f->text[i])
            return true;
    return false;
}

void cap_fields_finish(struct cap_fields *f)
{
    for (int i = 0; i < CAP_FIELD_COUNT; i++) {
        free(f->text[i]);
        f->text[i] = NULL;
    }
}

void cap_alert_finish(struct cap_alert *a)
{
    cap_fields_finish(&a->msg);
    free(a->language);
    a->language = NULL;
    a->infos = 0;
}

/* The code lists are case-sensitive in the spec; producers that capitalise otherwise still mean
 * the same thing. */
static bool is(const char *value, const char *code)
{
    return value && ascii_casecmp(value, code) == 0;
}

bool cap_message_shown(const struct cap_fields *msg, bool required)
{
    const char *status = msg->text[CAP_STATUS], *type = msg->text[CAP_MSG_TYPE];
    if (required && (!status || !type))
        return false;
    return (!status || is(status, "Actual")) && (!type || is(type, "Alert") || is(type, "Update"));
}

bool cap_takes_over(const struct cap_fields *info)
{
    const char *severity = info->text[CAP_SEVERITY];
    return (is(severity, "Extreme") || is(severity, "Severe")) &&
           !is(info->text[CAP_URGENCY], "Past");
}

static int64_t field_date(const struct cap_fields *f, enum cap_field field)
{
    int64_t t;
    return f->text[field] && date_parse_any(f->text[field], &t) ? t : STORY_NO_DATE;
}

/* The when of a story from CAP fields. A block shows from <effective>, the time its information
 * takes effect, not from <onset>, when the hazard is expected: a warning is for before. */
static void apply_times(struct story *s, const struct cap_fields *f)
{
    s->alert = cap_takes_over(f);
    s->starts = field_date(f, CAP_EFFECTIVE);
    s->expires = field_date(f, CAP_EXPIRES);
}

static char *take(struct cap_fields *f, enum cap_field field)
{
    char *text = f->text[field];
    f->text[field] = NULL;
    return text;
}

static size_t code_points(const char *s)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len; i += unicode_utf8_len(s + i, len - i))
        n++;
    return n;
}

/* The description, then the instruction. feed_story_finish cuts a summary to
 * FEED_SUMMARY_CHARS, and an NWS description alone runs to a thousand: the description is cut
 * first so that what people are to do stays on the sign, and left out when the instruction
 * leaves it no useful room (the headline says what happens). Takes both. */
static char *join_summary(char *description, char *instruction)
{
    if (!description || !instruction)
        return description ? description : instruction;
    size_t room = FEED_SUMMARY_CHARS - MIN(code_points(instruction) + 1, FEED_SUMMARY_CHARS);
    char *summary = instruction;
    if (room >= DESCRIPTION_MIN_CHARS) {
        char *cut = normalize_cut(description, room);
        summary = xasprintf("%s %s", cut, instruction);
        free(cut);
        free(instruction);
    }
    free(description);
    return summary;
}

/* The story of one shown <info> block; index counts the document's blocks from 1. */
static void add_info_story(const struct cap_alert *a, struct cap_fields *info, int index,
                           const char *name, struct story_list *out)
{
    char *title = take(info, CAP_HEADLINE);
    if (!title)
        title = take(info, CAP_EVENT);
    char *summary = join_summary(take(info, CAP_DESCRIPTION), take(info, CAP_INSTRUCTION));
    if (!title && !summary)
        return;
    struct story *s = story_list_add(out);
    s->title = title;
    s->summary = summary;
    s->link = take(info, CAP_WEB);
    const char *identifier = a->msg.text[CAP_IDENTIFIER];
    if (identifier)
        s->id = index == 1 ? xstrdup(identifier) : xasprintf("%s#%d", identifier, index);
    s->published = field_date(&a->msg, CAP_SENT);
    apply_times(s, info);
    feed_story_finish(s, name);
}

void cap_info_end(struct cap_alert *a, struct cap_fields *info, const char *name,
                  struct story_list *out)
{
    int index = ++a->infos;
    const char *language = info->text[CAP_LANGUAGE] ? info->text[CAP_LANGUAGE] : default_language;
    if (index == 1)
        a->language = xstrdup(language);
    /* The sign has no locale: the first block's language is the alert's, and blocks in other
     * languages are its translations. */
    if (cap_message_shown(&a->msg, true) && ascii_casecmp(language, a->language) == 0)
        add_info_story(a, info, index, name, out);
    cap_fields_finish(info);
}

void cap_entry_apply(struct story *s, const struct cap_fields *entry)
{
    const char *event = entry->text[CAP_EVENT], *area = entry->text[CAP_AREA_DESC];
    size_t n = event ? strlen(event) : 0;
    if (n && s->title && ascii_ncasecmp(s->title, event, n) == 0 && s->title[n] == ' ') {
        char *cut = area ? normalize_cut(area, AREA_MAX_CHARS) : NULL;
        free(s->title);
        s->title = cut ? xasprintf("%s: %s", event, cut) : xstrdup(event);
        free(cut);
    }
    apply_times(s, entry);
    if (s->published == STORY_NO_DATE)
        s->published = field_date(entry, CAP_SENT);
}
