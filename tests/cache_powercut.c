/* The cache under a stand-in for power loss: a child stores two versions in turn and is SIGKILLed
 * at a random moment, over and over; whatever the parent then loads must be one version whole,
 * and stale temp files must not pile up. SIGKILL stops the writer at any instruction, though
 * the page cache survives it, so this checks the write protocol, not the disk's honesty.
 * Usage: cache_powercut DIR ITERATIONS [SEED] */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "log.h"
#include "util.h"

#define SOURCE "power"
#define MAX_KILL_DELAY_US 20000

struct version {
    const char *label;
    struct cache_entry entry;
};

static void version_init(struct version *v, const char *label, char fill, size_t len,
                         const char *charset, int64_t fetched_at, int64_t sig_timestamp)
{
    /* Every field set, including any the entry gains later (it gained charset after this test
     * was written, and the uninitialised pointer crashed the ASan and aarch64 runs). */
    v->entry = (struct cache_entry){0};
    v->label = label;
    v->entry.body = xmalloc(len + 1);
    memset(v->entry.body, fill, len);
    v->entry.body[len] = '\0';
    v->entry.len = len;
    v->entry.etag = xstrdup(label);
    v->entry.last_modified = xasprintf("version %s", label);
    v->entry.charset = xstrdup(charset);
    v->entry.url = xasprintf("https://example.org/%s.json", label);
    v->entry.fetched_at = fetched_at;
    v->entry.sig_timestamp = sig_timestamp;
}

static bool entry_equal(const struct cache_entry *a, const struct cache_entry *b)
{
    return a->len == b->len && memcmp(a->body, b->body, a->len) == 0 &&
           strcmp(a->etag, b->etag) == 0 && strcmp(a->last_modified, b->last_modified) == 0 &&
           strcmp(a->charset, b->charset) == 0 && strcmp(a->url, b->url) == 0 &&
           a->fetched_at == b->fetched_at && a->sig_timestamp == b->sig_timestamp;
}

static uint64_t next_random(uint64_t *state)
{
    /* xorshift64*: the same kill times for the same seed on every libc. */
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Stores the versions alternately until killed; one byte on done_fd after each complete store. */
static _Noreturn void child_run(const char *dir, const struct version versions[2], unsigned first,
                                int done_fd)
{
    for (unsigned i = first;; i ^= 1) {
        if (!cache_store(dir, SOURCE, &versions[i].entry))
            _exit(3);
        if (write(done_fd, "", 1) != 1)
            _exit(4);
    }
}

static int count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strncmp(de->d_name, SOURCE ".cache.tmp.", strlen(SOURCE ".cache.tmp.")) == 0;
    closedir(d);
    return n;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v > max)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    log_init();
    uint64_t iterations, seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if ((argc != 3 && argc != 4) || !parse_u64(argv[2], 1000000, &iterations) ||
        (argc == 4 && !parse_u64(argv[3], UINT64_MAX, &seed))) {
        fprintf(stderr, "usage: cache_powercut DIR ITERATIONS [SEED]\n");
        return 2;
    }
    const char *dir = argv[1];
    printf("cache_powercut: seed %" PRIu64 "\n", seed);
    fflush(stdout);
    uint64_t rng = seed ? seed : 1;

    if (!cache_dir_ensure(dir) || !cache_remove(dir, SOURCE))
        return 1;
    char *path = cache_path(dir, SOURCE);
    struct version versions[2];
    version_init(&versions[0], "A", 'a', 1024 * 1024, "", 1700000000, 1699990000);
    version_init(&versions[1], "B", 'b', 2 * 1024 * 1024, "windows-1252", 1700000600, -1);
    int done_pipe[2];
    if (pipe(done_pipe) != 0 || fcntl(done_pipe[0], F_SETFL, O_NONBLOCK) != 0) {
        perror("cache_powercut: pipe");
        return 1;
    }

    uint64_t found[2] = {0, 0}, absent = 0, stores_done = 0;
    const char *violation = NULL;
    char stopped[96];
    uint64_t kills = 0;
    while (kills < iterations && !violation) {
        unsigned first = (unsigned)(next_random(&rng) & 1);
        fflush(stdout);
        pid_t child = fork();
        if (child < 0) {
            perror("cache_powercut: fork");
            return 1;
        }
        if (child == 0) {
            close(done_pipe[0]);
            child_run(dir, versions, first, done_pipe[1]);
        }
        long delay_us = (long)(next_random(&rng) % (MAX_KILL_DELAY_US + 1));
        struct timespec delay = {.tv_sec = 0, .tv_nsec = delay_us * 1000};
        while (nanosleep(&delay, &delay) != 0 && errno == EINTR) {
        }
        kill(child, SIGKILL);
        kills++;
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            /* Its own stderr, above, says why (a failed store, a sanitizer report). */
            snprintf(stopped, sizeof(stopped), "the writer stopped by itself (%s %d)",
                     WIFSIGNALED(status) ? "signal" : "exit status",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            violation = stopped;
            break;
        }
        char buf[256];
        ssize_t n;
        while ((n = read(done_pipe[0], buf, sizeof(buf))) > 0)
            stores_done += (uint64_t)n;

        if (count_temp_files(dir) > 1) {
            violation = "more than one stale temp file";
            break;
        }
        bool exists = access(path, F_OK) == 0;
        struct cache_entry got;
        if (cache_load(dir, SOURCE, &got)) {
            if (entry_equal(&got, &versions[0].entry))
                found[0]++;
            else if (entry_equal(&got, &versions[1].entry))
                found[1]++;
            else
                violation = "the cache loads but is neither A nor B";
            cache_entry_finish(&got);
        } else if (exists) {
            violation = "the cache file exists but does not load";
        } else if (stores_done > 0 || found[0] + found[1] > 0) {
            violation = "the cache vanished after a complete store";
        } else {
            absent++;
        }
    }
    if (!violation && (!cache_dir_ensure(dir) || count_temp_files(dir) != 0))
        violation = "stale temp files left after cache_dir_ensure";

    int status = 0;
    if (violation) {
        fprintf(stderr, "cache_powercut: kill %" PRIu64 " (seed %" PRIu64 "): %s\n", kills, seed,
                violation);
        status = 1;
    } else {
        printf("%" PRIu64 " kills, A=%" PRIu64 " B=%" PRIu64 ", never corrupt (absent before the "
               "first store: %" PRIu64 ", stores completed: %" PRIu64 ")\n",
               kills, found[0], found[1], absent, stores_done);
    }
    for (size_t i = 0; i < 2; i++)
        cache_entry_finish(&versions[i].entry);
    free(path);
    close(done_pipe[0]);
    close(done_pipe[1]);
    return status;
}
