package main

import (
	"context"
	"fmt"
	"io"

	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
)

type exportOptions struct {
	g      *globalOptions
	store  storeOptions
	what   string
	output string
	runID  int64
	anon   anonymizeFlags
}

// exportTables are the tables export can write.
var exportTables = []string{"cards", "links", "rows", "problems", "review", "report"}

func newExportCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &exportOptions{g: g}
	cmd := &cobra.Command{
		Use:   "export cards|links|rows|problems|review|report -o FILE",
		Short: "Write cards, links, input rows, problems or pairs to review from the CRM store to a file",
		Long: `export writes one table of the CRM store. The format follows the file's
extension: .csv, .jsonl or .xlsx; "-o -" writes CSV to standard output.
links columns: personal_id,source,source_key,file,row (one per source record,
at its last sighting). rows columns: file,row,source,source_key,personal_id:
every row of each file as its latest run read it, so that two rows with the
same content (one source record) are each answered. problems are those of
the latest run that read files (not a review apply or undo) unless --run
names another; review is the pairs of the latest run that had any, side by
side with a decision column for crmkit review apply. report writes
report.xlsx (-o must end in .xlsx): a Summary sheet with charts (the files,
problems and review pairs of the latest run that read files, or of --run),
then Problems, Merges, Review, Cards and ABC sheets; people's names, phones,
e-mails, INNs and addresses are masked unless --show-pii. A --run the store
does not hold is an error. --anonymize replaces people's names, phones,
e-mails, addresses, INNs and the keys crmkit made of them with consistent
fakes (see crmkit anonymize); problem messages stay masked as they are.` + "\n" + exitCodesHelp,
		Example: `  crmkit export cards -o cards.xlsx
  crmkit export report --store crm.db -o report.xlsx
  crmkit export links --store postgres://crm@db/crm -o - | head`,
		ValidArgs: exportTables,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("name one table: cards, links, rows, problems, review or report")
			}
			for _, t := range exportTables {
				if args[0] == t {
					return nil
				}
			}
			return usagef("unknown table %q: cards, links, rows, problems, review or report", args[0])
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.output == "" {
				return usagef("name the output file with -o FILE (or -o - for standard output)")
			}
			opts.what = args[0]
			if err := opts.anon.check(cmd); err != nil {
				return err
			}
			return runExport(cmd.Context(), ios, opts)
		},
	}
	addStoreFlags(cmd, &opts.store)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "output file: .csv, .jsonl or .xlsx; - for CSV on stdout")
	addAnonymizeFlags(cmd, &opts.anon, true)
	cmd.Flags().Int64Var(&opts.runID, "run", 0, "problems and review: the run to export (default: problems of the latest run that read files, review of the latest that had pairs)")
	return cmd
}

func runExport(ctx context.Context, ios *IOStreams, opts *exportOptions) error {
	format, err := export.FormatOf(opts.output)
	if err != nil {
		return usageError{err}
	}
	if opts.what == "report" && format != export.FormatXLSX {
		return usagef("export report writes an Excel workbook: name it -o FILE.xlsx")
	}
	if opts.output == "-" && opts.g.format == "json" {
		return usagef("--format json with -o -: standard output holds the table; name a file with -o, or leave out --format json")
	}
	format = opts.g.csvFormat(format)
	cfg, store, err := configAndStore(ctx, opts.g.configPath, opts.store)
	if err != nil {
		return err
	}
	defer store.Close()
	if opts.what == "problems" || opts.what == "review" || (opts.what == "report" && opts.runID != 0) {
		if opts.runID, err = exportedRun(ctx, store, opts.what, opts.runID); err != nil {
			return err
		}
	}
	var anon *normalize.Anonymizer
	if opts.anon.on {
		if anon, err = opts.anon.anonymizer(ios, opts.g); err != nil {
			return err
		}
	}
	write := func(w io.Writer) (n int, err error) {
		switch opts.what {
		case "cards":
			cards := store.Cards(ctx)
			if anon != nil {
				cards = export.AnonymizeCards(cards, anon)
			}
			return export.WriteCards(w, format, cards)
		case "links":
			links := store.Links(ctx)
			if anon != nil {
				links = export.AnonymizeLinks(links, anon)
			}
			return export.WriteLinks(w, format, links)
		case "rows":
			rows := store.Rows(ctx)
			if anon != nil {
				rows = export.AnonymizeLinks(rows, anon)
			}
			return export.WriteRows(w, format, rows)
		case "review":
			review := store.Review(ctx, opts.runID)
			if anon != nil {
				review = export.AnonymizeReview(review, anon)
			}
			return export.WriteReview(w, format, review)
		case "report":
			rep, err := export.StoreReport(ctx, store, opts.runID, cfg.ABC)
			if err != nil {
				return 0, err
			}
			if anon != nil {
				export.AnonymizeReport(&rep, anon)
			}
			rep.Title, rep.Where, rep.ShowPII = "crmkit export report", redact(opts.store.resolve(cfg)), opts.g.showPII
			return 1, export.WriteReport(w, rep)
		default:
			return export.WriteProblems(w, format, store.Problems(ctx, opts.runID))
		}
	}
	var n int
	if opts.output == "-" {
		n, err = write(ios.Out)
	} else {
		err = writeFileAtomic(opts.output, func(w io.Writer) (err error) {
			n, err = write(w)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", opts.what, err)
	}
	if opts.g.format == "json" {
		doc := exportDocument{Table: opts.what, Output: opts.output, Format: format, RunID: opts.runID}
		if opts.what != "report" {
			doc.Rows = &n
		}
		return writeJSON(ios.Out, doc)
	}
	if !opts.g.quiet && opts.output != "-" {
		fmt.Fprintf(ios.ErrOut, "wrote %d %s to %s\n", n, opts.what, opts.output)
	}
	return nil
}

// exportDocument is what export prints under --format json.
type exportDocument struct {
	Table  string `json:"table"`
	Output string `json:"output"`
	Format string `json:"format"`           // csv, csv-raw, jsonl, xlsx
	Rows   *int   `json:"rows,omitempty"`   // table rows written; not for report
	RunID  int64  `json:"run_id,omitempty"` // problems, review, report: the run exported (0: none)
}

// exportedRun checks the run --run names, or picks the run whose problems
// to export: the latest that read files, since a review apply or an undo
// reads none and has no problems of its own.
func exportedRun(ctx context.Context, store export.Store, what string, id int64) (int64, error) {
	var latest int64
	for r, err := range store.Runs(ctx) {
		if err != nil {
			return 0, err
		}
		if id != 0 && r.ID == id {
			return id, nil
		}
		if len(r.Files) > 0 {
			latest = r.ID
		}
	}
	switch {
	case id != 0:
		return 0, fmt.Errorf("export %s: no run %d in the store (crmkit runs list names them)", what, id)
	case what == "problems":
		return latest, nil
	}
	return 0, nil
}
