package storetest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
)

// Scanner reads every text value an engine's store holds, whatever the
// table: the forget test looks for a person's values everywhere, in tables
// it does not know of too.
type Scanner struct {
	// Catalog is a query of (table, column) naming every text column of
	// the store's schema.
	Catalog string
	// Tables reads the store's tables.
	Tables func(export.Store) export.Tables
}

// texts returns "table.column: value" for every text value of the store.
func (sc Scanner) texts(t *testing.T, s export.Store) []string {
	t.Helper()
	ctx := context.Background()
	tb := sc.Tables(s)
	var cols [][2]string
	rows, done, err := tb.Query(ctx, sc.Catalog)
	if err != nil {
		t.Fatalf("catalog: %v", err)
	}
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatalf("catalog: %v", err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("catalog: %v", err)
	}
	done()
	if len(cols) < 20 {
		t.Fatalf("the catalog lists %d text columns: not the store's schema", len(cols))
	}
	var out []string
	for _, c := range cols {
		rows, done, err := tb.Query(ctx, "SELECT "+c[1]+" FROM "+c[0]+" WHERE "+c[1]+" IS NOT NULL")
		if err != nil {
			t.Fatalf("scan %s.%s: %v", c[0], c[1], err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatalf("scan %s.%s: %v", c[0], c[1], err)
			}
			out = append(out, c[0]+"."+c[1]+": "+v)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("scan %s.%s: %v", c[0], c[1], err)
		}
		done()
	}
	return out
}

// traces lists the values that hold one of needles, compared in lower case
// with ё as е (name keys fold both).
func traces(values, needles []string) []string {
	fold := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "ё", "е") }
	var out []string
	for _, v := range values {
		for _, n := range needles {
			if strings.Contains(fold(v), fold(n)) {
				col, _, _ := strings.Cut(v, ": ")
				out = append(out, n+" in "+col)
			}
		}
	}
	return out
}

