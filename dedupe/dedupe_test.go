package dedupe

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

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

// result is a files-only run, by record index.
type result struct {
	IDs      []string
	Review   []ReviewPair
	Clusters int
	Demoted  map[string]int
	Cards    []crmkit.Card
}

func run(t *testing.T, recs []crmkit.Record, decisions []crmkit.Decision, prio func(string) int) result {
	t.Helper()
	plan, err := Resolve(context.Background(), nil, Input{Records: recs, Decisions: decisions}, Config{}, Options{NewID: counter(), Priority: prio})
	if err != nil {
		t.Fatal(err)
	}
	id := map[crmkit.SourceKey]string{}
	for _, l := range plan.Links() {
		id[crmkit.SourceKey{Source: l.Source, Key: l.SourceKey}] = l.PersonalID
	}
	res := result{Review: plan.Review, Clusters: len(plan.Cards), Demoted: plan.Demoted, Cards: plan.Cards}
	for _, r := range recs {
		res.IDs = append(res.IDs, id[crmkit.SourceKey{Source: r.Source, Key: r.Key}])
	}
	return res
}

func assign(t *testing.T, recs []crmkit.Record) result {
	t.Helper()
	return run(t, recs, nil, nil)
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
	res := assign(t, recs)
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
		if p.A.Key == "3" && (p.B.Key == "4" || p.B.Key == "5") {
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
		res := assign(t, pair[:])
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
	res := assign(t, recs)
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
	res := assign(t, recs)
	if res.IDs[0] == res.IDs[2] {
		t.Errorf("two groups joined through a weak bridge: %v", res.IDs)
	}
	if res.IDs[0] != res.IDs[1] || res.IDs[2] != res.IDs[3] {
		t.Errorf("dense groups split: %v", res.IDs)
	}
}

// A source key read twice is one record: its last sighting wins.
func TestSameSourceKeyIsOneRecord(t *testing.T) {
	recs := []crmkit.Record{org("7", "Альфа", "inn=7707083893"), org("7", "Бета")}
	res := assign(t, recs)
	if res.IDs[0] != res.IDs[1] || res.Clusters != 1 || res.Cards[0].INN != "" {
		t.Errorf("one source key: ids %v, cards %+v", res.IDs, res.Cards)
	}
}

func TestCardsSurvivorship(t *testing.T) {
	r1 := crmkit.Record{Source: "site", Key: "1", Kind: crmkit.KindOrganization, Fields: map[string]string{"name": "Ромашка", "city": "Москва"},
		Phones: []crmkit.Phone{{E164: "+79161234567"}}, Emails: []string{"info@romashka.ru"}}
	r2 := crmkit.Record{Source: "1c", Key: "2", Fields: map[string]string{"name": "ООО «Ромашка»", "inn": "7707083893"},
		Phones: []crmkit.Phone{{E164: "+79161234567"}, {E164: "+74951234567", Extension: "12"}}}
	prio := map[string]int{"1c": 1, "site": 2}
	same := []crmkit.Decision{{A: crmkit.SourceKey{Source: "site", Key: "1"}, B: crmkit.SourceKey{Source: "1c", Key: "2"}, Same: true}}
	cards := run(t, []crmkit.Record{r1, r2}, same, func(s string) int { return prio[s] }).Cards
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
	res := run(t, recs, decisions, nil)
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
	a := crmkit.Record{Source: "crm", Key: "a", Fields: map[string]string{"name": "Ромашка", "revenue": "1000.5"}}
	b := crmkit.Record{Source: "crm", Key: "b", Fields: map[string]string{"name": "ООО «Ромашка»", "city": "Москва", "revenue": "-0.25"}}
	c := crmkit.Record{Source: "crm", Key: "c", Fields: map[string]string{"name": "Ромашка ООО", "revenue": "99.75"}}
	sk := func(k string) crmkit.SourceKey { return crmkit.SourceKey{Source: "crm", Key: k} }
	same := []crmkit.Decision{{A: sk("a"), B: sk("b"), Same: true}, {A: sk("b"), B: sk("c"), Same: true}}
	cards := run(t, []crmkit.Record{a, b, c}, same, nil).Cards
	if cards[0].Name != "ООО «Ромашка»" || cards[0].Revenue != "1100" {
		t.Errorf("card %+v: want the most complete record's name and revenue 1000.5-0.25+99.75 = 1100", cards[0])
	}
}

// A common name pairs nobody on its own: past max_key_share holders with
// the hand-set weights, past twice that with a model; a phone is demoted
// up to four times max_key_share and ignored past it.
func TestKeyClassOfCommonNames(t *testing.T) {
	fixed := Config{}.WithDefaults()
	learned := fixed
	learned.Model = &Params{}
	for _, c := range []struct {
		key  string
		n    int
		cfg  Config
		want int
	}{
		{"name:иванов иван", 10, fixed, classPaired},
		{"name:иванов иван", 11, fixed, classIgnored},
		{"name:иванов иван", 10, learned, classPaired},
		{"name:иванов иван", 11, learned, classDemoted},
		{"name:иванов иван", 20, learned, classDemoted},
		{"name:иванов иван", 21, learned, classIgnored},
		{"tok:иван иванов", 21, learned, classIgnored},
		{"phone:+74951234567", 21, learned, classDemoted},
		{"phone:+74951234567", 40, fixed, classDemoted},
		{"phone:+74951234567", 41, learned, classIgnored},
	} {
		if got := keyClass(c.key, c.n, c.cfg); got != c.want {
			t.Errorf("keyClass(%q, %d, model %v) = %d, want %d", c.key, c.n, c.cfg.Model != nil, got, c.want)
		}
	}
}

// ASCII text is compared byte by byte, without making runes: the same
// answers as rune by rune.
func TestRatioOfASCIIAsBytes(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, rnd.IntN(12))
		for i := range b {
			b[i] = "abcde.@1"[rnd.IntN(8)]
		}
		return string(b)
	}
	for range 20000 {
		a, b := word(), word()
		for _, th := range []float64{0.5, 0.75, 0.8, 0.85} {
			want := a == b && a != "" || a != b && ratioRunesAtLeast([]rune(a), []rune(b), th)
			if got := ratioAtLeast(a, b, th); got != want {
				t.Fatalf("ratioAtLeast(%q, %q, %v) = %v, rune by rune %v", a, b, th, got, want)
			}
		}
	}
}
