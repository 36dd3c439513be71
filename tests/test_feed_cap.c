/* Common Alerting Protocol documents (tests/data/cap/) and Atom entries carrying cap: elements:
 * which messages show, which take the sign over, how an <info> block maps to a story, and the
 * hostile documents the XML hardening must still refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "date.h"
#include "feed.h"
#include "feed_cap.h"
#include "util.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* feed_parse over data, as the sign reads a source: the format told apart by content. */
static bool parse(const char *data, size_t len, const char *name, struct story_list *out,
                  struct error *err)
{
    story_list_init(out);
    error_clear(err);
    return feed_parse(data, len, name, NULL, out, err);
}

static bool parse_file(const char *file, struct story_list *out, struct error *err)
{
    char *path = xasprintf("%s/cap/%s", TICKER_TEST_DATA, file);
    size_t len;
    char *data = test_read_file(path, FEED_MAX_BYTES, &len);
    free(path);
    bool ok = parse(data, len, file, out, err);
    free(data);
    return ok;
}

/* A date as RFC 3339, "" for none: one comparison covers both. */
static const char *when(int64_t t, char buf[32])
{
    buf[0] = '\0';
    if (t != STORY_NO_DATE)
        date_format_rfc3339(t, buf, 32);
    return buf;
}

static void expect_str(const char *where, const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("%s: %s is \"%s\", expected \"%s\"", where, what, got, want);
}

/* The first story of each fixture; "" for a date means none. */
struct cap_case {
    const char *file;
    size_t count;
    const char *title, *summary, *link, *id, *published, *starts, *expires;
    bool alert;
};

static const struct cap_case cases[] = {
    {"actual-alert.xml", 1, "Homeland Security Sets Code ORANGE",
     "The Department of Homeland Security has elevated the Homeland Security Advisory System "
     "threat level to ORANGE / High in response to intelligence which may indicate a heightened "
     "threat of terrorism. A preliminary Advisory; read the full text on the department's web "
     "site.",
     "http://www.dhs.gov/dhspublic/display?theme=29", "43b080713727", "2003-04-02T19:39:01Z", "",
     "", true},
    /* cap: prefix; effective is when it starts; the description is cut for the instruction. */
    {"thunderstorm.xml", 1, "SEVERE THUNDERSTORM WARNING",
     "AT 254 PM PDT...NATIONAL WEATHER SERVICE DOPPLER RADAR INDICATED A SEVERE THUNDERSTORM "
     "OVER SOUTH CENTRAL ALPINE COUNTY...OR ABOUT 18 MILES SOUTHEAST OF KIRKWOOD... MOVING "
     "SOUTHWEST AT 5 MPH. TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.",
     "", "KSTO1055887203", "2003-06-17T21:57:00Z", "2003-06-17T21:57:00Z", "2003-06-17T23:00:00Z",
     true},
    /* An Update is shown; Minor (and Past) does not take the sign over. */
    {"update-minor.xml", 1, "EQ 3.4 Imperial County CA",
     "A minor earthquake measuring 3.4 on the Richter scale occurred near Brawley, California at "
     "8:30 PM Pacific Daylight Time on Wednesday, June 11, 2003. (This event has now been "
     "reviewed by a seismologist)",
     "http://www.trinet.org/scsn/scsn.html", "TRI13970876.2", "2003-06-12T03:56:00Z", "", "",
     false},
    {"cancel.xml", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false},
    {"test-status.xml", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false},
    /* English first, so the Spanish translation is left out. */
    {"multi-language.xml", 1, "Amber Alert in Los Angeles County",
     "DATE/TIME: 06/11/03, 1915 HRS. VICTIM(S): A BOY, 3 YEARS OLD, 3'0\", 40 LBS, WEARING RED "
     "SHORTS AND A WHITE T-SHIRT WITH A BLUE COLLAR. VEHICLE: 81' BUICK 2-DR, BLUE (4XXX000).",
     "", "KAR0-0306112239-SW", "2003-06-12T05:39:00Z", "", "", true},
    /* No headline: the event. "-00:00" is UTC (CAP's way of writing it). */
    {"no-headline.xml", 2, "Water supply interruption",
     "Mains repairs on Station Road: no water from 10:00 to 14:00. Fill kettles and bottles "
     "before 10:00.",
     "", "2.49.0.1.826.0.2026.12.6.1", "2026-12-06T08:15:00Z", "", "", false},
    {"bad-dates.xml", 1, "Chemical leak in hall 3: stay indoors", "Keep windows and doors shut.",
     "", "bad-dates-1", "", "", "", true},
};

