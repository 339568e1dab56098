// Package storetest is the contract every CRM store engine passes: the same
// behaviour on SQLite and on PostgreSQL.
package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
)

// Opener opens a fresh, empty store; a second call with the same t opens the
// same store again (a second process). lockWait is the run lock wait.
type Opener func(t *testing.T, lockWait time.Duration) export.Store

// Run runs the contract against one engine.
func Run(t *testing.T, open func(t *testing.T) Opener) {
	t.Run("ApplyAndRead", func(t *testing.T) { testApplyAndRead(t, open(t)) })
	t.Run("ReapplyChangesNothing", func(t *testing.T) { testReapply(t, open(t)) })
	t.Run("RollbackLeavesStore", func(t *testing.T) { testRollback(t, open(t)) })
	t.Run("AliasMerge", func(t *testing.T) { testAlias(t, open(t)) })
	t.Run("RunsDoNotInterleave", func(t *testing.T) { testLock(t, open(t)) })
	t.Run("ReviewAndDecisions", func(t *testing.T) { testReview(t, open(t)) })
}

const (
	idA = "01900000-0000-7000-8000-00000000000a"
	idB = "01900000-0000-7000-8000-00000000000b"
)

func batch() export.Batch {
	return export.Batch{
		Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit import a.xlsx", Records: 3, Duplicates: 1,
			Files: []crmkit.RunFile{{Path: "a.xlsx", SHA256: "abc", Records: 3}}},
		Cards: []crmkit.Card{
			{PersonalID: idA, Kind: crmkit.KindOrganization, Name: "ООО «Ромашка»", OrgName: "ООО «Ромашка»", INN: "7707083893",
				ContactPoints: []crmkit.ContactPoint{
					{Type: crmkit.ContactPhone, Value: "+74951234567", Extension: "12", Source: "1c"},
					{Type: crmkit.ContactEmail, Value: "info@romashka.ru", Source: "site"},
				},
				MatchKeys: []string{"inn:7707083893", "phone:+74951234567#12", "email:info@romashka.ru"}},
			{PersonalID: idB, Kind: crmkit.KindPerson, Name: "Иванов Иван", City: "Москва", OrgID: idA,
				ContactPoints: []crmkit.ContactPoint{{Type: crmkit.ContactPhone, Value: "+79161234567", Source: "1c"}},
				MatchKeys:     []string{"phone:+79161234567"}},
		},
		Links: []crmkit.Link{
			{PersonalID: idA, Source: "1c", SourceKey: "000017", File: "a.xlsx", Row: 5},
			{PersonalID: idA, Source: "site", SourceKey: "h:1", File: "b.csv", Row: 2},
			{PersonalID: idB, Source: "1c", SourceKey: "000018", File: "a.xlsx", Row: 6},
		},
		Problems: []crmkit.Problem{{File: "a.xlsx", Row: 7, Field: "phone", Code: "phone.no_area_code", Severity: crmkit.SeverityError, Message: "1**-**-67"}},
	}
}

