package dedupe

import (
	"iter"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/crmkit/crmkit"
)

// Train estimates a model from records, as Splink does: u from random
// pairs (which are almost all pairs of two customers); m by EM over the
// candidate pairs each family of block keys makes (names, phones, e-mails,
// INNs, birth dates), leaving out the fields that family forces to agree —
// among the pairs one phone brings together, the names of those that are
// not one customer are as random as anyone's (a husband and wife, the
// staff behind one switchboard), so u from random pairs holds for them;
// each field's m is the average over the families that could estimate it;
// λ is the share of all pairs that are one customer. Keys shared by more
// records than max_key_share and pairs a veto keeps apart are left out.
// Term frequencies are kept for values held by at least five records. The
// same records give the same model, in any order.
//
// A first import of a million records trains on all of them, so Train
// holds no string per record's key nor a map of blocks: keys are numbered
// as they are made, blocks are lists of record numbers, and the candidate
// pairs are counted by comparison vector (a few thousand distinct) rather
// than kept each with its own.
func Train(recs []crmkit.Record, cfg Config) *Params {
	cfg = cfg.WithDefaults()
	// In canonical order, so that the same records give the same model
	// whatever order they came in (the random pairs are drawn by index):
	// pointers sorted, not a copy of the records (a first import's run
	// holds them all already; the copy was 28 MB at 130k rows).
	ptrs := make([]*crmkit.Record, len(recs))
	for i := range recs {
		ptrs[i] = &recs[i]
	}
	sort.Slice(ptrs, func(i, j int) bool {
		if ptrs[i].Source != ptrs[j].Source {
			return ptrs[i].Source < ptrs[j].Source
		}
		return ptrs[i].Key < ptrs[j].Key
	})
	keys := numberKeys(ptrs)
	tf := keys.termFrequencies(len(recs))
	blocks := keys.blocks(cfg)
	pairs := candidatePairs(ptrs, blocks)
	random := randomPairs(len(recs), uPairs(len(recs)), 1)
	feats := keys.prepareFor(ptrs, pairs.pairs, random)
	keys = nil
	pairs.compare(feats)
	u := uOfCounts(countRandom(feats, random))
	feats, random = nil, nil
	groups := pairs.vectors.groups

	// m: per family, with the fields it forces left out.
	sums := map[string][]float64{}
	weights := map[string]float64{}
	local := make([]int, len(groups)) // a vector's group among the family's, or -1
	masked := make(Vector, len(comparators))
	for fam, forced := range keyFamilies {
		// A uint8 holds the bits of families 0–7 only: 8 and 9 (the city
		// with a name, with a house number) bring pairs, yet estimate no
		// m. Kept so, for now: a model must not change with Train's speed.
		bit := uint8(1) << fam
		for i := range local {
			local[i] = -1
		}
		var fg vectorGroups
		for p, g := range pairs.group {
			if pairs.families[p]&bit == 0 {
				continue
			}
			if local[g] < 0 {
				copy(masked, groups[g].v)
				for _, c := range forced {
					masked[c] = Null
				}
				local[g] = fg.add(masked, 0)
			}
			fg.groups[local[g]].n++
		}
		if len(fg.groups) == 0 {
			continue
		}
		observed := make([]float64, len(comparators))
		for _, g := range fg.groups {
			for i, l := range g.v {
				if l != Null {
					observed[i] += g.n
				}
			}
		}
		_, mf, _ := emGroups(fg.groups, u, true)
		for i, c := range comparators {
			if observed[i] == 0 {
				continue
			}
			if sums[c.name] == nil {
				sums[c.name] = make([]float64, len(c.levels))
			}
			for l := range c.levels {
				sums[c.name][l] += observed[i] * mf[c.name][l]
			}
			weights[c.name] += observed[i]
		}
	}
	m := map[string][]float64{}
	for _, c := range comparators {
		m[c.name] = append([]float64(nil), c.m0...)
		if w := weights[c.name]; w > 0 {
			for l := range c.levels {
				m[c.name][l] = sums[c.name][l] / w
			}
		}
	}

	// λ: the share of all pairs that are one customer, assuming pairs that
	// share no key are not; by EM over the candidates with m and u fixed.
	// A pair's posterior is its vector's, summed in the pairs' order.
	n := float64(len(recs))
	all := max(n*(n-1)/2, 1)
	lambda := min(max(float64(len(pairs.group))/all/2, floor), 0.5)
	post := make([]float64, len(groups))
	for range 200 {
		for g := range groups {
			post[g] = posterior(groups[g].v, lambda, m, u)
		}
		expected := 0.0
		for _, g := range pairs.group {
			expected += post[g]
		}
		next := min(max(expected/all, floor*floor), 0.5)
		if math.Abs(next-lambda) <= 1e-9*next {
			lambda = next
			break
		}
		lambda = next
	}
	wrong := wrongDates(groups, lambda, m, u)
	var sources []string
	for _, r := range ptrs {
		if len(sources) == 0 || sources[len(sources)-1] != r.Source { // ptrs are sorted by source
			sources = append(sources, r.Source)
		}
	}
	return &Params{Lambda: lambda, M: m, U: u, URandom: u, TF: tf, Sources: sources, WrongDates: wrong}
}

