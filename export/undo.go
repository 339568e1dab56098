package export

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
)

// Undone is what undoing runs put back, and what the undo must recompute.
type Undone struct {
	Runs     []int64 // the runs undone, latest first
	Restored int     // records put back as they were before
	Removed  int     // records the runs had added, removed
	// Seeds are the records of every match component the runs touched: the
	// undo recomputes their cards (and nothing else changes) with them.
	Seeds []crmkit.SourceKey
}

// UndoRun is a whole undo inside the caller's transaction: it takes back
// run id (0: the latest; with force, the runs after it first), recomputes
// the cards of everything they touched with the model the store holds
// after the undo, and records the undo as a run. It returns what was put
// back, the recomputation (whose Writes are empty: the restored store is
// what the runs before left) and the undo run.
func UndoRun(ctx context.Context, tx Tx, id int64, force bool, cfg dedupe.Config, opt dedupe.Options, abc ABCThresholds) (Undone, *dedupe.Plan, crmkit.Run, error) {
	u, err := tx.Undo(ctx, id, force)
	if err != nil {
		return u, nil, crmkit.Run{}, err
	}
	decisions, err := tx.Decisions(ctx)
	if err != nil {
		return u, nil, crmkit.Run{}, fmt.Errorf("read decisions: %w", err)
	}
	if cfg.Learned() {
		if cfg.Model, err = tx.Model(ctx); err != nil {
			return u, nil, crmkit.Run{}, err
		}
	}
	plan, err := dedupe.Resolve(ctx, tx, dedupe.Input{Seeds: u.Seeds, Decisions: decisions}, cfg, opt)
	if err != nil {
		return u, nil, crmkit.Run{}, err
	}
	ids := make([]string, len(u.Runs))
	for i, r := range u.Runs {
		ids[i] = strconv.FormatInt(r, 10)
	}
	run, err := tx.Apply(ctx, Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit runs undo " + strings.Join(ids, " ")},
		Plan: plan, Undoes: u.Runs, ABC: abc})
	return u, plan, run, err
}

// ErrNothingToUndo means the store has no run an undo could take back.
var ErrNothingToUndo = errors.New("no run to undo")

// Undo takes back run id (0: the latest run) exactly: the records, aliases
// and decisions it replaced are restored from their versions, what it
// added is removed, the rows it read are forgotten, and the cards of the
// customers it touched that have no record left are deleted. The caller
// recomputes the cards of Seeds and records the undo as a run (Batch.Undoes).
// Runs after id must be undone first: force undoes them too, latest first.
// A forget (ErrForgetIsFinal) is never undone, nor any run before it.
// An undo is not undone itself; importing the files again redoes a run.
func Undo(ctx context.Context, c Conn, id int64, force bool) (Undone, error) {
	var u Undone
	runs, err := undoTargets(ctx, c, id, force)
	if err != nil {
		return u, err
	}
	u.Runs = runs
	for _, q := range []string{"DROP TABLE IF EXISTS undo_ids", "CREATE TEMP TABLE undo_ids AS SELECT personal_id AS id FROM cards WHERE 1 = 0"} {
		if err := c.Exec(ctx, q); err != nil {
			return u, fmt.Errorf("undo: %w", err)
		}
	}
	for _, run := range runs {
		var restored, removed int
		if err := queryOne(ctx, c, "SELECT COALESCE(sum(CASE WHEN existed THEN 1 ELSE 0 END), 0), count(*) - COALESCE(sum(CASE WHEN existed THEN 1 ELSE 0 END), 0) FROM record_versions WHERE run_id = $1",
			[]any{run}, &restored, &removed); err != nil {
			return u, fmt.Errorf("undo run %d: %w", run, err)
		}
		u.Restored += restored
		u.Removed += removed
		// The keys of the records the run wrote go with them; those of the
		// records it replaced come back with them.
		if err := recordKeys(ctx, c, true, "r.seq IN (SELECT seq FROM record_versions WHERE run_id = $2)", run); err != nil {
			return u, fmt.Errorf("undo run %d: %w", run, err)
		}
		for _, q := range undoRunSQL {
			if err := c.Exec(ctx, q, run); err != nil {
				return u, fmt.Errorf("undo run %d: %w", run, err)
			}
		}
		if err := recordKeys(ctx, c, false, "r.seq IN (SELECT seq FROM record_versions WHERE run_id = $2 AND existed = TRUE)", run); err != nil {
			return u, fmt.Errorf("undo run %d: %w", run, err)
		}
		for _, q := range dropVersionsSQL {
			if err := c.Exec(ctx, q, run); err != nil {
				return u, fmt.Errorf("undo run %d: %w", run, err)
			}
		}
	}
	for _, q := range undoCardsSQL {
		if err := c.Exec(ctx, q); err != nil {
			return u, fmt.Errorf("undo: %w", err)
		}
	}
	rows, done, err := c.Query(ctx, `SELECT source, source_key FROM records WHERE personal_id IN (SELECT id FROM undo_ids)
		UNION SELECT source, source_key FROM records WHERE component IN (SELECT id FROM undo_ids) ORDER BY 1, 2`)
	if err != nil {
		return u, fmt.Errorf("undo: %w", err)
	}
	for rows.Next() {
		var sk crmkit.SourceKey
		if err := rows.Scan(&sk.Source, &sk.Key); err != nil {
			done()
			return u, fmt.Errorf("undo: %w", err)
		}
		u.Seeds = append(u.Seeds, sk)
	}
	err = rows.Err()
	done()
	if err != nil {
		return u, fmt.Errorf("undo: %w", err)
	}
	return u, c.Exec(ctx, "DROP TABLE undo_ids")
}

