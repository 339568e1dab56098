package normalize

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"sort"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Anonymizer replaces personal values with consistent fakes: the same
// value, under the same key, always gives the same fake, and a fake keeps
// the shape of what it replaces (a valid INN, a valid number of the same
// country and type, a name of the same gender), so that an anonymised
// sample shows the problems and the duplicates of the original.
//
// Values are faked at the level dedupe compares them — a phone by its
// E.164 number, a name word by its folded form, an e-mail lower-cased — so
// that two ways of writing one value get one fake. Where a value maps to a
// fake bijectively (phones, INNs, numbers in addresses, birth days), two
// different values never share a fake.
//
// An Anonymizer is safe for concurrent use; it holds only what its key
// determines.
type Anonymizer struct {
	key []byte
	all bool // organisations' INNs and names too

	firstName  map[string]string // folded pool first name → folded fake, same gender and first letter
	patronBase map[string]string // folded full male name → folded fake, same first letter
	patronymOf map[string]fatherName
	day        map[int]int // day of a non-leap year (0…364) → another one
}

// AnonymizeOptions say what an Anonymizer replaces besides people's data.
type AnonymizeOptions struct {
	// All: organisations' INNs (10 digits), OGRNs and names too. They are
	// public registers, so by default they stay.
	All bool
}

// NewAnonymizer makes fakes keyed by key (any secret; HMAC-SHA256 keys
// every choice).
func NewAnonymizer(key []byte, opt AnonymizeOptions) *Anonymizer {
	a := &Anonymizer{key: append([]byte(nil), key...), all: opt.All}
	a.firstName = a.cycles("first", firstNamePool)
	a.patronBase = a.cycles("patronymic", patronymicGroups())
	a.patronymOf = patronymicIndex()
	a.day = a.dayCycle()
	return a
}

// mac is one keyed PRF evaluation: HMAC-SHA256(key, domain ‖ 0 ‖ parts…).
type mac struct{ h hash.Hash }

func (a *Anonymizer) newMAC() mac { return mac{hmac.New(sha256.New, a.key)} }

func (m mac) sum(domain string, parts ...string) []byte {
	m.h.Reset()
	m.h.Write([]byte(domain))
	for _, p := range parts {
		m.h.Write([]byte{0})
		m.h.Write([]byte(p))
	}
	return m.h.Sum(nil)
}

// stream is a keyed byte stream for choices: letters of a fake word, a
// date's digits.
type stream struct {
	m      mac
	domain string
	seed   string
	buf    []byte
	n      int
}

func (a *Anonymizer) stream(domain, seed string) *stream {
	return &stream{m: a.newMAC(), domain: domain, seed: seed}
}

// intn returns a keyed number in [0, n).
func (s *stream) intn(n int) int {
	if len(s.buf) < 4 {
		s.buf = s.m.sum(s.domain, s.seed, strconv.Itoa(s.n))
		s.n++
	}
	v := binary.BigEndian.Uint32(s.buf)
	s.buf = s.buf[4:]
	return int(v % uint32(n))
}

func (s *stream) pick(choices []string) string { return choices[s.intn(len(choices))] }

// cycles maps each word of every group to the next one in a keyed order of
// its group: a permutation without fixed points (no value maps to itself)
// inside each group of two or more words.
func (a *Anonymizer) cycles(domain string, groups [][]string) map[string]string {
	m := a.newMAC()
	out := map[string]string{}
	for _, g := range groups {
		order := append([]string(nil), g...)
		rank := map[string]string{}
		for _, w := range order {
			rank[w] = hex.EncodeToString(m.sum(domain, w))
		}
		sort.Slice(order, func(i, j int) bool { return rank[order[i]] < rank[order[j]] })
		for i, w := range order {
			out[w] = order[(i+1)%len(order)]
		}
	}
	return out
}

