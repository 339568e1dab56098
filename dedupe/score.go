package dedupe

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

// Comparison is the verdict on one pair of records, with its reasons.
type Comparison struct {
	Score       float64  // the match weight: with a model, log2 of the odds that the pair is one customer
	Probability float64  // with a model, the match probability; 0 without one
	Veto        string   // why the pair can never be one customer; "" when it can
	Reasons     []string // "ИНН equal +8.0", "name 0.93 +3.7", "phone shared by 212 records: ignored"
	quiet       bool     // scoring only: no reasons written (matching compares many pairs, explains few)
}

// Explanation is the reasons in one line.
func (c Comparison) Explanation() string {
	s := strings.Join(c.Reasons, "; ")
	if c.Veto != "" {
		s = "VETO " + c.Veto + "; " + s
	}
	if c.Probability > 0 {
		return fmt.Sprintf("%.1f (match probability %s): %s", c.Score, formatProbability(c.Probability), s)
	}
	return fmt.Sprintf("%.1f: %s", c.Score, s)
}

func (c *Comparison) add(w float64, format string, args ...any) {
	c.Score += w
	if c.quiet {
		return
	}
	c.Reasons = append(c.Reasons, fmt.Sprintf(format, args...)+fmt.Sprintf(" %+.1f", w))
}

// keyShare tells how many records of the run share a key.
type keyShare map[string]int

// Compare scores two records, with its reasons.
func Compare(a, b *crmkit.Record, cfg Config, share keyShare) Comparison {
	return compare(prepare(a), prepare(b), cfg.WithDefaults(), share, false)
}

// score is Compare without reasons; cfg must have its defaults.
func score(a, b *features, cfg Config, share keyShare) Comparison {
	return compare(a, b, cfg, share, true)
}

func compare(a, b *features, cfg Config, share keyShare, quiet bool) Comparison {
	c := Comparison{quiet: quiet}
	c.Veto = veto(a.Record, b.Record, cfg)
	if cfg.Model != nil {
		compareWeights(&c, a, b, cfg, share)
		return c
	}
	fa, fb := a.Fields, b.Fields
	innA, innB := fa[crmkit.FieldINN], fb[crmkit.FieldINN]
	if innA != "" && innA == innB {
		c.add(cfg.INN, "ИНН equal")
	}
	phones := 0
	for _, p := range a.Phones {
		for _, q := range b.Phones {
			if p.E164 != q.E164 || (p.Extension != "" && q.Extension != "" && p.Extension != q.Extension) {
				continue
			}
			if n := share["phone:"+p.E164]; n > cfg.MaxKeyShare {
				if phones == 0 {
					c.add(cfg.Demoted, "phone shared by %d records: demoted", n)
				}
				phones++
				continue
			}
			w := cfg.Phone
			if phones > 0 {
				w = 1
			}
			phones++
			c.add(w, "phone equal")
		}
	}
	for _, e := range a.Emails {
		for _, f := range b.Emails {
			if e != f {
				continue
			}
			switch n := share["email:"+e]; {
			case n > cfg.MaxKeyShare:
				c.add(cfg.Demoted, "e-mail shared by %d records: demoted", n)
			case normalize.IsRoleEmail(e):
				c.add(cfg.RoleEmail, "office e-mail equal")
			default:
				c.add(cfg.Email, "e-mail equal")
			}
		}
	}
	shared := phones > 0 || sharedEmail(a.Record, b.Record)
	// Two people of one name whose contacts all differ are namesakes more
	// often than not; companies of one name are told apart by INN instead.
	if !shared && a.InitialsKey != "" && b.InitialsKey != "" &&
		(len(a.Phones) > 0 || len(a.Emails) > 0) && (len(b.Phones) > 0 || len(b.Emails) > 0) {
		c.add(cfg.ContactsDiffer, "phones and e-mails all differ")
	}
	compareNames(&c, a, b, cfg)
	if d := fa[crmkit.FieldBirthDate]; d != "" && d == fb[crmkit.FieldBirthDate] {
		c.add(cfg.BirthDate, "birth date equal")
	}
	if l, _ := compareCities(a, b); l == 0 {
		c.add(cfg.City, "city equal")
	}
	switch addressLevel(a.address, b.address) {
	case 0:
		c.add(cfg.Address, "address equal")
	case 1:
		c.add(cfg.Address, "address close")
	case 3:
		// A business is where it is: one name at another address is a
		// branch or a namesake. People move, so theirs weighs nothing.
		if isOrgLike(a.Record) && isOrgLike(b.Record) {
			c.add(cfg.AddressDiffer, "addresses differ")
		}
	}
	return c
}

