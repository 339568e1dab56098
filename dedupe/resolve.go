package dedupe

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/crmkit/crmkit"
)

// Stored is a source record as the store keeps it: the record's cleaned
// content and where it stands.
type Stored struct {
	crmkit.Record
	Seq        int64  // the store's order of first sighting; 0 for a record not stored yet
	PersonalID string // the customer it belongs to
	FirstID    string // the personal ID it was first given: a split gives it back
	Component  string // its match component: the personal ID of the component's oldest customer
	Run        int64  // the run that wrote its content; 0 for this run
	Ord        int    // its position among that run's records

	feat  *features // what scoring reads of the record, once worked out
	keys  []uint32  // its BlockKeys numbered by the run's keyTable, worked out once (features do not hold them)
	inSet bool      // one of the run's records that is in the set to recompute
}

// prepared is what scoring reads of the record: its features, worked out
// on first use and only for records that are scored — a third of a first
// import meets no other record in any block, and features are a few times
// a record's size.
func (s *Stored) prepared() *features {
	if s.feat == nil {
		s.feat = prepare(&s.Record)
	}
	return s.feat
}

// blockKeys are the record's BlockKeys, numbered by the run's table.
func (s *Stored) blockKeys(t *keyTable) []uint32 {
	if s.keys == nil {
		s.keys = t.intern(blockKeyList(&s.Record))
	}
	return s.keys
}

// Index is what dedupe needs of the store's records. A nil Index is an
// empty store: a run into files only.
type Index interface {
	// BySourceKeys returns the stored records of these source keys.
	BySourceKeys(ctx context.Context, keys []crmkit.SourceKey) ([]Stored, error)
	// ByIndexKeys returns the stored records holding any of these keys (IndexKeys).
	ByIndexKeys(ctx context.Context, keys []string) ([]Stored, error)
	// ByComponents returns every stored record of these match components.
	ByComponents(ctx context.Context, components []string) ([]Stored, error)
	// KeyCounts returns how many stored records hold each key.
	KeyCounts(ctx context.Context, keys []string) (map[string]int, error)
	// Holders returns how many stored records hold each of these keys, up
	// to limit+1 (a key held by more may be counted limit+1), and, for keys
	// held by at most limit records, which (their Seq).
	Holders(ctx context.Context, keys []string, limit int) (counts map[string]int, holders map[string][]int64, err error)
	// BySeqs returns the stored records of these Seqs.
	BySeqs(ctx context.Context, seqs []int64) ([]Stored, error)
	// Aliases returns, of these personal IDs, those that are aliases now.
	Aliases(ctx context.Context, ids []string) (map[string]string, error)
}

// Input is what one run brings.
type Input struct {
	// Records are the run's records in the order read; a source key read
	// twice is one record, and its last sighting wins.
	Records []crmkit.Record
	// Seeds are stored records to recompute although they did not change:
	// the two sides of decisions made since the last run.
	Seeds []crmkit.SourceKey
	// Decisions are every must-link and cannot-link in force.
	Decisions []crmkit.Decision
}

// Options are how a run names customers and ranks sources.
type Options struct {
	NewID    func() string           // a new personal ID, time-ordered (the oldest is the least)
	Priority func(source string) int // survivorship: lower wins; nil ranks all sources alike
	Progress func(step string)       // told each step as it begins (a progress display); nil: nobody
}

func (o Options) step(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(fmt.Sprintf(format, args...))
	}
}

// Write is one stored record whose row a run changes.
type Write struct {
	*Stored
	Content bool // new, or its content changed: its data is written anew
	// DropKeys are the index keys (IndexKeys) a changed record's content
	// loses; AddKeys those the record gains.
	DropKeys []string
	added    []string  // a changed record's AddKeys, worked out with DropKeys
	table    *keyTable // a new record's keys are its numbers in the run's table
}

