// Package postgres is the CRM store on PostgreSQL through pgx. A run is one
// transaction holding a transaction-level advisory lock; rows are loaded with
// COPY into temporary tables and merged with set-based upserts.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an open PostgreSQL store.
type Store struct {
	export.Tables
	pool     *pgxpool.Pool
	lockKey  int64 // the advisory lock of this store's schema
	lockWait time.Duration
}

// Open connects, checks the server and brings the schema up to date.
// lockWait is how long a run waits for another run to finish.
func Open(ctx context.Context, dsn string, lockWait time.Duration) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store DSN: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	s := &Store{pool: pool, lockWait: lockWait}
	s.Query = func(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
		rows, err := pool.Query(ctx, q, export.ArgsFor(q, args...)...)
		if err != nil {
			return nil, nil, err
		}
		return rows, rows.Close, nil
	}
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	// One lock per store: runs into stores in other schemas do not wait.
	h := fnv.New64a()
	h.Write([]byte("crmkit run " + schema))
	s.lockKey = int64(h.Sum64())
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("connect to store: %w", err)
	}
	defer tx.Rollback(ctx)
	// Two first runs at once must not both create the schema.
	if err := s.lock(ctx, tx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := export.Migrate(ctx, conn{tx}, migrations, "migrations"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// conn adapts a pgx transaction to export.Conn; pgx wants exactly the
// arguments a statement uses.
type conn struct{ tx pgx.Tx }

func (c conn) Exec(ctx context.Context, q string, args ...any) error {
	_, err := c.tx.Exec(ctx, q, export.ArgsFor(q, args...)...)
	return err
}

func (c conn) Query(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
	rows, err := c.tx.Query(ctx, q, export.ArgsFor(q, args...)...)
	if err != nil {
		return nil, nil, err
	}
	return rows, rows.Close, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Begin starts a run, waiting up to the lock wait for another run to end.
func (s *Store) Begin(ctx context.Context) (export.Tx, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin run: %w", err)
	}
	if err := s.lock(ctx, tx); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("begin run: %w", err)
	}
	return &Tx{tx: tx}, nil
}

// lock takes the store's run lock for the rest of the transaction.
func (s *Store) lock(ctx context.Context, tx pgx.Tx) error {
	wait := max(s.lockWait.Milliseconds(), 1)
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d", wait)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
			return export.ErrLocked
		}
		return err
	}
	_, err := tx.Exec(ctx, "SET LOCAL lock_timeout = 0")
	return err
}

// Tx is one run.
type Tx struct {
	tx pgx.Tx
}

// Decisions implements dedupe.Existing.
func (t *Tx) Decisions(ctx context.Context) ([]crmkit.Decision, error) {
	return export.Decisions(ctx, conn{t.tx})
}

// LinkedIDs implements dedupe.Existing.
func (t *Tx) LinkedIDs(ctx context.Context, keys []crmkit.SourceKey) (map[crmkit.SourceKey]string, error) {
	sources, ks := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		sources[i], ks[i] = k.Source, k.Key
	}
	rows, err := t.tx.Query(ctx, `SELECT l.source, l.source_key, l.personal_id FROM links l
		JOIN unnest($1::text[], $2::text[]) AS q(source, source_key) ON l.source = q.source AND l.source_key = q.source_key`, sources, ks)
	if err != nil {
		return nil, err
	}
	out := map[crmkit.SourceKey]string{}
	var k crmkit.SourceKey
	var id string
	_, err = pgx.ForEachRow(rows, []any{&k.Source, &k.Key, &id}, func() error {
		out[k] = id
		return nil
	})
	return out, err
}

// IDsByMatchKey implements dedupe.Existing.
func (t *Tx) IDsByMatchKey(ctx context.Context, keys []string) (map[string][]string, error) {
	rows, err := t.tx.Query(ctx, "SELECT key, personal_id FROM match_keys WHERE key = ANY($1::text[])", keys)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	var k, id string
	_, err = pgx.ForEachRow(rows, []any{&k, &id}, func() error {
		out[k] = append(out[k], id)
		return nil
	})
	return out, err
}

// Apply copies the run's rows into temporary tables and merges them.
func (t *Tx) Apply(ctx context.Context, b export.Batch) (crmkit.Run, error) {
	return export.ApplyRun(ctx, conn{t.tx}, b, func(runID int64) error { return t.write(ctx, b, runID) })
}

