#include "cec.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/cec-funcs.h>

#include "log.h"
#include "util.h"

struct cec {
    int fd;
    char *path;     /* "/dev/cec0", for messages */
    bool can_claim; /* CEC_CAP_LOG_ADDRS: logical addresses are ours to claim */
};

size_t cec_power_messages(bool on, uint8_t from_log_addr, uint16_t phys_addr, struct cec_msg out[2])
{
    /* cec_msg_init zeroes the whole message: no reply to wait for, no flags. */
    cec_msg_init(&out[0], from_log_addr, CEC_LOG_ADDR_TV);
    if (!on) {
        cec_msg_standby(&out[0]);
        return 1;
    }
    cec_msg_image_view_on(&out[0]);
    if (phys_addr == CEC_PHYS_ADDR_INVALID)
        return 1;
    /* Without <Active Source> the TV wakes on whatever input it showed last. */
    cec_msg_init(&out[1], from_log_addr, CEC_LOG_ADDR_BROADCAST);
    cec_msg_active_source(&out[1], phys_addr);
    return 2;
}

static uint16_t cec_phys_addr(int fd)
{
    uint16_t phys = CEC_PHYS_ADDR_INVALID;
    if (ioctl(fd, CEC_ADAP_G_PHYS_ADDR, &phys) < 0)
        return CEC_PHYS_ADDR_INVALID;
    return phys;
}

static struct cec *cec_new(int fd, const char *path)
{
    struct cec *c = xmalloc(sizeof(*c));
    c->fd = fd;
    c->path = xstrdup(path);
    c->can_claim = false;
    return c;
}

/* The first adapter that opens, or a later one when only that one has a display on its port. */
static struct cec *cec_pick(void)
{
    glob_t found;
    if (glob("/dev/cec[0-9]*", 0, NULL, &found) != 0) {
        log_info("no HDMI-CEC adapter (/dev/cec*): the display's power is left to the display");
        return NULL;
    }
    struct cec *c = NULL;
    size_t failed = found.gl_pathc; /* the first that did not open */
    int open_errno = 0;
    for (size_t i = 0; i < found.gl_pathc; i++) {
        int fd = open(found.gl_pathv[i], O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            if (failed == found.gl_pathc) {
                failed = i;
                open_errno = errno;
            }
            continue;
        }
        bool connected = cec_phys_addr(fd) != CEC_PHYS_ADDR_INVALID;
        if (c && !connected) {
            close(fd);
            continue;
        }
        cec_destroy(c);
        c = cec_new(fd, found.gl_pathv[i]);
        if (connected)
            break;
    }
    if (!c)
        log_info("%s: %s%s; no HDMI-CEC power control", found.gl_pathv[failed],
                 strerror(open_errno),
                 open_errno == EACCES || open_errno == EPERM
                     ? " (the service needs DeviceAllow=char-cec rw and the video group)"
                     : "");
    globfree(&found);
    return c;
}

/* Claims a logical address as a Playback device, the type of a media player; CEC 2.0 so the
 * kernel answers <Give Features> for us. Returns 0 or an errno; las then says what we have. */
static int cec_claim(const struct cec *c, struct cec_log_addrs *las)
{
    memset(las, 0, sizeof(*las));
    las->cec_version = CEC_OP_CEC_VERSION_2_0;
    las->num_log_addrs = 1;
    las->vendor_id = CEC_VENDOR_ID_NONE;
    /* Three players already on the bus leave no Playback address: as Unregistered we can still
     * wake the TV and put it to sleep. */
    las->flags = CEC_LOG_ADDRS_FL_ALLOW_UNREG_FALLBACK;
    snprintf(las->osd_name, sizeof(las->osd_name), "%s", "ticker");
    las->log_addr_type[0] = CEC_LOG_ADDR_TYPE_PLAYBACK;
    las->primary_device_type[0] = CEC_OP_PRIM_DEVTYPE_PLAYBACK;
    las->all_device_types[0] = CEC_OP_ALL_DEVTYPE_PLAYBACK;
    /* Blocks while the kernel polls for a free address. With no display connected the kernel
     * keeps the request and claims when one appears; the configuration outlives us, so the next
     * start finds it in place. */
    if (ioctl(c->fd, CEC_ADAP_S_LOG_ADDRS, las) < 0) {
        int err = errno;
        memset(las, 0, sizeof(*las));
        return err;
    }
    return 0;
}

static bool cec_setup(struct cec *c)
{
    /* Initiator, not exclusive and not a follower: cec-ctl keeps working beside us, and the
     * kernel answers the core messages (<Give Physical Address>, <Give OSD Name>) itself. */
    uint32_t mode = CEC_MODE_INITIATOR | CEC_MODE_NO_FOLLOWER;
    if (ioctl(c->fd, CEC_S_MODE, &mode) < 0) {
        log_warn("%s: cannot become a CEC initiator: %s", c->path, strerror(errno));
        return false;
    }
    struct cec_caps caps;
    struct cec_log_addrs las;
    memset(&caps, 0, sizeof(caps));
    memset(&las, 0, sizeof(las));
    if (ioctl(c->fd, CEC_ADAP_G_CAPS, &caps) < 0 || ioctl(c->fd, CEC_ADAP_G_LOG_ADDRS, &las) < 0) {
        log_warn("%s: not a CEC adapter: %s", c->path, strerror(errno));
        return false;
    }
    /* Someone configured the adapter already (an earlier run, cec-ctl): use what is there. */
    c->can_claim = caps.capabilities & CEC_CAP_LOG_ADDRS;
    int err = las.num_log_addrs == 0 && c->can_claim ? cec_claim(c, &las) : 0;
    if (err)
        log_warn("%s: cannot claim a CEC logical address: %s; trying again when the display "
                 "is switched",
                 c->path, strerror(err));
    char number[8];
    const char *log_addr = las.num_log_addrs ? "pending" : "none";
    if (las.num_log_addrs > 0 && las.log_addr[0] != CEC_LOG_ADDR_INVALID) {
        snprintf(number, sizeof(number), "%d", las.log_addr[0]);
        log_addr = number;
    }
    unsigned phys = cec_phys_addr(c->fd);
    if (phys == CEC_PHYS_ADDR_INVALID)
        log_info("%s (%s): HDMI-CEC power control, logical address %s, no display connected",
                 c->path, caps.name, log_addr);
    else
        log_info("%s (%s): HDMI-CEC power control, logical address %s, physical address "
                 "%x.%x.%x.%x",
                 c->path, caps.name, log_addr, phys >> 12, (phys >> 8) & 0xfu, (phys >> 4) & 0xfu,
                 phys & 0xfu);
    return true;
}

