# SPDX-License-Identifier: BSD-2-Clause
# What `cmake --install` puts where; the .deb (NatctlPackage.cmake) takes all
# of it, so a file added here is in the package too.

# Who answers for the package: the Maintainer of the .deb and its changelog.
set(NATCTL_MAINTAINER "natctl developers <natctl-developers@users.noreply.github.com>"
    CACHE STRING "Maintainer of the package, \"Name <address>\"")

# The man page and the changelog, compressed as Debian policy wants them
# (gzip -9n: no name or time in the header, so every build gives the same bytes).
set(NATCTL_MAN_GZ ${PROJECT_BINARY_DIR}/doc/natctl.1.gz)
set(NATCTL_CHANGELOG_GZ ${PROJECT_BINARY_DIR}/doc/changelog.gz)
add_custom_command(OUTPUT ${NATCTL_MAN_GZ}
                   COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/man/natctl.1 > ${NATCTL_MAN_GZ}
                   DEPENDS ${PROJECT_SOURCE_DIR}/man/natctl.1 VERBATIM)
# The changelog carries the version, so it is written at every build like version.c.
add_custom_target(natctl_doc ALL
                  COMMAND ${CMAKE_COMMAND} -DSRC=${PROJECT_SOURCE_DIR} -DBASE=${PROJECT_VERSION}
                          "-DMAINTAINER=${NATCTL_MAINTAINER}" -DOUT=${NATCTL_CHANGELOG_GZ}
                          -P ${PROJECT_SOURCE_DIR}/cmake/changelog.cmake
                  DEPENDS ${NATCTL_MAN_GZ} BYPRODUCTS ${NATCTL_CHANGELOG_GZ} VERBATIM)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/doc)

install(FILES ${NATCTL_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES completion/natctl.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME natctl)
install(FILES completion/_natctl DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES completion/natctl.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# The JSON Schemas of every document natctl prints (man/natctl.1 OUTPUT).
install(DIRECTORY man/schema/ DESTINATION ${CMAKE_INSTALL_DATADIR}/natctl/schema
        FILES_MATCHING PATTERN "*.schema.json")
install(FILES packaging/copyright ${NATCTL_CHANGELOG_GZ} DESTINATION ${CMAKE_INSTALL_DOCDIR})
