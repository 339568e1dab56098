package export

import "hash/fnv"

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

// hashedKeys are lookup rows (hash, key) for the temporary table q_hashes.
func hashedKeys(keys []string) [][]any {
	out := make([][]any, len(keys))
	for i, k := range keys {
		out[i] = []any{KeyHash(k), k}
	}
	return out
}
