// Package storetest is the contract every CRM store engine passes: the same
// behaviour on SQLite and on PostgreSQL, run after run.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/normalize"
	"github.com/google/uuid"
)

// Opener opens a fresh, empty store; a second call with the same t opens the
// same store again (a second process). lockWait is the run lock wait.
type Opener func(t *testing.T, lockWait time.Duration) export.Store

// Run runs the contract against one engine. open gives a new empty store
// on each call.
func Run(t *testing.T, open func(t *testing.T) Opener) {
	t.Run("ApplyAndRead", func(t *testing.T) { testApplyAndRead(t, open(t)) })
	t.Run("ReimportChangesNothing", func(t *testing.T) { testReimport(t, open(t)) })
	t.Run("RollbackLeavesStore", func(t *testing.T) { testRollback(t, open(t)) })
	t.Run("FailedWriteLeavesStore", func(t *testing.T) { testFailedWrite(t, open(t)) })
	t.Run("RunsDoNotInterleave", func(t *testing.T) { testLock(t, open(t)) })
	t.Run("ReviewAndDecisions", func(t *testing.T) { testReview(t, open(t)) })
	t.Run("OrderIndependence", func(t *testing.T) { testOrderIndependence(t, open, nil) })
	t.Run("OrderIndependenceWithModel", func(t *testing.T) {
		// A model estimated, as a run would, from more records of the same
		// kind than the corpus has (runs train from 1,000 records).
		c := newCorpus(7, 600)
		if n := len(c.records); n < dedupe.MinTrainRecords {
			t.Fatalf("the training corpus has %d records, fewer than a run trains from", n)
		}
		testOrderIndependence(t, open, dedupe.Train(c.records, dedupe.Config{}))
	})
	t.Run("SurvivorshipAcrossRuns", func(t *testing.T) { testSurvivorship(t, open) })
	t.Run("DecisionsAcrossRuns", func(t *testing.T) { testDecisions(t, open(t)) })
	t.Run("SplitKeepsOldestID", func(t *testing.T) { testSplit(t, open(t)) })
	t.Run("ComponentExpansion", func(t *testing.T) { testComponentExpansion(t, open) })
	t.Run("KeyHeldByMany", func(t *testing.T) { testKeyHeldByMany(t, open) })
	t.Run("CustomersView", func(t *testing.T) { testCustomersView(t, open(t)) })
	t.Run("UndoRestoresExactly", func(t *testing.T) { testUndo(t, open) })
	t.Run("UndoWithModel", func(t *testing.T) { testUndoWithModel(t, open) })
	t.Run("ABC", func(t *testing.T) { testABC(t, open(t)) })
	t.Run("ABCPeriod", func(t *testing.T) { testABCPeriod(t, open(t)) })
	t.Run("BulkImport", func(t *testing.T) { testBulkImport(t, open) })
	t.Run("SmallRuns", func(t *testing.T) { testSmallRuns(t, open) })
	t.Run("Holders", func(t *testing.T) { testHolders(t, open(t)) })
}

// clean cleanses one raw record as a run would.
func clean(source, key string, row int, fields ...string) crmkit.Record {
	f := map[string]string{}
	for _, kv := range fields {
		k, v, _ := strings.Cut(kv, "=")
		f[k] = v
	}
	return cleanRecord(crmkit.Record{Source: source, Key: key, File: source + ".csv", Row: row, Fields: f})
}

// cleanRecord cleanses a raw record and keeps what a run keeps of it.
func cleanRecord(raw crmkit.Record) crmkit.Record {
	rec, _ := normalize.Record(raw, normalize.Options{Phone: normalize.PhoneOptions{Region: "RU"}})
	rec.Extra = nil
	for i := range rec.Phones {
		rec.Phones[i].Raw, rec.Phones[i].Problem, rec.Phones[i].Comment = "", "", ""
	}
	delete(rec.Fields, crmkit.FieldPhone)
	delete(rec.Fields, crmkit.FieldEmail)
	return rec
}

func priority(source string) int {
	if source == "1c" {
		return 1
	}
	return 2
}

