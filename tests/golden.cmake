# Renders one frame with `ticker render` and compares it with the committed golden image.
# -DTICKER=... -DIMGCMP=... -DSIZE=WxH -DAT=S -DNAME=... -DGOLDEN_DIR=... -DOUT_DIR=...
# [-DFEED=path]
file(MAKE_DIRECTORY "${OUT_DIR}")
set(actual "${OUT_DIR}/${NAME}.png")
set(feed_args)
if(FEED)
    set(feed_args --feed "${FEED}")
endif()
execute_process(COMMAND "${TICKER}" render --at ${AT} --size ${SIZE} --out "${actual}" ${feed_args}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ticker render failed (${rc})")
endif()
set(expected "${GOLDEN_DIR}/${NAME}.png")
if(NOT EXISTS "${expected}")
    message(FATAL_ERROR "no golden image ${expected}; look at ${actual} and run tests/update-golden")
endif()
# SDL's blitters and FreeType differ by a level or so between x86 and ARM: allow that, and no
# more than a few stray pixels. A changed glyph moves hundreds.
execute_process(COMMAND "${IMGCMP}" "${expected}" "${actual}" --tolerance 4 --max-pixels 20
                        --diff "${OUT_DIR}/${NAME}-diff.png"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NAME}: differs from the golden image; see ${OUT_DIR}/${NAME}-diff.png")
endif()