// write loads the run's rows with COPY and merges them set-wise.
func (t *Tx) write(ctx context.Context, b export.Batch, runID int64) error {
	if _, err := t.tx.Exec(ctx, `
		CREATE TEMP TABLE tmp_cards (LIKE cards INCLUDING DEFAULTS) ON COMMIT DROP;
		CREATE TEMP TABLE tmp_contacts (personal_id TEXT, type TEXT, value TEXT, extension TEXT, source TEXT, seq BIGINT) ON COMMIT DROP;
		CREATE TEMP TABLE tmp_keys (key TEXT, personal_id TEXT) ON COMMIT DROP;
		CREATE TEMP TABLE tmp_links (source TEXT, source_key TEXT, personal_id TEXT, file TEXT, row_num BIGINT) ON COMMIT DROP;
		CREATE TEMP TABLE tmp_problems (file TEXT, row_num BIGINT, field TEXT, code TEXT, severity TEXT, message TEXT) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("prepare load: %w", err)
	}
	cols := append([]string{"personal_id"}, export.CardFields...)
	cardRows := func(yield func([]any) bool) {
		for _, c := range b.Cards {
			if !yield(append(export.CardValues(c), runID, runID)) {
				return
			}
		}
	}
	contactRows := func(yield func([]any) bool) {
		var seq int64
		for _, c := range b.Cards {
			for _, cp := range c.ContactPoints {
				seq++
				if !yield([]any{c.PersonalID, cp.Type, cp.Value, cp.Extension, cp.Source, seq}) {
					return
				}
			}
		}
	}
	keyRows := func(yield func([]any) bool) {
		for _, c := range b.Cards {
			for _, k := range c.MatchKeys {
				if !yield([]any{k, c.PersonalID}) {
					return
				}
			}
		}
	}
	linkRows := func(yield func([]any) bool) {
		for _, l := range b.Links {
			if !yield([]any{l.Source, l.SourceKey, l.PersonalID, l.File, l.Row}) {
				return
			}
		}
	}
	problemRows := func(yield func([]any) bool) {
		for _, p := range b.Problems {
			if !yield([]any{p.File, p.Row, p.Field, p.Code, string(p.Severity), p.Message}) {
				return
			}
		}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  iter.Seq[[]any]
	}{
		{"tmp_cards", append(cols, "created_run", "updated_run"), cardRows},
		{"tmp_contacts", []string{"personal_id", "type", "value", "extension", "source", "seq"}, contactRows},
		{"tmp_keys", []string{"key", "personal_id"}, keyRows},
		{"tmp_links", []string{"source", "source_key", "personal_id", "file", "row_num"}, linkRows},
		{"tmp_problems", []string{"file", "row_num", "field", "code", "severity", "message"}, problemRows},
	} {
		next, stop := iter.Pull(c.rows)
		_, err := t.tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromFunc(func() ([]any, error) {
			row, ok := next()
			if !ok {
				return nil, nil
			}
			return row, nil
		}))
		stop()
		if err != nil {
			return fmt.Errorf("load %s: %w", strings.TrimPrefix(c.table, "tmp_"), err)
		}
	}
	colList := strings.Join(cols, ", ")
	for _, q := range []string{
		fmt.Sprintf("INSERT INTO cards (%[1]s, created_run, updated_run) SELECT %[1]s, created_run, updated_run FROM tmp_cards %[2]s", colList, export.CardUpsertConflict()),
		"INSERT INTO contact_points (personal_id, type, value, extension, source, run_id) SELECT personal_id, type, value, extension, source, $1 FROM tmp_contacts ORDER BY seq ON CONFLICT DO NOTHING",
		"INSERT INTO match_keys (key, personal_id) SELECT DISTINCT key, personal_id FROM tmp_keys ON CONFLICT DO NOTHING",
		`INSERT INTO links (source, source_key, personal_id, file, row_num, first_run, last_run)
			SELECT source, source_key, personal_id, file, row_num, $1, $1 FROM tmp_links
			ON CONFLICT (source, source_key) DO UPDATE SET personal_id = excluded.personal_id,
			file = excluded.file, row_num = excluded.row_num, last_run = excluded.last_run`,
		"INSERT INTO problems (run_id, file, row_num, field, code, severity, message) SELECT $1, file, row_num, field, code, severity, message FROM tmp_problems",
	} {
		if _, err := t.tx.Exec(ctx, q, export.ArgsFor(q, runID)...); err != nil {
			return fmt.Errorf("merge run rows: %w", err)
		}
	}
	return nil
}

// Commit makes the run visible.
func (t *Tx) Commit(ctx context.Context) error { return t.tx.Commit(ctx) }

// Rollback drops everything of the run.
func (t *Tx) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }
