rule a { strings: $x = { 41 ( 42 [2-] 43 | 44 ) } condition: $x }
