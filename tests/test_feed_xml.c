/* RSS and Atom parsing over the fixtures in tests/data: formats, text constructs, links,
 * dates, legacy encodings, limits, and the hostile documents that must be refused fast. */
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
#include "feed_xml.h"
#include "util.h"

#define ELLIPSIS "\xe2\x80\xa6"

struct parsed {
    bool ok;
    struct error err;
    struct story_list list;
};

/* Parses tests/data/FILE under the name FILE, so messages are exact. */
static void parse_fixture(const char *file, const char *http_charset, struct parsed *out)
{
    char *path = xasprintf("%s/%s", TICKER_TEST_DATA, file);
    size_t len;
    char *data = test_read_file(path, FEED_MAX_BYTES, &len);
    story_list_init(&out->list);
    error_clear(&out->err);
    out->ok = feed_xml_parse(data, len, file, http_charset, &out->list, &out->err);
    free(data);
    free(path);
}

static void parse_string(const char *doc, size_t len, struct parsed *out)
{
    story_list_init(&out->list);
    error_clear(&out->err);
    out->ok = feed_xml_parse(doc, len, "mem.xml", NULL, &out->list, &out->err);
}

static void check_str(const char *file, const char *what, const char *got, const char *want)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(got, want) != 0)
        fail_msg("%s: %s is \"%s\", expected \"%s\"", file, what, got ? got : "(null)",
                 want ? want : "(null)");
}

static void check_prefix(const char *file, const char *what, const char *got, const char *want)
{
    if (strncmp(got, want, strlen(want)) != 0)
        fail_msg("%s: %s is \"%s\", expected it to start with \"%s\"", file, what, got, want);
}

static const char *published(const struct story *s, char *buf, size_t size)
{
    if (s->published == STORY_NO_DATE)
        return NULL;
    date_format_rfc3339(s->published, buf, size);
    return buf;
}

struct fixture_case {
    const char *file;
    const char *http_charset;
    bool ok;
    size_t count;
    const char *title;          /* of the first story */
    const char *summary_prefix; /* of the first story */
    const char *link;
    const char *published; /* RFC 3339, or NULL for none */
    const char *feed_title;
    const char *err; /* the whole message when !ok */
};

