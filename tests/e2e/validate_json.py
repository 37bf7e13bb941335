#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks natctl's JSON output against its schema, with a real JSON Schema validator.

usage: validate_json.py SCHEMA [FILE]             exactly one document
       validate_json.py --lines SCHEMA [FILE]     JSON Lines: one document a line
       validate_json.py --argv -- NATCTL_ARGS...  the schema natctl's arguments
                                                  ask for (printed; "" for none)

SCHEMA is a name under man/schema/ (stun, map, map-event, ...). Input comes
from FILE or stdin. Exits 0 when valid, 1 with every problem on stderr.
Needs python3-jsonschema (draft 2020-12).
"""
import json
import os
import sys

import jsonschema

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "man", "schema")
GLOBAL_WITH_VALUE = {"-t", "--timeout", "--color"}
COMMAND_WITH_VALUE = {"map": {"--via", "--lifetime", "--description", "--internal", "-i",
                              "--interface", "--gateway", "--stun", "--on-change"},
                      "probe": {"--stun", "-i", "--interface", "--gateway"},
                      "stun": {"--local-port"}}


def load_schema(name):
    with open(os.path.join(SCHEMA_DIR, name + ".schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(validator, doc, where):
    out = []
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in e.absolute_path) or "(top)"
        out.append("%s: %s: %s" % (where, path, e.message))
    return out


def one_document(text):
    """The single JSON document text holds; ValueError if none, or more."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if start == len(text):
        raise ValueError("no JSON document (empty output)")
    doc, end = decoder.raw_decode(text, start)
    if text[end:].strip():
        raise ValueError("more than one JSON document, or trailing text: %r" % text[end:end + 60])
    return doc


def words_of(args):
    """natctl's words with the values of value-taking options dropped:
    (command, flags, operands)."""
    command, flags, operands, i = None, set(), [], 0
    while i < len(args):
        a = args[i]
        takes = GLOBAL_WITH_VALUE | COMMAND_WITH_VALUE.get(command, set())
        if a == "--":
            break
        if a.startswith("--"):
            flags.add(a.split("=", 1)[0])
            i += 2 if a in takes else 1
            continue
        if a.startswith("-") and len(a) > 1:
            for k, c in enumerate(a[1:]):
                flags.add("-" + c)
                if "-" + c in takes:
                    i += 1 if k < len(a) - 2 else 2  # the value is the rest, or the next word
                    break
            else:
                i += 1
            continue
        if command is None:
            command = a
        else:
            operands.append(a)
        i += 1
    return command, flags, operands


def map_set(flags, operands):
    """A range (PORT-LAST) or both transports, or --cleanup: the set's document."""
    ranged = bool(operands) and "-" in operands[0]
    both = len(operands) == 2 and operands[1].lower() == "both"
    return "--cleanup" in flags or ranged or both


def schema_for(args):
    command, flags, operands = words_of(args)
    if flags & {"-h", "--help", "-V", "--version"} or not flags & {"-j", "--json"}:
        return ""
    if command == "stun":
        if "--path" in flags:
            return "stun-path"
        return "stun-address" if flags & {"--address-only", "--tcp"} else "stun"
    if command == "map":
        for flag, name in (("--list", "map-list"), ("--external", "map-external"),
                           ("--keep", "map-event")):
            if flag in flags:
                return name
        return "map-set" if map_set(flags, operands) else "map"
    if command == "probe":
        return "probe"
    return "error"


def main(argv):
    if argv[:2] == ["--argv", "--"]:
        print(schema_for(argv[2:]))
        return 0
    lines = argv[:1] == ["--lines"]
    argv = argv[1:] if lines else argv
    if len(argv) not in (1, 2):
        sys.stderr.write(__doc__)
        return 2
    validator = load_schema(argv[0])
    with (open(argv[1], encoding="utf-8") if len(argv) == 2 else sys.stdin) as f:
        text = f.read()
    errors = []
    try:
        if lines:
            docs = [(one_document(l), "line %d" % (n + 1)) for n, l in enumerate(text.splitlines())
                    if l.strip()]
            if not docs:
                raise ValueError("no JSON line at all")
        else:
            docs = [(one_document(text), "document")]
    except ValueError as e:
        errors.append(str(e))
        docs = []
    for doc, where in docs:
        errors += problems(validator, doc, where)
    for e in errors:
        sys.stderr.write("%s.schema.json: %s\n" % (argv[0], e))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
