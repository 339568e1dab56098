package dedupe

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
)

// Fellegi–Sunter match weights (../shared/DESIGN.md §5). Each field of a
// pair is compared at one of a few levels; each level has an m
// probability (of that level among pairs that are one customer) and a u
// probability (among pairs that are not). A level's weight is log2(m/u),
// a pair's weight the prior's log-odds plus the sum over its fields, and
// its match probability follows from that. m is estimated by expectation–
// maximisation over the data's own candidate pairs, u from random pairs:
// no labels needed.

// Null is the level of a field that one side of the pair lacks: it says
// nothing, and weighs 0.
const Null = -1

// A comparator compares one field of two records at a level.
type comparator struct {
	name   string
	levels []string // best first; the last is "different"
	// compare returns the level, and for a level whose weight depends on
	// how common the value is (term frequency), the value.
	compare func(a, b *features) (level int, value string)
	// level is compare's level alone, for a comparator whose value costs
	// more than its level (shared phones joined): training reads levels
	// only. Nil: compare's.
	level func(a, b *features) int
	tf    int       // the level that term frequency adjusts (exact), or -1
	m0    []float64 // m before any data: how often one customer's two records agree at each level
}

// label is how explanations name the field.
func (c comparator) label() string {
	switch c.name {
	case "person_name":
		return "name"
	case "org_name":
		return "organisation name"
	case "birth_date":
		return "birth date"
	case "inn":
		return "ИНН"
	case "email":
		return "e-mail"
	}
	return c.name
}

// comparators are the fields compared, in the order of a comparison vector.
var comparators = []comparator{
	// Levels added after "different" keep their place there, so that a
	// stored model estimated without them weighs them 0 and its other
	// levels keep their weights.
	{name: "person_name", levels: []string{"exact", "reordered or transliterated", "close", "initials compatible", "surname differs, first name and patronymic agree", "different",
		"a part left out", "surname differs, first name agrees", "first name differs, surname agrees"},
		compare: comparePersonNames, tf: 0, m0: []float64{0.7, 0.05, 0.1, 0.08, 0.02, 0.03, 0.01, 0.01, 0.01}},
	{name: "org_name", levels: []string{"exact", "transliterated or reordered", "close", "partly", "different"}, compare: compareOrgNames, tf: 0, m0: []float64{0.7, 0.1, 0.1, 0.05, 0.05}},
	{name: "birth_date", levels: []string{"exact", "day and month swapped", "one digit off", "same year", "different"}, compare: compareDates, tf: -1, m0: []float64{0.9, 0.02, 0.03, 0.01, 0.04}},
	{name: "address", levels: []string{"exact", "close", "partly", "different"}, compare: compareAddresses, tf: -1, m0: []float64{0.5, 0.2, 0.15, 0.15}},
	{name: "city", levels: []string{"exact", "close", "different"}, compare: compareCities, tf: 0, m0: []float64{0.85, 0.05, 0.1}},
	{name: "inn", levels: []string{"exact", "different"}, compare: compareField(crmkit.FieldINN), tf: -1, m0: []float64{0.99, 0.01}},
	{name: "phone", levels: []string{"shared", "different"}, compare: comparePhones, level: phoneLevel, tf: 0, m0: []float64{0.8, 0.2}},
	{name: "email", levels: []string{"shared", "one mistyped", "different"}, compare: compareEmails, level: emailLevel, tf: 0, m0: []float64{0.7, 0.1, 0.2}},
}

// Vector is a pair's comparison levels, one per comparator (Null: missing).
type Vector []int8

// compareLevels writes the comparison vector of a pair into v (one level
// per comparator), without the values compareAll adds.
func compareLevels(a, b *features, v Vector) {
	for i := range comparators {
		c := &comparators[i]
		if c.level != nil {
			v[i] = int8(c.level(a, b))
			continue
		}
		l, _ := c.compare(a, b)
		v[i] = int8(l)
	}
}

// compareAll is the comparison vector of a pair, with the values whose
// term frequency adjusts their weight.
func compareAll(a, b *features) (Vector, []string) {
	v := make(Vector, len(comparators))
	vals := make([]string, len(comparators))
	for i, c := range comparators {
		l, val := c.compare(a, b)
		v[i] = int8(l)
		if l == c.tf {
			vals[i] = val
		}
	}
	return v, vals
}

