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
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
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
	s, err := connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	s.lockWait = lockWait
	pool := s.pool
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

// OpenReadOnly connects to an existing store to read it: no migration, no
// run lock, so that it reads the last committed run while another run is
// writing. A schema without a crmkit store is export.ErrNoStore.
func OpenReadOnly(ctx context.Context, dsn string) (*Store, error) {
	s, err := connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	pool := s.pool
	exists := func(ctx context.Context, table string) (bool, error) {
		var n int
		err := pool.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1", table).Scan(&n)
		if err != nil {
			return false, fmt.Errorf("connect to store: %w", err)
		}
		return n > 0, nil
	}
	if err := s.CheckSchema(ctx, exists, migrations, "migrations"); err != nil {
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
	if err := export.Migrate(ctx, conn{tx: tx, simple: true}, migrations, "migrations"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// conn adapts a pgx transaction to export.Conn; pgx wants exactly the
// arguments a statement uses.
type conn struct {
	tx pgx.Tx
	// simple runs statements on the simple protocol, which prepares none:
	// migrations change column types (0012: text to timestamptz) under
	// statements pgx would have prepared for the old ones.
	simple bool
}

func (c conn) Exec(ctx context.Context, q string, args ...any) error {
	t0 := time.Now()
	args = export.ArgsFor(q, args...)
	if c.simple {
		args = append([]any{pgx.QueryExecModeSimpleProtocol}, args...)
	}
	_, err := c.tx.Exec(ctx, q, args...)
	export.TraceSQL(t0, q)
	return err
}

// BulkIndexes tells export.ApplyRun that a big run may drop an index and
// build it again after its rows. The deferred foreign keys are checked at
// once meanwhile: PostgreSQL builds no index on a table with checks
// pending, and they cost the same now as at commit.
func (c conn) BulkIndexes() (before, after []string) {
	return []string{"SET CONSTRAINTS ALL IMMEDIATE"}, []string{"SET CONSTRAINTS ALL DEFERRED"}
}

// RecordSeqsSQL takes $1 numbers of records' identity at once
// (export.SeqAllocator), and returns the first.
func (c conn) RecordSeqsSQL() string {
	return "SELECT setval(pg_get_serial_sequence('records', 'seq'), nextval(pg_get_serial_sequence('records', 'seq')) + $1 - 1) - $1 + 1"
}

// Load copies rows in with COPY. The shared code hands over personal IDs
// and amounts as text: for a uuid or numeric column they are parsed here,
// as pgx would only after failing to encode the text as binary (eight
// times slower for a uuid, and a run copies several per record).
func (c conn) Load(ctx context.Context, table string, cols []string, rows iter.Seq[[]any]) error {
	defer export.TraceSQL(time.Now(), "COPY "+table)
	parse, err := c.parsers(ctx, table, cols)
	if err != nil {
		return fmt.Errorf("describe %s: %w", table, err)
	}
	next, stop := iter.Pull(rows)
	defer stop()
	_, err = c.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		row, ok := next()
		if !ok || parse == nil {
			return row, nil
		}
		out := make([]any, len(row))
		for i, v := range row {
			out[i] = v
			if s, ok := v.(string); ok && parse[i] != nil {
				out[i] = parse[i](s)
			}
		}
		return out, nil
	}))
	if err != nil || !temporary(table) {
		return err
	}
	// Autovacuum never sees a temporary table: analysed here, the planner
	// knows how many rows a run staged instead of guessing from its pages.
	_, err = c.tx.Exec(ctx, "ANALYZE "+pgx.Identifier{table}.Sanitize())
	return err
}

// temporary tells the tables a run stages its rows and lookups in.
func temporary(table string) bool {
	return strings.HasPrefix(table, "stage_") || strings.HasPrefix(table, "q_")
}

// parsers are, per column of table, how a string bound for it is parsed
// before COPY (nil: as it is); nil when no column needs it. A string that
// does not parse goes as it is, for pgx to report.
func (c conn) parsers(ctx context.Context, table string, cols []string) ([]func(string) any, error) {
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + pgx.Identifier{table}.Sanitize()
	sd, err := c.tx.Prepare(ctx, q, q) // described once per connection
	if err != nil {
		return nil, err
	}
	var out []func(string) any
	for i, f := range sd.Fields {
		var parse func(string) any
		switch f.DataTypeOID {
		case pgtype.UUIDOID:
			parse = func(s string) any {
				if u, err := uuid.Parse(s); err == nil {
					return [16]byte(u)
				}
				return s
			}
		case pgtype.NumericOID:
			parse = func(s string) any {
				var n pgtype.Numeric
				if err := n.Scan(s); err == nil {
					return n
				}
				return s
			}
		default:
			continue
		}
		if out == nil {
			out = make([]func(string) any, len(cols))
		}
		out[i] = parse
	}
	return out, nil
}

func (c conn) Query(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
	t0 := time.Now()
	rows, err := c.tx.Query(ctx, q, export.ArgsFor(q, args...)...)
	if err != nil {
		return nil, nil, err
	}
	return rows, func() { rows.Close(); export.TraceSQL(t0, q) }, nil
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
	return &Tx{Index: export.Index{C: conn{tx: tx}}, tx: tx}, nil
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

// Tx is one run. It answers dedupe's questions through export.Index.
type Tx struct {
	export.Index
	tx pgx.Tx
}

// Apply writes the run's plan, problems and decisions and records the run.
func (t *Tx) Apply(ctx context.Context, b export.Batch) (crmkit.Run, error) {
	return export.ApplyRun(ctx, t.C, b)
}

// Undo takes back a run; see export.Undo.
func (t *Tx) Undo(ctx context.Context, id int64, force bool) (export.Undone, error) {
	return export.Undo(ctx, t.C, id, force)
}

// Forget erases a customer as a run of its own; see export.Forget.
func (t *Tx) Forget(ctx context.Context, target, reason string, th export.ABCThresholds) (export.Forgotten, error) {
	return export.Forget(ctx, t.C, target, reason, th, time.Now())
}

// Tombstones reads the forgotten source keys; see export.Tombstones.
func (t *Tx) Tombstones(ctx context.Context) (map[crmkit.SourceKey]int64, error) {
	return export.Tombstones(ctx, t.C)
}

// Commit makes the run visible.
func (t *Tx) Commit(ctx context.Context) error { return t.tx.Commit(ctx) }

// Rollback drops everything of the run.
func (t *Tx) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }

// connect makes the store's connection pool.
func connect(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store DSN: %w", err)
	}
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.AfterConnect = jitOff
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	s := &Store{pool: pool}
	s.Query = func(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
		rows, err := pool.Query(ctx, q, export.ArgsFor(q, args...)...)
		if err != nil {
			return nil, nil, err
		}
		return rows, rows.Close, nil
	}
	return s, nil
}

// jitOff turns off compiling queries to machine code (PostgreSQL 11 and
// later), unless the DSN sets jit itself. PostgreSQL compiles a query whose
// estimated cost is high, and it estimates a run's staged tables, which it
// never analyses, at thousands of rows more than they hold: a nightly run
// into a store of a million spent 1 s of its 12 compiling queries that
// then ran for milliseconds. A server without JIT (before 11) has no such
// setting, which is no error.
func jitOff(ctx context.Context, c *pgx.Conn) error {
	if _, err := c.Exec(ctx, "SET jit = off"); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42704" { // undefined_object
			return nil
		}
		return fmt.Errorf("turn off JIT: %w", err)
	}
	return nil
}
