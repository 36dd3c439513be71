#include "dpms.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

/* libdrm-dev's copies of the kernel's KMS structures and ioctl numbers; libdrm itself is not
 * linked, so the ioctls below are the whole interface. */
#include <drm.h>
#include <drm_mode.h>

#include "log.h"
#include "util.h"

/* drm_mode_get_connector.connection: the kernel's enum drm_connector_status. */
#define CONNECTOR_CONNECTED 1
#define CONNECTOR_DISCONNECTED 2
/* Counts asked again when a connector or property appeared between the call that counts and the
 * call that fills (a monitor plugged into an MST hub at that moment). */
#define KMS_MAX_TRIES 4
/* What kms_connector_ids and kms_connector return when the counts grew on every try; otherwise
 * they return 0 or the failed ioctl's errno. */
#define KMS_KEPT_CHANGING (-1)

/* One dpms_set call: what it switched, and why the last connector that failed did. */
struct dpms_run {
    int fd;
    uint64_t value;
    unsigned switched, failed;
    char why[200];
};

static void dpms_fail(struct dpms_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void dpms_fail(struct dpms_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof(r->why), fmt, ap);
    va_end(ap);
    r->failed++;
}

static int kms_ioctl(int fd, unsigned long request, void *arg)
{
    int ret;
    /* As libdrm's drmIoctl does: a signal or a busy device is no answer. */
    do
        ret = ioctl(fd, request, arg);
    while (ret < 0 && (errno == EINTR || errno == EAGAIN));
    return ret;
}

static uint64_t kms_ptr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* The errnos of a device that is no more: its driver unbound (drm_dev_unplug), the GPU reset
 * and not recovered, or the fd closed under us. */
static bool kms_gone(int err)
{
    return err == ENODEV || err == ENXIO || err == EIO || err == EBADF;
}

/* The device's connector ids, by the kernel's two calls: the count, then the array. *ids is the
 * caller's to free, whatever this returns. */
static int kms_connector_ids(int fd, uint32_t **ids, uint32_t *count)
{
    uint32_t room = 0;
    for (int tries = 0; tries < KMS_MAX_TRIES; tries++) {
        struct drm_mode_card_res res;
        memset(&res, 0, sizeof(res));
        res.count_connectors = room;
        res.connector_id_ptr = kms_ptr(*ids);
        if (kms_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0)
            return errno;
        if (res.count_connectors <= room) {
            *count = res.count_connectors;
            return 0;
        }
        room = res.count_connectors;
        *ids = xrealloc(*ids, room * sizeof(**ids));
    }
    return KMS_KEPT_CHANGING;
}

/* One connector's state and, unless props is NULL, its property ids (values alongside: the
 * kernel fills both; the caller frees them, whatever this returns). */
static int kms_connector(int fd, uint32_t id, struct drm_mode_get_connector *conn, uint32_t **props,
                         uint64_t **values)
{
    uint32_t room = 0;
    for (int tries = 0; tries < KMS_MAX_TRIES; tries++) {
        /* Room for one mode: asked for none, the kernel would probe the connector again for
         * its master, reading the EDID, which can blank some displays for a moment. */
        struct drm_mode_modeinfo mode;
        memset(conn, 0, sizeof(*conn));
        conn->connector_id = id;
        conn->count_modes = 1;
        conn->modes_ptr = kms_ptr(&mode);
        if (props) {
            conn->count_props = room;
            conn->props_ptr = kms_ptr(*props);
            conn->prop_values_ptr = kms_ptr(*values);
        }
        if (kms_ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, conn) < 0)
            return errno;
        if (!props || conn->count_props <= room)
            return 0;
        room = conn->count_props;
        *props = xrealloc(*props, room * sizeof(**props));
        *values = xrealloc(*values, room * sizeof(**values));
    }
    return KMS_KEPT_CHANGING;
}

static bool dpms_find_property(int fd, const uint32_t *props, uint32_t count, const char *name,
                               uint32_t *prop_id)
{
    for (uint32_t i = 0; i < count; i++) {
        /* Counts of zero: the kernel reports the name and copies no values. */
        struct drm_mode_get_property prop;
        memset(&prop, 0, sizeof(prop));
        prop.prop_id = props[i];
        if (kms_ioctl(fd, DRM_IOCTL_MODE_GETPROPERTY, &prop) < 0)
            continue;
        if (strncmp(prop.name, name, sizeof(prop.name)) == 0) {
            *prop_id = props[i];
            return true;
        }
    }
    return false;
}

