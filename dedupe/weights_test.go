package dedupe

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

func comparatorIndex(t *testing.T, name string) int {
	t.Helper()
	for i, c := range comparators {
		if c.name == name {
			return i
		}
	}
	t.Fatalf("no comparator %s", name)
	return -1
}

func cleaned(kind crmkit.Kind, fields ...string) *crmkit.Record {
	r := crmkit.Record{Source: "t", Key: "k", Kind: kind, Fields: map[string]string{}}
	for i := 0; i+1 < len(fields); i += 2 {
		r.Fields[fields[i]] = fields[i+1]
	}
	n, _ := normalize.Record(r, normalize.Options{Phone: normalize.PhoneOptions{Region: "RU"}})
	return &n
}

// Every level of every comparator, reached by a pair people would bring.
func TestComparisonLevels(t *testing.T) {
	p, o, u := crmkit.KindPerson, crmkit.KindOrganization, crmkit.KindUnknown
	name, last, first := crmkit.FieldName, crmkit.FieldLastName, crmkit.FieldFirstName
	cases := []struct {
		comp  string
		a, b  *crmkit.Record
		level int
	}{
		{"person_name", cleaned(p, name, "Иванов Иван Петрович"), cleaned(p, name, "ИВАНОВ ИВАН ПЕТРОВИЧ"), 0},
		{"person_name", cleaned(p, name, "Иванов Иван Петрович"), cleaned(p, name, "Ivanov Ivan Petrovich"), 1},
		{"person_name", cleaned(p, name, "Константинопольский Иван Петрович"), cleaned(p, name, "Константинопольскии Иван Петрович"), 2},
		{"person_name", cleaned(p, name, "Иванов Иван Петрович"), cleaned(p, name, "Иванов И. П."), 3},
		{"person_name", cleaned(p, name, "Смирнова Анна Сергеевна"), cleaned(p, name, "Кузнецова Анна Сергеевна"), 4},
		{"person_name", cleaned(p, name, "Иванов Иван Петрович"), cleaned(p, name, "Сидоров Пётр Олегович"), 5},
		{"person_name", cleaned(p, name, "Иванов Иван Петрович"), cleaned(p, crmkit.FieldCity, "Тверь"), Null},
		// Surname and given name in each other's columns, with a typo.
		{"person_name", cleaned(p, last, "Смирнова", first, "Анна"), cleaned(p, last, "Анна", first, "Смирнава"), 2},
		{"person_name", cleaned(p, last, "Blake", first, "Gillian"), cleaned(p, last, "Gillisn", first, "Blake"), 2},
		{"person_name", cleaned(p, name, "Петров Иван"), cleaned(p, name, "Петорв Иавн"), 2}, // a typo in both words of a short name
		{"person_name", cleaned(p, last, "Louca", first, "Emma"), cleaned(p, last, "Louac", first, "Emam"), 2},
		{"person_name", cleaned(p, name, "Фёдоров Николай"), cleaned(u, name, "Фёдоорв Нкиолай"), 2}, // a first name too mistyped to tell a person
		{"person_name", cleaned(p, name, "Смирнова Анна"), cleaned(p, name, "Анна"), 6},              // a part left out
		{"person_name", cleaned(p, last, "Weller", first, "Emmet"), cleaned(p, last, "Welller"), 6},
		{"person_name", cleaned(p, name, "Смирнова Анна"), cleaned(p, name, "Кузнецова Анна"), 7},
		{"person_name", cleaned(p, name, "Смирнова Анна Сергеевна"), cleaned(p, name, "Кузнецова Анна Петровна"), 5}, // two patronymics: two women
		{"person_name", cleaned(p, last, "Reid", first, "Brock"), cleaned(p, last, "Reid", first, "Rosie"), 8},
		{"person_name", cleaned(p, name, "Смирнов Иван Петрович"), cleaned(p, name, "Смирнов Сергей Петрович"), 5}, // brothers
		{"person_name", cleaned(p, name, "Сидоров Пётр Иванович"), cleaned(p, first, "Иван"), 5},                   // "Иван" is not "Иванович" cut short
		{"org_name", cleaned(o, name, "ООО «Ромашка»"), cleaned(o, name, "Ромашка ООО"), 0},
		{"org_name", cleaned(o, name, "ООО «Ромашка»"), cleaned(o, name, "Romashka LLC"), 1},
		{"org_name", cleaned(o, name, "ООО «Ромашка-Трейд»"), cleaned(o, name, "ООО «Ромашко-Трейд»"), 2},
		{"org_name", cleaned(o, name, "ООО «Ромашка Трейд Групп»"), cleaned(o, name, "ООО «Ромашка Трейд»"), 3},
		{"org_name", cleaned(o, name, "ООО «Ромашка»"), cleaned(o, name, "ООО «Вектор»"), 4},
		{"birth_date", cleaned(p, crmkit.FieldBirthDate, "12.05.1980"), cleaned(p, crmkit.FieldBirthDate, "1980-05-12"), 0},
		{"birth_date", cleaned(p, crmkit.FieldBirthDate, "03.05.1980"), cleaned(p, crmkit.FieldBirthDate, "05.03.1980"), 1},
		{"birth_date", cleaned(p, crmkit.FieldBirthDate, "12.05.1980"), cleaned(p, crmkit.FieldBirthDate, "12.05.1981"), 2},
		{"birth_date", cleaned(p, crmkit.FieldBirthDate, "09.04.1956"), cleaned(p, crmkit.FieldBirthDate, "09.04.1965"), 2}, // two digits swapped
		{"birth_date", cleaned(p, crmkit.FieldBirthDate, "12.05.1980"), cleaned(p, crmkit.FieldBirthDate, "27.11.1980"), 3},
		{"birth_date", cleaned(p, crmkit.FieldBirthDate, "12.05.1980"), cleaned(p, crmkit.FieldBirthDate, "27.11.1975"), 4},
		{"address", cleaned(p, crmkit.FieldAddress, "ул. Ленина, д. 5, кв. 12"), cleaned(p, crmkit.FieldAddress, "Ленина улица 5 квартира 12"), 0},
		{"address", cleaned(p, crmkit.FieldAddress, "г. Москва, ул. Ленина, д. 5, кв. 12"), cleaned(p, crmkit.FieldAddress, "ул. Ленина, д. 5, кв. 12"), 1},
		{"address", cleaned(p, crmkit.FieldAddress, "12 Miller Street Apartment 4"), cleaned(p, crmkit.FieldAddress, "12 Miler St"), 1}, // the flat left out, one typo
		{"address", cleaned(p, crmkit.FieldAddress, "12 Miller Street Apartment 4"), cleaned(p, crmkit.FieldAddress, "12 Miler St Apartment 9"), 2},
		{"address", cleaned(p, crmkit.FieldAddress, "ул. Ленина, д. 5"), cleaned(p, crmkit.FieldAddress, "пр. Мира, д. 17"), 3},
		{"address", cleaned(p, crmkit.FieldAddress, "14 Rene Street"), cleaned(p, crmkit.FieldAddress, "14 Renestreet"), 0}, // the space left out
		{"address", cleaned(p, crmkit.FieldAddress, "Ленина улица, д. 5"), cleaned(p, crmkit.FieldAddress, "Ленинаулица, д. 5"), 0},
		{"org_name", cleaned(u, name, "The Art's Café & Grill"), cleaned(u, name, "Arts Cafe and Grill"), 0},
		{"org_name", cleaned(u, name, "Hotel Bel-Air"), cleaned(u, name, "Bel-Air Hotel"), 1},
		{"org_name", cleaned(u, name, "Little Acorn Learning Center"), cleaned(u, name, "Litle Acorn Learning Center"), 2},
		{"org_name", cleaned(u, name, "Haddad's Diner"), cleaned(u, name, "Haddad's Diner - Downtown"), 3},
		{"org_name", cleaned(u, name, "Little Spoon Learning Center"), cleaned(u, name, "Urban Acorn Learning Center"), 4},
		{"org_name", cleaned(u, name, "Silver Acorn Learning Center"), cleaned(u, name, "Silver Lotus Learning Center"), 4}, // a word changed: another name
		{"org_name", cleaned(u, name, "Fork & Garden Delicatessen"), cleaned(u, name, "Fork and Garden Deli #2"), 3},
		{"org_name", cleaned(u, name, "Royal Lotus Learning Ctr."), cleaned(u, name, "Royal Lotus Learning Center (Midtown)"), 3},
		{"org_name", cleaned(u, name, "Bear & Onion Grill"), cleaned(u, name, "Bear & Bear Bakery"), 4}, // "bear" twice in one is one word in common
		{"org_name", cleaned(o, name, "ООО «Торговый дом Север»"), cleaned(u, name, "ТД Север"), 0},
		{"org_name", cleaned(u, name, "Art's Deli"), cleaned(p, name, "Иванов Иван Петрович"), Null},
		{"address", cleaned(o, crmkit.FieldAddress, "435 S. La Cienega Blvd."), cleaned(o, crmkit.FieldAddress, "435 South La Cienega Blv"), 0},
		{"address", cleaned(o, crmkit.FieldAddress, "996 Spring Rd. Suite 396"), cleaned(o, crmkit.FieldAddress, "996 Spring Road"), 1},
		{"address", cleaned(o, crmkit.FieldAddress, "6394 Lincoln Rd."), cleaned(o, crmkit.FieldAddress, "6394 Linclon Rd."), 1},
		{"address", cleaned(o, crmkit.FieldAddress, "ул. Ленина, д. 5"), cleaned(o, crmkit.FieldAddress, "улица Ленина, дом 7"), 2},                // another house of the street
		{"address", cleaned(o, crmkit.FieldAddress, "Oak Tree Mall, 5 Main St."), cleaned(o, crmkit.FieldAddress, "Oak Tree Mall, 7 Main St."), 2}, // no number in common
		{"address", cleaned(o, crmkit.FieldAddress, "12 Main St. Suite 4"), cleaned(o, crmkit.FieldAddress, "250 Main St. Suite 40"), 3},
		{"address", cleaned(o, crmkit.FieldAddress, "ул. Ленина, д. 5", crmkit.FieldCity, "Тверь"), cleaned(o, crmkit.FieldAddress, "г. Тверь, ул. Ленина, д. 5", crmkit.FieldCity, "г. Тверь"), 0},
		{"city", cleaned(p, crmkit.FieldCity, "Тверь"), cleaned(p, crmkit.FieldCity, "ТВЕРЬ"), 0},
		{"city", cleaned(p, crmkit.FieldCity, "г. Тверь"), cleaned(p, crmkit.FieldCity, "Тверь"), 0},
		{"city", cleaned(p, crmkit.FieldCity, "W. Hollywood"), cleaned(p, crmkit.FieldCity, "West Hollywood"), 0},
		{"city", cleaned(p, crmkit.FieldCity, "St. Louis"), cleaned(p, crmkit.FieldCity, "Saint Louis"), 0},
		{"city", cleaned(p, crmkit.FieldCity, "New York City"), cleaned(p, crmkit.FieldCity, "New York"), 0},
		{"city", cleaned(p, crmkit.FieldCity, "Екатеринбург"), cleaned(p, crmkit.FieldCity, "Екатеринбур"), 1},
		{"city", cleaned(p, crmkit.FieldCity, "Тверь"), cleaned(p, crmkit.FieldCity, "Москва"), 2},
		{"inn", cleaned(o, crmkit.FieldINN, "7707083893"), cleaned(o, crmkit.FieldINN, "7707083893"), 0},
		{"inn", cleaned(o, crmkit.FieldINN, "7707083893"), cleaned(o, crmkit.FieldINN, "7736012343"), 1},
		{"phone", cleaned(p, crmkit.FieldPhone, "8 (916) 123-45-67"), cleaned(p, crmkit.FieldPhone, "+7 916 1234567, 8 495 000 00 01"), 0},
		{"phone", cleaned(p, crmkit.FieldPhone, "8 (916) 123-45-67"), cleaned(p, crmkit.FieldPhone, "+7 916 1234568"), 1},
		{"email", cleaned(p, crmkit.FieldEmail, "Ivan@Mail.example"), cleaned(p, crmkit.FieldEmail, "ivan@mail.example"), 0},
		{"email", cleaned(p, crmkit.FieldEmail, "ivan.petrov@mail.example"), cleaned(p, crmkit.FieldEmail, "ivan.petorv@mail.example"), 1},
		{"email", cleaned(p, crmkit.FieldEmail, "ivan@mail.example"), cleaned(p, crmkit.FieldEmail, "petr@yandex.example"), 2},
	}
	for _, c := range cases {
		i := comparatorIndex(t, c.comp)
		got, _ := comparators[i].compare(prepare(c.a), prepare(c.b))
		if got != c.level {
			t.Errorf("%s %v | %v: level %d, want %d", c.comp, c.a.Fields, c.b.Fields, got, c.level)
		}
		if back, _ := comparators[i].compare(prepare(c.b), prepare(c.a)); back != got {
			t.Errorf("%s %v | %v: level %d one way, %d the other", c.comp, c.a.Fields, c.b.Fields, got, back)
		}
	}
}