// Forget: a forgotten customer leaves no trace of its values in any column
// of any table, only a tombstone of IDs and keys; every other customer is
// as it was; a later import of its source row is a record.forgotten
// problem and brings back no card; the forget cannot be undone.
func Forget(t *testing.T, open func(t *testing.T) Opener, sc Scanner) {
	s := open(t)(t, time.Second)
	ctx := context.Background()
	needles := []string{"Шереметьева", "Аглая", "9165551234", "aglaya.sh@example.ru", "500100732259"}
	person := []crmkit.Record{
		clean("1c", "F-000042", 9, "name=Шереметьева Аглая Витальевна", "inn=500100732259", "phone=8 (916) 555-12-34", "city=Казань", "email=aglaya.sh@example.ru"),
		clean("site", "h:f42", 3, "name=Шереметьева Аглая Витальевна", "phone=+7 916 555-12-34", "email=Aglaya.Sh@example.ru"),
	}
	c := newCorpus(5, 40)
	if found := traces(c.texts(), needles); len(found) > 0 {
		t.Fatalf("the other customers hold the person's values: %v", found)
	}
	// A model estimated from records that include the person's, in an
	// earlier export's copies too: its term frequencies list the values
	// that five or more of them hold, the person's name, phone and e-mail.
	train := newCorpus(7, 600).records
	for i := range 3 {
		for _, r := range person {
			r.Key += "-" + strconv.Itoa(i)
			train = append(train, r)
		}
	}
	storeModel(t, s, dedupe.Train(train, dedupe.Config{}))               // run 1
	importRecords(t, s, append(slices.Clone(c.records), person[0]), nil) // run 2
	// Run 3: the person's second record, a decision and a review pair that
	// name it, and problems of its row, one quoting a value.
	other := c.records[0]
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sk := func(r crmkit.Record) crmkit.SourceKey { return crmkit.SourceKey{Source: r.Source, Key: r.Key} }
	fresh := []crmkit.Decision{{A: sk(person[0]), B: sk(person[1]), Same: true}}
	plan, err := resolve(ctx, tx, person[1:], fresh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit import"}, Plan: plan, Decisions: fresh,
		Rows: export.SightingsOf(append(slices.Clone(person[1:]), other)),
		Review: []export.ReviewRow{
			{Score: 4, Explanation: "grey zone", A: export.ViewOf(person[1]), B: export.ViewOf(other)},
			{Score: 3, Explanation: "grey zone", A: export.ViewOf(c.records[1]), B: export.ViewOf(other)},
		},
		Problems: []crmkit.Problem{
			{File: "site.csv", Row: 3, Field: "email", Code: "email.bounced", Severity: crmkit.SeverityWarning, Message: "aglaya.sh@example.ru bounced"},
			{File: other.File, Row: other.Row, Field: "phone", Code: "phone.no_area_code", Severity: crmkit.SeverityWarning, Message: "1**-**-67"},
		}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range needles {
		if len(traces(sc.texts(t, s), []string{n})) == 0 {
			t.Fatalf("before the forget the scan does not find %s: it cannot see the person", n)
		}
	}
	var id string
	for _, l := range collect(t, s.Links(ctx)) {
		if l.Source == "site" && l.SourceKey == "h:f42" {
			id = l.PersonalID
		}
	}
	if n := len(partitionOf(t, s, id)); id == "" || n != 2 {
		t.Fatalf("the person is not one customer of two records: %q, %d", id, n)
	}
	before := dump(t, s)

	tx, err = s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := tx.Forget(ctx, "site/h:f42", "request 2026-11-30 no. 17", export.ABCThresholds{})
	if err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if f.PersonalID != id || len(f.Keys) != 2 || f.Cards != 1 || f.ReviewPairs != 1 || f.Problems != 1 || f.Run.ID != 4 {
		t.Errorf("Forget returned %+v", f)
	}
	all := sc.texts(t, s)
	if found := traces(all, needles); len(found) > 0 {
		t.Errorf("after the forget the store still holds the person's values:\n%s", strings.Join(found, "\n"))
	}
	after := dump(t, s)
	if got, want := othersOf(after, id), othersOf(before, id); got != want {
		t.Errorf("the forget changed other customers:\n%s", diffLines(want, got))
	}
	var tomb []string
	for _, l := range strings.Split(after, "\n") {
		if strings.HasPrefix(l, "tombstones: ") {
			tomb = append(tomb, l)
		}
	}
	if len(tomb) != 2 || !strings.HasPrefix(tomb[0], "tombstones: 1c|F-000042|"+id+"|4|") ||
		!strings.HasSuffix(tomb[1], "|request 2026-11-30 no. 17") {
		t.Errorf("tombstones:\n%s", strings.Join(tomb, "\n"))
	}
	if !strings.Contains(after, "match_model: 1|") {
		t.Errorf("the forget dropped the match model instead of the person's values in it")
	}
	if ps := collect(t, s.Problems(ctx, 3)); len(ps) != 1 || ps[0].Row != other.Row {
		t.Errorf("run 3's problems after the forget: %+v, want the other customer's only", ps)
	}
	if rs := collect(t, s.Review(ctx, 3)); len(rs) != 1 || rs[0].A.Key != c.records[1].Key {
		t.Errorf("run 3's review pairs after the forget: %+v, want the other pair only", rs)
	}
	for _, r := range collect(t, s.Runs(ctx)) {
		if r.ID == f.Run.ID && (r.Command != "crmkit forget site/h:f42" || r.Records != 2) {
			t.Errorf("the forget run is recorded as %+v", r)
		}
	}

	// Neither the forget nor any run before it can be undone; nor can the
	// customer be forgotten twice.
	for _, u := range []struct {
		id    int64
		force bool
	}{{0, false}, {f.Run.ID, false}, {3, true}, {2, false}} {
		if _, _, err := undoRun(t, s, u.id, u.force); !errors.Is(err, export.ErrForgetIsFinal) {
			t.Errorf("undo of run %d (force %v) after the forget: %v, want ErrForgetIsFinal", u.id, u.force, err)
		}
	}
	for _, target := range []string{id, "1c/F-000042"} {
		tx, err = s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Forget(ctx, target, "", export.ABCThresholds{}); !errors.Is(err, export.ErrNoCustomer) || !strings.Contains(err.Error(), "forgotten by run 4") {
			t.Errorf("forget %s again: %v", target, err)
		}
		tx.Rollback(ctx)
	}
	if got := dump(t, s); got != after {
		t.Errorf("refused undos and forgets changed the store:\n%s", diffLines(after, got))
	}

	// The person's row imported again is reported and stored nowhere.
	tx, err = s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tombs, err := tx.Tombstones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, problems := export.DropForgotten(tombs, []crmkit.Record{person[1], other},
		[]crmkit.Problem{{File: "site.csv", Row: 3, Field: "phone", Code: "phone.mobile_as_landline", Message: "+7916*****34"}})
	if len(recs) != 1 || recs[0].Key != other.Key || len(problems) != 1 || problems[0].Code != export.CodeForgotten ||
		problems[0].Row != 3 || problems[0].File != "site.csv" {
		t.Fatalf("DropForgotten kept %+v with problems %+v", recs, problems)
	}
	plan, err = resolve(ctx, tx, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit import"}, Plan: plan,
		Problems: problems, Rows: export.SightingsOf(recs)}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, s); got != after {
		t.Errorf("importing the forgotten row again changed the store:\n%s", diffLines(after, got))
	}
	for _, card := range collect(t, s.Cards(ctx)) {
		if card.PersonalID == id || card.INN == "500100732259" {
			t.Errorf("the forgotten customer has a card again: %s", card.PersonalID)
		}
	}
	if ps := collect(t, s.Problems(ctx, 0)); len(ps) != 1 || ps[0].Code != export.CodeForgotten {
		t.Errorf("the import's problems: %+v, want record.forgotten", ps)
	}
	if found := traces(sc.texts(t, s), needles); len(found) > 0 {
		t.Errorf("after the import the store holds the person's values:\n%s", strings.Join(found, "\n"))
	}
}

