# Renders one frame with `ticker render` and compares it with the committed golden image.
# -DTICKER=... -DIMGCMP=... -DSIZE=WxH -DAT=S -DNAME=... -DGOLDEN_DIR=... -DOUT_DIR=...
# [-DARGS=more|render|arguments] (paths relative to the source tree, the working directory)
file(MAKE_DIRECTORY "${OUT_DIR}")
set(actual "${OUT_DIR}/${NAME}.png")
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${TICKER}" render --at ${AT} --size ${SIZE} --out "${actual}" ${args}
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
