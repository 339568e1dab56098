package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit/export/storetest"
)

// loaderRole is the README's least-privileged loader, with the names of a
// test: %[1]s the role, %[2]s its password, %[3]s the database, %[4]s the
// schema.
const loaderRole = `CREATE ROLE %[1]s LOGIN PASSWORD '%[2]s';
GRANT CONNECT, TEMPORARY ON DATABASE %[3]s TO %[1]s;
GRANT USAGE, CREATE ON SCHEMA %[4]s TO %[1]s`

// crmkit runs as the README's loader role: it creates and migrates its
// tables, imports, and reads back, and can do nothing outside its schema.
func TestLoaderRole(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, admin := storeAndConn(ctx, t) // a fresh schema, made by the administrator
	var schema, database string
	if err := admin.QueryRow(ctx, "SELECT current_schema(), current_database()").Scan(&schema, &database); err != nil {
		t.Fatal(err)
	}
	// The administrator's store is not the loader's: start the schema empty.
	if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	role, password := fmt.Sprintf("crmkit_loader_%d_%d", os.Getpid(), time.Now().UnixNano()), "loader-secret"
	for _, q := range strings.Split(fmt.Sprintf(loaderRole, role, password, database, schema), ";\n") {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer func() {
		ctx := context.Background()
		admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Exec(ctx, "REVOKE ALL ON DATABASE "+database+" FROM "+role)
		admin.Exec(ctx, "DROP ROLE "+role)
	}()
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, password)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	s, err := Open(ctx, u.String(), time.Second)
	if err != nil {
		t.Fatalf("open as the loader: %v", err)
	}
	defer s.Close()
	storetest.Import(t, s, storetest.Clean("crm", "1", 2, "name=ООО «Альфа»", "inn=7707083893", "phone=+74950000001"),
		storetest.Clean("1c", "2", 3, "name=Альфа ООО", "inn=7707083893", "revenue=100"))
	storetest.Import(t, s, storetest.Clean("crm", "1", 2, "name=ООО «Альфа»", "inn=7707083893", "phone=+74950000002"))
	var cards int
	for _, err := range s.Cards(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		cards++
	}
	if cards != 1 {
		t.Errorf("%d cards as the loader, want 1", cards)
	}
	// Nothing beyond its schema.
	if _, err := s.pool.Exec(ctx, "CREATE SCHEMA crmkit_loader_escape"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the loader created a schema: %v", err)
	}
}
