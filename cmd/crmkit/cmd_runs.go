package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

func newRunsCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	store := &storeOptions{}
	cmd := &cobra.Command{Use: "runs", Short: "The recorded runs of a store: what was read and what it changed"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the runs, oldest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRuns(cmd.Context(), ios, g, store, 0)
		},
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one run: its files with their checksums and what it changed",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("name one run ID")
			}
			if id, err := strconv.ParseInt(args[0], 10, 64); err != nil || id < 1 {
				return usagef("run ID %q: a number from 1", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			id, _ := strconv.ParseInt(args[0], 10, 64)
			return runRuns(cmd.Context(), ios, g, store, id)
		},
	}
	var force bool
	undo := &cobra.Command{
		Use:   "undo [ID]",
		Short: "Take back a run exactly: the latest one, or run ID",
		Long: `undo takes back a run exactly: the records, merges and decisions it replaced
are restored, the records it added are removed, and the cards of the customers
it touched are recomputed from their records. The undo is recorded as a run of
its own, and "runs list" shows which run undid which. Only the latest run can
be undone unless --force, which undoes the runs after it first, latest first.
An undo cannot be undone: import the files again to redo a run.`,
		Example: `  crmkit runs undo                 # the latest run
  crmkit runs undo 7 --force       # run 7 and every run after it`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("name at most one run ID")
			}
			if len(args) == 1 {
				if id, err := strconv.ParseInt(args[0], 10, 64); err != nil || id < 1 {
					return usagef("run ID %q: a number from 1", args[0])
				}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var id int64
			if len(args) == 1 {
				id, _ = strconv.ParseInt(args[0], 10, 64)
			}
			return runUndo(cmd.Context(), ios, g, store, id, force)
		},
	}
	undo.Flags().BoolVar(&force, "force", false, "undo the runs after ID first")
	for _, c := range []*cobra.Command{list, show, undo} {
		addStoreFlags(c, store)
		cmd.AddCommand(c)
	}
	return cmd
}

// runUndo takes back run id (0: the latest) and the runs after it with
// force, then recomputes the cards of what they touched, in one transaction.
func runUndo(ctx context.Context, ios *IOStreams, g *globalOptions, so *storeOptions, id int64, force bool) error {
	cfg, err := loadConfig(g.configPath)
	if err != nil {
		return err
	}
	var u export.Undone
	var run crmkit.Run
	var plan *dedupe.Plan
	err = inStoreRun(ctx, cfg, so, func(tx export.Tx) (err error) {
		u, plan, run, err = export.UndoRun(ctx, tx, id, force, cfg.Dedupe, dedupe.Options{NewID: newPersonalID, Priority: cfg.priority}, cfg.ABC)
		return err
	})
	if err != nil {
		return err
	}
	if g.format == "json" {
		return writeJSON(ios.Out, struct {
			RunID    int64   `json:"run_id"`
			Undone   []int64 `json:"undone"`
			Restored int     `json:"records_restored"`
			Removed  int     `json:"records_removed"`
			Cards    int     `json:"cards_recomputed"`
		}{run.ID, u.Runs, u.Restored, u.Removed, len(plan.Cards)})
	}
	if !g.quiet {
		ids := make([]string, len(u.Runs))
		for i, r := range u.Runs {
			ids[i] = strconv.FormatInt(r, 10)
		}
		fmt.Fprintf(ios.Out, "undid run %s as run %d: %d records restored, %d removed; %d cards recomputed\n",
			strings.Join(ids, ", "), run.ID, u.Restored, u.Removed, len(plan.Cards))
	}
	return nil
}

// runRuns lists every run (id 0) or shows one.
func runRuns(ctx context.Context, ios *IOStreams, g *globalOptions, so *storeOptions, id int64) error {
	cfg, err := loadConfig(g.configPath)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, so.resolve(cfg), so.lockWait, readStore)
	if err != nil {
		return err
	}
	defer store.Close()
	var runs []crmkit.Run
	for r, err := range store.Runs(ctx) {
		if err != nil {
			return err
		}
		if id == 0 || r.ID == id {
			runs = append(runs, r)
		}
	}
	if id != 0 && len(runs) == 0 {
		return fmt.Errorf("no run %d in the store", id)
	}
	if g.format == "json" {
		if runs == nil {
			runs = []crmkit.Run{} // a store with no runs: [], not null
		}
		for i := range runs {
			if runs[i].Files == nil {
				runs[i].Files = []crmkit.RunFile{} // a run that read no files: [], not null
			}
		}
		if id != 0 {
			return writeJSON(ios.Out, runs[0])
		}
		return writeJSON(ios.Out, runs)
	}
	for _, r := range runs {
		fmt.Fprintf(ios.Out, "run %d  %s  %s\n", r.ID, r.StartedAt.Local().Format(time.DateTime), r.Command)
		fmt.Fprintf(ios.Out, "  %d records, %d problems; cards %d created, %d updated, %d merged into others; %d links created; %d duplicates merged\n",
			r.Records, r.Problems, r.CardsCreated, r.CardsUpdated, r.CardsMerged, r.LinksCreated, r.Duplicates)
		if r.UndoneBy != 0 {
			fmt.Fprintf(ios.Out, "  undone by run %d\n", r.UndoneBy)
		}
		if id != 0 {
			for _, f := range r.Files {
				fmt.Fprintf(ios.Out, "  %s  %d records  sha256 %s\n", f.Path, f.Records, f.SHA256)
			}
		}
	}
	return nil
}