// partitionOf lists the source keys of customer id.
func partitionOf(t *testing.T, s export.Store, id string) []string {
	t.Helper()
	var out []string
	for _, l := range collect(t, s.Links(context.Background())) {
		if l.PersonalID == id {
			out = append(out, l.Source+"/"+l.SourceKey)
		}
	}
	return out
}

// othersOf is a dump without customer id, the person's source records
// (their keys and versions too), the tombstones and the match model (whose
// term frequencies lose the person's values).
func othersOf(dump, id string) string {
	lines := strings.Split(dump, "\n")
	seqs := map[string]bool{}
	for _, l := range lines {
		if f := strings.Split(strings.TrimPrefix(l, "records: "), "|"); strings.HasPrefix(l, "records: ") && f[3] == id {
			seqs[f[0]] = true
		}
	}
	var out []string
	for _, l := range lines {
		table, row, _ := strings.Cut(l, ": ")
		f := strings.Split(row, "|")
		switch {
		case table == "tombstones", table == "match_model", strings.Contains(l, id),
			strings.Contains(l, "1c|F-000042"), strings.Contains(l, "site|h:f42"),
			table == "record_keys" && seqs[f[len(f)-1]],
			table == "record_versions" && seqs[f[1]]:
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// texts are the corpus's values, for a check that the person's are not
// among them.
func (c corpus) texts() []string {
	var out []string
	for _, r := range append(slices.Clone(c.records), c.earlier...) {
		for _, v := range r.Fields {
			out = append(out, v)
		}
		for _, p := range r.Phones {
			out = append(out, p.E164)
		}
		out = append(out, r.Emails...)
	}
	return out
}
