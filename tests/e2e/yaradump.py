"""yaradump.py -- the values `yara -D` prints for a module, as conditions.

Each leaf of the dump (an integer, a string, YR_UNDEFINED) becomes one
condition that holds when the module has that value: a rule set that
checks a module field by field against what yara read from the same file.
"""
import re

LEAF = re.compile(r'^(\t*)(\S+) = (.*)$')
NODE = re.compile(r'^(\t*)(\S+)$')


def _literal(text):
    """yara's printed string (non-printing bytes as \\xNN) as a YARA text
    literal, every byte escaped."""
    raw, i = bytearray(), 0
    body = text[1:-1]
    while i < len(body):
        if body.startswith("\\x", i) and re.match(r"[0-9a-fA-F]{2}", body[i + 2:i + 4]):
            raw.append(int(body[i + 2:i + 4], 16))
            i += 4
        else:
            raw.extend(body[i].encode("latin-1", "replace"))
            i += 1
    return '"' + "".join("\\x%02x" % b for b in raw) + '"'


def _step(path, name, dicts):
    if re.fullmatch(r"\[\d+\]", name):
        return path + name
    if path.split(".")[-1].split("[")[0] in dicts:
        return '%s["%s"]' % (path, name)
    return path + "." + name


def conditions(module, dump, dicts=("version_info",)):
    """(path, condition) for each leaf under module in `yara -D` text;
    dicts: the names of the module's dictionaries (their members are
    keys)."""
    out, stack, inside = [], [], False
    for line in dump.splitlines():
        if line == module:
            inside, stack = True, [module]
            continue
        if not inside or not line.startswith("\t"):
            inside = inside and line.startswith("\t")
            continue
        depth = len(line) - len(line.lstrip("\t"))
        stack = stack[:depth]  # the full path of each level above
        leaf = LEAF.match(line)
        path = _step(stack[-1], (leaf or NODE.match(line)).group(2), dicts)
        if not leaf:
            stack.append(path)
            continue
        value = leaf.group(3)
        if value == "YR_UNDEFINED":
            out.append((path, "not defined %s" % path))
        elif value.startswith('"'):
            out.append((path, "%s == %s" % (path, _literal(value))))
        else:
            out.append((path, "%s == %s" % (path, value)))
    return out


def rules(module, conds):
    """A rule per condition, named c<index>."""
    body = "".join("rule c%d { condition: %s }\n" % (i, c)
                   for i, (_, c) in enumerate(conds))
    return 'import "%s"\n%s' % (module, body)
