package main

import (
	"fmt"
	"math/rand/v2"
)

// writeNightly writes n rows of a nightly export against the base file that
// -rows base -seed seed writes: changed of them are rows of the base with
// the same code (Код) and a changed phone, e-mail or address, the rest new
// customers, with codes after base and the e-mails of those codes. The
// changed rows come first, in the base's order. A file of other customers
// (-new-only: changed 0) has customers of a stream of its own, with codes
// after those of the nightly file of n rows, so that it can be imported
// into a store that already holds that file.
func writeNightly(path string, n, changed, base int, seed uint64) error {
	changed = min(changed, n, base)
	rnd := rand.New(rand.NewPCG(seed, seed^0x6e696768746c79))
	pick := make(map[int]bool, changed)
	for len(pick) < changed {
		pick[1+rnd.IntN(base)] = true
	}
	rows := make([][]any, 0, n)
	baseRow := bigRows(seed)
	for i := 1; i <= base && changed > 0; i++ {
		row := baseRow(i) // every base row, so that the picked ones come out as the base has them
		if !pick[i] {
			continue
		}
		switch rnd.IntN(3) {
		case 0:
			row[4] = fmt.Sprintf("+79%02d%07d", rnd.IntN(100), rnd.IntN(10_000_000))
		case 1:
			row[5] = fmt.Sprintf("client%d@new-mail.example", i)
		default:
			row[6] = fmt.Sprintf("пр. Мира, д. %d", 1+rnd.IntN(200))
		}
		rows = append(rows, row)
	}
	freshRow, first := bigRows(seed^0x6e6577), base // another stream of customers
	if changed == 0 {
		freshRow, first = bigRows(seed^0x6f74686572), base+n
	}
	for i := 1; len(rows) < n; i++ {
		rows = append(rows, freshRow(first+i))
	}
	return writeTable(path, len(rows), func(i int) []any { return rows[i-1] })
}
