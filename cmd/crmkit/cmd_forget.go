package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

type forgetOptions struct {
	g      *globalOptions
	store  storeOptions
	target string // PERSONAL_ID or SOURCE/KEY
	reason string
}

func newForgetCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &forgetOptions{g: g}
	cmd := &cobra.Command{
		Use:   "forget PERSONAL_ID|SOURCE/KEY",
		Short: "Erase a customer's personal data from the store for good (the right to erasure)",
		Long: `forget erases one customer — named by its personal ID, or by one of its source
records as SOURCE/KEY — from the store: its cards, contact points, records and
their earlier versions, match keys, the review pairs and problems that show
its values, the rows read for it, and its values in the match model. What is
kept is a tombstone per source record: the personal ID, the source and key, the
run and time of the forget and --reason, and no personal value. A later import
of a forgotten source record reports it as record.forgotten and does not store
it. The forget is a run of its own (runs list); it cannot be undone, and nor
can the runs before it. Other customers are not changed. --format json prints
{"run_id", "personal_id", "records", "cards", "problems", "review_pairs"}.` + "\n" + exitCodesHelp,
		Example: `  crmkit forget 0190a8c2-5b1e-7c3a-9f00-4d2e8b6a1c77 --reason "request 2026-11-30 no. 17"
  crmkit forget 1c-trade/000017 --store postgres://crm@db/crm`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("name one customer: a personal ID, or SOURCE/KEY of one of its records")
			}
			if src, key, ok := strings.Cut(args[0], "/"); strings.TrimSpace(args[0]) == "" || ok && (src == "" || key == "") {
				return usagef("customer %q: a personal ID, or SOURCE/KEY of one of its records", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.target = args[0]
			return runForget(cmd.Context(), ios, opts)
		},
	}
	addStoreFlags(cmd, &opts.store)
	cmd.Flags().StringVar(&opts.reason, "reason", "", "why, kept in the tombstone (a request number; no personal data)")
	return cmd
}

func runForget(ctx context.Context, ios *IOStreams, opts *forgetOptions) error {
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	var f export.Forgotten
	err = inStoreRun(ctx, cfg, &opts.store, func(tx export.Tx) (err error) {
		f, err = tx.Forget(ctx, opts.target, opts.reason, cfg.ABC)
		return err
	})
	if err != nil {
		return err
	}
	if opts.g.format == "json" {
		return writeJSON(ios.Out, struct {
			RunID       int64  `json:"run_id"`
			PersonalID  string `json:"personal_id"`
			Records     int    `json:"records"`
			Cards       int    `json:"cards"`
			Problems    int    `json:"problems"`
			ReviewPairs int    `json:"review_pairs"`
		}{f.Run.ID, f.PersonalID, len(f.Keys), f.Cards, f.Problems, f.ReviewPairs})
	}
	if !opts.g.quiet {
		fmt.Fprintf(ios.Out, "forgot customer %s as run %d: %d source records (now tombstones), %d cards, %d problems, %d review pairs\n",
			f.PersonalID, f.Run.ID, len(f.Keys), f.Cards, f.Problems, f.ReviewPairs)
	}
	return nil
}
