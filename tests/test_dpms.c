/* DPMS through KMS. Build machines have no DRM device, so the kernel's part is played here:
 * ioctl is wrapped (-Wl,--wrap=ioctl) and a fake KMS device answers GETRESOURCES,
 * GETCONNECTOR, GETPROPERTY and SETPROPERTY as the kernel does (arrays filled only up to the
 * room given, counts always the real ones). Every other fd reaches the real ioctl: anything that
 * is not a KMS device is refused with false and one warning line that says why, and kms_probe
 * takes it for a connected display. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "dpms.h"
#include "util.h"

/* Without libdrm's headers the sign builds dpms_none.c, and only the refusals are tested. */
#if defined(__has_include)
#if __has_include(<drm_mode.h>)
#include <drm.h>
#include <drm_mode.h>
#define HAVE_DRM_HEADERS 1
#endif
#endif

int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);

#ifdef HAVE_DRM_HEADERS
#define FAKE_FIRST_CONNECTOR 40
#define FAKE_PROP_EDID 31
#define FAKE_PROP_LINK_STATUS 32
#define FAKE_PROP_DPMS 33
#define FAKE_CONNECTED 1
#define FAKE_DISCONNECTED 2
#define FAKE_UNKNOWN 3
#define FAKE_MAX 3

struct fake_connector {
    uint32_t type, type_id, connection;
    bool dpms;      /* has the DPMS property */
    int64_t set_to; /* the value SETPROPERTY wrote; -1: never called */
};

/* A KMS device as the kernel presents it. */
struct fake_kms {
    int fd; /* a real fd (of /dev/null), so no other fd is taken for it */
    bool master;
    /* A display plugged in while dpms_set runs: the last connector is not there at the first
     * GETRESOURCES, and each connector's last property not at its first GETCONNECTOR. */
    bool hotplug;
    struct fake_connector conns[FAKE_MAX];
    size_t count;
    int resources_calls, connector_calls[FAKE_MAX];
    int probes; /* GETCONNECTOR with count_modes 0: a forced probe, which can blank the panel */
    /* The device failing: from the fail_after-th ioctl on (counting from 0), every one fails
     * with fail_errno (0: never). */
    int fail_errno, fail_after, calls;
};

static struct fake_kms *fake; /* what __wrap_ioctl answers for, or NULL */

static int fake_errno(int e)
{
    errno = e;
    return -1;
}

static int fake_resources(struct fake_kms *k, struct drm_mode_card_res *res)
{
    uint32_t n = (uint32_t)k->count - (k->hotplug && k->resources_calls == 0 ? 1 : 0);
    k->resources_calls++;
    uint32_t *ids = (uint32_t *)(uintptr_t)res->connector_id_ptr;
    for (uint32_t i = 0; i < n && i < res->count_connectors; i++) {
        if (!ids)
            return fake_errno(EFAULT);
        ids[i] = FAKE_FIRST_CONNECTOR + i;
    }
    res->count_connectors = n;
    res->count_crtcs = 1;
    res->count_encoders = 1;
    return 0;
}

static struct fake_connector *fake_find(struct fake_kms *k, uint32_t id)
{
    if (id < FAKE_FIRST_CONNECTOR || id - FAKE_FIRST_CONNECTOR >= k->count)
        return NULL;
    return &k->conns[id - FAKE_FIRST_CONNECTOR];
}

