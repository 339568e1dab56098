package dedupe

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmkit/crmkit"
)

// history is an in-memory Existing.
type history struct {
	links map[crmkit.SourceKey]string
	keys  map[string][]string
}

func (h history) LinkedIDs(_ context.Context, sks []crmkit.SourceKey) (map[crmkit.SourceKey]string, error) {
	out := map[crmkit.SourceKey]string{}
	for _, sk := range sks {
		if id, ok := h.links[sk]; ok {
			out[sk] = id
		}
	}
	return out, nil
}

func (h history) IDsByMatchKey(_ context.Context, keys []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, k := range keys {
		if ids, ok := h.keys[k]; ok {
			out[k] = ids
		}
	}
	return out, nil
}

func counter() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("new-%d", n) }
}

func rec(source, key string, keys ...string) crmkit.Record {
	return crmkit.Record{Source: source, Key: key, MatchKeys: keys, Fields: map[string]string{}}
}

func TestAssignExactKeys(t *testing.T) {
	recs := []crmkit.Record{
		rec("a", "1", "phone:+79161234567"),
		rec("b", "x", "email:ivan@mail.ru", "phone:+79161234567"),
		rec("b", "y", "email:ivan@mail.ru"), // joins through the e-mail: a chain of exact keys
		rec("a", "2", "inn:7707083893"),     // another customer
		rec("a", "3"),                       // no keys at all
		rec("a", "2", "phone:+74951112233"), // the same source key again
	}
	res, err := Assign(context.Background(), recs, nil, counter())
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs[0] != res.IDs[1] || res.IDs[1] != res.IDs[2] {
		t.Errorf("records sharing phone/e-mail split: %v", res.IDs)
	}
	if res.IDs[3] == res.IDs[0] || res.IDs[4] == res.IDs[0] || res.IDs[4] == res.IDs[3] {
		t.Errorf("distinct customers merged: %v", res.IDs)
	}
	if res.IDs[5] != res.IDs[3] {
		t.Errorf("one source key got two IDs: %v", res.IDs)
	}
	if res.Clusters != 3 || res.Merged != 3 || len(res.New) != 3 || res.Matched != 0 {
		t.Errorf("counts: clusters %d merged %d new %d matched %d", res.Clusters, res.Merged, len(res.New), res.Matched)
	}
}

func TestAssignReusesAndMergesStoredIDs(t *testing.T) {
	old1 := "0190a000-0000-7000-8000-000000000001"
	old2 := "0190b000-0000-7000-8000-000000000002"
	h := history{
		links: map[crmkit.SourceKey]string{{Source: "a", Key: "1"}: old2},
		keys:  map[string][]string{"inn:7707083893": {old1}},
	}
	recs := []crmkit.Record{
		rec("a", "1", "phone:+79161234567"),                   // linked to old2
		rec("c", "9", "phone:+79161234567", "inn:7707083893"), // bridges old2 and old1
		rec("c", "10", "email:new@firm.ru"),                   // new customer
	}
	res, err := Assign(context.Background(), recs, h, counter())
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs[0] != old1 || res.IDs[1] != old1 {
		t.Errorf("the oldest stored ID must survive: %v", res.IDs)
	}
	if res.Aliases[old2] != old1 || len(res.Aliases) != 1 {
		t.Errorf("aliases %v, want %s → %s", res.Aliases, old2, old1)
	}
	if res.IDs[2] != "new-1" || !res.New["new-1"] || res.Matched != 1 {
		t.Errorf("new customer: ids %v new %v matched %d", res.IDs, res.New, res.Matched)
	}
}

func TestCardsSurvivorship(t *testing.T) {
	r1 := crmkit.Record{Source: "site", Kind: crmkit.KindOrganization, Fields: map[string]string{"name": "Ромашка", "city": "Москва"},
		Phones: []crmkit.Phone{{E164: "+79161234567"}}, Emails: []string{"info@romashka.ru"}}
	r2 := crmkit.Record{Source: "1c", Fields: map[string]string{"name": "ООО «Ромашка»", "inn": "7707083893"},
		Phones: []crmkit.Phone{{E164: "+79161234567"}, {E164: "+74951234567", Extension: "12"}}}
	prio := map[string]int{"1c": 1, "site": 2}
	cards := Cards([]crmkit.Record{r1, r2}, []string{"P", "P"}, func(s string) int { return prio[s] })
	if len(cards) != 1 {
		t.Fatalf("cards %+v", cards)
	}
	c := cards[0]
	if c.Name != "ООО «Ромашка»" || c.INN != "7707083893" || c.City != "Москва" || c.Kind != crmkit.KindOrganization || c.OrgName != c.Name {
		t.Errorf("card %+v", c)
	}
	if len(c.ContactPoints) != 3 || c.ContactPoints[0].Source != "1c" || c.ContactPoints[1].Extension != "12" {
		t.Errorf("contact points %+v", c.ContactPoints)
	}
}
