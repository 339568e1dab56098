package dedupe

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
)

// Cards builds the golden card of every personal ID from its records. For
// each field the value of the most trusted source wins (lower priority
// first), then the earlier record; every distinct phone and e-mail is kept
// as a contact point with the source that gave it first. Cards come back in
// the order their IDs first appear in ids.
func Cards(recs []crmkit.Record, ids []string, priority func(source string) int) []crmkit.Card {
	byID := map[string][]int{}
	var order []string
	for i, id := range ids {
		if _, ok := byID[id]; !ok {
			order = append(order, id)
		}
		byID[id] = append(byID[id], i)
	}
	// Organisations by source key and by name key, for contact persons.
	orgBySource, orgByName := map[crmkit.SourceKey]string{}, map[string]string{}
	for i, r := range recs {
		if r.Kind == crmkit.KindOrganization {
			orgBySource[crmkit.SourceKey{Source: r.Source, Key: r.Key}] = ids[i]
			if r.NameKey != "" {
				orgByName[r.NameKey] = ids[i]
			}
		}
	}
	cards := make([]crmkit.Card, 0, len(order))
	for _, id := range order {
		members := byID[id]
		// The most trusted source first; among equals, the most complete
		// record; then the later one (a later row of a later file).
		sort.SliceStable(members, func(a, b int) bool {
			ra, rb := &recs[members[a]], &recs[members[b]]
			if pa, pb := priority(ra.Source), priority(rb.Source); pa != pb {
				return pa < pb
			}
			if ca, cb := len(ra.Fields), len(rb.Fields); ca != cb {
				return ca > cb
			}
			return members[a] > members[b]
		})
		c := card(id, recs, members)
		for _, i := range members {
			r := &recs[i]
			if r.Kind != crmkit.KindContactPerson && r.OrgKey == "" {
				continue
			}
			if org := orgBySource[crmkit.SourceKey{Source: r.Source, Key: r.Extra["org_key"]}]; org != "" && org != id {
				c.OrgID = org
				break
			}
			if org := orgByName[r.OrgKey]; org != "" && org != id {
				c.OrgID = org
				break
			}
		}
		cards = append(cards, c)
	}
	return cards
}

func card(id string, recs []crmkit.Record, members []int) crmkit.Card {
	c := crmkit.Card{PersonalID: id}
	first := func(field string) string {
		for _, i := range members {
			if v := recs[i].Fields[field]; v != "" {
				return v
			}
		}
		return ""
	}
	for _, i := range members {
		if k := recs[i].Kind; k != crmkit.KindUnknown {
			c.Kind = k
			break
		}
	}
	c.Name = first(crmkit.FieldName)
	c.LastName = first(crmkit.FieldLastName)
	c.FirstName = first(crmkit.FieldFirstName)
	c.MiddleName = first(crmkit.FieldMiddleName)
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

	keys := map[string]bool{}
	for _, i := range members {
		for _, k := range recs[i].MatchKeys {
			if !keys[k] {
				keys[k] = true
				c.MatchKeys = append(c.MatchKeys, k)
			}
		}
	}
	c.Revenue = sumRevenue(recs, members)
	seen := map[crmkit.ContactPoint]bool{}
	add := func(cp crmkit.ContactPoint) {
		k := cp
		k.Source = ""
		if !seen[k] {
			seen[k] = true
			c.ContactPoints = append(c.ContactPoints, cp)
		}
	}
	for _, i := range members {
		for _, p := range recs[i].Phones {
			add(crmkit.ContactPoint{Type: crmkit.ContactPhone, Value: p.E164, Extension: p.Extension, Source: recs[i].Source})
		}
		for _, e := range recs[i].Emails {
			add(crmkit.ContactPoint{Type: crmkit.ContactEmail, Value: e, Source: recs[i].Source})
		}
	}
	return c
}

// sumRevenue adds the cleansed amounts of a customer's records, in cents so
// that sums of decimals stay exact.
func sumRevenue(recs []crmkit.Record, members []int) string {
	var cents int64
	any := false
	for _, i := range members {
		v := recs[i].Fields[crmkit.FieldRevenue]
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
