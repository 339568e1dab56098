package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

type importOptions struct {
	g         *globalOptions
	store     storeOptions
	dryRun    bool
	decisions string
	report    string
	files     []string
}

func newImportCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &importOptions{g: g}
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Read, cleanse and deduplicate files into the CRM store",
		Long: `import runs the whole flow into the CRM store in one transaction: either
everything of the run is stored or nothing is. Records already linked keep
their personal IDs; new records that share an INN, phone or e-mail with a
stored customer join that customer. Importing the same files again changes
nothing.` + "\n" + exitCodesHelp,
		Example: `  crmkit import testdata/clients.xlsx testdata/contacts-1251.csv
  crmkit import --store postgres://crm@db/crm --area-code 495 export.csv
  crmkit import --dry-run --format json clients.xlsx`,
		Args: needFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.files = args
			if opts.report != "" {
				if f, err := export.FormatOf(opts.report); err != nil || f != export.FormatXLSX {
					return usagef("--report writes an Excel workbook: name it FILE.xlsx")
				}
				if opts.dryRun {
					return usagef("--report with --dry-run: a dry run keeps nothing to report on (crmkit dedupe -o DIR writes DIR/report.xlsx)")
				}
			}
			return runImport(cmd.Context(), ios, opts)
		},
	}
	addStoreFlags(cmd, &opts.store)
	cmd.Flags().BoolVar(&opts.dryRun, "dry-run", false, "do everything but commit, and report what would change")
	cmd.Flags().StringVar(&opts.report, "report", "", "write report.xlsx for managers: the run's files and problems, the store's merges, cards and ABC classes, with charts")
	cmd.Flags().StringVar(&opts.decisions, "decisions", "", "a filled-in review file whose decisions this run obeys and stores, as crmkit review apply does")
	return cmd
}

func runImport(ctx context.Context, ios *IOStreams, opts *importOptions) (err error) {
	started := time.Now()
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	dsn := opts.store.resolve(cfg)
	store, err := openStore(ctx, dsn, opts.store.lockWait, createStore)
	if err != nil {
		return err
	}
	defer store.Close()

	prog := newProgress(ios, opts.g)
	defer prog.done()
	fl, err := readFiles(ctx, opts.files, cfg, opts.g, prog, nil)
	if err != nil {
		return err
	}
	sum := newSummary("import", fl, opts.g.maxErrors)
	sum.Store, sum.DryRun = redact(dsn), opts.dryRun
	if sum.exceeded() {
		return errors.Join(sum.printUnlessQuiet(ios, opts.g), errMaxErrors)
	}

	tx, err := store.Begin(ctx)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			// A fresh context: the run's own may be cancelled already.
			tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if dropped, err := fl.dropForgotten(ctx, tx); err != nil {
		return err
	} else if dropped {
		sum = newSummary("import", fl, opts.g.maxErrors)
		sum.Store, sum.DryRun = redact(dsn), opts.dryRun
	}
	stored, err := tx.Decisions(ctx)
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	// Matching copies the records: the run keeps only their sightings.
	records, rows := len(fl.Records), export.SightingsOf(fl.Records)
	d, fromFile, err := decide(ctx, fl.takeRecords(), tx, stored, cfg, opts.decisions, prog)
	if err != nil {
		return err
	}
	prog.phase("writing %d records and %d cards to the store", len(d.Writes), len(d.Cards))
	run, err := tx.Apply(ctx, export.Batch{
		Run: crmkit.Run{StartedAt: started, Command: "crmkit import " + strings.Join(opts.files, " "), Files: fl.Files,
			Records: records, Problems: len(fl.Problems), Duplicates: d.Duplicates},
		Plan: d.Plan, Problems: fl.Problems, Review: d.Review, Decisions: fromFile, Rows: rows,
		Model: d.Model, ModelRecords: d.ModelRecords, ABC: cfg.ABC,
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !opts.dryRun {
		prog.phase("committing")
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		committed = true
		sum.RunID, sum.Committed = run.ID, true
	}
	prog.done()
	prog.trace("finished")
	sum.Cards, sum.CardsCreated, sum.CardsUpdated, sum.CardsMerged = d.Customers, run.CardsCreated, run.CardsUpdated, run.CardsMerged
	sum.Duplicates, sum.LinksCreated, sum.Review, sum.Split = d.Duplicates, run.LinksCreated, len(d.Review), d.Split
	sum.Demoted = maskedDemoted(d.Demoted)
	sum.Retrained = d.Retrained
	if opts.report != "" && committed {
		rep, err := export.StoreReport(ctx, store, run.ID, cfg.ABC)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		// The run's own counts, not the store's.
		rep.Records, rep.Customers, rep.Duplicates = records, d.Customers, d.Duplicates
		rep.Title, rep.Where, rep.ShowPII = "crmkit import", sum.Store, opts.g.showPII
		if err := writeFileAtomic(opts.report, func(w io.Writer) error { return export.WriteReport(w, rep) }); err != nil {
			return fmt.Errorf("the run is committed, but the report is not written: %w", err)
		}
	}
	return sum.printUnlessQuiet(ios, opts.g)
}

// printUnlessQuiet prints the summary: always under --format json (scripts
// asked for it), and in text unless --quiet.
func (s *summary) printUnlessQuiet(ios *IOStreams, g *globalOptions) error {
	if g.quiet && g.format != "json" {
		return nil
	}
	return s.print(ios.Out, g.format)
}
