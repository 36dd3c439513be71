/* A small scripted HTTP/1.1 server for tests, on 127.0.0.1 only. Serves files from a
 * directory, and answers special paths with the faults a sign meets in the field.
 *
 *   httpd DOCROOT PORTFILE [LIFETIME_S]
 *
 * Binds an ephemeral port, writes it to PORTFILE, and serves one connection at a time until
 * LIFETIME_S (default 120) passes or it gets SIGTERM. Paths:
 *   /FILE                 the file; Content-Type by extension, an ETag from its contents
 *                         (If-None-Match with it gets 304 Not Modified)
 *   /FILE?charset=X       ... with "; charset=X" appended to the Content-Type
 *   /status/N             an empty response with status N
 *   /fault/delay/FILE     FILE after two seconds
 *   /fault/drip/FILE      FILE at one byte per second
 *   /fault/cut/FILE       half of FILE, then the connection closes
 *   /fault/big            9 MiB of body, more than any feed may be
 *   /fault/gzip-bomb      a gzip body that inflates to 200 MiB
 *   /fault/redirect?to=U  302 to U
 *   /fault/loop           302 to itself
 *   /fault/429            429 with Retry-After: 120
 *   /fault/long-etag/FILE FILE with an ETag of 9000 bytes (over the cache's 8 KiB cap)
 * Each request is appended to DOCROOT/../requests.log when LOG is set in the environment
 * (as "METHOD TARGET if-none-match=VALUE STATUS"), for tests that check what was asked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "dynbuf.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

static void respond_etag(int fd, int status, const char *type, const char *etag, const char *body,
                         size_t len)
{
    char head[768];
    int n =
        snprintf(head, sizeof(head),
                 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s%s%s%s%s%sConnection: "
                 "close\r\n\r\n",
                 status, len, type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "",
                 etag ? "ETag: " : "", etag ? etag : "", etag ? "\r\n" : "");
    send_all(fd, head, (size_t)n);
    send_all(fd, body, len);
}

static void respond(int fd, int status, const char *type, const char *body, size_t len)
{
    respond_etag(fd, status, type, NULL, body, len);
}

/* A request header's value (trimmed), or "" when absent. */
static void request_header(const char *req, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *line = strstr(req, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            h += nl + 1;
            while (*h == ' ')
                h++;
            size_t n = strcspn(h, "\r\n");
            snprintf(out, size, "%.*s", (int)n, h);
            return;
        }
    }
}

static void log_request(const char *docroot, const char *method, const char *target,
                        const char *inm, int status)
{
    if (!getenv("LOG"))
        return;
    char *path = xasprintf("%s/../requests.log", docroot);
    FILE *f = fopen(path, "a");
    free(path);
    if (!f)
        return;
    fprintf(f, "%s %s if-none-match=%s %d\n", method, target, inm[0] ? inm : "-", status);
    fclose(f);
}

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot, ".json") == 0)
        return "application/feed+json";
    if (dot && strcmp(dot, ".xml") == 0)
        return "application/rss+xml";
    return "application/octet-stream";
}

static void send_head(int fd, int status, const char *extra, size_t len)
{
    char head[1024];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n", status,
                     len, extra);
    send_all(fd, head, (size_t)n);
}

/* DOCROOT/name, or NULL once 404 is answered. */
static char *doc_or_404(int fd, const char *docroot, const char *name, size_t *len)
{
    char *path = xasprintf("%s/%s", docroot, name);
    char *body = util_read_file(path, 64u * 1024 * 1024, len);
    free(path);
    if (!body)
        respond(fd, 404, NULL, "", 0);
    return body;
}