static const struct fixture_case fixture_cases[] = {
    {"rss2-basic.xml", NULL, true, 3, "Two rounds of US tariffs reach 20% on all Chinese goods",
     "Washington ties the tariffs to fentanyl flows; Beijing",
     "https://news.example.com/2025/03/tariffs", "2025-03-04T09:00:00Z", "Lobby News", NULL},
    {"rss2-cdata-html.xml", NULL, true, 2, "Prices rose 4.5% in March",
     "Consumer prices rose 4.5% in March & April.",
     "https://markup.example.net/prices?month=3&year=2025", "2025-04-02T06:15:00Z", "Markup & More",
     NULL},
    {"rss091.xml", NULL, true, 2, "Caf\xc3\xa9 on the pier reopens",
     "After a \xc2\xa3"
     "2 million refit",
     "http://gazette.example.org/pier-cafe", NULL, "Harbour Gazette", NULL},
    {"rss092.xml", NULL, true, 2,
     "Tonight's concert moves to the main hall after 1,200 tickets sold.", "", "", NULL,
     "Campus Radio", NULL},
    {"rss1-rdf.xml", NULL, true, 2, "Comet visible after 80 years",
     "Look north-west an hour after sunset.", "https://science.example.com/comet",
     "2025-02-10T17:45:00Z", "Science Desk", NULL},
    {"atom-text-html-xhtml.xml", NULL, true, 3, "Budget: 2 < 3 & rising",
     "Plain text keeps <b> as written.", "https://cityhall.example.gov/budget",
     "2025-03-05T08:00:00Z", "City Hall Bulletin", NULL},
    {"atom-links.xml", NULL, true, 3, "Line 4 closed for repairs", "Buses replace trains",
     "https://transit.example.com/alerts/4", "2025-03-06T05:00:00Z", "Transit Alerts", NULL},
    {"content-encoded.xml", NULL, true, 3, "Wind farm powers 40,000 homes", "Offshore",
     "https://longreads.example.com/wind", NULL, "Long Reads", NULL},
    {"media-rss.xml", NULL, true, 2, "Marathon draws 12,000 runners",
     "Highlights from the finish line.", "https://video.example.com/v/101", NULL, "Lobby Video",
     NULL},
    {"koi8r.xml", NULL, true, 2, "Курс рубля вырос на 3%", "Центральный банк сообщил",
     "https://moskva.example.ru/news/1", "2025-03-05T10:00:00Z", "Новости Москвы", NULL},
    {"gb18030.xml", NULL, true, 2, "中国经济增长5%", "国家统计局周三公布了最新数据。",
     "https://beijing.example.cn/news/1", "2025-03-05T10:00:00Z", "北京新闻", NULL},
    {"shift_jis.xml", NULL, true, 2, "東京で桜が満開", "気象庁は月曜日に発表した。",
     "https://tokyo.example.jp/~news/1", "2025-03-05T10:00:00Z", "東京ニュース", NULL},
    {"big5.xml", NULL, true, 2, "台灣股市上漲2%", "證券交易所週三收盤創新高。",
     "https://taipei.example.tw/news/1", "2025-03-05T10:00:00Z", "台北新聞", NULL},
    {"euc-kr.xml", NULL, true, 2, "서울 집값 3% 상승", "국토교통부가 수요일에 발표했다.",
     "https://seoul.example.kr/news/1", "2025-03-05T10:00:00Z", "서울 뉴스", NULL},
    {"windows-1252.xml", NULL, true, 1, "Paris’s “best croissant” costs €2",
     "The baker’s secret – butter", "https://cafe.example.fr/croissant", NULL, "Café Weekly", NULL},
    {"utf16le-bom.xml", NULL, true, 1, "Η Αθήνα φιλοξενεί 5.000 δρομείς",
     "Ο μαραθώνιος ξεκινά στις 9:00.", "https://athens.example.gr/marathon", "2025-03-07T07:00:00Z",
     "Ελληνικά Νέα", NULL},
    {"utf16be-bom.xml", NULL, true, 1, "Η Αθήνα φιλοξενεί 5.000 δρομείς",
     "Ο μαραθώνιος ξεκινά στις 9:00.", "https://athens.example.gr/marathon", "2025-03-07T07:00:00Z",
     "Ελληνικά Νέα", NULL},
    /* A byte order mark outranks the HTTP charset too. */
    {"utf16le-bom.xml", "windows-1251", true, 1, "Η Αθήνα φιλοξενεί 5.000 δρομείς", "",
     "https://athens.example.gr/marathon", "2025-03-07T07:00:00Z", "Ελληνικά Νέα", NULL},
    {"utf16le-nobom.xml", NULL, true, 1, "UTF-16LE without a byte order mark: “<” then a zero byte",
     "", "https://nobom.example.com/1", NULL, "Без BOM", NULL},
    {"utf8-bom-latin1-prolog.xml", NULL, true, 1, "Crème brûlée wins the prize", "",
     "https://patisserie.example.fr/1", NULL, "Pâtisserie", NULL},
    /* HTTP outranks the declaration (RFC 3023): the same bytes read right... */
    {"http-charset-windows-1251.xml", "windows-1251", true, 1, "Зарплаты выросли на 7%", "",
     "https://kyiv.example.ua/1", NULL, "Киевские новости", NULL},
    {"http-charset-windows-1251.xml", "\"WINDOWS-1251\" ", true, 1, "Зарплаты выросли на 7%", "",
     "https://kyiv.example.ua/1", NULL, "Киевские новости", NULL},
    /* ...and, without it, as the declaration's Latin-1 says. */
    {"http-charset-windows-1251.xml", NULL, true, 1, "Çàðïëàòû âûðîñëè íà 7%", "",
     "https://kyiv.example.ua/1", NULL, "Êèåâñêèå íîâîñòè", NULL},
    {"utf8-invalid-bytes.xml", NULL, true, 1,
     /* é in Latin-1, a truncated en dash: read as Windows-1252 ("Café", "â‚"), never U+FFFD */
     "Caf\xc3\xa9 owner s: \xc3\xa2\xe2\x80\x9a broken UTF-8 and a vertical tab",
     "Still shown: one bad byte must not cost the feed.", "", NULL, "Broken Bytes", NULL},
    /* Atom 0.3: escaped HTML content, issued as the date, an escaped HTML feed title. */
    {"atom03.xml", NULL, true, 2, "Canteen reopens after 3 weeks",
     "The canteen on floor 2 is open again.", "http://intra.example/canteen",
     "2025-03-04T08:00:00Z", "Intranet News", NULL},
    {"dates-mixed.xml", NULL, true, 9, "Numeric offset east of UTC", "",
     "https://dates.example.com/1", "2025-03-04T03:30:00Z", "Date Formats", NULL},
    {"truncated.xml", NULL, false, 2, "First story arrives whole",
     "Council approves the 2025 budget.", "https://cut.example.com/1", NULL, "Cut Short",
     "truncated.xml:20:61: no element found"},
    {"deep-nesting.xml", NULL, false, 1, "Before the deep item", "Kept:", "", NULL, "Nested",
     "deep-nesting.xml:11:304: elements nested deeper than 64"},
    {"not-a-feed.xml", NULL, false, 0, NULL, NULL, NULL, NULL, "",
     "not-a-feed.xml: not a feed (root element <html>)"},
    {"billion-laughs.xml", NULL, false, 0, NULL, NULL, NULL, NULL, "",
     "billion-laughs.xml:3:16: entity declarations are not allowed in feeds"},
    {"external-entity.xml", NULL, false, 0, NULL, NULL, NULL, NULL, "",
     "external-entity.xml:3:43: entity declarations are not allowed in feeds"},
    {"unsupported-encoding.xml", NULL, false, 0, NULL, NULL, NULL, NULL, "",
     "unsupported-encoding.xml: unsupported encoding x-klingon-pIqaD"},
    {"koi8r.xml", "x-no-such-charset", false, 0, NULL, NULL, NULL, NULL, "",
     "koi8r.xml: unsupported encoding x-no-such-charset"},
};

