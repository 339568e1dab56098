package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresURL returns the DSN of a fresh schema in the test database named by
// CRMKIT_TEST_DATABASE_URL, dropped when the test ends. Without the variable
// the test is skipped, except under CI=true, where it fails: CI must never
// pass by skipping the PostgreSQL tests.
func PostgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("CRMKIT_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CRMKIT_TEST_DATABASE_URL is not set under CI=true: the PostgreSQL tests must run")
		}
		t.Skip("CRMKIT_TEST_DATABASE_URL is not set: skipping PostgreSQL tests")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to CRMKIT_TEST_DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("crmkit_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			conn.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("CRMKIT_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
