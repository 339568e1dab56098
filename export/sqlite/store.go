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
	"net/url"
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
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	s.Query = func(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, nil, err
		}
		return rows, func() { rows.Close() }, nil
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return lockErr(err)
	}
	defer tx.Rollback()
	if err := export.Migrate(ctx, conn{tx}, migrations, "migrations"); err != nil {
		return err
	}
	return tx.Commit()
}

// conn adapts a database/sql transaction to export.Conn.
type conn struct{ tx *sql.Tx }

func (c conn) Exec(ctx context.Context, q string, args ...any) error {
	_, err := c.tx.ExecContext(ctx, q, args...)
	return err
}

func (c conn) Query(ctx context.Context, q string, args ...any) (export.Rows, func(), error) {
	rows, err := c.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	return rows, func() { rows.Close() }, nil
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
	return &Tx{tx: tx}, nil
}

// Tx is one run.
type Tx struct {
	tx *sql.Tx
}

// sqliteMaxVars keeps a lookup's IN list well under SQLite's parameter limit.
const sqliteMaxVars = 900

// Decisions implements dedupe.Existing.
func (t *Tx) Decisions(ctx context.Context) ([]crmkit.Decision, error) {
	return export.Decisions(ctx, conn{t.tx})
}

// LinkedIDs implements dedupe.Existing.
func (t *Tx) LinkedIDs(ctx context.Context, keys []crmkit.SourceKey) (map[crmkit.SourceKey]string, error) {
	out := map[crmkit.SourceKey]string{}
	for start := 0; start < len(keys); start += sqliteMaxVars / 2 {
		chunk := keys[start:min(start+sqliteMaxVars/2, len(keys))]
		var vals []string
		args := make([]any, 0, 2*len(chunk))
		for i, k := range chunk {
			vals = append(vals, fmt.Sprintf("($%d, $%d)", 2*i+1, 2*i+2))
			args = append(args, k.Source, k.Key)
		}
		rows, err := t.tx.QueryContext(ctx, "SELECT source, source_key, personal_id FROM links WHERE (source, source_key) IN (VALUES "+strings.Join(vals, ", ")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k crmkit.SourceKey
			var id string
			if err := rows.Scan(&k.Source, &k.Key, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// IDsByMatchKey implements dedupe.Existing.
func (t *Tx) IDsByMatchKey(ctx context.Context, keys []string) (map[string][]string, error) {
	out := map[string][]string{}
	for start := 0; start < len(keys); start += sqliteMaxVars {
		chunk := keys[start:min(start+sqliteMaxVars, len(keys))]
		marks := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, k := range chunk {
			marks[i], args[i] = fmt.Sprintf("$%d", i+1), k
		}
		rows, err := t.tx.QueryContext(ctx, "SELECT key, personal_id FROM match_keys WHERE key IN ("+strings.Join(marks, ", ")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k, id string
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = append(out[k], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Apply writes the run's cards, aliases, links and problems and records the run.
func (t *Tx) Apply(ctx context.Context, b export.Batch) (crmkit.Run, error) {
	return export.ApplyRun(ctx, conn{t.tx}, b, func(runID int64) error { return t.write(ctx, b, runID) })
}

// write inserts the run's rows with prepared statements.
func (t *Tx) write(ctx context.Context, b export.Batch, runID int64) error {
	cols := append([]string{"personal_id"}, export.CardFields...)
	cardSQL := fmt.Sprintf("INSERT INTO cards (%s, created_run, updated_run) VALUES (%s, $%d, $%d) %s",
		strings.Join(cols, ", "), placeholders(len(cols)), len(cols)+1, len(cols)+1, export.CardUpsertConflict())
	steps := []struct {
		sql  string
		each func(stmt *sql.Stmt) error
	}{
		{cardSQL, func(stmt *sql.Stmt) error {
			for _, c := range b.Cards {
				if _, err := stmt.ExecContext(ctx, append(export.CardValues(c), runID)...); err != nil {
					return fmt.Errorf("card %s: %w", c.PersonalID, err)
				}
			}
			return nil
		}},
		{"INSERT INTO contact_points (personal_id, type, value, extension, source, run_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", func(stmt *sql.Stmt) error {
			for _, c := range b.Cards {
				for _, cp := range c.ContactPoints {
					if _, err := stmt.ExecContext(ctx, c.PersonalID, cp.Type, cp.Value, cp.Extension, cp.Source, runID); err != nil {
						return fmt.Errorf("contact of card %s: %w", c.PersonalID, err)
					}
				}
			}
			return nil
		}},
		{"INSERT INTO match_keys (key, personal_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", func(stmt *sql.Stmt) error {
			for _, c := range b.Cards {
				for _, k := range c.MatchKeys {
					if _, err := stmt.ExecContext(ctx, k, c.PersonalID); err != nil {
						return fmt.Errorf("match key of card %s: %w", c.PersonalID, err)
					}
				}
			}
			return nil
		}},
		{export.UpsertLinkSQL, func(stmt *sql.Stmt) error {
			for _, l := range b.Links {
				if _, err := stmt.ExecContext(ctx, l.Source, l.SourceKey, l.PersonalID, l.File, l.Row, runID); err != nil {
					return fmt.Errorf("link %s/%s: %w", l.Source, l.SourceKey, err)
				}
			}
			return nil
		}},
		{"INSERT INTO problems (run_id, file, row_num, field, code, severity, message) VALUES ($1, $2, $3, $4, $5, $6, $7)", func(stmt *sql.Stmt) error {
			for _, p := range b.Problems {
				if _, err := stmt.ExecContext(ctx, runID, p.File, p.Row, p.Field, p.Code, string(p.Severity), p.Message); err != nil {
					return fmt.Errorf("problem: %w", err)
				}
			}
			return nil
		}},
	}
	for _, step := range steps {
		stmt, err := t.tx.PrepareContext(ctx, step.sql)
		if err != nil {
			return err
		}
		err = step.each(stmt)
		stmt.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func placeholders(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(p, ", ")
}

// Commit makes the run visible.
func (t *Tx) Commit(context.Context) error { return t.tx.Commit() }

// Rollback drops everything of the run.
func (t *Tx) Rollback(context.Context) error { return t.tx.Rollback() }