static void test_fixture_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < ARRAY_LEN(fixture_cases); c++) {
        const struct fixture_case *fc = &fixture_cases[c];
        struct parsed p;
        parse_fixture(fc->file, fc->http_charset, &p);
        if (p.ok != fc->ok)
            fail_msg("%s: returned %d, expected %d (%s)", fc->file, p.ok, fc->ok, p.err.msg);
        if (!fc->ok)
            check_str(fc->file, "error", p.err.msg, fc->err);
        if (p.list.count != fc->count)
            fail_msg("%s: %zu stories, expected %zu", fc->file, p.list.count, fc->count);
        check_str(fc->file, "feed title", p.list.title, fc->feed_title);
        if (fc->count > 0) {
            const struct story *s = &p.list.items[0];
            char date[32];
            check_str(fc->file, "title", s->title, fc->title);
            check_prefix(fc->file, "summary", s->summary, fc->summary_prefix);
            check_str(fc->file, "link", s->link, fc->link);
            check_str(fc->file, "published", published(s, date, sizeof(date)), fc->published);
            check_str(fc->file, "source", s->source, fc->file);
        }
        for (size_t i = 0; i < p.list.count; i++) {
            const struct story *s = &p.list.items[i];
            assert_non_null(s->id);
            assert_true(s->title[0] != '\0');
            assert_non_null(s->summary);
            assert_non_null(s->link);
        }
        story_list_finish(&p.list);
    }
}

/* Every story of a fixture, in order: {title, link, published}. */
struct story_row {
    const char *title, *link, *published;
};

static void check_rows(const char *file, const struct story_row *rows, size_t count)
{
    struct parsed p;
    parse_fixture(file, NULL, &p);
    assert_true(p.ok);
    if (p.list.count != count)
        fail_msg("%s: %zu stories, expected %zu", file, p.list.count, count);
    for (size_t i = 0; i < count; i++) {
        char date[32];
        const struct story *s = &p.list.items[i];
        check_str(file, "title", s->title, rows[i].title);
        check_str(file, "link", s->link, rows[i].link);
        check_str(file, "published", published(s, date, sizeof(date)), rows[i].published);
    }
    story_list_finish(&p.list);
}

