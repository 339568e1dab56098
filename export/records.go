package export

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
)

// recordData is how a record's content is kept in records.data.
type recordData struct {
	Kind         string            `json:"kind,omitempty"`
	Fields       map[string]string `json:"fields,omitempty"`
	Phones       []phoneData       `json:"phones,omitempty"`
	Emails       []string          `json:"emails,omitempty"`
	MatchKeys    []string          `json:"match_keys,omitempty"`
	NameKey      string            `json:"name_key,omitempty"`
	InitialsKey  string            `json:"initials_key,omitempty"`
	OrgKey       string            `json:"org_key,omitempty"`
	OrgSourceKey string            `json:"org_source_key,omitempty"`
}

type phoneData struct {
	E164      string `json:"e164"`
	Extension string `json:"ext,omitempty"`
	Type      string `json:"type,omitempty"`
	Label     string `json:"label,omitempty"`
}

// EncodeRecord is the JSON of a record's content (not its identity or sighting).
func EncodeRecord(r *crmkit.Record) (string, error) {
	d := recordData{Kind: string(r.Kind), Fields: r.Fields, Emails: r.Emails, MatchKeys: r.MatchKeys,
		NameKey: r.NameKey, InitialsKey: r.InitialsKey, OrgKey: r.OrgKey, OrgSourceKey: r.OrgSourceKey}
	for _, p := range r.Phones {
		d.Phones = append(d.Phones, phoneData{E164: p.E164, Extension: p.Extension, Type: p.Type, Label: p.Label})
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode record %s/%s: %w", r.Source, r.Key, err)
	}
	return string(b), nil
}

// decodeRecord fills a record's content from its JSON.
func decodeRecord(data string, r *crmkit.Record) error {
	var d recordData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return fmt.Errorf("record %s/%s: %w", r.Source, r.Key, err)
	}
	r.Kind, r.Emails, r.MatchKeys = crmkit.Kind(d.Kind), d.Emails, d.MatchKeys
	r.NameKey, r.InitialsKey, r.OrgKey, r.OrgSourceKey = d.NameKey, d.InitialsKey, d.OrgKey, d.OrgSourceKey
	for k, v := range d.Fields {
		if v == "" {
			continue
		}
		if r.Fields == nil {
			r.Fields = map[string]string{}
		}
		r.Fields[k] = v
	}
	for _, p := range d.Phones {
		r.Phones = append(r.Phones, crmkit.Phone{E164: p.E164, Extension: p.Extension, Type: p.Type, Label: p.Label})
	}
	return nil
}

const recordCols = "r.seq, r.source, r.source_key, r.personal_id, r.first_id, r.component, r.file, r.row_num, r.data, r.run_id, r.ord"

func scanStored(rows Rows) ([]dedupe.Stored, error) {
	// Decoding is most of reading a record: the other cores decode while
	// the store reads on, a batch of rows at a time.
	type batch struct {
		recs []dedupe.Stored
		data []string
		err  error
	}
	const batchRows = 256
	work := make(chan *batch, 4)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		wg.Go(func() {
			for b := range work {
				for i := range b.recs {
					if err := decodeRecord(b.data[i], &b.recs[i].Record); err != nil && b.err == nil {
						b.err = err
					}
				}
				b.data = nil
			}
		})
	}
	var batches []*batch
	cur := &batch{}
	var scanErr error
	for rows.Next() {
		var s dedupe.Stored
		var d string
		if err := rows.Scan(&s.Seq, &s.Source, &s.Key, &s.PersonalID, &s.FirstID, &s.Component, &s.File, &s.Row, &d, &s.Run, &s.Ord); err != nil {
			scanErr = fmt.Errorf("read records: %w", err)
			break
		}
		cur.recs = append(cur.recs, s)
		cur.data = append(cur.data, d)
		if len(cur.recs) == batchRows {
			batches = append(batches, cur)
			work <- cur
			cur = &batch{}
		}
	}
	if len(cur.recs) > 0 {
		batches = append(batches, cur)
		work <- cur
	}
	close(work)
	wg.Wait()
	if scanErr != nil {
		return nil, scanErr
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	n := 0
	for _, b := range batches {
		if b.err != nil {
			return nil, fmt.Errorf("read records: %w", b.err)
		}
		n += len(b.recs)
	}
	out := make([]dedupe.Stored, 0, n)
	for _, b := range batches {
		out = append(out, b.recs...)
	}
	return out, nil
}

// Index answers dedupe's questions about stored records through one
// transaction of either engine. Lists of keys travel through a temporary
// table, which both engines join well whatever the list's length.
type Index struct{ C Conn }

var _ dedupe.Index = Index{}

// none tells that the store holds no records, so that a lookup has nothing
// to find: a first import of a million records staged its million source
// keys and ten million block keys for lookups (50 s of 300) that found
// nothing. Asked each time (the first row of records), since the run's own
// records are in the store once it has written them.
func (x Index) none(ctx context.Context) (bool, error) {
	var n int
	if err := queryOne(ctx, x.C, "SELECT count(*) FROM (SELECT 1 FROM records LIMIT 1) r", nil, &n); err != nil {
		return false, fmt.Errorf("look up records: %w", err)
	}
	return n == 0, nil
}

