import "pe"
rule Y { strings: $a = "yyy-test" condition: $a or pe.is_pe }
