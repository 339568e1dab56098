// Package dedupe decides which records describe the same customer and gives
// each customer one stable personal ID. It knows nothing of files or of the
// store engine: what it needs of stored history it asks through Existing.
package dedupe

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/crmkit/crmkit"
)

// Existing is what dedupe needs of the CRM store: the personal IDs already
// given to source records and to match keys. A nil Existing means a run
// into files only, with no history.
type Existing interface {
	// Decisions returns the must-link and cannot-link rules people made.
	Decisions(ctx context.Context) ([]crmkit.Decision, error)
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
	Review   []Pair            // pairs a person should decide: grey-zone scores, refused merges
	Refused  int               // merges refused: they would have joined a vetoed pair or hung on one weak link
	Demoted  map[string]int    // keys shared by too many records to make a match (phone:…, email:…) → count
}

// Pair is two records and what the comparison said of them.
type Pair struct {
	A, B int // record indexes
	Comparison
	Note string // why it is in review
}

// Assign decides which records are one customer and gives every customer a
// personal ID. Candidate pairs come from shared keys (INN, phone, e-mail,
// name keys); each pair is scored with its reasons; pairs above the merge
// threshold are joined strongest first, but never so that one customer
// would hold a vetoed pair (two valid INNs, two birth dates, a person and
// an organisation) or two groups would hang on a single weak link. A
// cluster keeps the personal ID its records are linked to or share an
// exact key with — the oldest when several, the others becoming aliases —
// else gets a new one from newID.
//
// Decisions win over everything: a must-link joins its two records, a
// cannot-link keeps their clusters apart whatever the scores.
func Assign(ctx context.Context, recs []crmkit.Record, existing Existing, newID func() string, cfg Config, decisions []crmkit.Decision) (Result, error) {
	cfg = cfg.WithDefaults()
	res := Result{IDs: make([]string, len(recs)), New: map[string]bool{}, Aliases: map[string]string{}, Demoted: map[string]int{}}
	blocks, share := blocking(recs)
	for k, n := range share {
		if n > cfg.MaxKeyShare && (strings.HasPrefix(k, "phone:") || strings.HasPrefix(k, "email:")) {
			res.Demoted[k] = n
		}
	}

	// Must-links: one source record seen twice is one customer.
	type edge struct {
		a, b  int
		score float64
		must  bool
	}
	var edges []edge
	bySource := map[crmkit.SourceKey]int{}
	for i, r := range recs {
		sk := crmkit.SourceKey{Source: r.Source, Key: r.Key}
		if j, ok := bySource[sk]; ok {
			edges = append(edges, edge{a: i, b: j, must: true})
		} else {
			bySource[sk] = i
		}
	}

	var cannot [][2]int
	for _, d := range decisions {
		a, okA := bySource[d.A]
		b, okB := bySource[d.B]
		switch {
		case !okA || !okB:
		case d.Same:
			edges = append(edges, edge{a: a, b: b, must: true})
		default:
			cannot = append(cannot, [2]int{a, b})
		}
	}

	// Scored candidate pairs from the blocks small enough to pair.
	limit := 4 * cfg.MaxKeyShare
	seen := map[[2]int]bool{}
	var review []Pair
	for key, members := range blocks {
		if len(members) < 2 || len(members) > limit || (isNameKey(key) && len(members) > cfg.MaxKeyShare) {
			continue // a common name pairs everyone called so: its pairs come through other keys or not at all
		}
		for x := 0; x < len(members); x++ {
			for y := x + 1; y < len(members); y++ {
				a, b := members[x], members[y]
				if a > b {
					a, b = b, a
				}
				if seen[[2]int{a, b}] {
					continue
				}
				seen[[2]int{a, b}] = true
				c := Compare(&recs[a], &recs[b], cfg, share)
				switch {
				case c.Veto != "":
				case decided(decisions, recs[a], recs[b]):
				case c.Score >= cfg.Merge:
					edges = append(edges, edge{a: a, b: b, score: c.Score})
				case c.Score >= cfg.Review:
					review = append(review, Pair{A: a, B: b, Comparison: c, Note: "grey zone"})
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
	}

	// Stored personal IDs, as extra nodes: through links and exact keys.
	var storedIDs []string
	node := map[string]int{}
	storedNode := func(id string) int {
		if n, ok := node[id]; ok {
			return n
		}
		node[id] = len(recs) + len(storedIDs)
		storedIDs = append(storedIDs, id)
		return node[id]
	}
	if existing != nil {
		sks := make([]crmkit.SourceKey, 0, len(bySource))
		for sk := range bySource {
			sks = append(sks, sk)
		}
		linked, err := existing.LinkedIDs(ctx, sks)
		if err != nil {
			return res, fmt.Errorf("look up links: %w", err)
		}
		for sk, id := range linked {
			edges = append(edges, edge{a: bySource[sk], b: storedNode(id), must: true})
		}
		var keys []string
		for k := range blocks {
			if isExactKey(k) && share[k] <= cfg.MaxKeyShare {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		byMatch, err := existing.IDsByMatchKey(ctx, keys)
		if err != nil {
			return res, fmt.Errorf("look up match keys: %w", err)
		}
		for k, ids := range byMatch {
			for _, id := range ids {
				edges = append(edges, edge{a: blocks[k][0], b: storedNode(id), must: true})
				for _, other := range blocks[k][1:] {
					edges = append(edges, edge{a: other, b: storedNode(id), must: true})
				}
			}
		}
	}

	// Join: must-links first, then merges strongest first, under the constraints.
	sort.SliceStable(edges, func(i, j int) bool {
		if edges[i].must != edges[j].must {
			return edges[i].must
		}
		return edges[i].score > edges[j].score
	})
	cl := newClusters(recs, len(recs)+len(storedIDs))
	cl.cannot = cannot
	pending := map[[2]int]int{}
	for _, e := range edges {
		ra, rb := cl.find(e.a), cl.find(e.b)
		if ra == rb {
			continue
		}
		if !e.must {
			if cl.conflict(ra, rb) || cl.forbidden(ra, rb) {
				res.Refused++
				continue
			}
			if e.score < cfg.Strong && cl.size[ra] >= 2 && cl.size[rb] >= 2 {
				k := [2]int{min(ra, rb), max(ra, rb)}
				if pending[k]++; pending[k] < 2 {
					res.Refused++
					continue // one weak link between two groups is not enough
				}
			}
		}
		cl.union(ra, rb)
	}

	stored := map[int][]string{}
	for id, n := range node {
		root := cl.find(n)
		stored[root] = append(stored[root], id)
	}
	idOf := map[int]string{}
	for i := range recs {
		root := cl.find(i)
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
	for _, p := range review {
		if res.IDs[p.A] != res.IDs[p.B] {
			res.Review = append(res.Review, p)
		}
	}
	// A merge the constraints refused goes to review too. Its reasons are
	// worked out again here: few merges are refused, and keeping them for
	// every merge would hold a comparison per merged pair of the run.
	for _, e := range edges {
		if !e.must && e.b < len(recs) && res.IDs[e.a] != res.IDs[e.b] {
			res.Review = append(res.Review, Pair{A: e.a, B: e.b, Comparison: Compare(&recs[e.a], &recs[e.b], cfg, share), Note: "merge refused"})
		}
	}
	return res, nil
}

// decided: a person has already ruled on the pair; it is not asked again.
func decided(decisions []crmkit.Decision, a, b crmkit.Record) bool {
	ka, kb := crmkit.SourceKey{Source: a.Source, Key: a.Key}, crmkit.SourceKey{Source: b.Source, Key: b.Key}
	for _, d := range decisions {
		if (d.A == ka && d.B == kb) || (d.A == kb && d.B == ka) {
			return !d.Same // a must-link is joined anyway; a cannot-link must not be scored into a merge
		}
	}
	return false
}

func isNameKey(k string) bool {
	return strings.HasPrefix(k, "name:") || strings.HasPrefix(k, "tok:") || strings.HasPrefix(k, "tr:") || strings.HasPrefix(k, "ini:")
}

func isExactKey(k string) bool {
	return strings.HasPrefix(k, "inn:") || strings.HasPrefix(k, "phone:") || strings.HasPrefix(k, "email:")
}

// blocking lists, for every key, the records that have it: the exact match
// keys and the name keys. share counts them.
func blocking(recs []crmkit.Record) (map[string][]int, keyShare) {
	blocks := map[string][]int{}
	add := func(k string, i int) {
		if l := blocks[k]; len(l) == 0 || l[len(l)-1] != i {
			blocks[k] = append(l, i)
		}
	}
	for i := range recs {
		r := &recs[i]
		for _, k := range r.MatchKeys {
			add(k, i)
		}
		for _, e := range r.Emails { // office mailboxes block, and add a little evidence
			add("email:"+e, i)
		}
		for _, p := range r.Phones {
			add("phone:"+p.E164, i)
		}
		if r.NameKey != "" {
			add("name:"+r.NameKey, i)
			add("tok:"+sortedTokens(r.NameKey), i)
			add("tr:"+translit(r.NameKey), i)
		}
		if r.InitialsKey != "" {
			add("ini:"+r.InitialsKey, i)
		}
	}
	share := keyShare{}
	for k, l := range blocks {
		share[k] = len(l)
	}
	return blocks, share
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
