package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

type explainOptions struct {
	g    *globalOptions
	refs [2]string
}

func newExplainCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &explainOptions{g: g}
	return &cobra.Command{
		Use:   "explain FILE:ROW FILE:ROW",
		Short: "Why two records are (or are not) one customer: the comparison and its reasons",
		Long: `explain reads the files named (whole, so that keys shared by many records count
as they do in a run), cleanses the two records at those rows — the Excel row or
CSV line, or the element ordinal of a 1C file, as links.csv gives them — and
prints how they compare: each reason with its weight, any veto, and whether
the score reaches the merge or review threshold.`,
		Example: `  crmkit explain testdata/clients.xlsx:6 testdata/contacts-1251.csv:3`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("name two records as FILE:ROW")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.refs = [2]string{args[0], args[1]}
			return runExplain(cmd.Context(), ios, opts)
		},
	}
}

func runExplain(ctx context.Context, ios *IOStreams, opts *explainOptions) error {
	type ref struct {
		file string
		row  int
	}
	var refs []ref
	var files []string
	for _, s := range opts.refs {
		i := strings.LastIndexByte(s, ':')
		row, err := strconv.Atoi(s[i+1:])
		if i <= 0 || err != nil || row < 1 {
			return usagef("%q: name a record as FILE:ROW", s)
		}
		refs = append(refs, ref{s[:i], row})
		if len(files) == 0 || files[len(files)-1] != s[:i] {
			files = append(files, s[:i])
		}
	}
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	fl, err := readFiles(ctx, files, cfg, opts.g, nil)
	if err != nil {
		return err
	}
	idx := [2]int{-1, -1}
	for i, r := range fl.Records {
		for j, want := range refs {
			if r.File == want.file && r.Row == want.row && idx[j] < 0 {
				idx[j] = i
			}
		}
	}
	for j, i := range idx {
		if i < 0 {
			return fmt.Errorf("%s row %d: no record there (a header, title, empty or skipped row?)", refs[j].file, refs[j].row)
		}
	}
	c := dedupe.Explain(fl.Records, idx[0], idx[1], cfg.Dedupe)
	for j, i := range idx {
		v := export.ViewOf(fl.Records[i])
		fmt.Fprintf(ios.Out, "%c: %s row %d [%s/%s] %s | INN %s | %s | %s | %s\n", 'A'+j, v.File, v.Row, v.Source, v.Key, v.Name, v.INN, v.Phones, v.Emails, v.City)
	}
	fmt.Fprintf(ios.Out, "score %s\n", c.Explanation())
	merge, review := thresholds(cfg.Dedupe)
	switch {
	case c.Veto != "":
		fmt.Fprintf(ios.Out, "verdict: never one customer (%s)\n", c.Veto)
	case c.Score >= merge:
		fmt.Fprintf(ios.Out, "verdict: one customer (score ≥ merge threshold %.1f)\n", merge)
	case c.Score >= review:
		fmt.Fprintf(ios.Out, "verdict: for review (%.1f ≤ score < %.1f)\n", review, merge)
	default:
		fmt.Fprintf(ios.Out, "verdict: two customers (score < review threshold %.1f)\n", review)
	}
	return nil
}

func thresholds(c dedupe.Config) (merge, review float64) {
	merge, review = c.Merge, c.Review
	if merge == 0 {
		merge = 6
	}
	if review == 0 {
		review = 3
	}
	return merge, review
}
