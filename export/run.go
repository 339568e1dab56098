package export

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/crmkit/crmkit"
)

// Conn is what the steps both engines share need of a transaction. Each
// engine adapts its own (database/sql, pgx) in a few lines; an adapter may
// drop arguments a statement does not use.
type Conn interface {
	Exec(ctx context.Context, query string, args ...any) error
	Query(ctx context.Context, query string, args ...any) (rows Rows, done func(), err error)
}

// ApplyRun is a run's whole write, the same for both engines: record the
// run, fold aliases, let the engine write the rows its own way, count.
func ApplyRun(ctx context.Context, c Conn, b Batch, write func(runID int64) error) (crmkit.Run, error) {
	runID, err := StartRun(ctx, c, b)
	if err != nil {
		return crmkit.Run{}, err
	}
	if err := write(runID); err != nil {
		return crmkit.Run{}, err
	}
	return FinishRun(ctx, c, runID, b)
}

// StartRun records the run and folds the stored cards that lost a merge
// into their survivors; it returns the run ID.
func StartRun(ctx context.Context, c Conn, b Batch) (int64, error) {
	args, err := RunStart(b.Run)
	if err != nil {
		return 0, err
	}
	var runID int64
	if err := queryOne(ctx, c, InsertRunSQL, args, &runID); err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	for _, alias := range SortedAliases(b.Aliases) {
		for _, q := range FoldAliasSQL() {
			if err := c.Exec(ctx, q, alias, b.Aliases[alias], runID); err != nil {
				return 0, fmt.Errorf("merge card %s into %s: %w", alias, b.Aliases[alias], err)
			}
		}
	}
	return runID, nil
}

// WriteReviewAndDecisions stores the run's review pairs and decisions.
func WriteReviewAndDecisions(ctx context.Context, c Conn, runID int64, b Batch) error {
	for _, r := range b.Review {
		args, err := ReviewArgs(runID, r)
		if err != nil {
			return err
		}
		if err := c.Exec(ctx, InsertReviewSQL, args...); err != nil {
			return fmt.Errorf("store review pair: %w", err)
		}
	}
	for _, d := range b.Decisions {
		if err := c.Exec(ctx, UpsertDecisionSQL, DecisionArgs(d, runID)...); err != nil {
			return fmt.Errorf("store decision: %w", err)
		}
	}
	return nil
}

// Decisions reads every stored decision.
func Decisions(ctx context.Context, c Conn) ([]crmkit.Decision, error) {
	rows, done, err := c.Query(ctx, SelectDecisionsSQL)
	if err != nil {
		return nil, err
	}
	defer done()
	return ScanDecisions(rows)
}

// FinishRun counts what the run changed and returns the run as recorded.
func FinishRun(ctx context.Context, c Conn, runID int64, b Batch) (crmkit.Run, error) {
	if err := WriteReviewAndDecisions(ctx, c, runID, b); err != nil {
		return crmkit.Run{}, err
	}
	if err := c.Exec(ctx, FinishRunSQL, RunFinish(runID, b.Run)...); err != nil {
		return crmkit.Run{}, fmt.Errorf("record run: %w", err)
	}
	rows, done, err := c.Query(ctx, SelectRunSQL, runID)
	if err != nil {
		return crmkit.Run{}, fmt.Errorf("record run: %w", err)
	}
	defer done()
	return FinishedRun(rows)
}

// Migrate brings the schema up to date inside the caller's transaction,
// which must keep two processes from migrating at once.
func Migrate(ctx context.Context, c Conn, fsys fs.FS, dir string) error {
	ms, err := Migrations(fsys, dir)
	if err != nil {
		return err
	}
	if err := c.Exec(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := queryOne(ctx, c, "SELECT COALESCE(max(version), 0) FROM schema_migrations", nil, &have); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if last := ms[len(ms)-1].Version; have > last {
		return fmt.Errorf("the store's schema version %d is newer than this crmkit knows (%d): upgrade crmkit", have, last)
	}
	for _, m := range ms {
		if m.Version <= have {
			continue
		}
		if err := c.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if err := c.Exec(ctx, "INSERT INTO schema_migrations VALUES ($1, $2, $3)", m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

func queryOne(ctx context.Context, c Conn, query string, args []any, dest ...any) error {
	rows, done, err := c.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer done()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("no row")
	}
	return rows.Scan(dest...)
}
