import "pe"
import "math"

private global rule base : tag1 tag2 {
  meta:
    author = "vigil tests"
    score = -5
    active = true
  strings:
    $a = "text\x41\"\t" ascii wide nocase fullword
    $b = { 4D 5A [2-4] ( 90 | 9? | ( 41 42 ) ) ?? ~00 // a comment {}
           50 [-] 45 }
    $c = /ab+c[0-9]{2,3}\/x/is
    $d = "key" xor(1-3)
    $e = "payload" base64 base64wide
    $f = "wide only" wide private
  condition:
    $a at 0 and #b in (0..filesize) > 2 and @c[1] < 10 and !d[1] == 3
    and $e and $f and pe.number_of_sections > 2
    and math.entropy(0, filesize) >= 7.5
}

rule second {
  strings:
    $x1 = "one" $x2 = "two" $y = { 41 }
  condition:
    base and 2 of ($x*) and for all of them : ( # > 1 and @ < 5 )
    and for any i in (1..#y) : ( uint16be(@y[i]) & 0xff00 == 0x4100 )
    and for all k in (1, 2, 3) : ( k <= 3 ) and 50% of them
    and none of ($y) in (0..100) and -1 + 2 * 3 \ 4 % 5 | 6 ^ ~7 << 1 >= 1KB
}