static int fake_connector(struct fake_kms *k, struct drm_mode_get_connector *c)
{
    struct fake_connector *fc = fake_find(k, c->connector_id);
    if (!fc)
        return fake_errno(ENOENT);
    size_t index = (size_t)(fc - k->conns);
    if (c->count_modes == 0)
        k->probes++;
    uint32_t modes = fc->connection == FAKE_CONNECTED ? 1 : 0;
    if (modes && c->count_modes >= modes) {
        if (!c->modes_ptr)
            return fake_errno(EFAULT);
        struct drm_mode_modeinfo mode = {.hdisplay = 1920, .vdisplay = 1080, .vrefresh = 60};
        memcpy((void *)(uintptr_t)c->modes_ptr, &mode, sizeof(mode));
    }
    c->count_modes = modes;
    const uint32_t props[] = {FAKE_PROP_EDID, FAKE_PROP_LINK_STATUS, FAKE_PROP_DPMS};
    uint32_t n = fc->dpms ? 3 : 2;
    if (k->hotplug && k->connector_calls[index]++ == 0)
        n--;
    uint32_t *ids = (uint32_t *)(uintptr_t)c->props_ptr;
    uint64_t *values = (uint64_t *)(uintptr_t)c->prop_values_ptr;
    for (uint32_t i = 0; i < n && i < c->count_props; i++) {
        if (!ids || !values)
            return fake_errno(EFAULT);
        ids[i] = props[i];
        values[i] = 0;
    }
    c->count_props = n;
    c->count_encoders = 1;
    c->connection = fc->connection;
    c->connector_type = fc->type;
    c->connector_type_id = fc->type_id;
    return 0;
}

static int fake_property(struct drm_mode_get_property *p)
{
    static const char *const names[] = {"EDID", "link-status", "DPMS"};
    if (p->prop_id < FAKE_PROP_EDID || p->prop_id > FAKE_PROP_DPMS)
        return fake_errno(ENOENT);
    bool is_enum = p->prop_id != FAKE_PROP_EDID;
    /* Enum entries are copied only into room given for all four. */
    if (is_enum && p->count_enum_blobs >= 4 && !p->enum_blob_ptr)
        return fake_errno(EFAULT);
    snprintf(p->name, sizeof(p->name), "%s", names[p->prop_id - FAKE_PROP_EDID]);
    p->count_values = is_enum ? 4 : 0;
    p->count_enum_blobs = is_enum ? 4 : 0;
    return 0;
}

static int fake_set_property(struct fake_kms *k, const struct drm_mode_connector_set_property *s)
{
    if (!k->master)
        return fake_errno(EACCES);
    struct fake_connector *fc = fake_find(k, s->connector_id);
    if (!fc)
        return fake_errno(ENOENT);
    if (s->prop_id != FAKE_PROP_DPMS || !fc->dpms || s->value > DRM_MODE_DPMS_OFF)
        return fake_errno(EINVAL);
    fc->set_to = (int64_t)s->value;
    return 0;
}

static int fake_ioctl(struct fake_kms *k, unsigned long request, void *arg)
{
    if (k->calls++ >= k->fail_after && k->fail_errno)
        return fake_errno(k->fail_errno);
    if (request == DRM_IOCTL_MODE_GETRESOURCES)
        return fake_resources(k, arg);
    if (request == DRM_IOCTL_MODE_GETCONNECTOR)
        return fake_connector(k, arg);
    if (request == DRM_IOCTL_MODE_GETPROPERTY)
        return fake_property(arg);
    if (request == DRM_IOCTL_MODE_SETPROPERTY)
        return fake_set_property(k, arg);
    return fake_errno(ENOTTY);
}
#endif

int __wrap_ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
#ifdef HAVE_DRM_HEADERS
    if (fake && fd == fake->fd)
        return fake_ioctl(fake, request, arg);
#endif
    return __real_ioctl(fd, request, arg);
}

enum fd_kind { FD_NONE, FD_DEV_NULL, FD_REGULAR_FILE, FD_PIPE, FD_CLOSED };

struct refuse_case {
    const char *what;
    enum fd_kind kind;
    bool on;
    const char *reason; /* in the warning */
};

static const struct refuse_case refuse_cases[] = {
    {"no fd, off", FD_NONE, false, "no KMS device"},
    {"no fd, on", FD_NONE, true, "no KMS device"},
    {"/dev/null, off", FD_DEV_NULL, false, "not a KMS device"},
    {"/dev/null, on", FD_DEV_NULL, true, "not a KMS device"},
    {"a regular file", FD_REGULAR_FILE, false, "not a KMS device"},
    {"a pipe", FD_PIPE, false, "not a KMS device"},
    /* Not the errno's text: qemu-user answers an ioctl it does not know with ENOSYS first. */
    {"an fd that is not open", FD_CLOSED, true, "not a KMS device"},
};