/* The kernel's name for a connector ("HDMI-A-1"), as in /sys/class/drm and the kernel log. */
static void dpms_connector_name(const struct drm_mode_get_connector *conn, char *out, size_t len)
{
    static const char *const types[] = {
        "Unknown", "VGA",       "DVI-I", "DVI-D", "DVI-A",     "Composite", "SVIDEO",
        "LVDS",    "Component", "DIN",   "DP",    "HDMI-A",    "HDMI-B",    "TV",
        "eDP",     "Virtual",   "DSI",   "DPI",   "Writeback", "SPI",       "USB",
    };
    const char *type =
        conn->connector_type < ARRAY_LEN(types) ? types[conn->connector_type] : "Unknown";
    snprintf(out, len, "%s-%u", type, conn->connector_type_id);
}

static void dpms_switch(struct dpms_run *r, uint32_t connector_id)
{
    struct drm_mode_get_connector conn;
    uint32_t *props = NULL;
    uint64_t *values = NULL;
    int err = kms_connector(r->fd, connector_id, &conn, &props, &values);
    if (err)
        dpms_fail(r, "connector %u: %s", connector_id,
                  err == KMS_KEPT_CHANGING ? "its properties kept changing" : strerror(err));
    if (err || conn.connection != CONNECTOR_CONNECTED)
        goto free_props;
    char name[48];
    dpms_connector_name(&conn, name, sizeof(name));
    uint32_t prop_id;
    if (!dpms_find_property(r->fd, props, conn.count_props, "DPMS", &prop_id)) {
        dpms_fail(r, "%s has no DPMS property", name);
        goto free_props;
    }
    struct drm_mode_connector_set_property set = {
        .value = r->value, .prop_id = prop_id, .connector_id = connector_id};
    if (kms_ioctl(r->fd, DRM_IOCTL_MODE_SETPROPERTY, &set) < 0)
        dpms_fail(r, "%s: %s", name,
                  errno == EACCES ? "not the DRM master (another program holds the display)"
                                  : strerror(errno));
    else
        r->switched++;
free_props:
    free(props);
    free(values);
}

bool dpms_set(int drm_fd, bool on)
{
    struct dpms_run r = {.fd = drm_fd, .value = on ? DRM_MODE_DPMS_ON : DRM_MODE_DPMS_OFF};
    snprintf(r.why, sizeof(r.why), "no connected display");
    uint32_t *ids = NULL;
    uint32_t count = 0;
    int err;
    if (drm_fd < 0)
        dpms_fail(&r, "no KMS device (the display is not driven through KMSDRM)");
    else if ((err = kms_connector_ids(drm_fd, &ids, &count)) == KMS_KEPT_CHANGING)
        dpms_fail(&r, "the device's connectors kept changing");
    else if (err)
        dpms_fail(&r, "fd %d is not a KMS device (%s)", drm_fd, strerror(err));
    else
        for (uint32_t i = 0; i < count; i++)
            dpms_switch(&r, ids[i]);
    free(ids);
    if (!r.switched)
        log_warn("cannot switch the display %s (DPMS): %s", on ? "on" : "off", r.why);
    else if (r.failed)
        log_warn("cannot switch the display %s (DPMS): %s; %u other connector%s switched",
                 on ? "on" : "off", r.why, r.switched, r.switched == 1 ? "" : "s");
    return r.switched > 0;
}

enum kms_state kms_probe(int drm_fd)
{
    if (drm_fd < 0)
        return KMS_CONNECTED;
    uint32_t *ids = NULL;
    uint32_t count = 0;
    int err = kms_connector_ids(drm_fd, &ids, &count);
    enum kms_state state = KMS_NO_DISPLAY;
    for (uint32_t i = 0; !err && state == KMS_NO_DISPLAY && i < count; i++) {
        struct drm_mode_get_connector conn;
        err = kms_connector(drm_fd, ids[i], &conn, NULL, NULL);
        /* ENOENT: unplugged from an MST hub since the list was read, so not connected. Unknown
         * (a driver that cannot tell) is no certain loss: as connected. */
        if (err == ENOENT)
            err = 0;
        else if (!err && conn.connection != CONNECTOR_DISCONNECTED)
            state = KMS_CONNECTED;
    }
    free(ids);
    if (err)
        return kms_gone(err) ? KMS_GONE : KMS_CONNECTED;
    return state;
}