func comparePersonNames(a, b *features) (int, string) {
	if !peopleNames(a.Record, b.Record) || a.NameKey == "" || b.NameKey == "" {
		return Null, ""
	}
	ka, kb := a.NameKey, b.NameKey
	switch {
	case ka == kb:
		return 0, ka
	case a.sorted == b.sorted || a.latin == b.latin:
		return 1, ""
	case ratioRunesAtLeast(a.name, b.name, 0.85) || ratioRunesAtLeast(a.nameLatin, b.nameLatin, 0.85),
		// the given name and surname swapped, and a typo ("Gillisn Blake", "Blake Gillian")
		ratioRunesAtLeast(a.sortedLatin, b.sortedLatin, 0.85),
		wordsOneTypo(a.words, b.words):
		return 2, ""
	case a.InitialsKey != "" && a.InitialsKey == b.InitialsKey && !firstNamesDiffer(a, b):
		return 3, ""
	}
	firstAgree := a.first != "" && a.first == b.first && len([]rune(a.first)) > 1
	switch {
	case firstAgree && a.middle != "" && a.middle == b.middle && len([]rune(a.middle)) > 1:
		return 4, ""
	case nameWithin(a.words, b.words) || nameWithin(b.words, a.words):
		return 6, ""
	case firstAgree && a.last != "" && b.last != "" && (a.middle == "" || b.middle == ""):
		// Without patronymics to tell, a woman who married, or a surname
		// mistaken for another; two patronymics that differ are two people.
		return 7, ""
	case a.last != "" && a.last == b.last && a.first != "" && b.first != "" && (a.middle == "" || b.middle == ""):
		return 8, ""
	}
	return 5, ""
}

// wordsOneTypo: two names of as many words, each word the same or one
// letter off — typed wrong, left out, added or two swapped — in words of
// four letters or more ("Emam Louac", "Emma Louca"), which a ratio over
// the whole of a short name does not forgive.
func wordsOneTypo(a, b []string) bool {
	if len(a) != len(b) || len(a) < 2 {
		return false
	}
	for i := range a {
		if a[i] != b[i] && (utf8.RuneCountInString(a[i]) < 4 || !ratioAtLeast(a[i], b[i], 1-1.0/float64(max(utf8.RuneCountInString(a[i]), utf8.RuneCountInString(b[i]))))) {
			return false
		}
	}
	return true
}

// nameWithin: every word of the shorter name is a word of the longer one,
// perhaps with a typo, and the longer has more: a part left out ("Weller",
// "Emmet Weller"; "Анна", "Смирнова Анна").
func nameWithin(short, long []string) bool {
	if len(short) == 0 || len(short) >= len(long) {
		return false
	}
	used := make([]bool, len(long))
	typos := 0
	for _, x := range short {
		at, typo := -1, false
		for j, y := range long {
			switch {
			case used[j]:
			case x == y:
				at, typo = j, false
			case at < 0 && utf8.RuneCountInString(x) >= 4 && ratioAtLeast(x, y, 0.75):
				at, typo = j, true // not cut short: "Иван" is not "Иванович"
			}
			if at >= 0 && !typo {
				break
			}
		}
		if at < 0 {
			return false
		}
		used[at] = true
		if typo {
			typos++
		}
	}
	return typos <= 1
}

// peopleNames: both names are people's, or one is and the other's kind is
// not known — a person's name whose first name is mistyped ("Нкиолай")
// is not known for one, and is still compared with the person's.
func peopleNames(a, b *crmkit.Record) bool {
	return isPersonLike(a) && (isPersonLike(b) || b.Kind == crmkit.KindUnknown) ||
		isPersonLike(b) && a.Kind == crmkit.KindUnknown
}

func isPersonLike(r *crmkit.Record) bool {
	return r.Kind == crmkit.KindPerson || r.Kind == crmkit.KindContactPerson
}

// isOrgLike: an organisation, or a record whose kind the source does not
// tell — mostly a business written without its legal form ("Art's Deli").
func isOrgLike(r *crmkit.Record) bool {
	return r.Kind == crmkit.KindOrganization || r.Kind == crmkit.KindUnknown
}

func compareOrgNames(a, b *features) (int, string) {
	if !isOrgLike(a.Record) || !isOrgLike(b.Record) || a.NameKey == "" || b.NameKey == "" {
		return Null, ""
	}
	ka, kb := a.NameKey, b.NameKey
	words, contained := orgNameSimilarity(a.words, b.words)
	switch {
	case ka == kb:
		return 0, ka
	case a.latin == b.latin || a.sorted == b.sorted:
		return 1, ""
	case ratioRunesAtLeast(a.name, b.name, 0.85) || ratioRunesAtLeast(a.nameLatin, b.nameLatin, 0.85) || words >= 0.85:
		return 2, ""
	case contained:
		return 3, "" // a branch suffix, a word added or left out; a word changed is another name
	}
	return 4, ""
}

// compareDates compares ISO dates (YYYY-MM-DD).
func compareDates(a, b *features) (int, string) {
	return dateLevel(a.Fields[crmkit.FieldBirthDate], b.Fields[crmkit.FieldBirthDate]), ""
}

// dateLevel compares two ISO dates (YYYY-MM-DD) at the birth date's levels.
func dateLevel(da, db string) int {
	if da == "" || db == "" {
		return Null
	}
	switch {
	case da == db:
		return 0
	case len(da) == 10 && len(db) == 10 && da[:4] == db[:4] && da[5:7] == db[8:10] && da[8:10] == db[5:7]:
		return 1
	case len(da) == len(db) && editDistance(da, db) == 1: // a digit mistyped, or two swapped
		return 2
	case len(da) >= 4 && len(db) >= 4 && da[:4] == db[:4]:
		return 3
	}
	return 4
}

