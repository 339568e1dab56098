package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
)

type dedupeOptions struct {
	g         *globalOptions
	outDir    string
	decisions string
	files     []string
	anon      anonymizeFlags
}

func newDedupeCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &dedupeOptions{g: g}
	cmd := &cobra.Command{
		Use:   "dedupe FILE... -o DIR",
		Short: "Run the whole flow into files only: cards.csv, links.csv, problems.csv",
		Long: `dedupe reads, cleanses and deduplicates the files exactly as import does, but
writes the result into DIR instead of a store: cards.csv (one golden card per
customer), links.csv (personal_id,source,source_key,file,row: one line per
source record, its last sighting), rows.csv (file,row,source,source_key,
personal_id: every input row, also rows that repeat a source key),
problems.csv, review.xlsx: the pairs a person should decide, side by side,
with a decision column to fill in (same / different) and pass back with
--decisions, and report.xlsx: the run for managers (a summary with charts,
problems, merges, review pairs, cards and their ABC classes; personal values
masked unless --show-pii). Personal IDs are new on every run: only a store keeps them.
With --anonymize every record is faked as it is read (see crmkit anonymize):
all the files are made of fakes, and the customers are the same.` + "\n" + exitCodesHelp,
		Example: `  crmkit dedupe testdata/*.xlsx testdata/*.csv -o out/`,
		Args:    needFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.outDir == "" {
				return usagef("name the output folder with -o DIR")
			}
			opts.files = args
			if err := opts.anon.check(cmd); err != nil {
				return err
			}
			return runDedupe(cmd.Context(), ios, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.outDir, "output", "o", "", "folder for cards.csv, links.csv, problems.csv and review.xlsx")
	addAnonymizeFlags(cmd, &opts.anon, true)
	cmd.Flags().StringVar(&opts.decisions, "decisions", "", "a filled-in review file whose decisions this run obeys (must-link / cannot-link)")
	return cmd
}

func runDedupe(ctx context.Context, ios *IOStreams, opts *dedupeOptions) error {
	started := time.Now()
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	var anon *normalize.Anonymizer
	if opts.anon.on {
		if anon, err = opts.anon.anonymizer(ios, opts.g); err != nil {
			return err
		}
	}
	prog := newProgress(ios, opts.g)
	defer prog.done()
	fl, err := readFiles(ctx, opts.files, cfg, opts.g, prog, anon)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(opts.outDir, 0o755); err != nil {
		return err
	}
	sum := newSummary("dedupe", fl, opts.g.maxErrors)
	sum.OutputDir = opts.outDir
	problems := func(w io.Writer) error {
		_, err := export.WriteProblems(w, opts.g.csvFormat(export.FormatCSV), export.Slice(fl.Problems))
		return err
	}
	if sum.exceeded() {
		// Only the list of what to fix: no cards from input the user refused.
		err := writeFileAtomic(filepath.Join(opts.outDir, "problems.csv"), problems)
		return errors.Join(err, sum.printUnlessQuiet(ios, opts.g), errMaxErrors)
	}
	d, _, err := decide(ctx, fl.Records, nil, nil, cfg, opts.decisions, prog)
	if err != nil {
		return err
	}
	prog.phase("writing cards, links and reports to %s", opts.outDir)
	abc := export.RankABC(d.Cards, cfg.ABC)
	classOf := map[string]string{}
	for _, r := range abc.Rows {
		classOf[r.PersonalID] = r.Class
	}
	for i := range d.Cards {
		d.Cards[i].ABCClass = classOf[d.Cards[i].PersonalID]
	}
	links := d.Links()
	idOf := map[crmkit.SourceKey]string{}
	for _, l := range links {
		idOf[crmkit.SourceKey{Source: l.Source, Key: l.SourceKey}] = l.PersonalID
	}
	outputs := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"cards.csv", func(w io.Writer) error {
			_, err := export.WriteCards(w, opts.g.csvFormat(export.FormatCSV), export.Slice(d.Cards))
			return err
		}},
		{"links.csv", func(w io.Writer) error {
			_, err := export.WriteLinks(w, opts.g.csvFormat(export.FormatCSV), export.Slice(links))
			return err
		}},
		{"rows.csv", func(w io.Writer) error {
			_, err := export.WriteRows(w, opts.g.csvFormat(export.FormatCSV), func(yield func(crmkit.Link, error) bool) {
				for _, r := range fl.Records {
					if !yield(crmkit.Link{File: r.File, Row: r.Row, Source: r.Source, SourceKey: r.Key,
						PersonalID: idOf[crmkit.SourceKey{Source: r.Source, Key: r.Key}]}, nil) {
						return
					}
				}
			})
			return err
		}},
		{"problems.csv", problems},
		{"review.xlsx", func(w io.Writer) error {
			_, err := export.WriteReview(w, export.FormatXLSX, export.Slice(d.Review))
			return err
		}},
		{"report.xlsx", func(w io.Writer) error {
			sourceOf := map[string]string{}
			for _, r := range fl.Records {
				sourceOf[r.File] = r.Source
			}
			return export.WriteReport(w, export.Report{Title: "crmkit dedupe", Where: opts.outDir,
				Run:     crmkit.Run{StartedAt: started, FinishedAt: time.Now(), Command: "crmkit dedupe " + strings.Join(opts.files, " "), Files: fl.Files},
				Sources: export.SourceStats(fl.Files, sourceOf, fl.Problems), Problems: fl.Problems,
				Records: len(fl.Records), Customers: len(d.Cards), Duplicates: d.Duplicates,
				Merges: export.MergesOf(d.Cards, links, fl.Records), Review: d.Review, Cards: d.Cards, ABC: abc, ShowPII: opts.g.showPII})
		}},
	}
	for _, o := range outputs {
		if err := writeFileAtomic(filepath.Join(opts.outDir, o.name), o.write); err != nil {
			return err
		}
	}
	sum.Cards, sum.CardsCreated, sum.Duplicates, sum.LinksCreated, sum.Review = len(d.Cards), len(d.Cards), d.Duplicates, len(links), len(d.Review)
	sum.Demoted = maskedDemoted(d.Demoted)
	sum.Committed = true
	prog.done()
	return sum.printUnlessQuiet(ios, opts.g)
}

// writeFileAtomic writes a file whole or not at all: into a temporary file
// beside it, renamed over the target when complete.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
