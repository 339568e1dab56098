package dedupe

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/crmkit/crmkit"
)

// survivor ranks a customer's records for one field: the most trusted
// source first (lower priority), then the best value of that field (a full
// name beats initials, ё beats е, proper case beats CAPS), then the most
// complete record, then the most recent, then the source key — so that
// the card depends on its records alone.
type survivor struct {
	priority func(string) int
}

func (s survivor) rank(members []*Stored, value func(*Stored) string) []*Stored {
	out := make([]*Stored, 0, len(members))
	for _, m := range members {
		if value == nil || value(m) != "" {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if pa, pb := s.priority(a.Source), s.priority(b.Source); pa != pb {
			return pa < pb
		}
		if value != nil {
			if qa, qb := quality(value(a)), quality(value(b)); qa != qb {
				return better(qa, qb)
			}
		}
		if ca, cb := completeness(a), completeness(b); ca != cb {
			return ca > cb
		}
		if ra, rb := recency(a), recency(b); ra != rb {
			return older(rb, ra)
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Key < b.Key
	})
	return out
}

// quality of a written value: words of two letters or more, letters,
// the letter ё, and not all in one case.
func quality(v string) [4]int {
	var q [4]int
	upper, lower := false, false
	for _, w := range strings.Fields(v) {
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
				upper = upper || unicode.IsUpper(r)
				lower = lower || unicode.IsLower(r)
			}
			if r == 'ё' || r == 'Ё' {
				q[2] = 1
			}
		}
		if n >= 2 {
			q[0]++
		}
		q[1] += n
	}
	if upper && lower {
		q[3] = 1
	}
	return q
}

func better(a, b [4]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

func completeness(s *Stored) int { return len(s.Fields) + len(s.Phones) + len(s.Emails) }

// recency: the run that wrote the record (this run is the latest), then its
// place in that run.
func recency(s *Stored) [2]int64 {
	run := s.Run
	if run == 0 {
		run = math.MaxInt64
	}
	return [2]int64{run, int64(s.Ord)}
}

// card builds the golden card of one customer from all its records.
func (s survivor) card(id string, members []*Stored) crmkit.Card {
	c := crmkit.Card{PersonalID: id}
	field := func(f string) func(*Stored) string { return func(m *Stored) string { return m.Fields[f] } }
	first := func(f string) string {
		if r := s.rank(members, field(f)); len(r) > 0 {
			return r[0].Fields[f]
		}
		return ""
	}
	// The name and its parts come from one record.
	if named := s.rank(members, field(crmkit.FieldName)); len(named) > 0 {
		n := named[0]
		c.Name, c.LastName, c.FirstName, c.MiddleName = n.Fields[crmkit.FieldName], n.Fields[crmkit.FieldLastName], n.Fields[crmkit.FieldFirstName], n.Fields[crmkit.FieldMiddleName]
		c.Kind = n.Kind
	}
	if c.Kind == crmkit.KindUnknown {
		for _, m := range s.rank(members, func(m *Stored) string { return string(m.Kind) }) {
			c.Kind = m.Kind
			break
		}
	}
	c.OrgName = first(crmkit.FieldOrgName)
	if c.OrgName == "" && c.Kind == crmkit.KindOrganization {
		c.OrgName = c.Name
	}
	if c.Name == "" {
		c.Name = c.OrgName
	}
	c.LegalForm = first(crmkit.FieldLegalForm)
	c.INN = first(crmkit.FieldINN)
	c.KPP = first(crmkit.FieldKPP)
	c.Address = first(crmkit.FieldAddress)
	c.City = first(crmkit.FieldCity)
	c.Revenue = sumRevenue(members)
	seen := map[crmkit.ContactPoint]bool{}
	add := func(cp crmkit.ContactPoint) {
		k := cp
		k.Source = ""
		if !seen[k] {
			seen[k] = true
			c.ContactPoints = append(c.ContactPoints, cp)
		}
	}
	for _, m := range s.rank(members, nil) {
		for _, p := range m.Phones {
			add(crmkit.ContactPoint{Type: crmkit.ContactPhone, Value: p.E164, Extension: p.Extension, Source: m.Source})
		}
		for _, e := range m.Emails {
			add(crmkit.ContactPoint{Type: crmkit.ContactEmail, Value: e, Source: m.Source})
		}
	}
	return c
}

// sumRevenue adds the cleansed amounts of a customer's records — each
// source record once, however often it was read — in cents so that sums of
// decimals stay exact.
func sumRevenue(members []*Stored) string {
	var cents int64
	any := false
	for _, m := range members {
		v := m.Fields[crmkit.FieldRevenue]
		if v == "" {
			continue
		}
		neg := strings.HasPrefix(v, "-")
		whole, frac, _ := strings.Cut(strings.TrimPrefix(v, "-"), ".")
		frac = (frac + "00")[:2]
		n, err1 := strconv.ParseInt(whole, 10, 64)
		f, err2 := strconv.ParseInt(frac, 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if neg {
			n, f = -n, -f
		}
		cents += n*100 + f
		any = true
	}
	if !any {
		return ""
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	out := sign + strconv.FormatInt(cents/100, 10)
	if c := cents % 100; c != 0 {
		out += strings.TrimRight(fmt.Sprintf(".%02d", c), "0")
	}
	return out
}
