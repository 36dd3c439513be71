/* Days of the sign's life in minutes: the live sign's own code path (a signed source polled and
 * cached, feed_parse, the merge, scene_build with SDL_ttf on a worker thread, then upload, card
 * rotation, crawl and drawing with SDL's software renderer on the render thread) driven by a
 * virtual clock. Each iteration is one poll that finds a changed feed (JSON Feed, RSS or Atom,
 * 0 to 32 stories of changing lengths, figures and scripts; now and then a broken feed or a
 * replayed signature; a reload before every tenth), followed by the frames of one refresh
 * interval, drawn as the sign draws without a GPU: the upload frames one period apart, then
 * jumps of virtual time that rotate the cards and move the crawl.
 * Resident memory is sampled from /proc/self/status after every iteration, and malloc's live
 * heap after every tenth, which shows the same reference edition after a reload; the run fails
 * if either grows after warm-up.
 *
 *   soak [--refreshes N] [--refresh-s S] [--size WxH] [--frames K] [--warmup F]
 *        [--tolerance-kib T] [--live-tolerance-kib T] [--rows R] [--csv FILE] --dir DIR
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include "dynbuf.h"
#include "painter.h"
#include "fonts.h"
#include "log.h"
#include "scene.h"
#include "source.h"
#include "story.h"
#include "util.h"

#define HZ 60
#define PERIOD_NS ((1000000000 + HZ / 2) / HZ)
#define BASE_WALL 1798761600 /* 2027-01-01T00:00:00Z: the virtual wall clock at start */

struct options {
    long refreshes;
    int refresh_s;
    int width, height;
    int jump_frames;
    double warmup;
    long tolerance_kib, live_tolerance_kib;
    int rows;
    const char *dir;
    const char *csv; /* every sample, or NULL */
};

/* Feeds are built in a capped buffer; one past the cap is a bug here, not a case to handle. */
#define SOAK_FEED_MAX_BYTES (64u * 1024 * 1024)

static void buf_add(struct dynbuf *b, const char *s, size_t n)
{
    if (!dynbuf_add(b, s, n))
        abort();
}

