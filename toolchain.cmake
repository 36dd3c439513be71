# Cross-compiling ticker for Raspberry Pi-class boards with Debian's cross compilers and
# Debian multiarch as the sysroot:
#
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install gcc-aarch64-linux-gnu qemu-user-static \
#       libsdl2-dev:arm64 libsdl2-ttf-dev:arm64 libcurl4-openssl-dev:arm64 libcjson-dev:arm64 \
#       libexpat1-dev:arm64 libsodium-dev:arm64 libfontconfig-dev:arm64 zlib1g-dev:arm64 \
#       libpng-dev:arm64 libfribidi-dev:arm64 libunistring-dev:arm64 libthai-dev:arm64 libcmocka-dev:arm64
#   cmake -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=toolchain.cmake
#
# TICKER_TARGET_ARCH picks the board: aarch64 (default: Pi 3/4/Zero 2 W on a 64-bit OS) or
# armhf (32-bit Raspberry Pi OS; Debian architecture armhf, compiler gcc-arm-linux-gnueabihf).
# Tests run through qemu-user (CMAKE_CROSSCOMPILING_EMULATOR), so `ctest` works as usual; the
# programs a test starts itself (the sign from a CLI test, the test HTTP server) go through it
# too (tests/CMakeLists.txt, ticker_test_program), so no binfmt_misc handler is needed. The timed
# runs (label run) measure the emulator, not the sign: leave them to a native build.

set(TICKER_TARGET_ARCH "aarch64" CACHE STRING "aarch64 or armhf")
set_property(CACHE TICKER_TARGET_ARCH PROPERTY STRINGS aarch64 armhf)
# try_compile projects read this file again, in the same process (so with the same environment
# below): they must see the same choice.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TICKER_TARGET_ARCH)

if(TICKER_TARGET_ARCH STREQUAL "armhf")
    set(CMAKE_SYSTEM_PROCESSOR arm)
    set(ticker_triplet arm-linux-gnueabihf)
    set(ticker_qemu qemu-arm-static)
else()
    set(CMAKE_SYSTEM_PROCESSOR aarch64)
    set(ticker_triplet aarch64-linux-gnu)
    set(ticker_qemu qemu-aarch64-static)
endif()

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${ticker_triplet}-gcc)
set(CMAKE_CXX_COMPILER ${ticker_triplet}-g++)

# Multiarch keeps the target's headers and libraries in the normal tree, under the triplet.
set(CMAKE_LIBRARY_ARCHITECTURE ${ticker_triplet})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must read the target's .pc files, not the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${ticker_triplet}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

find_program(ticker_qemu_path ${ticker_qemu})
if(ticker_qemu_path)
    # qemu finds the target's dynamic loader and libraries in the multiarch tree.
    set(CMAKE_CROSSCOMPILING_EMULATOR ${ticker_qemu_path} -L /)
endif()
