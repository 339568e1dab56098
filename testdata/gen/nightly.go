package main

import (
	"fmt"
	"math/rand/v2"
)

// writeNightly writes n rows of a nightly export against the base file that
// -rows base -seed seed writes: about half of them are rows of the base with
// the same code (Код) and a changed phone, e-mail or address, the rest new
// customers, with codes after base and the e-mails of those codes. The
// changed rows come first, in the base's order.
func writeNightly(path string, n, base int, seed uint64) error {
	changed := min(n/2, base)
	rnd := rand.New(rand.NewPCG(seed, seed^0x6e696768746c79))
	pick := make(map[int]bool, changed)
	for len(pick) < changed {
		pick[1+rnd.IntN(base)] = true
	}
	rows := make([][]any, 0, n)
	baseRow := bigRows(seed)
	for i := 1; i <= base; i++ {
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
	freshRow := bigRows(seed ^ 0x6e6577) // another stream of customers
	for i := 1; len(rows) < n; i++ {
		rows = append(rows, freshRow(base+i))
	}
	return writeTable(path, len(rows), func(i int) []any { return rows[i-1] })
}
