package export

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
)

// The SQL below is shared by both engines: it uses $N placeholders (which
// SQLite reads too) and nothing PostgreSQL-only, so that PostgreSQL-compatible
// distributed engines can run it.

// CardFields are the cards columns after personal_id, in CardValues order.
var CardFields = []string{"kind", "name", "last_name", "first_name", "middle_name", "org_name", "legal_form", "inn", "kpp", "address", "city", "org_id", "revenue"}

// CardValues returns personal_id and CardFields of a card; no organisation
// and no revenue are NULL.
func CardValues(c crmkit.Card) []any {
	return []any{c.PersonalID, string(c.Kind), c.Name, c.LastName, c.FirstName, c.MiddleName, c.OrgName, c.LegalForm, c.INN, c.KPP, c.Address, c.City, orNull(c.OrgID), orNull(c.Revenue)}
}

// Statements of a run that both engines issue as they are.
const (
	InsertRunSQL = "INSERT INTO runs (started_at, command, files) VALUES ($1, $2, $3) RETURNING id"
	FinishRunSQL = `UPDATE runs SET finished_at = $2, records = $3, problems = $4, duplicates = $5,
		cards_created = $6, cards_updated = $7, cards_merged = $8, links_created = $9 WHERE id = $1`
	SelectCardsSQL = `SELECT c.personal_id, c.kind, c.name, c.last_name, c.first_name, c.middle_name, c.org_name,
		c.legal_form, c.inn, c.kpp, c.address, c.city, c.org_id, c.revenue, c.abc_class,
		COALESCE(p.type, ''), COALESCE(p.value, ''), COALESCE(p.extension, ''), COALESCE(p.source, '')
		FROM cards c LEFT JOIN contact_points p ON p.personal_id = c.personal_id
		ORDER BY c.personal_id, p.ord`
	SelectLinksSQL = "SELECT personal_id, source, source_key, file, row_num FROM records ORDER BY file, row_num, source, source_key"
	// SelectRowsSQL: every row the latest run of each file read, with the
	// customer its record belongs to now.
	SelectRowsSQL = `SELECT r.personal_id, s.source, s.source_key, s.file, s.row_num FROM sightings s
		LEFT JOIN records r ON r.source = s.source AND r.source_key = s.source_key ORDER BY s.file, s.row_num, s.source, s.source_key`
	SelectProblemsSQL = `SELECT file, row_num, field, code, severity, message FROM problems
		WHERE run_id = CASE WHEN $1 > 0 THEN $1 ELSE (SELECT COALESCE(max(id), 0) FROM runs WHERE finished_at IS NOT NULL) END
		ORDER BY id`
	selectRun = `SELECT id, started_at, finished_at, command, files, records, problems, duplicates,
		cards_created, cards_merged, links_created, cards_updated, COALESCE(undone_by, 0) FROM runs `
	SelectRunsSQL = selectRun + "WHERE finished_at IS NOT NULL ORDER BY id"
	SelectRunSQL  = selectRun + "WHERE id = $1"
)

// RunStart returns the values of InsertRunSQL.
func RunStart(r crmkit.Run) ([]any, error) {
	files, err := json.Marshal(r.Files)
	if err != nil {
		return nil, err
	}
	return []any{StoreTime(r.StartedAt), r.Command, string(files)}, nil
}

// FinishedRun reads back the run that FinishRunSQL completed.
func FinishedRun(rows Rows) (crmkit.Run, error) {
	run, err := crmkit.Run{}, fmt.Errorf("the run disappeared from the store")
	ScanRuns(rows, func(r crmkit.Run, e error) bool {
		run, err = r, e
		return false
	})
	return run, err
}

// Rows is what both engines' result sets offer.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanCards groups the rows of SelectCardsSQL into cards.
func ScanCards(rows Rows, yield func(crmkit.Card, error) bool) {
	var cur crmkit.Card
	have := false
	for rows.Next() {
		var c crmkit.Card
		var kind string
		var cp crmkit.ContactPoint
		if err := rows.Scan(&c.PersonalID, &kind, &c.Name, &c.LastName, &c.FirstName, &c.MiddleName, &c.OrgName,
			&c.LegalForm, &c.INN, &c.KPP, &c.Address, &c.City, textScan{&c.OrgID}, moneyScan{&c.Revenue}, &c.ABCClass, &cp.Type, &cp.Value, &cp.Extension, &cp.Source); err != nil {
			yield(crmkit.Card{}, fmt.Errorf("read cards: %w", err))
			return
		}
		c.Kind = crmkit.Kind(kind)
		if have && c.PersonalID != cur.PersonalID {
			if !yield(cur, nil) {
				return
			}
			have = false
		}
		if !have {
			cur, have = c, true
		}
		if cp.Type != "" {
			cur.ContactPoints = append(cur.ContactPoints, cp)
		}
	}
	if err := rows.Err(); err != nil {
		yield(crmkit.Card{}, fmt.Errorf("read cards: %w", err))
		return
	}
	if have {
		yield(cur, nil)
	}
}