// EM recovers the λ and m of a mixture it was built from, given u.
func TestEMRecoversKnownMixture(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	wantLambda := 0.2
	m, u := map[string][]float64{}, map[string][]float64{}
	for _, c := range comparators {
		n := len(c.levels)
		mm, uu := make([]float64, n), make([]float64, n)
		for l := range n { // matches agree mostly, non-matches mostly differ
			mm[l] = math.Exp2(-float64(2*l + 1))
			uu[l] = math.Exp2(-float64(2*(n-1-l) + 1))
		}
		m[c.name], u[c.name] = normaliseSum(mm), normaliseSum(uu)
	}
	draw := func(p []float64) int8 {
		x := rnd.Float64()
		for l, q := range p {
			if x < q {
				return int8(l)
			}
			x -= q
		}
		return int8(len(p) - 1)
	}
	var vectors []Vector
	for range 40000 {
		match := rnd.Float64() < wantLambda
		v := make(Vector, len(comparators))
		for i, c := range comparators {
			switch {
			case rnd.IntN(5) == 0:
				v[i] = Null // a field missing on one side
			case match:
				v[i] = draw(m[c.name])
			default:
				v[i] = draw(u[c.name])
			}
		}
		vectors = append(vectors, v)
	}
	// u starts from an even spread, as far from the truth as random pairs
	// are from candidate pairs.
	start := map[string][]float64{}
	for _, c := range comparators {
		start[c.name] = normalise(nil, len(c.levels), false)
	}
	lambda, gotM, gotU := EM(vectors, start)
	if math.Abs(lambda-wantLambda) > 0.01 {
		t.Errorf("λ %.4f, want %.2f", lambda, wantLambda)
	}
	for _, c := range comparators {
		for l := range c.levels {
			if d := math.Abs(gotM[c.name][l] - m[c.name][l]); d > 0.02 {
				t.Errorf("m[%s][%d] = %.4f, want %.4f", c.name, l, gotM[c.name][l], m[c.name][l])
			}
			if d := math.Abs(gotU[c.name][l] - u[c.name][l]); d > 0.02 {
				t.Errorf("u[%s][%d] = %.4f, want %.4f", c.name, l, gotU[c.name][l], u[c.name][l])
			}
		}
	}
}