// AddKeys are the index keys (IndexKeys) the record gains: all of a new
// record's, what a changed one's content adds. A new record's are named
// from the run's key table when asked, a write at a time: held for every
// record of a first import until the store had them all, they were 20 MB
// at 130,000 rows.
func (w Write) AddKeys() []string {
	if w.table == nil {
		return w.added
	}
	return indexKeys(&w.Record, w.table.namesOf(w.keys))
}

// Plan is what a run changes in the store: every record whose row changes,
// the cards of every customer it touched, and the personal IDs that became
// aliases or came back.
type Plan struct {
	Writes  []Write
	Cards   []crmkit.Card     // the cards of every customer in the components the run touched
	Aliases map[string]string // a personal ID that lost a merge → its survivor
	Revived []string          // personal IDs that were aliases and are a customer again after a split
	Review  []ReviewPair
	Stats

	read []*Stored // the run's records, in the order first read (Links)
}

// Links are each of the run's records and its customer, in the order
// first read. They are made when asked for: an import, which writes the
// records themselves, never asks, and holding them was 9 MB of its peak at
// 130,000 rows.
func (p *Plan) Links() []crmkit.Link {
	out := make([]crmkit.Link, len(p.read))
	for i, s := range p.read {
		out[i] = crmkit.Link{PersonalID: s.PersonalID, Source: s.Source, SourceKey: s.Key, File: s.File, Row: s.Row}
	}
	return out
}

// Stats count what a run found.
type Stats struct {
	Records    int            // distinct source records read
	New        int            // of them, not stored before
	Changed    int            // stored before with other content
	Touched    int            // records recomputed: the run's new and changed ones and their components
	Customers  int            // distinct customers among the run's records
	Duplicates int            // the run's records that joined another of its records or a stored customer
	Merged     int            // stored customers that became aliases of another
	Split      int            // stored customers split into several
	Refused    int            // merges refused: a vetoed pair or a single weak link
	Demoted    map[string]int // keys shared by too many records to make a match (phone:…, email:…) → count
}

// ReviewPair is a pair a person should decide, with the records themselves.
type ReviewPair struct {
	A, B crmkit.Record
	Comparison
	Note string
}

// Resolve is one run of matching, against the store or into files only.
// It blocks the run's new and changed records against every stored record
// through the indexed keys, gathers the whole match components they touch,
// clusters those with exactly the rules of a single run, and gives each
// customer a personal ID: the oldest of its records' IDs survives, the
// others become aliases; a part split off gets back the ID its records had
// before they merged, or a new one. So any sequence of runs over a set of
// records ends with the customers one run over all of them would make,
// and the cost grows with the run's records, not with the store.
func Resolve(ctx context.Context, idx Index, in Input, cfg Config, opt Options) (*Plan, error) {
	cfg = cfg.WithDefaults()
	if idx == nil {
		idx = emptyIndex{}
	}
	r := &resolver{ctx: ctx, idx: idx, cfg: cfg, opt: opt, pulled: map[crmkit.SourceKey]*Stored{}, keys: newKeyTable(),
		counts: map[string]int{}, recount: map[string]bool{}}
	opt.step("matching: looking up %d records in the store", len(in.Records))
	// The records are copied into the resolver's rows, and the caller may
	// have handed them over (an import does): nothing here holds them after,
	// not even the argument, which clearing whole keeps from being elided.
	records, seeds, decisions := in.Records, in.Seeds, in.Decisions
	in = Input{}
	if err := r.read(records, seeds); err != nil {
		return nil, err
	}
	opt.step("matching: finding candidates for %d new and changed records", len(r.fresh))
	if err := r.gather(decisions); err != nil {
		return nil, err
	}
	return r.decide(decisions)
}