static void test_dates_mixed(void **state)
{
    (void)state;
    static const struct story_row rows[] = {
        {"Numeric offset east of UTC", "https://dates.example.com/1", "2025-03-04T03:30:00Z"},
        {"US zone name, no seconds", "https://dates.example.com/2", "2025-03-04T14:00:00Z"},
        {"No weekday", "https://dates.example.com/3", "2025-03-04T16:00:00Z"},
        {"Two-digit year", "https://dates.example.com/4", "2025-03-04T09:00:00Z"},
        {"ISO 8601 in pubDate", "https://dates.example.com/5", "2025-03-04T07:00:00Z"},
        {"Full names and a European zone", "https://dates.example.com/6", "2025-03-04T08:00:00Z"},
        {"Military zone and stray spaces", "https://dates.example.com/7", "2025-03-04T09:00:00Z"},
        {"Not a date at all", "https://dates.example.com/8", NULL},
        {"dc:date when pubDate is unreadable", "", "2025-03-04T12:00:00Z"},
    };
    check_rows("dates-mixed.xml", rows, ARRAY_LEN(rows));
}

static void test_atom_links(void **state)
{
    (void)state;
    static const struct story_row rows[] = {
        /* rel="alternate" wins over self and edit links listed before it. */
        {"Line 4 closed for repairs", "https://transit.example.com/alerts/4",
         "2025-03-06T05:00:00Z"},
        /* A root-relative link gets the origin of the feed's alternate link. */
        {"Fares frozen for 2025", "https://transit.example.com/alerts/fares",
         "2025-03-05T09:00:00Z"},
        /* Only an enclosure: no link, and atom:source's link and title are not the entry's. */
        {"Lift out of service at Central", "", "2025-03-04T09:00:00Z"},
    };
    check_rows("atom-links.xml", rows, ARRAY_LEN(rows));

    struct parsed p;
    parse_fixture("atom-links.xml", NULL, &p);
    check_str("atom-links.xml", "id", p.list.items[0].id, "tag:transit.example.com,2025:alert-4");
    check_str("atom-links.xml", "id", p.list.items[2].id, "tag:transit.example.com,2025:lift");
    story_list_finish(&p.list);
}

static void test_atom_text_constructs(void **state)
{
    (void)state;
    static const struct {
        const char *title, *summary;
    } rows[] = {
        {"Budget: 2 < 3 & rising", "Plain text keeps <b> as written."},
        {"Turnout hits 75%", "Highest since 1992."},
        /* Block elements separate words: no "again.Full". */
        {"Rail strike ends", "Trains run again. Full service Monday."},
    };
    struct parsed p;
    parse_fixture("atom-text-html-xhtml.xml", NULL, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, ARRAY_LEN(rows));
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        check_str("atom-text-html-xhtml.xml", "title", p.list.items[i].title, rows[i].title);
        check_str("atom-text-html-xhtml.xml", "summary", p.list.items[i].summary, rows[i].summary);
    }
    /* atom:published wins over atom:updated; updated alone is used when that is all. */
    char date[32];
    check_str("atom-text-html-xhtml.xml", "published",
              published(&p.list.items[2], date, sizeof(date)), "2025-03-03T12:30:00Z");
    story_list_finish(&p.list);
}

static void test_rss_html_and_entities(void **state)
{
    (void)state;
    struct parsed p;
    parse_fixture("rss2-cdata-html.xml", NULL, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, 2);
    const struct story *s = &p.list.items[0];
    /* CDATA is text to expat; the HTML inside is stripped and the script dropped whole. */
    assert_null(strstr(s->summary, "alert"));
    assert_null(strchr(s->summary, '<'));
    assert_non_null(strstr(s->summary, "Food led the increase."));
    /* Double-escaped entities come out as the characters they meant. */
    check_str("rss2-cdata-html.xml", "title", p.list.items[1].title,
              "AT&T & partners: caf\xc3\xa9 Wi-Fi");
    check_str("rss2-cdata-html.xml", "summary", p.list.items[1].summary,
              "Caf\xc3\xa9 owners & staff get free access.");
    story_list_finish(&p.list);
}

