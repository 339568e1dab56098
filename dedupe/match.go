package dedupe

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/crmkit/crmkit"
)

// partition is how match decided a closed set of records.
type partition struct {
	cluster   []int // the cluster of each record: the index of its first record
	component []int // the match component of each record: records joined by merge edges, refused or not
	review    []Pair
	refused   int
}

// match clusters records that form whole match components. The records
// must come in canonical order (by source and key) and share must count
// every key over all records of the store, not only these: then the
// outcome depends on the records alone, never on the order they came in
// or on which run brought them.
//
// Candidate pairs come from keys that are not too common; each is scored
// with its reasons; pairs above the merge threshold are joined strongest
// first, but never so that one customer would hold a vetoed pair (two valid
// INNs, two birth dates, a person and an organisation) or two groups would
// hang on a single weak link. Decisions win over everything: a must-link
// joins its two records, a cannot-link keeps their clusters apart.
//
// The records are read where the set holds them (a copy of a hundred
// thousand was a tenth of a run's peak memory), and features are worked
// out only for the records of some candidate pair.
func match(ctx context.Context, set []*Stored, keys *keyTable, share keyShare, cfg Config, decisions []crmkit.Decision) (partition, error) {
	n := len(set)
	type edge struct {
		a, b  int
		score float64
		must  bool
	}
	var edges []edge
	index := make(map[crmkit.SourceKey]int, n)
	for i, s := range set {
		index[crmkit.SourceKey{Source: s.Source, Key: s.Key}] = i
	}
	var cannot [][2]int
	decided := map[[2]int]bool{}
	for _, d := range decisions {
		a, okA := index[d.A]
		b, okB := index[d.B]
		if !okA || !okB || a == b {
			continue
		}
		decided[[2]int{min(a, b), max(a, b)}] = true
		if d.Same {
			edges = append(edges, edge{a: min(a, b), b: max(a, b), must: true})
		} else {
			cannot = append(cannot, [2]int{a, b})
		}
	}

	// Only keys that at least two records hold make a block: most keys
	// (a name, an address) are one record's, and listing them all was the
	// biggest part of match's memory. A block is the run of its key's
	// number in a sorted list of key<<32|record (a map of lists held three
	// times as much), its members in index order.
	blocked := func(id uint32) bool { return share[keys.name(id)] >= 2 }
	size := 0
	for i := range n {
		for _, id := range set[i].blockKeys(keys) {
			if blocked(id) {
				size++
			}
		}
	}
	held := make([]uint64, 0, size)
	for i := range n {
		for _, id := range set[i].blockKeys(keys) {
			if blocked(id) {
				held = append(held, uint64(id)<<32|uint64(i))
			}
		}
	}
	slices.Sort(held)
	// Every pair of a block that may pair its records, each pair once (two
	// records sharing several keys are compared once): a pair is a<<32|b.
	var pairs []uint64
	for lo := 0; lo < len(held); {
		hi := lo + 1
		for hi < len(held) && held[hi]>>32 == held[lo]>>32 {
			hi++
		}
		block := held[lo:hi]
		lo = hi
		if len(block) < 2 {
			continue
		}
		members := func(x int) int { return int(uint32(block[x])) }
		key := keys.name(uint32(block[0] >> 32))
		if strings.HasPrefix(key, keyLegacy) {
			for x := 1; x < len(block); x++ { // a pre-records store's card holds until its records are seen again
				edges = append(edges, edge{a: members(0), b: members(x), must: true})
			}
			continue
		}
		if keyClass(key, share[key], cfg) == classIgnored {
			continue // a common name pairs everyone called so: its pairs come through other keys or not at all
		}
		for x := 0; x < len(block); x++ {
			for y := x + 1; y < len(block); y++ {
				pairs = append(pairs, uint64(members(x))<<32|uint64(members(y))) // members are in index order
			}
		}
	}
	slices.Sort(pairs)
	pairs = slices.Compact(pairs)
	feats := pairFeatures(set, pairs)

	// Scoring is the cost of matching, and each pair's is its own: the
	// cores share the pairs.
	workers := min(runtime.GOMAXPROCS(0), len(pairs)/4096+1)
	found := make([]struct {
		edges  []edge
		review []Pair
	}, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			from, to := w*len(pairs)/workers, (w+1)*len(pairs)/workers
			for i, ab := range pairs[from:to] {
				if i%4096 == 0 && ctx.Err() != nil {
					return
				}
				a, b := int(ab>>32), int(ab&0xffffffff)
				c := score(feats[a], feats[b], cfg, share)
				switch {
				case c.Veto != "", decided[[2]int{a, b}]:
				case c.Score >= cfg.Merge:
					found[w].edges = append(found[w].edges, edge{a: a, b: b, score: c.Score})
				case c.Score >= cfg.Review:
					found[w].review = append(found[w].review, Pair{A: a, B: b, Note: "grey zone"})
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return partition{}, err
	}
	var review []Pair
	for _, f := range found {
		edges = append(edges, f.edges...)
		review = append(review, f.review...)
	}
	// Scored: the features go before clustering (at 130k rows, 47 MB that
	// clustering and the cards would hold for nothing); the few pairs that
	// go to review have theirs worked out again, the same from the same
	// records.
	for i := range feats {
		feats[i] = nil
	}
	for _, s := range set {
		s.feat = nil
	}
	featOf := func(i int) *features {
		if feats[i] == nil {
			feats[i] = prepare(&set[i].Record)
		}
		return feats[i]
	}

	// Must-links first, then merges strongest first; ties by the records'
	// canonical order, so that the same records always cluster the same way.
	sort.Slice(edges, func(i, j int) bool {
		x, y := edges[i], edges[j]
		switch {
		case x.must != y.must:
			return x.must
		case x.score != y.score:
			return x.score > y.score
		case x.a != y.a:
			return x.a < y.a
		}
		return x.b < y.b
	})
	cl := newClusters(set, n)
	cl.cannot = cannot
	cl.lenientDates = cfg.Model != nil
	if !cfg.Model.DatesTrusted() {
		// The source writes wrong birth dates: two dates weigh against a
		// pair, they do not keep a customer's records apart.
		cl.births = make([]valueSet, n)
	}
	comp := newClusters(nil, n)
	pending := map[[2]int]int{}
	p := partition{}
	for _, e := range edges {
		comp.union(comp.find(e.a), comp.find(e.b))
		ra, rb := cl.find(e.a), cl.find(e.b)
		if ra == rb {
			continue
		}
		if !e.must {
			if cl.conflict(ra, rb) || cl.forbidden(ra, rb) {
				p.refused++
				continue
			}
			if e.score < cfg.Strong && cl.size[ra] >= 2 && cl.size[rb] >= 2 {
				k := [2]int{cl.first[ra], cl.first[rb]}
				if k[0] > k[1] {
					k[0], k[1] = k[1], k[0]
				}
				if pending[k]++; pending[k] < 2 {
					p.refused++
					continue // one weak link between two groups is not enough
				}
			}
		}
		cl.union(ra, rb)
	}
	p.cluster, p.component = make([]int, n), make([]int, n)
	for i := range n {
		p.cluster[i] = cl.first[cl.find(i)]
		p.component[i] = comp.first[comp.find(i)]
	}
	for _, r := range review {
		if p.cluster[r.A] != p.cluster[r.B] {
			r.Comparison = compare(featOf(r.A), featOf(r.B), cfg, share, false) // its reasons, for the person who decides
			p.review = append(p.review, r)
		}
	}
	// A merge the constraints refused goes to review too. Its reasons are
	// worked out again here: few merges are refused, and keeping them for
	// every merge would hold a comparison per merged pair.
	for _, e := range edges {
		if !e.must && p.cluster[e.a] != p.cluster[e.b] {
			p.review = append(p.review, Pair{A: e.a, B: e.b, Comparison: compare(featOf(e.a), featOf(e.b), cfg, share, false), Note: "merge refused"})
		}
	}
	sort.Slice(p.review, func(i, j int) bool {
		if p.review[i].A != p.review[j].A {
			return p.review[i].A < p.review[j].A
		}
		return p.review[i].B < p.review[j].B
	})
	return p, nil
}

// pairFeatures works out, on all cores, the features of the records of
// these pairs, by record index; the others' stay nil.
func pairFeatures(set []*Stored, pairs []uint64) []*features {
	paired := make([]bool, len(set))
	var list []*Stored
	for _, ab := range pairs {
		for _, i := range [2]int{int(ab >> 32), int(ab & 0xffffffff)} {
			if !paired[i] {
				paired[i] = true
				list = append(list, set[i])
			}
		}
	}
	eachStored(list, func(s *Stored) { s.prepared() })
	feats := make([]*features, len(set))
	for i, s := range set {
		if paired[i] {
			feats[i] = s.feat
		}
	}
	return feats
}

// Pair is two records of a set and what the comparison said of them.
type Pair struct {
	A, B int // record indexes
	Comparison
	Note string // why it is in review
}