type resolver struct {
	ctx context.Context
	idx Index
	cfg Config
	opt Options
	// The run's records as they are now, first read first, and their
	// indexes in source key order (a map of each, by source key, held 25 MB
	// at 130k rows through clustering and the cards). A run's record is in
	// the set to recompute when its inSet says so; a stored record that is
	// not the run's, when pulled holds it.
	rows    []Stored
	bySK    []int32
	before  map[crmkit.SourceKey]Stored  // the stored rows of the run's and seed records
	fresh   []*Stored                    // the run's new and changed records
	pulled  map[crmkit.SourceKey]*Stored // the stored records in the set that are not the run's
	keys    *keyTable                    // the block keys of the records read, numbered
	delta   []int32                      // by key number: how the run changes the count of each block key
	changes []bool                       // by key number: a key of the run's new and changed records, or one they lost (delta holds its change)
	counts  map[string]int               // stored counts, before the run (see known)
	recount map[string]bool              // keys gather counted only up to a limit: counted again by count
	stats   Stats
}

func skOf(r *crmkit.Record) crmkit.SourceKey { return crmkit.SourceKey{Source: r.Source, Key: r.Key} }

// read sorts the run's records into new, changed and unchanged.
func (r *resolver) read(records []crmkit.Record, seeds []crmkit.SourceKey) error {
	// The records by source key, each key's sightings in the order read:
	// a key's first sighting gives its place, its last its content.
	bySK := make([]int32, len(records))
	for i := range bySK {
		bySK[i] = int32(i)
	}
	sort.Slice(bySK, func(a, b int) bool {
		if c := compareSK(skOf(&records[bySK[a]]), skOf(&records[bySK[b]])); c != 0 {
			return c < 0
		}
		return bySK[a] < bySK[b]
	})
	type sighted struct{ first, last int32 }
	var keys []sighted // in source key order
	for i, at := range bySK {
		if i == 0 || compareSK(skOf(&records[bySK[i-1]]), skOf(&records[at])) != 0 {
			keys = append(keys, sighted{first: at})
		}
		keys[len(keys)-1].last = at
	}
	order := make([]int32, len(keys)) // keys' indexes, first read first
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool { return keys[order[a]].first < keys[order[b]].first })
	r.bySK = bySK[:len(keys)]
	for n, k := range order {
		r.bySK[k] = int32(n)
	}
	ask := make([]crmkit.SourceKey, 0, len(keys)+len(seeds))
	for _, k := range order {
		ask = append(ask, skOf(&records[keys[k].first]))
	}
	stored, err := r.idx.BySourceKeys(r.ctx, append(ask, seeds...))
	if err != nil {
		return fmt.Errorf("look up stored records: %w", err)
	}
	r.before = make(map[crmkit.SourceKey]Stored, len(stored))
	for _, s := range stored {
		r.before[skOf(&s.Record)] = s
	}
	r.stats.Records = len(keys)
	r.rows = make([]Stored, len(keys))
	for n, k := range order {
		c := &r.rows[n]
		*c = Stored{Record: records[keys[k].last], Ord: n + 1}
		sk := skOf(&c.Record)
		old, ok := r.before[sk]
		switch {
		case !ok:
			r.stats.New++
		case SameContent(&old.Record, &c.Record):
			c.Seq, c.PersonalID, c.FirstID, c.Component = old.Seq, old.PersonalID, old.FirstID, old.Component
			c.Run, c.Ord = old.Run, old.Ord
			continue
		default:
			r.stats.Changed++
			c.Seq, c.PersonalID, c.FirstID, c.Component = old.Seq, old.PersonalID, old.FirstID, old.Component
		}
		r.fresh = append(r.fresh, c)
		c.inSet = true
	}
	// The new and changed records are all matched: their block keys are
	// worked out here at once, on every core.
	eachStored(r.fresh, func(s *Stored) { s.blockKeys(r.keys) })
	for _, c := range r.fresh {
		if old, ok := r.before[skOf(&c.Record)]; ok {
			r.addKeys(&old, -1)
		}
		r.addKeys(c, +1)
	}
	for _, sk := range seeds {
		if s, ok := r.before[sk]; ok {
			r.add(s)
		}
	}
	return nil
}