// importRecords is one run of the records into the store, with new decisions.
func importRecords(t *testing.T, s export.Store, recs []crmkit.Record, fresh []crmkit.Decision) (*dedupe.Plan, crmkit.Run) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	defer tx.Rollback(ctx)
	plan, err := resolve(ctx, tx, recs, fresh)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	run, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit import", Records: len(recs)},
		Plan: plan, Decisions: fresh, Problems: []crmkit.Problem{{File: "a.csv", Row: 7, Field: "phone", Code: "phone.no_area_code", Severity: crmkit.SeverityError, Message: "1**-**-67"}}})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return plan, run
}

func resolve(ctx context.Context, tx export.Tx, recs []crmkit.Record, fresh []crmkit.Decision) (*dedupe.Plan, error) {
	stored, err := tx.Decisions(ctx)
	if err != nil {
		return nil, err
	}
	var seeds []crmkit.SourceKey
	for _, d := range fresh {
		seeds = append(seeds, d.A, d.B)
	}
	// The store's model, as a run uses it (the corpora here are too small
	// to train one: a test stores one first with storeModel).
	model, err := tx.Model(ctx)
	if err != nil {
		return nil, err
	}
	return dedupe.Resolve(ctx, tx, dedupe.Input{Records: recs, Seeds: seeds, Decisions: dedupe.MergeDecisions(stored, fresh)},
		dedupe.Config{Model: model}, options())
}

// storeModel is a run that only stores a match model.
func storeModel(t *testing.T, s export.Store, m *dedupe.Params) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit train"}, Model: m, ModelRecords: 1}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	got, err := func() (*dedupe.Params, error) {
		tx, err := s.Begin(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback(ctx)
		return tx.Model(ctx)
	}()
	if err != nil || got == nil || got.Lambda != m.Lambda || len(got.M) != len(m.M) {
		t.Fatalf("the stored model does not read back: %v %+v", err, got)
	}
}

func options() dedupe.Options {
	return dedupe.Options{NewID: func() string { return uuid.Must(uuid.NewV7()).String() }, Priority: priority}
}

