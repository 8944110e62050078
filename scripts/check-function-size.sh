#!/bin/sh
# check-function-size.sh -- fails if any C function in src/ runs past
# MAX_LINES lines (the house style asks for a screen; this is the gate).
MAX_LINES=${MAX_LINES:-150}
cd "$(dirname "$0")/.."
find src -name '*.c' | sort | xargs awk -v max="$MAX_LINES" '
	FNR == 1 { depth = 0; start = 0 }
	/^[a-z_][a-z0-9_ *]*\(/ && depth == 0 { name = $0; start = FNR }
	{
		n = gsub(/{/, "{"); m = gsub(/}/, "}"); depth += n - m
		if (start && depth == 0 && m > 0) {
			if (FNR - start > max) {
				printf "%s:%d: function is %d lines: %s\n", FILENAME, start, FNR - start, name
				bad = 1
			}
			start = 0
		}
	}
	END { exit bad }'
