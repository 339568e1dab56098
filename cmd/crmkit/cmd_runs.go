package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/crmkit/crmkit"
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
	for _, c := range []*cobra.Command{list, show} {
		addStoreFlags(c, store)
		cmd.AddCommand(c)
	}
	return cmd
}

// runRuns lists every run (id 0) or shows one.
func runRuns(ctx context.Context, ios *IOStreams, g *globalOptions, so *storeOptions, id int64) error {
	cfg, err := loadConfig(g.configPath)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, so.resolve(cfg), so.lockWait)
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
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		if id != 0 {
			return enc.Encode(runs[0])
		}
		return enc.Encode(runs)
	}
	for _, r := range runs {
		fmt.Fprintf(ios.Out, "run %d  %s  %s\n", r.ID, r.StartedAt.Local().Format(time.DateTime), r.Command)
		fmt.Fprintf(ios.Out, "  %d records, %d problems; cards %d created, %d updated, %d merged into others; %d links created; %d duplicates merged\n",
			r.Records, r.Problems, r.CardsCreated, r.CardsUpdated, r.CardsMerged, r.LinksCreated, r.Duplicates)
		if id != 0 {
			for _, f := range r.Files {
				fmt.Fprintf(ios.Out, "  %s  %d records  sha256 %s\n", f.Path, f.Records, f.SHA256)
			}
		}
	}
	return nil
}
