package postgres

import (
	"context"
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
