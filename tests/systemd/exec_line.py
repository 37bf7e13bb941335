#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Expands a unit's ExecStart= for one instance as systemd would, without
systemd: prints the argv, one argument a line ending in NUL.

usage: exec_line.py UNIT_FILE INSTANCE

Only what natctl-map@.service uses is understood (the specifiers %i %I %n
%N %p %%, "$$" for a literal "$", single and double quotes); anything
else (another specifier, an environment variable, a backslash, an ExecStart
prefix such as "-" or "+", a continued line, more than one ExecStart) is an
error, so the expansion can never differ silently from systemd's.
"""
import os
import re
import shlex
import sys


def fail(why):
    sys.exit("exec_line.py: " + why)


def exec_start(path):
    lines = [ln for ln in open(path, encoding="utf-8").read().split("\n")
             if ln.startswith("ExecStart=")]
    if len(lines) != 1:
        fail("%s: want one ExecStart=, found %d" % (path, len(lines)))
    value = lines[0][len("ExecStart="):]
    if value.endswith("\\") or "\\" in value:
        fail("a backslash in ExecStart= (escapes are not expanded here)")
    if value[:1] in "-@:+!":
        fail("an ExecStart= prefix (%s) is not expanded here" % value[:1])
    return value


def unescape(instance):
    # systemd-escape's inverse for what unit names hold: "-" was "/", \xNN a byte.
    text = instance.replace("-", "/")
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


def specifiers(value, unit, instance):
    prefix = unit.split("@", 1)[0]
    name = "%s@%s.service" % (prefix, instance)
    table = {"i": instance, "I": unescape(instance), "n": name,
             "N": name[: -len(".service")], "p": prefix, "%": "%"}

    def one(m):
        if m.group(1) not in table:
            fail("specifier %%%s is not expanded here" % m.group(1))
        return table[m.group(1)]
    return re.sub(r"%(.)", one, value)


def dollars(word):
    if re.search(r"\$(?!\$)", word.replace("$$", "")):
        fail("an environment variable in ExecStart= is not expanded here")
    return word.replace("$$", "$")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: exec_line.py UNIT_FILE INSTANCE")
    path, instance = sys.argv[1], sys.argv[2]
    unit = os.path.basename(path)
    if not unit.endswith("@.service"):
        fail("%s is not a template unit" % unit)
    # Specifiers first (systemd expands them in the whole line), then the
    # words, then "$$" in each word.
    words = shlex.split(specifiers(exec_start(path), unit, instance), posix=True)
    for word in words:
        sys.stdout.write(dollars(word) + "\0")


main()
