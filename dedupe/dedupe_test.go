package dedupe

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

// history is an in-memory Existing.
type history struct {
	links map[crmkit.SourceKey]string
	keys  map[string][]string
}

func (h history) Decisions(context.Context) ([]crmkit.Decision, error) { return nil, nil }

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

// person and org make cleansed records the way normalize leaves them.
func person(key, last, first, middle string, extra ...string) crmkit.Record {
	full := strings.TrimSpace(last + " " + first + " " + middle)
	r := crmkit.Record{Source: "s", Key: key, Kind: crmkit.KindPerson, Fields: map[string]string{
		"name": full, "last_name": last, "first_name": first, "middle_name": middle}}
	r.NameKey = strings.ToLower(full)
	r.InitialsKey = strings.ToLower(last) + " " + strings.ToLower(string([]rune(first)[:1]))
	return with(r, extra...)
}

func org(key, core string, extra ...string) crmkit.Record {
	r := crmkit.Record{Source: "s", Key: key, Kind: crmkit.KindOrganization, Fields: map[string]string{"name": "ООО «" + core + "»"}}
	r.NameKey = strings.ToLower(core)
	return with(r, extra...)
}

// with adds "phone=+7…", "email=…", "inn=…", "birth_date=…", "kpp=…", "city=…".
func with(r crmkit.Record, extra ...string) crmkit.Record {
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		switch k {
		case "phone":
			r.Phones = append(r.Phones, crmkit.Phone{E164: v})
			r.MatchKeys = append(r.MatchKeys, "phone:"+v)
		case "email":
			r.Emails = append(r.Emails, v)
			if !normalize.IsRoleEmail(v) {
				r.MatchKeys = append(r.MatchKeys, "email:"+v)
			}
		case "inn":
			r.Fields[k] = v
			r.MatchKeys = append(r.MatchKeys, "inn:"+v)
		default:
			r.Fields[k] = v
		}
	}
	return r
}

