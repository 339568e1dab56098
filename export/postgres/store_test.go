package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'jsonb') ORDER BY 1, 2`,
		Tables: func(s export.Store) export.Tables { return s.(*Store).Tables },
	})
}

// A store the previous release wrote is migrated in place by the next run.
func TestMigrationFromV4(t *testing.T) { storetest.Migration(t, legacy) }

// A store whose keys an older rule made has them written anew.
func TestKeysReindexed(t *testing.T) { storetest.KeysReindexed(t, legacy) }

// A store at schema 11 keeps every value through 0012's types
// (storetest.TypesMigration), which the catalogue then shows.
func TestTypesMigration(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	storetest.TypesMigration(t, func(t *testing.T, upTo int, statements []string) storetest.Opener {
		return legacyAt(t, dsn, upTo, statements)
	}, func(t *testing.T, q string) ([]string, [][]*string) {
		t.Helper()
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		// As text, whatever the column's type: as psql prints it.
		rows, err := conn.Query(ctx, q, pgx.QueryResultFormats{pgx.TextFormatCode})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var cols []string
		for _, f := range rows.FieldDescriptions() {
			cols = append(cols, f.Name)
		}
		var out [][]*string
		for rows.Next() {
			cells := make([]*string, len(cols))
			dest := make([]any, len(cols))
			for i := range cells {
				dest[i] = &cells[i]
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out = append(out, cells)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return cols, out
	})
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for col, want := range map[string]string{
		"cards.personal_id": "uuid", "cards.org_id": "uuid", "records.component": "uuid", "aliases.alias_id": "uuid", "tombstones.personal_id": "uuid",
		"runs.started_at": "timestamp with time zone", "runs.finished_at": "timestamp with time zone", "tombstones.forgotten_at": "timestamp with time zone",
		"schema_migrations.applied_at": "timestamp with time zone", "cards.revenue": "numeric(18,2)", "runs.undone_by": "bigint",
		"records.data": "jsonb", "runs.files": "jsonb", "review_pairs.a": "jsonb", "match_model.params": "jsonb",
		"decisions.same": "boolean", "record_versions.existed": "boolean", "customers.revenue": "numeric(18,2)", "customers.personal_id": "uuid",
	} {
		table, column, _ := strings.Cut(col, ".")
		var got string
		var comment *string
		if err := conn.QueryRow(context.Background(), `SELECT format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
			FROM pg_attribute a WHERE a.attrelid = CAST($1 AS regclass) AND a.attname = $2`, table, column).Scan(&got, &comment); err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		if got != want {
			t.Errorf("%s is %s, want %s", col, got, want)
		}
		if comment == nil && table != "customers" {
			t.Errorf("%s lost its comment", col)
		}
	}
}

// legacy is a store an earlier crmkit wrote (storetest.Legacy).
func legacy(t *testing.T, upTo int, statements []string) storetest.Opener {
	return legacyAt(t, storetest.PostgresURL(t), upTo, statements)
}

// legacyAt makes the legacy store in the schema dsn names.
func legacyAt(t *testing.T, dsn string, upTo int, statements []string) storetest.Opener {
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

// crmkit's connections run without JIT unless the DSN asks for it.
func TestJITOff(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	for _, c := range []struct{ dsn, want string }{{dsn, "off"}, {dsn + sep + "jit=on", "on"}} {
		s, err := Open(context.Background(), c.dsn, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		rows, done, err := s.Query(context.Background(), "SHOW jit")
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for rows.Next() {
			if err := rows.Scan(&got); err != nil {
				t.Fatal(err)
			}
		}
		done()
		s.Close()
		if got != c.want {
			t.Errorf("jit with DSN %s…%s = %q, want %q", sep, strings.TrimPrefix(c.dsn, dsn), got, c.want)
		}
	}
}