func compareAddresses(a, b *features) (int, string) {
	return addressLevel(a.address, b.address), ""
}

// addressLevel compares two addresses' words. One address that holds all
// of the other's (a suite or flat left out) is close; two that share no
// number (a house, a flat, a suite) are never more than partly alike:
// another house of the same street is another address.
func addressLevel(ta, tb []string) int {
	if len(ta) == 0 || len(tb) == 0 {
		return Null
	}
	s, contained := tokenSetSimilarity(ta, tb)
	level := 3
	switch {
	case s >= 0.99:
		level = 0
	case s >= 0.7 || contained:
		level = 1
	case s >= 0.4:
		level = 2
	}
	if level < 2 && !shareNumber(ta, tb) {
		level = 2
	}
	return level
}

// shareNumber: both addresses have numbers and share one, or neither has
// any (a farm, a building named, not numbered).
func shareNumber(a, b []string) bool {
	na, nb := 0, 0
	in := map[string]bool{}
	for _, t := range a {
		if isNumber(t) {
			na++
			in[t] = true
		}
	}
	for _, t := range b {
		if isNumber(t) {
			nb++
			if in[t] {
				return true
			}
		}
	}
	return na == 0 && nb == 0
}

// addressWords are the words an address is written with that do not tell
// two addresses apart: kinds of street and building, in Russian and
// English, abbreviated or not. Directions are written as one letter.
var addressWords = map[string]string{}

func init() {
	for _, w := range strings.Fields(`ул улица д дом кв квартира пр пр-т пр-кт просп проспект пер переулок г город корп корпус к
		стр строение офис оф пом помещение шоссе ш б-р бульвар наб пл мкр микрорайон лит литера
		street st str road rd avenue ave av boulevard blvd blv bl drive dr lane ln place pl court ct highway hwy
		parkway pkwy suite ste unit apt apartment fl floor terrace ter way circle cir square sq`) {
		addressWords[w] = ""
	}
	for long, short := range map[string]string{"north": "n", "south": "s", "east": "e", "west": "w"} {
		addressWords[long] = short
	}
	for w, v := range addressWords {
		if v == "" && utf8.RuneCountInString(w) >= 4 && !strings.Contains(w, "-") {
			gluedWords = append(gluedWords, w)
		}
	}
	sort.Strings(gluedWords) // one order, whatever the map's
}

// gluedWords are the words every address has that are long enough to be
// told apart when written without the space before them ("Renestreet",
// "Ленинаулица").
var gluedWords []string

// unglue cuts off a kind of street written without its space: "renestreet"
// is "rene", as "rene street" is; the rest keeps three letters at least.
func unglue(t string) string {
	for _, w := range gluedWords {
		if rest, ok := strings.CutSuffix(t, w); ok && utf8.RuneCountInString(rest) >= 3 && !isNumber(rest) {
			return rest
		}
	}
	return t
}

// addressTokens splits an address into lower-case words and numbers,
// without the words every address has.
func addressTokens(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(s, "ё", "е")), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		t = strings.Trim(t, "-")
		if w, ok := addressWords[t]; ok {
			t = w
		} else {
			t = unglue(t)
		}
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// addressTokensOf is a record's address words without those of its own
// city ("г. Москва, ул. Ленина, 5" is "Ленина, 5" in Москва).
func addressTokensOf(r *crmkit.Record) []string {
	return addressTokensIn(r, cityKey(r.Fields[crmkit.FieldCity]))
}

// addressTokensIn is addressTokensOf a record whose city key is known.
func addressTokensIn(r *crmkit.Record, cityKey string) []string {
	t := addressTokens(r.Fields[crmkit.FieldAddress])
	city := strings.Fields(cityKey)
	if len(city) == 0 {
		return t
	}
	out := t[:0]
	for _, w := range t {
		if !slices.Contains(city, w) {
			out = append(out, w)
		}
	}
	return out
}

// tokenSetSimilarity: words in common (a word with one typo counts) over
// the longer list; contained says every word of the shorter list (of two
// words or more) is in the longer one.
func tokenSetSimilarity(a, b []string) (s float64, contained bool) {
	used := make([]bool, len(b))
	common := 0.0
	for _, x := range a {
		best, at := 0.0, -1
		for j, y := range b {
			if used[j] {
				continue
			}
			s := 0.0
			switch {
			case x == y:
				s = 1
			case utf8.RuneCountInString(x) >= 4 && !isNumber(x) && !isNumber(y) && ratioAtLeast(x, y, 0.75),
				abbreviates(x, y) || abbreviates(y, x):
				s = 0.8
			}
			if s > best {
				best, at = s, j
			}
		}
		if at >= 0 {
			used[at] = true
			common += best
		}
	}
	return common / float64(max(len(a), len(b))), min(len(a), len(b)) >= 2 && allMatched(common, min(len(a), len(b)))
}

