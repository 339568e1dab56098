package normalize

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"slices"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// numberPlan7 answers, for a ten-digit national number of +7, what
// phoneOf would: whether libphonenumber knows such a number and its type.
// It is a trie over the leading digits, built once from the library: a
// number's type follows from its first few digits ("916…" mobile, "495…"
// fixed, "800…" toll free, "701…" a Kazakh mobile), and asking the library
// costs ~3 µs and 29 allocations a number, a third of a whole cell.
var numberPlan7 = sync.OnceValues(buildNumberPlan7)

// A trie entry: a child node (≥ 0), planInvalid, or a leaf of type
// kinds[planLeaf-e] (≤ planLeaf).
const (
	planInvalid = -1 // no such number, or not a ten-digit one: ask phonesSlow
	planLeaf    = -2
)

type numberPlan struct {
	nodes [][10]int32
	kinds []string // crmkit.Phone.Type of the leaves
}

// kind returns the Type of a valid number; ok is false for a number
// libphonenumber rejects. nsn holds ten ASCII digits.
func (p *numberPlan) kind(nsn *[10]byte) (kind string, ok bool) {
	n := int32(0)
	for _, c := range nsn {
		e := p.nodes[n][c-'0']
		switch {
		case e >= 0:
			n = e
		case e == planInvalid:
			return "", false
		default:
			return p.kinds[planLeaf-e], true
		}
	}
	return "", false // unreachable: a full number always ends on a leaf
}

// buildNumberPlan7 grows the trie one digit at a time until every pattern
// that GetNumberType consults for +7 (each region's leading digits and all
// its number descriptions) matches either every completion of the prefix
// or none of them. Only then is the type the same for the whole range, and
// the library is asked once for a representative (the prefix and zeros).
// The patterns are read from the library, never copied here; should they
// use a construct this analysis does not know, the plan is not built and
// every cell goes the slow way.
func buildNumberPlan7() (*numberPlan, error) {
	regions := phonenumbers.GetRegionCodesForCountryCode(7)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil, fmt.Errorf("phone plan: %w", err)
	}
	var pats []*digitPattern
	found := 0
	for _, m := range coll.GetMetadata() {
		if !slices.Contains(regions, m.GetId()) || m.GetCountryCode() != 7 {
			continue
		}
		found++
		if ld := m.GetLeadingDigits(); ld != "" {
			// Leading digits match a prefix: on digit strings that is
			// the pattern followed by any digits.
			p, err := newDigitPattern("(?:" + ld + `)\d*`)
			if err != nil {
				return nil, fmt.Errorf("phone plan: %s leading digits: %w", m.GetId(), err)
			}
			pats = append(pats, p)
		}
		for _, d := range []*phonenumbers.PhoneNumberDesc{m.GetGeneralDesc(), m.GetFixedLine(), m.GetMobile(),
			m.GetTollFree(), m.GetPremiumRate(), m.GetSharedCost(), m.GetPersonalNumber(), m.GetVoip(),
			m.GetPager(), m.GetUan(), m.GetVoicemail()} {
			p, err := newDigitPattern(d.GetNationalNumberPattern())
			if err != nil {
				return nil, fmt.Errorf("phone plan: %s: %w", m.GetId(), err)
			}
			pats = append(pats, p)
		}
	}
	if found == 0 || found != len(regions) {
		return nil, fmt.Errorf("phone plan: metadata for %d of the regions %v of +7", found, regions)
	}
	b := planBuilder{plan: &numberPlan{}, pats: pats}
	states := make([]stateSet, len(pats))
	for i, p := range pats {
		states[i] = p.start()
	}
	if _, err := b.node(nil, states); err != nil {
		return nil, err
	}
	return b.plan, nil
}

type planBuilder struct {
	plan *numberPlan
	pats []*digitPattern
}

const planMaxNodes = 1 << 14

// node adds the trie node of prefix (states: each pattern after reading
// it) and returns its index.
func (b *planBuilder) node(prefix []byte, states []stateSet) (int32, error) {
	if len(b.plan.nodes) >= planMaxNodes {
		return 0, errors.New("phone plan: the numbering plan needs too many prefixes")
	}
	idx := int32(len(b.plan.nodes))
	b.plan.nodes = append(b.plan.nodes, [10]int32{})
	for d := byte(0); d < 10; d++ {
		e, err := b.entry(append(prefix[:len(prefix):len(prefix)], '0'+d), states)
		if err != nil {
			return 0, err
		}
		b.plan.nodes[idx][d] = e
	}
	return idx, nil
}

