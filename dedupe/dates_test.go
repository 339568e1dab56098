package dedupe

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmkit/crmkit"
)

// household is a set of people each written twice (the same name, mobile,
// address and city; the birth date the same, or one in wrongEvery written
// a few years off, as no typo writes it), and a father and son of one
// name, mobile and address, born 30 years apart: the last two records.
const people = 300

func household(wrongEvery int) []crmkit.Record {
	var recs []crmkit.Record
	add := func(key, name, phone, address, date string) {
		r := cleaned(crmkit.KindPerson, crmkit.FieldName, name, crmkit.FieldPhone, phone, crmkit.FieldAddress, address,
			crmkit.FieldCity, []string{"Москва", "Тверь", "Казань", "Омск"}[len(recs)/2%4], crmkit.FieldBirthDate, date)
		r.Key = key
		recs = append(recs, *r)
	}
	firsts := []string{"Иван", "Пётр", "Олег", "Андрей", "Сергей", "Павел", "Илья", "Глеб"}
	for i := range people {
		name := fmt.Sprintf("%s %s %s", lastNamesForTest[i%7], firsts[i/7%8], []string{"Иванович", "Петрович", "Олегович"}[i/56%3])
		phone, address := fmt.Sprintf("+7916%07d", 1000+i), fmt.Sprintf("ул. Ленина, д. %d, кв. %d", 1+i%90, 1+i/90)
		date := fmt.Sprintf("%02d.%02d.%d", 1+i%28, 1+i%12, 1950+i%40)
		add(fmt.Sprintf("p%03da", i), name, phone, address, date)
		if wrongEvery > 0 && i%wrongEvery == 0 {
			date = fmt.Sprintf("%02d.%02d.%d", 1+(i+5)%28, 1+(i+7)%12, 1953+i%40)
		}
		add(fmt.Sprintf("p%03db", i), name, phone, address, date)
	}
	add("father", "Соколов Игорь Игоревич", "+79160000001", "ул. Мира, д. 3, кв. 7", "12.03.1955")
	add("son", "Соколов Игорь Игоревич", "+79160000001", "ул. Мира, д. 3, кв. 7", "04.11.1985")
	return recs
}

// A father and son of one name, at one address, with one phone, born 30
// years apart, are two customers: with a model of a source whose birth
// dates are written right, the dates veto their merge.
func TestFatherAndSonStayApart(t *testing.T) {
	recs := household(0)
	cfg := Config{Model: Train(recs, Config{})}
	if !cfg.Model.DatesTrusted() {
		t.Fatalf("dates written right are not trusted: %v of pairs wrong", cfg.Model.WrongDates)
	}
	n := len(recs)
	if c := Compare(&recs[n-2], &recs[n-1], cfg, keyShare{}); c.Veto == "" {
		t.Errorf("father and son: no veto: %s", c.Explanation())
	}
	plan, err := Resolve(context.Background(), nil, Input{Records: recs}, cfg, Options{NewID: counter()})
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]string{}
	for _, l := range plan.Links() {
		id[l.SourceKey] = l.PersonalID
	}
	if id["father"] == id["son"] {
		t.Errorf("father and son merged")
	}
	for i := range people {
		if a, b := fmt.Sprintf("p%03da", i), fmt.Sprintf("p%03db", i); id[a] != id[b] {
			t.Errorf("%s and %s apart", a, b)
		}
	}
}

// A source that writes a birth date no typo explains on one pair in 20 of
// one customer's (Febrl's duplicates do) writes as many a generation off:
// there two dates weigh against a merge and never veto it — the price is
// that a father and son of one name and address are told apart by their
// other fields alone.
func TestWrongDatesWeighInstead(t *testing.T) {
	recs := household(20)
	cfg := Config{Model: Train(recs, Config{})}
	if cfg.Model.DatesTrusted() || cfg.Model.WrongDates < 0.03 || cfg.Model.WrongDates > 0.07 {
		t.Fatalf("1 pair in 20 with a wrong date: share %.4f, trusted %v", cfg.Model.WrongDates, cfg.Model.DatesTrusted())
	}
	n := len(recs)
	c := Compare(&recs[n-2], &recs[n-1], cfg, keyShare{})
	if c.Veto != "" {
		t.Errorf("dates a generation apart veto with wrong dates this common: %s", c.Explanation())
	}
	plain := Compare(&recs[n-2], &recs[n-2], cfg, keyShare{})
	if c.Score >= plain.Score-3 {
		t.Errorf("two dates weigh %.1f against a pair", c.Score-plain.Score)
	}
	// A model of an earlier crmkit, which did not count wrong dates,
	// trusts them.
	if (&Params{}).DatesTrusted() != true || (*Params)(nil).DatesTrusted() != true {
		t.Errorf("a model without the count does not trust dates")
	}
}
