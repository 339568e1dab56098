package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/google/uuid"
)

// The right to erasure (crmkit forget): a customer's personal data leaves
// the store for good, and a tombstone per source record remembers only
// that it was there, so that a later import does not bring it back.

// ErrNoCustomer means the store holds no customer by the name given (or it
// was forgotten already).
var ErrNoCustomer = errors.New("no such customer in the store")

// ErrForgetIsFinal means an undo would have to take back a forget: what a
// forget erased is gone, so neither it nor any run before it can be undone.
var ErrForgetIsFinal = errors.New("a forget cannot be undone")

// CodeForgotten is the problem of an input row whose source record belongs
// to a forgotten customer: the row is not imported.
const CodeForgotten = "record.forgotten"

// Forgotten is what forgetting a customer erased.
type Forgotten struct {
	Run         crmkit.Run
	PersonalID  string             // the customer (a survivor's ID when an alias was named)
	Keys        []crmkit.SourceKey // its source records, now tombstones
	Cards       int                // cards removed: 1, or 0 for a customer without a card
	Problems    int                // problems of its rows removed
	ReviewPairs int                // review pairs that showed one of its records, removed
}

// Forget erases the customer target names — a personal ID (or an alias of
// one) or a record's "SOURCE/KEY", which stands for the record's customer
// — from every table, keeps a tombstone per source record and records the
// forget as a run, all inside the caller's transaction. reason is kept in
// the tombstone; it must not hold personal data. th are the ABC thresholds
// the remaining customers are ranked with again.
func Forget(ctx context.Context, c Conn, target, reason string, th ABCThresholds, started time.Time) (Forgotten, error) {
	var f Forgotten
	id, err := forgetTarget(ctx, c, target)
	if err != nil {
		return f, err
	}
	f.PersonalID = id
	args, err := RunStart(crmkit.Run{StartedAt: started, Command: "crmkit forget " + target})
	if err != nil {
		return f, err
	}
	var runID int64
	if err := queryOne(ctx, c, InsertRunSQL, args, &runID); err != nil {
		return f, fmt.Errorf("forget: record run: %w", err)
	}
	for _, q := range forgetStageSQL {
		if err := c.Exec(ctx, q, id); err != nil {
			return f, fmt.Errorf("forget %s: %w", id, err)
		}
	}
	if err := queryRows(ctx, c, "SELECT source, source_key FROM forget_records ORDER BY source, source_key", func(rows Rows) error {
		var k crmkit.SourceKey
		err := rows.Scan(&k.Source, &k.Key)
		f.Keys = append(f.Keys, k)
		return err
	}); err != nil {
		return f, fmt.Errorf("forget %s: %w", id, err)
	}
	if err := queryOne(ctx, c, `SELECT (SELECT count(*) FROM cards WHERE personal_id = $1),
		(SELECT count(*) FROM problems p WHERE EXISTS (SELECT 1 FROM forget_places x WHERE x.file = p.file AND x.row_num = p.row_num))`,
		[]any{id}, &f.Cards, &f.Problems); err != nil {
		return f, fmt.Errorf("forget %s: %w", id, err)
	}
	if f.ReviewPairs, err = forgetReviewPairs(ctx, c, f.Keys); err != nil {
		return f, fmt.Errorf("forget %s: %w", id, err)
	}
	values, err := modelValues(ctx, c)
	if err != nil {
		return f, fmt.Errorf("forget %s: %w", id, err)
	}
	if err := recordKeys(ctx, c, true, "r.seq IN (SELECT seq FROM forget_records)"); err != nil {
		return f, fmt.Errorf("forget %s: %w", id, err)
	}
	now := StoreTime(time.Now())
	for _, q := range forgetSQL {
		if err := c.Exec(ctx, q, id, runID, now, reason); err != nil {
			return f, fmt.Errorf("forget %s: %w", id, err)
		}
	}
	if err := forgetInModel(ctx, c, values); err != nil {
		return f, fmt.Errorf("forget %s: %w", id, err)
	}
	// A forgotten customer's revenue leaves the ranking: rank again.
	if err := rankAll(ctx, c, th.OrDefault()); err != nil {
		return f, fmt.Errorf("forget %s: %w", id, err)
	}
	if err := c.Exec(ctx, FinishRunSQL, runID, now, len(f.Keys), 0, 0, 0, 0, 0, 0); err != nil {
		return f, fmt.Errorf("forget: record run: %w", err)
	}
	rows, done, err := c.Query(ctx, SelectRunSQL, runID)
	if err != nil {
		return f, fmt.Errorf("forget: record run: %w", err)
	}
	defer done()
	f.Run, err = FinishedRun(rows)
	return f, err
}