func apply(t *testing.T, s export.Store, b export.Batch) crmkit.Run {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	run, err := tx.Apply(ctx, b)
	if err != nil {
		tx.Rollback(ctx)
		t.Fatalf("Apply: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return run
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

func testApplyAndRead(t *testing.T, open Opener) {
	s := open(t, time.Second)
	ctx := context.Background()
	run := apply(t, s, batch())
	if run.ID == 0 || run.CardsCreated != 2 || run.LinksCreated != 3 || run.Records != 3 || run.Duplicates != 1 {
		t.Errorf("Apply returned %+v", run)
	}
	cards := collect(t, s.Cards(ctx))
	if len(cards) != 2 || cards[0].PersonalID != idA || cards[1].PersonalID != idB {
		t.Fatalf("cards %+v", cards)
	}
	a := cards[0]
	if cards[1].OrgID != idA {
		t.Errorf("card B org_id %q", cards[1].OrgID)
	}
	if a.Name != "ООО «Ромашка»" || a.INN != "7707083893" || a.Kind != crmkit.KindOrganization || len(a.ContactPoints) != 2 ||
		a.ContactPoints[0].Extension != "12" || a.ContactPoints[1].Value != "info@romashka.ru" {
		t.Errorf("card A %+v", a)
	}
	links := collect(t, s.Links(ctx))
	if len(links) != 3 || links[0] != (crmkit.Link{PersonalID: idA, Source: "1c", SourceKey: "000017", File: "a.xlsx", Row: 5}) {
		t.Errorf("links %+v", links)
	}
	problems := collect(t, s.Problems(ctx, 0))
	if len(problems) != 1 || problems[0].Code != "phone.no_area_code" || problems[0].Row != 7 {
		t.Errorf("problems %+v", problems)
	}
	runs := collect(t, s.Runs(ctx))
	if len(runs) != 1 || runs[0].ID != run.ID || runs[0].CardsCreated != 2 || runs[0].LinksCreated != 3 ||
		runs[0].Records != 3 || len(runs[0].Files) != 1 || runs[0].Files[0].SHA256 != "abc" {
		t.Errorf("runs %+v", runs)
	}

	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	linked, err := tx.LinkedIDs(ctx, []crmkit.SourceKey{{Source: "1c", Key: "000018"}, {Source: "1c", Key: "nope"}})
	if err != nil || len(linked) != 1 || linked[crmkit.SourceKey{Source: "1c", Key: "000018"}] != idB {
		t.Errorf("LinkedIDs = %v, %v", linked, err)
	}
	byKey, err := tx.IDsByMatchKey(ctx, []string{"inn:7707083893", "phone:+79161234567", "email:x@y.ru"})
	if err != nil || len(byKey) != 2 || !slices.Equal(byKey["inn:7707083893"], []string{idA}) {
		t.Errorf("IDsByMatchKey = %v, %v", byKey, err)
	}
}

func testReapply(t *testing.T, open Opener) {
	s := open(t, time.Second)
	ctx := context.Background()
	apply(t, s, batch())
	before := collect(t, s.Cards(ctx))
	linksBefore := collect(t, s.Links(ctx))
	apply(t, s, batch())
	after := collect(t, s.Cards(ctx))
	if !slices.EqualFunc(before, after, cardEqual) {
		t.Errorf("cards changed on re-apply:\n%+v\n%+v", before, after)
	}
	if !slices.Equal(linksBefore, collect(t, s.Links(ctx))) {
		t.Errorf("links changed on re-apply")
	}
	runs := collect(t, s.Runs(ctx))
	if len(runs) != 2 || runs[1].CardsCreated != 0 || runs[1].CardsUpdated != 0 || runs[1].LinksCreated != 0 {
		t.Errorf("second run %+v", runs[len(runs)-1])
	}
	// A later run with a new value updates the card, and an empty one keeps the stored value.
	b := batch()
	b.Cards[1].City, b.Cards[1].Name = "Тверь", ""
	apply(t, s, b)
	cards := collect(t, s.Cards(ctx))
	if cards[1].City != "Тверь" || cards[1].Name != "Иванов Иван" {
		t.Errorf("card B after update %+v", cards[1])
	}
	runs = collect(t, s.Runs(ctx))
	if runs[2].CardsUpdated != 1 {
		t.Errorf("third run updated %d cards, want 1", runs[2].CardsUpdated)
	}
}

func cardEqual(a, b crmkit.Card) bool {
	a.MatchKeys, b.MatchKeys = nil, nil
	return a.PersonalID == b.PersonalID && a.Name == b.Name && a.INN == b.INN && a.City == b.City &&
		slices.Equal(a.ContactPoints, b.ContactPoints)
}

func testRollback(t *testing.T, open Opener) {
	s := open(t, time.Second)
	ctx := context.Background()
	apply(t, s, batch())
	before := collect(t, s.Links(ctx))
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b := batch()
	b.Cards = append(b.Cards, crmkit.Card{PersonalID: "01900000-0000-7000-8000-0000000000cc", Name: "Новый"})
	b.Links[0].PersonalID = "01900000-0000-7000-8000-0000000000cc"
	if _, err := tx.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, s.Links(ctx)); !slices.Equal(before, got) {
		t.Errorf("links after rollback %+v, want %+v", got, before)
	}
	if n := len(collect(t, s.Cards(ctx))); n != 2 {
		t.Errorf("%d cards after rollback, want 2", n)
	}
	if n := len(collect(t, s.Runs(ctx))); n != 1 {
		t.Errorf("%d runs after rollback, want 1", n)
	}
}

func testAlias(t *testing.T, open Opener) {
	s := open(t, time.Second)
	ctx := context.Background()
	apply(t, s, batch())
	// The person turns out to be the company's contact: B merges into A.
	b := export.Batch{
		Run:     crmkit.Run{StartedAt: time.Now(), Command: "crmkit import c.csv"},
		Aliases: map[string]string{idB: idA},
		Cards:   []crmkit.Card{{PersonalID: idA, Name: "ООО «Ромашка»", MatchKeys: []string{"phone:+79161234567"}}},
		Links:   []crmkit.Link{{PersonalID: idA, Source: "crm", SourceKey: "9", File: "c.csv", Row: 2}},
	}
	apply(t, s, b)
	cards := collect(t, s.Cards(ctx))
	if len(cards) != 1 || cards[0].PersonalID != idA || cards[0].City != "Москва" || len(cards[0].ContactPoints) != 3 {
		t.Fatalf("cards after merge %+v", cards)
	}
	for _, l := range collect(t, s.Links(ctx)) {
		if l.PersonalID != idA {
			t.Errorf("link %+v still points at the alias", l)
		}
	}
	runs := collect(t, s.Runs(ctx))
	if runs[1].CardsMerged != 1 {
		t.Errorf("run merged %d cards, want 1", runs[1].CardsMerged)
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	ids, err := tx.IDsByMatchKey(ctx, []string{"phone:+79161234567"})
	if err != nil || !slices.Equal(ids["phone:+79161234567"], []string{idA}) {
		t.Errorf("match key of the alias resolves to %v, %v", ids, err)
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
	b := batch()
	b.Review = []export.ReviewRow{{Score: 4.5, Explanation: "grey zone: name 1.00 +4.0",
		A: export.RecordView{Source: "1c", Key: "000017", Name: "ООО «Ромашка»", Row: 5}, B: export.RecordView{Source: "site", Key: "h:9", Name: "Ромашка"}}}
	apply(t, s, b)
	rows := collect(t, s.Review(ctx, 0))
	if len(rows) != 1 || rows[0].Score != 4.5 || rows[0].A.Name != "ООО «Ромашка»" || rows[0].B.Key != "h:9" || rows[0].A.Row != 5 {
		t.Errorf("review %+v", rows)
	}
	sk := func(s, k string) crmkit.SourceKey { return crmkit.SourceKey{Source: s, Key: k} }
	apply(t, s, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit review apply"}, Decisions: []crmkit.Decision{
		{A: sk("site", "h:9"), B: sk("1c", "000017"), Same: true}, {A: sk("1c", "1"), B: sk("1c", "2"), Same: false}}})
	// A later decision on the same pair, written the other way round, replaces the first.
	apply(t, s, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit review apply"}, Decisions: []crmkit.Decision{
		{A: sk("1c", "000017"), B: sk("site", "h:9"), Same: false}}})
	tx, err := s.Begin(ctx)
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