// undoTargets checks that run id can be undone and returns the runs to
// undo, latest first.
func undoTargets(ctx context.Context, c Conn, id int64, force bool) ([]int64, error) {
	rows, done, err := c.Query(ctx, `SELECT id, COALESCE(undone_by, 0), EXISTS (SELECT 1 FROM runs u WHERE u.undone_by = r.id),
		EXISTS (SELECT 1 FROM tombstones t WHERE t.run_id = r.id)
		FROM runs r WHERE finished_at IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("undo: %w", err)
	}
	type run struct {
		id, undoneBy   int64
		isUndo, forgot bool
	}
	var all []run
	for rows.Next() {
		var r run
		if err := rows.Scan(&r.id, &r.undoneBy, &r.isUndo, &r.forgot); err != nil {
			done()
			return nil, fmt.Errorf("undo: %w", err)
		}
		all = append(all, r)
	}
	err = rows.Err()
	done()
	if err != nil {
		return nil, fmt.Errorf("undo: %w", err)
	}
	var live []int64 // runs that can be undone, oldest first
	forgets := map[int64]bool{}
	found := false
	for _, r := range all {
		if r.id == id {
			found = true
			switch {
			case r.undoneBy != 0:
				return nil, fmt.Errorf("run %d was undone by run %d already", id, r.undoneBy)
			case r.isUndo:
				return nil, fmt.Errorf("run %d is an undo and cannot be undone: import the files again to redo what it took back", id)
			}
		}
		if r.undoneBy == 0 && !r.isUndo {
			live = append(live, r.id)
		}
		if r.forgot {
			forgets[r.id] = true
		}
	}
	// What a forget erased is gone: the forget cannot be undone, and the
	// runs before it cannot be restored as they were.
	if id == 0 {
		if len(live) == 0 {
			return nil, ErrNothingToUndo
		}
		if latest := live[len(live)-1]; forgets[latest] {
			return nil, fmt.Errorf("the latest run, %d, forgot a customer: %w", latest, ErrForgetIsFinal)
		}
		return live[len(live)-1:], nil
	}
	if !found {
		return nil, fmt.Errorf("no run %d in the store", id)
	}
	if forgets[id] {
		return nil, fmt.Errorf("run %d forgot a customer: %w", id, ErrForgetIsFinal)
	}
	for i := len(live) - 1; i >= 0 && live[i] > id; i-- {
		if forgets[live[i]] {
			return nil, fmt.Errorf("run %d forgot a customer after run %d, so run %d cannot be undone: %w", live[i], id, id, ErrForgetIsFinal)
		}
	}
	var later []string
	var targets []int64
	for i := len(live) - 1; i >= 0 && live[i] > id; i-- {
		later = append(later, strconv.FormatInt(live[i], 10))
		targets = append(targets, live[i])
	}
	if len(later) > 0 && !force {
		return nil, fmt.Errorf("run %d was followed by run %s: undo those first, or use --force to undo them too (latest first)",
			id, strings.Join(later, ", "))
	}
	targets = append(targets, id)
	return targets, nil
}

// undoRunSQL restores what run $1 replaced. First it notes every customer
// and component the run touched, before and after, so that their cards can
// be recomputed.
var undoRunSQL = []string{
	`INSERT INTO undo_ids (id)
		SELECT r.personal_id FROM records r JOIN record_versions v ON v.seq = r.seq WHERE v.run_id = $1
		UNION SELECT r.component FROM records r JOIN record_versions v ON v.seq = r.seq WHERE v.run_id = $1
		UNION SELECT personal_id FROM record_versions WHERE run_id = $1 AND existed = TRUE
		UNION SELECT component FROM record_versions WHERE run_id = $1 AND existed = TRUE
		UNION SELECT alias_id FROM alias_versions WHERE run_id = $1
		UNION SELECT personal_id FROM alias_versions WHERE run_id = $1 AND existed = TRUE
		UNION SELECT a.personal_id FROM aliases a JOIN alias_versions v ON v.alias_id = a.alias_id WHERE v.run_id = $1
		UNION SELECT r.component FROM records r JOIN decision_versions d ON d.a_source = r.source AND d.a_key = r.source_key WHERE d.run_id = $1
		UNION SELECT r.component FROM records r JOIN decision_versions d ON d.b_source = r.source AND d.b_key = r.source_key WHERE d.run_id = $1`,

	"DELETE FROM records WHERE seq IN (SELECT seq FROM record_versions WHERE run_id = $1 AND existed = FALSE)",
	`UPDATE records SET source = v.source, source_key = v.source_key, personal_id = v.personal_id, first_id = v.first_id,
		component = v.component, file = v.file, row_num = v.row_num, data = v.data, run_id = v.data_run, ord = v.ord, first_run = v.first_run
		FROM record_versions v WHERE v.run_id = $1 AND v.existed = TRUE AND v.seq = records.seq`,

	"DELETE FROM aliases WHERE alias_id IN (SELECT alias_id FROM alias_versions WHERE run_id = $1)",
	"INSERT INTO aliases (alias_id, personal_id, run_id) SELECT alias_id, personal_id, alias_run FROM alias_versions WHERE run_id = $1 AND existed = TRUE",

	`DELETE FROM decisions WHERE EXISTS (SELECT 1 FROM decision_versions v WHERE v.run_id = $1 AND v.a_source = decisions.a_source
		AND v.a_key = decisions.a_key AND v.b_source = decisions.b_source AND v.b_key = decisions.b_key)`,
	`INSERT INTO decisions (a_source, a_key, b_source, b_key, same, run_id)
		SELECT a_source, a_key, b_source, b_key, same, decision_run FROM decision_versions WHERE run_id = $1 AND existed = TRUE`,

	"DELETE FROM sightings WHERE run_id = $1",
	"DELETE FROM match_model WHERE run_id = $1",
	"INSERT INTO match_model (id, params, records, run_id) SELECT 1, params, records, model_run FROM model_versions WHERE run_id = $1",
}

var dropVersionsSQL = []string{
	"DELETE FROM record_versions WHERE run_id = $1",
	"DELETE FROM alias_versions WHERE run_id = $1",
	"DELETE FROM decision_versions WHERE run_id = $1",
	"DELETE FROM model_versions WHERE run_id = $1",
}

// undoCardsSQL: a card whose organisation was touched is recomputed too,
// and a touched customer with no record left has no card.
var undoCardsSQL = []string{
	"INSERT INTO undo_ids (id) SELECT personal_id FROM cards WHERE org_id IN (SELECT id FROM undo_ids)",
	`DELETE FROM contact_points WHERE personal_id IN (SELECT id FROM undo_ids)
		AND NOT EXISTS (SELECT 1 FROM records r WHERE r.personal_id = contact_points.personal_id)`,
	`DELETE FROM cards WHERE personal_id IN (SELECT id FROM undo_ids)
		AND NOT EXISTS (SELECT 1 FROM records r WHERE r.personal_id = cards.personal_id)`,
}