// forgetTarget finds the customer a forget names, refusing one forgotten
// already. The messages name IDs and keys only, never a value.
func forgetTarget(ctx context.Context, c Conn, target string) (string, error) {
	var ids []string
	scanID := func(rows Rows) error {
		var id string
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	}
	var gone []int64
	scanRun := func(rows Rows) error {
		var run int64
		err := rows.Scan(&run)
		gone = append(gone, run)
		return err
	}
	if src, key, ok := strings.Cut(target, "/"); ok {
		if err := queryRows(ctx, c, "SELECT personal_id FROM records WHERE source = $1 AND source_key = $2", scanID, src, key); err != nil {
			return "", fmt.Errorf("forget %s: %w", target, err)
		}
		if len(ids) == 1 {
			return ids[0], nil
		}
		if err := queryRows(ctx, c, "SELECT run_id FROM tombstones WHERE source = $1 AND source_key = $2", scanRun, src, key); err != nil {
			return "", fmt.Errorf("forget %s: %w", target, err)
		}
		if len(gone) > 0 {
			return "", fmt.Errorf("record %s was forgotten by run %d already: %w", target, gone[0], ErrNoCustomer)
		}
		return "", fmt.Errorf("record %s: %w", target, ErrNoCustomer)
	}
	// A personal ID is a UUID: PostgreSQL's uuid column reads any spelling
	// of one and refuses anything else, SQLite compares the text crmkit
	// wrote. Both are asked the spelling crmkit writes.
	u, err := uuid.Parse(target)
	if err != nil {
		return "", fmt.Errorf("customer %s: %w", target, ErrNoCustomer)
	}
	id := u.String()
	if err := queryRows(ctx, c, "SELECT personal_id FROM aliases WHERE alias_id = $1", scanID, id); err != nil {
		return "", fmt.Errorf("forget %s: %w", target, err)
	}
	if len(ids) == 1 {
		id = ids[0] // an alias stands for the customer it was merged into
	}
	var n int
	if err := queryOne(ctx, c, "SELECT count(*) FROM records WHERE personal_id = $1", []any{id}, &n); err != nil {
		return "", fmt.Errorf("forget %s: %w", target, err)
	}
	if n > 0 {
		return id, nil
	}
	if err := queryRows(ctx, c, "SELECT DISTINCT run_id FROM tombstones WHERE personal_id = $1", scanRun, id); err != nil {
		return "", fmt.Errorf("forget %s: %w", target, err)
	}
	if len(gone) > 0 {
		return "", fmt.Errorf("customer %s was forgotten by run %d already: %w", target, gone[0], ErrNoCustomer)
	}
	return "", fmt.Errorf("customer %s: %w", target, ErrNoCustomer)
}

// forgetStageSQL notes, for customer $1, its records, every personal ID
// it had (its own, its aliases, the IDs its records were first given) and
// every place in the input files its records were read from.
var forgetStageSQL = []string{
	"DROP TABLE IF EXISTS forget_records",
	"DROP TABLE IF EXISTS forget_ids",
	"DROP TABLE IF EXISTS forget_places",
	"CREATE TEMP TABLE forget_records (seq BIGINT, source TEXT, source_key TEXT)",
	"CREATE TEMP TABLE forget_ids AS SELECT personal_id AS id FROM cards WHERE 1 = 0",
	"CREATE TEMP TABLE forget_places (file TEXT, row_num BIGINT)",
	"INSERT INTO forget_records (seq, source, source_key) SELECT seq, source, source_key FROM records WHERE personal_id = $1",
	`INSERT INTO forget_ids (id) SELECT $1 UNION SELECT alias_id FROM aliases WHERE personal_id = $1
		UNION SELECT first_id FROM records WHERE personal_id = $1`,
	`INSERT INTO forget_places (file, row_num) SELECT file, row_num FROM records WHERE personal_id = $1
		UNION SELECT v.file, v.row_num FROM record_versions v JOIN forget_records f ON f.seq = v.seq WHERE v.existed = TRUE
		UNION SELECT s.file, s.row_num FROM sightings s JOIN forget_records f ON f.source = s.source AND f.source_key = s.source_key`,
}

