package dedupe

import (
	"slices"
	"sort"
	"strings"

	"github.com/crmkit/crmkit"
)

// Block key prefixes beyond normalize's match keys (inn:, phone:, email:).
const (
	keyName     = "name:"   // the folded full name
	keyTokens   = "tok:"    // its words sorted
	keyTranslit = "tr:"     // written in Latin letters
	keyInitials = "ini:"    // surname and first initial
	keyBirth    = "dob:"    // birth date, alone and with the surname, the first name or the city: a typo in one still meets its pair
	keyCity     = "city:"   // the city with the surname, the first name or an organisation's first word: a typo in the other still meets its pair
	keyAddress  = "adr:"    // the address's words, sorted: a person whose name is mistyped still meets their pair at home
	keyHouse    = "house:"  // the city with the address's first number: a business whose name and street are both mistyped still meets its pair
	keyLegacy   = "legacy:" // a record of a store from before records were kept, bound to its old card
	keyRefSrc   = "ref:src:"
	keyRefName  = "ref:name:"
)

// KeysVersion names the rules of IndexKeys. Change it with them: a store
// whose keys an older rule made has them all written anew when it is opened.
const KeysVersion = 3

// BlockKeys lists the keys a record is paired on: its exact match keys,
// every phone and e-mail (office mailboxes and switchboards block too, and
// add a little evidence) and its name keys. Sorted, without repeats.
func BlockKeys(r *crmkit.Record) []string {
	return packKeys(blockKeyList(r), r.MatchKeys)
}

// blockKeyList are BlockKeys each in a string of its own (or the record's
// match key), for a table that keeps each distinct key once.
func blockKeyList(r *crmkit.Record) []string {
	city := cityKey(r.Fields[crmkit.FieldCity])
	return blockKeys(r, addressTokensIn(r, city), city)
}

// blockKeys are blockKeyList of a record whose address words and city key
// are known (features have them).
func blockKeys(r *crmkit.Record, addressWords []string, city string) []string {
	var keys []string
	var kb keyBuilder
	kb.each(r, addressWords, city, func(k []byte, held string) {
		if held == "" {
			held = string(k)
		}
		keys = append(keys, held)
	})
	return uniqueSorted(keys)
}

// keyBuilder writes a record's block keys one at a time into buffers it
// reuses, so that a caller that only looks keys up (Train numbering a
// million records' keys) makes no string of a key it has seen.
type keyBuilder struct {
	buf     []byte
	address []string
	// names, when not nil, keeps the words sorted and the Latin letters
	// of the name keys met last: many records share a name.
	names  map[string][2]string
	cities map[string]string // likewise, city keys by the city as written
}

// cityKey is cityKey(s), kept when the builder keeps names.
func (kb *keyBuilder) cityKey(s string) string {
	if kb.names == nil {
		return cityKey(s)
	}
	if kb.cities == nil || len(kb.cities) >= 1<<16 {
		kb.cities = map[string]string{}
	}
	c, ok := kb.cities[s]
	if !ok {
		c = cityKey(s)
		kb.cities[s] = c
	}
	return c
}

// nameForms are a name key's words sorted and its Latin letters.
func (kb *keyBuilder) nameForms(k string) (sorted, latin string) {
	if kb.names == nil {
		return sortedTokens(k), translit(k)
	}
	if f, ok := kb.names[k]; ok {
		return f[0], f[1]
	}
	if len(kb.names) >= 1<<16 {
		clear(kb.names)
	}
	sorted, latin = sortedTokens(k), translit(k)
	kb.names[k] = [2]string{sorted, latin}
	return sorted, latin
}

