package dedupe

import "sync"

// keyTable numbers the block keys of one run, so that a record holds its
// keys as numbers (four bytes each) and the run counts and groups keys in
// lists indexed by them. Most keys are shared by several records (a
// surname with a city, a street, a name): the table holds each text once,
// where every record held its own copy of a dozen keys and every map of
// the run one more (a first import of 130,000 rows: 1.2 million keys, of
// them 300,000 distinct).
//
// Keys are numbered on all cores (intern is safe for concurrent use); name
// and len must not run while another goroutine interns.
type keyTable struct {
	mu    sync.Mutex
	ids   map[string]uint32
	names []string
}

func newKeyTable() *keyTable { return &keyTable{ids: map[string]uint32{}} }

// intern numbers keys, in their order: a key the table knows gets its
// number, a new one the next. The table keeps a new key's string itself,
// so keys must not be pieces of a larger text the table should not hold.
func (t *keyTable) intern(keys []string) []uint32 {
	out := make([]uint32, len(keys))
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ids == nil {
		panic("dedupe: a key numbered after the run's key table was sealed")
	}
	for i, k := range keys {
		id, ok := t.ids[k]
		if !ok {
			id = uint32(len(t.names))
			t.ids[k] = id
			t.names = append(t.names, k)
		}
		out[i] = id
	}
	return out
}

// seal lets go of what numbering new keys needs (the map from key to
// number, two thirds of the table): a run seals its table once every
// record it matches has its keys numbered. Interning after is a bug.
func (t *keyTable) seal() { t.ids = nil }

// name is the key numbered id.
func (t *keyTable) name(id uint32) string { return t.names[id] }

// namesOf are the keys of these numbers, in their order.
func (t *keyTable) namesOf(ids []uint32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = t.names[id]
	}
	return out
}

// len is how many keys the table has numbered: every number is below it.
func (t *keyTable) len() int { return len(t.names) }