/* An fd of the kind; *other is a second one to close (the pipe's write end), or -1. */
static int open_kind(enum fd_kind kind, int *other)
{
    *other = -1;
    int fds[2];
    switch (kind) {
    case FD_NONE:
        return -1;
    case FD_DEV_NULL:
        return open("/dev/null", O_RDWR | O_CLOEXEC);
    case FD_REGULAR_FILE:
        return open(TICKER_SOURCE_DIR "/CMakeLists.txt", O_RDONLY | O_CLOEXEC);
    case FD_PIPE:
        assert_int_equal(pipe(fds), 0);
        *other = fds[1];
        return fds[0];
    case FD_CLOSED:
        /* High enough that the capture's own fds do not land on it. */
        assert_int_equal(fcntl(900, F_GETFD), -1);
        return 900;
    }
    return -1;
}

static void test_refused(void **state)
{
    (void)state;
    for (size_t c = 0; c < ARRAY_LEN(refuse_cases); c++) {
        const struct refuse_case *rc = &refuse_cases[c];
        int other;
        int fd = open_kind(rc->kind, &other);
        if (rc->kind != FD_NONE && rc->kind != FD_CLOSED && fd < 0)
            fail_msg("%s: cannot open the fd", rc->what);
        struct test_capture cap;
        test_capture_begin(&cap);
        bool ok = dpms_set(fd, rc->on);
        char *logged = test_capture_end(&cap);
        /* A build without libdrm's headers (dpms_none.c) refuses everything for that reason. */
        bool why = strstr(logged, rc->reason) || strstr(logged, "without libdrm's headers");
        if (ok || test_count_lines(logged) != 1 || !why ||
            !strstr(logged, rc->on ? "display on" : "display off"))
            fail_msg("%s: returned %d and logged \"%s\"; want false and one line with \"%s\"",
                     rc->what, ok, logged, rc->reason);
        free(logged);
        if (fd >= 0 && rc->kind != FD_CLOSED)
            close(fd);
        if (other >= 0)
            close(other);
    }
}

static const char *state_name(enum kms_state state)
{
    static const char *const names[] = {"KMS_CONNECTED", "KMS_NO_DISPLAY", "KMS_GONE"};
    return (size_t)state < ARRAY_LEN(names) ? names[state] : "not a kms_state";
}

/* Not KMSDRM, or not a KMS device: nothing certain is lost, so connected, and nothing logged. An
 * fd that is not open is left out: the kernel says EBADF (gone) but qemu-user says ENOSYS. */
static void test_probe_not_kms(void **state)
{
    (void)state;
    static const enum fd_kind kinds[] = {FD_NONE, FD_DEV_NULL, FD_REGULAR_FILE, FD_PIPE};
    for (size_t c = 0; c < ARRAY_LEN(kinds); c++) {
        int other;
        int fd = open_kind(kinds[c], &other);
        if (kinds[c] != FD_NONE && fd < 0)
            fail_msg("fd kind %d: cannot open the fd", kinds[c]);
        struct test_capture cap;
        test_capture_begin(&cap);
        enum kms_state got = kms_probe(fd);
        char *logged = test_capture_end(&cap);
        if (got != KMS_CONNECTED || *logged)
            fail_msg("fd kind %d: %s and logged \"%s\"; want KMS_CONNECTED and nothing", kinds[c],
                     state_name(got), logged);
        free(logged);
        if (fd >= 0)
            close(fd);
        if (other >= 0)
            close(other);
    }
}

#ifdef HAVE_DRM_HEADERS
#define HDMI(n, state)                                                                             \
    {                                                                                              \
        DRM_MODE_CONNECTOR_HDMIA, n, state, true, -1                                               \
    }

struct kms_case {
    const char *what;
    bool on, master, hotplug;
    size_t count;
    struct fake_connector conns[FAKE_MAX];
    bool ok;
    int64_t want[FAKE_MAX]; /* the DPMS value each connector was set to; -1: left alone */
    const char *warning;    /* NULL: nothing logged */
};