// allMatched: the words in common are all n words of the shorter list, one
// of them perhaps with a typo.
func allMatched(common float64, n int) bool { return common >= float64(n)-0.21 }

// abbreviates: short is long cut short, its letters in order from long's
// first ("Deli", "Delicatessen"; "Ctr", "Center"), three letters or more.
func abbreviates(short, long string) bool {
	fs, _ := utf8.DecodeRuneInString(short)
	fl, _ := utf8.DecodeRuneInString(long)
	if fs != fl || len(short) >= len(long) || utf8.RuneCountInString(short) < 3 || isNumber(short) {
		return false
	}
	s := []rune(short)
	i := 0
	for _, r := range long {
		if i < len(s) && s[i] == r {
			i++
		}
	}
	return i == len(s)
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

func compareCities(a, b *features) (int, string) {
	ca, cb := a.city, b.city
	if ca == "" || cb == "" {
		return Null, ""
	}
	switch {
	case ca == cb:
		return 0, ca
	case ratioAtLeast(ca, cb, 0.8):
		return 1, ""
	}
	return 2, ""
}

func compareField(f string) func(a, b *features) (int, string) {
	return func(a, b *features) (int, string) {
		va, vb := a.Fields[f], b.Fields[f]
		switch {
		case va == "" || vb == "":
			return Null, ""
		case va == vb:
			return 0, va
		}
		return 1, ""
	}
}

// comparePhones: a phone both have (the rarest such phone, for its term
// frequency), or none. Several shared values are joined by newlines.
func comparePhones(a, b *features) (int, string) {
	if l := phoneLevel(a, b); l != 0 {
		return l, ""
	}
	var shared []string
	for _, p := range a.Phones {
		for _, q := range b.Phones {
			if samePhone(p, q) {
				shared = append(shared, "phone:"+p.E164)
			}
		}
	}
	sort.Strings(shared)
	return 0, strings.Join(shared, "\n")
}

// samePhone: one number, and the same extension unless either has none.
func samePhone(p, q crmkit.Phone) bool {
	return p.E164 == q.E164 && (p.Extension == "" || q.Extension == "" || p.Extension == q.Extension)
}

// phoneLevel is comparePhones' level.
func phoneLevel(a, b *features) int {
	if len(a.Phones) == 0 || len(b.Phones) == 0 {
		return Null
	}
	for _, p := range a.Phones {
		for _, q := range b.Phones {
			if samePhone(p, q) {
				return 0
			}
		}
	}
	return 1
}

func compareEmails(a, b *features) (int, string) {
	if l := emailLevel(a, b); l != 0 {
		return l, ""
	}
	var shared []string
	for _, e := range a.Emails {
		for _, f := range b.Emails {
			if e == f {
				shared = append(shared, "email:"+e)
			}
		}
	}
	sort.Strings(shared)
	return 0, strings.Join(shared, "\n")
}

// emailLevel is compareEmails' level.
func emailLevel(a, b *features) int {
	if len(a.Emails) == 0 || len(b.Emails) == 0 {
		return Null
	}
	for _, e := range a.Emails {
		if slices.Contains(b.Emails, e) {
			return 0
		}
	}
	for _, e := range a.Emails {
		for _, f := range b.Emails {
			if ratioAtLeast(e, f, 0.8) {
				return 1
			}
		}
	}
	return 2
}

// cityKey is a city's name as it is compared: folded, without the word
// "город" ("г. Москва" is "Москва"), "Saint" and "West" for "St." and "W."
// ("W. Hollywood"), and "New York City" as "New York".
func cityKey(s string) string {
	words := strings.FieldsFunc(foldWord(s), func(r rune) bool { return unicode.IsSpace(r) || r == '.' || r == ',' })
	out := words[:0]
	for i, w := range words {
		switch {
		case (w == "г" || w == "город") && i == 0 && len(words) > 1:
			continue
		case w == "city" && i == len(words)-1 && i > 0:
			continue
		case i == 0 && len(words) > 1 && cityAbbreviations[w] != "":
			w = cityAbbreviations[w]
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

var cityAbbreviations = map[string]string{"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "n": "north", "s": "south", "e": "east", "w": "west"}

func foldWord(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.ToLower(s), "ё", "е"))
}

// Params are the estimated probabilities of a model: the prior that a
// candidate pair is one customer, and m and u of every level.
type Params struct {
	Lambda float64              `json:"lambda" yaml:"lambda"`
	M      map[string][]float64 `json:"m" yaml:"m"`
	U      map[string][]float64 `json:"u" yaml:"u"`
	// URandom is u among random pairs: term frequencies are relative to it.
	URandom map[string][]float64 `json:"u_random" yaml:"u_random"`
	// TF is, per comparator, how often each value is held, as a share of
	// records (term frequency): an exact match on a rare value weighs more
	// than on a common one.
	TF map[string]map[string]float64 `json:"tf,omitempty" yaml:"tf,omitempty"`
	// Sources are the sources of the records it was estimated from: a
	// source it has not seen brings variety it could not learn (another
	// system's typos), and a run that brings one estimates it anew. Nil
	// for a model of an earlier crmkit (not estimated anew).
	Sources []string `json:"sources,omitempty" yaml:"sources,omitempty"`
	// WrongDates is the share of one customer's pairs — as every other
	// field tells — whose birth dates differ as no typo does, though less
	// than a generation apart (wrongDates). 0 for a model of an earlier
	// crmkit: its dates are trusted.
	WrongDates float64 `json:"wrong_dates,omitempty" yaml:"wrong_dates,omitempty"`
}

// DatesTrusted tells whether two birth dates a generation apart keep two
// records apart (a father and a son of one name at one address), or only
// weigh against their match: a source that writes a wrong birth date on
// one pair in 200 of one customer's, and on 5 pairs at least, writes as
// many that a generation apart (a wrong date falls anywhere), which
// no veto may throw away. Without a model dates are trusted.
func (p *Params) DatesTrusted() bool {
	return p == nil || p.WrongDates < maxWrongDates
}

// maxWrongDates: Febrl 3's duplicates carry a date that is no typo of the
// original's on 1 pair in 60 (half of them years apart), the labelled
// generator's never (a father and son are a generation apart).
const maxWrongDates = 0.005

// Unseen lists the sources of recs the model was not estimated from.
func (p *Params) Unseen(recs []crmkit.Record) []string {
	if p == nil || p.Sources == nil {
		return nil
	}
	var out []string
	for i := range recs {
		if s := recs[i].Source; !slices.Contains(p.Sources, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// floor keeps probabilities off zero, so that weights stay finite.
const floor = 1e-6

// Weight is the log2 Bayes factor of comparator i at level l, adjusted by
// the term frequency of val (the exact level's value) when known.
func (p *Params) Weight(i, l int, val string) float64 {
	if l == Null {
		return 0
	}
	c := comparators[i]
	if l >= len(p.M[c.name]) || l >= len(p.U[c.name]) {
		return 0 // a model estimated with fewer levels than this crmkit compares
	}
	m, u := max(p.M[c.name][l], floor), max(p.U[c.name][l], floor)
	w := math.Log2(m / u)
	if val != "" && l == c.tf && len(p.URandom[c.name]) > l {
		if f, ok := p.tfOf(c.name, val); ok {
			// Agreeing on a value rarer than the average agreement at this
			// level says more; on a commoner one, less.
			w += math.Log2(max(p.URandom[c.name][l], floor) / max(f, floor))
		}
	}
	return w
}

// tfOf is the term frequency of a value; several values (shared phones)
// take the rarest.
func (p *Params) tfOf(comp, val string) (float64, bool) {
	tf := p.TF[comp]
	if tf == nil {
		return 0, false
	}
	best, ok := 1.0, false
	for _, v := range strings.Split(val, "\n") {
		if f, has := tf[v]; has && f < best {
			best, ok = f, true
		}
	}
	return best, ok
}

// Score is a pair's match weight: the prior's log-odds and each field's
// weight, with the match probability.
func (p *Params) Score(v Vector, vals []string) (weight, prob float64) {
	weight = math.Log2(max(p.Lambda, floor) / max(1-p.Lambda, floor))
	for i, l := range v {
		weight += p.Weight(i, int(l), vals[i])
	}
	return weight, Probability(weight)
}

// Probability turns a match weight into a match probability.
func Probability(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }

// EstimateU estimates u: the share of each level among random pairs of
// records, which are almost all pairs of two customers. It also counts
// term frequencies.
func EstimateU(recs []*crmkit.Record, pairs int, seed uint64) (map[string][]float64, map[string]map[string]float64) {
	return estimateU(newLazyFeatures(recs), pairs, seed)
}

func estimateU(f *lazyFeatures, pairs int, seed uint64) (map[string][]float64, map[string]map[string]float64) {
	return randomU(f, pairs, seed), termFrequencies(f.recs)
}

// randomU is EstimateU's u.
func randomU(f *lazyFeatures, pairs int, seed uint64) map[string][]float64 {
	counts := levelCounts()
	v := make(Vector, len(comparators))
	for _, p := range randomPairs(len(f.recs), pairs, seed) {
		compareLevels(f.get(int(p[0])), f.get(int(p[1])), v)
		countLevels(counts, v)
	}
	return uOfCounts(counts)
}

// randomPairs draws pairs of two different records of n at random (none
// when n < 2).
func randomPairs(n, pairs int, seed uint64) [][2]int32 {
	if n < 2 {
		return nil
	}
	out := make([][2]int32, pairs)
	rnd := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	for k := range out {
		i, j := rnd.IntN(n), rnd.IntN(n-1)
		if j >= i {
			j++
		}
		out[k] = [2]int32{int32(i), int32(j)}
	}
	return out
}

// levelCounts are counts of pairs at each level of each comparator, all 0.
func levelCounts() [][]float64 {
	counts := make([][]float64, len(comparators))
	for i, c := range comparators {
		counts[i] = make([]float64, len(c.levels))
	}
	return counts
}

// countLevels counts a pair's comparison vector.
func countLevels(counts [][]float64, v Vector) {
	for f, l := range v {
		if l != Null {
			counts[f][l]++
		}
	}
}

// uOfCounts is u of the levels' counts among random pairs.
func uOfCounts(counts [][]float64) map[string][]float64 {
	u := map[string][]float64{}
	for i, c := range comparators {
		// A level no random pair reached is rare, not impossible: half a
		// pair, so that a small sample does not make agreeing on it
		// (the same birth date) decisive whatever else differs.
		for l := range counts[i] {
			if counts[i][l] == 0 {
				counts[i][l] = 0.5
			}
		}
		u[c.name] = normalise(counts[i], len(c.levels), false)
	}
	return u
}

// uPairs is how many random pairs u is estimated from: 200,000, and for a
// run of fewer than 5,000 records up to 500,000 (all of a run of a
// thousand), so that a level as rare as two strangers' equal birth dates
// is seen some times even where few records hold a birth date.
func uPairs(records int) int {
	if records >= 5000 {
		return 200_000
	}
	return max(min(records*(records-1)/2, 500_000), 200_000)
}

// termFrequencies counts, for the comparators with a term-frequency level,
// the share of records holding each value.
func termFrequencies(recs []*crmkit.Record) map[string]map[string]float64 {
	tf := map[string]map[string]float64{}
	n := map[string]float64{}
	add := func(comp, v string) {
		if v == "" {
			return
		}
		if tf[comp] == nil {
			tf[comp] = map[string]float64{}
		}
		tf[comp][v]++
	}
	for _, r := range recs {
		if isPersonLike(r) && r.NameKey != "" {
			add("person_name", r.NameKey)
			n["person_name"]++
		}
		if isOrgLike(r) && r.NameKey != "" {
			add("org_name", r.NameKey)
			n["org_name"]++
		}
		if c := cityKey(r.Fields[crmkit.FieldCity]); c != "" {
			add("city", c)
			n["city"]++
		}
		if len(r.Phones) > 0 {
			n["phone"]++
		}
		for _, p := range r.Phones {
			add("phone", "phone:"+p.E164)
		}
		if len(r.Emails) > 0 {
			n["email"]++
		}
		for _, e := range r.Emails {
			add("email", "email:"+e)
		}
	}
	for comp, vals := range tf {
		for v, c := range vals {
			vals[v] = c / n[comp]
		}
	}
	return tf
}

// normalise turns counts into probabilities; with none counted, an even
// spread (or, for m, one that favours the best levels).
func normalise(counts []float64, levels int, favourBest bool) []float64 {
	out := make([]float64, levels)
	total := 0.0
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		for l := range out {
			out[l] = 1 / float64(levels)
			if favourBest {
				out[l] = math.Exp2(-float64(l + 1))
			}
		}
		return out
	}
	for l := range out {
		out[l] = counts[l] / total
	}
	return out
}

// EM estimates λ, m and u from the comparison vectors of candidate pairs:
// a mixture of two classes, the pairs that are one customer and those
// that are not. Candidate pairs share a key, so the pairs that are not one
// customer among them agree more often than random pairs do (colleagues
// behind one switchboard, namesakes): u is estimated among them too,
// starting from u0 (random pairs, EstimateU), with m starting from the
// levels one customer's records usually agree at (m0) and λ from a third;
// all three have a prior worth a few pairs. It stops when no probability moves by
// more than 1e-6, or after 500 rounds.
func EM(vectors []Vector, u0 map[string][]float64) (lambda float64, m, u map[string][]float64) {
	return em(vectors, u0, false)
}

// em is EM; with fixU, u stays u0 and only λ and m are estimated.
func em(vectors []Vector, u0 map[string][]float64, fixU bool) (lambda float64, m, u map[string][]float64) {
	// Identical vectors are counted once.
	var g vectorGroups
	for _, v := range vectors {
		g.add(v, 1)
	}
	return emGroups(g.groups, u0, fixU)
}

// group is a comparison vector and how many pairs have it.
type group struct {
	v Vector
	n float64
}

// vectorGroups counts identical comparison vectors once, in the order
// they were first added.
type vectorGroups struct {
	idx    map[string]int
	groups []group
	key    []byte
}

// add counts n pairs of vector v and tells its group; v is copied when
// new.
func (g *vectorGroups) add(v Vector, n float64) int {
	if g.idx == nil {
		g.idx = map[string]int{}
	}
	g.key = g.key[:0]
	for _, l := range v {
		g.key = append(g.key, byte(l))
	}
	if i, ok := g.idx[string(g.key)]; ok {
		g.groups[i].n += n
		return i
	}
	i := len(g.groups)
	g.idx[string(g.key)] = i
	g.groups = append(g.groups, group{slices.Clone(v), n})
	return i
}

// emGroups is em of groups of identical vectors, in the order the vectors
// were first seen.
func emGroups(groups []group, u0 map[string][]float64, fixU bool) (lambda float64, m, u map[string][]float64) {
	m, u = map[string][]float64{}, map[string][]float64{}
	for _, c := range comparators {
		m[c.name] = append([]float64(nil), c.m0...)
		u[c.name] = append([]float64(nil), u0Of(u0, c)...)
	}
	lambda = lambda0
	if len(groups) == 0 {
		return lambda, m, u
	}
	for range 500 {
		countsM, countsU := make([][]float64, len(comparators)), make([][]float64, len(comparators))
		for i, c := range comparators {
			countsM[i], countsU[i] = make([]float64, len(c.levels)), make([]float64, len(c.levels))
		}
		sumP, total := 0.0, 0.0
		for _, g := range groups {
			p := posterior(g.v, lambda, m, u)
			sumP += p * g.n
			total += g.n
			for i, l := range g.v {
				if l != Null {
					countsM[i][l] += p * g.n
					countsU[i][l] += (1 - p) * g.n
				}
			}
		}
		// A prior worth a few pairs (m0, u0, λ0) keeps a small input's
		// estimate sensible; a large one outweighs it.
		next := (sumP + prior*lambda0) / (total + prior)
		moved := math.Abs(next - lambda)
		lambda = min(max(next, floor), 1-floor)
		for i, c := range comparators {
			nm, nu := make([]float64, len(c.levels)), make([]float64, len(c.levels))
			tm, tu := sum(countsM[i]), sum(countsU[i])
			for l := range nm {
				nm[l] = (countsM[i][l] + prior*c.m0[l]) / (tm + prior)
				nu[l] = (countsU[i][l] + prior*u0Of(u0, c)[l]) / (tu + prior)
			}
			if fixU {
				nu = u[c.name]
			}
			for l := range nm {
				moved = max(moved, math.Abs(nm[l]-m[c.name][l]), math.Abs(nu[l]-u[c.name][l]))
			}
			m[c.name], u[c.name] = nm, nu
		}
		if moved < 1e-6 {
			break
		}
	}
	// The class that agrees more on the best levels is the one of pairs
	// that are one customer.
	agree := 0.0
	for _, c := range comparators {
		agree += m[c.name][0] - u[c.name][0]
	}
	if agree < 0 {
		return 1 - lambda, u, m
	}
	return lambda, m, u
}

// The prior of EM: worth this many pairs, with a prior share of pairs
// that are one customer among candidate pairs.
const (
	prior   = 20.0
	lambda0 = 0.3
)

func u0Of(u0 map[string][]float64, c comparator) []float64 {
	if u := u0[c.name]; len(u) == len(c.levels) {
		return u
	}
	return normalise(nil, len(c.levels), false)
}

// posterior is the probability that a pair with comparison vector v is one
// customer, given the prior λ and the levels' m and u.
func posterior(v Vector, lambda float64, m, u map[string][]float64) float64 {
	lm, lu := math.Log(lambda), math.Log(1-lambda)
	for i, l := range v {
		if l == Null {
			continue
		}
		c := comparators[i].name
		lm += math.Log(max(m[c][l], floor))
		lu += math.Log(max(u[c][l], floor))
	}
	return 1 / (1 + math.Exp(lu-lm))
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}

// MinTrainRecords is how many records a model is estimated from at least:
// fewer say too little about how a source's duplicates differ, and runs
// score with the hand-set weights.
const MinTrainRecords = 1000

// ModelFor is the model a run scores with: the store's (stored), or, when
// there is none (the first run, files only), one estimated from the run's
// records if they are enough to learn from — trained says so, and the store
// keeps it. Nil (too few records, or weights: fixed) means the hand-set
// weights; the next run tries again.
func ModelFor(stored *Params, recs []crmkit.Record, cfg Config) (model *Params, trained bool) {
	switch {
	case !cfg.Learned():
		return nil, false
	case stored != nil:
		return stored, false
	case len(recs) < MinTrainRecords:
		return nil, false
	}
	return Train(recs, cfg), true
}

// Choice is the model a run scores with, and what choosing it asks of the
// run.
type Choice struct {
	Model      *Params
	Trained    bool               // estimated by this run: the store keeps it
	Records    int                // how many records it was estimated from
	NewSources []string           // the run's sources the stored model had not seen, for which it was estimated anew
	Recompute  []crmkit.SourceKey // stored records to recompute with it: all of them when estimated anew
}

// ChooseModel is ModelFor, and more, so that a base imported in parts ends
// as one run over all of it would:
//   - a store with no model yet (its runs so far brought fewer than
//     MinTrainRecords) estimates one as soon as its records and the run's
//     are that many together, from all of them, not from the run's alone;
//   - when the stored model was not estimated from a source the run brings
//     (the CRM imported first, the web site's leads the next night, with
//     typos the CRM could not teach), it is estimated anew from every
//     stored record and the run's.
//
// Either way every stored record is recomputed with it — as crmkit train
// would after the run. An idx that cannot list its records (files only)
// gives the run's alone.
func ChooseModel(ctx context.Context, idx Index, stored *Params, recs []crmkit.Record, cfg Config) (Choice, error) {
	c := Choice{Records: len(recs)}
	if !cfg.Learned() {
		return c, nil
	}
	var unseen []string
	if stored != nil {
		if unseen = stored.Unseen(recs); len(unseen) == 0 {
			c.Model = stored
			return c, nil
		}
	}
	all, recompute, err := withStored(ctx, idx, recs)
	if err != nil {
		return c, err
	}
	if stored == nil && len(all) < MinTrainRecords {
		return c, nil // the hand-set weights, until the store and the run are enough
	}
	c.Model, c.Trained, c.Records, c.NewSources, c.Recompute = Train(all, cfg), true, len(all), unseen, recompute
	return c, nil
}

// withStored are the run's records and every stored record the run does
// not bring again, and the stored ones' source keys; the run's alone when
// idx cannot list its records (files only).
func withStored(ctx context.Context, idx Index, recs []crmkit.Record) ([]crmkit.Record, []crmkit.SourceKey, error) {
	lister, ok := idx.(interface {
		Records(context.Context) ([]Stored, error)
	})
	if !ok {
		return recs, nil, nil
	}
	storedRecs, err := lister.Records(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read stored records: %w", err)
	}
	if len(storedRecs) == 0 {
		return recs, nil, nil
	}
	all := append([]crmkit.Record(nil), recs...)
	fresh := make(map[crmkit.SourceKey]bool, len(recs))
	for i := range recs {
		fresh[skOf(&recs[i])] = true
	}
	var recompute []crmkit.SourceKey
	for i := range storedRecs {
		k := skOf(&storedRecs[i].Record)
		recompute = append(recompute, k)
		if !fresh[k] {
			all = append(all, storedRecs[i].Record)
		}
	}
	return all, recompute, nil
}

// Key families and the comparators each forces to agree.
var keyFamilies = [][]int{
	{0, 1},    // names: person and organisation names
	{6},       // phones
	{7},       // e-mails
	{5},       // INNs
	{2, 0},    // birth date with a surname or first name
	{2, 4},    // birth date with a city: how names of one customer differ
	{3},       // addresses
	{2},       // birth date alone
	{0, 1, 4}, // the city with a surname, a first name or an organisation's first word
	{4},       // the city with the house number: the address partly
}

// keyFamily is the family of a block key (its index in keyFamilies), or
// -1 for keys that do not pair (legacy, references).
func keyFamily(k string) int {
	switch {
	case strings.HasPrefix(k, keyHouse):
		return 9
	case strings.HasPrefix(k, keyCity):
		return 8
	case isNameKey(k) && !strings.HasPrefix(k, keyBirth):
		return 0
	case strings.HasPrefix(k, "phone:"):
		return 1
	case strings.HasPrefix(k, "email:"):
		return 2
	case strings.HasPrefix(k, "inn:"):
		return 3
	case strings.HasPrefix(k, keyBirth) && !strings.Contains(k, "|"):
		return 7
	case strings.HasPrefix(k, keyBirth) && strings.Contains(k, "|@"):
		return 5
	case strings.HasPrefix(k, keyBirth):
		return 4
	case strings.HasPrefix(k, keyAddress):
		return 6
	}
	return -1
}

// wrongDates is the share of candidate pairs (groups of identical
// comparison vectors) that every field but the birth date makes one
// customer (match probability 0.99 or more without it), both dated, whose
// dates differ as no typo does (neither equal, swapped nor one digit off)
// — 0 when fewer than 5 pairs do. Pairs a generation apart are not among
// them (the veto keeps them out of training), so what it counts is dates
// written wrong, not relatives.
func wrongDates(groups []group, lambda float64, m, u map[string][]float64) float64 {
	date := slices.IndexFunc(comparators, func(c comparator) bool { return c.name == "birth_date" })
	matched, wrong := 0, 0
	without := make(Vector, len(comparators))
	for _, g := range groups {
		v := g.v
		if v[date] == Null {
			continue
		}
		copy(without, v)
		without[date] = Null
		if posterior(without, lambda, m, u) < 0.99 {
			continue
		}
		matched += int(g.n)
		if v[date] >= 3 { // the same year, or different
			wrong += int(g.n)
		}
	}
	if wrong < 5 {
		return 0
	}
	return float64(wrong) / float64(matched)
}