static void check_case(const struct cap_case *c)
{
    struct story_list list;
    struct error err;
    if (!parse_file(c->file, &list, &err))
        fail_msg("%s: %s", c->file, err.msg);
    if (list.count != c->count)
        fail_msg("%s: %zu stories, expected %zu", c->file, list.count, c->count);
    if (c->count > 0) {
        const struct story *s = &list.items[0];
        char buf[32];
        expect_str(c->file, "title", s->title, c->title);
        expect_str(c->file, "summary", s->summary, c->summary);
        expect_str(c->file, "link", s->link, c->link);
        expect_str(c->file, "id", s->id, c->id);
        expect_str(c->file, "source", s->source, c->file);
        expect_str(c->file, "published", when(s->published, buf), c->published);
        expect_str(c->file, "starts", when(s->starts, buf), c->starts);
        expect_str(c->file, "expires", when(s->expires, buf), c->expires);
        if (s->alert != c->alert)
            fail_msg("%s: alert is %d, expected %d", c->file, s->alert, c->alert);
    }
    story_list_finish(&list);
}

static void test_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        check_case(&cases[i]);
}

/* The XML hardening holds for CAP: refused with the position, fast, what came before kept. */
static void test_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *file, *kept_title, *err;
    } rows[] = {
        {"billion-laughs.xml", NULL,
         "billion-laughs.xml:3:16: entity declarations are not allowed in feeds"},
        {"deep-nesting.xml", "Fire alarm in building B: leave by the nearest exit",
         "deep-nesting.xml:15:194: elements nested deeper than 64"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct story_list list;
        struct error err;
        int64_t start = util_now_ns();
        assert_false(parse_file(rows[i].file, &list, &err));
        int64_t elapsed_ms = (util_now_ns() - start) / 1000000;
        expect_str(rows[i].file, "error", err.msg, rows[i].err);
        assert_int_equal(list.count, rows[i].kept_title ? 1 : 0);
        if (rows[i].kept_title) {
            expect_str(rows[i].file, "kept", list.items[0].title, rows[i].kept_title);
            assert_true(list.items[0].alert);
        }
        if (elapsed_ms > 100)
            fail_msg("%s took %lld ms", rows[i].file, (long long)elapsed_ms);
        story_list_finish(&list);
    }
}

/* A CAP 1.2 document: the message's extra elements (status, msgType...) then its blocks. */
static char *cap_doc(const char *message, const char *infos)
{
    return xasprintf("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">"
                     "<identifier>id-1</identifier><sent>2026-12-06T10:00:00+01:00</sent>%s%s"
                     "</alert>",
                     message, infos);
}

/* How many stories a document gives, and whether the first takes the sign over. */
static size_t count_stories(const char *doc, bool *alert)
{
    struct story_list list;
    struct error err;
    if (!parse(doc, strlen(doc), "mem.xml", &list, &err))
        fail_msg("%s: %s", doc, err.msg);
    size_t n = list.count;
    *alert = n > 0 && list.items[0].alert;
    story_list_finish(&list);
    return n;
}

