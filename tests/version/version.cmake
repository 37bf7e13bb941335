# SPDX-License-Identifier: BSD-2-Clause
# Prints what cmake/NatctlVersion.cmake makes of a tree or a version, for the
# tests: `cmake -DSRC=tree -DBASE=0.1.0 -P version.cmake` the tree's version,
# `cmake -DV=version -P version.cmake` its Debian version.
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/NatctlVersion.cmake")
if(DEFINED V)
  natctl_debian_version("${V}" out)
else()
  natctl_version("${SRC}" "${BASE}" out)
endif()
message("${out}")