// eachStored calls do for each record, on all cores.
func eachStored(list []*Stored, do func(*Stored)) {
	workers := min(runtime.GOMAXPROCS(0), len(list)/1024+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(list); i += workers {
				do(list[i])
			}
		})
	}
	wg.Wait()
}

func (r *resolver) addKeys(s *Stored, d int) {
	ids := s.blockKeys(r.keys)
	if n := r.keys.len(); n > len(r.delta) {
		r.delta = append(r.delta, make([]int32, n-len(r.delta))...)
		r.changes = append(r.changes, make([]bool, n-len(r.changes))...)
	}
	for _, id := range ids {
		r.delta[id] += int32(d)
		r.changes[id] = true
	}
}

// deltaOf is how the run changes the count of key id, and whether it is a
// key of the run's new and changed records or one they lost.
func (r *resolver) deltaOf(id uint32) (int, bool) {
	if int(id) >= len(r.delta) {
		return 0, false
	}
	return int(r.delta[id]), r.changes[id]
}

// add puts a stored record into the set, as the run has it now.
func (r *resolver) add(s Stored) bool {
	sk := skOf(&s.Record)
	if cur := r.current(sk); cur != nil {
		if cur.inSet {
			return false
		}
		cur.inSet = true
		return true
	}
	if _, ok := r.pulled[sk]; ok {
		return false
	}
	r.pulled[sk] = &s
	return true
}

// current is the run's record of a source key as it is now; nil when the
// run did not read it.
func (r *resolver) current(sk crmkit.SourceKey) *Stored {
	i, found := sort.Find(len(r.bySK), func(i int) int { return compareSK(sk, skOf(&r.rows[r.bySK[i]].Record)) })
	if !found {
		return nil
	}
	return &r.rows[r.bySK[i]]
}

// inSet tells whether the record of a source key is in the set.
func (r *resolver) inSet(sk crmkit.SourceKey) bool {
	if cur := r.current(sk); cur != nil {
		return cur.inSet
	}
	_, ok := r.pulled[sk]
	return ok
}

// setRecords are the records of the set, in no order.
func (r *resolver) setRecords() []*Stored {
	var out []*Stored
	for i := range r.rows {
		if r.rows[i].inSet {
			out = append(out, &r.rows[i])
		}
	}
	for _, s := range r.pulled {
		out = append(out, s)
	}
	return out
}

