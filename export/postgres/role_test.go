package postgres

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit/export/storetest"
)

// reportingRole is the README's read-only reporting role, with the names
// of a test: %[1]s the role, %[2]s the schema, %[3]s the loader.
const reportingRole = `CREATE ROLE %[1]s NOLOGIN;
GRANT USAGE ON SCHEMA %[2]s TO %[1]s;
GRANT SELECT ON ALL TABLES IN SCHEMA %[2]s TO %[1]s;
ALTER DEFAULT PRIVILEGES FOR ROLE %[3]s IN SCHEMA %[2]s GRANT SELECT ON TABLES TO %[1]s`

// The reporting role of the README reads the views and the tables, also
// those a later migration adds, and can write nothing.
func TestReportingRole(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, conn := storeAndConn(ctx, t)
	storetest.Import(t, s, storetest.Clean("crm", "1", 2, "name=ООО «Альфа»", "inn=7707083893", "revenue=100"))
	var schema, loader string
	if err := conn.QueryRow(ctx, "SELECT current_schema(), current_user").Scan(&schema, &loader); err != nil {
		t.Fatal(err)
	}
	role := fmt.Sprintf("crmkit_report_%d_%d", os.Getpid(), time.Now().UnixNano())
	for _, q := range strings.Split(fmt.Sprintf(reportingRole, role, schema, loader), ";\n") {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer func() {
		ctx := context.Background()
		conn.Exec(ctx, "RESET ROLE")
		conn.Exec(ctx, "DROP OWNED BY "+role)
		conn.Exec(ctx, "DROP ROLE "+role)
	}()
	// A table a later migration adds is readable too.
	if _, err := conn.Exec(ctx, "CREATE TABLE later_table (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SET ROLE "+role); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT count(*) FROM customers", "SELECT count(*) FROM customer_sources", "SELECT count(*) FROM records",
		"SELECT count(*) FROM cards", "SELECT count(*) FROM runs", "SELECT count(*) FROM later_table"} {
		var n int
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Errorf("as the reporting role, %s: %v", q, err)
		}
	}
	for _, q := range []string{"INSERT INTO cards (personal_id, kind) VALUES ('01900000-0000-7000-8000-0000000000ff', 'person')", "UPDATE cards SET name = 'x'",
		"DELETE FROM records", "CREATE TABLE report_scratch (x TEXT)", "TRUNCATE runs CASCADE"} {
		if _, err := conn.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("as the reporting role, %s: %v, want permission denied", q, err)
		}
	}
}
