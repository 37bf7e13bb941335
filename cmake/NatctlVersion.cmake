# SPDX-License-Identifier: BSD-2-Clause
# natctl's version: from `git describe` in a git tree, from the VERSION file
# that `package_source` writes into a source tarball, else the base version.
#
# Used at configure time (the package's version), at build time by
# version_source.cmake (the binary's), and by cpack (the tarball's VERSION).

# Sets ${out} to the version of the source tree ${src}: "1.2.0" on a tag
# v1.2.0 (or 1.2.0), "1.2.0-3-gabc1234" three commits later, "-dirty" when
# the work tree has changes; where the history has no tag, ${base} with the
# same "-N-gHASH" suffix, N counting every commit.
function(natctl_version src base out)
  set(version "")
  if(EXISTS "${src}/.git")
    find_program(NATCTL_GIT git)
    if(NATCTL_GIT)
      _natctl_git_version("${src}" "${base}" version)
    endif()
  endif()
  if(version STREQUAL "" AND EXISTS "${src}/VERSION")
    file(STRINGS "${src}/VERSION" version LIMIT_COUNT 1)
  endif()
  if(version STREQUAL "")
    set(version "${base}")
  endif()
  set(${out} "${version}" PARENT_SCOPE)
endfunction()

function(_natctl_git_version src base out)
  execute_process(COMMAND "${NATCTL_GIT}" -C "${src}" describe --tags --dirty
                          --match "v[0-9]*" --match "[0-9]*"
                  OUTPUT_VARIABLE described RESULT_VARIABLE failed
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT failed)
    string(REGEX REPLACE "^v" "" described "${described}")
    set(${out} "${described}" PARENT_SCOPE)
    return()
  endif()
  # No tag: the base version, the number of commits and the abbreviated hash,
  # in git describe's own shape.
  execute_process(COMMAND "${NATCTL_GIT}" -C "${src}" describe --always --dirty
                  OUTPUT_VARIABLE described RESULT_VARIABLE failed
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND "${NATCTL_GIT}" -C "${src}" rev-list --count HEAD
                  OUTPUT_VARIABLE count RESULT_VARIABLE failed_count
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(failed OR failed_count)
    return() # not a repository after all, or no commit yet
  endif()
  set(${out} "${base}-${count}-g${described}" PARENT_SCOPE)
endfunction()

# A Debian version that sorts as the releases do: "1.2.0-3-gabc1234-dirty"
# becomes "1.2.0+3.gabc1234.dirty" (after 1.2.0, before 1.2.1), as a hyphen
# would start a Debian revision; any other hyphen becomes "~" (before).
function(natctl_debian_version version out)
  set(dirty "")
  if(version MATCHES "-dirty$")
    string(REGEX REPLACE "-dirty$" "" version "${version}")
    set(dirty "dirty")
  endif()
  string(REGEX REPLACE "-([0-9]+)-g([0-9a-f]+)$" "+\\1.g\\2" v "${version}")
  string(REPLACE "-" "~" v "${v}")
  if(dirty AND v MATCHES "\\+")
    string(APPEND v ".dirty")
  elseif(dirty)
    string(APPEND v "+dirty")
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Sets ${out} to the time the tree was last changed, in seconds since 1970:
# SOURCE_DATE_EPOCH when the builder sets it (reproducible-builds.org), else
# the last commit's, else 0; never the time of the build.
function(natctl_source_date src out)
  set(epoch "$ENV{SOURCE_DATE_EPOCH}")
  if(epoch STREQUAL "" AND EXISTS "${src}/.git")
    find_program(NATCTL_GIT git)
    if(NATCTL_GIT)
      execute_process(COMMAND "${NATCTL_GIT}" -C "${src}" log -1 --format=%ct
                      OUTPUT_VARIABLE epoch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
  endif()
  if(NOT epoch MATCHES "^[0-9]+$")
    set(epoch 0)
  endif()
  set(${out} "${epoch}" PARENT_SCOPE)
endfunction()