func compareSK(a, b crmkit.SourceKey) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// count fetches the stored counts of the keys of these records not yet
// known, without listing every key of the set (a first import's million).
func (r *resolver) count(set []*Stored) error {
	var missing []string
	for _, s := range set {
		for _, id := range s.blockKeys(r.keys) {
			if !r.known(id) {
				k := r.keys.name(id)
				missing = append(missing, k)
				r.counts[k] = 0
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	got, err := r.idx.KeyCounts(r.ctx, missing)
	if err != nil {
		return fmt.Errorf("count keys: %w", err)
	}
	for k, n := range got {
		r.counts[k] = n
	}
	return nil
}

// known tells whether a key's stored count is known: counted since, or
// one of the keys the run changes, all counted by gather (which keeps only
// counts that are not zero: most keys of a run are new to the store).
func (r *resolver) known(id uint32) bool {
	k := r.keys.name(id)
	if _, ok := r.counts[k]; ok {
		return true
	}
	_, counted := r.deltaOf(id)
	return counted && !r.recount[k]
}

// share is the count of key id over the store as the run leaves it.
func (r *resolver) share(id uint32) int {
	d, _ := r.deltaOf(id)
	return r.counts[r.keys.name(id)] + d
}

// gather widens the set to everything the run's records may change: the
// stored records they could pair with, everyone holding a key whose class
// the run changes, the organisations' contact persons, and then the whole
// match components of all of these, and the other sides of must-links.
func (r *resolver) gather(decisions []crmkit.Decision) error {
	// The keys the run changes: those of its new and changed records (all
	// counted in delta) and those the changed ones lost, by name.
	var ids []uint32
	for id, ok := range r.changes {
		if ok {
			ids = append(ids, uint32(id))
		}
	}
	sort.Slice(ids, func(i, j int) bool { return r.keys.name(ids[i]) < r.keys.name(ids[j]) })
	all := r.keys.namesOf(ids)
	// Only keys that pair anyone after the run, or did before it, are
	// followed to their holders: a key held by thousands (a common surname
	// and initial) is counted, not listed.
	limit := 4 * r.cfg.MaxKeyShare
	for _, id := range ids {
		d, _ := r.deltaOf(id)
		limit = max(limit, 4*r.cfg.MaxKeyShare-d)
	}
	counts, holders, err := r.idx.Holders(r.ctx, all, limit)
	if err != nil {
		return fmt.Errorf("find candidates: %w", err)
	}
	for _, k := range all {
		if n := counts[k]; n != 0 {
			r.counts[k] = n
		}
	}
	// A count past the limit only says the key pairs nobody, which is all
	// the classes need; a phone or e-mail the run reports as demoted is
	// counted exactly when the set is decided.
	defer func() {
		for k, n := range counts {
			if n > limit && (strings.HasPrefix(k, "phone:") || strings.HasPrefix(k, "email:")) {
				delete(r.counts, k)
				r.recount[k] = true
			}
		}
	}()
	// Everyone holding a key whose class the run changes is recomputed, and
	// so are the contact persons of the run's organisations. A stored record
	// that merely shares a key with the run's records joins only when it
	// pairs with one of them: a component the run's records do not reach
	// keeps its edges (scores depend on a key's class, not its count), so
	// recomputing it would change nothing.
	var pull, candidates []string
	for i, k := range all {
		before, after := r.counts[k], r.share(ids[i])
		moved := keyClass(k, before, r.cfg) != keyClass(k, after, r.cfg) && min(before, after) > 0
		switch {
		case moved && keyClass(k, min(before, after), r.cfg) != classIgnored, strings.HasPrefix(k, keyLegacy):
			pull = append(pull, k)
		case r.counts[k] > 0 && keyClass(k, after, r.cfg) != classIgnored:
			candidates = append(candidates, k)
		}
	}
	var refs []string
	for _, s := range r.fresh {
		refs = append(refs, referredBy(&s.Record)...)
	}
	if err := r.pull(refs); err != nil {
		return err
	}
	if err := r.bySeqs(holders, pull, func(s Stored) { r.add(s) }); err != nil {
		return err
	}
	if err := r.pair(holders, candidates); err != nil {
		return err
	}
	loaded := map[string]bool{"": true}
	for {
		var comps []string
		for _, s := range r.setRecords() {
			if !loaded[s.Component] {
				loaded[s.Component] = true
				comps = append(comps, s.Component)
			}
		}
		for sk, old := range r.before { // a changed record's old component
			if r.inSet(sk) && !loaded[old.Component] {
				loaded[old.Component] = true
				comps = append(comps, old.Component)
			}
		}
		var partners []crmkit.SourceKey
		for _, d := range decisions {
			a, b := r.inSet(d.A), r.inSet(d.B)
			switch {
			case !d.Same || a == b:
			case a:
				partners = append(partners, d.B)
			default:
				partners = append(partners, d.A)
			}
		}
		grew := false
		if len(comps) > 0 {
			sort.Strings(comps)
			got, err := r.idx.ByComponents(r.ctx, comps)
			if err != nil {
				return fmt.Errorf("read match components: %w", err)
			}
			for _, s := range got {
				grew = r.add(s) || grew
			}
		}
		if len(partners) > 0 {
			got, err := r.idx.BySourceKeys(r.ctx, partners)
			if err != nil {
				return fmt.Errorf("read decided records: %w", err)
			}
			for _, s := range got {
				grew = r.add(s) || grew
			}
		}
		if !grew {
			return nil
		}
	}
}

func (r *resolver) pull(keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	keys = uniqueSorted(keys)
	got, err := r.idx.ByIndexKeys(r.ctx, keys)
	if err != nil {
		return fmt.Errorf("find candidates: %w", err)
	}
	for _, s := range got {
		r.add(s)
	}
	return nil
}

// pair adds the stored records holding these keys that pair with one of
// the run's new or changed records: a merge or a pair for review.
func (r *resolver) pair(holders map[string][]int64, keys []string) error {
	var got []Stored
	if err := r.bySeqs(holders, keys, func(s Stored) { got = append(got, s) }); err != nil {
		return err
	}
	// A candidate's keys among these are known from the lookup: its own
	// keys need not be worked out again.
	wanted := make(map[string]bool, len(keys))
	held := map[int64][]string{}
	for _, k := range keys {
		wanted[k] = true
		for _, q := range holders[k] {
			held[q] = append(held[q], k)
		}
	}
	blocks := map[string][]*features{}
	share := keyShare{} // what scoring reads: the shares of the keys two records hold both
	for _, s := range r.fresh {
		var f *features // only for a record that meets a candidate
		for _, id := range s.blockKeys(r.keys) {
			k := r.keys.name(id)
			share[k] = r.share(id)
			if wanted[k] {
				if f == nil {
					f = s.prepared()
				}
				blocks[k] = append(blocks[k], f)
			}
		}
	}
	r.opt.step("matching: scoring %d stored candidates", len(got))
	// Scoring is most of a nightly run's matching, and each candidate's is
	// its own: the cores share the candidates.
	keep := make([]bool, len(got))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(got)/256+1)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(got); i += workers {
				if i%1024 == 0 && r.ctx.Err() != nil {
					return
				}
				if keep[i] = r.pairs(&got[i], held[got[i].Seq], blocks, share); !keep[i] {
					got[i].feat, got[i].keys = nil, nil // most candidates pair nobody
				}
			}
		})
	}
	wg.Wait()
	if err := r.ctx.Err(); err != nil {
		return err
	}
	for i := range got {
		if keep[i] {
			r.add(got[i])
		}
	}
	return nil
}

