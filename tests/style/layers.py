#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks that natctl's include graph follows its layers: no upward or broken
includes, no cycle between headers, and no miniupnpc/libnatpmp header reaching
the output, command and diagnosis files.

Usage: layers.py [SOURCE_DIR]   (default: the checkout this script is in)
The compiler comes from $CC (default `cc`); CMake sets it to CMAKE_C_COMPILER.
Prints one `file:line: rule: detail` line per violation, then a summary;
exits 1 on any violation, 2 when the check itself cannot run, 0 otherwise.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

# The layers, lowest first: a file may include its own layer and the ones below.
RANKS = {"base": 0, "net": 1, "stun": 2, "map": 3, "probe": 4, "cli": 5}

# Files that must build without the miniupnpc and libnatpmp headers: output
# and diagnosis work on plain result types, and commands only drive them.
VENDOR_FREE_GLOBS = ["src/cli/output*.c", "src/cli/cmd_*.c"]
VENDOR_FREE_FILES = ["src/probe/diagnose.c", "src/probe/diagnose6.c"]

INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*(.*?)[ \t]*$')
QUOTED_RE = re.compile(r'^"([^"]*)"')
ANGLED_RE = re.compile(r'^<([^>]*)>')
LAYER_RE = re.compile(r'^natctl/([a-z]+)/([A-Za-z0-9_]+)\.h$')
H_LINE_RE = re.compile(r'^(\.+) (.+)$')


class Report:
    def __init__(self):
        self.lines = []
        self.counts = {}

    def add(self, path, line, rule, detail):
        self.lines.append((path, line, rule, detail))
        self.counts[rule] = self.counts.get(rule, 0) + 1


def strip_comments(text):
    """Blanks C comments (keeping newlines, so line numbers hold)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def layer_of(rel):
    """The layer folder of src/<dir>/... or include/natctl/<dir>/..., else None."""
    parts = rel.split("/")
    if parts[0] == "src" and len(parts) == 3:
        return parts[1]
    if parts[:2] == ["include", "natctl"] and len(parts) == 4:
        return parts[2]
    return None


def source_files(root):
    files = []
    for top in ("src", os.path.join("include", "natctl")):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if name.endswith((".c", ".h")):
                    full = os.path.join(dirpath, name)
                    files.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(files)


def includes_of(root, rel):
    """(line number, operand text) of each #include in a file."""
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        text = strip_comments(f.read())
    found = []
    for num, line in enumerate(text.split("\n"), 1):
        m = INCLUDE_RE.match(line)
        if m:
            found.append((num, m.group(1)))
    return found


def check_includes(root, files, report):
    """Rule 1: include form, existence and direction. Returns the header graph."""
    graph = {}
    for rel in files:
        layer = layer_of(rel)
        if layer not in RANKS:
            report.add(rel, 1, "layer-folder",
                       "not in one of the layer folders (%s)" % ", ".join(RANKS))
            continue
        rank = RANKS[layer]
        edges = []
        for num, operand in includes_of(root, rel):
            m = QUOTED_RE.match(operand)
            if not m:
                a = ANGLED_RE.match(operand)
                if a and a.group(1).startswith("natctl/"):
                    report.add(rel, num, "include-form",
                               '<%s> must be written "%s"' % (a.group(1), a.group(1)))
                elif not a:
                    report.add(rel, num, "include-form",
                               "computed include %s cannot be checked" % operand)
                continue
            name = m.group(1)
            lm = LAYER_RE.match(name)
            if not lm or lm.group(1) not in RANKS:
                report.add(rel, num, "include-form",
                           '"%s" is not of the form "natctl/<%s>/<name>.h"'
                           % (name, "|".join(RANKS)))
                continue
            target = "include/" + name
            if not os.path.isfile(os.path.join(root, target)):
                report.add(rel, num, "missing-header", '"%s": no %s' % (name, target))
                continue
            to = lm.group(1)
            if RANKS[to] > rank:
                report.add(rel, num, "upward-include",
                           '%s (layer %s, %d) includes "%s" (layer %s, %d)'
                           % (rel, layer, rank, name, to, RANKS[to]))
            edges.append((target, num))
        if rel.startswith("include/") and rel.endswith(".h"):
            graph[rel] = edges
    return graph


def check_cycles(graph, report):
    """Rule 2: the header graph has no cycle. One report per distinct cycle."""
    seen_cycles = set()
    state = {}  # absent: unvisited, 1: on the stack, 2: done
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for target, num in graph.get(node, []):
            if state.get(target) == 1:
                cycle = stack[stack.index(target):]
                key = min(tuple(cycle[i:] + cycle[:i]) for i in range(len(cycle)))
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    chain = " -> ".join(cycle + [target])
                    report.add(node, num, "header-cycle", chain)
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    sys.setrecursionlimit(max(1000, 4 * len(graph) + 100))
    for node in sorted(graph):
        if node not in state:
            visit(node)