static const struct kms_case kms_cases[] = {
    {"off: the connected port only",
     false,
     true,
     false,
     2,
     {HDMI(1, FAKE_CONNECTED), HDMI(2, FAKE_DISCONNECTED)},
     true,
     {DRM_MODE_DPMS_OFF, -1},
     NULL},
    {"on: the connected port only",
     true,
     true,
     false,
     2,
     {HDMI(1, FAKE_DISCONNECTED), HDMI(2, FAKE_CONNECTED)},
     true,
     {-1, DRM_MODE_DPMS_ON},
     NULL},
    {"a display plugged in between counting and filling",
     false,
     true,
     true,
     2,
     {HDMI(1, FAKE_CONNECTED), HDMI(2, FAKE_CONNECTED)},
     true,
     {DRM_MODE_DPMS_OFF, DRM_MODE_DPMS_OFF},
     NULL},
    {"three displays",
     true,
     true,
     false,
     3,
     {HDMI(1, FAKE_CONNECTED), HDMI(2, FAKE_CONNECTED), HDMI(3, FAKE_CONNECTED)},
     true,
     {DRM_MODE_DPMS_ON, DRM_MODE_DPMS_ON, DRM_MODE_DPMS_ON},
     NULL},
    {"not the DRM master",
     false,
     false,
     false,
     1,
     {HDMI(1, FAKE_CONNECTED)},
     false,
     {-1},
     "HDMI-A-1: not the DRM master"},
    {"nothing connected",
     false,
     true,
     false,
     2,
     {HDMI(1, FAKE_DISCONNECTED), HDMI(2, FAKE_DISCONNECTED)},
     false,
     {-1, -1},
     "no connected display"},
    {"no connectors at all", true, true, false, 0, {{0}}, false, {-1}, "no connected display"},
    {"a connector without DPMS",
     false,
     true,
     false,
     1,
     {{DRM_MODE_CONNECTOR_DSI, 1, FAKE_CONNECTED, false, -1}},
     false,
     {-1},
     "DSI-1 has no DPMS property"},
    {"one switched, one without DPMS",
     false,
     true,
     false,
     2,
     {HDMI(1, FAKE_CONNECTED), {DRM_MODE_CONNECTOR_DSI, 1, FAKE_CONNECTED, false, -1}},
     true,
     {DRM_MODE_DPMS_OFF, -1},
     "DSI-1 has no DPMS property; 1 other connector switched"},
    {"a connector type newer than the table",
     true,
     false,
     false,
     1,
     {{99, 2, FAKE_CONNECTED, true, -1}},
     false,
     {-1},
     "Unknown-2: not the DRM master"},
};

static void test_fake_device(void **state)
{
    (void)state;
    for (size_t c = 0; c < ARRAY_LEN(kms_cases); c++) {
        const struct kms_case *kc = &kms_cases[c];
        struct fake_kms k = {.master = kc->master, .hotplug = kc->hotplug, .count = kc->count};
        memcpy(k.conns, kc->conns, sizeof(k.conns));
        k.fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        assert_true(k.fd >= 0);
        fake = &k;
        struct test_capture cap;
        test_capture_begin(&cap);
        bool ok = dpms_set(k.fd, kc->on);
        char *logged = test_capture_end(&cap);
        fake = NULL;
        close(k.fd);
        if (ok != kc->ok)
            fail_msg("%s: returned %d (logged \"%s\")", kc->what, ok, logged);
        for (size_t i = 0; i < kc->count; i++)
            if (k.conns[i].set_to != kc->want[i])
                fail_msg("%s: connector %zu set to %lld, expected %lld", kc->what, i,
                         (long long)k.conns[i].set_to, (long long)kc->want[i]);
        bool quiet = !kc->warning && !*logged;
        bool warned = kc->warning && test_count_lines(logged) == 1 && strstr(logged, kc->warning) &&
                      strstr(logged, kc->on ? "display on" : "display off");
        if (!quiet && !warned)
            fail_msg("%s: logged \"%s\", expected %s%s", kc->what, logged,
                     kc->warning ? "one line with " : "nothing", kc->warning ? kc->warning : "");
        if (k.probes)
            fail_msg("%s: %d forced probes", kc->what, k.probes);
        if (kc->hotplug && k.resources_calls < 3)
            fail_msg("%s: the connector list was read %d times, not again after it grew", kc->what,
                     k.resources_calls);
        free(logged);
    }
}