func assign(t *testing.T, recs []crmkit.Record, h Existing) Result {
	t.Helper()
	res, err := Assign(context.Background(), recs, h, counter(), Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestFuzzyMatches(t *testing.T) {
	recs := []crmkit.Record{
		person("1", "Иванов", "Иван", "Иванович", "phone=+79161234567"),
		person("2", "Иванов", "И.", "И.", "phone=+79161234567"), // initials, same mobile
		org("3", "Ромашка", "inn=7707083893"),
		org("4", "Ромашка", "email=info@romashka.example", "phone=+74951112233"), // no INN, same name
		org("5", "romashka", "phone=+74951112233"),                               // Latin
		person("6", "Петров", "Пётр", "", "email=petrov@mail.example"),
		person("7", "Петров", "Пётр", "", "email=petrov@mail.example", "birth_date=1980-01-01"),
		person("8", "Сидоров", "Олег", "", "phone=+79990000000"),
	}
	res := assign(t, recs, nil)
	same := func(a, b int) bool { return res.IDs[a] == res.IDs[b] }
	if !same(0, 1) || !same(3, 4) || !same(5, 6) {
		t.Errorf("duplicates not merged: %v", res.IDs)
	}
	if same(0, 7) || same(0, 2) {
		t.Errorf("different customers merged: %v", res.IDs)
	}
	// "Ромашка" with an INN and "Ромашка" without: one name, no shared key but the name — a review pair, not a merge.
	if same(2, 3) {
		t.Errorf("a name alone merged two organisations")
	}
	found := false
	for _, p := range res.Review {
		if (p.A == 2 && p.B == 3) || (p.A == 2 && p.B == 4) {
			found = true
			if !strings.Contains(p.Explanation(), "name") {
				t.Errorf("explanation %q", p.Explanation())
			}
		}
	}
	if !found {
		t.Errorf("name-only pair not in review: %+v", res.Review)
	}
}

func TestVetoes(t *testing.T) {
	tests := map[string][2]crmkit.Record{
		"two valid INNs": {org("1", "Вектор", "inn=7707083893", "phone=+74951234567"), org("2", "Вектор", "inn=7830002293", "phone=+74951234567")},
		"birth dates":    {person("1", "Иванов", "Иван", "Иванович", "birth_date=1980-01-01", "phone=+79161234567"), person("2", "Иванов", "Иван", "Иванович", "birth_date=1990-05-05", "phone=+79161234567")},
		"person vs org":  {person("1", "Иванов", "Иван", "", "phone=+79161234567", "email=ivan@mail.example"), org("2", "Иванов", "phone=+79161234567", "email=ivan@mail.example")},
	}
	for name, pair := range tests {
		res := assign(t, pair[:], nil)
		if res.IDs[0] == res.IDs[1] {
			t.Errorf("%s: merged", name)
		}
		c := Compare(&pair[0], &pair[1], Config{}, keyShare{})
		if c.Veto == "" {
			t.Errorf("%s: no veto: %s", name, c.Explanation())
		}
	}
	// Branches kept apart only when configured.
	a, b := org("1", "Вектор", "inn=7707083893", "kpp=773601001"), org("2", "Вектор", "inn=7707083893", "kpp=773602001")
	if c := Compare(&a, &b, Config{KeepBranches: true}, keyShare{}); c.Veto == "" {
		t.Errorf("branches: no veto")
	}
	if c := Compare(&a, &b, Config{}, keyShare{}); c.Veto != "" || c.Score < 6 {
		t.Errorf("one INN without keep_branches: %s", c.Explanation())
	}
}

// A switchboard shared by a whole company never makes a match on its own.
func TestSharedKeyDemoted(t *testing.T) {
	var recs []crmkit.Record
	names := []string{"Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов"}
	for i, n := range names {
		recs = append(recs, person(fmt.Sprint(i), n, "Андрей", "", "phone=+74950000000"))
	}
	res := assign(t, recs, nil)
	if res.Clusters != len(names) {
		t.Errorf("%d clusters, want %d: a shared switchboard merged people", res.Clusters, len(names))
	}
	if res.Demoted["phone:+74950000000"] != len(names) {
		t.Errorf("demoted keys %v", res.Demoted)
	}
	c := Compare(&recs[0], &recs[1], Config{}, keyShare{"phone:+74950000000": 12})
	if !strings.Contains(c.Explanation(), "phone shared by 12 records: demoted +1.5") || c.Score >= 6 {
		t.Errorf("explanation %q", c.Explanation())
	}
}

// Two groups of one customer each, joined by one weak link, stay apart.
func TestWeakBridgeSplit(t *testing.T) {
	recs := []crmkit.Record{
		person("a1", "Орлов", "Павел", "Игоревич", "phone=+79160000001", "email=orlov@mail.example"),
		person("a2", "Орлов", "Павел", "Игоревич", "phone=+79160000001", "email=orlov@mail.example"),
		person("b1", "Орлова", "Пелагея", "", "phone=+79160000002", "email=orlova@mail.example"),
		person("b2", "Орлова", "Пелагея", "", "phone=+79160000002", "email=orlova@mail.example"),
		// The bridge: a shared home phone and a similar surname — above the merge threshold, not strong.
		person("x1", "Орлов", "П.", "", "phone=+79160000001", "phone=+79160000009"),
		person("x2", "Орлова", "П.", "", "phone=+79160000002", "phone=+79160000009"),
	}
	res := assign(t, recs, nil)
	if res.IDs[0] == res.IDs[2] {
		t.Errorf("two groups joined through a weak bridge: %v", res.IDs)
	}
	if res.IDs[0] != res.IDs[1] || res.IDs[2] != res.IDs[3] {
		t.Errorf("dense groups split: %v", res.IDs)
	}
}

func TestAssignReusesAndMergesStoredIDs(t *testing.T) {
	old1 := "0190a000-0000-7000-8000-000000000001"
	old2 := "0190b000-0000-7000-8000-000000000002"
	h := history{
		links: map[crmkit.SourceKey]string{{Source: "s", Key: "1"}: old2},
		keys:  map[string][]string{"inn:7707083893": {old1}},
	}
	recs := []crmkit.Record{
		org("1", "Ромашка", "phone=+79161234567"),                   // linked to old2
		org("9", "Ромашка", "phone=+79161234567", "inn=7707083893"), // bridges old2 and old1
		person("10", "Новиков", "Олег", "", "email=new@firm.example"),
	}
	res := assign(t, recs, h)
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

func TestSameSourceKeyIsOneCustomer(t *testing.T) {
	recs := []crmkit.Record{org("7", "Альфа", "inn=7707083893"), org("7", "Бета")}
	if res := assign(t, recs, nil); res.IDs[0] != res.IDs[1] {
		t.Errorf("one source key got two IDs: %v", res.IDs)
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

func TestDecisionsWin(t *testing.T) {
	recs := []crmkit.Record{
		person("1", "Иванов", "Иван", "Иванович", "phone=+79161234567", "email=ivan@mail.example"),
		person("2", "Иванов", "Иван", "Иванович", "phone=+79161234567", "email=ivan@mail.example"),
		org("3", "Альфа", "phone=+74950000001"),
		org("4", "Бета", "phone=+74950000002"),
	}
	sk := func(k string) crmkit.SourceKey { return crmkit.SourceKey{Source: "s", Key: k} }
	decisions := []crmkit.Decision{{A: sk("1"), B: sk("2"), Same: false}, {A: sk("3"), B: sk("4"), Same: true}}
	res, err := Assign(context.Background(), recs, nil, counter(), Config{}, decisions)
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs[0] == res.IDs[1] {
		t.Errorf("cannot-link ignored: %v", res.IDs)
	}
	if res.IDs[2] != res.IDs[3] {
		t.Errorf("must-link ignored: %v", res.IDs)
	}
	if len(res.Review) != 0 {
		t.Errorf("decided pairs asked again: %+v", res.Review)
	}
}

func TestSurvivorshipCompletenessAndRevenue(t *testing.T) {
	a := crmkit.Record{Source: "crm", Fields: map[string]string{"name": "Ромашка", "revenue": "1000.5"}}
	b := crmkit.Record{Source: "crm", Fields: map[string]string{"name": "ООО «Ромашка»", "city": "Москва", "revenue": "-0.25"}}
	c := crmkit.Record{Source: "crm", Fields: map[string]string{"name": "Ромашка ООО", "revenue": "99.75"}}
	cards := Cards([]crmkit.Record{a, b, c}, []string{"P", "P", "P"}, func(string) int { return 1 })
	if cards[0].Name != "ООО «Ромашка»" || cards[0].Revenue != "1100" {
		t.Errorf("card %+v: want the most complete record's name and revenue 1000.5-0.25+99.75 = 1100", cards[0])
	}
}
