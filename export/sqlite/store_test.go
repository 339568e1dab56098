package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/export/storetest"
	"github.com/crmkit/crmkit/normalize"
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

// A store at schema 11 keeps every value through 0012's NULLs
// (storetest.TypesMigration).
func TestTypesMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmkit.db")
	storetest.TypesMigration(t, func(t *testing.T, upTo int, statements []string) storetest.Opener {
		return legacyAt(t, path, upTo, statements)
	}, func(t *testing.T, q string) ([]string, [][]*string) {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var out [][]*string
		for rows.Next() {
			cells := make([]sql.NullString, len(cols))
			dest := make([]any, len(cols))
			for i := range cells {
				dest[i] = &cells[i]
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			row := make([]*string, len(cols))
			for i, c := range cells {
				if c.Valid {
					row[i] = &c.String
				}
			}
			out = append(out, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return cols, out
	})
}

// legacy is a store an earlier crmkit wrote (storetest.Legacy).
func legacy(t *testing.T, upTo int, statements []string) storetest.Opener {
	return legacyAt(t, filepath.Join(t.TempDir(), "crmkit.db"), upTo, statements)
}

// legacyAt makes the legacy store in the file at path.
func legacyAt(t *testing.T, path string, upTo int, statements []string) storetest.Opener {
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

// A store whose record_keys held the keys' text (before 0017) holds, once
// migrated, the hash of every key of every record (export.KeyHash of
// dedupe.IndexKeys) and nothing else, kept WITHOUT ROWID (0013) and found
// by key and by record as before.
func TestRecordKeysHashed(t *testing.T) {
	// The keys are of this release's rules: only 0017 makes them written anew.
	stmts := []string{fmt.Sprintf("INSERT INTO store_state (name, value) VALUES ('keys_version', '%d')", dedupe.KeysVersion),
		`INSERT INTO runs (started_at, command, files) VALUES ('2026-10-01T10:00:00Z', 'crmkit import crm.csv', '[]')`}
	want := map[[2]int64]bool{}
	var values []string
	for seq := 1; seq <= 300; seq++ {
		r, _ := normalize.Record(crmkit.Record{Source: "crm", Key: fmt.Sprint("c", seq), Fields: map[string]string{
			crmkit.FieldName: fmt.Sprint("Петров Иван ", []string{"Ильич", "Петрович", "Сергеевич"}[seq%3]), crmkit.FieldINN: "500100732259",
			crmkit.FieldPhone: fmt.Sprint("8 916 000-00-0", seq%7)}}, normalize.Options{Phone: normalize.PhoneOptions{Region: "RU"}})
		data, err := export.EncodeRecord(&r)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO records (seq, source, source_key, personal_id, first_id, component, file, row_num, data, run_id, ord, first_run)
			VALUES (%[1]d, 'crm', '%[2]s', 'p%[1]d', 'p%[1]d', 'p%[1]d', 'crm.csv', %[1]d, '%[3]s', 1, %[1]d, 1)`, seq, r.Key, data))
		for _, k := range dedupe.IndexKeys(&r) {
			values = append(values, fmt.Sprintf("('%s', %d)", k, seq))
			want[[2]int64{export.KeyHash(k), int64(seq)}] = true
		}
	}
	stmts = append(stmts, "INSERT INTO record_keys (key, seq) VALUES "+strings.Join(values, ", "))
	path := filepath.Join(t.TempDir(), "crmkit.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	legacySchema(t, 16, stmts, func(q string, args ...any) error {
		_, err := db.Exec(q, args...)
		return err
	})
	db.Close()
	opener(path)(t, time.Second).Close()

	db, err = sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var schema string
	if err := db.QueryRow("SELECT sql FROM sqlite_master WHERE name = 'record_keys'").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(schema, "WITHOUT ROWID") {
		t.Errorf("record_keys after migrating: %s", schema)
	}
	rows, err := db.Query("SELECT key, seq FROM record_keys")
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]int64]bool{}
	for rows.Next() {
		var k, seq int64 // a key left as text fails to scan
		if err := rows.Scan(&k, &seq); err != nil {
			t.Fatal(err)
		}
		got[[2]int64{k, seq}] = true
	}
	if len(got) != len(want) || len(want) < 3*300 {
		t.Errorf("%d keys after migrating, want %d (at least 900)", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("key %v lost in migrating", k)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM record_keys WHERE key = $1", export.KeyHash("inn:500100732259")).Scan(&n); err != nil || n != 300 {
		t.Errorf("the INN is held by %d records (%v), want 300", n, err)
	}
	var plan string
	var id, parent, unused int
	if err := db.QueryRow("EXPLAIN QUERY PLAN SELECT seq FROM record_keys WHERE key = 7").Scan(&id, &parent, &unused, &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "PRIMARY KEY (key=?)") {
		t.Errorf("the holders of a key are not found through the primary key: %s", plan)
	}
	// Found by key only since 0021: keys are deleted by (key, seq).
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'record_keys' AND type = 'index' AND sql IS NOT NULL").Scan(&n); err != nil || n != 0 {
		t.Errorf("record_keys has %d indexes besides its key (%v), want none", n, err)
	}
}

// A write fails the whole run on a broken constraint, so that SQLite keeps
// no statement journal; other statements are left as they are.
func TestOrRollback(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"INSERT INTO records (seq) VALUES (1)", "INSERT OR ROLLBACK INTO records (seq) VALUES (1)"},
		{"\n\t\tINSERT INTO cards (personal_id) SELECT personal_id FROM stage_cards WHERE true ON CONFLICT (personal_id) DO UPDATE SET kind = excluded.kind",
			"INSERT OR ROLLBACK INTO cards (personal_id) SELECT personal_id FROM stage_cards WHERE true ON CONFLICT (personal_id) DO UPDATE SET kind = excluded.kind"},
		{"UPDATE records SET file = s.file FROM stage_records s WHERE records.seq = s.seq", "UPDATE OR ROLLBACK records SET file = s.file FROM stage_records s WHERE records.seq = s.seq"},
		{"INSERT OR IGNORE INTO x VALUES (1)", "INSERT OR IGNORE INTO x VALUES (1)"},
		{"DELETE FROM record_keys WHERE seq = 1", "DELETE FROM record_keys WHERE seq = 1"},
		{"CREATE TEMP TABLE q_keys (k1 TEXT)", "CREATE TEMP TABLE q_keys (k1 TEXT)"},
		{"UPDATED", "UPDATED"},
	} {
		if got := orRollback(c.in); got != c.want {
			t.Errorf("orRollback(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