// forgetSQL erases customer $1 as run $2 at $3 with reason $4, tombstone
// first. Cards of other customers that name it as their organisation keep
// the ID (an ID is not personal data, and the tombstone answers for it).
var forgetSQL = []string{
	`INSERT INTO tombstones (source, source_key, personal_id, run_id, forgotten_at, reason)
		SELECT source, source_key, $1, $2, $3, $4 FROM forget_records`,
	"DELETE FROM problems WHERE EXISTS (SELECT 1 FROM forget_places x WHERE x.file = problems.file AND x.row_num = problems.row_num)",
	"DELETE FROM sightings WHERE EXISTS (SELECT 1 FROM forget_records f WHERE f.source = sightings.source AND f.source_key = sightings.source_key)",
	`DELETE FROM decisions WHERE EXISTS (SELECT 1 FROM forget_records f WHERE (f.source = decisions.a_source AND f.source_key = decisions.a_key)
		OR (f.source = decisions.b_source AND f.source_key = decisions.b_key))`,
	`DELETE FROM decision_versions WHERE EXISTS (SELECT 1 FROM forget_records f WHERE (f.source = decision_versions.a_source AND f.source_key = decision_versions.a_key)
		OR (f.source = decision_versions.b_source AND f.source_key = decision_versions.b_key))`,
	"DELETE FROM record_versions WHERE seq IN (SELECT seq FROM forget_records)",
	"DELETE FROM alias_versions WHERE alias_id IN (SELECT id FROM forget_ids) OR personal_id IN (SELECT id FROM forget_ids)",
	"DELETE FROM aliases WHERE alias_id IN (SELECT id FROM forget_ids) OR personal_id IN (SELECT id FROM forget_ids)",
	"DELETE FROM records WHERE seq IN (SELECT seq FROM forget_records)",
	"DELETE FROM contact_points WHERE personal_id = $1",
	"DELETE FROM cards WHERE personal_id = $1",
	"DROP TABLE forget_records",
	"DROP TABLE forget_ids",
	"DROP TABLE forget_places",
}

