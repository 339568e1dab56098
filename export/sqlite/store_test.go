package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
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
		path := filepath.Join(t.TempDir(), "crmkit.db")
		return opener(path)
	})
}

// opener opens the store file at path, as a new process would.
func opener(path string) storetest.Opener {
	return func(t *testing.T, wait time.Duration) export.Store {
		s, err := Open(context.Background(), path, wait)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// A forgotten customer leaves no trace in any text column (storetest.Forget).
func TestForget(t *testing.T) {
	storetest.Forget(t, func(t *testing.T) storetest.Opener {
		path := filepath.Join(t.TempDir(), "crmkit.db")
		return opener(path)
	}, storetest.Scanner{
		Catalog: `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND upper(p.type) = 'TEXT' ORDER BY 1, 2`,
		Tables: func(s export.Store) export.Tables { return s.(*Store).Tables },
	})
}

// A store the previous release wrote is migrated in place by the next run.
func TestMigrationFromV4(t *testing.T) { storetest.Migration(t, legacy) }

// A store whose keys an older rule made has them written anew.
func TestKeysReindexed(t *testing.T) { storetest.KeysReindexed(t, legacy) }

// legacy is a store an earlier crmkit wrote (storetest.Legacy).
func legacy(t *testing.T, upTo int, statements []string) storetest.Opener {
	path := filepath.Join(t.TempDir(), "crmkit.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	legacySchema(t, upTo, statements, func(q string, args ...any) error {
		_, err := db.Exec(q, args...)
		return err
	})
	return opener(path)
}

// legacySchema applies this engine's migrations up to version upTo, as the
// release that had them did, then the statements.
func legacySchema(t *testing.T, upTo int, statements []string, exec func(q string, args ...any) error) {
	t.Helper()
	ms, err := export.Migrations(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if err := exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version > upTo {
			break
		}
		if err := exec(m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if err := exec("INSERT INTO schema_migrations VALUES ($1, $2, '2026-10-01T00:00:00Z')", m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range statements {
		if err := exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// A new store, its WAL and shared-memory files are readable by their owner
// only: customer data is confidential.
func TestStoreFilesPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmkit.db")
	s, err := Open(context.Background(), path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "test"}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s: mode %v, want owner only", p, perm)
		}
	}
}