struct probe_case {
    const char *what;
    bool hotplug;
    int fail_errno, fail_after;
    size_t count;
    uint32_t connection[FAKE_MAX];
    enum kms_state want;
};

static const struct probe_case probe_cases[] = {
    {"one of three connected",
     false,
     0,
     0,
     3,
     {FAKE_DISCONNECTED, FAKE_CONNECTED, FAKE_DISCONNECTED},
     KMS_CONNECTED},
    {"the last of three connected",
     false,
     0,
     0,
     3,
     {FAKE_DISCONNECTED, FAKE_DISCONNECTED, FAKE_CONNECTED},
     KMS_CONNECTED},
    {"plugged into a port that appeared between counting and filling",
     true,
     0,
     0,
     2,
     {FAKE_DISCONNECTED, FAKE_CONNECTED},
     KMS_CONNECTED},
    {"none of three connected",
     false,
     0,
     0,
     3,
     {FAKE_DISCONNECTED, FAKE_DISCONNECTED, FAKE_DISCONNECTED},
     KMS_NO_DISPLAY},
    {"no connectors at all", false, 0, 0, 0, {0}, KMS_NO_DISPLAY},
    {"a port whose state the driver cannot tell",
     false,
     0,
     0,
     2,
     {FAKE_DISCONNECTED, FAKE_UNKNOWN},
     KMS_CONNECTED},
    {"ENODEV: the driver unbound", false, ENODEV, 0, 1, {FAKE_CONNECTED}, KMS_GONE},
    {"ENXIO", false, ENXIO, 0, 1, {FAKE_CONNECTED}, KMS_GONE},
    {"EIO: the GPU reset", false, EIO, 0, 1, {FAKE_CONNECTED}, KMS_GONE},
    {"EBADF: the fd closed", false, EBADF, 0, 1, {FAKE_CONNECTED}, KMS_GONE},
    {"gone between the list and its connectors",
     false,
     ENODEV,
     2,
     2,
     {FAKE_DISCONNECTED, FAKE_CONNECTED},
     KMS_GONE},
    {"EINVAL: no certain loss", false, EINVAL, 0, 1, {FAKE_DISCONNECTED}, KMS_CONNECTED},
    {"EACCES: no certain loss", false, EACCES, 2, 1, {FAKE_DISCONNECTED}, KMS_CONNECTED},
    /* The connectors listed were unplugged from an MST hub before they were read. */
    {"ENOENT on each connector",
     false,
     ENOENT,
     2,
     2,
     {FAKE_CONNECTED, FAKE_CONNECTED},
     KMS_NO_DISPLAY},
};

static void test_probe(void **state)
{
    (void)state;
    for (size_t c = 0; c < ARRAY_LEN(probe_cases); c++) {
        const struct probe_case *pc = &probe_cases[c];
        struct fake_kms k = {.master = true,
                             .hotplug = pc->hotplug,
                             .count = pc->count,
                             .fail_errno = pc->fail_errno,
                             .fail_after = pc->fail_after};
        for (size_t i = 0; i < pc->count; i++)
            k.conns[i] = (struct fake_connector)HDMI((uint32_t)i + 1, pc->connection[i]);
        k.fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        assert_true(k.fd >= 0);
        fake = &k;
        struct test_capture cap;
        test_capture_begin(&cap);
        enum kms_state got = kms_probe(k.fd);
        char *logged = test_capture_end(&cap);
        fake = NULL;
        close(k.fd);
        if (got != pc->want)
            fail_msg("%s: %s, expected %s", pc->what, state_name(got), state_name(pc->want));
        if (*logged)
            fail_msg("%s: logged \"%s\"", pc->what, logged);
        if (k.probes)
            fail_msg("%s: %d forced probes", pc->what, k.probes);
        if (pc->hotplug && k.resources_calls < 3)
            fail_msg("%s: the connector list was read %d times, not again after it grew", pc->what,
                     k.resources_calls);
        if (pc->fail_errno && k.calls <= pc->fail_after)
            fail_msg("%s: %d ioctls, so the failure was never met", pc->what, k.calls);
        free(logged);
    }
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_probe_not_kms),
#ifdef HAVE_DRM_HEADERS
        cmocka_unit_test(test_fake_device),
        cmocka_unit_test(test_probe),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