def is_vendor(path):
    p = path.replace(os.sep, "/")
    return "/miniupnpc/" in "/" + p or os.path.basename(p) == "natpmp.h"


def top_include_line(root, rel, header):
    """The line of rel's #include that resolves to header (1 if not found)."""
    for num, operand in includes_of(root, rel):
        m = QUOTED_RE.match(operand) or ANGLED_RE.match(operand)
        if m and ("/" + header.replace(os.sep, "/")).endswith("/" + m.group(1)):
            return num
    return 1


def display(root, path):
    full = os.path.normpath(os.path.join(root, path))
    rel = os.path.relpath(full, root)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def parse_deps(text):
    """The prerequisites of `cc -M` output."""
    text = text.replace("\\\n", " ")
    _, _, deps = text.partition(": ")
    return deps.split()


def check_vendor_free(root, cc, report):
    """Rule 3: listed files compile without miniupnpc and libnatpmp headers.

    `-M`, not `-MM`: -MM leaves out headers found in system directories, and
    that is exactly where /usr/include/miniupnpc and /usr/include/natpmp.h
    live. `-MG` keeps going when such a header is absent and lists it anyway;
    `-H` prints the include tree, which names the chain.
    """
    files = set()
    for pattern in VENDOR_FREE_GLOBS:
        for full in glob.glob(os.path.join(root, pattern)):
            files.add(os.path.relpath(full, root).replace(os.sep, "/"))
    for rel in VENDOR_FREE_FILES:
        if os.path.isfile(os.path.join(root, rel)):
            files.add(rel)
        else:
            report.add(rel, 1, "vendor-headers",
                       "file listed for this rule does not exist (moved? update layers.py)")
    incdir = os.path.join(root, "include")
    for rel in sorted(files):
        cmd = cc + ["-M", "-MG", "-H", "-std=c11", "-D_GNU_SOURCE", "-I" + incdir,
                    os.path.join(root, rel)]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
        except OSError as e:
            print("layers.py: cannot run the compiler %r: %s" % (" ".join(cc), e.strerror),
                  file=sys.stderr)
            sys.exit(2)
        if run.returncode != 0:
            lines = run.stderr.strip().splitlines() or ["?"]
            first = next((l for l in lines if "error" in l), lines[-1])
            report.add(rel, 1, "vendor-headers",
                       "could not list dependencies (%s): %s" % (cc[0], first.strip()))
            continue
        deps = [d for d in parse_deps(run.stdout) if is_vendor(d)]
        if not deps:
            continue
        # Walk the -H tree; name each place a non-vendor file pulls in a vendor header.
        stack = []
        chains = []
        in_tree = set()
        for line in run.stderr.splitlines():
            m = H_LINE_RE.match(line)
            if not m:
                continue
            depth, path = len(m.group(1)), m.group(2).strip()
            del stack[depth - 1:]
            stack.append(path)
            in_tree.add(os.path.normpath(os.path.join(root, path)))
            parent_vendor = len(stack) > 1 and is_vendor(stack[-2])
            if is_vendor(path) and not parent_vendor:
                chains.append(list(stack))
        # Headers -H did not show (absent ones kept by -MG, or a compiler
        # without -H): name the header alone.
        for d in sorted(set(deps)):
            if os.path.normpath(os.path.join(root, d)) not in in_tree:
                report.add(rel, top_include_line(root, rel, d), "vendor-headers",
                           "depends on %s" % display(root, d))
        for chain in chains:
            num = top_include_line(root, rel, chain[0])
            text = " -> ".join([rel] + [display(root, p) for p in chain])
            report.add(rel, num, "vendor-headers",
                       "pulls in %s: %s" % (display(root, chain[-1]), text))
    return len(files)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(here, "..", ".."))
    if not os.path.isdir(os.path.join(root, "src")):
        print("layers.py: %s has no src/ folder" % root, file=sys.stderr)
        return 2
    cc = shlex.split(os.environ.get("CC") or "cc")
    report = Report()
    files = source_files(root)
    graph = check_includes(root, files, report)
    check_cycles(graph, report)
    n_vendor_free = check_vendor_free(root, cc, report)

    for path, line, rule, detail in report.lines:
        print("%s:%d: %s: %s" % (path, line, rule, detail))
    scope = "%d files, %d headers in the graph, %d files compiled without vendor headers" % (
        len(files), len(graph), n_vendor_free)
    if report.lines:
        counts = ", ".join("%s %d" % kv for kv in sorted(report.counts.items()))
        print("layers: FAIL: %d violation(s) (%s) in %s" % (len(report.lines), counts, scope))
        return 1
    print("layers: OK: %s" % scope)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
