#!/usr/bin/python3
"""check-layers.py [SRC] -- the tree's seams, as docs/layout.md draws them.
Fails (exit 1) on:
  - a circle of folders (a folder including, through its files, one that
    includes it back: the room graph must be layered);
  - a circle of files within or across folders, counting foo.c and foo.h as
    one unit, by #include, and within a program's folder by calls to the
    functions another file defines (names followed by "(", outside
    comments and strings);
  - an include across rooms that the layout does not allow (programs take
    libvigil only through include/vigil/vigil.h, and shared code only from
    src/common/).
The one circle by design is not seen here: formats hand objects back to
the core through fmt_child() (formats/format.h), which calls them."""
import collections
import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "src")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    out = {}
    for d, _, fs in os.walk(SRC):
        for f in fs:
            if f.endswith((".c", ".h")):
                p = os.path.relpath(os.path.join(d, f), SRC)
                with open(os.path.join(d, f), errors="replace") as fh:
                    out[p] = fh.read()
    return out


def resolve(files, src, inc):
    for c in (os.path.normpath(os.path.join(os.path.dirname(src), inc)),
              "lib/" + inc, inc, "shield/bpf/" + inc):
        if c in files:
            return c
    return None


def circles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))
    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            visit(v)
    return found


def room(path):
    top = path.split("/")[0]
    return "lib" if top == "lib" else top


def call_graph(files, folder):
    """Within one folder: file -> files whose public functions it calls."""
    strip = re.compile(r'/\*.*?\*/|"(?:\\.|[^"\\\n])*"', re.S)
    defs, text = {}, {}
    for p, s in files.items():
        if os.path.dirname(p) != folder or not p.endswith(".c"):
            continue
        s = strip.sub('""', s)
        text[p] = s
        for m in re.finditer(r'^(?!static)[a-z_][a-z0-9_ ]*[ *]([a-z_][a-z0-9_]*)\(',
                             s, re.M):
            defs[m.group(1)] = p
    graph = collections.defaultdict(set)
    for p, s in text.items():
        for name in set(re.findall(r'\b([a-z_][a-z0-9_]*)\s*\(', s)):
            q = defs.get(name)
            if q and q != p:
                graph[p[:-2]].add(q[:-2])
    return graph


def main():
    files = sources()
    units, folders = collections.defaultdict(set), collections.defaultdict(set)
    bad = []
    for p, s in files.items():
        for inc in INCLUDE.findall(s):
            if inc.startswith("vigil/"):
                continue  # the public header
            q = resolve(files, p, inc)
            if not q:
                continue
            a, b = os.path.splitext(p)[0], os.path.splitext(q)[0]
            if a != b:
                units[a].add(b)
            if os.path.dirname(p) != os.path.dirname(q):
                folders[os.path.dirname(p)].add(os.path.dirname(q))
            ra, rb = room(p), room(q)
            if ra != rb and rb != "common" and not (
                    ra == "shield" and rb == "shield"):
                bad.append("%s includes %s (rooms %s -> %s)" % (p, q, ra, rb))
    problems = []
    for c in circles(folders):
        problems.append("folder circle: " + " <-> ".join(c))
    for c in circles(units):
        problems.append("file circle (includes): " + " <-> ".join(c))
    for folder in sorted({os.path.dirname(p) for p in files}):
        for c in circles(call_graph(files, folder)):
            problems.append("file circle (calls) in %s: %s" %
                            (folder, " <-> ".join(c)))
    problems += bad
    for p in problems:
        print("check-layers: " + p)
    edges = sum(len(v) for v in folders.values())
    print("check-layers: %d folders, %d folder edges, %d problems" %
          (len({os.path.dirname(p) for p in files}), edges, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
