#include "notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static struct {
    int fd; /* -1: not under systemd */
    struct sockaddr_un addr;
    socklen_t addr_len;
    int64_t watchdog_ns; /* 0: no watchdog */
    int64_t last_ping_ns;
} notify = {.fd = -1};

bool notify_init(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    if (usec && (!pid || strtol(pid, NULL, 10) == (long)getpid())) {
        long long v = strtoll(usec, NULL, 10);
        if (v > 0)
            notify.watchdog_ns = v * 1000;
    }
    if (!path || !*path)
        return true;
    size_t len = strlen(path);
    /* A path, or '@' for a name in the abstract namespace (leading NUL). */
    if ((path[0] != '/' && path[0] != '@') || len >= sizeof(notify.addr.sun_path)) {
        log_error("NOTIFY_SOCKET=%s: not a socket path; systemd will not hear from the sign", path);
        return false;
    }
    notify.addr.sun_family = AF_UNIX;
    memcpy(notify.addr.sun_path, path, len);
    if (path[0] == '@')
        notify.addr.sun_path[0] = '\0';
    notify.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    notify.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (notify.fd < 0) {
        log_error("NOTIFY_SOCKET: %s", strerror(errno));
        return false;
    }
    return true;
}

bool notify_send(const char *msg)
{
    if (notify.fd < 0)
        return false;
    /* Never blocks: a full socket buffer loses a message rather than a frame. */
    ssize_t n = sendto(notify.fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT,
                       (const struct sockaddr *)&notify.addr, notify.addr_len);
    return n == (ssize_t)strlen(msg);
}

int64_t notify_watchdog_interval_ns(void)
{
    return notify.watchdog_ns;
}

void notify_watchdog(int64_t now_ns)
{
    if (!notify.watchdog_ns || now_ns - notify.last_ping_ns < notify.watchdog_ns / 2)
        return;
    notify.last_ping_ns = now_ns;
    notify_send("WATCHDOG=1");
}

void notify_status(const char *text)
{
    if (notify.fd < 0)
        return;
    char msg[512];
    snprintf(msg, sizeof(msg), "STATUS=%.*s", (int)strcspn(text, "\n"), text);
    notify_send(msg);
}

void notify_finish(void)
{
    if (notify.fd >= 0) {
        notify_send("STOPPING=1");
        close(notify.fd);
    }
    notify.fd = -1;
}
