# SPDX-License-Identifier: BSD-2-Clause
# Build-time step: writes OUT, the C file holding natctl's version, only when
# the version changed (a new commit, tag or edit), so a rebuild recompiles one
# file. Arguments: -DSRC=source tree -DBASE=base version -DOUT=file.
include("${CMAKE_CURRENT_LIST_DIR}/NatctlVersion.cmake")
natctl_version("${SRC}" "${BASE}" NATCTL_VERSION)
# file(CONFIGURE) leaves OUT untouched when its content is the same.
file(CONFIGURE OUTPUT "${OUT}" @ONLY CONTENT [[
/* SPDX-License-Identifier: BSD-2-Clause */
/* natctl's version, written by cmake/version_source.cmake at build time. */
#include "natctl/base/version.h"

const char natctl_version[] = "@NATCTL_VERSION@";
const char natctl_name_version[] = "natctl @NATCTL_VERSION@";
]])
