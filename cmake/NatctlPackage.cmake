# SPDX-License-Identifier: BSD-2-Clause
# CPack: `cmake --build build --target package` makes natctl_VERSION_ARCH.deb
# from everything `cmake --install` installs; `--target package_source` makes
# natctl-VERSION.tar.gz, with a VERSION file for builds outside git.
set(CPACK_PACKAGE_NAME natctl)
set(CPACK_PACKAGE_VENDOR "the natctl developers")
set(CPACK_PACKAGE_CONTACT "${NATCTL_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "NAT diagnosis and port mapping from the command line")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_VERSION ${NATCTL_VERSION})
# CPackProject.cmake sets the versions again when cpack runs, from the tree
# as it is then (a commit since the configure changes them).
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/CPackProject.cmake)
set(CPACK_NATCTL_SOURCE_DIR ${PROJECT_SOURCE_DIR})
set(CPACK_NATCTL_BASE_VERSION ${PROJECT_VERSION})

set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # natctl_VERSION_ARCH.deb, under /usr
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${NATCTL_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: as dpkg-shlibdeps finds it from the libraries the binary links
# (libc6, libminiupnpc17, libnatpmp1 on Debian 12).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The first line of the Description is CPACK_PACKAGE_DESCRIPTION_SUMMARY.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "natctl tells how the NAT in front of a host behaves and opens ports through
it: the public address and the NAT's mapping and filtering by STUN
(RFC 8489, RFC 5780), port mappings on the gateway through UPnP IGD,
NAT-PMP and PCP, and a diagnosis of the whole network (double NAT,
carrier-grade NAT, which protocols the gateway speaks). Every result can be
printed as one JSON document, and every network wait is bounded by one
deadline.")

set(CPACK_SOURCE_GENERATOR TGZ)
# What stays out of the tarball: git's files, build folders, test runs,
# anchored at the source tree (it may itself lie under a /tmp or /build).
set(CPACK_VERBATIM_VARIABLES ON)
string(REGEX REPLACE [[([][.*+?^$()|\])]] [[\\\1]] natctl_src_re "${PROJECT_SOURCE_DIR}")
set(CPACK_SOURCE_IGNORE_FILES "^${natctl_src_re}/\\.git(/|$)" "^${natctl_src_re}/build[^/]*/"
    "^${natctl_src_re}/(Testing|tmp)/" "^${natctl_src_re}/run$" "\\.o$")
# The tarball's VERSION comes from cmake/source_version.cmake (CPackProject.cmake).

include(CPack)
