# SPDX-License-Identifier: BSD-2-Clause
# Run by cpack while it assembles the source tarball (CPackProject.cmake):
# writes VERSION at the top of the tree, where NatctlVersion.cmake reads it
# when there is no git history to describe.
if(NOT CPACK_NATCTL_VERSION)
  message(FATAL_ERROR "source_version.cmake: no CPACK_NATCTL_VERSION")
endif()
file(WRITE "${CMAKE_INSTALL_PREFIX}/VERSION" "${CPACK_NATCTL_VERSION}\n")