func collect[T any](t *testing.T, seq func(yield func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// dump is every table a re-import must leave as it was: all but the run
// log (runs, and each run's problems and review pairs).
func dump(t *testing.T, s export.Store) string {
	t.Helper()
	d, ok := s.(interface {
		Dump(context.Context) ([]string, error)
	})
	if !ok {
		t.Fatalf("%T has no Dump", s)
	}
	lines, err := d.Dump(context.Background())
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	keysOfRecords(t, s, lines)
	references(t, s)
	return strings.Join(lines, "\n")
}

// references: no row refers to a run or a card the store does not hold
// (the references no engine checks, export.Tables.Dangling).
func references(t *testing.T, s export.Store) {
	t.Helper()
	d, ok := s.(interface {
		Dangling(context.Context) ([]string, error)
	})
	if !ok {
		t.Fatalf("%T has no Dangling", s)
	}
	bad, err := d.Dangling(context.Background())
	if err != nil {
		t.Fatalf("dangling references: %v", err)
	}
	if len(bad) > 0 {
		t.Errorf("%d rows refer to a run or card the store does not hold:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// keysOfRecords: record_keys is an index crmkit keeps of its records, with
// no foreign key to them (migration 0020): after every run, undo and
// forget it holds exactly the hash of each key of each stored record
// (dedupe.IndexKeys), and nothing else.
func keysOfRecords(t *testing.T, s export.Store, dump []string) {
	t.Helper()
	want := storedKeys(t, s)
	var got []string
	for _, l := range dump {
		if k, ok := strings.CutPrefix(l, "record_keys: "); ok {
			got = append(got, k)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("record_keys, against the hashes of the stored records' keys:\n%s", diffLines(strings.Join(want, "\n"), strings.Join(got, "\n")))
	}
}

// storedKeys are the rows record_keys must hold ("hash|seq", sorted): the
// hash of each key of each stored record (dedupe.IndexKeys).
func storedKeys(t *testing.T, s export.Store) []string {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	recs, err := tx.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range recs {
		for _, k := range dedupe.IndexKeys(&r.Record) {
			want = append(want, fmt.Sprintf("%d|%d", export.KeyHash(k), r.Seq))
		}
	}
	slices.Sort(want)
	return want
}

// partition is the store's customers as sets of source keys, in a form
// that does not depend on personal IDs.
func partition(t *testing.T, s export.Store) []string {
	t.Helper()
	groups := map[string][]string{}
	for _, l := range collect(t, s.Links(context.Background())) {
		groups[l.PersonalID] = append(groups[l.PersonalID], l.Source+"/"+l.SourceKey)
	}
	var out []string
	for _, g := range groups {
		sort.Strings(g)
		out = append(out, strings.Join(g, " "))
	}
	sort.Strings(out)
	return out
}

func testApplyAndRead(t *testing.T, open Opener) {
	s := open(t, time.Second)
	ctx := context.Background()
	recs := []crmkit.Record{
		clean("1c", "000017", 5, "name=ООО «Ромашка»", "inn=7707083893", "phone=+7 495 123-45-67 доб. 12"),
		clean("site", "h:1", 2, "name=Ромашка", "inn=7707083893", "email=info@romashka.ru"),
		clean("1c", "000018", 6, "name=Иванов Иван Иванович", "phone=+7 916 123-45-67", "city=Москва", "org=Ромашка"),
	}
	plan, run := importRecords(t, s, recs, nil)
	if run.ID == 0 || run.CardsCreated != 2 || run.LinksCreated != 3 || run.Records != 3 || plan.Duplicates != 1 {
		t.Errorf("Apply returned %+v, plan %+v", run, plan.Stats)
	}
	cards := collect(t, s.Cards(ctx))
	if len(cards) != 2 {
		t.Fatalf("cards %+v", cards)
	}
	var org, person crmkit.Card
	for _, c := range cards {
		if c.Kind == crmkit.KindOrganization {
			org = c
		} else {
			person = c
		}
	}
	if org.Name != "ООО «Ромашка»" || org.INN != "7707083893" || len(org.ContactPoints) != 2 ||
		org.ContactPoints[0].Extension != "12" || org.ContactPoints[0].Source != "1c" || org.ContactPoints[1].Value != "info@romashka.ru" {
		t.Errorf("organisation %+v", org)
	}
	if person.OrgID != org.PersonalID || person.City != "Москва" {
		t.Errorf("person %+v: org_id should be %s", person, org.PersonalID)
	}
	links := collect(t, s.Links(ctx))
	if len(links) != 3 || links[0] != (crmkit.Link{PersonalID: org.PersonalID, Source: "1c", SourceKey: "000017", File: "1c.csv", Row: 5}) {
		t.Errorf("links %+v", links)
	}
	problems := collect(t, s.Problems(ctx, 0))
	if len(problems) != 1 || problems[0].Code != "phone.no_area_code" || problems[0].Row != 7 {
		t.Errorf("problems %+v", problems)
	}
	runs := collect(t, s.Runs(ctx))
	if len(runs) != 1 || runs[0].ID != run.ID || runs[0].CardsCreated != 2 || runs[0].LinksCreated != 3 {
		t.Errorf("runs %+v", runs)
	}
}

func testReimport(t *testing.T, open Opener) {
	s := open(t, time.Second)
	c := newCorpus(7, 40)
	importRecords(t, s, c.records, nil)
	before := dump(t, s)
	plan, run := importRecords(t, s, c.records, nil)
	if after := dump(t, s); after != before {
		t.Errorf("the same records imported again changed the store:\n%s", diffLines(before, after))
	}
	if len(plan.Writes) != 0 || run.CardsCreated != 0 || run.CardsUpdated != 0 || run.LinksCreated != 0 || run.CardsMerged != 0 {
		t.Errorf("second run %+v wrote %d records", run, len(plan.Writes))
	}
	// A later run with a new value updates the card.
	r := c.records[0]
	r.Fields = map[string]string{}
	for k, v := range c.records[0].Fields {
		r.Fields[k] = v
	}
	r.Fields[crmkit.FieldCity] = "Тверь"
	_, run = importRecords(t, s, []crmkit.Record{r}, nil)
	if run.CardsUpdated != 1 || run.CardsCreated != 0 {
		t.Errorf("a changed record: run %+v", run)
	}
}

func diffLines(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range lb {
		if !slices.Contains(la, l) {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range la {
		if !slices.Contains(lb, l) {
			out = append(out, "- "+l)
		}
	}
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}

func testRollback(t *testing.T, open Opener) {
	rollbackLeavesStore(t, open, 3, nil)
}

// testFailedWrite: a write that breaks a constraint halfway through a run
// (two new records of one source key) fails the run; rolled back, the store
// is as it was, and the next run writes as usual.
func testFailedWrite(t *testing.T, open Opener) {
	rollbackLeavesStore(t, open, 5, func(plan *dedupe.Plan) {
		i := slices.IndexFunc(plan.Writes, func(w dedupe.Write) bool { return w.Seq == 0 })
		if i < 0 {
			t.Fatal("the run adds no record")
		}
		plan.Writes = append(slices.Clone(plan.Writes), plan.Writes[i])
	})
}

// rollbackLeavesStore applies a run, broken by breakPlan when it is given
// (Apply must fail then), rolls it back and finds the store as it was; a
// next run then writes as usual.
func rollbackLeavesStore(t *testing.T, open Opener, seed uint64, breakPlan func(*dedupe.Plan)) {
	s := open(t, time.Second)
	ctx := context.Background()
	c := newCorpus(seed, 16)
	importRecords(t, s, c.records[:20], nil)
	before := dump(t, s)
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := resolve(ctx, tx, c.records, nil)
	if err != nil {
		t.Fatal(err)
	}
	if breakPlan != nil {
		broken := *plan
		breakPlan(&broken)
		plan = &broken
	}
	_, err = tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "x"}, Plan: plan})
	switch {
	case breakPlan == nil && err != nil:
		t.Fatal(err)
	case breakPlan != nil && err == nil:
		t.Fatal("the broken run did not fail")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Errorf("rollback: %v", err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("the rolled back run left changes:\n%s", diffLines(before, after))
	}
	if n := len(collect(t, s.Runs(ctx))); n != 1 {
		t.Errorf("%d runs after the rolled back run, want 1", n)
	}
	importRecords(t, s, c.records, nil)
	if n := len(collect(t, s.Runs(ctx))); n != 2 {
		t.Errorf("%d runs after the next run, want 2", n)
	}
}

func testLock(t *testing.T, open Opener) {
	first := open(t, 200*time.Millisecond)
	second := open(t, 200*time.Millisecond)
	ctx := context.Background()
	tx, err := first.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if tx2, err := second.Begin(ctx); !errors.Is(err, export.ErrLocked) {
		if tx2 != nil {
			tx2.Rollback(ctx)
		}
		t.Fatalf("second run began while the first held the store: %v", err)
	}
}

func testReview(t *testing.T, open Opener) {
	s := open(t, time.Second)
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit import"},
		Review: []export.ReviewRow{{Score: 4.5, Explanation: "grey zone: name 1.00 +4.0",
			A: export.RecordView{Source: "1c", Key: "000017", Name: "ООО «Ромашка»", Row: 5}, B: export.RecordView{Source: "site", Key: "h:9", Name: "Ромашка"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	rows := collect(t, s.Review(ctx, 0))
	if len(rows) != 1 || rows[0].Score != 4.5 || rows[0].A.Name != "ООО «Ромашка»" || rows[0].B.Key != "h:9" || rows[0].A.Row != 5 {
		t.Errorf("review %+v", rows)
	}
	sk := func(s, k string) crmkit.SourceKey { return crmkit.SourceKey{Source: s, Key: k} }
	importRecords(t, s, nil, []crmkit.Decision{{A: sk("site", "h:9"), B: sk("1c", "000017"), Same: true}, {A: sk("1c", "1"), B: sk("1c", "2"), Same: false}})
	// A later decision on the same pair, written the other way round, replaces the first.
	importRecords(t, s, nil, []crmkit.Decision{{A: sk("1c", "000017"), B: sk("site", "h:9"), Same: false}})
	tx, err = s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	ds, err := tx.Decisions(ctx)
	if err != nil || len(ds) != 2 {
		t.Fatalf("decisions %+v, %v", ds, err)
	}
	for _, d := range ds {
		if d.A.Key == "000017" && d.Same {
			t.Errorf("the later decision did not replace the earlier: %+v", ds)
		}
	}
}

// Clean is one raw record cleansed as a run would: fields are "name=value".
func Clean(source, key string, row int, fields ...string) crmkit.Record {
	return clean(source, key, row, fields...)
}

// Import is one run of these records into s, as crmkit import makes it.
func Import(t *testing.T, s export.Store, recs ...crmkit.Record) {
	t.Helper()
	importRecords(t, s, recs, nil)
}

// testBulkImport: a first import big enough to write its keys without the
// index by record (export.BulkRecords) leaves the keys a run of a few
// thousand records at a time leaves, and a later run changes them by record.
func testBulkImport(t *testing.T, open func(t *testing.T) Opener) {
	c := newCorpus(13, 5200)
	if len(c.records) < export.BulkRecords {
		t.Fatalf("%d records, fewer than a bulk import (%d)", len(c.records), export.BulkRecords)
	}
	keys := func(s export.Store) []string {
		var out []string
		for _, l := range strings.Split(dump(t, s), "\n") {
			if strings.HasPrefix(l, "record_keys: ") {
				out = append(out, l)
			}
		}
		return out
	}
	bulk := open(t)(t, time.Second)
	importRecords(t, bulk, c.records, nil)
	parts := open(t)(t, time.Second)
	for i := 0; i < len(c.records); i += 3000 {
		importRecords(t, parts, c.records[i:min(i+3000, len(c.records))], nil)
	}
	a, b := keys(bulk), keys(parts)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("record_keys after one bulk run (%d) and after runs of 3,000 (%d) differ:\n%s", len(a), len(b), diffLines(strings.Join(b, "\n"), strings.Join(a, "\n")))
	}
	if p, q := partition(t, bulk), partition(t, parts); strings.Join(p, "\n") != strings.Join(q, "\n") {
		t.Errorf("customers after one bulk run and after runs of 3,000 differ")
	}
	// A first import writes its records straight into the store
	// (export.writeFresh): numbered, and each with its content, as runs
	// that stage them number and write them; each an addition of the run.
	records := func(s export.Store) (recs []string, additions int) {
		for _, l := range strings.Split(dump(t, s), "\n") {
			if r, ok := strings.CutPrefix(l, "records: "); ok {
				f := strings.Split(r, "|") // seq, source, source_key, personal_id, first_id, component, file, row_num, data…, run_id, ord, first_run
				recs = append(recs, strings.Join(append(f[:3:3], f[6], f[7], strings.Join(f[8:len(f)-3], "|")), "|"))
			}
			if v, ok := strings.CutPrefix(l, "record_versions: "); ok {
				if f := strings.Split(v, "|"); f[2] == "0" || f[2] == "false" { // run_id, seq, existed, …
					additions++
				}
			}
		}
		slices.Sort(recs)
		return recs, additions
	}
	ra, na := records(bulk)
	rb, nb := records(parts)
	if strings.Join(ra, "\n") != strings.Join(rb, "\n") {
		t.Errorf("records after one bulk run and after runs of 3,000 differ:\n%s", diffLines(strings.Join(rb, "\n"), strings.Join(ra, "\n")))
	}
	// And its cards' contact points straight into contact_points: the
	// customers read the same, but for their IDs.
	customers := func(s export.Store) []string {
		var out []string
		for c, err := range s.Customers(context.Background()) {
			if err != nil {
				t.Fatalf("customers: %v", err)
			}
			out = append(out, strings.Join([]string{c.Kind, c.Name, c.Organization, c.Phones, c.Emails, strconv.Itoa(c.SourceRecords)}, "|"))
		}
		slices.Sort(out)
		return out
	}
	if ca, cb := customers(bulk), customers(parts); strings.Join(ca, "\n") != strings.Join(cb, "\n") {
		t.Errorf("customers after one bulk run and after runs of 3,000 differ:\n%s", diffLines(strings.Join(cb, "\n"), strings.Join(ca, "\n")))
	}
	if na != len(ra) || nb != len(rb) {
		t.Errorf("record versions that are additions: %d after one bulk run, %d after runs of 3,000, want %d", na, nb, len(ra))
	}
	// A later run drops the old phone's key and adds the new one.
	first := c.records[0]
	fields := []string{"phone=+7 495 000-00-01"}
	for k, v := range first.Fields {
		if k != crmkit.FieldPhone {
			fields = append(fields, k+"="+v)
		}
	}
	importRecords(t, bulk, []crmkit.Record{clean(first.Source, first.Key, first.Row, fields...)}, nil)
	after := strings.Join(keys(bulk), "\n")
	keyOf := func(key string) string { return fmt.Sprintf("record_keys: %d|1\n", export.KeyHash(key)) } // the first record's
	if !strings.Contains(after, keyOf("phone:+74950000001")) {
		t.Errorf("the new phone's key is not the first record's")
	}
	for _, p := range c.records[0].Phones {
		if strings.Contains(after, keyOf("phone:"+p.E164)) {
			t.Errorf("the old phone's key %s is still the first record's", p.E164)
		}
	}
}