// veto says why two records can never be one customer, whatever else
// they share: two valid INNs, a person and an organisation, two birth
// dates (with a model: two dates a generation apart, unless the model
// found the source's dates written wrong too often to trust them).
func veto(a, b *crmkit.Record, cfg Config) string {
	fa, fb := a.Fields, b.Fields
	innA, innB := fa[crmkit.FieldINN], fb[crmkit.FieldINN]
	switch {
	case innA != "" && innB != "" && innA != innB:
		return "two different valid INNs"
	case isOrg(a) != isOrg(b) && isKnown(a) && isKnown(b) && !(innA != "" && innA == innB):
		return "a person and an organisation"
	case a.Kind == crmkit.KindContactPerson && b.Kind == crmkit.KindOrganization, b.Kind == crmkit.KindContactPerson && a.Kind == crmkit.KindOrganization:
		return "a contact person and an organisation"
	case datesClash(fa[crmkit.FieldBirthDate], fb[crmkit.FieldBirthDate], cfg.Model != nil) && cfg.Model.DatesTrusted():
		return "different birth dates"
	case cfg.KeepBranches && innA != "" && innA == innB && fa[crmkit.FieldKPP] != "" && fb[crmkit.FieldKPP] != "" && fa[crmkit.FieldKPP] != fb[crmkit.FieldKPP]:
		return "branches of one INN (different KPP) are kept apart"
	}
	return ""
}

// datesClash: two birth dates that cannot be one person's. Leniently (with
// a model, which weighs a mistyped date as evidence), only dates a
// generation apart clash: a father and a son of one name at one address.
func datesClash(a, b string, lenient bool) bool {
	if a == "" || b == "" || a == b {
		return false
	}
	if !lenient {
		return true
	}
	if dateLevel(a, b) < 3 {
		return false // swapped or one digit off
	}
	ya, errA := strconv.Atoi(a[:min(4, len(a))])
	yb, errB := strconv.Atoi(b[:min(4, len(b))])
	return errA == nil && errB == nil && (ya-yb >= generation || yb-ya >= generation)
}

// generation is how many years apart two birth dates are that no typing
// error explains and a parent and child are.
const generation = 12

// compareWeights scores a pair with the model: each field's level and its
// weight, over the prior odds of a candidate pair. A phone or e-mail that
// too many records share, or an office mailbox, weighs no more than the
// hand-set evidence of one: it may support a match, never make one alone.
func compareWeights(c *Comparison, a, b *features, cfg Config, share keyShare) {
	m := cfg.Model
	v, vals := compareAll(a, b)
	c.Score = logit(min(max(m.Lambda, floor), 1-floor))
	for i, l := range v {
		if l == Null {
			continue
		}
		comp := comparators[i]
		w := m.Weight(i, int(l), vals[i])
		note := ""
		if l == 0 && (comp.name == "phone" || comp.name == "email") {
			n := 0
			role := comp.name == "email"
			for _, k := range strings.Split(vals[i], "\n") {
				if share[k] > n {
					n = share[k]
				}
				if !strings.HasPrefix(k, "email:") || !normalize.IsRoleEmail(strings.TrimPrefix(k, "email:")) {
					role = false
				}
			}
			switch {
			case n > cfg.MaxKeyShare && w > cfg.Demoted:
				w, note = cfg.Demoted, fmt.Sprintf(", shared by %d records: demoted", n)
			case role && w > cfg.RoleEmail:
				w, note = cfg.RoleEmail, ", an office mailbox"
			}
		}
		c.add(w, "%s %s%s", comp.label(), comp.levels[l], note)
	}
	c.Probability = Probability(c.Score)
}