// permuteDigits maps an n-digit number to another n-digit number by a keyed
// permutation of [0, 10ⁿ) (an eight-round Feistel network over its two
// halves, the round function HMAC): different inputs never share an output.
func (a *Anonymizer) permuteDigits(tweak string, digits string) string {
	const chunk = 18 // 10¹⁸ fits in a uint64
	if len(digits) > chunk {
		var b strings.Builder
		for i := 0; i < len(digits); i += chunk {
			b.WriteString(a.permuteDigits(tweak+"|"+strconv.Itoa(i), digits[i:min(i+chunk, len(digits))]))
		}
		return b.String()
	}
	n := len(digits)
	x, err := strconv.ParseUint(digits, 10, 64)
	if n == 0 || err != nil {
		return digits
	}
	u, v := n/2, n-n/2
	mu, mv := pow10(u), pow10(v)
	l, r := x/mv, x%mv
	m := a.newMAC()
	round := func(i int, half uint64, mod uint64) uint64 {
		sum := m.sum("feistel", tweak, strconv.Itoa(n), strconv.Itoa(i), strconv.FormatUint(half, 10))
		return binary.BigEndian.Uint64(sum) % mod
	}
	for i := 0; i < 8; i++ {
		if i%2 == 0 {
			l = (l + round(i, r, mu)) % mu
		} else {
			r = (r + round(i, l, mv)) % mv
		}
	}
	s := strconv.FormatUint(l*mv+r, 10)
	return strings.Repeat("0", n-len(s)) + s
}