/* The fixture reads as one story per expected summary, in feed order. */
static void check_summaries(const char *file, const char *const *want, size_t count)
{
    struct parsed p;
    parse_fixture(file, NULL, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, count);
    for (size_t i = 0; i < count; i++)
        check_str(file, "summary", p.list.items[i].summary, want[i]);
    story_list_finish(&p.list);
}

static void test_summary_sources(void **state)
{
    (void)state;
    static const char *const summaries[] = {
        "Offshore. The turbines went live on Friday.", /* content:encoded alone */
        "Teaser: the bridge opens to traffic.",        /* description beats content:encoded */
        "Doors open until midnight.",                  /* a blank description does not */
    };
    check_summaries("content-encoded.xml", summaries, ARRAY_LEN(summaries));

    struct parsed p;
    parse_fixture("media-rss.xml", NULL, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, 2);
    check_str("media-rss.xml", "id", p.list.items[0].id, "video-101");
    /* The item's own title beats media:title; media:description type="html" is HTML. */
    check_str("media-rss.xml", "title", p.list.items[1].title, "Choir rehearsal");
    check_str("media-rss.xml", "summary", p.list.items[1].summary, "Sopranos first.");
    story_list_finish(&p.list);

    /* Text found elsewhere: xhtml:body, itunes:summary, media:description in a media:group;
     * an item's <summary> beats its <description>. Items have no dates: feed order. */
    static const char *const elsewhere[] = {
        "First paragraph. Second one.",
        "Episode about ports.",
        "Grouped description.",
        "The short one.",
    };
    check_summaries("rss2-text-elsewhere.xml", elsewhere, ARRAY_LEN(elsewhere));

    /* Atom content (and a text construct) of another media type is base64: decoded, read as
     * HTML; content that does not decode shows nothing of itself, and no error. */
    static const char *const base64[][2] = {
        {"Content in base64", "Hello world"},
        {"Title in base64", "s"},
        {"Broken base64", "fallback summary"},
    };
    parse_fixture("atom-base64.xml", NULL, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, ARRAY_LEN(base64));
    for (size_t i = 0; i < ARRAY_LEN(base64); i++) {
        check_str("atom-base64.xml", "title", p.list.items[i].title, base64[i][0]);
        check_str("atom-base64.xml", "summary", p.list.items[i].summary, base64[i][1]);
    }
    story_list_finish(&p.list);
}

static void test_rss_ids_and_guids(void **state)
{
    (void)state;
    struct parsed p;
    parse_fixture("rss2-basic.xml", NULL, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, 3);
    /* isPermaLink="false": an id, not a link. */
    check_str("rss2-basic.xml", "id", p.list.items[0].id, "tariffs-2025-03");
    story_list_finish(&p.list);
}

static void test_hostile_documents_rejected_fast(void **state)
{
    (void)state;
    static const char *const files[] = {"billion-laughs.xml", "external-entity.xml"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        struct parsed p;
        int64_t start = util_now_ns();
        parse_fixture(files[i], NULL, &p);
        int64_t elapsed_ms = (util_now_ns() - start) / 1000000;
        assert_false(p.ok);
        assert_int_equal(p.list.count, 0);
        assert_null(strstr(p.err.msg, "root:"));
        assert_null(strstr(p.list.title, "Laughs"));
        if (elapsed_ms > 100)
            fail_msg("%s took %lld ms", files[i], (long long)elapsed_ms);
        story_list_finish(&p.list);
    }

    /* Undeclared entities in a document with an external DTD are not fetched: the reference
     * stays text. */
    static const char external_dtd[] =
        "<!DOCTYPE rss SYSTEM \"file:///etc/passwd\">\n"
        "<rss><channel><item><title>x &secret; y</title></item></channel></rss>";
    struct parsed p;
    parse_string(external_dtd, sizeof(external_dtd) - 1, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, 1);
    assert_null(strstr(p.list.items[0].title, "root:"));
    story_list_finish(&p.list);

    /* Without a DTD, an undefined entity is the XML error it is. */
    static const char undefined[] = "<rss><channel><item><title>a &nbsp; b</title></item>"
                                    "</channel></rss>";
    parse_string(undefined, sizeof(undefined) - 1, &p);
    assert_false(p.ok);
    check_str("mem.xml", "error", p.err.msg, "mem.xml:1:30: undefined entity");
    story_list_finish(&p.list);

    /* A DOCTYPE without entity declarations is fine. */
    static const char attlist[] = "<!DOCTYPE rss [ <!ATTLIST rss version CDATA \"2.0\"> ]>\n"
                                  "<rss><channel><item><title>ok</title></item></channel></rss>";
    parse_string(attlist, sizeof(attlist) - 1, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, 1);
    story_list_finish(&p.list);
}