func formatProbability(p float64) string {
	switch {
	case p >= 0.99999:
		return ">0.99999"
	case p < 0.00001:
		return "<0.00001"
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.5f", p), "0"), ".")
}

func isOrg(r *crmkit.Record) bool { return r.Kind == crmkit.KindOrganization }
func isKnown(r *crmkit.Record) bool {
	return r.Kind == crmkit.KindOrganization || r.Kind == crmkit.KindPerson
}

// compareNames: people by their name parts (order and initials do not
// matter), organisations by their core names (across scripts: "Ромашка"
// and "Romashka").
func compareNames(c *Comparison, a, b *features, cfg Config) {
	ka, kb := a.NameKey, b.NameKey
	if ka == "" || kb == "" {
		return
	}
	if a.InitialsKey != "" && b.InitialsKey != "" {
		switch {
		case ka == kb:
			c.add(cfg.Name, "name equal")
		case a.sorted == b.sorted:
			c.add(cfg.Name, "name equal, words reordered")
		case a.InitialsKey == b.InitialsKey:
			if firstNamesDiffer(a, b) {
				c.add(cfg.NameDiffer, "first names differ")
			} else {
				c.add(cfg.Initials, "surname and initials compatible")
			}
		default:
			if r := ratioRunes(a.name, b.name); r >= 0.9 {
				c.add(cfg.Name*r*0.75, "name %.2f", r)
			} else {
				c.add(cfg.NameDiffer, "names differ (%.2f)", r)
			}
		}
		return
	}
	words, contained := orgNameSimilarity(a.words, b.words)
	r := max(ratioRunes(a.name, b.name), ratioRunes(a.nameLatin, b.nameLatin), words)
	if contained {
		r = max(r, 0.7)
	}
	switch {
	case r >= 0.85:
		c.add(cfg.Name*r, "name %.2f", r)
	case r >= 0.7:
		c.add(1, "name %.2f", r)
	case r < 0.5:
		c.add(cfg.NameDiffer, "names differ (%.2f)", r)
	}
}

// firstNamesDiffer: both first names written out, and not the same.
func firstNamesDiffer(a, b *features) bool {
	return a.firstFull && b.firstFull && a.firstLower != b.firstLower
}

// ratioAtLeast: a and b are alike to at least t (1 less their edit
// distance over the longer length), without the edit distance of two
// strings whose lengths alone rule it out (most random pairs), and giving
// up on the distance as soon as it is too far.
func ratioAtLeast(a, b string, t float64) bool {
	if a == b {
		return a != "" && t <= 1
	}
	if isASCII(a) && isASCII(b) { // e-mails, Latin names: a letter is a byte, nothing to convert
		return ratioRunesAtLeast([]byte(a), []byte(b), t)
	}
	return ratioRunesAtLeast([]rune(a), []rune(b), t)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// letter is what the edit distance compares: runes, or bytes of ASCII text.
type letter interface{ ~rune | ~byte }

// ratioRunes (1 less the edit distance over the longer length) and
// ratioRunesAtLeast are for strings
// already split into letters.
func ratioRunes(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return 1 - float64(distance(a, b, math.MaxInt))/float64(max(len(a), len(b)))
}

func ratioRunesAtLeast[L letter](a, b []L, t float64) bool {
	la, lb := len(a), len(b)
	n := max(la, lb)
	if la == 0 || lb == 0 || 1-float64(n-min(la, lb))/float64(n) < t {
		return false
	}
	// A distance past (1-t)·n fails; one more than its floor is past it by
	// a whole letter, far beyond any rounding of the test below.
	limit := int((1-t)*float64(n)) + 1
	if letterGap(a, b) > limit {
		return false
	}
	return 1-float64(distance(a, b, limit))/float64(n) >= t
}

// letterGap is a bound below the edit distance, cheap to work out: half the
// letters one string has and the other has not, counted in 64 bins (a
// letter typed wrong adds two, one left out or added one, a swap none).
func letterGap[L letter](a, b []L) int {
	var bins [64]int32
	for _, r := range a {
		bins[r&63]++
	}
	for _, r := range b {
		bins[r&63]--
	}
	gap := int32(0)
	for _, n := range bins {
		gap += max(n, -n)
	}
	return int(gap+1) / 2
}

// editDistance counts the letters typed wrong, left out or added, and two
// neighbours swapped as one error ("Linclon", "Madiosn"): Damerau's optimal
// string alignment distance.
func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	return distance([]rune(a), []rune(b), math.MaxInt)
}

// distance is the edit distance of ra and rb when it is at most limit, and
// more than limit otherwise: it stops at the first row whose every cell is
// past the limit (no cell of a later row is less than the least of the row
// before, as a cell is never less than its diagonal neighbour).
func distance[L letter](ra, rb []L, limit int) int {
	if slices.Equal(ra, rb) {
		return 0
	}
	// Three rows: the one before the previous one is needed for a swap.
	var buf [3 * 40]int
	rows := buf[:]
	if n := 3 * (len(rb) + 1); n > len(rows) {
		rows = make([]int, n)
	}
	w := len(rb) + 1
	prev2, prev, cur := rows[:w], rows[w:2*w], rows[2*w:3*w]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		least := i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			least = min(least, cur[j])
		}
		if least > limit {
			return least
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func sortedTokens(s string) string {
	t := strings.Fields(s)
	sort.Strings(t)
	return strings.Join(t, " ")
}

// nameWords are the words of a name key that tell names apart: without
// "the", "and", "of" ("The Bear & Onion" is "Bear Onion").
func nameWords(key string) []string {
	var out []string
	for _, w := range strings.Fields(key) {
		if !nameStopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

var nameStopWords = map[string]bool{"the": true, "and": true, "of": true, "и": true}

// orgNameSimilarity is the share of two organisation names' words (their
// nameWords) they have in common (a word with a typo counts for most of one, a word
// repeated in one name is matched once), and whether all the words of one
// are in the other ("Cafe Morton" and "Cafe Morton #2").
func orgNameSimilarity(wa, wb []string) (s float64, contained bool) {
	if len(wa) == 0 || len(wb) == 0 {
		return 0, false
	}
	s, _ = tokenSetSimilarity(wa, wb)
	return s, allMatched(s*float64(max(len(wa), len(wb))), min(len(wa), len(wb)))
}

var translitTable = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e",
	'ю': "yu", 'я': "ya"}

// translit writes a folded Cyrillic key in Latin letters.
func translit(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 'а' && r <= 'я' || r == 'ё' }) {
		return s // nothing to write in Latin letters: no copy
	}
	var b strings.Builder
	for _, r := range s {
		if t, ok := translitTable[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Explain compares records a and b of a set as a run of the set alone
// would: with the key shares of all its records.
func Explain(recs []crmkit.Record, a, b int, cfg Config) Comparison {
	share := keyShare{}
	for i := range recs {
		for _, k := range BlockKeys(&recs[i]) {
			share[k]++
		}
	}
	return Compare(&recs[a], &recs[b], cfg, share)
}

func sharedEmail(a, b *crmkit.Record) bool {
	for _, e := range a.Emails {
		for _, f := range b.Emails {
			if e == f {
				return true
			}
		}
	}
	return false
}
