# The Debian package (CPack): `firmware/build-deb [amd64|arm64|armhf]` is the way to make it.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ticker)
set(CPACK_PACKAGE_VENDOR "ticker")
set(CPACK_PACKAGE_CONTACT "ticker maintainers <ticker@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "news ticker for kiosk displays")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION [[ticker fills a display with story cards, key figures and a smooth crawl of
headlines from RSS, Atom or JSON feeds. It runs straight on KMS/DRM (no X
server) as a systemd service, keeps showing cached stories when the network
is down, and can require minisign-signed feeds.]])
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})

if(CMAKE_CROSSCOMPILING)
    if(CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
        set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
    else()
        set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE armhf)
    endif()
endif()

# Library dependencies from dpkg-shlibdeps, plus what is loaded at run time: fonts through
# fontconfig, and the EGL/GLES/GBM stack SDL's KMSDRM driver opens with dlopen.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "fontconfig, fonts-inter, libegl1, libgles2, libegl-mesa0, libgl1-mesa-dri, libgbm1, systemd (>= 247)")
# Fonts for the world's scripts (docs/operations.md, "Scripts and fonts"): DejaVu (Greek,
# Cyrillic, Hebrew, Arabic), Noto (the Indic scripts, Thai, Lao, Khmer, Myanmar, Ethiopic...),
# Droid (CJK), Noto Color Emoji.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "fonts-dejavu-core, fonts-noto-core, fonts-droid-fallback, fonts-noto-color-emoji, ca-certificates, tzdata")
# tzdata: [schedule] timezone names a zone in /usr/share/zoneinfo.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "fonts-noto-cjk, minisign")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles
    ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm
    ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
include(CPack)