func (x Index) withKeys(ctx context.Context, keys [][]any, query string) ([]dedupe.Stored, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if err := x.stage(ctx, keys); err != nil {
		return nil, err
	}
	return x.query(ctx, query)
}

func (x Index) query(ctx context.Context, query string) ([]dedupe.Stored, error) {
	rows, done, err := x.C.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer done()
	return scanStored(rows)
}

// stage fills the temporary lookup table q_keys (k1, k2).
func (x Index) stage(ctx context.Context, keys [][]any) error {
	return x.stageIn(ctx, "q_keys", "CREATE TEMP TABLE IF NOT EXISTS q_keys (k1 TEXT NOT NULL, k2 TEXT NOT NULL)", []string{"k1", "k2"}, keys)
}

// stageHashes fills the temporary lookup table q_hashes (h, k1) with
// block keys and their hashes, which is how record_keys holds them.
func (x Index) stageHashes(ctx context.Context, keys []string) error {
	return x.stageIn(ctx, "q_hashes", "CREATE TEMP TABLE IF NOT EXISTS q_hashes AS SELECT key AS h, CAST('' AS TEXT) AS k1 FROM record_keys WHERE 1 = 0",
		[]string{"h", "k1"}, hashedKeys(keys))
}

// stageIDs fills q_ids (k1) with personal IDs: a column of the type the
// engine keeps them in (PostgreSQL's uuid), so that lookups use the indexes.
func (x Index) stageIDs(ctx context.Context, ids []string) error {
	return x.stageIn(ctx, "q_ids", "CREATE TEMP TABLE IF NOT EXISTS q_ids AS SELECT personal_id AS k1 FROM cards WHERE 1 = 0", []string{"k1"}, ids1(ids))
}

func ids1(ids []string) [][]any {
	out := make([][]any, len(ids))
	for i, id := range ids {
		out[i] = []any{id}
	}
	return out
}

func (x Index) stageIn(ctx context.Context, table, create string, cols []string, keys [][]any) error {
	for _, q := range []string{create, "DELETE FROM " + table} {
		if err := x.C.Exec(ctx, q); err != nil {
			return fmt.Errorf("prepare lookup: %w", err)
		}
	}
	return x.C.Load(ctx, table, cols, func(yield func([]any) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	})
}

func single(keys []string) [][]any {
	out := make([][]any, len(keys))
	for i, k := range keys {
		out[i] = []any{k, ""}
	}
	return out
}

// BySourceKeys implements dedupe.Index.
func (x Index) BySourceKeys(ctx context.Context, keys []crmkit.SourceKey) ([]dedupe.Stored, error) {
	if none, err := x.none(ctx); none || err != nil {
		return nil, err
	}
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.Source, k.Key}
	}
	return x.withKeys(ctx, rows, "SELECT "+recordCols+" FROM records r WHERE (r.source, r.source_key) IN (SELECT q.k1, q.k2 FROM q_keys q)")
}

// ByIndexKeys implements dedupe.Index.
func (x Index) ByIndexKeys(ctx context.Context, keys []string) ([]dedupe.Stored, error) {
	if none, err := x.none(ctx); none || err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, nil
	}
	if err := x.stageHashes(ctx, keys); err != nil {
		return nil, err
	}
	// Each key's holders are listed by a lookup of its own, then read by
	// their seqs: joined, PostgreSQL guessed each key held by hundreds and
	// read the whole of record_keys to join them (1.5 s on a store of a
	// million, for a few hundred keys held by a few records each).
	seen := map[int64]bool{}
	var seqs []int64
	err := queryRows(ctx, x.C, `WITH c AS MATERIALIZED (SELECT
		(SELECT string_agg(CAST(y.seq AS TEXT), ',') FROM record_keys y WHERE y.key = q.h) AS seqs FROM q_hashes q)
		SELECT seqs FROM c WHERE seqs IS NOT NULL`, func(rows Rows) error {
		var list string
		if err := rows.Scan(&list); err != nil {
			return err
		}
		held, err := seqList(strings.Split(list, ","))
		for _, seq := range held {
			if !seen[seq] {
				seen[seq] = true
				seqs = append(seqs, seq)
			}
		}
		return err
	})
	if err != nil || len(seqs) == 0 {
		return nil, err
	}
	slices.Sort(seqs)
	return x.BySeqs(ctx, seqs)
}

// ByComponents implements dedupe.Index.
func (x Index) ByComponents(ctx context.Context, comps []string) ([]dedupe.Stored, error) {
	if none, err := x.none(ctx); none || err != nil {
		return nil, err
	}
	if len(comps) == 0 {
		return nil, nil
	}
	if err := x.stageIDs(ctx, comps); err != nil {
		return nil, err
	}
	return x.query(ctx, "SELECT "+recordCols+" FROM records r WHERE r.component IN (SELECT k1 FROM q_ids)")
}

