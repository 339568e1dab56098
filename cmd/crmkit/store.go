package main

import (
	"context"
	"fmt"
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
	cmd.Flags().StringVar(&o.dsn, "store", "", "CRM store: a file path or sqlite:PATH (embedded), or postgres://… (default: config, else "+defaultStore+")")
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

// openStore opens the engine the DSN names.
func openStore(ctx context.Context, dsn string, lockWait time.Duration) (export.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err := postgres.Open(ctx, dsn, lockWait)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", redact(dsn), err)
		}
		return s, nil
	case strings.Contains(dsn, "://"):
		return nil, usagef("store %s: unknown engine; use a file path, sqlite:PATH or postgres://…", redact(dsn))
	}
	return sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"), lockWait)
}

// inStoreRun opens the store and runs fn in one run's transaction, which
// it commits when fn succeeds and rolls back otherwise: the commands that
// change the store without reading files (review apply, runs undo, train).
func inStoreRun(ctx context.Context, cfg Config, so *storeOptions, fn func(tx export.Tx) error) error {
	store, err := openStore(ctx, so.resolve(cfg), so.lockWait)
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
