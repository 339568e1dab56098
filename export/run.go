package export

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
)

// Conn is what the steps both engines share need of a transaction. Each
// engine adapts its own (database/sql, pgx) in a few lines; an adapter may
// drop arguments a statement does not use.
type Conn interface {
	Exec(ctx context.Context, query string, args ...any) error
	Query(ctx context.Context, query string, args ...any) (rows Rows, done func(), err error)
	// Load inserts rows into a table the engine's fastest way (COPY, a
	// prepared statement).
	Load(ctx context.Context, table string, cols []string, rows iter.Seq[[]any]) error
}

// ApplyRun is a run's whole write, the same for both engines: record the
// run, write what its plan changes, its problems, review pairs and
// decisions, and count.
func ApplyRun(ctx context.Context, c Conn, b Batch) (crmkit.Run, error) {
	args, err := RunStart(b.Run)
	if err != nil {
		return crmkit.Run{}, err
	}
	var runID int64
	if err := queryOne(ctx, c, InsertRunSQL, args, &runID); err != nil {
		return crmkit.Run{}, fmt.Errorf("record run: %w", err)
	}
	var n counts
	if b.Plan != nil {
		if n, err = writePlan(ctx, c, runID, b.Plan); err != nil {
			return crmkit.Run{}, err
		}
	}
	// ABC classes depend on every card: set once, after the cards changed.
	if n.created+n.updated+n.merged > 0 || len(b.Undoes) > 0 {
		if err := classifyAfter(ctx, c, b.ABC, n.ranking || len(b.Undoes) > 0, b.Plan != nil); err != nil {
			return crmkit.Run{}, err
		}
	}
	if b.Plan != nil {
		for _, st := range stageTables {
			if err := c.Exec(ctx, "DROP TABLE "+st.name); err != nil {
				return crmkit.Run{}, fmt.Errorf("write run: %w", err)
			}
		}
	}
	if b.Plan != nil && len(b.Plan.Writes) >= analyzeWrites {
		if err := analyzeIfGrown(ctx, c, len(b.Plan.Writes)); err != nil {
			return crmkit.Run{}, err
		}
	}
	err = c.Load(ctx, "problems", []string{"run_id", "file", "row_num", "field", "code", "severity", "message"},
		loadRows(b.Problems, func(p crmkit.Problem) []any {
			return []any{runID, p.File, p.Row, p.Field, p.Code, string(p.Severity), p.Message}
		}))
	if err != nil {
		return crmkit.Run{}, fmt.Errorf("store problems: %w", err)
	}
	if err := WriteReviewAndDecisions(ctx, c, runID, b); err != nil {
		return crmkit.Run{}, err
	}
	if b.Model != nil {
		if err := saveModel(ctx, c, runID, b.Model, b.ModelRecords); err != nil {
			return crmkit.Run{}, err
		}
	}
	if err := writeSightings(ctx, c, runID, b.Rows); err != nil {
		return crmkit.Run{}, err
	}
	for _, id := range b.Undoes {
		if err := c.Exec(ctx, "UPDATE runs SET undone_by = $1 WHERE id = $2", runID, id); err != nil {
			return crmkit.Run{}, fmt.Errorf("record undo: %w", err)
		}
	}
	if err := c.Exec(ctx, FinishRunSQL, runID, StoreTime(time.Now()), b.Run.Records, b.Run.Problems,
		b.Run.Duplicates, n.created, n.updated, n.merged, n.links); err != nil {
		return crmkit.Run{}, fmt.Errorf("record run: %w", err)
	}
	rows, done, err := c.Query(ctx, SelectRunSQL, runID)
	if err != nil {
		return crmkit.Run{}, fmt.Errorf("record run: %w", err)
	}
	defer done()
	return FinishedRun(rows)
}

type counts struct {
	created, updated, merged, links int
	ranking                         bool // a card's revenue or kind changes, or a card with revenue merges away
}

// analyzeWrites: a run that writes this many records, and a tenth of the
// store or more, refreshes the planner's statistics of the big tables, so
// that the next run's lookups use their indexes (a server may run without
// autovacuum, and a first import takes the store from empty to large).
const analyzeWrites = 10000

