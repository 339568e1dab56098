package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/export/postgres"
	"github.com/crmkit/crmkit/export/sqlite"
	"github.com/spf13/cobra"
)

// defaultStore is the embedded store used when no DSN is given.
const defaultStore = "crmkit.db"

// storeOptions are the flags of commands that use the CRM store.
type storeOptions struct {
	dsn      string
	lockWait time.Duration
}

func addStoreFlags(cmd *cobra.Command, o *storeOptions) {
	cmd.Flags().StringVar(&o.dsn, "store", "", "CRM store: a file path or sqlite:PATH (embedded), or postgres://… or 'host=… dbname=…' (default: config, else "+defaultStore+")")
	cmd.Flags().DurationVar(&o.lockWait, "lock-wait", 30*time.Second, "how long to wait for another run to finish with the store")
}

// resolve picks the DSN: the flag, then the config file, then the default.
func (o storeOptions) resolve(cfg Config) string {
	switch {
	case o.dsn != "":
		return o.dsn
	case cfg.Store != "":
		return cfg.Store
	}
	return defaultStore
}

// Store engines a DSN names.
const (
	engineSQLite   = "sqlite"
	enginePostgres = "postgres"
)

// libpqKey is the first keyword of libpq's "host=… dbname=…" form.
var libpqKey = regexp.MustCompile(`^\s*([a-z_]+)\s*=`)

// libpqKeys are the connection keywords libpq (and pgx) know; a DSN that
// starts with one is PostgreSQL, never a file name.
var libpqKeys = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
	"passfile": true, "connect_timeout": true, "client_encoding": true, "options": true,
	"application_name": true, "sslmode": true, "sslcert": true, "sslkey": true, "sslrootcert": true,
	"sslpassword": true, "sslnegotiation": true, "service": true, "target_session_attrs": true,
	"search_path": true, "channel_binding": true, "gssencmode": true, "krbsrvname": true,
}

// parseDSN names the engine of a DSN and what it opens: a file path for
// SQLite, the DSN itself for PostgreSQL.
func parseDSN(dsn string) (engine, target string, err error) {
	switch {
	case strings.TrimSpace(dsn) == "":
		return "", "", usagef("--store: empty")
	case strings.HasPrefix(dsn, "sqlite:"):
		return engineSQLite, strings.TrimPrefix(dsn, "sqlite:"), nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return enginePostgres, dsn, nil
	case strings.Contains(dsn, "://"):
		return "", "", usagef("store %s: unknown engine; use a file path, sqlite:PATH, postgres://… or 'host=… dbname=…'", redact(dsn))
	}
	if m := libpqKey.FindStringSubmatch(dsn); m != nil && libpqKeys[m[1]] {
		return enginePostgres, dsn, nil
	}
	return engineSQLite, dsn, nil
}

// Ways a command uses the store.
type storeAccess int

const (
	// readStore: read the last committed run, never create a store and
	// never take the run lock (export, runs list/show, explain).
	readStore storeAccess = iota
	// changeStore: a run on a store that exists (review apply, runs undo,
	// train): there is nothing to decide or undo in an empty one.
	changeStore
	// createStore: a run that may create the store (import).
	createStore
)

// openStore opens the engine the DSN names, as the command needs it.
// configAndStore loads the config and opens the store it and the flags
// name, for a command that reads the store.
func configAndStore(ctx context.Context, configPath string, opts storeOptions) (Config, export.Store, error) {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return cfg, nil, err
	}
	store, err := openStore(ctx, opts.resolve(cfg), opts.lockWait, readStore)
	return cfg, store, err
}

func openStore(ctx context.Context, dsn string, lockWait time.Duration, access storeAccess) (export.Store, error) {
	engine, target, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var s export.Store
	switch engine {
	case enginePostgres:
		if access != createStore {
			s, err = postgres.OpenReadOnly(ctx, target)
			if access == changeStore && err == nil {
				s.Close() // it exists: now open it for the run
			}
		}
		if access == createStore || errors.Is(err, export.ErrOldSchema) || (access == changeStore && err == nil) {
			s, err = postgres.Open(ctx, target, lockWait)
		}
	default:
		switch access {
		case readStore:
			s, err = sqlite.OpenReadOnly(ctx, target, lockWait)
			if errors.Is(err, export.ErrOldSchema) {
				s, err = sqlite.Open(ctx, target, lockWait) // migrate once, as a writer would
			}
		case changeStore:
			if _, serr := os.Stat(target); errors.Is(serr, fs.ErrNotExist) {
				err = export.ErrNoStore
				break
			}
			s, err = sqlite.Open(ctx, target, lockWait)
		default:
			s, err = sqlite.Open(ctx, target, lockWait)
		}
	}
	if errors.Is(err, export.ErrNoStore) {
		return nil, &noStoreError{dsn}
	}
	if err != nil && engine == enginePostgres {
		return nil, fmt.Errorf("store %s: %w", redact(dsn), err) // a file store's errors name the file
	}
	return s, err
}

// noStoreError: the store named does not exist, and the command does not
// create one.
type noStoreError struct{ dsn string }

func (e *noStoreError) Error() string {
	return fmt.Sprintf("store %s does not exist: import files into it first (crmkit import --store %s FILE...), or name another with --store",
		redact(e.dsn), shellQuote(redact(e.dsn)))
}

func (e *noStoreError) Unwrap() error { return export.ErrNoStore }

// shellQuote quotes a value for a command line a user copies.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$&;|<>()*?`\\!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// inStoreRun opens the store and runs fn in one run's transaction, which
// it commits when fn succeeds and rolls back otherwise: the commands that
// change the store without reading files (review apply, runs undo, train).
func inStoreRun(ctx context.Context, cfg Config, so *storeOptions, fn func(tx export.Tx) error) error {
	store, err := openStore(ctx, so.resolve(cfg), so.lockWait, changeStore)
	if err != nil {
		return err
	}
	defer store.Close()
	tx, err := store.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