// forgetReviewPairs deletes the review pairs that show one of keys: each
// side is a JSON view with the record's name and contacts.
func forgetReviewPairs(ctx context.Context, c Conn, keys []crmkit.SourceKey) (int, error) {
	forgotten := map[crmkit.SourceKey]bool{}
	for _, k := range keys {
		forgotten[k] = true
	}
	var ids []int64
	err := queryRows(ctx, c, "SELECT id, a, b FROM review_pairs ORDER BY id", func(rows Rows) error {
		var id int64
		var a, b string
		if err := rows.Scan(&id, &a, &b); err != nil {
			return err
		}
		for _, side := range []string{a, b} {
			var v RecordView
			if err := json.Unmarshal([]byte(side), &v); err != nil {
				return fmt.Errorf("review pair %d: %w", id, err)
			}
			if forgotten[crmkit.SourceKey{Source: v.Source, Key: v.Key}] {
				ids = append(ids, id)
				break
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("review pairs: %w", err)
	}
	for _, id := range ids {
		if err := c.Exec(ctx, "DELETE FROM review_pairs WHERE id = $1", id); err != nil {
			return 0, fmt.Errorf("review pairs: %w", err)
		}
	}
	return len(ids), nil
}

// modelValue is a value of the match model's term frequencies that a
// forgotten record holds, with the record key (dedupe.BlockKeys) under
// which another record would hold it too.
type modelValue struct{ comp, value, key string }

// modelValues lists the forgotten records' values that the stored match
// model's term frequencies may list: phones, e-mails and name keys.
func modelValues(ctx context.Context, c Conn) ([]modelValue, error) {
	var out []modelValue
	err := queryRows(ctx, c, `SELECT data FROM records WHERE seq IN (SELECT seq FROM forget_records)
		UNION SELECT data FROM record_versions WHERE seq IN (SELECT seq FROM forget_records) AND existed = TRUE`, func(rows Rows) error {
		var data string
		if err := rows.Scan(&data); err != nil {
			return err
		}
		var r crmkit.Record
		if err := decodeRecord(data, &r); err != nil {
			return err
		}
		if r.NameKey != "" {
			// "name:" is dedupe's key of the folded full name; should it
			// change, the value is held by nobody and goes: erasure errs
			// on the side of the person.
			out = append(out, modelValue{"person_name", r.NameKey, "name:" + r.NameKey}, modelValue{"org_name", r.NameKey, "name:" + r.NameKey})
		}
		for _, p := range r.Phones {
			out = append(out, modelValue{"phone", "phone:" + p.E164, "phone:" + p.E164})
		}
		for _, e := range r.Emails {
			out = append(out, modelValue{"email", "email:" + e, "email:" + e})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	return out, nil
}

// forgetInModel takes out of the stored match model's term frequencies,
// which list values of the records it was estimated from, the forgotten
// values no remaining record holds. A value others hold too (an office
// phone) stays, so that their matches weigh as before; the model's other
// parameters are shares over many records, not anyone's values.
func forgetInModel(ctx context.Context, c Conn, values []modelValue) error {
	m, err := Model(ctx, c)
	if err != nil {
		return err
	}
	if m != nil {
		changed, err := forgetInParams(ctx, c, m, values)
		if err != nil {
			return err
		}
		if changed {
			if err := storeParams(ctx, c, "UPDATE match_model SET params = $1 WHERE id = 1", m); err != nil {
				return err
			}
		}
	}
	// The models runs replaced, kept for runs undo, list values too.
	type version struct {
		run    int64
		params string
	}
	var versions []version
	if err := queryRows(ctx, c, "SELECT run_id, params FROM model_versions", func(rows Rows) error {
		var v version
		if err := rows.Scan(&v.run, textScan{&v.params}); err != nil {
			return err
		}
		versions = append(versions, v)
		return nil
	}); err != nil {
		return fmt.Errorf("read replaced match models: %w", err)
	}
	for _, v := range versions {
		var p dedupe.Params
		if err := json.Unmarshal([]byte(v.params), &p); err != nil {
			return fmt.Errorf("read replaced match model of run %d: %w", v.run, err)
		}
		changed, err := forgetInParams(ctx, c, &p, values)
		if err != nil {
			return err
		}
		if changed {
			if err := storeParams(ctx, c, "UPDATE model_versions SET params = $1 WHERE run_id = $2", &p, v.run); err != nil {
				return err
			}
		}
	}
	return nil
}

// forgetInParams takes the forgotten values no remaining record holds out
// of a model's term frequencies, and says whether any was there.
func forgetInParams(ctx context.Context, c Conn, m *dedupe.Params, values []modelValue) (bool, error) {
	changed := false
	for _, v := range values {
		if _, ok := m.TF[v.comp][v.value]; !ok {
			continue
		}
		var held int
		if err := queryOne(ctx, c, "SELECT count(*) FROM record_keys WHERE key = $1", []any{KeyHash(v.key)}, &held); err != nil {
			return false, fmt.Errorf("match model: %w", err)
		}
		if held == 0 {
			delete(m.TF[v.comp], v.value)
			changed = true
		}
	}
	return changed, nil
}

// storeParams writes a model's JSON with the statement q ($1 the JSON).
func storeParams(ctx context.Context, c Conn, q string, m *dedupe.Params, args ...any) error {
	js, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store match model: %w", err)
	}
	if err := c.Exec(ctx, q, append([]any{string(js)}, args...)...); err != nil {
		return fmt.Errorf("store match model: %w", err)
	}
	return nil
}

// Tombstones reads every forgotten source key with the run that forgot it:
// one read per import, usually of nothing.
func Tombstones(ctx context.Context, c Conn) (map[crmkit.SourceKey]int64, error) {
	out := map[crmkit.SourceKey]int64{}
	err := queryRows(ctx, c, "SELECT source, source_key, run_id FROM tombstones", func(rows Rows) error {
		var k crmkit.SourceKey
		var run int64
		err := rows.Scan(&k.Source, &k.Key, &run)
		out[k] = run
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read tombstones: %w", err)
	}
	return out, nil
}

// DropForgotten takes the records of forgotten customers (tombstones, from
// Tombstones) out of a run's records, with the problems of their rows
// (which may quote their values, masked), and reports each as a
// record.forgotten problem instead. It filters in place.
func DropForgotten(tombstones map[crmkit.SourceKey]int64, recs []crmkit.Record, problems []crmkit.Problem) ([]crmkit.Record, []crmkit.Problem) {
	if len(tombstones) == 0 {
		return recs, problems
	}
	type place struct {
		file string
		row  int
	}
	dropped := map[place]bool{}
	var reported []crmkit.Problem
	kept := recs[:0]
	for _, r := range recs {
		run, gone := tombstones[crmkit.SourceKey{Source: r.Source, Key: r.Key}]
		if !gone {
			kept = append(kept, r)
			continue
		}
		dropped[place{r.File, r.Row}] = true
		reported = append(reported, crmkit.Problem{File: r.File, Row: r.Row, Code: CodeForgotten, Severity: crmkit.SeverityWarning,
			Message: fmt.Sprintf("record %s/%s belongs to a customer forgotten by run %d: not imported", r.Source, r.Key, run)})
	}
	if len(reported) == 0 {
		return recs, problems
	}
	clear(recs[len(kept):]) // nothing of the dropped records stays reachable
	keptProblems := problems[:0]
	for _, p := range problems {
		if p.Row == 0 || !dropped[place{p.File, p.Row}] {
			keptProblems = append(keptProblems, p)
		}
	}
	clear(problems[len(keptProblems):])
	return kept, append(keptProblems, reported...)
}
