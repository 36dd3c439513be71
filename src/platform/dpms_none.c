/* dpms_set for a build without libdrm's headers (drm_mode.h): the display stays as it is. */
#include "dpms.h"

#include "log.h"

bool dpms_set(int drm_fd, bool on)
{
    (void)drm_fd;
    log_warn("cannot switch the display %s (DPMS): built without libdrm's headers (libdrm-dev)",
             on ? "on" : "off");
    return false;
}
