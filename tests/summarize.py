#!/usr/bin/env python3
"""Counts results of the whole suite and prints "N passed, N failed".

Unit tests speak TAP (cmocka's CMOCKA_MESSAGE_OUTPUT=TAP): each test case
counts; other Meson tests count once. End-to-end results come from pytest's
JUnit XML. Exit status 1 if anything failed or nothing ran.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET


def meson_counts(path):
    passed = failed = 0
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print("summarize: no Meson test log at %s" % path, file=sys.stderr)
        return 0, 1
    for line in lines:
        t = json.loads(line)
        ok_cases = len(re.findall(r"^ok \d+", t.get("stdout", ""), re.M))
        bad_cases = len(re.findall(r"^not ok \d+", t.get("stdout", ""), re.M))
        good = t["result"] in ("OK", "EXPECTEDFAIL")
        if ok_cases or bad_cases:
            passed += ok_cases
            failed += bad_cases
            if not good and not bad_cases:
                failed += 1
        elif good:
            passed += 1
        elif t["result"] != "SKIP":
            failed += 1
            print("FAILED: %s (%s)" % (t["name"], t["result"]))
    return passed, failed


def junit_counts(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        print("summarize: no end-to-end results at %s" % path, file=sys.stderr)
        return 0, 1
    passed = failed = 0
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            print("FAILED: %s::%s" % (case.get("classname"), case.get("name")))
        elif case.find("skipped") is None:
            passed += 1
    return passed, failed


def main():
    p1, f1 = meson_counts(sys.argv[1])
    p2, f2 = junit_counts(sys.argv[2])
    passed, failed = p1 + p2, f1 + f2
    print("unit %d passed, %d failed; end-to-end %d passed, %d failed" % (p1, f1, p2, f2))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