struct cec *cec_open(void)
{
    struct cec *c = cec_pick();
    if (c && !cec_setup(c)) {
        cec_destroy(c);
        return NULL;
    }
    return c;
}

/* Our logical address, claimed now if the configuration was cleared (cec-ctl --clear) or the
 * claim at open failed; or why there is none. */
static bool cec_log_addr(const struct cec *c, uint8_t *log_addr, char *why, size_t why_len)
{
    struct cec_log_addrs las;
    memset(&las, 0, sizeof(las));
    int err = ioctl(c->fd, CEC_ADAP_G_LOG_ADDRS, &las) < 0 ? errno : 0;
    if (!err && las.num_log_addrs == 0 && c->can_claim)
        err = cec_claim(c, &las);
    if (err)
        snprintf(why, why_len, "no CEC logical address: %s", strerror(err));
    else if (las.num_log_addrs == 0)
        snprintf(why, why_len, "no CEC logical address, and only the adapter's driver sets one");
    else if (las.log_addr[0] == CEC_LOG_ADDR_INVALID)
        snprintf(why, why_len,
                 "no CEC logical address yet (none free on the bus, or still claiming)");
    else
        *log_addr = las.log_addr[0];
    return !err && las.num_log_addrs > 0 && las.log_addr[0] != CEC_LOG_ADDR_INVALID;
}

static const char *cec_msg_name(const struct cec_msg *m)
{
    switch (cec_msg_opcode(m)) {
    case CEC_MSG_IMAGE_VIEW_ON:
        return "<Image View On>";
    case CEC_MSG_ACTIVE_SOURCE:
        return "<Active Source>";
    case CEC_MSG_STANDBY:
        return "<Standby>";
    default:
        return "message";
    }
}

static const char *cec_tx_failure(const struct cec_msg *m)
{
    if (m->tx_status & CEC_TX_STATUS_NACK)
        return cec_msg_is_broadcast(m) ? "refused by a device on the bus"
                                       : "not acknowledged (display unplugged, off at the wall, "
                                         "or CEC switched off in its menu)";
    if (m->tx_status & CEC_TX_STATUS_ARB_LOST)
        return "arbitration lost: the bus stayed busy";
    if (m->tx_status & CEC_TX_STATUS_LOW_DRIVE)
        return "another device pulled the line low during the transmit";
    if (m->tx_status & CEC_TX_STATUS_TIMEOUT)
        return "timed out";
    if (m->tx_status & CEC_TX_STATUS_ABORTED)
        return "aborted (display disconnected?)";
    return "transmit error";
}

/* Blocking: returns once the message was acknowledged, or not (the kernel gives up after about
 * a second). */
static bool cec_transmit(const struct cec *c, struct cec_msg *m)
{
    const char *name = cec_msg_name(m);
    const char *as = cec_msg_initiator(m) == CEC_LOG_ADDR_UNREGISTERED ? " as Unregistered" : "";
    if (ioctl(c->fd, CEC_TRANSMIT, m) < 0) {
        log_warn("%s: %s%s not sent: %s", c->path, name, as,
                 errno == ENONET ? "the adapter is not configured (no display connected?)"
                                 : strerror(errno));
        return false;
    }
    if (!(m->tx_status & CEC_TX_STATUS_OK)) {
        log_warn("%s: %s%s: %s", c->path, name, as, cec_tx_failure(m));
        return false;
    }
    return true;
}

bool cec_set_power(struct cec *c, bool on)
{
    uint16_t phys = cec_phys_addr(c->fd);
    uint8_t from = CEC_LOG_ADDR_UNREGISTERED;
    char why[160] = "no display connected (no physical address)";
    bool claimed = phys != CEC_PHYS_ADDR_INVALID && cec_log_addr(c, &from, why, sizeof(why));
    if (!claimed && !on) {
        log_warn("%s: <Standby> not sent: %s", c->path, why);
        return false;
    }
    /* Unclaimed, the kernel still lets <Image View On> go to the TV from Unregistered: the CEC
     * specification allows it for displays that drop hot-plug (and so our physical address)
     * in standby. */
    struct cec_msg msgs[2];
    size_t n = cec_power_messages(on, from, claimed ? phys : CEC_PHYS_ADDR_INVALID, msgs);
    for (size_t i = 0; i < n; i++) {
        if (!cec_transmit(c, &msgs[i]))
            return false;
    }
    if (!claimed)
        log_info("%s: woke the display as Unregistered (%s); it picks its own input", c->path, why);
    return true;
}

void cec_destroy(struct cec *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c->path);
    free(c);
}
