package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// writeLabelledOrgs writes a labelled benchmark of organisations that have
// no INN: orgs.csv (id, name, address, city, zip or type, sometimes a
// phone) and truth.csv (source,source_key,entity). Duplicates differ as
// directories and registers write one business: name variants ("St."
// and "Street", "&" and "and", "The ", "Inc.", "Café", a possessive, word
// order, a branch suffix, a typo), address variants and, now and then, a
// phone in another format. Hard negatives: the same name in another city,
// a chain's branches (one name, other addresses), neighbours in one
// building, a near name nearby. lang is "en" (US) or "ru".
func writeLabelledOrgs(dir string, n int, seed uint64, lang string) error {
	rnd := rand.New(rand.NewPCG(seed, seed^0x0a9c17))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w := orgWriter{rnd: rnd}
	if lang == "ru" {
		w.lang = ruOrgs
	} else {
		w.lang = enOrgs
	}
	header := []string{"id", "name", "address", "city", "zip", "phone", "type"}
	if lang == "ru" {
		header = []string{"Код", "Наименование", "Адрес", "Город", "Индекс", "Телефон", "Вид деятельности"}
	}
	w.rows = [][]string{header}
	w.truth = [][]string{{"source", "source_key", "entity"}}
	for e := 0; e < n; e++ {
		o := w.newOrg()
		entity := fmt.Sprintf("o%06d", e)
		w.emitCopies(entity, o, 1+rnd.IntN(3))
		switch rnd.IntN(10) {
		case 0: // the same name in another city: another business
			other := o
			other.city = w.otherCity(o.city)
			other.address, other.zip, other.phone = w.lang.address(rnd), w.zip(), w.phoneOrNone()
			w.emitCopies(entity+"-city", other, 1+rnd.IntN(2))
		case 1: // a chain: the same name, another address in the same city
			other := o
			other.address, other.zip, other.phone = w.lang.address(rnd), w.zip(), w.phoneOrNone()
			w.emitCopies(entity+"-branch", other, 1+rnd.IntN(2))
		case 2: // a neighbour: another business in the same building, by another name
			other := w.newOrg()
			for sharesNameWord(o.name, other.name) {
				other = w.newOrg()
			}
			other.city, other.address, other.zip = o.city, o.address, o.zip
			w.emitCopies(entity+"-neighbour", other, 1+rnd.IntN(2))
		case 3: // a near name nearby: "Golden Dragon" and "Golden Dragon Express"
			other := o
			other.name = w.lang.nearName(rnd, o.name)
			other.address, other.zip, other.phone = w.lang.address(rnd), w.zip(), w.phoneOrNone()
			w.emitCopies(entity+"-near", other, 1+rnd.IntN(2))
		}
	}
	if err := writeCSV(filepath.Join(dir, "orgs.csv"), w.rows); err != nil {
		return err
	}
	return writeCSV(filepath.Join(dir, "truth.csv"), w.truth)
}

// anOrg is one invented business as it is, before anyone writes it down.
type anOrg struct {
	name, address, city, zip, phone, kind string
}

type orgWriter struct {
	rnd   *rand.Rand
	lang  orgLanguage
	rows  [][]string
	truth [][]string
	n     int
}

func (w *orgWriter) newOrg() anOrg {
	name, kind := w.lang.name(w.rnd)
	return anOrg{name: name, kind: kind, address: w.lang.address(w.rnd), city: w.lang.cities[w.rnd.IntN(len(w.lang.cities))],
		zip: w.zip(), phone: w.phoneOrNone()}
}

func (w *orgWriter) zip() string { return fmt.Sprintf(w.lang.zipFormat, w.rnd.IntN(90000)+10000) }

// phoneOrNone: half the businesses have a phone in the file at all.
func (w *orgWriter) phoneOrNone() string {
	if w.rnd.IntN(2) == 0 {
		return ""
	}
	return w.lang.phone(w.rnd)
}

func (w *orgWriter) otherCity(c string) string {
	for {
		if d := w.lang.cities[w.rnd.IntN(len(w.lang.cities))]; d != c {
			return d
		}
	}
}

