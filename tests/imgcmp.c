/* imgcmp: compares a rendered PNG with a golden one, allowing for the small differences that
 * font rasterisers and GPUs produce between machines. Exit status 0 same, 1 different, 2 error. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "picture.h"
#include "util.h"

enum { EXIT_SAME = 0, EXIT_DIFFERENT = 1, EXIT_TROUBLE = 2 };

struct imgcmp_options {
    const char *expected_path, *actual_path, *diff_path;
    long tolerance;
    long long max_pixels;
};

static void imgcmp_usage(void)
{
    fprintf(stderr, "usage: imgcmp EXPECTED.png ACTUAL.png [--tolerance LEVELS] "
                    "[--max-pixels N] [--diff OUT.png]\n");
}

static bool imgcmp_parse_number(const char *option, const char *text, long long max,
                                long long *value)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 0 || v > max) {
        fprintf(stderr, "imgcmp: %s wants a whole number from 0 to %lld, not \"%s\"\n", option, max,
                text);
        return false;
    }
    *value = v;
    return true;
}

static bool imgcmp_parse_args(int argc, char **argv, struct imgcmp_options *opts)
{
    *opts = (struct imgcmp_options){.tolerance = 4, .max_pixels = 20};
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool takes_value = strcmp(arg, "--tolerance") == 0 || strcmp(arg, "--max-pixels") == 0 ||
                           strcmp(arg, "--diff") == 0;
        if (takes_value && i + 1 >= argc) {
            fprintf(stderr, "imgcmp: %s needs a value\n", arg);
            return false;
        }
        long long value;
        if (strcmp(arg, "--tolerance") == 0) {
            if (!imgcmp_parse_number(arg, argv[++i], 255, &value))
                return false;
            opts->tolerance = (long)value;
        } else if (strcmp(arg, "--max-pixels") == 0) {
            if (!imgcmp_parse_number(arg, argv[++i], LLONG_MAX, &value))
                return false;
            opts->max_pixels = value;
        } else if (strcmp(arg, "--diff") == 0) {
            opts->diff_path = argv[++i];
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "imgcmp: unknown option %s\n", arg);
            return false;
        } else if (positional == 0) {
            opts->expected_path = arg;
            positional++;
        } else if (positional == 1) {
            opts->actual_path = arg;
            positional++;
        } else {
            fprintf(stderr, "imgcmp: unexpected argument %s\n", arg);
            return false;
        }
    }
    if (positional != 2) {
        imgcmp_usage();
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    log_init();
    struct imgcmp_options opts;
    if (!imgcmp_parse_args(argc, argv, &opts))
        return EXIT_TROUBLE;

    int status = EXIT_TROUBLE;
    struct picture expected, actual;
    if (!picture_read_png(opts.expected_path, &expected))
        return EXIT_TROUBLE;
    if (!picture_read_png(opts.actual_path, &actual))
        goto err_finish_expected;
    if (expected.width != actual.width || expected.height != actual.height) {
        fprintf(stderr, "imgcmp: %s is %" PRIu32 "x%" PRIu32 " but %s is %" PRIu32 "x%" PRIu32 "\n",
                opts.expected_path, expected.width, expected.height, opts.actual_path, actual.width,
                actual.height);
        goto err_finish_actual;
    }

    size_t pixels = (size_t)expected.width * expected.height;
    /* The diff image reuses the expected pixels: they are not needed once compared. */
    uint8_t *diff = opts.diff_path ? expected.rgba : NULL;
    size_t differing = 0;
    int max_difference = 0;
    for (size_t i = 0; i < pixels; i++) {
        const uint8_t *e = expected.rgba + i * 4, *a = actual.rgba + i * 4;
        int difference = 0;
        for (int c = 0; c < 4; c++)
            difference = MAX(difference, abs(e[c] - a[c]));
        max_difference = MAX(max_difference, difference);
        bool differs = difference > opts.tolerance;
        if (differs)
            differing++;
        if (diff) {
            uint8_t *d = diff + i * 4;
            /* Rec. 601 luma, quartered: the picture stays recognisable behind the red. */
            uint8_t grey = (uint8_t)((77 * d[0] + 150 * d[1] + 29 * d[2]) / 256 / 4);
            d[0] = differs ? 255 : grey;
            d[1] = differs ? 0 : grey;
            d[2] = differs ? 0 : grey;
            d[3] = 255;
        }
    }

    printf("imgcmp: %zu pixels differ by more than %ld levels (max difference %d) of %" PRIu32
           "*%" PRIu32 "\n",
           differing, opts.tolerance, max_difference, expected.width, expected.height);
    if (diff && !picture_write_png(opts.diff_path, &expected))
        goto err_finish_actual;
    status = (unsigned long long)differing <= (unsigned long long)opts.max_pixels ? EXIT_SAME
                                                                                  : EXIT_DIFFERENT;

err_finish_actual:
    picture_finish(&actual);
err_finish_expected:
    picture_finish(&expected);
    return status;
}
