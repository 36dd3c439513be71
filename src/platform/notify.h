/* The systemd notification protocol (sd_notify(3)), self-contained: datagrams to the socket in
 * $NOTIFY_SOCKET. READY=1 once the first frame is on screen, WATCHDOG=1 from the render loop,
 * STATUS= from the worker. Every call is a no-op when the sign was not started by systemd.
 * notify_init runs before any thread starts; the other calls are safe from any thread. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. Returns false (and logs) only when
 * NOTIFY_SOCKET is set but unusable. */
bool notify_init(void);
/* Sends one message ("READY=1", "STATUS=..."); false when not under systemd or on error. */
bool notify_send(const char *msg);
/* Non-zero when systemd expects a watchdog ping at least this often (ns). */
int64_t notify_watchdog_interval_ns(void);
/* Sends WATCHDOG=1 when half the watchdog interval has passed since the last ping. */
void notify_watchdog(int64_t now_ns);
/* Sends STATUS=text; text is one line (anything after a newline is dropped). */
void notify_status(const char *text);
void notify_finish(void);
