/* SPDX-License-Identifier: BSD-2-Clause */
/* natctl's version, as git describe (or a source tarball's VERSION) gave it at build time. */
#ifndef NATCTL_VERSION_H
#define NATCTL_VERSION_H

/* "0.1.0", "0.1.0-12-gabc1234", "0.2.0-dirty": generated into the build tree. */
extern const char natctl_version[];
/* "natctl " and the version: the STUN SOFTWARE attribute, the first line of -V. */
extern const char natctl_name_version[];

#endif
