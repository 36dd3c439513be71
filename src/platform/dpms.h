/* The display's power through KMS, for panels without HDMI-CEC: the legacy "DPMS" property of
 * every connected connector on the DRM device SDL's KMSDRM backend holds (the caller takes the
 * fd from SDL_GetWindowWMInfo, info.kmsdrm.drm_fd). Built from libdrm's headers alone; without
 * them dpms_none.c stands in and always fails. */
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
