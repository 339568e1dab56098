package export

import (
	"cmp"
	"context"
	"hash/fnv"
	"slices"
)

// KeyHash is how record_keys holds a block key (dedupe.IndexKeys): a
// 64-bit FNV-1a hash of its text (migration 0017). Eight bytes instead of
// the key's tens keep the store's biggest index small, and a nightly run
// writes a third of the pages. Two keys of one hash (about one pair in a
// store of 4·10⁹ keys) only count and list each other's holders as their
// own: such a holder is a candidate, scored on its fields like any other.
// The hash is fixed for good: stored hashes must match a later crmkit's.
func KeyHash(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return int64(h.Sum64())
}

// hashedKeys are lookup rows (hash, key) for the temporary table q_hashes,
// in the order of the hash: looked up in that order, one key after another
// goes down the index by key to the same or the next pages, which are then
// in the engine's cache, instead of to random places all over it.
func hashedKeys(keys []string) [][]any {
	type hashed struct {
		h int64
		k string
	}
	hs := make([]hashed, len(keys))
	for i, k := range keys {
		hs[i] = hashed{KeyHash(k), k}
	}
	slices.SortFunc(hs, func(a, b hashed) int { return cmp.Compare(a.h, b.h) })
	out := make([][]any, len(hs))
	for i, x := range hs {
		out[i] = []any{x.h, x.k}
	}
	return out
}

// keyRow is a row of record_keys: a key's hash and its record.
type keyRow struct{ Key, Seq int64 }

// loadKeys loads key rows into table (record_keys, or a list of keys to
// delete from it) in the order of record_keys' primary key: one key after
// another goes to the same or the next pages.
func loadKeys(ctx context.Context, c Conn, table string, keys []keyRow) error {
	slices.SortFunc(keys, func(a, b keyRow) int { return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Seq, b.Seq)) })
	return c.Load(ctx, table, []string{"key", "seq"}, func(yield func([]any) bool) {
		for _, k := range keys {
			if !yield([]any{k.Key, k.Seq}) {
				return
			}
		}
	})
}
