package dedupe

import (
	"runtime"
	"strings"
	"sync"

	"github.com/crmkit/crmkit"
)

// features are what the comparators read of a record, worked out once per
// record rather than once per pair: a record of a big block is compared
// with hundreds of others, and folding its address and transliterating its
// name each time was half of the cost of scoring.
type features struct {
	*crmkit.Record
	nameFeatures
	address       []string // addressTokensOf
	city          string   // cityKey
	first, middle string   // folded first name and patronymic
	last          string   // folded surname
	firstLower    string   // the first name as firstNamesDiffer compares it
	firstFull     bool     // the first name written out, not an initial
}

// nameFeatures are the features of a record's name key: records of one
// name may share them (nothing changes them once worked out).
type nameFeatures struct {
	name, nameLatin []rune // the name key, and in Latin letters
	sorted, latin   string // the name key's words sorted, and in Latin letters
	sortedLatin     []rune // the words sorted, in Latin letters
	words           []string
}

// nameFeaturesOf works out the features of a name key.
func nameFeaturesOf(k string) nameFeatures {
	var f nameFeatures
	if k == "" {
		return f
	}
	f.latin = translit(k)
	f.sorted = sortedTokens(k)
	f.name = []rune(k)
	f.nameLatin = f.name
	if f.latin != k {
		f.nameLatin = []rune(f.latin)
	}
	f.words = nameWords(k)
	f.sortedLatin = []rune(sortedTokens(f.latin))
	return f
}

// prepare works out a record's features.
func prepare(r *crmkit.Record) *features {
	return prepareWith(r, cityKey(r.Fields[crmkit.FieldCity]), nameFeaturesOf(r.NameKey))
}

// prepareWith is prepare of a record whose city key and name's features
// are known.
func prepareWith(r *crmkit.Record, city string, name nameFeatures) *features {
	f := &features{Record: r, nameFeatures: name}
	f.city = city
	f.address = addressTokensIn(r, f.city)
	f.first = foldWord(r.Fields[crmkit.FieldFirstName])
	f.middle = foldWord(r.Fields[crmkit.FieldMiddleName])
	f.last = foldWord(r.Fields[crmkit.FieldLastName])
	low := strings.ToLower(r.Fields[crmkit.FieldFirstName])
	f.firstFull = len([]rune(strings.TrimSuffix(low, "."))) > 1
	f.firstLower = strings.ReplaceAll(low, "ё", "е")
	return f
}

// prepareAll works out the features of every record, on all cores.
func prepareAll(recs []crmkit.Record) []*features {
	out := make([]*features, len(recs))
	workers := min(runtime.GOMAXPROCS(0), len(recs)/1024+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				out[i] = prepare(&recs[i])
			}
		})
	}
	wg.Wait()
	return out
}

// lazyFeatures prepares a record's features when first asked for: a
// sample of random pairs reaches only some records of a big set.
type lazyFeatures struct {
	recs []*crmkit.Record
	f    []*features
}

func newLazyFeatures(recs []*crmkit.Record) *lazyFeatures {
	return &lazyFeatures{recs: recs, f: make([]*features, len(recs))}
}

func (l *lazyFeatures) get(i int) *features {
	if l.f[i] == nil {
		l.f[i] = prepare(l.recs[i])
	}
	return l.f[i]
}
