import "math"
import "hash"
import "console"
import "time"
rule ent { condition: math.entropy(0, filesize) > 3 and console.log("ent: ", math.entropy(0, filesize)) }
rule ent2 { condition: math.entropy("aaaa") == 0.0 }
rule mean { condition: console.log(math.mean(0, filesize)) and console.log(math.deviation(0, filesize, math.MEAN_BYTES)) and console.log(math.serial_correlation(0, filesize)) and console.log(math.monte_carlo_pi(0, filesize)) }
rule h { condition: console.log(hash.md5(0, filesize)) and console.log(hash.sha1(0, filesize)) and console.log(hash.sha256(0, filesize)) and console.log(hash.crc32(0, filesize)) and console.hex(hash.checksum32(0, filesize)) and hash.md5("abc") == "900150983cd24fb0d6963f7d28e17f72" }
rule cnt { condition: math.count(0x6c) == 5 and math.count(0x6c, 0, 5) == 2 and math.mode() == 0x6c and console.log(math.percentage(0x6c)) }
rule mm { condition: math.min(-1, 2) == -1 and math.max(3, 2) == 3 and math.abs(-4) == 4 and math.in_range(1.5, 1.0, 2.0) and math.to_number(true) == 1 }
rule t { condition: time.now() > 1600000000 }
rule u { condition: not defined math.entropy(100, 5) and defined math.entropy(filesize, 1) and not defined hash.md5(filesize, 1) }
