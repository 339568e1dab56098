package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
)

// testABC: the class stored on each card, the store's ranking and the Go
// ranking of the same cards agree, on revenue summed over merged records,
// with the customer that crosses a threshold in the class below it; a run
// that changes revenue classes every card anew.
func testABC(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, 0)
	org := func(key string, n int, name, revenue string) crmkit.Record {
		return clean("crm", key, n, "name=ООО «"+name+"»", "inn="+orgINN(n), "revenue="+revenue)
	}
	a2 := clean("erp", "a2", 1, "name=Альфа ООО", "inn="+orgINN(1), "revenue=200")
	importRecords(t, s, []crmkit.Record{
		org("a1", 1, "Альфа", "600"), a2, // one customer: 800
		org("b", 2, "Бета", "150"), org("c", 3, "Гамма", "30"), org("d", 4, "Дельта", "15"),
		org("e", 5, "Эпсилон", "5"), org("f", 6, "Зета", ""),
	}, nil)
	want := map[string]string{"Альфа": "A", "Бета": "B", "Гамма": "C", "Дельта": "C", "Эпсилон": "C", "Зета": "C"}
	check := func(want map[string]string, total float64, counts [3]int) {
		t.Helper()
		cards := collect(t, s.Cards(ctx))
		for _, c := range cards {
			name := c.OrgName
			if name == "" {
				name = c.Name
			}
			var w string
			for k, v := range want {
				if len(name) > 0 && contains(name, k) {
					w = v
				}
			}
			if c.ABCClass != w {
				t.Errorf("card %s (revenue %s): stored class %q, want %q", name, c.Revenue, c.ABCClass, w)
			}
		}
		res, err := s.ABC(ctx, export.ABCThresholds{})
		if err != nil {
			t.Fatalf("ABC: %v", err)
		}
		if res.Total != total || len(res.Rows) != len(want) {
			t.Fatalf("ABC: total %v over %d customers, want %v over %d", res.Total, len(res.Rows), total, len(want))
		}
		for i, c := range res.Classes {
			if c.Customers != counts[i] {
				t.Errorf("class %s: %d customers, want %d", c.Class, c.Customers, counts[i])
			}
		}
		stored := map[string]string{}
		for _, c := range cards {
			stored[c.PersonalID] = c.ABCClass
		}
		inGo := export.RankABC(cards, export.ABCThresholds{})
		for i, r := range res.Rows {
			if r.Class != stored[r.PersonalID] || inGo.Rows[i].PersonalID != r.PersonalID || inGo.Rows[i].Class != r.Class {
				t.Errorf("rank %d: store %s %s, stored class %s, Go %s %s", r.Rank, r.PersonalID, r.Class, stored[r.PersonalID], inGo.Rows[i].PersonalID, inGo.Rows[i].Class)
			}
		}
	}
	check(want, 1000, [3]int{1, 1, 4})
	if got := res80(t, s); fmt.Sprintf("%.2f %.2f %.2f", got[0], got[1], got[2]) != "0.80 0.15 0.05" {
		t.Errorf("revenue shares %v, want 0.80 0.15 0.05", got)
	}
	merges := collect(t, s.Merges(ctx))
	if len(merges) != 1 || len(merges[0].Records) != 2 {
		t.Fatalf("merges: %+v, want one customer of two records", merges)
	}

	// Эпсилон sells 900 more: 905 of 1900 is A, Альфа (800 after 905) too.
	importRecords(t, s, []crmkit.Record{org("e", 5, "Эпсилон", "905")}, nil)
	want["Эпсилон"] = "A"
	check(want, 1900, [3]int{2, 1, 3})

	// A new customer without revenue leaves the ranking as it is (the run
	// does not rank again): the new card is C, as a full ranking makes it.
	importRecords(t, s, []crmkit.Record{org("g", 7, "Эта", "")}, nil)
	want["Эта"] = "C"
	check(want, 1900, [3]int{2, 1, 4})

	// Йота sells 5000: A with Эпсилон, Альфа falls to B, Бета to C.
	importRecords(t, s, []crmkit.Record{org("i", 9, "Йота", "5000")}, nil)
	want["Йота"], want["Альфа"], want["Бета"] = "A", "B", "C"
	check(want, 6900, [3]int{2, 1, 5})
	// Forgetting Йота moves the ranking back: the next run, which only adds
	// a customer without revenue, must not leave Альфа at B and Бета at C.
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Forget(ctx, "crm/i", "", export.ABCThresholds{}); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	importRecords(t, s, []crmkit.Record{org("h", 8, "Тета", "")}, nil)
	delete(want, "Йота")
	want["Альфа"], want["Бета"], want["Тета"] = "A", "B", "C"
	check(want, 1900, [3]int{2, 1, 5})
}

