/* The display through KMS, for panels without HDMI-CEC: its power (the legacy "DPMS" property of
 * every connected connector) and whether it is there at all, on the DRM device SDL's KMSDRM
 * backend holds (the caller takes the fd from SDL_GetWindowWMInfo, info.kmsdrm.drm_fd). Built
 * from libdrm's headers alone; without them dpms_none.c stands in: DPMS always fails and the
 * display is always connected. */
#pragma once
#include <stdbool.h>

/* Sets DPMS on or off on each connected connector of drm_fd (borrowed: not closed). True when
 * at least one connector took it; false with one log_warn line saying why when none did: fd < 0,
 * not a KMS device, not the DRM master, no connected connector, no DPMS property. A connector
 * that failed while another switched is logged too. It is a modeset: it returns once the kernel
 * has applied it, a few frames at most. Call it on the render thread, which owns SDL's fd: off
 * after the last frame is presented, on before the next, since atomic drivers (the Pi's vc4)
 * refuse page flips while the CRTC is off. */
bool dpms_set(int drm_fd, bool on);

enum kms_state {
    KMS_CONNECTED,  /* a display on at least one connector, or nothing certain to act on */
    KMS_NO_DISPLAY, /* the device answers and none of its connectors has a display (unplugged) */
    KMS_GONE,       /* the device is no more: its driver unbound, or the GPU reset */
};

/* What drm_fd (borrowed, as for dpms_set) says now. Only certain loss is reported, so a caller
 * acts on nothing else: fd < 0 (the display is not driven through KMSDRM), an fd that is not a
 * KMS device (EINVAL, ENOTTY), a connector whose state the driver cannot tell, and any other
 * error give KMS_CONNECTED. KMS_GONE is an ioctl failing with ENODEV, ENXIO, EIO or EBADF. Cheap
 * enough to call once a second on the render thread: it never makes the kernel probe a connector
 * (no EDID read, no flicker) but reads the state the kernel keeps from hot-plug interrupts.
 * Logs nothing: the caller says what changed. */
enum kms_state kms_probe(int drm_fd);
