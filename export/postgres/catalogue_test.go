package postgres

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/crmkit/crmkit/export/storetest"
)

// Every table, view and column of the store says what it holds in the
// catalogue (psql \d+), in English and Russian.
func TestCatalogueComments(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, conn := storeAndConn(ctx, t)
	rows, err := conn.Query(ctx, `SELECT c.relname, COALESCE(a.attname, ''), COALESCE(d.description, '')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = COALESCE(a.attnum, 0)
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v') AND c.relname NOT LIKE 'stage_%' AND c.relname <> 'q_keys'
		UNION ALL
		SELECT c.relname, '', COALESCE(d.description, '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = 0
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	tables, columns := map[string]bool{}, 0
	for rows.Next() {
		var table, column, comment string
		if err := rows.Scan(&table, &column, &comment); err != nil {
			t.Fatal(err)
		}
		tables[table] = true
		what := table
		if column != "" {
			what += "." + column
			columns++
		}
		// Views' columns say what their tables' do; a view itself is commented.
		if column != "" && (table == "customers" || table == "customer_sources") {
			continue
		}
		if en, ru, ok := strings.Cut(comment, " / "); !ok || en == "" || !strings.ContainsFunc(ru, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			t.Errorf("%s: comment %q, want English / Russian", what, comment)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"records", "cards", "contact_points", "runs", "customers", "customer_sources"} {
		if !tables[want] {
			t.Errorf("no %s in the store's schema", want)
		}
	}
	if columns < 100 {
		t.Errorf("%d columns seen: the query missed the schema", columns)
	}
}

// storeAndConn makes a fresh store, and a connection of its own to it
// (closed when the test ends).
func storeAndConn(ctx context.Context, t *testing.T) (*Store, *pgx.Conn) {
	t.Helper()
	dsn := storetest.PostgresURL(t)
	s, err := Open(ctx, dsn, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return s, conn
}