// KeyCounts implements dedupe.Index. Each key is counted on its own: joined
// with the list, SQLite walks the whole of record_keys.
func (x Index) KeyCounts(ctx context.Context, keys []string) (map[string]int, error) {
	out := map[string]int{}
	if none, err := x.none(ctx); none || err != nil {
		return out, err
	}
	if len(keys) == 0 {
		return out, nil
	}
	if err := x.stageHashes(ctx, keys); err != nil {
		return nil, err
	}
	err := queryRows(ctx, x.C, `WITH c AS MATERIALIZED (SELECT q.k1, (SELECT count(*) FROM record_keys x WHERE x.key = q.h) AS n FROM q_hashes q)
		SELECT k1, n FROM c WHERE n > 0`, func(rows Rows) error {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		out[k] = n
		return nil
	})
	return out, err
}

// Holders implements dedupe.Index: a key is counted up to limit+1 (a
// key held by thousands costs no more than one held by limit+1), and the
// holders of those held by limit records or fewer are listed.
func (x Index) Holders(ctx context.Context, keys []string, limit int) (map[string]int, map[string][]int64, error) {
	counts, holders := map[string]int{}, map[string][]int64{}
	if none, err := x.none(ctx); none || err != nil {
		return counts, holders, err
	}
	if len(keys) == 0 {
		return counts, holders, nil
	}
	if err := x.stageHashes(ctx, keys); err != nil {
		return nil, nil, err
	}
	// Each key's holders are listed up to limit+1 by one lookup (an index
	// lookup on both engines: joined, PostgreSQL sorted the whole of
	// record_keys to merge them), and counted here. MATERIALIZED: the list
	// is made once, not again for the WHERE (SQLite flattens it otherwise).
	rows, done, err := x.C.Query(ctx, `WITH c AS MATERIALIZED (SELECT q.k1,
		(SELECT string_agg(CAST(y.seq AS TEXT), ',') FROM (SELECT x.seq FROM record_keys x WHERE x.key = q.h LIMIT $1) y) AS seqs
		FROM q_hashes q)
		SELECT k1, seqs FROM c WHERE seqs IS NOT NULL`, limit+1)
	if err != nil {
		return nil, nil, err
	}
	defer done()
	for rows.Next() {
		var k, seqs string
		if err := rows.Scan(&k, &seqs); err != nil {
			return nil, nil, err
		}
		list := strings.Split(seqs, ",")
		if counts[k] = len(list); len(list) > limit {
			continue
		}
		if holders[k], err = seqList(list); err != nil {
			return nil, nil, err
		}
	}
	return counts, holders, rows.Err()
}

// seqList parses the seqs of a key's holders, as string_agg listed them.
func seqList(list []string) ([]int64, error) {
	out := make([]int64, len(list))
	for i, v := range list {
		seq, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("holders of a key: %w", err)
		}
		out[i] = seq
	}
	return out, nil
}

// BySeqs implements dedupe.Index.
func (x Index) BySeqs(ctx context.Context, seqs []int64) ([]dedupe.Stored, error) {
	if none, err := x.none(ctx); none || err != nil {
		return nil, err
	}
	rows := make([][]any, len(seqs))
	for i, q := range seqs {
		rows[i] = []any{strconv.FormatInt(q, 10), ""}
	}
	return x.withKeys(ctx, rows, "SELECT "+recordCols+" FROM records r WHERE r.seq IN (SELECT CAST(q.k1 AS BIGINT) FROM q_keys q)")
}

// Aliases implements dedupe.Index.
func (x Index) Aliases(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	if err := x.stageIDs(ctx, ids); err != nil {
		return nil, err
	}
	err := queryRows(ctx, x.C, "SELECT a.alias_id, a.personal_id FROM aliases a JOIN q_ids q ON q.k1 = a.alias_id", func(rows Rows) error {
		var a, p string
		err := rows.Scan(&a, &p)
		out[a] = p
		return err
	})
	return out, err
}

// Decisions reads every stored decision.
func (x Index) Decisions(ctx context.Context) ([]crmkit.Decision, error) {
	return Decisions(ctx, x.C)
}

// Records reads every stored record, in the order first seen.
func (x Index) Records(ctx context.Context) ([]dedupe.Stored, error) {
	rows, done, err := x.C.Query(ctx, "SELECT "+recordCols+" FROM records r ORDER BY r.seq")
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	defer done()
	return scanStored(rows)
}

// Model reads the store's match model.
func (x Index) Model(ctx context.Context) (*dedupe.Params, error) {
	return Model(ctx, x.C)
}

// loadRows adapts a slice to Conn.Load.
func loadRows[T any](items []T, row func(T) []any) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		for _, it := range items {
			if !yield(row(it)) {
				return
			}
		}
	}
}
