// Package sqlite is the embedded CRM store: one file, no server, pure Go
// (modernc.org/sqlite). A run is one BEGIN IMMEDIATE transaction, which is
// also what keeps two runs from interleaving.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an open SQLite store.
type Store struct {
	export.Tables
	db   *sql.DB
	path string
}

// Open opens (creating if need be) the store file and brings its schema up
// to date. lockWait is how long a run waits for another run to finish.
func Open(ctx context.Context, path string, lockWait time.Duration) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", lockWait.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	// Customer data is confidential: a new store is readable by its owner
	// only, and SQLite gives its journal and WAL the same permissions.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s, err := newStore(path, q)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// OpenReadOnly opens an existing store to read it: it never creates the
// file, never writes and takes no run lock, so that it reads the last
// committed run while another run is writing (WAL), and reads a file it
// may not write. A store that does not exist is export.ErrNoStore.
func OpenReadOnly(ctx context.Context, path string, lockWait time.Duration) (*Store, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("store %s: %w", path, export.ErrNoStore)
	case err != nil:
		return nil, fmt.Errorf("open store %s: %w", path, err)
	case st.IsDir():
		return nil, fmt.Errorf("store %s: a directory, not a store file", path)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", lockWait.Milliseconds()))
	q.Set("mode", "ro")
	s, err := openReader(ctx, path, q)
	if err != nil && readOnlyPlace(err) {
		// A WAL store in a folder the reader may not write has no -shm file
		// to share: read the file as it is, which is safe since nobody
		// can be writing it there either.
		q.Set("immutable", "1")
		s, err = openReader(ctx, path, q)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// newStore opens the file with these connection parameters.
func newStore(path string, q url.Values) (*Store, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path}
	s.Query = func(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, nil, err
		}
		return rows, func() { rows.Close() }, nil
	}
	return s, nil
}

func openReader(ctx context.Context, path string, q url.Values) (*Store, error) {
	s, err := newStore(path, q)
	if err != nil {
		return nil, err
	}
	db := s.db
	exists := func(ctx context.Context, table string) (bool, error) {
		var n int
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n)
		return n > 0, err
	}
	if err := s.CheckSchema(ctx, exists, migrations, "migrations"); err != nil {
		db.Close()
		if errors.Is(err, export.ErrNoStore) {
			return nil, fmt.Errorf("%w: %s is not a crmkit store", export.ErrNoStore, path)
		}
		return nil, lockErr(err)
	}
	return s, nil
}

// readOnlyPlace: SQLite could not open the WAL's shared memory read-only.
func readOnlyPlace(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_CANTOPEN || code == sqlite3.SQLITE_READONLY
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return lockErr(err)
	}
	defer tx.Rollback()
	if err := export.Migrate(ctx, newConn(tx), migrations, "migrations"); err != nil {
		return err
	}
	return tx.Commit()
}

// conn adapts a database/sql transaction to export.Conn.
type conn struct {
	tx *sql.Tx
	// failed is the error of a write that failed. SQLite has rolled the
	// transaction back then (orRollback): a statement after it would run
	// outside it, committed at once, so none runs.
	failed *error
}

func newConn(tx *sql.Tx) conn { return conn{tx: tx, failed: new(error)} }

// check refuses work after a failed write.
func (c conn) check() error {
	if *c.failed != nil {
		return fmt.Errorf("the run was rolled back after an earlier error: %w", *c.failed)
	}
	return nil
}

// fail notes a failed write.
func (c conn) fail(err error) error {
	if err != nil && *c.failed == nil {
		*c.failed = err
	}
	return err
}

func (c conn) Exec(ctx context.Context, q string, args ...any) error {
	if err := c.check(); err != nil {
		return err
	}
	t0 := time.Now()
	_, err := c.tx.ExecContext(ctx, orRollback(q), args...)
	export.TraceSQL(t0, q)
	return c.fail(err)
}

// orRollback makes an INSERT or UPDATE fail the whole transaction on a
// broken constraint (OR ROLLBACK) instead of only the statement: a run
// stops at its first error and rolls back anyway, and SQLite then keeps no
// statement journal. It kept one for every statement that may change many
// rows: the first version of each page the statement changed, written to a
// temporary file (254 MB for the UPDATE of records of a 20,000-row nightly
// run into a store of a million, as much again for the keys).
func orRollback(q string) string {
	t := strings.TrimLeft(q, " \t\n")
	for _, verb := range []string{"INSERT", "UPDATE"} {
		if strings.HasPrefix(t, verb+" ") && !strings.HasPrefix(t[len(verb)+1:], "OR ") {
			return verb + " OR ROLLBACK" + t[len(verb):]
		}
	}
	return q
}