/* A document with n small items. */
static char *many_items(size_t n, size_t *len)
{
    size_t cap = 128 + n * 96, used = 0;
    char *doc = xmalloc(cap);
    used += (size_t)snprintf(doc, cap, "<rss version=\"2.0\"><channel><title>Many</title>");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(doc + used, cap - used,
                                 "<item><title>Story %zu</title><guid>id-%zu</guid></item>", i, i);
    used += (size_t)snprintf(doc + used, cap - used, "</channel></rss>");
    *len = used;
    return doc;
}

static void test_item_limit(void **state)
{
    (void)state;
    size_t len;
    char *doc = many_items(FEED_MAX_ITEMS + 100, &len);
    struct parsed p;
    parse_string(doc, len, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, FEED_MAX_ITEMS);
    check_str("mem.xml", "last title", p.list.items[FEED_MAX_ITEMS - 1].title, "Story 499");
    story_list_finish(&p.list);
    free(doc);
}

static void test_bounded_fields(void **state)
{
    (void)state;
    /* A 200 KB title and a 1 MB description: cut, and never a broken character. */
    size_t title_len = 200 * 1000, desc_len = 1000 * 1000;
    size_t cap = title_len + desc_len + 256;
    char *doc = xmalloc(cap);
    size_t used = (size_t)snprintf(doc, cap, "<rss><channel><item><title>");
    for (size_t i = 0; i < title_len / 2; i++, used += 2)
        memcpy(doc + used, "\xc3\xa9", 2); /* é */
    used += (size_t)snprintf(doc + used, cap - used, "</title><description>");
    for (size_t i = 0; i < desc_len / 5; i++, used += 5)
        memcpy(doc + used, "word ", 5);
    used += (size_t)snprintf(doc + used, cap - used, "</description></item></channel></rss>");
    struct parsed p;
    parse_string(doc, used, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, 1);
    const struct story *s = &p.list.items[0];
    size_t tl = strlen(s->title), sl = strlen(s->summary);
    assert_true(tl > 0 && tl <= FEED_MAX_TITLE_BYTES);
    assert_int_equal(tl % 2, 0); /* whole "é"s only */
    assert_true(sl > 100 && sl <= FEED_SUMMARY_CHARS + 3);
    assert_string_equal(s->summary + sl - 3, ELLIPSIS);
    story_list_finish(&p.list);
    free(doc);
}

static void test_structure_limits(void **state)
{
    (void)state;
    char doc[8192];
    size_t used = (size_t)snprintf(doc, sizeof(doc), "<rss><channel><item><title");
    for (int i = 0; i < 300; i++)
        used += (size_t)snprintf(doc + used, sizeof(doc) - used, " a%d='x'", i);
    used += (size_t)snprintf(doc + used, sizeof(doc) - used, ">t</title></item></channel></rss>");
    struct parsed p;
    parse_string(doc, used, &p);
    assert_false(p.ok);
    assert_non_null(strstr(p.err.msg, "more than 256 attributes"));
    story_list_finish(&p.list);

    parse_string("", 0, &p);
    assert_false(p.ok);
    check_str("mem.xml", "error", p.err.msg, "mem.xml:1:1: no element found");
    story_list_finish(&p.list);

    /* A <feed> in no Atom namespace (1.0 or 0.3) is not a feed. */
    static const char other[] = "<feed xmlns='http://example.org/not-atom'><title>x</title></feed>";
    parse_string(other, sizeof(other) - 1, &p);
    assert_false(p.ok);
    check_str("mem.xml", "error", p.err.msg, "mem.xml: not a feed (root element <feed>)");
    story_list_finish(&p.list);

    /* An item with nothing to show is skipped, not shown empty. */
    static const char empty_item[] = "<rss><channel><item><link>https://e.example/</link></item>"
                                     "<item><title> </title><description>&lt;p&gt;&lt;/p&gt;"
                                     "</description></item></channel></rss>";
    parse_string(empty_item, sizeof(empty_item) - 1, &p);
    assert_true(p.ok);
    assert_int_equal(p.list.count, 0);
    story_list_finish(&p.list);
}