func normaliseSum(p []float64) []float64 {
	s := 0.0
	for _, x := range p {
		s += x
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// An exact match on a rare name weighs more than on a common one, and
// both weigh what m over the value's frequency says.
func TestTermFrequencyAdjustment(t *testing.T) {
	var recs []*crmkit.Record
	for range 50 {
		recs = append(recs, cleaned(crmkit.KindPerson, crmkit.FieldName, "Иванов Иван Иванович", crmkit.FieldCity, "Москва"))
	}
	recs = append(recs, cleaned(crmkit.KindPerson, crmkit.FieldName, "Остроградский Мирон Авдеевич", crmkit.FieldCity, "Москва"))
	for i := range 49 {
		recs = append(recs, cleaned(crmkit.KindPerson, crmkit.FieldName, lastNamesForTest[i%len(lastNamesForTest)]+" Пётр Олегович", crmkit.FieldCity, "Тверь"))
	}
	u, tf := EstimateU(recs, 5000, 1)
	p := &Params{Lambda: 0.01, M: map[string][]float64{}, U: u, URandom: u, TF: tf}
	for _, c := range comparators {
		p.M[c.name] = normalise(nil, len(c.levels), true)
	}
	i := comparatorIndex(t, "person_name")
	_, common := compareAll(prepare(recs[0]), prepare(recs[1]))
	_, rare := compareAll(prepare(recs[50]), prepare(recs[50]))
	wCommon, wRare := p.Weight(i, 0, common[i]), p.Weight(i, 0, rare[i])
	if !(wRare > wCommon+4) {
		t.Errorf("exact name weights: rare %.2f, common %.2f", wRare, wCommon)
	}
	if want := math.Log2(p.M["person_name"][0] / 0.5); math.Abs(wCommon-want) > 1e-9 {
		t.Errorf("common name weight %.4f, want log2(m/0.5) = %.4f", wCommon, want)
	}
	if want := math.Log2(p.M["person_name"][0] / 0.01); math.Abs(wRare-want) > 1e-9 {
		t.Errorf("rare name weight %.4f, want log2(m/0.01) = %.4f", wRare, want)
	}
	// Without a term frequency the level's own u counts.
	if w := p.Weight(i, 0, ""); math.Abs(w-math.Log2(p.M["person_name"][0]/u["person_name"][0])) > 1e-9 {
		t.Errorf("weight without term frequency %.4f", w)
	}
	if p.Weight(i, Null, "") != 0 {
		t.Errorf("a missing field weighs something")
	}
	w, prob := p.Score(Vector{0, Null, Null, Null, 0, Null, Null, Null}, []string{rare[i], "", "", "", "москва", "", "", ""})
	if math.Abs(prob-Probability(w)) > 1e-12 || prob <= 0 || prob >= 1 {
		t.Errorf("score %.3f, probability %.5f", w, prob)
	}
}

var lastNamesForTest = []string{"Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев"}

// With a model, a comparison explains each field's level and weight and
// the match probability; a phone too many records share, and an office
// mailbox, weigh no more than the hand-set evidence of one.
func TestExplanationWithModel(t *testing.T) {
	p := crmkit.KindPerson
	a := cleaned(p, crmkit.FieldName, "Иванов Иван Петрович", crmkit.FieldPhone, "+7 495 000-00-01", crmkit.FieldEmail, "info@firm.example")
	b := cleaned(p, crmkit.FieldName, "Иванов Иван Петрович", crmkit.FieldPhone, "+7 495 000-00-01", crmkit.FieldEmail, "info@firm.example")
	model := &Params{Lambda: 0.001, M: map[string][]float64{}, U: map[string][]float64{}}
	for _, c := range comparators {
		model.M[c.name] = c.m0
		u := make([]float64, len(c.levels))
		for l := range u {
			u[l] = 0.001
		}
		u[len(u)-1] = 1 - 0.001*float64(len(u)-1)
		model.U[c.name] = u
	}
	cfg := Config{Model: model}.WithDefaults()
	c := Compare(a, b, cfg, keyShare{"phone:+74950000001": 25})
	exp := c.Explanation()
	for _, want := range []string{"match probability", "name exact +", "phone shared, shared by 25 records: demoted +1.5", "e-mail shared, an office mailbox +1.0"} {
		if !strings.Contains(exp, want) {
			t.Errorf("explanation %q lacks %q", exp, want)
		}
	}
	nameW := math.Log2(0.7 / 0.001)
	want := logit(0.001) + nameW + 1.5 + 1.0
	if math.Abs(c.Score-want) > 1e-9 || math.Abs(c.Probability-Probability(want)) > 1e-12 {
		t.Errorf("score %.4f (p %.5f), want %.4f", c.Score, c.Probability, want)
	}
	// Without the shared keys' counts the phone weighs in full.
	if full := Compare(a, b, cfg, nil); full.Score <= c.Score+5 {
		t.Errorf("an undemoted phone weighs %.2f in all, demoted %.2f", full.Score, c.Score)
	}
}

// The same records in another order give the same model.
func TestTrainIgnoresOrder(t *testing.T) {
	var recs []crmkit.Record
	for i := range 300 {
		r := cleaned(crmkit.KindPerson, crmkit.FieldName, lastNamesForTest[i%7]+" Иван Петрович", crmkit.FieldPhone, fmt.Sprintf("+7916%07d", i/2),
			crmkit.FieldCity, []string{"Москва", "Тверь", "Казань"}[i%3])
		r.Key = fmt.Sprintf("k%03d", i)
		recs = append(recs, *r)
	}
	a, _ := json.Marshal(Train(recs, Config{}))
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	b, _ := json.Marshal(Train(recs, Config{}))
	if string(a) != string(b) {
		t.Errorf("the model depends on the order of the records")
	}
}

// Every pairing key belongs to a family Train estimates m on.
func TestKeyFamilies(t *testing.T) {
	r := cleaned(crmkit.KindPerson, crmkit.FieldName, "Иванов Иван Петрович", crmkit.FieldPhone, "+7 916 123-45-67",
		crmkit.FieldEmail, "ivan@mail.example", crmkit.FieldBirthDate, "12.05.1980", crmkit.FieldCity, "Тверь",
		crmkit.FieldAddress, "ул. Ленина, д. 5, кв. 12", crmkit.FieldINN, "500100732259")
	seen := map[int]bool{}
	for _, k := range BlockKeys(r) {
		f := keyFamily(k)
		if f < 0 || f >= len(keyFamilies) {
			t.Errorf("key %q: family %d of %d", k, f, len(keyFamilies))
			continue
		}
		seen[f] = true
	}
	if len(seen) != len(keyFamilies) {
		t.Errorf("a record with every field reaches families %v of %d", seen, len(keyFamilies))
	}
}

func TestEditDistanceCountsASwapOnce(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"lincoln", "linclon", 1}, {"madison", "madiosn", 1}, {"иванов", "иавнов", 1}, {"acorn", "acoorn", 1}, {"abc", "", 3}, {"", "", 0},
		{"kitten", "sitting", 3}, {"ca", "abc", 3}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// With a model, two birth dates a generation apart keep two people apart
// (a father and a son of one name at one home), but two digits of the year
// swapped are a typo, not a generation.
func TestGenerationVetoSparesSwappedDigits(t *testing.T) {
	if !datesClash("1956-04-09", "1981-04-09", true) {
		t.Error("dates 25 years apart must clash")
	}
	if datesClash("1956-04-09", "1965-04-09", true) {
		t.Error("1956 and 1965 are two digits swapped: a typo, not a generation")
	}
}

// A level no random pair reaches (strangers' equal birth dates, among few
// records) is rare, not impossible: u is half a pair over the pairs that
// compared, not the floor, so that agreeing on it alone cannot outweigh
// every other field.
func TestUnseenLevelIsRareNotImpossible(t *testing.T) {
	var recs []*crmkit.Record
	for i := range 200 {
		recs = append(recs, cleaned(crmkit.KindPerson, crmkit.FieldName, lastNamesForTest[i%len(lastNamesForTest)]+" Пётр Олегович",
			crmkit.FieldBirthDate, fmt.Sprintf("%d-%02d-%02d", 1940+i%60, 1+i%12, 1+i%28)))
	}
	const pairs = 4000
	u, _ := EstimateU(recs, pairs, 1)
	exact := u["birth_date"][0]
	if exact <= floor || exact > 1.0/pairs {
		t.Errorf("u of equal birth dates no random pair has: %g, want half a pair in %d (about %g)", exact, pairs, 0.5/pairs)
	}
	if uPairs(1000) != 499500 || uPairs(100) != 200_000 || uPairs(3000) != 500_000 || uPairs(1_000_000) != 200_000 {
		t.Errorf("random pairs for u: %d, %d, %d, %d", uPairs(1000), uPairs(100), uPairs(3000), uPairs(1_000_000))
	}
}

// The edit distance that gives up past a limit agrees with the full one
// wherever it is within the limit, and says "past" where it is not.
func TestDistanceLimit(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	letters := []rune("абвгдabcd")
	word := func() []rune {
		w := make([]rune, rnd.IntN(9))
		for i := range w {
			w[i] = letters[rnd.IntN(len(letters))]
		}
		return w
	}
	for range 20000 {
		a, b := word(), word()
		if rnd.IntN(3) == 0 { // a near miss: b is a with a typo or a swap
			b = append([]rune(nil), a...)
			if len(b) > 1 {
				i := rnd.IntN(len(b) - 1)
				b[i], b[i+1] = b[i+1], b[i]
			}
		}
		full := distance(a, b, math.MaxInt)
		if gap := letterGap(a, b); gap > full {
			t.Fatalf("letterGap(%q, %q) = %d, more than the distance %d", string(a), string(b), gap, full)
		}
		for limit := 0; limit <= 9; limit++ {
			got := distance(a, b, limit)
			if full <= limit && got != full || full > limit && got <= limit {
				t.Fatalf("distance(%q, %q, %d) = %d; the full distance is %d", string(a), string(b), limit, got, full)
			}
		}
		for _, th := range []float64{0.75, 0.8, 0.85} {
			if got, want := ratioRunesAtLeast(a, b, th), ratioRunes(a, b) >= th; got != want {
				t.Fatalf("ratioRunesAtLeast(%q, %q, %.2f) = %v, ratio %.3f", string(a), string(b), th, got, ratioRunes(a, b))
			}
		}
	}
}