// BulkIndexes tells export.ApplyRun that a big run may drop an index and
// build it again after its rows; SQLite needs nothing around it.
func (c conn) BulkIndexes() (before, after []string) { return nil, nil }

// RecordSeqsSQL: a record's seq is its rowid, one more than the last
// (export.SeqAllocator; $1, the count, takes nothing).
func (c conn) RecordSeqsSQL() string {
	return "SELECT COALESCE(max(seq), 0) + 1 FROM records WHERE $1 > 0"
}

// Load inserts rows with prepared statements of many rows each: a
// statement costs more than the rows it carries.
func (c conn) Load(ctx context.Context, table string, cols []string, rows iter.Seq[[]any]) error {
	if err := c.check(); err != nil {
		return err
	}
	defer export.TraceSQL(time.Now(), "load "+table)
	return c.fail(c.load(ctx, table, cols, rows))
}

func (c conn) load(ctx context.Context, table string, cols []string, rows iter.Seq[[]any]) error {
	perStmt := max(1, min(loadRows, 30000/len(cols))) // SQLite takes up to 32,766 values a statement
	insert := func(n int) string {
		tuple := make([]string, n)
		for i := range tuple {
			// Plain ? markers: the driver looks up each numbered one's name
			// in a list of all of them, which grows with the statement.
			tuple[i] = "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		}
		return fmt.Sprintf("INSERT OR ROLLBACK INTO %s (%s) VALUES %s", table, strings.Join(cols, ", "), strings.Join(tuple, ", "))
	}
	var full *sql.Stmt
	args := make([]any, 0, perStmt*len(cols))
	flush := func(n int) error {
		if n == perStmt && full == nil {
			var err error
			if full, err = c.tx.PrepareContext(ctx, insert(n)); err != nil {
				return err
			}
		}
		var err error
		if n == perStmt {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = c.tx.ExecContext(ctx, insert(n), args...)
		}
		args = args[:0]
		return err
	}
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	n := 0
	for row := range rows {
		args = append(args, row...)
		if n++; n == perStmt {
			if err := flush(n); err != nil {
				return err
			}
			n = 0
		}
	}
	if n > 0 {
		return flush(n)
	}
	return nil
}

// loadRows is how many rows one statement of Load inserts.
const loadRows = 256

func (c conn) Query(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	t0 := time.Now()
	rows, err := c.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	return rows, func() { rows.Close(); export.TraceSQL(t0, q) }, nil
}

// lockErr names a busy database for what it is to the user: another run.
func lockErr(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED) {
		return fmt.Errorf("%w (%v)", export.ErrLocked, err)
	}
	return err
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Begin starts a run's transaction, waiting for another run to finish.
func (s *Store) Begin(ctx context.Context) (export.Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin run: %w", lockErr(err))
	}
	c := newConn(tx)
	return &Tx{Index: export.Index{C: c}, conn: c, tx: tx, db: s.db}, nil
}

// Tx is one run. It answers dedupe's questions through export.Index.
type Tx struct {
	export.Index
	tx     *sql.Tx
	db     *sql.DB
	conn   conn // the Index's: it knows whether SQLite rolled the run back
	forgot bool // a forget: the file must not keep what it erased
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
// SQLite frees deleted rows without erasing them: secure_delete zeroes
// them, and Commit checkpoints the WAL, whose older frames hold them too.
func (t *Tx) Forget(ctx context.Context, target, reason string, th export.ABCThresholds) (export.Forgotten, error) {
	if _, err := t.tx.ExecContext(ctx, "PRAGMA secure_delete = ON"); err != nil {
		return export.Forgotten{}, fmt.Errorf("forget: %w", err)
	}
	t.forgot = true
	return export.Forget(ctx, t.C, target, reason, th, time.Now())
}

// Tombstones reads the forgotten source keys; see export.Tombstones.
func (t *Tx) Tombstones(ctx context.Context) (map[crmkit.SourceKey]int64, error) {
	return export.Tombstones(ctx, t.C)
}

// Commit makes the run visible.
func (t *Tx) Commit(ctx context.Context) error {
	if err := t.conn.check(); err != nil {
		t.tx.Rollback() // database/sql's side of it; SQLite's is done
		return err
	}
	if err := t.tx.Commit(); err != nil || !t.forgot {
		return err
	}
	if _, err := t.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("the forget is committed, but the write-ahead log still holds what it erased until the next checkpoint: %w", err)
	}
	return nil
}

// Rollback drops everything of the run. After a failed write SQLite has
// rolled it back already, and says so: that is no error.
func (t *Tx) Rollback(context.Context) error {
	if err := t.tx.Rollback(); err != nil && *t.conn.failed == nil {
		return err
	}
	return nil
}
