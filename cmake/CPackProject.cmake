# SPDX-License-Identifier: BSD-2-Clause
# Read by cpack for every package it makes: the version of the tree as it is
# now (git describe), the Debian version derived from it, and for the source
# tarball the VERSION file that stands in for git outside a repository.
include("${CPACK_NATCTL_SOURCE_DIR}/cmake/NatctlVersion.cmake")
natctl_version("${CPACK_NATCTL_SOURCE_DIR}" "${CPACK_NATCTL_BASE_VERSION}" version)
natctl_debian_version("${version}" debian_version)
set(CPACK_PACKAGE_VERSION "${version}")
set(CPACK_DEBIAN_PACKAGE_VERSION "${debian_version}")
if(CPACK_GENERATOR STREQUAL "TGZ") # package_source: natctl-VERSION.tar.gz
  set(CPACK_PACKAGE_FILE_NAME "natctl-${version}")
  set(CPACK_NATCTL_VERSION "${version}")
  set(CPACK_INSTALL_SCRIPTS "${CPACK_NATCTL_SOURCE_DIR}/cmake/source_version.cmake")
endif()
# The file dates inside the package: the last commit's, not the build's.
natctl_source_date("${CPACK_NATCTL_SOURCE_DIR}" epoch)
set(ENV{SOURCE_DATE_EPOCH} "${epoch}")
