rule a { strings: $x = "a"
 $y = "b" condition: $x }