// permuteNumber is permuteDigits for a number as people write it: one
// without a leading zero gets a fake without one (the permutation walked
// on until it gives one), so "5" never becomes "0".
func (a *Anonymizer) permuteNumber(tweak, digits string) string {
	out := a.permuteDigits(tweak, digits)
	for i := 0; i < 100 && digits[0] != '0' && out[0] == '0'; i++ {
		out = a.permuteDigits(tweak, out)
	}
	return out
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// Phone fakes an E.164 number: the same country and area (operator) code,
// another subscriber number of the same numbering-plan type (mobile,
// fixed, …), found by walking the keyed permutation of subscriber numbers
// until one is valid — so the map is a bijection of valid numbers. A value
// that is not a valid number keeps its shape with other digits.
func (a *Anonymizer) Phone(e164 string) string {
	num, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil || !strings.HasPrefix(e164, "+") {
		return a.scramble("phone", e164, 0)
	}
	typ := phonenumbers.GetNumberType(num)
	cc := strconv.Itoa(int(num.GetCountryCode()))
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	ndc := phonenumbers.GetLengthOfNationalDestinationCode(num)
	if ndc <= 0 || len(nsn)-ndc < 4 {
		ndc = min(len(nsn)/2, max(len(nsn)-4, 0))
	}
	head, sub := nsn[:ndc], nsn[ndc:]
	if typ == phonenumbers.UNKNOWN {
		return "+" + cc + head + a.permuteDigits("phone|"+cc+head, sub)
	}
	for range 1000 {
		sub = a.permuteDigits("phone|"+cc+head, sub)
		cand, err := phonenumbers.Parse("+"+cc+head+sub, "ZZ")
		if err == nil && phonenumbers.GetNationalSignificantNumber(cand) == head+sub && phonenumbers.GetNumberType(cand) == typ {
			break
		}
	}
	return "+" + cc + head + sub
}

// INN fakes a valid INN with valid control digits: a person's (12 digits)
// always, an organisation's (10) only with All. The region (first two
// digits) stays; the rest is a keyed permutation, so two INNs never share
// a fake.
func (a *Anonymizer) INN(inn string) string {
	switch {
	case len(inn) == innPersonLength && ValidINN(inn):
		d := inn[:2] + a.permuteDigits("inn12", inn[2:10])
		d += string(controlDigit(d, coef12a))
		return d + string(controlDigit(d, coef12b))
	case len(inn) == innOrgLength && ValidINN(inn):
		if !a.all {
			return inn
		}
		d := inn[:2] + a.permuteDigits("inn10", inn[2:9])
		return d + string(controlDigit(d, coef10))
	}
	return a.scramble("inn", inn, 0)
}

// OGRN fakes an OGRNIP (15 digits, an individual entrepreneur's) always and
// an organisation's OGRN (13) with All, with a valid control digit; the
// first digit (the kind of record) and the region stay.
func (a *Anonymizer) OGRN(ogrn string) string {
	if !ValidOGRN(ogrn) {
		return a.scramble("ogrn", ogrn, 0)
	}
	if len(ogrn) == 13 && !a.all {
		return ogrn
	}
	body := ogrn[:5] + a.permuteDigits("ogrn"+strconv.Itoa(len(ogrn)), ogrn[5:len(ogrn)-1])
	mod := uint64(11)
	if len(ogrn) == 15 {
		mod = 13
	}
	n, _ := strconv.ParseUint(body, 10, 64)
	return body + string(byte(n%mod%10)+'0')
}

// SourceKey fakes a source key that crmkit made from a record's values
// ("h:…", a digest of its identity fields): whoever holds the values could
// confirm them by the digest. Keys the source gave (1C codes) stay.
func (a *Anonymizer) SourceKey(k string) string {
	if !strings.HasPrefix(k, "h:") {
		return k
	}
	sum := a.newMAC().sum("source-key", k)
	return "h:" + hex.EncodeToString(sum)[:len(k)-2]
}

// BirthDate fakes a date (YYYY-MM-DD): the same year, another day of it.
// Days are moved along one keyed cycle through the year (the 29th of
// February stays), so two dates that differ only in their year — one digit
// mistyped — still differ only in their year, and no date maps to itself.
func (a *Anonymizer) BirthDate(iso string) string {
	y, m, d, ok := splitISO(iso)
	if !ok {
		return a.scramble("date", iso, 0)
	}
	if m == 2 && d == 29 {
		return iso
	}
	nm, nd := fromDayOfYear(a.day[dayOfYear(m, d)])
	return pad4(y) + "-" + pad2(nm) + "-" + pad2(nd)
}

var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func dayOfYear(m, d int) int {
	n := d - 1
	for i := 0; i < m-1; i++ {
		n += monthDays[i]
	}
	return n
}

func fromDayOfYear(n int) (m, d int) {
	for i, days := range monthDays {
		if n < days {
			return i + 1, n + 1
		}
		n -= days
	}
	return 12, 31
}

func (a *Anonymizer) dayCycle() map[int]int {
	days := make([]string, 365)
	for i := range days {
		days[i] = strconv.Itoa(i)
	}
	out := map[int]int{}
	for k, v := range a.cycles("birth-day", [][]string{days}) {
		ki, _ := strconv.Atoi(k)
		vi, _ := strconv.Atoi(v)
		out[ki] = vi
	}
	return out
}

func splitISO(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:])
	return y, m, d, validDate(y, m, d)
}

func pad2(n int) string { return strconv.Itoa(n/10) + strconv.Itoa(n%10) }
func pad4(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", max(0, 4-len(s))) + s
}

// scramble keeps the shape of a value that is not what its field should
// hold (an invalid INN, a phone of too few digits): every digit another
// digit, every letter another letter of its script and case, the rest as
// it is (the letters too when the domain is a phone's or a date's: there
// they are words such as "нет" or "марта"). try varies it when a first
// choice does not keep the value's problem.
func (a *Anonymizer) scramble(domain, s string, try int) string {
	st := a.stream("scramble|"+domain, s+"\x00"+strconv.Itoa(try))
	digitsOnly := domain == "phone" || domain == "date"
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteByte(byte('0' + st.intn(10)))
		case digitsOnly:
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteByte(byte('a' + st.intn(26)))
		case r >= 'A' && r <= 'Z':
			b.WriteByte(byte('A' + st.intn(26)))
		case r >= 'а' && r <= 'я' || r == 'ё':
			b.WriteRune(rune('а' + st.intn(32)))
		case r >= 'А' && r <= 'Я' || r == 'Ё':
			b.WriteRune(rune('А' + st.intn(32)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
