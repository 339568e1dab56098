package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
)

// undoRun is `crmkit runs undo`: take back run id (0: the latest), then
// recompute the cards of what it touched, as one run.
func undoRun(t *testing.T, s export.Store, id int64, force bool) (export.Undone, crmkit.Run, error) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	defer tx.Rollback(ctx)
	u, plan, run, err := export.UndoRun(ctx, tx, id, force, dedupe.Config{}, options(), export.ABCThresholds{})
	if err != nil {
		return u, run, err
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if len(plan.Writes) != 0 {
		t.Errorf("undo of %v: recomputing the touched components rewrote %d records: the restored store was not what the runs left", u.Runs, len(plan.Writes))
	}
	return u, run, nil
}

// A run undone leaves every table (but the run log) exactly as it was
// before the run: records, keys, versions, customers and their IDs,
// aliases, cards, contacts and decisions; --force undoes the later runs
// first; an undone run, an undo, and a run with later runs are refused.
func testUndo(t *testing.T, open func(t *testing.T) Opener) {
	s := open(t)(t, time.Second)
	c := newCorpus(11, 60)
	var partA, partB []crmkit.Record // alternate records: most customers span both parts
	for i, r := range c.records {
		if i%2 == 0 {
			partA = append(partA, r)
		} else {
			partB = append(partB, r)
		}
	}

	if _, _, err := undoRun(t, s, 0, false); !errors.Is(err, export.ErrNothingToUndo) {
		t.Errorf("undo on an empty store: %v, want ErrNothingToUndo", err)
	}
	importRecords(t, s, c.earlier, nil) // run 1
	d1 := dump(t, s)
	importRecords(t, s, partA, nil) // run 2
	d2, cards2 := dump(t, s), cardsByKeys(t, s)
	// Run 3: decisions that split one customer and merge two.
	var diff, same []crmkit.SourceKey
	for i, a := range partA {
		for _, b := range partA[i+1:] {
			ka, kb := crmkit.SourceKey{Source: a.Source, Key: a.Key}, crmkit.SourceKey{Source: b.Source, Key: b.Key}
			if diff == nil && c.entities[ka] == c.entities[kb] {
				diff = []crmkit.SourceKey{ka, kb}
			}
			if same == nil && c.entities[ka] != c.entities[kb] {
				same = []crmkit.SourceKey{ka, kb}
			}
		}
	}
	if diff == nil || same == nil {
		t.Fatalf("the corpus has no pair to decide")
	}
	importRecords(t, s, nil, []crmkit.Decision{{A: diff[0], B: diff[1], Same: false}, {A: same[0], B: same[1], Same: true}})
	d3 := dump(t, s)
	if d3 == d2 {
		t.Fatalf("the decisions changed nothing")
	}
	importRecords(t, s, partB, nil) // run 4: new records, and changed versions of run 1's

	u, run, err := undoRun(t, s, 0, false) // run 5 undoes run 4
	if err != nil {
		t.Fatalf("undo the latest run: %v", err)
	}
	if !slices.Equal(u.Runs, []int64{4}) || u.Removed == 0 || u.Restored == 0 {
		t.Errorf("undo of run 4: %+v", u)
	}
	if got := dump(t, s); got != d3 {
		t.Errorf("undoing run 4 did not restore the store as run 3 left it:\n%s", diffLines(d3, got))
	}
	if _, _, err := undoRun(t, s, 4, false); err == nil || !strings.Contains(err.Error(), "undone by run 5") {
		t.Errorf("undo of an undone run: %v", err)
	}
	if _, _, err := undoRun(t, s, run.ID, false); err == nil || !strings.Contains(err.Error(), "is an undo") {
		t.Errorf("undo of an undo: %v", err)
	}
	if _, _, err := undoRun(t, s, 0, false); err != nil { // run 6 undoes run 3: the decisions go
		t.Fatalf("undo the decisions: %v", err)
	}
	if got := dump(t, s); got != d2 {
		t.Errorf("undoing the decisions did not restore the store as run 2 left it:\n%s", diffLines(d2, got))
	}
	if got := cardsByKeys(t, s); len(got) != len(cards2) {
		t.Errorf("cards after undoing the decisions: %d, want %d", len(got), len(cards2))
	}

	// Run 7 imports part B again; undoing run 2 needs --force and takes
	// run 7 back first.
	importRecords(t, s, partB, nil)
	if _, _, err := undoRun(t, s, 2, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("undo of run 2 with run 7 after it: %v", err)
	}
	if got := dump(t, s); got == d1 {
		t.Fatalf("a refused undo changed the store")
	}
	u, _, err = undoRun(t, s, 2, true)
	if err != nil {
		t.Fatalf("undo run 2 with --force: %v", err)
	}
	if !slices.Equal(u.Runs, []int64{7, 2}) {
		t.Errorf("--force undid %v, want [7 2]", u.Runs)
	}
	if got := dump(t, s); got != d1 {
		t.Errorf("undoing runs 7 and 2 did not restore the store as run 1 left it:\n%s", diffLines(d1, got))
	}
	// Redo: the same parts imported again give the customers they gave.
	importRecords(t, s, partA, nil)
	importRecords(t, s, partB, nil)
	ref := open(t)(t, time.Second)
	importRecords(t, ref, c.earlier, nil)
	importRecords(t, ref, partA, nil)
	importRecords(t, ref, partB, nil)
	if got, want := partition(t, s), partition(t, ref); !slices.Equal(got, want) {
		t.Errorf("after undo and redo the customers differ:\n%s", diffLines(joinLines(want), joinLines(got)))
	}
	runs := collect(t, s.Runs(context.Background()))
	undone := map[int64]int64{}
	for _, r := range runs {
		if r.UndoneBy != 0 {
			undone[r.ID] = r.UndoneBy
		}
	}
	if undone[4] != 5 || undone[3] != 6 || undone[7] != 8 || undone[2] != 8 || len(undone) != 4 {
		t.Errorf("runs undone: %v", undone)
	}
}

