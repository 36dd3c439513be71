/* Precision and recall of key-figure extraction on a labelled set of stories (JSON array; see
 * tests/data/figures-set.json and docs/feed-format.md). Each story goes the way an RSS item
 * does: title and summary cleaned (summary_html as HTML), the summary cut, then
 * feed_story_finish extracts up to STORY_MAX_FIGURES figures.
 *
 *   figures SET.json [--verbose] [--min-precision P] [--min-recall R]
 *                    [--min-value-precision P]
 *
 * A figure is right when its value is one the set expects for the story (as written) and its
 * label passes one of that value's checks ("~word": contains word; else equal; no checks: any
 * label). Prints value and figure (value + label) precision and recall, and stories with every
 * figure right; --verbose lists each miss. Exits 1 when figure precision, value recall or value
 * precision is below the given floor. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "normalize.h"
#include "story.h"
#include "util.h"

struct tally {
    size_t stories, stories_right, expected, predicted, values_right, figures_right;
};

static const char *string_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool label_passes(const cJSON *checks, const char *label)
{
    if (!cJSON_IsArray(checks) || cJSON_GetArraySize(checks) == 0)
        return true;
    const cJSON *c;
    cJSON_ArrayForEach(c, checks)
    {
        if (!cJSON_IsString(c))
            continue;
        const char *want = c->valuestring;
        if (want[0] == '~' ? strstr(label, want + 1) != NULL : strcmp(label, want) == 0)
            return true;
    }
    return false;
}

/* The story as a feed parser hands it to feed_story_finish. */
static void make_story(const cJSON *item, struct story *s)
{
    memset(s, 0, sizeof(*s));
    const char *title = string_of(item, "title"), *html = string_of(item, "summary_html");
    const char *text = html ? html : string_of(item, "summary");
    if (title && title[0])
        s->title = normalize_text(title, strlen(title), NORMALIZE_PLAIN, FEED_MAX_TITLE_BYTES);
    if (text)
        s->summary = normalize_text(text, strlen(text), html ? NORMALIZE_HTML : NORMALIZE_PLAIN,
                                    FEED_MAX_SUMMARY_BYTES);
    feed_story_finish(s, "set");
}

static void score(const cJSON *item, size_t index, bool verbose, struct tally *t)
{
    struct story s;
    make_story(item, &s);
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(item, "figures");
    size_t expected = (size_t)cJSON_GetArraySize(want);
    bool all_right = s.figure_count == expected;
    t->stories++;
    t->expected += expected;
    t->predicted += s.figure_count;
    for (size_t i = 0; i < s.figure_count; i++) {
        const struct figure *f = &s.figures[i];
        const cJSON *match = NULL, *w;
        cJSON_ArrayForEach(w, want)
        {
            const char *v = string_of(w, "value");
            if (v && strcmp(v, f->value) == 0)
                match = w;
        }
        bool label_ok = match && label_passes(cJSON_GetObjectItem(match, "label"), f->label);
        t->values_right += match != NULL;
        t->figures_right += label_ok;
        all_right &= label_ok;
        if (verbose && !label_ok)
            printf("story %zu \"%.60s\": %s \"%s\" <%s>\n", index, s.title,
                   match ? "label" : "not a key figure", f->value, f->label);
    }
    const cJSON *w;
    cJSON_ArrayForEach(w, want)
    {
        const char *v = string_of(w, "value");
        bool found = false;
        for (size_t i = 0; v && i < s.figure_count; i++)
            found |= strcmp(v, s.figures[i].value) == 0;
        if (verbose && !found)
            printf("story %zu \"%.60s\": missed \"%s\"\n", index, s.title, v ? v : "?");
    }
    t->stories_right += all_right;
    story_finish(&s);
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 1.0;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    bool verbose = false;
    double min_precision = 0, min_recall = 0, min_value_precision = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--verbose") == 0)
            verbose = true;
        else if (strcmp(argv[i], "--min-precision") == 0 && i + 1 < argc)
            min_precision = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--min-value-precision") == 0 && i + 1 < argc)
            min_value_precision = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--min-recall") == 0 && i + 1 < argc)
            min_recall = strtod(argv[++i], NULL);
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    if (!path) {
        fprintf(stderr, "usage: figures SET.json [--verbose] [--min-precision P] "
                        "[--min-recall R]\n");
        return 2;
    }
    size_t len;
    char *data = util_read_file(path, FEED_MAX_BYTES, &len);
    cJSON *set = data ? cJSON_ParseWithLength(data, len) : NULL;
    free(data);
    if (!cJSON_IsArray(set)) {
        fprintf(stderr, "%s: not a JSON array of stories\n", path);
        cJSON_Delete(set);
        return 2;
    }
    struct tally t = {0};
    size_t index = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, set) score(item, index++, verbose, &t);
    cJSON_Delete(set);

    double value_p = ratio(t.values_right, t.predicted),
           value_r = ratio(t.values_right, t.expected);
    double fig_p = ratio(t.figures_right, t.predicted), fig_r = ratio(t.figures_right, t.expected);
    printf("%zu stories, %zu figures expected, %zu extracted\n", t.stories, t.expected,
           t.predicted);
    printf("values:           precision %.1f%% (%zu/%zu)  recall %.1f%% (%zu/%zu)\n", 100 * value_p,
           t.values_right, t.predicted, 100 * value_r, t.values_right, t.expected);
    printf("values + labels:  precision %.1f%% (%zu/%zu)  recall %.1f%% (%zu/%zu)\n", 100 * fig_p,
           t.figures_right, t.predicted, 100 * fig_r, t.figures_right, t.expected);
    printf("labels of right values: %.1f%% (%zu/%zu)\n",
           100 * ratio(t.figures_right, t.values_right), t.figures_right, t.values_right);
    printf("stories with every figure right: %.1f%% (%zu/%zu)\n",
           100 * ratio(t.stories_right, t.stories), t.stories_right, t.stories);
    if (fig_p < min_precision || value_r < min_recall || value_p < min_value_precision) {
        fprintf(stderr,
                "figures: below a floor: figure precision %.3f (floor %.3f), value recall %.3f "
                "(%.3f), value precision %.3f (%.3f)\n",
                fig_p, min_precision, value_r, min_recall, value_p, min_value_precision);
        return 1;
    }
    return 0;
}
