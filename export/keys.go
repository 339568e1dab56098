package export

import (
	"cmp"
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
