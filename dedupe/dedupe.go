// Package dedupe decides which records describe the same customer and gives
// each customer one stable personal ID. It knows nothing of files or of the
// store engine: what it needs of stored history it asks through Existing.
package dedupe

import (
	"context"
	"fmt"
	"sort"

	"github.com/crmkit/crmkit"
)

// Existing is what dedupe needs of the CRM store: the personal IDs already
// given to source records and to match keys. A nil Existing means a run
// into files only, with no history.
type Existing interface {
	// LinkedIDs returns the personal ID each known source key resolves to.
	LinkedIDs(ctx context.Context, keys []crmkit.SourceKey) (map[crmkit.SourceKey]string, error)
	// IDsByMatchKey returns the personal IDs of stored cards holding each key.
	IDsByMatchKey(ctx context.Context, keys []string) (map[string][]string, error)
}

// Result is the decision of one run.
type Result struct {
	IDs      []string          // personal ID of each input record, by index
	New      map[string]bool   // IDs issued by this run
	Aliases  map[string]string // an existing ID that lost a merge → its survivor
	Clusters int               // customers among the input records
	Merged   int               // records folded into another record of this run
	Matched  int               // clusters that resolved to a stored personal ID
}

// Assign clusters the records by their exact match keys and gives every
// cluster a personal ID: the ID its records are already linked to or share a
// key with, the oldest when there are several (the others become aliases),
// else a new one from newID.
func Assign(ctx context.Context, recs []crmkit.Record, existing Existing, newID func() string) (Result, error) {
	uf := newUnionFind(len(recs))
	byKey := map[string]int{}
	bySource := map[crmkit.SourceKey]int{}
	for i, r := range recs {
		sk := crmkit.SourceKey{Source: r.Source, Key: r.Key}
		if j, ok := bySource[sk]; ok {
			uf.union(i, j) // one source record seen twice is one customer
		} else {
			bySource[sk] = i
		}
		for _, k := range r.MatchKeys {
			if j, ok := byKey[k]; ok {
				uf.union(i, j)
			} else {
				byKey[k] = i
			}
		}
	}

	// Stored IDs each record touches, through its link or its keys.
	touched := map[int][]string{}
	if existing != nil {
		sks := make([]crmkit.SourceKey, 0, len(bySource))
		for sk := range bySource {
			sks = append(sks, sk)
		}
		linked, err := existing.LinkedIDs(ctx, sks)
		if err != nil {
			return Result{}, fmt.Errorf("look up links: %w", err)
		}
		for sk, id := range linked {
			i := bySource[sk]
			touched[i] = append(touched[i], id)
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		byMatch, err := existing.IDsByMatchKey(ctx, keys)
		if err != nil {
			return Result{}, fmt.Errorf("look up match keys: %w", err)
		}
		for k, ids := range byMatch {
			i := byKey[k]
			touched[i] = append(touched[i], ids...)
		}
	}
	// An existing ID touched from two clusters joins them: it was one customer.
	owner := map[string]int{}
	for i, ids := range touched {
		for _, id := range ids {
			if j, ok := owner[id]; ok {
				uf.union(i, j)
			} else {
				owner[id] = i
			}
		}
	}

	res := Result{IDs: make([]string, len(recs)), New: map[string]bool{}, Aliases: map[string]string{}}
	stored := map[int][]string{} // root → existing IDs of the cluster
	for i, ids := range touched {
		root := uf.find(i)
		stored[root] = append(stored[root], ids...)
	}
	idOf := map[int]string{}
	for i := range recs {
		root := uf.find(i)
		id, ok := idOf[root]
		if !ok {
			id = survivor(stored[root], res.Aliases)
			if id == "" {
				id = newID()
				res.New[id] = true
			}
			idOf[root] = id
			res.Clusters++
		}
		res.IDs[i] = id
	}
	res.Merged = len(recs) - res.Clusters
	res.Matched = res.Clusters - len(res.New)
	return res, nil
}

// survivor picks the oldest of the stored IDs — personal IDs are UUIDv7, so
// the oldest is the least — and records the others as its aliases.
func survivor(ids []string, aliases map[string]string) string {
	if len(ids) == 0 {
		return ""
	}
	sort.Strings(ids)
	for _, id := range ids[1:] {
		if id != ids[0] {
			aliases[id] = ids[0]
		}
	}
	return ids[0]
}

// unionFind joins record indexes into clusters.
type unionFind struct{ parent, size []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n), size: make([]int, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = i, 1
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}
