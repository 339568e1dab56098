// Package export writes results: CSV files of cards, links and problems,
// and the CRM store. The store has one schema and two engines, each in its
// own package: export/sqlite (embedded, the default) and export/postgres
// (pgx). This package holds what both share and what their callers see.
package export

import (
	"context"
	"errors"
	"iter"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
)

// ErrLocked means another run holds the store: two runs never interleave.
var ErrLocked = errors.New("another crmkit run is writing to this store; try again when it has finished")

// Store is a CRM store of either engine.
type Store interface {
	// Begin starts a run: one transaction holding the store's run lock.
	Begin(ctx context.Context) (Tx, error)
	Cards(ctx context.Context) iter.Seq2[crmkit.Card, error]
	Links(ctx context.Context) iter.Seq2[crmkit.Link, error]
	// Rows streams every input row the latest run of its file read, with
	// its source record and customer.
	Rows(ctx context.Context) iter.Seq2[crmkit.Link, error]
	// Problems of one run; runID 0 means the latest run.
	Problems(ctx context.Context, runID int64) iter.Seq2[crmkit.Problem, error]
	Runs(ctx context.Context) iter.Seq2[crmkit.Run, error]
	// Review streams the review pairs of run runID (0: the latest run that had any).
	Review(ctx context.Context, runID int64) iter.Seq2[ReviewRow, error]
	// Model reads the match model outside a run; nil before the first.
	Model(ctx context.Context) (*dedupe.Params, error)
	// ABC ranks the customers by revenue with thresholds th, now.
	ABC(ctx context.Context, th ABCThresholds) (ABCResult, error)
	// ABCPeriod ranks them by the revenue of the rows dated from..to.
	ABCPeriod(ctx context.Context, th ABCThresholds, from, to string) (ABCResult, error)
	// Merges streams each customer of two or more records with them.
	Merges(ctx context.Context) iter.Seq2[Merge, error]
	// Customers reads the customers view: a row per card, as BI tools see it.
	Customers(ctx context.Context) iter.Seq2[CustomerRow, error]
	Close() error
}

// Tx is one run's transaction. Nothing of it is visible before Commit; a
// Rollback (or a Commit that fails) leaves the store as it was.
type Tx interface {
	dedupe.Index
	// Decisions returns the must-link and cannot-link rules people made.
	Decisions(ctx context.Context) ([]crmkit.Decision, error)
	// Model returns the store's match model; nil before the first run.
	Model(ctx context.Context) (*dedupe.Params, error)
	// Records returns every stored record (crmkit train).
	Records(ctx context.Context) ([]dedupe.Stored, error)
	// Apply writes what the run changes and records the run; it returns
	// the run as recorded, with its ID and what it changed.
	Apply(ctx context.Context, b Batch) (crmkit.Run, error)
	// Undo takes back run id (0: the latest) before Apply records the
	// undo; see export.Undo.
	Undo(ctx context.Context, id int64, force bool) (Undone, error)
	// Forget erases a customer and records the forget as a run; see
	// export.Forget.
	Forget(ctx context.Context, target, reason string, th ABCThresholds) (Forgotten, error)
	// Tombstones are the forgotten source keys with the run that forgot
	// each: a run drops their records (DropForgotten).
	Tombstones(ctx context.Context) (map[crmkit.SourceKey]int64, error)
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Batch is everything one run writes.
type Batch struct {
	Run       crmkit.Run
	Plan      *dedupe.Plan // the records, cards and aliases the run changes; nil for none
	Problems  []crmkit.Problem
	Review    []ReviewRow       // pairs a person should decide
	Decisions []crmkit.Decision // decisions to store; they replace earlier ones on the same pair
	// Rows are every row the run read (SightingsOf its records): export
	// rows answers for each.
	Rows   []Sighting
	Undoes []int64 // the runs this run undid (Undo)
	// Model is a match model the run estimated (from ModelRecords records),
	// to store; nil keeps the store's.
	Model        *dedupe.Params
	ModelRecords int
	// ABC are the thresholds of the cards' ABC classes, set at the end of
	// a run that changed cards (zero: DefaultABC).
	ABC ABCThresholds
}
