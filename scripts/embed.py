#!/usr/bin/env python3
"""embed.py NAME INPUT OUTPUT.c -- a file's bytes as a C array, for the
build: `const char NAME[]` (NUL-terminated) and `const size_t NAME_len`."""
import sys


def main():
    name, src, out = sys.argv[1:4]
    data = open(src, "rb").read()
    lines = []
    for i in range(0, len(data), 16):
        lines.append("\t" + ", ".join("0x%02x" % b for b in data[i:i + 16])
                     + ",")
    with open(out, "w") as f:
        f.write("/* made by scripts/embed.py from %s: do not edit */\n"
                "#include <stddef.h>\n\n"
                "extern const char %s[];\nextern const size_t %s_len;\n\n"
                "const char %s[] = {\n%s\n\t0x00\n};\n"
                "const size_t %s_len = %d;\n"
                % (src.split("/")[-1], name, name, name, "\n".join(lines),
                   name, len(data)))


if __name__ == "__main__":
    main()
