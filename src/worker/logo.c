#include "logo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "picture.h"
#include "util.h"

bool logo_load(struct logo *out, const char *path, struct error *err)
{
    memset(out, 0, sizeof(*out));
    struct picture pic;
    if (!picture_load_png(path, LOGO_MAX_FILE_BYTES, LOGO_MAX_SIDE, "a logo", &pic, err))
        return false;
    *out = (struct logo){pic.width, pic.height, pic.rgba};
    /* Premultiplied: averaging neighbours then weighs each by how much of it shows, so a
     * transparent pixel's colour never bleeds into the edge. */
    size_t pixels = (size_t)out->width * out->height;
    for (size_t i = 0; i < pixels; i++) {
        uint8_t *p = out->rgba + i * 4;
        for (int c = 0; c < 3; c++)
            p[c] = (uint8_t)((p[c] * p[3] + 127) / 255);
    }
    return true;
}

void logo_finish(struct logo *logo)
{
    free(logo->rgba);
    memset(logo, 0, sizeof(*logo));
}

void logo_fit(const struct logo *logo, int max_w, int max_h, int *w, int *h)
{
    double aspect = logo->height ? (double)logo->width / logo->height : 1.0;
    int fh = max_h, fw = (int)lround(max_h * aspect);
    if (fw > max_w) {
        fw = max_w;
        fh = (int)lround(max_w / aspect);
    }
    *w = fw > 0 ? fw : 1;
    *h = fh > 0 ? fh : 1;
}

/* Which source pixels make output pixel i of n along an axis of src pixels, and how much:
 * their overlap with the pixel's footprint when shrinking (area averaging), the two nearest
 * when growing (linear). first[i], count[i] index into at[] and weight[]. */
struct taps {
    int *first, *count, *at;
    float *weight;
};

static void taps_init(struct taps *t, int src, int n)
{
    double scale = (double)src / n;
    int per = scale > 1 ? (int)ceil(scale) + 1 : 2;
    t->first = xmalloc((size_t)n * sizeof(int));
    t->count = xcalloc((size_t)n, sizeof(int));
    t->at = xmalloc((size_t)n * (size_t)per * sizeof(int));
    t->weight = xmalloc((size_t)n * (size_t)per * sizeof(float));
    for (int i = 0; i < n; i++) {
        int k = t->first[i] = i * per;
        if (scale > 1) {
            double from = i * scale, to = (i + 1) * scale;
            for (int j = (int)floor(from); j < src && j < to; j++) {
                double w = fmin(to, j + 1) - fmax(from, j);
                if (w <= 0)
                    continue;
                t->at[k] = j;
                t->weight[k++] = (float)(w / scale);
            }
        } else {
            double c = (i + 0.5) * scale - 0.5;
            int j = (int)floor(c);
            double f = c - j;
            t->at[k] = j < 0 ? 0 : j;
            t->weight[k++] = (float)(1 - f);
            t->at[k] = j + 1 >= src ? src - 1 : j + 1;
            t->weight[k++] = (float)f;
        }
        t->count[i] = k - t->first[i];
    }
}

static void taps_finish(struct taps *t)
{
    free(t->first);
    free(t->count);
    free(t->at);
    free(t->weight);
}

uint32_t *logo_scale(const struct logo *logo, int w, int h)
{
    int sw = (int)logo->width, sh = (int)logo->height;
    struct taps tx, ty;
    taps_init(&tx, sw, w);
    taps_init(&ty, sh, h);
    /* Rows first: sh rows of w premultiplied pixels, then the columns of those. */
    float *rows = xmalloc((size_t)sh * (size_t)w * 4 * sizeof(float));
    for (int y = 0; y < sh; y++) {
        const uint8_t *in = logo->rgba + (size_t)y * (size_t)sw * 4;
        for (int x = 0; x < w; x++) {
            float acc[4] = {0, 0, 0, 0};
            for (int k = tx.first[x]; k < tx.first[x] + tx.count[x]; k++)
                for (int c = 0; c < 4; c++)
                    acc[c] += tx.weight[k] * in[(size_t)tx.at[k] * 4 + (size_t)c];
            memcpy(rows + ((size_t)y * (size_t)w + (size_t)x) * 4, acc, sizeof(acc));
        }
    }
    uint32_t *out = xmalloc((size_t)w * (size_t)h * sizeof(*out));
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            float acc[4] = {0, 0, 0, 0};
            for (int k = ty.first[y]; k < ty.first[y] + ty.count[y]; k++)
                for (int c = 0; c < 4; c++)
                    acc[c] += ty.weight[k] *
                              rows[((size_t)ty.at[k] * (size_t)w + (size_t)x) * 4 + (size_t)c];
            uint32_t a = (uint32_t)lroundf(fminf(fmaxf(acc[3], 0), 255));
            uint32_t px = a << 24;
            for (int c = 0; c < 3; c++) {
                /* Back to straight alpha for the sprite. */
                float v = acc[3] > 0 ? acc[c] * 255 / acc[3] : 0;
                px |= (uint32_t)lroundf(fminf(fmaxf(v, 0), 255)) << (16 - 8 * c);
            }
            out[(size_t)y * (size_t)w + (size_t)x] = px;
        }
    }
    free(rows);
    taps_finish(&tx);
    taps_finish(&ty);
    return out;
}