// each calls emit with every block key of a record whose address words
// and city key are known, perhaps repeated: first its match keys, then
// the key of each e-mail, of each phone, and its name key (Train counts
// term frequencies by these places), then the rest. k is valid only
// during the call; held is the key as a string the record holds (a match
// key), or "".
func (kb *keyBuilder) each(r *crmkit.Record, addressWords []string, city string, emit func(k []byte, held string)) {
	key := func(parts ...string) {
		kb.buf = kb.buf[:0]
		for _, p := range parts {
			kb.buf = append(kb.buf, p...)
		}
		emit(kb.buf, "")
	}
	for _, k := range r.MatchKeys {
		kb.buf = append(kb.buf[:0], k...)
		emit(kb.buf, k)
	}
	for _, e := range r.Emails {
		key("email:", e)
	}
	for _, p := range r.Phones {
		key("phone:", p.E164)
	}
	if r.NameKey != "" {
		sorted, latin := kb.nameForms(r.NameKey)
		key(keyName, r.NameKey)
		key(keyTokens, sorted)
		key(keyTranslit, latin)
	}
	if r.InitialsKey != "" {
		key(keyInitials, r.InitialsKey)
	}
	address := append(kb.address[:0], addressWords...) // sorted below
	kb.address = address
	if c := city; c != "" {
		if i := slices.IndexFunc(address, isNumber); i >= 0 {
			key(keyHouse, c, "|", address[i])
		}
		orgWord := ""
		if isOrgLike(r) {
			orgWord, _, _ = strings.Cut(r.NameKey, " ")
		}
		for _, v := range [...]string{foldWord(r.Fields[crmkit.FieldLastName]), foldWord(r.Fields[crmkit.FieldFirstName]), orgWord} {
			if v != "" {
				key(keyCity, c, "|", v)
			}
		}
	}
	if len(address) >= 2 {
		sort.Strings(address)
		kb.buf = append(kb.buf[:0], keyAddress...)
		for i, w := range address {
			if i > 0 {
				kb.buf = append(kb.buf, ' ')
			}
			kb.buf = append(kb.buf, w...)
		}
		emit(kb.buf, "")
	}
	if d := r.Fields[crmkit.FieldBirthDate]; d != "" {
		key(keyBirth, d)
		for _, v := range [...]string{foldWord(r.Fields[crmkit.FieldLastName]), foldWord(r.Fields[crmkit.FieldFirstName]), "@" + city} {
			if v != "" && v != "@" {
				key(keyBirth, d, "|", v)
			}
		}
	}
}

// packKeys copies a record's keys into one string and a list of its own
// length; a key that is one of the record's match keys stays that string.
// A run holds the keys of every record it reads, and a dozen strings of
// their own each, in a list grown by appending, were twice their text.
func packKeys(keys, matchKeys []string) []string {
	size := 0
	for _, k := range keys {
		if !slices.Contains(matchKeys, k) {
			size += len(k)
		}
	}
	buf := make([]byte, 0, size)
	for _, k := range keys {
		if !slices.Contains(matchKeys, k) {
			buf = append(buf, k...)
		}
	}
	text := string(buf)
	out := make([]string, len(keys))
	at := 0
	for i, k := range keys {
		if j := slices.Index(matchKeys, k); j >= 0 {
			out[i] = matchKeys[j]
			continue
		}
		out[i] = text[at : at+len(k)]
		at += len(k)
	}
	return out
}

// IndexKeys are the keys a store indexes a record by: its block keys and
// the references a contact person makes to its organisation, so that an
// organisation that arrives later finds the people who work for it.
func IndexKeys(r *crmkit.Record) []string {
	return indexKeys(r, BlockKeys(r))
}

// indexKeys are IndexKeys of a record whose block keys are known: block
// itself when the record refers to no organisation (neither is changed
// after, so they may share).
func indexKeys(r *crmkit.Record, block []string) []string {
	refs := refKeys(r)
	if len(refs) == 0 {
		return block
	}
	return uniqueSorted(append(slices.Clone(block), refs...))
}

func refKeys(r *crmkit.Record) []string {
	var keys []string
	if r.OrgSourceKey != "" {
		keys = append(keys, keyRefSrc+r.Source+"/"+r.OrgSourceKey)
	}
	if r.OrgKey != "" {
		keys = append(keys, keyRefName+r.OrgKey)
	}
	return keys
}

// referredBy are the keys under which records that point at organisation
// r are indexed.
func referredBy(r *crmkit.Record) []string {
	if r.Kind != crmkit.KindOrganization {
		return nil
	}
	keys := []string{keyRefSrc + r.Source + "/" + r.Key}
	if r.NameKey != "" {
		keys = append(keys, keyRefName+r.NameKey)
	}
	return keys
}

func uniqueSorted(keys []string) []string {
	sort.Strings(keys)
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			out = append(out, k)
		}
	}
	return out
}

func isNameKey(k string) bool {
	return strings.HasPrefix(k, keyName) || strings.HasPrefix(k, keyTokens) || strings.HasPrefix(k, keyTranslit) ||
		strings.HasPrefix(k, keyInitials) || strings.HasPrefix(k, keyBirth) || strings.HasPrefix(k, keyCity)
}

// Key classes: how many records share a key decides what it may do, and a
// run that moves a key from one class to another must recompute everyone
// holding it.
const (
	classPaired  = iota // pairs its records, full weight
	classDemoted        // pairs its records, evidence only (an office switchboard)
	classIgnored        // too common to pair anyone
)

func keyClass(k string, n int, cfg Config) int {
	switch {
	case n > 4*cfg.MaxKeyShare, isNameKey(k) && n > cfg.MaxKeyShare && (cfg.Model == nil || n > 2*cfg.MaxKeyShare):
		// With a model a common name weighs little by its term frequency,
		// so it may pair twice as many records; past that it pairs nobody
		// on its own: on a store of a million, names held by 21–40 records
		// brought 91% of a nightly run's candidates, and none paired.
		return classIgnored
	case n > cfg.MaxKeyShare:
		return classDemoted
	}
	return classPaired
}