func res80(t *testing.T, s export.Store) [3]float64 {
	res, err := s.ABC(context.Background(), export.ABCThresholds{})
	if err != nil {
		t.Fatalf("ABC: %v", err)
	}
	return [3]float64{res.Classes[0].Share, res.Classes[1].Share, res.Classes[2].Share}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// testABCPeriod: a period is ranked by the revenue of its rows — every row
// of a ledger, though rows of one customer are one record — summed over
// the customer's records, rows of other days and rows without a day left
// out; a file read again replaces its rows.
func testABCPeriod(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, 0)
	row := func(key string, n, row int, name, revenue, day string) crmkit.Record {
		r := clean("ledger", key, row, "name=ООО «"+name+"»", "inn="+orgINN(n), "revenue="+revenue, "revenue_date="+day)
		r.File = "sales.csv"
		return r
	}
	apply := func(rows []crmkit.Record) {
		t.Helper()
		tx, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		plan, err := resolve(ctx, tx, rows, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit import sales.csv"}, Plan: plan, Rows: export.SightingsOf(rows)}); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	apply([]crmkit.Record{
		row("a", 1, 2, "Альфа", "1000", "2026-01-15"),
		row("a", 1, 3, "Альфа", "2000", "2026-02-20"),
		row("b", 2, 4, "Бета", "500", "2026-03-10"),
		row("a", 1, 5, "Альфа", "4000", "2026-07-05"),
		row("c", 3, 6, "Гамма", "300", "2026-08-01"),
		row("d", 4, 7, "Дельта", "900", ""), // no day: in no period
	})
	rank := func(from, to string) map[string]float64 {
		t.Helper()
		res, err := s.ABCPeriod(ctx, export.ABCThresholds{}, from, to)
		if err != nil {
			t.Fatalf("ABCPeriod: %v", err)
		}
		out := map[string]float64{}
		for _, r := range res.Rows {
			out[strings.Trim(strings.TrimPrefix(r.Name, "ООО "), "«»")] = r.Revenue
		}
		return out
	}
	for _, c := range []struct {
		from, to string
		want     map[string]float64
	}{
		{"2026-01-01", "2026-06-30", map[string]float64{"Альфа": 3000, "Бета": 500, "Гамма": 0, "Дельта": 0}},
		{"2026-02-20", "2026-07-05", map[string]float64{"Альфа": 6000, "Бета": 500, "Гамма": 0, "Дельта": 0}},
		{"0001-01-01", "9999-12-31", map[string]float64{"Альфа": 7000, "Бета": 500, "Гамма": 300, "Дельта": 0}},
	} {
		if got := rank(c.from, c.to); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s..%s: %v, want %v", c.from, c.to, got, c.want)
		}
	}
	// The file read again, with one sale fewer: its rows are replaced.
	apply([]crmkit.Record{
		row("a", 1, 2, "Альфа", "1000", "2026-01-15"),
		row("b", 2, 3, "Бета", "500", "2026-03-10"),
	})
	if got, want := rank("2026-01-01", "2026-12-31"), map[string]float64{"Альфа": 1000, "Бета": 500, "Гамма": 0, "Дельта": 0}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after the file was read again: %v, want %v", got, want)
	}
}
