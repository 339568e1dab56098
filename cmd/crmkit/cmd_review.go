package main

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

type reviewOptions struct {
	g     *globalOptions
	store storeOptions
	file  string
}

func newReviewCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "review", Short: "Decisions on pairs a person reviewed"}
	opts := &reviewOptions{g: g}
	apply := &cobra.Command{
		Use:   "apply REVIEW.xlsx|REVIEW.csv",
		Short: "Store the decisions of a filled-in review file as rules every later run obeys",
		Long: `review apply reads the decision column of a review file (from crmkit export
review or crmkit dedupe -o DIR): same (or да, yes, 1) makes a must-link, different
(or нет, no, 0) a cannot-link between the two source records. The rules are
stored and win over scores in every later import; a later decision on the same
pair replaces the earlier one. Rows left empty are skipped. A CSV file may be
in any encoding and delimiter the importer reads (Excel re-saves it as
;-separated Windows-1251). --format json prints {"run_id", "decisions",
"same", "different", "cards_merged", "cards_split"}.` + "\n" + exitCodesHelp,
		Args: exactArgs(1, "name one review file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.file = args[0]
			return runReviewApply(cmd.Context(), ios, opts)
		},
	}
	addStoreFlags(apply, &opts.store)
	cmd.AddCommand(apply)
	return cmd
}

func runReviewApply(ctx context.Context, ios *IOStreams, opts *reviewOptions) error {
	decisions, err := export.ReadDecisions(opts.file)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	var d *decision
	var run crmkit.Run
	err = inStoreRun(ctx, cfg, &opts.store, func(tx export.Tx) error {
		// The decided records' components are recomputed now, not at the
		// next import: the store always holds what the decisions say.
		stored, err := tx.Decisions(ctx)
		if err != nil {
			return fmt.Errorf("read decisions: %w", err)
		}
		if d, err = resolve(ctx, tx, nil, stored, decisions, cfg, nil); err != nil {
			return err
		}
		run, err = tx.Apply(ctx, export.Batch{Run: crmkit.Run{StartedAt: time.Now(), Command: "crmkit review apply " + opts.file},
			Plan: d.Plan, Review: d.Review, Decisions: decisions, ABC: cfg.ABC})
		return err
	})
	if err != nil {
		return err
	}
	same := 0
	for _, d := range decisions {
		if d.Same {
			same++
		}
	}
	if opts.g.format == "json" {
		return writeJSON(ios.Out, struct {
			RunID       int64 `json:"run_id"`
			Decisions   int   `json:"decisions"`
			Same        int   `json:"same"`
			Different   int   `json:"different"`
			CardsMerged int   `json:"cards_merged"`
			CardsSplit  int   `json:"cards_split"`
		}{run.ID, len(decisions), same, len(decisions) - same, run.CardsMerged, d.Split})
	}
	if !opts.g.quiet {
		fmt.Fprintf(ios.Out, "stored %d decisions (%d same, %d different) as run %d: %d cards merged, %d customers split apart\n",
			len(decisions), same, len(decisions)-same, run.ID, run.CardsMerged, d.Split)
	}
	return nil
}
