package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
)

// testCustomersView: the customers view says what the cards say, one row
// per customer, with its contacts, organisation, revenue and source count.
func testCustomersView(t *testing.T, open Opener) {
	s := open(t, 0)
	importRecords(t, s, []crmkit.Record{
		clean("1c", "o1", 2, "name=ООО «Альфа»", "inn=7707083893", "phone=+74950000001 доб. 12", "email=info@alfa.example", "revenue=1500.50"),
		clean("crm", "o2", 3, "name=Альфа ООО", "inn=7707083893", "revenue=100"),
		clean("crm", "p1", 4, "name=Иванов Иван Иванович", "org=ООО «Альфа»", "phone=+79161234567", "email=ivanov@alfa.example"),
		clean("crm", "p2", 5, "name=Петрова Мария", "email=petrova@mail.example"),
	}, nil)
	ctx := context.Background()
	cards := map[string]crmkit.Card{}
	for _, c := range collect(t, s.Cards(ctx)) {
		cards[c.PersonalID] = c
	}
	sources := map[string]int{}
	for _, l := range collect(t, s.Links(ctx)) {
		sources[l.PersonalID]++
	}
	rows := collect(t, s.Customers(ctx))
	if len(rows) != len(cards) || len(cards) != 3 {
		t.Fatalf("customers view: %d rows for %d cards, want 3", len(rows), len(cards))
	}
	withOrg := 0
	for _, r := range rows {
		c, ok := cards[r.PersonalID]
		if !ok {
			t.Errorf("view row %s has no card", r.PersonalID)
			continue
		}
		org := ""
		if c.OrgID != "" {
			org = cards[c.OrgID].Name
			withOrg++
		}
		var rev *float64
		if c.Revenue != "" {
			v, err := strconv.ParseFloat(c.Revenue, 64)
			if err != nil {
				t.Fatalf("card revenue %q: %v", c.Revenue, err)
			}
			rev = &v
		}
		if r.Kind != string(c.Kind) || r.Name != c.Name || r.Organization != org || r.ABCClass != c.ABCClass ||
			r.Phones != strings.Join(c.PhoneList(), "; ") || r.Emails != strings.Join(c.EmailList(), "; ") ||
			(r.Revenue == nil) != (rev == nil) || rev != nil && *r.Revenue != *rev || r.SourceRecords != sources[c.PersonalID] {
			t.Errorf("view row %+v (revenue %v)\nfor card %+v (revenue %v, %d sources)", r, r.Revenue, c, rev, sources[c.PersonalID])
		}
	}
	if withOrg != 1 {
		t.Errorf("%d customers with an organisation, want the contact person's 1", withOrg)
	}
}