// trainKeys are the block keys of the records Train is given, numbered in
// the order they were first made, and what term frequencies count.
type trainKeys struct {
	names []string // the key numbered i
	share []int32  // how many records hold key i
	// A record's keys, without repeats: keys[off[r]:off[r+1]].
	off  []int
	keys []uint32
	// Term frequencies: how many phones, e-mails and people's names (of
	// person-like records) are key i ("phone:…", "email:…", "name:…"),
	// how many organisations' names (org-like records) are, and how many
	// records are in each city.
	tf, tfOrg []int32
	cities    map[string]int32 // city key → its number
	cityNames []string         // the city numbered i
	cityCount []int32          // how many records are in city i
	cityOf    []int32          // each record's city, or -1
	// How many records count towards each comparator's term frequencies.
	people, orgs, inCity, withPhone, withEmail float64
}

// numberKeys numbers the block keys of records (Train's, in canonical
// order) and counts their term frequencies as termFrequencies does. The
// keys are written on all cores, a piece of the records at a time, and
// numbered here in the records' order.
func numberKeys(recs []*crmkit.Record) *trainKeys {
	t := &trainKeys{off: make([]int, 1, len(recs)+1), cities: map[string]int32{}, cityOf: make([]int32, 0, len(recs))}
	ids := map[string]uint32{}
	intern := func(k []byte) uint32 {
		if id, ok := ids[string(k)]; ok {
			return id
		}
		id := uint32(len(t.names))
		name := string(k)
		ids[name] = id
		t.names = append(t.names, name)
		t.share = append(t.share, 0)
		t.tf = append(t.tf, 0)
		t.tfOrg = append(t.tfOrg, 0)
		return id
	}
	var own []uint32
	for piece := range writeKeys(recs) {
		for j, r := range piece.recs {
			first, last := piece.recKeys[j], piece.recKeys[j+1]
			own = own[:0]
			for k := first; k < last; k++ {
				own = append(own, intern(piece.text[piece.ends[k]:piece.ends[k+1]]))
			}
			// Term frequencies: each() writes a record's match keys,
			// then a key per e-mail, per phone, and the name's.
			at := len(r.MatchKeys)
			for range r.Emails {
				t.tf[own[at]]++
				at++
			}
			for range r.Phones {
				t.tf[own[at]]++
				at++
			}
			switch {
			case r.NameKey == "":
			case isPersonLike(r):
				t.tf[own[at]]++
				t.people++
			case isOrgLike(r):
				t.tfOrg[own[at]]++
				t.orgs++
			}
			if len(r.Emails) > 0 {
				t.withEmail++
			}
			if len(r.Phones) > 0 {
				t.withPhone++
			}
			t.cityOf = append(t.cityOf, -1)
			if city := piece.cities[j]; city != "" {
				c, ok := t.cities[city]
				if !ok {
					c = int32(len(t.cityNames))
					t.cities[city] = c
					t.cityNames = append(t.cityNames, city)
					t.cityCount = append(t.cityCount, 0)
				}
				t.cityCount[c]++
				t.cityOf[len(t.cityOf)-1] = c
				t.inCity++
			}

			slices.Sort(own)
			own = slices.Compact(own)
			for _, id := range own {
				t.share[id]++
			}
			t.keys = append(t.keys, own...)
			t.off = append(t.off, len(t.keys))
		}
	}
	return t
}

// keyPiece is the block keys of some records, written one after another:
// record j's are keys recKeys[j] to recKeys[j+1]-1, key k is
// text[ends[k]:ends[k+1]].
type keyPiece struct {
	recs    []*crmkit.Record
	cities  []string // each record's city key
	recKeys []int32
	ends    []int32
	text    []byte
}

