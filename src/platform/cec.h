/* The display's power over HDMI-CEC, through the kernel's CEC framework (/dev/cecN): the sign's
 * on/off schedule wakes the panel with <Image View On> and <Active Source> and sends it to
 * <Standby>. Worker thread only: a transmit waits for the display's acknowledgement. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* <linux/cec.h>'s inline helpers call memset */

#include <linux/cec.h>

struct cec;

/* Opens the first /dev/cec* adapter that opens, preferring one with a display connected (a
 * Pi 4 has one adapter per HDMI port), becomes an initiator on it and, if nobody has, claims a
 * Playback logical address. NULL when there is no adapter or none opens (one log_info line),
 * or when the adapter refuses us (one log_warn line). May block a second or two while the
 * logical address is claimed. The caller owns the result (cec_destroy). */
struct cec *cec_open(void);

/* on: <Image View On> to the TV, then <Active Source> with our physical address. off:
 * <Standby> to the TV. False, with one log_warn line naming the device and the reason, when a
 * message could not be sent or the display did not acknowledge it. Blocks up to about a second
 * per message (more if the logical address has to be claimed again first). Without a physical
 * address (no display, or one that drops hot-plug in standby) or a logical address, on sends
 * only <Image View On>, as Unregistered, which CEC allows for waking such a display; off fails. */
bool cec_set_power(struct cec *c, bool on);

/* Closes the adapter; the logical address stays claimed for the next start. Accepts NULL. */
void cec_destroy(struct cec *c);

/* The messages cec_set_power sends, without a device: fills out[0..n-1] and returns n (1 or 2).
 * from_log_addr is our logical address (0..15, 15 being Unregistered); phys_addr is ours, or
 * CEC_PHYS_ADDR_INVALID, for which on has no <Active Source> to send. */
size_t cec_power_messages(bool on, uint8_t from_log_addr, uint16_t phys_addr,
                          struct cec_msg out[2]);