// bySeqs reads the stored records holding these keys, each once, that are
// not in the set yet: those that are (the run's changed records, most of
// all, hold their own keys) are not read again.
func (r *resolver) bySeqs(holders map[string][]int64, keys []string, each func(Stored)) error {
	seen := map[int64]bool{}
	for i := range r.rows {
		if c := &r.rows[i]; c.inSet && c.Seq != 0 {
			seen[c.Seq] = true
		}
	}
	for _, s := range r.pulled {
		seen[s.Seq] = true
	}
	var seqs []int64
	for _, k := range keys {
		for _, q := range holders[k] {
			if !seen[q] {
				seen[q] = true
				seqs = append(seqs, q)
			}
		}
	}
	if len(seqs) == 0 {
		return nil
	}
	slices.Sort(seqs)
	got, err := r.idx.BySeqs(r.ctx, seqs)
	if err != nil {
		return fmt.Errorf("find candidates: %w", err)
	}
	for _, s := range got {
		if !r.inSet(skOf(&s.Record)) {
			each(s)
		}
	}
	return nil
}

// pairs tells whether a stored record scores a merge or a review with a
// run's record it shares one of keys with.
func (r *resolver) pairs(c *Stored, keys []string, blocks map[string][]*features, share keyShare) bool {
	fc := c.prepared()
	// A run's record and a candidate usually share several keys (the name,
	// its words sorted, in Latin letters): each pair is scored once.
	var seen [8]*features
	scored := seen[:0]
	for _, k := range keys {
		for _, f := range blocks[k] {
			if slices.Contains(scored, f) {
				continue
			}
			scored = append(scored, f)
			a, b := f, fc
			if b.Source < a.Source || b.Source == a.Source && b.Key < a.Key {
				a, b = b, a // as match scores it: in canonical order
			}
			if s := score(a, b, r.cfg, share); s.Veto == "" && s.Score >= r.cfg.Review {
				return true
			}
		}
	}
	return false
}

