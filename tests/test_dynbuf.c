/* The capped growable buffer: the cap holds whatever is added, exactly max bytes fit, a refused
 * add changes nothing, and take and finish hand over or free the memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "util.h"

#define MAX_ADDS 4

/* Adds pieces one after another to a buffer of cap max: which adds succeed, and what is held. */
struct add_case {
    const char *what;
    size_t max;
    size_t sizes[MAX_ADDS]; /* bytes of each add ('a', 'b', ... repeated); 0 ends the list */
    bool ok[MAX_ADDS];
    size_t final_len;
};

static const struct add_case add_cases[] = {
    {"under the cap", 10, {3, 4}, {true, true}, 7},
    {"exactly the cap", 10, {4, 6}, {true, true}, 10},
    {"one byte over is refused whole", 10, {4, 7}, {true, false}, 4},
    {"a refused add leaves room for a smaller one", 10, {4, 7, 6}, {true, false, true}, 10},
    {"nothing fits a full buffer", 10, {10, 1}, {true, false}, 10},
    {"a zero cap holds nothing", 0, {1}, {false}, 0},
    {"past the first allocation", 100000, {300, 5000, 70000}, {true, true, true}, 75300},
    {"growing to exactly a large cap", 70000, {256, 69744}, {true, true}, 70000},
    {"one add larger than the cap", 1000, {1001}, {false}, 0},
};

static void test_add_respects_cap(void **state)
{
    (void)state;
    for (size_t c = 0; c < ARRAY_LEN(add_cases); c++) {
        const struct add_case *ac = &add_cases[c];
        struct dynbuf b;
        dynbuf_init(&b, ac->max);
        char *expect = xcalloc(ac->final_len + 1, 1);
        size_t expect_len = 0;
        for (size_t i = 0; i < MAX_ADDS && ac->sizes[i]; i++) {
            char *piece = xmalloc(ac->sizes[i]);
            memset(piece, 'a' + (int)i, ac->sizes[i]);
            bool ok = dynbuf_add(&b, piece, ac->sizes[i]);
            if (ok != ac->ok[i])
                fail_msg("%s: add %zu of %zu bytes returned %d", ac->what, i, ac->sizes[i], ok);
            if (ok) {
                memcpy(expect + expect_len, piece, ac->sizes[i]);
                expect_len += ac->sizes[i];
            }
            free(piece);
            if (b.len > b.max || (b.data && b.cap > b.max + 1))
                fail_msg("%s: len %zu cap %zu past max %zu", ac->what, b.len, b.cap, b.max);
        }
        if (b.len != ac->final_len || expect_len != ac->final_len)
            fail_msg("%s: %zu bytes held, expected %zu", ac->what, b.len, ac->final_len);
        if (b.data) {
            assert_memory_equal(b.data, expect, b.len);
            assert_int_equal(b.data[b.len], '\0');
        }
        free(expect);
        dynbuf_finish(&b);
        assert_null(b.data);
        assert_int_equal(b.len, 0);
    }
}

static void test_take_and_reset(void **state)
{
    (void)state;
    struct dynbuf b;
    dynbuf_init(&b, 16);
    /* Nothing added: take still gives a string the caller frees. */
    size_t len = 99;
    char *empty = dynbuf_take(&b, &len);
    assert_string_equal(empty, "");
    assert_int_equal(len, 0);
    free(empty);

    assert_true(dynbuf_add(&b, "headline", 8));
    char *taken = dynbuf_take(&b, &len);
    assert_string_equal(taken, "headline");
    assert_int_equal(len, 8);
    /* The buffer is empty again, with its cap. */
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 16);
    assert_true(dynbuf_add(&b, "0123456789abcdef", 16));
    assert_false(dynbuf_add(&b, "x", 1));
    free(taken);

    /* Reset empties, keeps the memory, and the cap counts from zero again. */
    char *memory = b.data;
    dynbuf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, memory);
    assert_string_equal(b.data, "");
    assert_true(dynbuf_add(&b, "0123456789abcdef", 16));
    assert_string_equal(b.data, "0123456789abcdef");
    dynbuf_finish(&b);
    dynbuf_finish(&b); /* twice is harmless */
}

static void test_add_nothing_allocates(void **state)
{
    (void)state;
    struct dynbuf b;
    dynbuf_init(&b, 8);
    assert_null(b.data);
    assert_true(dynbuf_add(&b, "", 0));
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    dynbuf_finish(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_respects_cap),
        cmocka_unit_test(test_take_and_reset),
        cmocka_unit_test(test_add_nothing_allocates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