// With a stored model, an undo recomputes with that model and restores the
// store exactly; undoing the run that stored the model removes it.
func testUndoWithModel(t *testing.T, open func(t *testing.T) Opener) {
	s := open(t)(t, time.Second)
	c := newCorpus(13, 60)
	storeModel(t, s, dedupe.Train(newCorpus(7, 600).records, dedupe.Config{})) // run 1
	var partA, partB []crmkit.Record
	for i, r := range c.records {
		if i%2 == 0 {
			partA = append(partA, r)
		} else {
			partB = append(partB, r)
		}
	}
	importRecords(t, s, partA, nil) // run 2
	d2 := dump(t, s)
	importRecords(t, s, partB, nil) // run 3
	if _, _, err := undoRun(t, s, 0, false); err != nil {
		t.Fatalf("undo: %v", err)
	}
	if got := dump(t, s); got != d2 {
		t.Errorf("undoing run 3 with a model did not restore the store as run 2 left it:\n%s", diffLines(d2, got))
	}
	// A run that replaces the model (crmkit train, a new source), undone,
	// puts the model it replaced back.
	storeModel(t, s, dedupe.Train(newCorpus(8, 600).records, dedupe.Config{}))
	if got := dump(t, s); got == d2 {
		t.Fatalf("a new model changed nothing")
	}
	if _, _, err := undoRun(t, s, 0, false); err != nil {
		t.Fatalf("undo the model's replacement: %v", err)
	}
	if got := dump(t, s); got != d2 {
		t.Errorf("undoing the run that replaced the model did not put the old one back:\n%s", diffLines(d2, got))
	}
	if _, _, err := undoRun(t, s, 1, true); err != nil {
		t.Fatalf("undo run 1 with --force: %v", err)
	}
	if got := dump(t, s); strings.Contains(got, "lambda") {
		t.Errorf("undoing the run that stored the model left it")
	}
}