static void buf_str(struct dynbuf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

#define buf_printf(b, ...)                                                                         \
    do {                                                                                           \
        if (!dynbuf_addf(b, __VA_ARGS__))                                                          \
            abort();                                                                               \
    } while (0)

/* Text escaped for JSON strings (json) or XML character data. */
static void buf_text(struct dynbuf *b, const char *s, bool json)
{
    for (; *s; s++) {
        if (json && (*s == '"' || *s == '\\')) {
            buf_add(b, "\\", 1);
            buf_add(b, s, 1);
        } else if (!json && *s == '&') {
            buf_str(b, "&amp;");
        } else if (!json && *s == '<') {
            buf_str(b, "&lt;");
        } else {
            buf_add(b, s, 1);
        }
    }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

static const char *const words[] = {
    "council",  "budget", "harbour", "metro",   "energy",   "prices",     "wages",
    "schools",  "storm",  "league",  "museum",  "election", "turnout",    "bridge",
    "exports",  "growth", "housing", "transit", "hospital", "inflation",  "commission",
    "findings", "report", "talks",   "tariffs", "ministry", "\"quoted\"", "R&D",
    "Зарплаты", "растут", "東京の",  "電車",    "λιμάνι",   "مدينة",      "Köln",
    "São",      "Paulo",  "naïve",   "café",    "—",        "2025/26",    "e-mail"};

static void add_words(struct dynbuf *b, int count, bool json)
{
    for (int i = 0; i < count; i++) {
        if (i)
            buf_str(b, " ");
        buf_text(b, words[rnd(ARRAY_LEN(words))], json);
        if (rnd(9) == 0)
            buf_printf(b, " %u%%", 1 + rnd(99));
        else if (rnd(13) == 0)
            buf_printf(b, " %u,%03u", 1 + rnd(999), rnd(1000));
    }
}

static void rfc3339(char *out, size_t size, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void rfc822(char *out, size_t size, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

enum format { FORMAT_JSON, FORMAT_RSS, FORMAT_ATOM };

/* A feed as an editor or a news site would publish it at virtual time now: every poll finds
 * other stories, counts, lengths and figures. */
static void make_feed(struct dynbuf *b, long iter, int64_t now)
{
    enum format fmt = (enum format)(iter % 3);
    int count = (int)rnd(33); /* 0..32: the fallback card now and then, the 30 cap other times */
    dynbuf_reset(b);
    buf_str(b, "");
    if (fmt == FORMAT_JSON)
        buf_printf(b,
                   "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Soak %ld\","
                   " \"items\": [\n",
                   iter % 7);
    else if (fmt == FORMAT_RSS)
        buf_printf(b,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                   "<title>Soak %ld</title>\n",
                   iter % 7);
    else
        buf_printf(b,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed "
                   "xmlns=\"http://www.w3.org/2005/Atom\"><title>Soak %ld</title>\n",
                   iter % 7);
    for (int k = 0; k < count; k++) {
        /* Some stories stay for a while (same id), most are new. */
        long id = rnd(4) == 0 ? k : iter * 64 + k;
        char date[64];
        int64_t published = now - (int64_t)rnd(48 * 3600);
        int64_t expires = now + (int64_t)rnd(7 * 3600) - 3600; /* some have already expired */
        if (fmt == FORMAT_JSON) {
            rfc3339(date, sizeof(date), published);
            buf_printf(b, "%s{\"id\": \"s%ld\", \"title\": \"", k ? ",\n" : "", id);
            add_words(b, 2 + (int)rnd(24), true);
            buf_str(b, "\", \"summary\": \"");
            add_words(b, (int)rnd(50), true);
            buf_printf(b, "\", \"date_published\": \"%s\", \"_ticker\": {\"priority\": %u", date,
                       rnd(4));
            if (rnd(3)) {
                rfc3339(date, sizeof(date), expires);
                buf_printf(b, ", \"expires\": \"%s\"", date);
            }
            uint32_t figures = rnd(4);
            buf_str(b, ", \"figures\": [");
            for (uint32_t f = 0; f < figures; f++) {
                static const char *const units[] = {"%", "", " bn", " km", "°C", ""};
                buf_printf(b, "%s{\"value\": \"%u%s\", \"label\": \"", f ? ", " : "",
                           1 + rnd(99999), units[rnd(ARRAY_LEN(units))]);
                add_words(b, 1 + (int)rnd(8), true);
                buf_str(b, "\"}");
            }
            buf_str(b, "]}}");
        } else if (fmt == FORMAT_RSS) {
            rfc822(date, sizeof(date), published);
            buf_str(b, "<item><title>");
            add_words(b, 2 + (int)rnd(24), false);
            buf_str(b, "</title><description>&lt;p&gt;");
            add_words(b, (int)rnd(50), false);
            buf_printf(b,
                       "&lt;/p&gt;</description><pubDate>%s</pubDate>"
                       "<guid isPermaLink=\"false\">s%ld</guid></item>\n",
                       date, id);
        } else {
            rfc3339(date, sizeof(date), published);
            buf_printf(b, "<entry><id>urn:soak:%ld</id><title>", id);
            add_words(b, 2 + (int)rnd(24), false);
            buf_str(b, "</title><summary>");
            add_words(b, (int)rnd(50), false);
            buf_printf(b, "</summary><updated>%s</updated></entry>\n", date);
        }
    }
    buf_str(b, fmt == FORMAT_JSON  ? "]}\n"
               : fmt == FORMAT_RSS ? "</channel></rss>\n"
                                   : "</feed>\n");
}

/* An editor's minisign key, made here with libsodium: the same format as `minisign -G`. */
struct signer {
    uint8_t key_id[8];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char public_line[128];
};

static void signer_init(struct signer *s)
{
    crypto_sign_keypair(s->pk, s->sk);
    randombytes_buf(s->key_id, sizeof(s->key_id));
    uint8_t raw[2 + 8 + 32] = {'E', 'd'};
    memcpy(raw + 2, s->key_id, 8);
    memcpy(raw + 10, s->pk, 32);
    sodium_bin2base64(s->public_line, sizeof(s->public_line), raw, sizeof(raw),
                      sodium_base64_VARIANT_ORIGINAL);
}

/* A prehashed ("ED") signature of data with a trusted timestamp, as `minisign -S` writes. */
static char *signer_sign(const struct signer *s, const void *data, size_t len, int64_t timestamp)
{
    uint8_t hash[crypto_generichash_BYTES_MAX];
    crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
    uint8_t sig[2 + 8 + crypto_sign_BYTES] = {'E', 'D'};
    memcpy(sig + 2, s->key_id, 8);
    crypto_sign_detached(sig + 10, NULL, hash, sizeof(hash), s->sk);
    char *comment = xasprintf("timestamp:%" PRId64 "\tfile:feed\thashed", timestamp);
    size_t clen = strlen(comment);
    uint8_t *global_msg = xmalloc(crypto_sign_BYTES + clen);
    memcpy(global_msg, sig + 10, crypto_sign_BYTES);
    memcpy(global_msg + crypto_sign_BYTES, comment, clen);
    uint8_t global[crypto_sign_BYTES];
    crypto_sign_detached(global, NULL, global_msg, crypto_sign_BYTES + clen, s->sk);
    char sig64[128], global64[128];
    sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(global64, sizeof(global64), global, sizeof(global),
                      sodium_base64_VARIANT_ORIGINAL);
    char *text = xasprintf("untrusted comment: signature from bench/soak\n%s\n"
                           "trusted comment: %s\n%s\n",
                           sig64, comment, global64);
    free(global_msg);
    free(comment);
    return text;
}

/* The worker's side, on its own thread as in the sign (so its allocations live in another
 * malloc arena and the render thread frees the surfaces, as in the sign). The two threads take
 * turns and never run at once, so SDL_ttf is only ever used by one thread at a time. */
struct soak_worker {
    const struct options *opt;
    struct config config;
    struct config_source source_cfg;
    struct scene_fonts fonts;
    struct signer signer;
    struct source source;
    CURLM *multi;
    char *feed_path, *sig_path, *cache_dir;
    struct dynbuf feed;
    struct story_list stories;
    uint32_t next_id;
    int64_t now_ns, wall;
    long iter;
    long rejected, broken, reloads;
};

/* Every REFERENCE_EVERY-th poll follows a reload and finds the reference edition: the same
 * stories every time (dates relative to now), so the memory sampled after it compares like
 * with like. */
#define REFERENCE_EVERY 10

static bool is_reference(long iter)
{
    return iter % REFERENCE_EVERY == REFERENCE_EVERY - 1;
}

/* One poll: publish, poll the source (read, verify, parse, cache), merge, build the scene. */
static struct scene *worker_step(struct soak_worker *w)
{
    if (is_reference(w->iter)) {
        uint64_t saved = rng_state;
        rng_state = 0x5EED5EED5EED5EEDull;
        make_feed(&w->feed, 0, w->wall);
        rng_state = saved;
    } else {
        make_feed(&w->feed, w->iter, w->wall);
    }
    size_t len = w->feed.len;
    if (w->iter % 89 == 87 && !is_reference(w->iter)) {
        len /= 2; /* a feed cut in half, properly signed: the parser refuses it */
        w->broken++;
    }
    /* Signed on the real clock, not the virtual one: a signature ahead of the board's clock is
     * refused. Rising by one each poll, so the rollback check takes every new one. */
    int64_t timestamp = (int64_t)time(NULL) - 86400 + w->iter;
    if (w->iter % 97 == 95 && !is_reference(w->iter)) {
        timestamp = 1; /* a replayed, older signature: refused, the last good stories stay */
        w->rejected++;
    }
    char *sig = signer_sign(&w->signer, w->feed.data, len, timestamp);
    if (!util_write_file_atomic(w->feed_path, w->feed.data, len) ||
        !util_write_file_atomic(w->sig_path, sig, strlen(sig))) {
        fprintf(stderr, "soak: cannot write %s\n", w->feed_path);
        exit(1);
    }
    free(sig);
    if (is_reference(w->iter)) {
        /* A reload, as SIGHUP does it: fonts opened afresh (their glyph caches, which hold
         * whatever sizes and glyphs the last feeds needed, start empty) and the source set up
         * again from its config, showing its cache. Then the reference edition fills the
         * caches the same way each time, and its samples compare like with like. */
        struct scene_fonts fonts;
        if (scene_fonts_init(&fonts, &w->config)) {
            scene_fonts_finish(&w->fonts);
            w->fonts = fonts;
        }
        source_finish(&w->source, w->multi);
        source_init(&w->source, &w->source_cfg, w->cache_dir, "", "", w->now_ns);
        w->reloads++;
    }
    source_start(&w->source, w->multi, w->now_ns);

    /* As the worker merges: a copy of every source's stories, prepared for the screen. */
    struct story_list merged;
    story_list_init(&merged);
    free(merged.title);
    merged.title = xstrdup(w->source.title);
    for (size_t k = 0; k < w->source.stories.count; k++)
        story_copy(story_list_add(&merged), &w->source.stories.items[k]);
    story_list_prepare(&merged, w->wall, (int64_t)w->config.max_age_hours * 3600,
                       (size_t)w->config.max_stories);
    story_list_finish(&w->stories);
    w->stories = merged;

    struct scene_params p = {.width = w->opt->width,
                             .height = w->opt->height,
                             .max_tile_w = 2048,
                             .config = &w->config,
                             .id = w->next_id++,
                             .updated_at = w->wall,
                             .offline = w->iter % 50 == 24};
    return scene_build(&p, &w->fonts, &w->stories);
}

struct handoff {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool go, quit;
    struct scene *scene;
    struct soak_worker *w;
};

static void *worker_main(void *arg)
{
    struct handoff *h = arg;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        while (!h->go && !h->quit)
            pthread_cond_wait(&h->cond, &h->lock);
        if (h->quit)
            break;
        pthread_mutex_unlock(&h->lock);
        struct scene *scene = worker_step(h->w);
        pthread_mutex_lock(&h->lock);
        h->scene = scene;
        h->go = false;
        pthread_cond_broadcast(&h->cond);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

static struct scene *worker_request(struct handoff *h)
{
    pthread_mutex_lock(&h->lock);
    h->go = true;
    pthread_cond_broadcast(&h->cond);
    while (h->go)
        pthread_cond_wait(&h->cond, &h->lock);
    struct scene *scene = h->scene;
    h->scene = NULL;
    pthread_mutex_unlock(&h->lock);
    return scene;
}

/* "VmRSS:" and the like from /proc/self/status, in KiB. */
static long proc_kib(const char *file, const char *key)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t klen = strlen(key);
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, key, klen) == 0) {
            v = strtol(line + klen, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* As the sign draws without a GPU (app.c): only the regions that changed. */
static void draw_frame(struct stage *st, int64_t wall)
{
    struct stage_damage drawn;
    painter_draw(st->painter, st, wall, &drawn);
    SDL_RenderFlush(st->painter->renderer);
    painter_present(st->painter, &drawn);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The Theil-Sen slope of v[0..n): the median of the slopes between pairs of samples (at most
 * 2000 of them, evenly spaced), per sample. */
static double theil_sen(const long *v, long n)
{
    long step = n > 2000 ? (n + 1999) / 2000 : 1, m = (n + step - 1) / step, pairs = 0;
    if (m < 2)
        return 0;
    double *slopes = xmalloc((size_t)(m * (m - 1) / 2) * sizeof(double));
    for (long i = 0; i < m; i++)
        for (long j = i + 1; j < m; j++)
            slopes[pairs++] = (double)(v[j * step] - v[i * step]) / (double)((j - i) * step);
    qsort(slopes, (size_t)pairs, sizeof(double), cmp_double);
    double slope = slopes[pairs / 2];
    free(slopes);
    return slope;
}

static long median(const long *v, long n)
{
    long *copy = xmalloc((size_t)n * sizeof(long));
    memcpy(copy, v, (size_t)n * sizeof(long));
    qsort(copy, (size_t)n, sizeof(long), cmp_long);
    long m = copy[n / 2];
    free(copy);
    return m;
}

static void usage(void)
{
    fputs("usage: soak [--refreshes N] [--refresh-s S] [--size WxH] [--frames K] [--warmup F]\n"
          "            [--tolerance-kib T] [--live-tolerance-kib T] [--rows R] [--csv FILE]\n"
          "            --dir DIR\n",
          stderr);
    exit(2);
}

static long arg_long(const char *v, long lo, long hi)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < lo || n > hi)
        usage();
    return n;
}

static void parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){.refreshes = 2016,
                          .refresh_s = 300,
                          .width = 1920,
                          .height = 1080,
                          .jump_frames = 8,
                          .warmup = 0.2,
                          .tolerance_kib = 8192,
                          .live_tolerance_kib = 1024,
                          .rows = 20,
                          .dir = NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (strcmp(a, "--refreshes") == 0)
            o->refreshes = arg_long(v, 10, 100000000);
        else if (strcmp(a, "--refresh-s") == 0)
            o->refresh_s = (int)arg_long(v, 1, 86400);
        else if (strcmp(a, "--size") == 0) {
            if (!config_parse_size(v, &o->width, &o->height))
                usage();
        } else if (strcmp(a, "--frames") == 0)
            o->jump_frames = (int)arg_long(v, 1, 10000);
        else if (strcmp(a, "--warmup") == 0)
            o->warmup = strtod(v, NULL);
        else if (strcmp(a, "--tolerance-kib") == 0)
            o->tolerance_kib = arg_long(v, 0, 1 << 30);
        else if (strcmp(a, "--live-tolerance-kib") == 0)
            o->live_tolerance_kib = arg_long(v, 0, 1 << 30);
        else if (strcmp(a, "--rows") == 0)
            o->rows = (int)arg_long(v, 1, 1000);
        else if (strcmp(a, "--dir") == 0)
            o->dir = v;
        else if (strcmp(a, "--csv") == 0)
            o->csv = v;
        else
            usage();
        i++;
    }
    if (!o->dir || o->warmup <= 0 || o->warmup >= 0.9)
        usage();
}

int main(int argc, char **argv)
{
    struct options opt;
    parse_args(argc, argv, &opt);
    /* The sign's allocator settings (main.c): each image in its own mapping. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024);
    log_init();
    if (sodium_init() < 0 || TTF_Init() != 0) {
        fprintf(stderr, "soak: cannot initialise libsodium or SDL_ttf\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mkdir(opt.dir, 0750);

    struct soak_worker w = {.opt = &opt, .next_id = 1, .wall = BASE_WALL};
    dynbuf_init(&w.feed, SOAK_FEED_MAX_BYTES);
    config_init(&w.config);
    signer_init(&w.signer);
    w.feed_path = xasprintf("%s/feed", opt.dir);
    w.sig_path = xasprintf("%s/feed.minisig", opt.dir);
    w.cache_dir = xasprintf("%s/cache", opt.dir);
    cache_dir_ensure(w.cache_dir);
    w.source_cfg = (struct config_source){(char *)"soak",       w.feed_path, opt.refresh_s,
                                          w.signer.public_line, (char *)"",  0};
    w.multi = curl_multi_init();
    story_list_init(&w.stories);
    if (!scene_fonts_init(&w.fonts, &w.config)) {
        fprintf(stderr, "soak: no fonts\n");
        return 1;
    }
    source_init(&w.source, &w.source_cfg, w.cache_dir, "", "", 0);

    SDL_Surface *target =
        SDL_CreateRGBSurfaceWithFormat(0, opt.width, opt.height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *renderer = target ? SDL_CreateSoftwareRenderer(target) : NULL;
    if (!renderer) {
        fprintf(stderr, "soak: no software renderer: %s\n", SDL_GetError());
        return 1;
    }
    /* As the sign draws without a GPU. */
    struct painter *painter = painter_soft_create(renderer, NULL, target);
    struct stage stage;
    stage_init(&stage, painter, HZ, w.config.theme.background);

    struct handoff h = {.w = &w};
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    pthread_t thread;
    pthread_create(&thread, NULL, worker_main, &h);

    long *rss = xcalloc((size_t)opt.refreshes, sizeof(long));
    long *ref = xcalloc((size_t)opt.refreshes / REFERENCE_EVERY + 1, sizeof(long));
    long *live = xcalloc((size_t)opt.refreshes / REFERENCE_EVERY + 1, sizeof(long));
    long nref = 0;
    int64_t periods_per_refresh = (int64_t)opt.refresh_s * HZ;
    int64_t frames = 0, cards_shown = 0, crawl_px = 0, t_start = util_now_ns();
    size_t last_card = SIZE_MAX;
    long every = opt.refreshes / opt.rows > 0 ? opt.refreshes / opt.rows : 1, row_start = 0;
    printf("%8s %10s | %9s %9s %9s | %9s %9s | %9s\n", "", "", "VmRSS KiB", "", "", "reference", "",
           "");
    printf("%8s %10s | %9s %9s %9s | %9s %9s | %9s\n", "refresh", "virtual", "now", "median", "max",
           "VmRSS", "live heap", "Pss KiB");
    for (long i = 0; i < opt.refreshes; i++) {
        w.iter = i;
        stage_push(&stage, worker_request(&h));
        /* The upload frames, one refresh period apart, as the sign spreads uploads. */
        int64_t used = 0;
        do {
            stage_upload(&stage, 2000000);
            crawl_px += stage_advance(&stage, 1, PERIOD_NS);
            used++;
            draw_frame(&stage, w.wall + used * PERIOD_NS / 1000000000);
            frames++;
        } while (stage.pending >= 0 && used < periods_per_refresh);
        /* The rest of the refresh interval in a few jumps: cards rotate (and cross-fade
         * when a jump ends inside a transition), the crawl turns over. */
        int64_t left = periods_per_refresh - used;
        for (int f = 0; f < opt.jump_frames && left > 0; f++) {
            int64_t p = left / (opt.jump_frames - f);
            if (p <= 0)
                continue;
            crawl_px += stage_advance(&stage, p, PERIOD_NS);
            used += p;
            left -= p;
            draw_frame(&stage, w.wall + used * PERIOD_NS / 1000000000);
            frames++;
            if (stage.card.card != last_card) {
                cards_shown++;
                last_card = stage.card.card;
            }
        }
        w.now_ns += periods_per_refresh * PERIOD_NS;
        w.wall += opt.refresh_s;
        rss[i] = proc_kib("/proc/self/status", "VmRSS:");
        if (is_reference(i)) {
            /* What malloc holds for the program, every arena and mapping: with the same
             * content on screen, any rise is memory kept (a leak), not free memory that the
             * heap has not given back yet. */
            struct mallinfo2 mi = mallinfo2();
            live[nref] = (long)((mi.uordblks + mi.hblkhd) / 1024);
            ref[nref++] = rss[i];
        }
        if ((i + 1) % every == 0 || i + 1 == opt.refreshes) {
            double vs = (double)(i + 1) * opt.refresh_s;
            char when[32];
            snprintf(when, sizeof(when), "%dd%02dh%02dm", (int)(vs / 86400),
                     (int)fmod(vs / 3600, 24), (int)fmod(vs / 60, 60));
            long wmax = 0;
            for (long k = row_start; k <= i; k++)
                wmax = MAX(wmax, rss[k]);
            printf("%8ld %10s | %9ld %9ld %9ld | %9ld %9ld | %9ld\n", i + 1, when, rss[i],
                   median(rss + row_start, i + 1 - row_start), wmax, nref ? ref[nref - 1] : 0,
                   nref ? live[nref - 1] : 0, proc_kib("/proc/self/smaps_rollup", "Pss:"));
            fflush(stdout);
            row_start = i + 1;
        }
    }
    double wall_s = (double)(util_now_ns() - t_start) / 1e9;
    FILE *csv = opt.csv ? fopen(opt.csv, "w") : NULL;
    if (csv) {
        fprintf(csv, "refresh,virtual_s,vmrss_kib,reference,live_heap_kib\n");
        for (long i = 0, r = 0; i < opt.refreshes; i++) {
            fprintf(csv, "%ld,%ld,%ld,%d,", i + 1, (i + 1) * opt.refresh_s, rss[i],
                    is_reference(i));
            if (is_reference(i))
                fprintf(csv, "%ld", live[r++]);
            fprintf(csv, "\n");
        }
        fclose(csv);
    }

    pthread_mutex_lock(&h.lock);
    h.quit = true;
    pthread_cond_broadcast(&h.cond);
    pthread_mutex_unlock(&h.lock);
    pthread_join(thread, NULL);

    /* Warm-up: the fonts, caches and malloc's heaps settle in the first few hundred polls
     * (the heaps grow to hold the largest scenes with room to spare; images come from them
     * whenever they have a free chunk big enough, mmap threshold or not). After it:
     * - the live heap after the reference edition (same content each time) must stay level:
     *   the median of the last tenth of those samples against the first tenth after warm-up,
     *   and the trend over all of them;
     * - resident memory must not trend up. It swings with the content (0 to 30 stories, up to
     *   ~95 MiB of text images per scene at 1080p) and with the free memory glibc keeps in its
     *   heaps, so a single sample says little; the Theil-Sen slope (the median of the slopes
     *   between pairs of samples) over every poll after warm-up is not moved by the swings. */
    long warm = MAX((long)((double)opt.refreshes * opt.warmup), MIN(400, opt.refreshes / 2));
    long warm_ref = MIN(warm / REFERENCE_EVERY, nref - 1);
    long window = MIN(MAX(5, (nref - warm_ref) / 10), nref - warm_ref);
    long live_after = median(live + warm_ref, window);
    long live_end = median(live + nref - window, window);
    double live_trend = theil_sen(live + warm_ref, nref - warm_ref) * (double)(nref - warm_ref);
    double rss_trend = theil_sen(rss + warm, opt.refreshes - warm) * (double)(opt.refreshes - warm);
    long any_max = 0, any_min = LONG_MAX, post_max = 0;
    for (long i = 0; i < opt.refreshes; i++) {
        any_max = MAX(any_max, rss[i]);
        any_min = MIN(any_min, rss[i]);
        if (i >= warm)
            post_max = MAX(post_max, rss[i]);
    }
    double virtual_days = (double)opt.refreshes * opt.refresh_s / 86400.0;
    printf("\n%ld refreshes, one per %d virtual s: %.2f virtual days at %dx%d in %.1f s wall "
           "(%.0fx real time)\n",
           opt.refreshes, opt.refresh_s, virtual_days, opt.width, opt.height, wall_s,
           virtual_days * 86400.0 / wall_s);
    printf("frames drawn %" PRId64 ", crawl moved %" PRId64 " px, card changes %" PRId64
           "; refused: %ld broken feeds, %ld replayed signatures; %ld reloads\n",
           frames, crawl_px, cards_shown, w.broken, w.rejected, w.reloads);
    printf("warm-up: the first %ld polls. VmRSS %ld..%ld KiB over the run, at most %ld KiB after "
           "warm-up; trend after warm-up %+.0f KiB (tolerance %ld)\n",
           warm, any_min, any_max, post_max, rss_trend, opt.tolerance_kib);
    printf("live heap after the reference edition (%ld samples): median %ld KiB just after "
           "warm-up, %ld KiB at the end (%+ld); trend %+.0f KiB (tolerance %ld)\n",
           nref, live_after, live_end, live_end - live_after, live_trend, opt.live_tolerance_kib);
    bool grew = rss_trend > (double)opt.tolerance_kib ||
                live_end - live_after > opt.live_tolerance_kib ||
                live_trend > (double)opt.live_tolerance_kib;

    stage_finish(&stage);
    painter_destroy(painter);
    SDL_DestroyRenderer(renderer);
    SDL_FreeSurface(target);
    source_finish(&w.source, w.multi);
    curl_multi_cleanup(w.multi);
    story_list_finish(&w.stories);
    scene_fonts_finish(&w.fonts);
    config_finish(&w.config);
    dynbuf_finish(&w.feed);
    free(w.feed_path);
    free(w.sig_path);
    free(w.cache_dir);
    free(rss);
    free(ref);
    free(live);
    TTF_Quit();
    fonts_shutdown();
    curl_global_cleanup();
    SDL_Quit();
    printf("soak: %s\n", grew ? "FAIL: resident memory grew after warm-up"
                              : "PASS: no resident memory growth after warm-up");
    return grew ? 1 : 0;
}
