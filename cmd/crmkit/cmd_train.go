package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

func newTrainCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	store := &storeOptions{}
	cmd := &cobra.Command{
		Use:   "train [--store DSN]",
		Short: "Estimate the match weights from every record of the store, and recompute every customer with them",
		Long: `train estimates the match model (learned weights, see Matching in the
README) from all the records the store holds, stores it, and recomputes every
match component with it in the same run, so that the customers are what one
run over all records with the new weights would make. Import runs never
re-estimate the model on their own: the first run with enough records
estimates it and later runs keep it. Run train after a migration in parts, or
on a store written by a crmkit without learned weights. Personal IDs survive
as in any run: a customer keeps the oldest ID it holds. "runs undo" takes a
train run back, as any other.` + "\n" + exitCodesHelp,
		Example: `  crmkit train --store postgres://crm@db/crm`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTrain(cmd.Context(), ios, g, store)
		},
	}
	addStoreFlags(cmd, store)
	return cmd
}

func runTrain(ctx context.Context, ios *IOStreams, g *globalOptions, so *storeOptions) error {
	started := time.Now()
	cfg, err := loadConfig(g.configPath)
	if err != nil {
		return err
	}
	if !cfg.Dedupe.Learned() {
		return usagef("the config says weights: fixed: there is no model to train")
	}
	store, err := openStore(ctx, so.resolve(cfg), so.lockWait)
	if err != nil {
		return err
	}
	defer store.Close()
	tx, err := store.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	stored, err := tx.Records(ctx)
	if err != nil {
		return err
	}
	if len(stored) < dedupe.MinTrainRecords {
		return fmt.Errorf("the store holds %d records: a model is estimated from %d at least", len(stored), dedupe.MinTrainRecords)
	}
	recs := make([]crmkit.Record, len(stored))
	seeds := make([]crmkit.SourceKey, len(stored))
	for i, s := range stored {
		recs[i], seeds[i] = s.Record, crmkit.SourceKey{Source: s.Source, Key: s.Key}
	}
	model := dedupe.Train(recs, cfg.Dedupe)
	decisions, err := tx.Decisions(ctx)
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	cfg.Dedupe.Model = model
	plan, err := dedupe.Resolve(ctx, tx, dedupe.Input{Seeds: seeds, Decisions: decisions}, cfg.Dedupe,
		dedupe.Options{NewID: newPersonalID, Priority: cfg.priority})
	if err != nil {
		return err
	}
	run, err := tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: started, Command: "crmkit train"},
		Plan: plan, Model: model, ModelRecords: len(recs)})
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	out := struct {
		Run       int64   `json:"run_id"`
		Records   int     `json:"records"`
		Customers int     `json:"customers"`
		Merged    int     `json:"cards_merged"`
		Split     int     `json:"cards_split"`
		Lambda    float64 `json:"prior"`
	}{run.ID, len(recs), len(plan.Cards), run.CardsMerged, plan.Split, model.Lambda}
	if g.format == "json" {
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if !g.quiet {
		fmt.Fprintf(ios.Out, "estimated the match model from %d records as run %d; recomputed %d customers: %d merged into others, %d split\n",
			out.Records, out.Run, out.Customers, out.Merged, out.Split)
	}
	return nil
}
