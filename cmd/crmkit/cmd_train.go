package main

import (
	"context"
	"fmt"

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
run over all records with the new weights would make. An import estimates
the model only when the store has none yet (from every stored record and its
own, once they are 1,000 together) or when it brings a source the model has not
seen; other runs keep it. Run train after a migration in parts (the model may
come from the first parts only), or on a store written by a crmkit without
learned weights. Personal IDs survive
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
	cfg, err := loadConfig(g.configPath)
	if err != nil {
		return err
	}
	if !cfg.Dedupe.Learned() {
		return usagef("the config says weights: fixed: there is no model to train")
	}
	var plan *dedupe.Plan
	var run crmkit.Run
	err = inStoreRun(ctx, cfg, so, func(tx export.Tx) (err error) {
		plan, run, err = export.Retrain(ctx, tx, cfg.Dedupe, dedupe.Options{NewID: newPersonalID, Priority: cfg.priority}, cfg.ABC)
		return err
	})
	if err != nil {
		return err
	}
	out := struct {
		Run       int64 `json:"run_id"`
		Records   int   `json:"records"`
		Customers int   `json:"customers"`
		Merged    int   `json:"cards_merged"`
		Split     int   `json:"cards_split"`
	}{run.ID, plan.Touched, len(plan.Cards), run.CardsMerged, plan.Split}
	if g.format == "json" {
		return writeJSON(ios.Out, out)
	}
	if !g.quiet {
		fmt.Fprintf(ios.Out, "estimated the match model from %d records as run %d; recomputed %d customers: %d merged into others, %d split\n",
			out.Records, out.Run, out.Customers, out.Merged, out.Split)
	}
	return nil
}