static void fault(int fd, const char *docroot, const char *kind, const char *query)
{
    if (strncmp(kind, "drip/", 5) == 0 || strncmp(kind, "cut/", 4) == 0 ||
        strncmp(kind, "delay/", 6) == 0) {
        bool drip = kind[1] == 'r', delay = kind[1] == 'e';
        size_t len;
        char *body = doc_or_404(fd, docroot, strchr(kind, '/') + 1, &len);
        if (!body)
            return;
        if (delay)
            sleep(2);
        send_head(fd, 200, "Content-Type: application/feed+json\r\n", len);
        if (delay) {
            send_all(fd, body, len);
        } else if (drip) {
            for (size_t i = 0; i < len && !stop; i++) {
                if (send(fd, body + i, 1, MSG_NOSIGNAL) != 1)
                    break;
                sleep(1);
            }
        } else {
            send_all(fd, body, len / 2);
        }
        free(body);
    } else if (strcmp(kind, "big") == 0) {
        size_t len = 9u * 1024 * 1024;
        send_head(fd, 200, "Content-Type: application/feed+json\r\n", len);
        char chunk[65536];
        memset(chunk, ' ', sizeof(chunk));
        for (size_t sent = 0; sent < len; sent += sizeof(chunk))
            if (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) <= 0)
                break;
    } else if (strcmp(kind, "gzip-bomb") == 0) {
        z_stream z;
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY); /* 31: gzip wrapper */
        static unsigned char in[1 << 20], out[1 << 20];
        memset(in, ' ', sizeof(in));
        struct dynbuf gz;
        dynbuf_init(&gz, 64u << 20); /* 200 MiB of spaces deflate to about 200 KiB */
        for (int i = 0; i < 200; i++) {
            z.next_in = in;
            z.avail_in = sizeof(in);
            int flush = i == 199 ? Z_FINISH : Z_NO_FLUSH;
            do {
                z.next_out = out;
                z.avail_out = sizeof(out);
                deflate(&z, flush);
                if (!dynbuf_add(&gz, out, sizeof(out) - z.avail_out))
                    abort();
            } while (z.avail_out == 0);
        }
        deflateEnd(&z);
        send_head(fd, 200, "Content-Type: application/feed+json\r\nContent-Encoding: gzip\r\n",
                  gz.len);
        send_all(fd, gz.data, gz.len);
        dynbuf_finish(&gz);
    } else if (strcmp(kind, "redirect") == 0 && query && strncmp(query, "to=", 3) == 0) {
        char *loc = xasprintf("Location: %s\r\n", query + 3);
        send_head(fd, 302, loc, 0);
        free(loc);
    } else if (strcmp(kind, "loop") == 0) {
        send_head(fd, 302, "Location: /fault/loop\r\n", 0);
    } else if (strcmp(kind, "429") == 0) {
        send_head(fd, 429, "Retry-After: 120\r\n", 0);
    } else if (strncmp(kind, "long-etag/", 10) == 0) {
        size_t len;
        char *body = doc_or_404(fd, docroot, kind + 10, &len);
        if (!body)
            return;
        char *head = xasprintf("HTTP/1.1 200 X\r\nContent-Length: %zu\r\nContent-Type: "
                               "application/feed+json\r\nETag: \"%09000d\"\r\nConnection: "
                               "close\r\n\r\n",
                               len, 7);
        send_all(fd, head, strlen(head));
        send_all(fd, body, len);
        free(head);
        free(body);
    } else {
        respond(fd, 404, NULL, "", 0);
    }
}

static void serve(int fd, const char *docroot)
{
    char req[8192];
    size_t used = 0;
    while (used < sizeof(req) - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0)
            return;
        ssize_t n = recv(fd, req + used, sizeof(req) - 1 - used, 0);
        if (n <= 0)
            return;
        used += (size_t)n;
        req[used] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    char method[16], target[2048];
    if (sscanf(req, "%15s %2047s", method, target) != 2) {
        respond(fd, 400, NULL, "", 0);
        return;
    }
    char *query = strchr(target, '?');
    if (query)
        *query++ = '\0';
    char inm[256];
    request_header(req, "If-None-Match", inm, sizeof(inm));
    if (strncmp(target, "/fault/", 7) == 0) {
        log_request(docroot, method, target, inm, 0);
        fault(fd, docroot, target + 7, query);
        return;
    }
    if (strncmp(target, "/status/", 8) == 0) {
        int status = (int)strtol(target + 8, NULL, 10);
        log_request(docroot, method, target, inm, status);
        respond(fd, status, NULL, "", 0);
        return;
    }
    if (strstr(target, "..")) {
        respond(fd, 403, NULL, "", 0);
        return;
    }
    char *path = xasprintf("%s%s", docroot, target);
    size_t len;
    char *body = util_read_file(path, 64u * 1024 * 1024, &len);
    free(path);
    if (!body) {
        log_request(docroot, method, target, inm, 404);
        respond(fd, 404, NULL, "", 0);
        return;
    }
    /* FNV-1a of the contents: a new file is a new ETag. */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)body[i]) * 1099511628211ull;
    char etag[32];
    snprintf(etag, sizeof(etag), "\"%016llx\"", (unsigned long long)h);
    if (strcmp(inm, etag) == 0) {
        log_request(docroot, method, target, inm, 304);
        respond_etag(fd, 304, NULL, etag, "", 0);
        free(body);
        return;
    }
    log_request(docroot, method, target, inm, 200);
    char type[256];
    const char *charset = query && strncmp(query, "charset=", 8) == 0 ? query + 8 : NULL;
    snprintf(type, sizeof(type), "%s%s%s", type_of(target), charset ? "; charset=" : "",
             charset ? charset : "");
    respond_etag(fd, 200, type, etag, body, len);
    free(body);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: httpd DOCROOT PORTFILE [LIFETIME_S]\n");
        return 2;
    }
    long lifetime = argc > 3 ? strtol(argv[3], NULL, 10) : 120;
    signal(SIGTERM, on_term);
    signal(SIGCHLD, SIG_IGN); /* children reap themselves */
    signal(SIGINT, on_term);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(addr);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&addr, &alen) != 0) {
        perror("httpd: bind");
        return 1;
    }
    char port[16];
    int n = snprintf(port, sizeof(port), "%d\n", ntohs(addr.sin_port));
    if (!util_write_file_atomic(argv[2], port, (size_t)n))
        return 1;
    time_t end = time(NULL) + lifetime;
    while (!stop && time(NULL) < end) {
        struct pollfd p = {lfd, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        /* A connection each: a dripping response must not hold up the next request. */
        pid_t child = fork();
        if (child == 0) {
            alarm(60); /* no fault outlives a test */
            close(lfd);
            serve(fd, argv[1]);
            close(fd);
            _exit(0);
        }
        close(fd);
    }
    close(lfd);
    return 0;
}
