package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/spf13/cobra"
)

type evalOptions struct {
	g     *globalOptions
	truth string
	links string
}

func newEvalCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &evalOptions{g: g}
	cmd := &cobra.Command{
		Use:   "eval --truth TRUTH.csv LINKS.csv",
		Short: "Measure deduplication against a labelled sample: pairwise precision, recall, F1",
		Long: `eval compares the personal IDs of a links file (crmkit dedupe's links.csv, or
crmkit export links) with a labelled truth file of columns source,source_key,entity:
two records are a true pair when their entity is the same. It prints pairwise
precision, recall and F1, and how many clusters are exactly the true customers.
Only records present in both files count.`,
		Example: `  go run ./testdata/gen -labelled 5000 -o bench/labelled
  crmkit dedupe bench/labelled/crm.csv bench/labelled/site.csv -o bench/out
  crmkit eval --truth bench/labelled/truth.csv bench/out/links.csv`,
		Args: exactArgs(1, "name one links file"),
		RunE: func(_ *cobra.Command, args []string) error {
			if opts.truth == "" {
				return usagef("name the labelled truth file with --truth")
			}
			opts.links = args[0]
			return runEval(ios, opts)
		},
	}
	cmd.Flags().StringVar(&opts.truth, "truth", "", "CSV source,source_key,entity")
	return cmd
}

func runEval(ios *IOStreams, opts *evalOptions) error {
	truth, err := readPairsFile(opts.truth, "source", "source_key", "entity")
	if err != nil {
		return err
	}
	links, err := readPairsFile(opts.links, "source", "source_key", "personal_id")
	if err != nil {
		return err
	}
	ev := dedupe.Evaluate(truth, links)
	if opts.g.format == "json" {
		return writeJSON(ios.Out, ev)
	}
	fmt.Fprintf(ios.Out, "records: %d (links not in truth %d, truth not in links %d)\n", ev.Records, ev.UnknownInTruth, ev.MissingInLinks)
	fmt.Fprintf(ios.Out, "pairs: %d true, %d found, %d correct\n", ev.TruePairs, ev.FoundPairs, ev.CorrectPairs)
	fmt.Fprintf(ios.Out, "precision %.4f  recall %.4f  F1 %.4f\n", ev.Precision, ev.Recall, ev.F1)
	fmt.Fprintf(ios.Out, "customers: %d true, %d clusters, %d exactly right\n", ev.Entities, ev.Clusters, ev.ExactClusters)
	return nil
}

// readPairsFile reads (source, source_key) → label from a CSV with a header.
func readPairsFile(path string, cols ...string) (map[crmkit.SourceKey]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range header {
			if h == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, usagef("%s: no column %q (want %v)", path, c, cols)
		}
	}
	out := map[crmkit.SourceKey]string{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s line %d: %w", path, line, err)
		}
		if max(idx[0], idx[1], idx[2]) >= len(rec) {
			return nil, fmt.Errorf("%s line %d: too few columns", path, line)
		}
		out[crmkit.SourceKey{Source: rec[idx[0]], Key: rec[idx[1]]}] = rec[idx[2]]
	}
}