func (b *planBuilder) entry(prefix []byte, parent []stateSet) (int32, error) {
	if prefix[0] == '0' {
		// "+7 0…" parses to a number of fewer than ten digits.
		return planInvalid, nil
	}
	states := make([]stateSet, len(parent))
	decided := true
	for i, p := range b.pats {
		states[i] = p.step(parent[i], prefix[len(prefix)-1])
		if p.verdict(states[i], 10-len(prefix)) == matchSome {
			decided = false
		}
	}
	if !decided {
		return b.node(prefix, states)
	}
	nsn := make([]byte, 10)
	for i := range nsn {
		nsn[i] = '0'
	}
	copy(nsn, prefix)
	n, err := strconv.ParseUint(string(nsn), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("phone plan: %w", err)
	}
	cc := int32(7)
	t := phonenumbers.GetNumberType(&phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n})
	if t == phonenumbers.UNKNOWN {
		return planInvalid, nil
	}
	kind := numberTypes[t]
	k := slices.Index(b.plan.kinds, kind)
	if k < 0 {
		k = len(b.plan.kinds)
		b.plan.kinds = append(b.plan.kinds, kind)
	}
	return planLeaf - int32(k), nil
}

// digitPattern is a libphonenumber pattern as an automaton over digits,
// matched against a whole national number as the library does.
type digitPattern struct {
	prog *syntax.Prog
	memo map[string]matchVerdict // state set and digits left → verdict
}

// A stateSet holds the instructions the automaton may be at, sorted.
type stateSet []uint32

type matchVerdict int8

const (
	matchNone matchVerdict = iota // no completion matches
	matchAll                      // every completion matches
	matchSome
)

func newDigitPattern(expr string) (*digitPattern, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, err
	}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth {
			return nil, fmt.Errorf("pattern %q: anchors are not supported", expr)
		}
	}
	return &digitPattern{prog: prog, memo: map[string]matchVerdict{}}, nil
}

func (p *digitPattern) start() stateSet {
	return p.closure(nil, uint32(p.prog.Start))
}

// closure adds pc and every instruction reachable from it without reading.
func (p *digitPattern) closure(set stateSet, pc uint32) stateSet {
	i, found := slices.BinarySearch(set, pc)
	if found {
		return set
	}
	set = slices.Insert(set, i, pc)
	in := &p.prog.Inst[pc]
	switch in.Op {
	case syntax.InstAlt, syntax.InstAltMatch:
		set = p.closure(set, in.Out)
		set = p.closure(set, in.Arg)
	case syntax.InstCapture, syntax.InstNop:
		set = p.closure(set, in.Out)
	}
	return set
}

// step reads one digit.
func (p *digitPattern) step(set stateSet, digit byte) stateSet {
	var next stateSet
	for _, pc := range set {
		in := &p.prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1:
			if in.MatchRune(rune(digit)) {
				next = p.closure(next, in.Out)
			}
		case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			next = p.closure(next, in.Out)
		}
	}
	return next
}

// verdict says whether the pattern matches all, none or some of the
// strings of left more digits read from set.
func (p *digitPattern) verdict(set stateSet, left int) matchVerdict {
	if len(set) == 0 {
		return matchNone
	}
	if left == 0 {
		for _, pc := range set {
			if p.prog.Inst[pc].Op == syntax.InstMatch {
				return matchAll
			}
		}
		return matchNone
	}
	key := fmt.Sprint(left, set)
	if v, ok := p.memo[key]; ok {
		return v
	}
	v := matchSome
	for d := byte('0'); d <= '9'; d++ {
		w := p.verdict(p.step(set, d), left-1)
		switch {
		case w == matchSome:
			v = matchSome
		case d == '0':
			v = w
		case w != v:
			v = matchSome
		}
		if v == matchSome {
			break
		}
	}
	p.memo[key] = v
	return v
}