/* Which messages show, and which of their blocks take the sign over. */
static void test_status_type_and_severity(void **state)
{
    (void)state;
    static const char real[] = "<status>Actual</status><msgType>Alert</msgType>";
    static const char severe[] = "<severity>Severe</severity>";
    static const struct {
        const char *message, *info;
        size_t stories;
        bool alert;
    } rows[] = {
        {real, severe, 1, true},
        {"<status>Actual</status><msgType>Update</msgType>", severe, 1, true},
        {"<status> actual </status><msgType>ALERT</msgType>", severe, 1, true}, /* leniently */
        {"<status>Actual</status><msgType>Cancel</msgType>", severe, 0, false},
        {"<status>Actual</status><msgType>Ack</msgType>", severe, 0, false},
        {"<status>Actual</status><msgType>Error</msgType>", severe, 0, false},
        {"<status>Exercise</status><msgType>Alert</msgType>", severe, 0, false},
        {"<status>System</status><msgType>Alert</msgType>", severe, 0, false},
        {"<status>Test</status><msgType>Alert</msgType>", severe, 0, false},
        {"<status>Draft</status><msgType>Alert</msgType>", severe, 0, false},
        {"<status>Test</status><msgType>Update</msgType>", severe, 0, false},
        /* The spec requires both: a document that does not say is not shown as real. */
        {"<msgType>Alert</msgType>", severe, 0, false},
        {"<status>Actual</status>", severe, 0, false},
        {"<status></status><msgType>Alert</msgType>", severe, 0, false},
        {real, "<severity>Extreme</severity><urgency>Immediate</urgency>", 1, true},
        {real, "<severity>Severe</severity><urgency>Expected</urgency>", 1, true},
        {real, "<severity>severe</severity>", 1, true},
        /* A possible, minimal or unknown threat is an ordinary story. */
        {real, "<severity>Moderate</severity><urgency>Immediate</urgency>", 1, false},
        {real, "<severity>Minor</severity><urgency>Immediate</urgency>", 1, false},
        {real, "<severity>Unknown</severity><urgency>Immediate</urgency>", 1, false},
        {real, "", 1, false},
        /* Responsive action is no longer required. */
        {real, "<severity>Extreme</severity><urgency>Past</urgency>", 1, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *info = xasprintf("<info><event>Flood</event>%s</info>", rows[i].info);
        char *doc = cap_doc(rows[i].message, info);
        bool alert;
        size_t n = count_stories(doc, &alert);
        if (n != rows[i].stories || alert != rows[i].alert)
            fail_msg("%s %s: %zu stories, alert %d; expected %zu, %d", rows[i].message,
                     rows[i].info, n, alert, rows[i].stories, rows[i].alert);
        free(doc);
        free(info);
    }
}

/* Description, then instruction; the description gives way when the two are too long. */
static void test_summary(void **state)
{
    (void)state;
    char long_text[1200], long_instruction[321];
    for (size_t i = 0; i < sizeof(long_text) - 1; i++)
        long_text[i] = i % 10 == 9 ? ' ' : 'w';
    long_text[sizeof(long_text) - 1] = '\0';
    for (size_t i = 0; i < sizeof(long_instruction) - 1; i++)
        long_instruction[i] = i % 10 == 9 ? ' ' : 'i';
    long_instruction[sizeof(long_instruction) - 1] = '\0';
    static const char go[] = "Go to the upper floors now.";
    const struct {
        const char *description, *instruction;
        const char *prefix, *suffix;
        size_t max_chars;
    } rows[] = {
        {"River above flood stage.", NULL, "River above flood stage.", "", 24},
        {NULL, "Go to the upper floors now.", "Go to", "upper floors now.", 27},
        {"River above flood stage.", "Go to the upper floors now.",
         "River above flood stage. Go to", "upper floors now.", 52},
        /* A long description is cut before the instruction... */
        {long_text, go, "wwwwwwwww wwwwwwwww", "w" ELLIPSIS " Go to the upper floors now.",
         FEED_SUMMARY_CHARS},
        /* ...and left out when the instruction leaves it too little room. */
        {long_text, long_instruction, "iiiiiiiii iiii", ELLIPSIS, FEED_SUMMARY_CHARS},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *d = rows[i].description
                      ? xasprintf("<description>%s</description>", rows[i].description)
                      : xstrdup("");
        char *in = rows[i].instruction
                       ? xasprintf("<instruction>%s</instruction>", rows[i].instruction)
                       : xstrdup("");
        char *info = xasprintf("<info><headline>Flood</headline>%s%s</info>", d, in);
        char *doc = cap_doc("<status>Actual</status><msgType>Alert</msgType>", info);
        struct story_list list;
        struct error err;
        assert_true(parse(doc, strlen(doc), "mem.xml", &list, &err));
        assert_int_equal(list.count, 1);
        const char *sum = list.items[0].summary;
        size_t n = strlen(sum), tail = strlen(rows[i].suffix), chars = 0;
        for (size_t k = 0; k < n; k++)
            chars += ((unsigned char)sum[k] & 0xC0) != 0x80;
        if (strncmp(sum, rows[i].prefix, strlen(rows[i].prefix)) != 0 || n < tail ||
            strcmp(sum + n - tail, rows[i].suffix) != 0 || chars > rows[i].max_chars)
            fail_msg("row %zu: summary \"%s\" (%zu characters)", i, sum, chars);
        story_list_finish(&list);
        free(doc);
        free(info);
        free(in);
        free(d);
    }
}

/* The first block's language is the alert's; more blocks in it are more stories. */
static void test_languages(void **state)
{
    (void)state;
    static const struct {
        const char *infos;
        const char *titles[3];
        const char *ids[3];
    } rows[] = {
        {"<info><language>fr-CA</language><headline>Alerte</headline></info>"
         "<info><language>en-CA</language><headline>Alert</headline></info>",
         {"Alerte"},
         {"id-1"}},
        {"<info><language>en-US</language><headline>Flood</headline></info>"
         "<info><language>fr-CA</language><headline>Inondation</headline></info>"
         "<info><language>EN-us</language><headline>Landslide</headline></info>",
         {"Flood", "Landslide"},
         {"id-1", "id-1#3"}},
        /* No <language> is en-US, in the first block as in the rest. */
        {"<info><headline>Heat</headline></info>"
         "<info><language>en-US</language><headline>Smoke</headline></info>"
         "<info><language>es-US</language><headline>Calor</headline></info>",
         {"Heat", "Smoke"},
         {"id-1", "id-1#2"}},
        /* A block with nothing to show is skipped but still counts. */
        {"<info><language>de-DE</language><category>Met</category></info>"
         "<info><language>de-DE</language><event>Sturmflut</event></info>",
         {"Sturmflut"},
         {"id-1#2"}},
    };
    for (size_t r = 0; r < ARRAY_LEN(rows); r++) {
        char *doc = cap_doc("<status>Actual</status><msgType>Alert</msgType>", rows[r].infos);
        struct story_list list;
        struct error err;
        assert_true(parse(doc, strlen(doc), "mem.xml", &list, &err));
        size_t want = 0;
        while (want < 3 && rows[r].titles[want])
            want++;
        if (list.count != want)
            fail_msg("row %zu: %zu stories, expected %zu", r, list.count, want);
        for (size_t i = 0; i < want; i++) {
            expect_str(rows[r].infos, "title", list.items[i].title, rows[r].titles[i]);
            expect_str(rows[r].infos, "id", list.items[i].id, rows[r].ids[i]);
        }
        story_list_finish(&list);
        free(doc);
    }
}

/* An Atom index of alerts: the cap: elements keep tests and cancels off and pick the alerts. */
static void test_atom_with_cap(void **state)
{
    (void)state;
    static const struct {
        const char *title;
        bool alert;
        const char *starts, *expires;
    } rows[] = {
        /* NWS titles ("Winter Storm Warning issued December 6 at 3:12AM CST until December 7
         * at 6:00PM CST by NWS Duluth MN"): the event and its area. */
        {"Winter Storm Warning: Southern Cook", true, "2026-12-06T09:12:00Z",
         "2026-12-08T00:00:00Z"},
        {"Wind Advisory: Southern Cook; Northern Cook; North Shore of Lake Superior…", false,
         "2026-12-06T09:12:00Z", "2026-12-07T00:00:00Z"},
        /* MeteoAlarm's message_type; onset alone does not delay it. */
        {"Red Wind Warning issued for Germany - Kreis Ploen", true, "", "2026-12-06T23:00:00Z"},
    };
    struct story_list list;
    struct error err;
    assert_true(parse_file("nws-atom.xml", &list, &err));
    assert_int_equal(list.count, ARRAY_LEN(rows));
    expect_str("nws-atom.xml", "feed title", list.title,
               "Current watches, warnings, and advisories for Southern Cook (MNZ037) MN");
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        const struct story *s = &list.items[i];
        char buf[32];
        expect_str("nws-atom.xml", "title", s->title, rows[i].title);
        if (s->alert != rows[i].alert)
            fail_msg("%s: alert %d, expected %d", s->title, s->alert, rows[i].alert);
        expect_str(s->title, "starts", when(s->starts, buf), rows[i].starts);
        expect_str(s->title, "expires", when(s->expires, buf), rows[i].expires);
        /* An alert shows its words, not figures found in them ("14 inches"); the advisory,
         * an ordinary story, gets its wind speeds as tiles. */
        if (s->figure_count != (s->alert ? 0u : 2u))
            fail_msg("%s: %zu figures", s->title, s->figure_count);
    }
    /* The Atom date stays; cap:sent only stands in for a missing one. */
    char buf[32];
    expect_str("nws-atom.xml", "published", when(list.items[0].published, buf),
               "2026-12-06T09:12:00Z");
    story_list_finish(&list);

    /* An ordinary Atom entry is untouched. */
    static const char plain[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
                                "<title>Canteen open</title></entry></feed>";
    assert_true(parse(plain, sizeof(plain) - 1, "mem.xml", &list, &err));
    assert_int_equal(list.count, 1);
    assert_false(list.items[0].alert);
    story_list_finish(&list);
}

static void test_namespaces(void **state)
{
    (void)state;
    static const struct {
        const char *ns;
        const char *err; /* NULL: one story */
    } rows[] = {
        {"urn:oasis:names:tc:emergency:cap:1.2", NULL},
        {"urn:oasis:names:tc:emergency:cap:1.1", NULL},
        {"urn:oasis:names:tc:emergency:cap:1.0", "mem.xml: not a feed (root element <alert>)"},
        {"", "mem.xml: not a feed (root element <alert>)"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *doc = xasprintf("<alert xmlns=\"%s\"><status>Actual</status><msgType>Alert</msgType>"
                              "<info><headline>Tsunami warning</headline></info></alert>",
                              rows[i].ns);
        struct story_list list;
        struct error err;
        bool ok = parse(doc, strlen(doc), "mem.xml", &list, &err);
        if (rows[i].err) {
            assert_false(ok);
            expect_str(rows[i].ns, "error", err.msg, rows[i].err);
        } else {
            assert_true(ok);
            assert_int_equal(list.count, 1);
        }
        story_list_finish(&list);
        free(doc);
    }
}

/* A hostile alert costs bounded memory: a megabyte of description is cut like any summary, and
 * past FEED_MAX_ITEMS blocks the rest is ignored. */
static void test_huge_alerts(void **state)
{
    (void)state;
    size_t big = 1024 * 1024;
    char *words = xmalloc(big + 1);
    for (size_t i = 0; i < big; i++)
        words[i] = i % 8 == 7 ? ' ' : 'a';
    words[big] = '\0';
    char *info = xasprintf("<info><headline>Long</headline><description>%s</description>"
                           "<instruction>%s</instruction></info>",
                           words, words);
    char *doc = cap_doc("<status>Actual</status><msgType>Alert</msgType>", info);
    struct story_list list;
    struct error err;
    assert_true(parse(doc, strlen(doc), "mem.xml", &list, &err));
    assert_int_equal(list.count, 1);
    size_t n = strlen(list.items[0].summary);
    assert_true(n <= FEED_SUMMARY_CHARS + strlen(ELLIPSIS));
    assert_non_null(strstr(list.items[0].summary, ELLIPSIS));
    story_list_finish(&list);
    free(doc);
    free(info);
    free(words);

    size_t blocks = FEED_MAX_ITEMS + 20, used = 0, cap = blocks * 64;
    char *infos = xmalloc(cap);
    for (size_t i = 0; i < blocks; i++)
        used +=
            (size_t)snprintf(infos + used, cap - used, "<info><event>Event %zu</event></info>", i);
    doc = cap_doc("<status>Actual</status><msgType>Alert</msgType>", infos);
    assert_true(parse(doc, strlen(doc), "mem.xml", &list, &err));
    assert_int_equal(list.count, FEED_MAX_ITEMS);
    expect_str("many", "last id", list.items[FEED_MAX_ITEMS - 1].id, "id-1#500");
    story_list_finish(&list);
    free(doc);
    free(infos);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_status_type_and_severity),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_atom_with_cap),
        cmocka_unit_test(test_namespaces),
        cmocka_unit_test(test_huge_alerts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