func analyzeIfGrown(ctx context.Context, c Conn, writes int) error {
	var total int // counted only as far as ten times the writes: a nightly run does not walk a million
	if err := queryOne(ctx, c, "SELECT count(*) FROM (SELECT 1 FROM records LIMIT $1) r", []any{writes*10 + 1}, &total); err != nil {
		return fmt.Errorf("count records: %w", err)
	}
	if writes*10 < total {
		return nil
	}
	for _, t := range []string{"records", "record_keys", "cards", "contact_points"} {
		if err := c.Exec(ctx, "ANALYZE "+t); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}

// The run's rows are staged in temporary tables and merged set-wise with
// SQL both engines read alike. Each is made from the table it fills
// (CREATE TABLE AS … WHERE 1 = 0), so that its columns have that table's
// types on either engine: PostgreSQL's uuid, jsonb and numeric columns are
// filled from uuid, jsonb and numeric, and COPY parses the text it is given.
// rec numbers the staged records; seq is a stored record's (0 for a new
// one until it is inserted): the merge finds a record by its seq, not by
// its source key (a lookup in the store's biggest index each).
var stageTables = []struct{ name, cols, from string }{
	{"stage_records", "CAST(NULL AS BIGINT) AS rec, seq, CAST(NULL AS BIGINT) AS existed, source, source_key, personal_id, first_id, component, file, row_num, data, CAST(NULL AS BIGINT) AS content, ord", "records"},
	{"stage_keys", "CAST(NULL AS BIGINT) AS rec, key, CAST(NULL AS BIGINT) AS add_key", "record_keys"},
	{"stage_aliases", "alias_id, personal_id", "aliases"},
	{"stage_revived", "alias_id", "aliases"},
	{"stage_cards", "personal_id, " + strings.Join(CardFields, ", "), "cards"},
	{"stage_contacts", contactCols, "contact_points"},
}

// stageColumns names the columns of a stage table, in its order.
func stageColumns(cols string) []string {
	var out []string
	for _, c := range strings.Split(cols, ", ") {
		if i := strings.LastIndex(c, " AS "); i >= 0 {
			c = c[i+len(" AS "):]
		}
		out = append(out, c)
	}
	return out
}

var stageIndexes = []string{
	"CREATE INDEX stage_records_rec ON stage_records (rec, seq)",
	"CREATE INDEX stage_aliases_id ON stage_aliases (alias_id)",
	"CREATE INDEX stage_revived_id ON stage_revived (alias_id)",
	"CREATE INDEX stage_cards_id ON stage_cards (personal_id)",
	"CREATE INDEX stage_contacts_id ON stage_contacts (personal_id, ord)",
}

func writePlan(ctx context.Context, c Conn, runID int64, p *dedupe.Plan) (counts, error) {
	var n counts
	fresh, err := freshStore(ctx, c, p)
	if err != nil {
		return n, err
	}
	for _, st := range stageTables {
		for _, q := range []string{"DROP TABLE IF EXISTS " + st.name, "CREATE TEMP TABLE " + st.name + " AS SELECT " + st.cols + " FROM " + st.from + " WHERE 1 = 0"} {
			if err := c.Exec(ctx, q); err != nil {
				return n, fmt.Errorf("prepare write: %w", err)
			}
		}
	}
	// The rows are made as they are staged, not all held first: a first
	// import of a million records would hold gigabytes of them.
	var encodeErr error
	records := func(yield func([]any) bool) {
		for i, w := range p.Writes {
			data, err := EncodeRecord(&w.Record)
			if err != nil {
				encodeErr = err
				return
			}
			content, existed := 0, 1
			if w.Content {
				content = 1
			}
			if w.Seq == 0 {
				existed = 0
			}
			if !yield([]any{i, w.Seq, existed, w.Source, w.Key, w.PersonalID, w.FirstID, w.Component, w.File, w.Row, data, content, w.Ord}) {
				return
			}
		}
	}
	for _, w := range p.Writes {
		if w.Seq == 0 {
			n.links++
		}
	}
	keys := func(yield func([]any) bool) {
		for i, w := range p.Writes {
			for _, k := range w.AddKeys() {
				if !yield([]any{i, KeyHash(k), 1}) {
					return
				}
			}
			for _, k := range w.DropKeys {
				if !yield([]any{i, KeyHash(k), 0}) {
					return
				}
			}
		}
	}
	aliases := func(yield func([]any) bool) {
		for _, a := range SortedAliases(p.Aliases) {
			if !yield([]any{a, p.Aliases[a]}) {
				return
			}
		}
	}
	revived := func(yield func([]any) bool) {
		for _, id := range p.Revived {
			if !yield([]any{id}) {
				return
			}
		}
	}
	cards := func(yield func([]any) bool) {
		for _, card := range p.Cards {
			if !yield(CardValues(card)) {
				return
			}
		}
	}
	contacts := func(yield func([]any) bool) {
		for _, card := range p.Cards {
			for i, cp := range card.ContactPoints {
				if !yield([]any{card.PersonalID, i + 1, cp.Type, cp.Value, cp.Extension, cp.Source}) {
					return
				}
			}
		}
	}
	for i, rows := range []iter.Seq[[]any]{records, keys, aliases, revived, cards, contacts} {
		st := stageTables[i]
		if fresh != nil && (st.name == "stage_records" || st.name == "stage_keys" || st.name == "stage_contacts") {
			continue // written straight into records, record_keys and contact_points (writeFresh, insertContacts)
		}
		if err := c.Load(ctx, st.name, stageColumns(st.cols), rows); err != nil {
			return n, fmt.Errorf("stage %s: %w", strings.TrimPrefix(st.name, "stage_"), err)
		}
		if encodeErr != nil {
			return n, encodeErr
		}
	}
	// The merge below joins the staged rows with each other and with the
	// store: without indexes a run into a full store is quadratic.
	for _, q := range stageIndexes {
		if err := c.Exec(ctx, q); err != nil {
			return n, fmt.Errorf("prepare write: %w", err)
		}
	}
	if err := queryOne(ctx, c, countCreatedSQL, nil, &n.created); err != nil {
		return n, fmt.Errorf("count cards: %w", err)
	}
	if err := queryOne(ctx, c, countUpdatedSQL(), nil, &n.updated); err != nil {
		return n, fmt.Errorf("count cards: %w", err)
	}
	n.merged = len(p.Aliases)
	var ranked int
	if err := queryOne(ctx, c, rankingChangedSQL, nil, &ranked); err != nil {
		return n, fmt.Errorf("count cards: %w", err)
	}
	n.ranking = ranked > 0
	// A run that brings at least as many records as the store holds (a
	// first import) writes its records and keys faster without their
	// indexes by customer, component and record, built again after
	// them in one sorted pass (bulkIndexes): kept, every row would be an
	// insert at a random place in each. An engine says it can, with the
	// statements it needs around it (PostgreSQL checks its deferred foreign
	// keys at once meanwhile: pending checks forbid building an index).
	bulker, dropsIndexes := c.(interface {
		BulkIndexes() (before, after []string)
	})
	bulk := dropsIndexes && n.links >= BulkRecords
	if bulk && fresh == nil { // a fresh store holds none
		// Counted only as far as the run's own: not a walk of a million.
		var stored int
		if err := queryOne(ctx, c, "SELECT count(*) FROM (SELECT 1 FROM records LIMIT $1) r", []any{n.links + 1}, &stored); err != nil {
			return n, fmt.Errorf("count records: %w", err)
		}
		bulk = n.links >= stored
	}
	var bulkBefore, bulkAfter []string
	if bulk {
		bulkBefore, bulkAfter = bulker.BulkIndexes()
	}
	for _, q := range writePlanSQL() {
		if len(p.Aliases) == 0 && q == relinkOrgsSQL {
			continue // no customer became an alias: nobody's organisation is one (saves a scan of the cards)
		}
		var before, after []string
		for _, b := range bulkIndexes {
			if bulk && strings.HasPrefix(q, b.insert) {
				before, after = slices.Clone(bulkBefore), nil
				for _, ix := range b.indexes {
					name, _, _ := strings.Cut(ix, " ")
					before = append(before, "DROP INDEX "+name)
					after = append(after, "CREATE INDEX "+ix)
				}
				after = append(after, bulkAfter...)
			}
		}
		for _, b := range before {
			if err := c.Exec(ctx, b); err != nil {
				return n, fmt.Errorf("write run: %w", err)
			}
		}
		if fresh != nil && strings.HasPrefix(q, insertRecords) {
			// The statements on stage_records and stage_keys that follow find
			// them empty.
			if err := writeFresh(ctx, c, runID, p, fresh.RecordSeqsSQL()); err != nil {
				return n, fmt.Errorf("write run: %w", err)
			}
		} else if fresh != nil && strings.HasPrefix(q, insertContacts) {
			// Into a store with no cards: every staged card is new, and so is
			// each of its contact points.
			if err := c.Load(ctx, "contact_points", strings.Split(contactCols, ", "), contacts); err != nil {
				return n, fmt.Errorf("write run: contact points: %w", err)
			}
		} else if err := c.Exec(ctx, q, runID); err != nil {
			return n, fmt.Errorf("write run: %w", err)
		}
		for _, b := range after {
			if err := c.Exec(ctx, b); err != nil {
				return n, fmt.Errorf("write run: %w", err)
			}
		}
	}
	return n, nil
}

// bulkIndexes are, for the statements of a big run that insert into a
// table (by their start), the indexes built again after it in one sorted
// pass instead of kept up row by row (see writePlan). The unique indexes
// stay: the run finds its new records through one.
var bulkIndexes = []struct {
	insert  string
	indexes []string
}{
	// Personal IDs and components are random UUIDs: a first import of a
	// million records inserted two million entries at random places.
	{insertRecords, []string{"records_personal_id ON records (personal_id)", "records_component ON records (component)"}},
}

// insertRecords and insertContacts start the statements that insert a
// run's new records and contact points; contactCols are contact_points'
// columns, as a run stages and writes them.
const (
	contactCols    = "personal_id, ord, type, value, extension, source"
	insertRecords  = "INSERT INTO records ("
	insertContacts = "INSERT INTO contact_points ("
)

// SeqAllocator is an engine that can hand out the seqs of records a run
// writes straight into records (writeFresh): RecordSeqsSQL, given $1 new
// records, returns the first of as many seqs, as INSERT would number them,
// and takes them all.
type SeqAllocator interface {
	RecordSeqsSQL() string
}

// freshStore tells whether the run writes its records, their versions and
// keys, and its contact points, straight into their tables (writeFresh)
// rather than staging them first and copying them over with INSERT …
// SELECT: when it brings at least BulkRecords records to a store that
// holds none, nor any card (a first import), all of them new. Staged, a
// first import of 200,000 records wrote each record and each of its ten
// keys twice (8 of its 30 s on SQLite). Nil when not, or when the engine
// cannot.
func freshStore(ctx context.Context, c Conn, p *dedupe.Plan) (SeqAllocator, error) {
	a, ok := c.(SeqAllocator)
	if !ok || len(p.Writes) < BulkRecords {
		return nil, nil
	}
	for _, w := range p.Writes {
		if w.Seq != 0 {
			return nil, nil
		}
	}
	var n int
	if err := queryOne(ctx, c, "SELECT (SELECT count(*) FROM (SELECT 1 FROM records LIMIT 1) r) + (SELECT count(*) FROM (SELECT 1 FROM cards LIMIT 1) c)", nil, &n); err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	if n > 0 {
		return nil, nil
	}
	return a, nil
}

// writeFresh writes a first import's records, their versions (each an
// addition) and keys straight into their tables, as the staged statements
// would: seqs in the order the records were first read, keys in the order
// of record_keys' primary key.
func writeFresh(ctx context.Context, c Conn, runID int64, p *dedupe.Plan, seqsSQL string) error {
	order := make([]int32, len(p.Writes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(p.Writes[a].Ord, p.Writes[b].Ord) })
	var first int64
	if err := queryOne(ctx, c, seqsSQL, []any{len(order)}, &first); err != nil {
		return fmt.Errorf("number records: %w", err)
	}
	var encodeErr error
	err := c.Load(ctx, "records", []string{"seq", "source", "source_key", "personal_id", "first_id", "component", "file", "row_num", "data", "run_id", "ord", "first_run"},
		func(yield func([]any) bool) {
			for i, at := range order {
				w := &p.Writes[at]
				data, err := EncodeRecord(&w.Record)
				if err != nil {
					encodeErr = err
					return
				}
				if !yield([]any{first + int64(i), w.Source, w.Key, w.PersonalID, w.FirstID, w.Component, w.File, w.Row, data, runID, w.Ord, runID}) {
					return
				}
			}
		})
	if err == nil {
		err = encodeErr
	}
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	err = c.Load(ctx, "record_versions", []string{"run_id", "seq", "existed"}, func(yield func([]any) bool) {
		for i := range order {
			if !yield([]any{runID, first + int64(i), false}) {
				return
			}
		}
	})
	if err != nil {
		return fmt.Errorf("record versions: %w", err)
	}
	var keys []keyRow
	for i, at := range order {
		for _, k := range p.Writes[at].AddKeys() {
			keys = append(keys, keyRow{KeyHash(k), first + int64(i)})
		}
	}
	if err := loadKeys(ctx, c, "record_keys", keys); err != nil {
		return fmt.Errorf("record keys: %w", err)
	}
	return nil
}

// dropKeysSQL deletes the keys the run's changed records lost, each by its
// (key, seq), through the primary key: record_keys has no index by record.
const dropKeysSQL = "DELETE FROM record_keys WHERE (key, seq) IN (SELECT k.key, s.seq FROM stage_keys k JOIN stage_records s ON s.rec = k.rec WHERE k.add_key = 0)"

// BulkRecords is how many new records a run needs at least to write its
// records and keys without their secondary indexes (see writePlan).
const BulkRecords = 10000

const (
	relinkOrgsSQL   = "UPDATE cards SET org_id = s.personal_id FROM stage_aliases s WHERE cards.org_id = s.alias_id"
	countCreatedSQL = "SELECT count(*) FROM stage_cards s WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.personal_id = s.personal_id)"
	sameContact     = "x.personal_id = p.personal_id AND x.ord = p.ord AND x.type = p.type AND x.value = p.value AND x.extension = p.extension AND x.source = p.source"
)

// rankingChangedSQL counts what moves the ABC ranking: a new card with
// revenue, a card whose revenue or kind changes, a card with revenue that
// becomes an alias.
// Each staged card looks its stored card up, as in countUpdatedSQL.
const rankingChangedSQL = `SELECT (SELECT count(*) FROM stage_cards s
		WHERE CASE WHEN EXISTS (SELECT 1 FROM cards c WHERE c.personal_id = s.personal_id)
			THEN (SELECT CASE WHEN c.revenue IS DISTINCT FROM s.revenue OR c.kind <> s.kind THEN 1 ELSE 0 END FROM cards c WHERE c.personal_id = s.personal_id) = 1
			ELSE s.revenue IS NOT NULL END)
	+ (SELECT count(*) FROM stage_aliases a WHERE (SELECT c.revenue FROM cards c WHERE c.personal_id = a.alias_id) IS NOT NULL)`

// cardDiffers: org_id and revenue may be NULL, so NULL-safe.
func cardDiffers(a, b string) string {
	var d []string
	for _, f := range CardFields {
		d = append(d, fmt.Sprintf("%s.%s IS DISTINCT FROM %s.%s", a, f, b, f))
	}
	return strings.Join(d, " OR ")
}

// countUpdatedSQL counts the staged cards that exist and change: a value
// or a contact point.
//
// Each staged card looks its stored card up (a correlated subquery, so an
// index lookup on both engines): joined, PostgreSQL hashed the whole of
// cards and merged the whole of contact_points, 0.75 s a night on a store
// of a million.
func countUpdatedSQL() string {
	return `SELECT count(*) FROM stage_cards s WHERE (SELECT CASE WHEN ` + cardDiffers("s", "c") + `
		OR EXISTS (SELECT 1 FROM stage_contacts x WHERE x.personal_id = s.personal_id AND NOT EXISTS (SELECT 1 FROM contact_points p WHERE ` + sameContact + `) LIMIT 1)
		OR (SELECT count(*) FROM contact_points p WHERE p.personal_id = s.personal_id) <> (SELECT count(*) FROM stage_contacts x WHERE x.personal_id = s.personal_id)
		THEN 1 ELSE 0 END FROM cards c WHERE c.personal_id = s.personal_id) = 1`
}

// writePlanSQL merges the staged rows; $1 is the run. Every row a run
// replaces is kept first in record_versions or alias_versions.
func writePlanSQL() []string {
	var set []string
	for _, f := range CardFields {
		set = append(set, fmt.Sprintf("%[1]s = excluded.%[1]s", f))
	}
	cols := "personal_id, " + strings.Join(CardFields, ", ")
	return []string{
		`INSERT INTO record_versions (run_id, seq, existed, source, source_key, personal_id, first_id, component, file, row_num, data, data_run, ord, first_run)
			SELECT $1, r.seq, TRUE, r.source, r.source_key, r.personal_id, r.first_id, r.component, r.file, r.row_num, r.data, r.run_id, r.ord, r.first_run
			FROM stage_records s JOIN records r ON r.seq = s.seq WHERE s.existed = 1`,
		// A changed record mostly stays the same customer: who it belongs to
		// is set only where it changes. An UPDATE rewrites the index entries of
		// every column it sets, changed or not (SQLite), and the indexes by
		// customer and by component are as big as the records are many.
		`UPDATE records SET file = s.file, row_num = s.row_num,
			data = CASE WHEN s.content = 1 THEN s.data ELSE records.data END,
			run_id = CASE WHEN s.content = 1 THEN CAST($1 AS BIGINT) ELSE records.run_id END,
			ord = CASE WHEN s.content = 1 THEN s.ord ELSE records.ord END
			FROM stage_records s WHERE records.seq = s.seq AND s.existed = 1`,
		`UPDATE records SET personal_id = s.personal_id, first_id = s.first_id, component = s.component
			FROM stage_records s WHERE records.seq = s.seq AND s.existed = 1
			AND (records.personal_id <> s.personal_id OR records.first_id <> s.first_id OR records.component <> s.component)`,
		insertRecords + `source, source_key, personal_id, first_id, component, file, row_num, data, run_id, ord, first_run)
			SELECT s.source, s.source_key, s.personal_id, s.first_id, s.component, s.file, s.row_num, s.data, $1, s.ord, $1
			FROM stage_records s WHERE s.existed = 0 ORDER BY s.ord`,
		`UPDATE stage_records SET seq = (SELECT r.seq FROM records r WHERE r.source = stage_records.source AND r.source_key = stage_records.source_key)
			WHERE existed = 0`,
		"INSERT INTO record_versions (run_id, seq, existed) SELECT $1, s.seq, FALSE FROM stage_records s WHERE s.existed = 0",
		// A changed record mostly keeps its keys (a new phone changes one):
		// only the difference is written.
		dropKeysSQL,
		"INSERT INTO record_keys (key, seq) SELECT k.key, s.seq FROM stage_keys k JOIN stage_records s ON s.rec = k.rec WHERE k.add_key = 1 ORDER BY 1, 2",

		`INSERT INTO alias_versions (run_id, alias_id, existed, personal_id, alias_run) SELECT $1, a.alias_id, TRUE, a.personal_id, a.run_id FROM aliases a
			WHERE a.personal_id IN (SELECT alias_id FROM stage_aliases) OR a.alias_id IN (SELECT alias_id FROM stage_aliases) OR a.alias_id IN (SELECT alias_id FROM stage_revived)`,
		"INSERT INTO alias_versions (run_id, alias_id, existed) SELECT $1, s.alias_id, FALSE FROM stage_aliases s WHERE NOT EXISTS (SELECT 1 FROM aliases a WHERE a.alias_id = s.alias_id)",
		"UPDATE aliases SET personal_id = s.personal_id, run_id = $1 FROM stage_aliases s WHERE aliases.personal_id = s.alias_id",
		`INSERT INTO aliases (alias_id, personal_id, run_id) SELECT alias_id, personal_id, $1 FROM stage_aliases WHERE true
			ON CONFLICT (alias_id) DO UPDATE SET personal_id = excluded.personal_id, run_id = excluded.run_id`,
		"DELETE FROM aliases WHERE alias_id IN (SELECT alias_id FROM stage_revived)",

		"DELETE FROM contact_points WHERE personal_id IN (SELECT alias_id FROM stage_aliases)",
		"DELETE FROM cards WHERE personal_id IN (SELECT alias_id FROM stage_aliases)",
		"INSERT INTO cards (" + cols + ") SELECT " + cols + " FROM stage_cards WHERE true ON CONFLICT (personal_id) DO UPDATE SET " +
			strings.Join(set, ", ") + " WHERE " + cardDiffers("cards", "excluded"),
		`DELETE FROM contact_points WHERE personal_id IN (SELECT personal_id FROM stage_cards)
			AND NOT EXISTS (SELECT 1 FROM stage_contacts x WHERE ` + strings.ReplaceAll(sameContact, "p.", "contact_points.") + `)`,
		insertContacts + contactCols + ") SELECT " + contactCols + `
			FROM stage_contacts x WHERE NOT EXISTS (SELECT 1 FROM contact_points p WHERE p.personal_id = x.personal_id AND p.ord = x.ord)`,
		relinkOrgsSQL,
	}
}

// WriteReviewAndDecisions stores the run's review pairs and decisions.
func WriteReviewAndDecisions(ctx context.Context, c Conn, runID int64, b Batch) error {
	for _, r := range b.Review {
		args, err := ReviewArgs(runID, r)
		if err != nil {
			return err
		}
		if err := c.Exec(ctx, InsertReviewSQL, args...); err != nil {
			return fmt.Errorf("store review pair: %w", err)
		}
	}
	for _, d := range b.Decisions {
		if err := c.Exec(ctx, VersionDecisionSQL, DecisionArgs(d, runID)...); err != nil {
			return fmt.Errorf("store decision: %w", err)
		}
		if err := c.Exec(ctx, UpsertDecisionSQL, DecisionArgs(d, runID)...); err != nil {
			return fmt.Errorf("store decision: %w", err)
		}
	}
	return nil
}

// Sighting is one row a run read: which source record it was, and the
// revenue it gave. A run keeps one per row, not the row's record.
type Sighting struct {
	File                 string
	Row                  int
	Source, Key          string
	Revenue, RevenueDate string
}

// SightingsOf are the sightings of a run's records, in their order.
func SightingsOf(recs []crmkit.Record) []Sighting {
	out := make([]Sighting, len(recs))
	for i, r := range recs {
		out[i] = Sighting{File: r.File, Row: r.Row, Source: r.Source, Key: r.Key,
			Revenue: r.Fields[crmkit.FieldRevenue], RevenueDate: r.Fields[crmkit.FieldRevenueDate]}
	}
	return out
}

// writeSightings keeps, for each file the run read, which source record
// each of its rows was: the run's rows replace the file's earlier ones.
func writeSightings(ctx context.Context, c Conn, runID int64, rows []Sighting) error {
	type sighting struct {
		file     string
		row      int
		src, key string
	}
	read := map[string]bool{}
	for _, r := range rows {
		if !read[r.File] {
			read[r.File] = true
			if err := c.Exec(ctx, "DELETE FROM sightings WHERE file = $1", r.File); err != nil {
				return fmt.Errorf("store rows of %s: %w", r.File, err)
			}
		}
	}
	// The rows are made as they are loaded, not all held first: seven
	// values each, for every row of the run.
	load := func(yield func([]any) bool) {
		seen := map[sighting]bool{}
		for _, r := range rows {
			s := sighting{r.File, r.Row, r.Source, r.Key}
			if seen[s] {
				continue
			}
			seen[s] = true
			var revenue, day any // NULL for none
			if r.Revenue != "" {
				revenue = r.Revenue
			}
			if r.RevenueDate != "" {
				day = r.RevenueDate
			}
			if !yield([]any{r.File, r.Row, r.Source, r.Key, runID, revenue, day}) {
				return
			}
		}
	}
	if err := c.Load(ctx, "sightings", []string{"file", "row_num", "source", "source_key", "run_id", "revenue", "revenue_date"}, load); err != nil {
		return fmt.Errorf("store rows: %w", err)
	}
	return nil
}

// Decisions reads every stored decision.
func Decisions(ctx context.Context, c Conn) ([]crmkit.Decision, error) {
	rows, done, err := c.Query(ctx, SelectDecisionsSQL)
	if err != nil {
		return nil, err
	}
	defer done()
	return ScanDecisions(rows)
}

// Migrate brings the schema up to date inside the caller's transaction,
// which must keep two processes from migrating at once. A store that gains
// records (0005) gets their keys written.
func Migrate(ctx context.Context, c Conn, fsys fs.FS, dir string) error {
	ms, err := Migrations(fsys, dir)
	if err != nil {
		return err
	}
	if err := c.Exec(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := queryOne(ctx, c, "SELECT COALESCE(max(version), 0) FROM schema_migrations", nil, &have); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if last := ms[len(ms)-1].Version; have > last {
		return fmt.Errorf("the store's schema version %d is newer than this crmkit knows (%d): upgrade crmkit", have, last)
	}
	for _, m := range ms {
		if m.Version <= have {
			continue
		}
		if err := c.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if err := c.Exec(ctx, "INSERT INTO schema_migrations VALUES ($1, $2, $3)", m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return reindexKeys(ctx, c)
}

// reindexKeys writes every record's keys anew when the store's were made
// by another version of dedupe.IndexKeys: a store that was links before
// records were kept (0005), one whose keys a migration dropped (0017), or
// one whose records gained keys since.
func reindexKeys(ctx context.Context, c Conn) error {
	have, err := readState(ctx, c, "keys_version")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	want := strconv.Itoa(dedupe.KeysVersion)
	if have == want {
		return nil
	}
	if err := c.Exec(ctx, "DELETE FROM record_keys"); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := recordKeys(ctx, c, false, "1 = 1"); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := writeState(ctx, c, "keys_version", want); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// readState is a value of store_state, crmkit's own bookkeeping (0010);
// "" when it has none.
func readState(ctx context.Context, c Conn, name string) (string, error) {
	var v string
	err := queryRows(ctx, c, "SELECT value FROM store_state WHERE name = $1", func(rows Rows) error {
		return rows.Scan(&v)
	}, name)
	return v, err
}

// writeState sets a value of store_state.
func writeState(ctx context.Context, c Conn, name, value string) error {
	if err := c.Exec(ctx, "DELETE FROM store_state WHERE name = $1", name); err != nil {
		return err
	}
	return c.Exec(ctx, "INSERT INTO store_state (name, value) VALUES ($1, $2)", name, value)
}

// recordKeys writes the keys (dedupe.IndexKeys) of the records that meet
// cond (a condition on records r; its arguments are $2 onward), or with
// drop deletes them, a thousand records at a time, in bounded memory.
// record_keys has no index by record: its rows are found by (key, seq),
// worked out again from the records themselves, which is what record_keys
// holds of each (the contract tests check that after every run, undo and
// forget). Keys are dropped before their records change or go.
func recordKeys(ctx context.Context, c Conn, drop bool, cond string, args ...any) error {
	if drop {
		for _, q := range []string{"CREATE TEMP TABLE IF NOT EXISTS gone_keys AS SELECT key, seq FROM record_keys WHERE 1 = 0", "DELETE FROM gone_keys"} {
			if err := c.Exec(ctx, q); err != nil {
				return err
			}
		}
	}
	var after int64
	for {
		rows, done, err := c.Query(ctx, "SELECT "+recordCols+" FROM records r WHERE r.seq > $1 AND "+cond+" ORDER BY r.seq LIMIT 1000", append([]any{after}, args...)...)
		if err != nil {
			return err
		}
		recs, err := scanStored(rows)
		done()
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		after = recs[len(recs)-1].Seq
		var keys []keyRow
		for _, s := range recs {
			for _, k := range dedupe.IndexKeys(&s.Record) {
				keys = append(keys, keyRow{KeyHash(k), s.Seq})
			}
		}
		table := "record_keys"
		if drop {
			table = "gone_keys"
		}
		err = loadKeys(ctx, c, table, keys)
		if err != nil {
			return err
		}
	}
	if !drop {
		return nil
	}
	if err := c.Exec(ctx, "DELETE FROM record_keys WHERE (key, seq) IN (SELECT key, seq FROM gone_keys)"); err != nil {
		return err
	}
	return c.Exec(ctx, "DROP TABLE gone_keys")
}

// Model reads the store's match model; nil when it has none yet.
func Model(ctx context.Context, c Conn) (*dedupe.Params, error) {
	rows, done, err := c.Query(ctx, "SELECT params FROM match_model WHERE id = 1")
	if err != nil {
		return nil, fmt.Errorf("read match model: %w", err)
	}
	defer done()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var js string
	if err := rows.Scan(textScan{&js}); err != nil {
		return nil, fmt.Errorf("read match model: %w", err)
	}
	var p dedupe.Params
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		return nil, fmt.Errorf("read match model: %w", err)
	}
	return &p, nil
}

// saveModel stores the model a run estimated, replacing any other.
func saveModel(ctx context.Context, c Conn, runID int64, m *dedupe.Params, records int) error {
	js, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store match model: %w", err)
	}
	// The model it replaces is kept for runs undo.
	if err := c.Exec(ctx, "INSERT INTO model_versions (run_id, params, records, model_run) SELECT $1, params, records, run_id FROM match_model", runID); err != nil {
		return fmt.Errorf("store match model: %w", err)
	}
	if err := c.Exec(ctx, "DELETE FROM match_model"); err != nil {
		return fmt.Errorf("store match model: %w", err)
	}
	if err := c.Exec(ctx, "INSERT INTO match_model (id, params, records, run_id) VALUES (1, $1, $2, $3)", string(js), records, runID); err != nil {
		return fmt.Errorf("store match model: %w", err)
	}
	return nil
}

// queryRows calls scan for each row of a query.
func queryRows(ctx context.Context, c Conn, query string, scan func(Rows) error, args ...any) error {
	rows, done, err := c.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer done()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func queryOne(ctx context.Context, c Conn, query string, args []any, dest ...any) error {
	rows, done, err := c.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer done()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("no row")
	}
	return rows.Scan(dest...)
}
