package export

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
)

// Retrain is `crmkit train` inside the caller's transaction: it estimates
// the match model from every stored record, recomputes every match
// component with it — the customers one run over all records would make —
// and records both as one run.
func Retrain(ctx context.Context, tx Tx, cfg dedupe.Config, opt dedupe.Options, abc ABCThresholds) (*dedupe.Plan, crmkit.Run, error) {
	stored, err := tx.Records(ctx)
	if err != nil {
		return nil, crmkit.Run{}, err
	}
	if len(stored) < dedupe.MinTrainRecords {
		return nil, crmkit.Run{}, fmt.Errorf("the store holds %d records: a model is estimated from %d at least", len(stored), dedupe.MinTrainRecords)
	}
	recs := make([]crmkit.Record, len(stored))
	seeds := make([]crmkit.SourceKey, len(stored))
	for i, s := range stored {
		recs[i], seeds[i] = s.Record, crmkit.SourceKey{Source: s.Source, Key: s.Key}
	}
	cfg.Model = dedupe.Train(recs, cfg)
	decisions, err := tx.Decisions(ctx)
	if err != nil {
		return nil, crmkit.Run{}, fmt.Errorf("read decisions: %w", err)
	}
	plan, err := dedupe.Resolve(ctx, tx, dedupe.Input{Seeds: seeds, Decisions: decisions}, cfg, opt)
	if err != nil {
		return nil, crmkit.Run{}, err
	}
	run, err := tx.Apply(ctx, Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit train"},
		Plan: plan, Model: cfg.Model, ModelRecords: len(recs), ABC: abc})
	return plan, run, err
}
