/* In-process parse timing for bench/parse: the median over RUNS of (a) feed_parse of FILE to
 * stories with figures extracted, and (b) a raw expat scan of the same bytes with no
 * handlers (what xmlwf does). Prints "ticker_ms expat_ms stories". */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>

#include "feed.h"
#include "util.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double median_ms(int64_t *ns, int n)
{
    qsort(ns, (size_t)n, sizeof(*ns), cmp_i64);
    return (double)ns[n / 2] / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: parse-time FILE RUNS\n");
        return 2;
    }
    int runs = (int)strtol(argv[2], NULL, 10);
    if (runs < 1 || runs > 1000)
        return 2;
    size_t len;
    char *data = util_read_file(argv[1], FEED_MAX_BYTES, &len);
    if (!data) {
        perror(argv[1]);
        return 1;
    }
    int64_t *ours = xcalloc((size_t)runs, sizeof(int64_t));
    int64_t *raw = xcalloc((size_t)runs, sizeof(int64_t));
    size_t stories = 0;
    for (int i = 0; i < runs; i++) {
        /* Interleaved, so machine noise hits both alike. */
        int64_t t = util_now_ns();
        struct story_list list;
        story_list_init(&list);
        struct error err = {""};
        if (!feed_parse(data, len, "bench", NULL, &list, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        stories = list.count;
        story_list_finish(&list);
        ours[i] = util_now_ns() - t;

        t = util_now_ns();
        XML_Parser p = XML_ParserCreate(NULL);
        if (XML_Parse(p, data, (int)len, 1) != XML_STATUS_OK) {
            fprintf(stderr, "expat: %s\n", XML_ErrorString(XML_GetErrorCode(p)));
            return 1;
        }
        XML_ParserFree(p);
        raw[i] = util_now_ns() - t;
    }
    printf("%.3f %.3f %zu\n", median_ms(ours, runs), median_ms(raw, runs), stories);
    free(ours);
    free(raw);
    free(data);
    return 0;
}
