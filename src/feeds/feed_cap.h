/* Common Alerting Protocol (OASIS CAP 1.2, and 1.1 which has the same elements) as stories:
 * which messages the sign shows, which take it over, and how an <info> block reads as a story.
 * The XML is read by feed_xml.c, so CAP gets the same hardened expat parse as RSS and Atom; this
 * is the mapping alone, pure. The table is in docs/feed-format.md. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "story.h"

/* The CAP elements the sign reads; every other one (area, resource, parameter...) is skipped. */
enum cap_field {
    /* of the message: children of <alert> */
    CAP_IDENTIFIER,
    CAP_SENT,
    CAP_STATUS,
    CAP_MSG_TYPE,
    /* of one <info> block */
    CAP_LANGUAGE,
    CAP_EVENT,
    CAP_HEADLINE,
    CAP_DESCRIPTION,
    CAP_INSTRUCTION,
    CAP_WEB,
    CAP_EFFECTIVE,
    CAP_EXPIRES,
    CAP_SEVERITY,
    CAP_URGENCY,
    CAP_AREA_DESC,
    CAP_FIELD_COUNT,
};

struct cap_fields {
    char *text[CAP_FIELD_COUNT]; /* owned clean text, NULL when absent or empty */
};

/* One <alert> document while it is read. Zero it to start; cap_alert_finish frees it. */
struct cap_alert {
    struct cap_fields msg;
    char *language; /* owned; of the first <info> block, NULL before it */
    int infos;      /* <info> blocks ended so far */
};

/* The field a CAP element of this local name fills; false for one the sign does not read. */
bool cap_field_of(const char *local, enum cap_field *field);
/* How many bytes of clean text the field keeps. */
size_t cap_field_max(enum cap_field field);
/* Keeps text (owned; NULL is ignored) unless the field has some already: the first one counts.
 */
void cap_fields_offer(struct cap_fields *f, enum cap_field field, char *text);
bool cap_fields_any(const struct cap_fields *f);
void cap_fields_finish(struct cap_fields *f);
void cap_alert_finish(struct cap_alert *a);

/* Is a message of this <status> and <msgType> shown at all? Real alerts and their updates are;
 * exercises, tests, system messages, drafts, cancels, acks and errors are not. With required
 * (a CAP document, where the spec requires both) a missing one keeps the message off too; an
 * Atom entry's cap: elements are an index, and only what they say counts. */
bool cap_message_shown(const struct cap_fields *msg, bool required);

/* Does a shown <info> block take over the sign? Only a Severe or Extreme one that is not Past. */
bool cap_takes_over(const struct cap_fields *info);

/* An <info> block of a CAP document has ended: appends its story to out when the sign shows it
 * (its message is shown, and it is in the language of the document's first <info>). Takes the
 * text out of info. name becomes the story's source. */
void cap_info_end(struct cap_alert *a, struct cap_fields *info, const char *name,
                  struct story_list *out);

/* An Atom entry carrying cap: elements (the NWS and MeteoAlarm indexes), read as an Atom story s
 * that is not finished yet: sets its alert flag, starts and expires, and its date when the entry
 * gave none. A title that is the event and more ("Winter Storm Warning issued December 6 at
 * 3:12AM CST until … by NWS Duluth MN") becomes the event and its area ("Winter Storm Warning:
 * Southern Cook"): the rest is in the summary, and a headline must be read from afar. */
void cap_entry_apply(struct story *s, const struct cap_fields *entry);