// writeKeys writes the block keys of records on all cores and yields them
// a piece at a time, in the records' order; a few pieces are written ahead
// at most, and a piece is written over once yielded.
func writeKeys(recs []*crmkit.Record) iter.Seq[*keyPiece] {
	return func(yield func(*keyPiece) bool) {
		const size = 2048
		pieces := (len(recs) + size - 1) / size
		workers := max(1, min(runtime.GOMAXPROCS(0), pieces))
		ready := make([]chan *keyPiece, pieces)
		for i := range ready {
			ready[i] = make(chan *keyPiece, 1)
		}
		// A worker takes a token before it takes a piece, and the token
		// comes back when its piece is read: the least piece not read
		// always has one.
		tokens := make(chan struct{}, 2*workers)
		free := make(chan *keyPiece, 2*workers+1)
		var next atomic.Int64
		stop := make(chan struct{})
		defer close(stop)
		for range workers {
			go func() {
				kb := keyBuilder{names: map[string][2]string{}}
				for {
					select {
					case tokens <- struct{}{}:
					case <-stop:
						return
					}
					i := int(next.Add(1)) - 1
					if i >= pieces {
						return
					}
					var p *keyPiece
					select {
					case p = <-free:
					default:
						p = &keyPiece{}
					}
					p.write(&kb, recs[i*size:min((i+1)*size, len(recs))])
					ready[i] <- p
				}
			}()
		}
		for i := range pieces {
			piece := <-ready[i]
			<-tokens
			if !yield(piece) {
				return
			}
			free <- piece
		}
	}
}

// write writes the block keys of some records over the piece's.
func (p *keyPiece) write(kb *keyBuilder, recs []*crmkit.Record) {
	p.recs, p.cities = recs, p.cities[:0]
	p.recKeys, p.ends, p.text = append(p.recKeys[:0], 0), append(p.ends[:0], 0), p.text[:0]
	emit := func(k []byte, _ string) {
		p.text = append(p.text, k...)
		p.ends = append(p.ends, int32(len(p.text)))
	}
	for _, r := range recs {
		city := kb.cityKey(r.Fields[crmkit.FieldCity])
		p.cities = append(p.cities, city)
		kb.each(r, addressTokensIn(r, city), city, emit)
		p.recKeys = append(p.recKeys, int32(len(p.ends)-1))
	}
}

// termFrequencies are termFrequencies of the records, kept only for values
// held by at least five of them (as Train keeps them).
func (t *trainKeys) termFrequencies(records int) map[string]map[string]float64 {
	tf := map[string]map[string]float64{}
	keep := func(comp, v string, c int32, n float64) {
		f := float64(c) / n
		if c == 0 || f*float64(records) < 5 {
			return
		}
		if tf[comp] == nil {
			tf[comp] = map[string]float64{}
		}
		tf[comp][v] = f
	}
	for id, k := range t.names {
		switch {
		case strings.HasPrefix(k, "phone:"):
			keep("phone", k, t.tf[id], t.withPhone)
		case strings.HasPrefix(k, "email:"):
			keep("email", k, t.tf[id], t.withEmail)
		case strings.HasPrefix(k, keyName):
			keep("person_name", k[len(keyName):], t.tf[id], t.people)
			keep("org_name", k[len(keyName):], t.tfOrg[id], t.orgs)
		}
	}
	for c, n := range t.cityCount {
		keep("city", t.cityNames[c], n, t.inCity)
	}
	return tf
}

// trainBlocks are the keys that pair records, in the order of their text,
// with the records (their numbers, ascending) holding each.
type trainBlocks struct {
	family []int // key i's family
	off    []int // key i's records are recs[off[i]:off[i+1]]
	recs   []int32
}

// blocks are the keys held by two records or more that pair them (not too
// common, of a family).
func (t *trainKeys) blocks(cfg Config) trainBlocks {
	var keys []uint32
	for id, n := range t.share {
		if k := t.names[id]; n > 1 && keyClass(k, int(n), cfg) == classPaired && keyFamily(k) >= 0 {
			keys = append(keys, uint32(id))
		}
	}
	slices.SortFunc(keys, func(a, b uint32) int { return strings.Compare(t.names[a], t.names[b]) })
	rank := make([]int32, len(t.names))
	for i := range rank {
		rank[i] = -1
	}
	b := trainBlocks{family: make([]int, len(keys)), off: make([]int, len(keys)+1)}
	for i, id := range keys {
		rank[id] = int32(i)
		b.family[i] = keyFamily(t.names[id])
		b.off[i+1] = b.off[i] + int(t.share[id])
	}
	b.recs = make([]int32, b.off[len(keys)])
	next := slices.Clone(b.off[:len(keys)])
	for r := range len(t.off) - 1 {
		for _, id := range t.keys[t.off[r]:t.off[r+1]] {
			if i := rank[id]; i >= 0 {
				b.recs[next[i]] = int32(r)
				next[i]++
			}
		}
	}
	return b
}