// ScanLinks reads the rows of SelectLinksSQL.
func ScanLinks(rows Rows, yield func(crmkit.Link, error) bool) {
	scanEach(rows, "links", yield, func(l *crmkit.Link) []any {
		return []any{textScan{&l.PersonalID}, &l.Source, &l.SourceKey, &l.File, &l.Row}
	})
}

// ScanProblems reads the rows of SelectProblemsSQL.
func ScanProblems(rows Rows, yield func(crmkit.Problem, error) bool) {
	scanEach(rows, "problems", yield, func(p *crmkit.Problem) []any {
		return []any{&p.File, &p.Row, &p.Field, &p.Code, (*string)(&p.Severity), &p.Message}
	})
}

// ScanRuns reads the rows of SelectRunsSQL.
func ScanRuns(rows Rows, yield func(crmkit.Run, error) bool) {
	for rows.Next() {
		var r crmkit.Run
		var files string
		if err := rows.Scan(&r.ID, timeScan{&r.StartedAt}, timeScan{&r.FinishedAt}, &r.Command, &files, &r.Records, &r.Problems, &r.Duplicates,
			&r.CardsCreated, &r.CardsMerged, &r.LinksCreated, &r.CardsUpdated, &r.UndoneBy); err != nil {
			yield(r, fmt.Errorf("read runs: %w", err))
			return
		}
		if err := json.Unmarshal([]byte(files), &r.Files); err != nil {
			yield(r, fmt.Errorf("read run %d files: %w", r.ID, err))
			return
		}
		if !yield(r, nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		yield(crmkit.Run{}, fmt.Errorf("read runs: %w", err))
	}
}

func scanEach[T any](rows Rows, what string, yield func(T, error) bool, dest func(*T) []any) {
	for rows.Next() {
		var v T
		if err := rows.Scan(dest(&v)...); err != nil {
			yield(v, fmt.Errorf("read %s: %w", what, err))
			return
		}
		if !yield(v, nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		var zero T
		yield(zero, fmt.Errorf("read %s: %w", what, err))
	}
}

// Seq adapts a query and a scanner into a stream.
func Seq[T any](query func() (Rows, func(), error), scan func(Rows, func(T, error) bool)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		rows, done, err := query()
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		defer done()
		scan(rows, yield)
	}
}

// SortedAliases lists the aliases of a batch in a stable order.
func SortedAliases(aliases map[string]string) []string {
	out := make([]string, 0, len(aliases))
	for a := range aliases {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// ArgsFor trims args to the placeholders a statement uses: pgx wants the
// counts to match, SQLite does not mind.
func ArgsFor(query string, args ...any) []any {
	n := 0
	for _, m := range placeholder.FindAllStringSubmatch(query, -1) {
		if v, _ := strconv.Atoi(m[1]); v > n {
			n = v
		}
	}
	return args[:min(n, len(args))]
}

// Tables reads the store's tables; an engine embeds it with its query function.
type Tables struct {
	Query func(ctx context.Context, q string, args ...any) (Rows, func(), error)
}

func (t Tables) seqQuery(ctx context.Context, q string, args ...any) func() (Rows, func(), error) {
	return func() (Rows, func(), error) { return t.Query(ctx, q, args...) }
}

// Cards streams every card with its contact points, by personal ID.
func (t Tables) Cards(ctx context.Context) iter.Seq2[crmkit.Card, error] {
	return Seq(t.seqQuery(ctx, SelectCardsSQL), ScanCards)
}

// Links streams every link by file and row.
func (t Tables) Links(ctx context.Context) iter.Seq2[crmkit.Link, error] {
	return Seq(t.seqQuery(ctx, SelectLinksSQL), ScanLinks)
}

// Rows streams every row the latest run of each file read, by file and row.
func (t Tables) Rows(ctx context.Context) iter.Seq2[crmkit.Link, error] {
	return Seq(t.seqQuery(ctx, SelectRowsSQL), ScanLinks)
}

// Problems streams the problems of run runID (0: the latest run).
func (t Tables) Problems(ctx context.Context, runID int64) iter.Seq2[crmkit.Problem, error] {
	return Seq(t.seqQuery(ctx, SelectProblemsSQL, runID), ScanProblems)
}

// Runs streams the finished runs, oldest first.
func (t Tables) Runs(ctx context.Context) iter.Seq2[crmkit.Run, error] {
	return Seq(t.seqQuery(ctx, SelectRunsSQL), ScanRuns)
}

// Review pairs and decisions, shared by both engines.
const (
	InsertReviewSQL   = "INSERT INTO review_pairs (run_id, score, explanation, a, b) VALUES ($1, $2, $3, $4, $5)"
	UpsertDecisionSQL = `INSERT INTO decisions (a_source, a_key, b_source, b_key, same, run_id) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (a_source, a_key, b_source, b_key) DO UPDATE SET same = excluded.same, run_id = excluded.run_id`
	// VersionDecisionSQL keeps the decision a run replaces (or that there
	// was none), once per run, for runs undo.
	VersionDecisionSQL = `INSERT INTO decision_versions (run_id, a_source, a_key, b_source, b_key, existed, same, decision_run)
		SELECT CAST($6 AS BIGINT), q.a_source, q.a_key, q.b_source, q.b_key, d.run_id IS NOT NULL,
			COALESCE(d.same, FALSE), COALESCE(d.run_id, 0)
		FROM (SELECT CAST($1 AS TEXT) AS a_source, CAST($2 AS TEXT) AS a_key, CAST($3 AS TEXT) AS b_source, CAST($4 AS TEXT) AS b_key, CAST($5 AS BOOLEAN) AS same_now) q
		LEFT JOIN decisions d ON d.a_source = q.a_source AND d.a_key = q.a_key AND d.b_source = q.b_source AND d.b_key = q.b_key
		WHERE true ON CONFLICT DO NOTHING`
	SelectDecisionsSQL = "SELECT a_source, a_key, b_source, b_key, same FROM decisions ORDER BY a_source, a_key, b_source, b_key"
	SelectReviewSQL    = `SELECT score, explanation, a, b FROM review_pairs
		WHERE run_id = CASE WHEN $1 > 0 THEN $1 ELSE (SELECT COALESCE(max(run_id), 0) FROM review_pairs) END ORDER BY id`
)

// DecisionArgs orders a decision's pair so that A–B and B–A are one row.
func DecisionArgs(d crmkit.Decision, runID int64) []any {
	a, b := d.A, d.B
	if b.Source < a.Source || (b.Source == a.Source && b.Key < a.Key) {
		a, b = b, a
	}
	return []any{a.Source, a.Key, b.Source, b.Key, d.Same, runID}
}

// ReviewArgs are the values of InsertReviewSQL.
func ReviewArgs(runID int64, r ReviewRow) ([]any, error) {
	a, err := json.Marshal(r.A)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(r.B)
	if err != nil {
		return nil, err
	}
	return []any{runID, r.Score, r.Explanation, string(a), string(b)}, nil
}

// ScanDecisions reads the rows of SelectDecisionsSQL.
func ScanDecisions(rows Rows) ([]crmkit.Decision, error) {
	var out []crmkit.Decision
	for rows.Next() {
		var d crmkit.Decision
		if err := rows.Scan(&d.A.Source, &d.A.Key, &d.B.Source, &d.B.Key, &d.Same); err != nil {
			return nil, fmt.Errorf("read decisions: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ScanReview reads the rows of SelectReviewSQL.
func ScanReview(rows Rows, yield func(ReviewRow, error) bool) {
	for rows.Next() {
		var r ReviewRow
		var a, b string
		err := rows.Scan(&r.Score, &r.Explanation, &a, &b)
		if err == nil {
			err = json.Unmarshal([]byte(a), &r.A)
		}
		if err == nil {
			err = json.Unmarshal([]byte(b), &r.B)
		}
		if err != nil {
			yield(r, fmt.Errorf("read review pairs: %w", err))
			return
		}
		if !yield(r, nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		yield(ReviewRow{}, fmt.Errorf("read review pairs: %w", err))
	}
}

// Review streams the review pairs of run runID (0: the latest that had any).
func (t Tables) Review(ctx context.Context, runID int64) iter.Seq2[ReviewRow, error] {
	return Seq(t.seqQuery(ctx, SelectReviewSQL, runID), ScanReview)
}

// dumpTables are the store's tables a re-import leaves as they were, with
// their columns: everything but the run log (runs, problems, review pairs,
// the rows each file had when it was last read).
var dumpTables = []struct{ name, cols string }{
	{"records", "seq, source, source_key, personal_id, first_id, component, file, row_num, data, run_id, ord, first_run"},
	{"record_keys", "key, seq"},
	{"record_versions", "run_id, seq, existed, source, source_key, personal_id, first_id, component, file, row_num, data, data_run, ord, first_run"},
	{"alias_versions", "run_id, alias_id, existed, personal_id, alias_run"},
	{"cards", "personal_id, " + strings.Join(CardFields, ", ") + ", abc_class"},
	{"contact_points", "personal_id, ord, type, value, extension, source"},
	{"aliases", "alias_id, personal_id, run_id"},
	{"decisions", "a_source, a_key, b_source, b_key, same, run_id"},
	{"decision_versions", "run_id, a_source, a_key, b_source, b_key, existed, same, decision_run"},
	{"match_model", "id, params, records, run_id"},
	{"model_versions", "run_id, params, records, model_run"},
	{"tombstones", "source, source_key, personal_id, run_id, forgotten_at, reason"},
	{"schema_migrations", "version, name"},
}

// Dump lists every row of the tables a re-import must leave alone, as
// text, table by table in a fixed order: what tests compare.
func (t Tables) Dump(ctx context.Context) ([]string, error) {
	var out []string
	for _, tb := range dumpTables {
		var cols []string
		for _, c := range strings.Split(tb.cols, ", ") {
			cols = append(cols, "COALESCE(CAST("+c+" AS TEXT), '')")
		}
		rows, done, err := t.Query(ctx, "SELECT "+strings.Join(cols, " || '|' || ")+" FROM "+tb.name+" ORDER BY 1")
		if err != nil {
			return nil, fmt.Errorf("dump %s: %w", tb.name, err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				done()
				return nil, fmt.Errorf("dump %s: %w", tb.name, err)
			}
			out = append(out, tb.name+": "+line)
		}
		err = rows.Err()
		done()
		if err != nil {
			return nil, fmt.Errorf("dump %s: %w", tb.name, err)
		}
	}
	return out, nil
}

// danglingChecks list the rows whose references no engine checks (SQLite
// none, PostgreSQL not these since migration 0021: a check per row of
// customer data), each as text: what tests assert is always empty.
var danglingChecks = []struct{ table, row, missing string }{
	{"records", "'seq ' || CAST(x.seq AS TEXT) || ' run ' || CAST(x.run_id AS TEXT)", "SELECT 1 FROM runs r WHERE r.id = x.run_id"},
	{"records", "'seq ' || CAST(x.seq AS TEXT) || ' first run ' || CAST(x.first_run AS TEXT)", "SELECT 1 FROM runs r WHERE r.id = x.first_run"},
	{"record_versions", "'seq ' || CAST(x.seq AS TEXT) || ' run ' || CAST(x.run_id AS TEXT)", "SELECT 1 FROM runs r WHERE r.id = x.run_id"},
	{"sightings", "x.file || ' row ' || CAST(x.row_num AS TEXT) || ' run ' || CAST(x.run_id AS TEXT)", "SELECT 1 FROM runs r WHERE r.id = x.run_id"},
	{"problems", "x.file || ' row ' || CAST(x.row_num AS TEXT) || ' run ' || CAST(x.run_id AS TEXT)", "SELECT 1 FROM runs r WHERE r.id = x.run_id"},
	{"contact_points", "CAST(x.personal_id AS TEXT) || ' ' || CAST(x.ord AS TEXT)", "SELECT 1 FROM cards c WHERE c.personal_id = x.personal_id"},
}

// Dangling lists the rows that refer to a run or a card the store does not
// hold ("records: seq 5 run 7"): none, unless crmkit wrote or deleted
// something wrong. The contract tests call it after every run, undo and
// forget.
func (t Tables) Dangling(ctx context.Context) ([]string, error) {
	var out []string
	for _, d := range danglingChecks {
		rows, done, err := t.Query(ctx, "SELECT "+d.row+" FROM "+d.table+" x WHERE NOT EXISTS ("+d.missing+") ORDER BY 1")
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", d.table, err)
		}
		for rows.Next() {
			var s string
			if err = rows.Scan(&s); err != nil {
				break
			}
			out = append(out, d.table+": "+s)
		}
		if err == nil {
			err = rows.Err()
		}
		done()
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", d.table, err)
		}
	}
	return out, nil
}

// CustomerRow is a row of the customers view: a card with its contacts,
// organisation and source count, for readers that want no joins.
type CustomerRow struct {
	PersonalID, Kind, Name, Organization, Phones, Emails, ABCClass string
	Revenue                                                        *float64 // nil: no revenue
	SourceRecords                                                  int
}

// Customers reads the customers view, by personal ID.
func (t Tables) Customers(ctx context.Context) iter.Seq2[CustomerRow, error] {
	return Seq(t.seqQuery(ctx, `SELECT personal_id, kind, name, COALESCE(organization, ''), COALESCE(phones, ''), COALESCE(emails, ''),
		abc_class, revenue, source_records FROM customers ORDER BY personal_id`), func(rows Rows, yield func(CustomerRow, error) bool) {
		scanEach(rows, "customers", yield, func(c *CustomerRow) []any {
			return []any{&c.PersonalID, &c.Kind, &c.Name, &c.Organization, &c.Phones, &c.Emails, &c.ABCClass, &c.Revenue, &c.SourceRecords}
		})
	})
}

// TraceSQL prints a statement that took more than 20 ms, with its time, to
// stderr when CRMKIT_TRACE_SQL is set: where a slow run spends its time in
// the store. Only the statement's text is printed, never its arguments
// (customer data).
func TraceSQL(start time.Time, q string) {
	if traceSQL == "" {
		return
	}
	if d := time.Since(start); d > 20*time.Millisecond {
		fmt.Fprintf(os.Stderr, "crmkit: sql %6.0f ms %.120s\n", float64(d.Microseconds())/1000, strings.Join(strings.Fields(q), " "))
	}
}

var traceSQL = os.Getenv("CRMKIT_TRACE_SQL")

// The engines hand values back in their own types: PostgreSQL's columns
// are typed (uuid, timestamptz, numeric, jsonb, boolean), SQLite's hold
// text and integers. What crmkit writes is text either parses; what it
// reads goes through these scanners, so that both give the same Go value.

// StoreTime is a time as the store writes it: RFC 3339 in UTC, to the
// microsecond, which is what timestamptz keeps (SQLite keeps the text).
func StoreTime(t time.Time) string {
	return t.UTC().Round(time.Microsecond).Format(time.RFC3339Nano)
}

// orNull is NULL for an empty value of a column that may hold none.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// textScan reads text that may be NULL (""): a uuid, a JSON document.
type textScan struct{ s *string }

func (d textScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.s = ""
	case string:
		*d.s = x
	case []byte:
		*d.s = string(x)
	default:
		return fmt.Errorf("read %T as text", v)
	}
	return nil
}

// moneyScan reads an amount as crmkit writes it, "1234.5": numeric(18,2)
// gives "1234.50", SQLite the text as written.
type moneyScan struct{ s *string }

func (d moneyScan) Scan(v any) error {
	if err := (textScan{d.s}).Scan(v); err != nil {
		return err
	}
	if strings.Contains(*d.s, ".") {
		*d.s = strings.TrimSuffix(strings.TrimRight(*d.s, "0"), ".")
	}
	return nil
}

// timeScan reads a time: a timestamptz, or SQLite's RFC 3339 text; NULL
// is the zero time. Both are to the microsecond: SQLite's text written
// before 0012 may have nanoseconds, which PostgreSQL's 0012 rounded.
type timeScan struct{ t *time.Time }

func (d timeScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.t = time.Time{}
		return nil
	case time.Time:
		*d.t = x.UTC().Round(time.Microsecond)
		return nil
	}
	var s string
	if err := (textScan{&s}).Scan(v); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("read time %q: %w", s, err)
	}
	*d.t = t.UTC().Round(time.Microsecond)
	return nil
}
