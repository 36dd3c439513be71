/* The HDMI-CEC messages that power the display: the bytes cec_set_power hands the kernel for on
 * and off, from our logical address and with our physical address, checked against the CEC
 * specification's opcodes (not the header's names). And cec_open on a machine without an
 * adapter: NULL and one line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "cec.h"
#include "common.h"
#include "util.h"

/* CEC 1.4 / 2.0 opcodes and addresses, written out so a wrong name in the code shows. */
#define OP_IMAGE_VIEW_ON 0x04
#define OP_STANDBY 0x36
#define OP_ACTIVE_SOURCE 0x82

struct power_case {
    const char *what;
    bool on;
    uint8_t from;
    uint16_t phys;
    size_t count;
    struct {
        uint32_t len;
        uint8_t bytes[4];
    } msgs[2];
};

static const struct power_case power_cases[] = {
    {"on, Playback 1 on HDMI 1",
     true,
     4,
     0x1000,
     2,
     {{2, {0x40, OP_IMAGE_VIEW_ON}}, {4, {0x4f, OP_ACTIVE_SOURCE, 0x10, 0x00}}}},
    {"on, Playback 2 behind a switch",
     true,
     8,
     0x2130,
     2,
     {{2, {0x80, OP_IMAGE_VIEW_ON}}, {4, {0x8f, OP_ACTIVE_SOURCE, 0x21, 0x30}}}},
    {"on, Playback 3, every nibble different",
     true,
     11,
     0x1234,
     2,
     {{2, {0xb0, OP_IMAGE_VIEW_ON}}, {4, {0xbf, OP_ACTIVE_SOURCE, 0x12, 0x34}}}},
    {"on, Unregistered after the fallback",
     true,
     15,
     0x3000,
     2,
     {{2, {0xf0, OP_IMAGE_VIEW_ON}}, {4, {0xff, OP_ACTIVE_SOURCE, 0x30, 0x00}}}},
    {"on without a physical address: only Image View On",
     true,
     15,
     0xffff,
     1,
     {{2, {0xf0, OP_IMAGE_VIEW_ON}}}},
    {"off, Playback 1", false, 4, 0x1000, 1, {{2, {0x40, OP_STANDBY}}}},
    {"off, Playback 3", false, 11, 0x4000, 1, {{2, {0xb0, OP_STANDBY}}}},
    {"off ignores the physical address", false, 8, 0xffff, 1, {{2, {0x80, OP_STANDBY}}}},
};

static void test_power_messages(void **state)
{
    (void)state;
    for (size_t c = 0; c < ARRAY_LEN(power_cases); c++) {
        const struct power_case *pc = &power_cases[c];
        struct cec_msg out[2];
        /* Garbage first: every field the kernel reads must be written. */
        memset(out, 0xa5, sizeof(out));
        size_t n = cec_power_messages(pc->on, pc->from, pc->phys, out);
        if (n != pc->count)
            fail_msg("%s: %zu messages, expected %zu", pc->what, n, pc->count);
        for (size_t i = 0; i < n; i++) {
            const struct cec_msg *m = &out[i];
            if (m->len != pc->msgs[i].len || memcmp(m->msg, pc->msgs[i].bytes, m->len) != 0)
                fail_msg("%s: message %zu is %u bytes %02x %02x %02x %02x, expected %u bytes "
                         "%02x %02x %02x %02x",
                         pc->what, i, m->len, m->msg[0], m->msg[1], m->msg[2], m->msg[3],
                         pc->msgs[i].len, pc->msgs[i].bytes[0], pc->msgs[i].bytes[1],
                         pc->msgs[i].bytes[2], pc->msgs[i].bytes[3]);
            /* No reply awaited (a broadcast with one is refused), no raw or follower flags. */
            if (m->reply || m->timeout || m->flags)
                fail_msg("%s: message %zu has reply %u timeout %u flags %u", pc->what, i, m->reply,
                         m->timeout, m->flags);
            for (size_t b = m->len; b < sizeof(m->msg); b++)
                if (m->msg[b])
                    fail_msg("%s: message %zu has byte %zu set past its length", pc->what, i, b);
        }
    }
}

/* Where no adapter exists (CI, containers): NULL, one info line, and cec_destroy(NULL) is fine.
 * Skipped on a machine with /dev/cec*, whose answer depends on what is plugged in. */
static void test_open_without_adapter(void **state)
{
    (void)state;
    glob_t found;
    int have = glob("/dev/cec[0-9]*", 0, NULL, &found);
    if (have == 0)
        globfree(&found);
    if (have == 0)
        skip();
    struct test_capture cap;
    test_capture_begin(&cap);
    struct cec *c = cec_open();
    char *logged = test_capture_end(&cap);
    assert_null(c);
    assert_int_equal(test_count_lines(logged), 1);
    assert_non_null(strstr(logged, "no HDMI-CEC adapter"));
    free(logged);
    cec_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_messages),
        cmocka_unit_test(test_open_without_adapter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
