# SPDX-License-Identifier: BSD-2-Clause
# Build-time step: writes OUT, the package's changelog.gz, in the Debian
# changelog format that dpkg and lintian read, for this build's version and
# dated by the last commit (not the build), compressed without a timestamp.
# Arguments: -DSRC=source tree -DBASE=base version -DMAINTAINER="Name <mail>"
# -DOUT=file.
include("${CMAKE_CURRENT_LIST_DIR}/NatctlVersion.cmake")
natctl_version("${SRC}" "${BASE}" version)
natctl_debian_version("${version}" debian_version)
natctl_source_date("${SRC}" epoch)
set(ENV{SOURCE_DATE_EPOCH} "${epoch}") # string(TIMESTAMP) takes it
string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)

set(text "${OUT}.txt")
file(CONFIGURE OUTPUT "${text}" @ONLY CONTENT [[
natctl (@debian_version@) unstable; urgency=medium

  * natctl @version@, built from its source tree.
    The project's history is its git log.

 -- @MAINTAINER@  @date@
]])
# gzip -n: no name or time in the header, so the same text gives the same bytes.
if(NOT EXISTS "${OUT}" OR "${text}" IS_NEWER_THAN "${OUT}")
  execute_process(COMMAND gzip -9nc INPUT_FILE "${text}" OUTPUT_FILE "${OUT}"
                  RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "cannot compress ${text}")
  endif()
endif()