// decide clusters the set, names its customers and builds their cards.
func (r *resolver) decide(decisions []crmkit.Decision) (*Plan, error) {
	set := r.setRecords()
	sort.Slice(set, func(i, j int) bool {
		a, b := set[i], set[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Key < b.Key
	})
	r.opt.step("matching: clustering %d records", len(set))
	eachStored(set, func(s *Stored) { s.blockKeys(r.keys) })
	// Every record the run matches has its keys numbered: the map that
	// numbers new ones goes (at 130k rows, 16 MB held through clustering
	// and writing).
	r.keys.seal()
	if err := r.count(set); err != nil {
		return nil, err
	}
	share := keyShare{}
	demoted := map[string]int{}
	for _, s := range set {
		for _, id := range s.blockKeys(r.keys) {
			k, n := r.keys.name(id), r.share(id)
			if n >= 2 {
				// A key one record holds pairs nobody and is never read in
				// scoring (which reads the keys both records hold): most name
				// and address keys are such, and the map held every key.
				share[k] = n
			}
			if n > r.cfg.MaxKeyShare && (strings.HasPrefix(k, "phone:") || strings.HasPrefix(k, "email:")) {
				demoted[k] = n
			}
		}
	}
	p, err := match(r.ctx, set, r.keys, share, r.cfg, decisions)
	if err != nil {
		return nil, err
	}
	r.stats.Touched = len(set)
	r.stats.Refused = p.refused
	r.stats.Demoted = demoted

	ids, err := r.name(set, p)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Aliases: ids.aliases, Revived: ids.revived}
	label := map[int]string{} // component → the ID of its oldest customer
	for _, c := range ids.order {
		comp := p.component[c]
		if _, ok := label[comp]; !ok {
			label[comp] = ids.of[c]
		}
	}
	// Each record's final personal ID is written into its row (for the
	// run's records, the one current holds), where links and cards read it.
	for i, s := range set {
		sk := skOf(&s.Record)
		id, comp := ids.of[p.cluster[i]], label[p.component[i]]
		// The row as stored: the run's record's stored version, or the
		// record itself when the set reached it through the store.
		old, stored := s, s.Seq != 0
		if b, ok := r.before[sk]; ok {
			old, stored = &b, true
		}
		content := !stored || !SameContent(&old.Record, &s.Record)
		moved := id != s.PersonalID || comp != s.Component || s.File != old.File || s.Row != old.Row
		// The set's own copy becomes the row to write: the plan points at
		// it rather than holding a copy of every record (~400 bytes each).
		s.PersonalID, s.Component = id, comp
		if s.FirstID == "" {
			s.FirstID = id
		}
		if content || moved {
			wr := Write{Stored: s, Content: content}
			switch {
			case content && stored:
				wr.added, wr.DropKeys = keyDiff(indexKeys(&s.Record, r.keys.namesOf(s.blockKeys(r.keys))), IndexKeys(&old.Record))
			case content:
				wr.table = r.keys // its numbers stay, for AddKeys
			}
			plan.Writes = append(plan.Writes, wr)
		}
		if !content || stored {
			s.keys = nil // read for the last time
		}
	}
	// The run's unchanged records outside the set: another sighting at most.
	for i := range r.rows {
		cur := &r.rows[i]
		if cur.inSet {
			continue
		}
		if old := r.before[skOf(&cur.Record)]; old.File != cur.File || old.Row != cur.Row {
			plan.Writes = append(plan.Writes, Write{Stored: cur})
		}
	}
	customers := map[string]bool{}
	plan.read = make([]*Stored, len(r.rows))
	for n := range r.rows {
		cur := &r.rows[n]
		customers[cur.PersonalID] = true
		plan.read[n] = cur
	}
	r.stats.Customers = len(customers)
	r.stats.Duplicates = r.stats.Records - r.stats.Customers
	r.stats.Merged = len(ids.aliases)
	r.stats.Split = ids.split

	r.opt.step("matching: building the cards of %d records", len(set))
	if plan.Cards, err = r.cards(set, p, ids); err != nil {
		return nil, err
	}
	for _, pr := range p.review {
		plan.Review = append(plan.Review, ReviewPair{A: set[pr.A].Record, B: set[pr.B].Record, Comparison: pr.Comparison, Note: pr.Note})
	}
	plan.Stats = r.stats
	return plan, nil
}