static void test_figures_extracted(void **state)
{
    (void)state;
    struct parsed p;
    parse_fixture("rss2-basic.xml", NULL, &p);
    assert_true(p.ok);
    const struct story *s = &p.list.items[0];
    assert_true(s->figure_count >= 1 && s->figure_count <= STORY_MAX_FIGURES);
    assert_string_equal(s->figures[0].value, "20%");
    story_list_finish(&p.list);
}

/* A blank line (or a byte order mark and spaces) before the XML declaration: every reader shows
 * such a feed, so the sign does, with its declared encoding; error positions still count the
 * skipped lines. */
static void test_space_before_declaration(void **state)
{
    (void)state;
    static const struct {
        const char *doc;
        const char *title; /* NULL: refused, with error */
        const char *error;
    } rows[] = {
        {.doc = "\n\n<?xml version=\"1.0\"?><rss><channel><item><title>Blank lines first"
                "</title></item></channel></rss>",
         .title = "Blank lines first"},
        {.doc = "\xEF\xBB\xBF \r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss><channel><item>"
                "<title>BOM then spaces</title></item></channel></rss>",
         .title = "BOM then spaces"},
        /* The declared Latin-1 is found after the blank line. */
        {.doc = "\n<?xml version='1.0' encoding='ISO-8859-1'?><rss><channel><item><title>Caf\xe9"
                "</title></item></channel></rss>",
         .title = "Caf\xc3\xa9"},
        /* A fault on the document's third line is reported there. */
        {.doc = "\n\n<?xml version=\"1.0\"?><rss><channel><item><title>x</titel></item>",
         .error = "mem.xml:3:"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct parsed p;
        parse_string(rows[i].doc, strlen(rows[i].doc), &p);
        if (rows[i].title) {
            if (!p.ok || p.list.count != 1)
                fail_msg("row %zu: not read (%s)", i, p.err.msg);
            check_str("row", "title", p.list.items[0].title, rows[i].title);
        } else {
            assert_false(p.ok);
            check_prefix("row", "error", p.err.msg, rows[i].error);
        }
        story_list_finish(&p.list);
    }
}

/* A title-less item leads with its text, finished the same way whatever the format: cut at a
 * word to FEED_HEADLINE_FROM_SUMMARY_CHARS, with an ellipsis, and no summary under it. */
static void test_titleless_headline_same_in_both_formats(void **state)
{
    (void)state;
    char words[2000] = "";
    for (size_t i = 0; i < 60; i++)
        strcat(words, "Rates rose 4% again ");
    char *xml = xasprintf("<rss><channel><item><description>%s</description></item></channel>"
                          "</rss>",
                          words);
    char *json = xasprintf("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": "
                           "[{\"content_text\": \"%s\"}]}",
                           words);
    const char *const docs[] = {xml, json};
    char *first = NULL;
    for (size_t i = 0; i < ARRAY_LEN(docs); i++) {
        struct parsed p;
        story_list_init(&p.list);
        p.ok = feed_parse(docs[i], strlen(docs[i]), "mem", NULL, &p.list, &p.err);
        assert_true(p.ok);
        assert_int_equal(p.list.count, 1);
        const struct story *s = &p.list.items[0];
        size_t chars = 0;
        for (const char *c = s->title; *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        if (chars > FEED_HEADLINE_FROM_SUMMARY_CHARS + 1 || chars < 200)
            fail_msg("%s: headline of %zu characters", i ? "JSON" : "XML", chars);
        assert_string_equal(s->title + strlen(s->title) - 3, ELLIPSIS);
        assert_string_equal(s->summary, "");
        assert_string_equal(s->figures[0].value, "4%");
        if (first)
            assert_string_equal(s->title, first);
        else
            first = xstrdup(s->title);
        story_list_finish(&p.list);
    }
    free(first);
    free(json);
    free(xml);
}

/* The JSON Feed extension's schedule: starts and expires as RFC 3339, anything else as none. */
static void test_json_ticker_schedule(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": ["
        "{\"title\": \"Both\", \"_ticker\": {\"starts\": \"2025-03-04T09:00:00Z\", "
        "\"expires\": \"2025-04-01T00:00:00+02:00\"}},"
        "{\"title\": \"Neither\", \"_ticker\": {\"starts\": \"soon\", \"expires\": 3}},"
        "{\"title\": \"No extension\"}]}";
    static const struct {
        const char *starts, *expires;
    } want[] = {
        {"2025-03-04T09:00:00Z", "2025-03-31T22:00:00Z"},
        {NULL, NULL},
        {NULL, NULL},
    };
    struct parsed p;
    story_list_init(&p.list);
    p.ok = feed_parse(doc, strlen(doc), "mem.json", NULL, &p.list, &p.err);
    assert_true(p.ok);
    assert_int_equal(p.list.count, ARRAY_LEN(want));
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        const struct story *s = &p.list.items[i];
        char a[32] = "", b[32] = "";
        if (s->starts != STORY_NO_DATE)
            date_format_rfc3339(s->starts, a, sizeof(a));
        if (s->expires != STORY_NO_DATE)
            date_format_rfc3339(s->expires, b, sizeof(b));
        check_str(s->title, "starts", a[0] ? a : NULL, want[i].starts);
        check_str(s->title, "expires", b[0] ? b : NULL, want[i].expires);
    }
    story_list_finish(&p.list);
}

/* RSS <ttl> (minutes) becomes the list's poll hint in seconds; anything but whole minutes, or a
 * <ttl> outside the channel, none. */
static void test_rss_ttl(void **state)
{
    (void)state;
    static const struct {
        const char *channel_extra, *item_extra;
        int64_t hint_s;
    } rows[] = {
        {"<ttl>60</ttl>", "", 3600},
        {"<ttl> 15\n</ttl>", "", 900},
        {"<ttl>0</ttl>", "", 0},
        {"<ttl>-5</ttl>", "", 0},
        {"<ttl>1.5</ttl>", "", 0},
        {"<ttl>soon</ttl>", "", 0},
        {"<ttl></ttl>", "", 0},
        {"<ttl>99999999999999999999</ttl>", "", 7 * 24 * 3600}, /* saturates, never wraps */
        {"", "<ttl>60</ttl>", 0},
        {"", "", 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *doc = xasprintf("<rss version=\"2.0\"><channel><title>T</title>%s<item>"
                              "<title>A story</title>%s</item></channel></rss>",
                              rows[i].channel_extra, rows[i].item_extra);
        struct parsed p;
        parse_string(doc, strlen(doc), &p);
        assert_true(p.ok);
        assert_int_equal(p.list.count, 1);
        if (p.list.poll_hint_s != rows[i].hint_s)
            fail_msg("row %zu: poll hint %lld s, expected %lld s", i, (long long)p.list.poll_hint_s,
                     (long long)rows[i].hint_s);
        story_list_finish(&p.list);
        free(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_table),
        cmocka_unit_test(test_dates_mixed),
        cmocka_unit_test(test_atom_links),
        cmocka_unit_test(test_atom_text_constructs),
        cmocka_unit_test(test_rss_html_and_entities),
        cmocka_unit_test(test_summary_sources),
        cmocka_unit_test(test_rss_ids_and_guids),
        cmocka_unit_test(test_hostile_documents_rejected_fast),
        cmocka_unit_test(test_item_limit),
        cmocka_unit_test(test_bounded_fields),
        cmocka_unit_test(test_structure_limits),
        cmocka_unit_test(test_figures_extracted),
        cmocka_unit_test(test_titleless_headline_same_in_both_formats),
        cmocka_unit_test(test_space_before_declaration),
        cmocka_unit_test(test_json_ticker_schedule),
        cmocka_unit_test(test_rss_ttl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