// emitCopies writes copies rows of one business, each written its own way.
func (w *orgWriter) emitCopies(entity string, o anOrg, copies int) {
	rnd := w.rnd
	for c := 0; c < copies; c++ {
		name, address, city := o.name, o.address, o.city
		if c > 0 || rnd.IntN(3) == 0 {
			for k := rnd.IntN(w.lang.variants); k >= 0; k-- {
				name = w.lang.nameVariant(rnd, name)
			}
			address = w.lang.addressVariant(rnd, address)
			city = w.lang.cityVariant(rnd, city)
		}
		row := []string{name, address, city, "", "", o.kind}
		if rnd.IntN(2) == 0 {
			row[3] = o.zip
		}
		if o.phone != "" && (c == 0 || rnd.IntN(3) > 0) {
			row[4] = w.lang.writePhone(rnd, o.phone)
		}
		w.n++
		key := fmt.Sprintf("org-%06d", w.n)
		w.rows = append(w.rows, append([]string{key}, row...))
		w.truth = append(w.truth, []string{"orgs", key, entity})
	}
}

// orgLanguage is how businesses of one country are named and written.
type orgLanguage struct {
	variants       int // how many name variants one copy may pile up
	cities         []string
	zipFormat      string
	name           func(*rand.Rand) (name, kind string)
	nameVariant    func(*rand.Rand, string) string
	nearName       func(*rand.Rand, string) string
	address        func(*rand.Rand) string
	addressVariant func(*rand.Rand, string) string
	cityVariant    func(*rand.Rand, string) string
	phone          func(*rand.Rand) string // ten digits
	writePhone     func(*rand.Rand, string) string
}

func pick(rnd *rand.Rand, xs []string) string { return xs[rnd.IntN(len(xs))] }

// typo changes one letter of one word of four letters or more.
func typo(rnd *rand.Rand, s string) string {
	words := strings.Fields(s)
	var long []int
	for i, w := range words {
		if utf8.RuneCountInString(w) >= 5 {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return s
	}
	i := long[rnd.IntN(len(long))]
	r := []rune(words[i])
	j := 1 + rnd.IntN(len(r)-2)
	switch rnd.IntN(3) {
	case 0: // two letters swapped
		r[j], r[j+1] = r[j+1], r[j]
	case 1: // a letter left out
		r = append(r[:j], r[j+1:]...)
	default: // a letter doubled
		r = append(r[:j+1], r[j:]...)
	}
	words[i] = string(r)
	return strings.Join(words, " ")
}

// replaceOne swaps the first of the pairs found in s (either way round).
func replaceOne(rnd *rand.Rand, s string, pairs [][2]string) string {
	start := rnd.IntN(len(pairs))
	for k := range pairs {
		p := pairs[(start+k)%len(pairs)]
		from, to := p[0], p[1]
		if rnd.IntN(2) == 0 {
			from, to = to, from
		}
		if strings.Contains(to, from) && strings.Contains(s, to) {
			continue // "Deli" is in "Delicatessen": written long already
		}
		if strings.Contains(s, from) {
			return strings.Replace(s, from, to, 1)
		}
	}
	return s
}

// tenDigits is a phone number of ten digits with an area code from codes.
func tenDigits(rnd *rand.Rand, codes []string) string {
	return pick(rnd, codes) + fmt.Sprintf("%03d%04d", 200+rnd.IntN(800), rnd.IntN(10000))
}

// genericWords are the words of business names that many share.
var genericWords = map[string]bool{"the": true, "&": true, "learning": true, "center": true, "hotel": true, "cafe": true,
	"ооо": true, "ао": true, "зао": true, "ип": true, "торговый": true, "дом": true}

// sharesNameWord: two names have a word in common besides the generic ones
// ("The Little Star" and "Little Star Diner"): two businesses in one
// building are not named alike.
func sharesNameWord(a, b string) bool {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '«' || r == '»' || r == '\'' })
	}
	for _, x := range words(a) {
		for _, y := range words(b) {
			if x == y && !genericWords[x] {
				return true
			}
		}
	}
	return false
}