// maxPairs is how many candidate pairs Train estimates m and λ from at
// most: the first found, key by key in the order of their text.
const maxPairs = 2_000_000

// trainPairs are the candidate pairs, in the order found: the records of
// each, the families of the keys that pair it, and once compared, its
// comparison vector's group.
type trainPairs struct {
	pairs    [][2]int32
	families []uint8 // bits: 1<<family
	group    []int32
	vectors  vectorGroups
}

// candidatePairs are the pairs of records the blocks bring together, each
// once, but those a veto keeps apart: never one customer whatever the
// weights, they are no part of the mixture.
func candidatePairs(recs []*crmkit.Record, b trainBlocks) *trainPairs {
	p := &trainPairs{}
	vetoCfg := Config{Model: &Params{}}
	seen := map[uint64]int32{} // → index in pairs, or -1 for a vetoed pair
	for k, fam := range b.family {
		m := b.recs[b.off[k]:b.off[k+1]]
		for x := range m {
			for y := x + 1; y < len(m) && len(p.pairs) < maxPairs; y++ {
				key := uint64(m[x])<<32 | uint64(m[y]) // m ascends
				if i, ok := seen[key]; ok {
					if i >= 0 {
						p.families[i] |= 1 << fam
					}
					continue
				}
				if veto(recs[m[x]], recs[m[y]], vetoCfg) != "" {
					seen[key] = -1
					continue
				}
				seen[key] = int32(len(p.pairs))
				p.pairs = append(p.pairs, [2]int32{m[x], m[y]})
				p.families = append(p.families, 1<<fam)
			}
		}
	}
	return p
}

// compare works out the pairs' comparison vectors, on all cores, and
// groups them in the pairs' order.
func (p *trainPairs) compare(feats []*features) {
	n := len(comparators)
	vecs := make([]int8, n*len(p.pairs))
	parallel(len(p.pairs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			compareLevels(feats[p.pairs[i][0]], feats[p.pairs[i][1]], vecs[i*n:(i+1)*n])
		}
	})
	p.group = make([]int32, len(p.pairs))
	for i := range p.pairs {
		p.group[i] = int32(p.vectors.add(vecs[i*n:(i+1)*n], 1))
	}
}

// countRandom counts the levels of random pairs' vectors, on all cores.
func countRandom(feats []*features, pairs [][2]int32) [][]float64 {
	var mu sync.Mutex
	counts := levelCounts()
	parallel(len(pairs), func(lo, hi int) {
		mine := levelCounts()
		v := make(Vector, len(comparators))
		for _, p := range pairs[lo:hi] {
			compareLevels(feats[p[0]], feats[p[1]], v)
			countLevels(mine, v)
		}
		mu.Lock()
		defer mu.Unlock()
		for f := range counts {
			for l := range counts[f] {
				counts[f][l] += mine[f][l] // whole numbers: the sum is exact in any order
			}
		}
	})
	return counts
}

// prepareFor works out the features of the records of these pairs, on all
// cores; the others' are nil. The city keys are those numberKeys worked
// out, and records of one name key share its features (a worker keeps
// those of the names it met last).
func (t *trainKeys) prepareFor(recs []*crmkit.Record, pairs ...[][2]int32) []*features {
	needed := make([]bool, len(recs))
	var list []int32
	for _, ps := range pairs {
		for _, p := range ps {
			for _, i := range p {
				if !needed[i] {
					needed[i] = true
					list = append(list, i)
				}
			}
		}
	}
	feats := make([]*features, len(recs))
	var names sync.Pool
	parallel(len(list), func(lo, hi int) {
		memo, _ := names.Get().(map[string]nameFeatures)
		if memo == nil || len(memo) > 1<<16 {
			memo = map[string]nameFeatures{}
		}
		for _, i := range list[lo:hi] {
			r := recs[i]
			name, ok := memo[r.NameKey]
			if !ok {
				name = nameFeaturesOf(r.NameKey)
				memo[r.NameKey] = name
			}
			city := ""
			if c := t.cityOf[i]; c >= 0 {
				city = t.cityNames[c]
			}
			feats[i] = prepareWith(r, city, name)
		}
		names.Put(memo)
	})
	return feats
}

// parallel calls f on pieces [lo, hi) of [0, n) on all cores, and returns
// when all are done.
func parallel(n int, f func(lo, hi int)) {
	const piece = 4096
	workers := min(runtime.GOMAXPROCS(0), (n+piece-1)/piece)
	if workers <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(piece)) - piece
				if lo >= n {
					return
				}
				f(lo, min(lo+piece, n))
			}
		})
	}
	wg.Wait()
}
