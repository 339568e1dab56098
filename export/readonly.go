package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"

	"github.com/crmkit/crmkit/dedupe"
)

// ErrNoStore means the store named does not exist (yet): readers never
// create one, so that a mistyped --store is not an empty answer.
var ErrNoStore = errors.New("no crmkit store there")

// ErrOldSchema means the store was written by an older crmkit: a reader
// cannot read it until a writer migrates it.
var ErrOldSchema = errors.New("the store was written by an older crmkit and needs migrating")

// errReadOnly is what a read-only store answers to a write.
var errReadOnly = errors.New("the store is open read-only")

// Model reads the store's match model outside a run, without its lock
// (explain); nil when it has none yet.
func (t Tables) Model(ctx context.Context) (*dedupe.Params, error) {
	return Model(ctx, tablesConn{t})
}

// tablesConn lets the shared readers that take a Conn read through Tables.
type tablesConn struct{ t Tables }

func (c tablesConn) Exec(context.Context, string, ...any) error { return errReadOnly }

func (c tablesConn) Load(context.Context, string, []string, iter.Seq[[]any]) error {
	return errReadOnly
}

func (c tablesConn) Query(ctx context.Context, q string, args ...any) (Rows, func(), error) {
	return c.t.Query(ctx, q, args...)
}

// CheckSchema is how a reader opens a store it must not change: the store
// exists (its schema_migrations table; tableExists asks the engine) and its
// schema is the one this crmkit writes, neither older (a writing command
// migrates it) nor newer.
func (t Tables) CheckSchema(ctx context.Context, tableExists func(context.Context, string) (bool, error), fsys fs.FS, dir string) error {
	ok, err := tableExists(ctx, "schema_migrations")
	if err != nil {
		return err
	}
	if !ok {
		return ErrNoStore
	}
	ms, err := Migrations(fsys, dir)
	if err != nil {
		return err
	}
	var have int
	if err := queryOne(ctx, tablesConn{t}, "SELECT COALESCE(max(version), 0) FROM schema_migrations", nil, &have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch last := ms[len(ms)-1].Version; {
	case have == 0:
		return ErrNoStore
	case have > last:
		return fmt.Errorf("the store's schema version %d is newer than this crmkit knows (%d): upgrade crmkit", have, last)
	case have < last:
		return fmt.Errorf("%w (schema version %d, this crmkit writes %d)", ErrOldSchema, have, last)
	}
	return nil
}
