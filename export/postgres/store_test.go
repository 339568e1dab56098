package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"testing"
	"time"

	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/export/storetest"
)

var (
	_ export.Store = (*Store)(nil)
	_ dedupe.Index = (*Tx)(nil)
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		dsn := storetest.PostgresURL(t)
		return func(t *testing.T, wait time.Duration) export.Store {
			s, err := Open(context.Background(), dsn, wait)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

// A forgotten customer leaves no trace in any text column (storetest.Forget).
func TestForget(t *testing.T) {
	storetest.Forget(t, func(t *testing.T) storetest.Opener {
		dsn := storetest.PostgresURL(t)
		return func(t *testing.T, wait time.Duration) export.Store {
			s, err := Open(context.Background(), dsn, wait)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	}, storetest.Scanner{
		Catalog: `SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying') ORDER BY 1, 2`,
		Tables: func(s export.Store) export.Tables { return s.(*Store).Tables },
	})
}

// A store the previous release wrote is migrated in place by the next run.
func TestMigrationFromV4(t *testing.T) { storetest.Migration(t, legacy) }

// A store whose keys an older rule made has them written anew.
func TestKeysReindexed(t *testing.T) { storetest.KeysReindexed(t, legacy) }

// legacy is a store an earlier crmkit wrote (storetest.Legacy).
func legacy(t *testing.T, upTo int, statements []string) storetest.Opener {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	ms, err := export.Migrations(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
	for _, m := range ms {
		if m.Version > upTo {
			break
		}
		exec(m.SQL)
		exec("INSERT INTO schema_migrations VALUES ($1, $2, '2026-10-01T00:00:00Z')", m.Version, m.Name)
	}
	for _, q := range statements {
		exec(q)
	}
	return func(t *testing.T, wait time.Duration) export.Store {
		s, err := Open(ctx, dsn, wait)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}