// keyDiff is what a sorted key list has that an earlier one has not, and
// the reverse.
func keyDiff(now, before []string) (added, dropped []string) {
	i, j := 0, 0
	for i < len(now) || j < len(before) {
		switch {
		case j == len(before) || i < len(now) && now[i] < before[j]:
			added = append(added, now[i])
			i++
		case i == len(now) || before[j] < now[i]:
			dropped = append(dropped, before[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, dropped
}

// SameContent tells whether two versions of a record say the same: what
// matching and cards read, not where the record was seen.
func SameContent(a, b *crmkit.Record) bool {
	x, y := *a, *b
	x.File, x.Row, y.File, y.Row = "", 0, "", 0
	x.Extra, y.Extra = nil, nil
	return reflect.DeepEqual(normalEmpty(x), normalEmpty(y))
}

// normalEmpty makes nil and empty collections one, as a store returns them.
func normalEmpty(r crmkit.Record) crmkit.Record {
	if len(r.Fields) == 0 {
		r.Fields = nil
	}
	if len(r.Phones) == 0 {
		r.Phones = nil
	}
	if len(r.Emails) == 0 {
		r.Emails = nil
	}
	if len(r.MatchKeys) == 0 {
		r.MatchKeys = nil
	}
	return r
}

type emptyIndex struct{}

func (emptyIndex) BySourceKeys(context.Context, []crmkit.SourceKey) ([]Stored, error) {
	return nil, nil
}
func (emptyIndex) ByIndexKeys(context.Context, []string) ([]Stored, error)     { return nil, nil }
func (emptyIndex) ByComponents(context.Context, []string) ([]Stored, error)    { return nil, nil }
func (emptyIndex) KeyCounts(context.Context, []string) (map[string]int, error) { return nil, nil }
func (emptyIndex) Holders(context.Context, []string, int) (map[string]int, map[string][]int64, error) {
	return nil, nil, nil
}
func (emptyIndex) BySeqs(context.Context, []int64) ([]Stored, error)            { return nil, nil }
func (emptyIndex) Aliases(context.Context, []string) (map[string]string, error) { return nil, nil }

// MergeDecisions puts later decisions over earlier ones: one per pair of
// records, whichever way round it is written.
func MergeDecisions(earlier, later []crmkit.Decision) []crmkit.Decision {
	type pair [2]crmkit.SourceKey
	key := func(d crmkit.Decision) pair {
		a, b := d.A, d.B
		if b.Source < a.Source || b.Source == a.Source && b.Key < a.Key {
			a, b = b, a
		}
		return pair{a, b}
	}
	at := map[pair]int{}
	var out []crmkit.Decision
	for _, d := range append(append([]crmkit.Decision(nil), earlier...), later...) {
		if i, ok := at[key(d)]; ok {
			out[i] = d
			continue
		}
		at[key(d)] = len(out)
		out = append(out, d)
	}
	return out
}
