package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/importers"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
)

type normalizeOptions struct {
	g      *globalOptions
	input  string
	output string
}

func newNormalizeCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &normalizeOptions{g: g}
	cmd := &cobra.Command{
		Use:   "normalize FILE -o OUT.xlsx|OUT.csv",
		Short: "Write a table back with cleaned columns beside the originals, no dedupe",
		Long: `normalize reads one table and writes it back with, after every phone, e-mail,
INN, KPP, OGRN, date and amount column, a "(clean)" column with the cleaned
value, then the columns kind, name (clean), legal_form, last_name, first_name,
middle_name, gender and problems. Nothing is merged and no store is touched:
for consultants who only want clean data. The output format follows its
extension: .xlsx, .csv or .jsonl.` + "\n" + exitCodesHelp,
		Example: `  crmkit normalize clients.xlsx -o clients-clean.xlsx --area-code 495`,
		Args:    exactArgs(1, "name one input file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.output == "" {
				return usagef("name the output file with -o OUT.xlsx or OUT.csv")
			}
			opts.input = args[0]
			return runNormalize(cmd.Context(), ios, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "output file: .xlsx, .csv or .jsonl; - for CSV on stdout")
	return cmd
}

// normalizedColumns come after the source's own columns.
var normalizedColumns = []string{"kind", "name (clean)", "legal_form", "last_name", "first_name", "middle_name", "gender", "problems"}

func runNormalize(ctx context.Context, ios *IOStreams, opts *normalizeOptions) error {
	format, err := export.FormatOf(opts.output)
	if err != nil {
		return usageError{err}
	}
	if opts.output == "-" && opts.g.format == "json" {
		return usagef("--format json with -o -: standard output holds the table; name a file with -o, or leave out --format json")
	}
	format = opts.g.csvFormat(format)
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	userMap, err := loadMap(opts.g.mapFile)
	if err != nil {
		return err
	}
	read, clean := fileSettings(opts.input, cfg, opts.g, userMap, normalize.NewPhoneMemo(phoneMemoSize))
	r, err := importers.Open(opts.input, read)
	if err != nil {
		return err
	}
	defer r.Close()
	cols := r.Info().Columns
	var header []string
	for _, c := range cols {
		header = append(header, c.Header)
		if normalize.Cleanable(c.Field) {
			header = append(header, c.Header+" (clean)")
		}
	}
	header = append(header, normalizedColumns...)

	rows, problems := 0, 0
	write := func(w io.Writer) error {
		t, err := export.NewTable(w, format, header)
		if err != nil {
			return err
		}
		for row, err := range r.Rows() {
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				return err
			}
			line, n := normalizedRow(row, cols, clean)
			if err := t.Row(line); err != nil {
				return err
			}
			rows, problems = rows+1, problems+n
		}
		return t.Close()
	}
	if opts.output == "-" {
		err = write(ios.Out)
	} else {
		err = writeFileAtomic(opts.output, write)
	}
	if err != nil {
		return err
	}
	if opts.g.format == "json" {
		return writeJSON(ios.Out, struct {
			Input    string `json:"input"`
			Output   string `json:"output"`
			Format   string `json:"format"`
			Rows     int    `json:"rows"`
			Problems int    `json:"problems"`
		}{opts.input, opts.output, format, rows, problems})
	}
	if !opts.g.quiet && opts.output != "-" {
		fmt.Fprintf(ios.ErrOut, "wrote %d rows with %d problems to %s\n", rows, problems, opts.output)
	}
	return nil
}

// normalizedRow is one source row with its cleaned cells beside the
// originals and the record's cleaned name and problems after them.
func normalizedRow(row importers.Row, cols []importers.Column, opt normalize.Options) ([]string, int) {
	rec, problems := normalize.Record(row.Record, opt)
	var line []string
	for i, c := range cols {
		raw := ""
		if i < len(row.Cells) {
			raw = row.Cells[i]
		}
		line = append(line, raw)
		if normalize.Cleanable(c.Field) {
			// Each cell on its own: "Телефон" and "Мобильный" both map to phone.
			v, _ := normalize.Value(c.Field, raw, opt)
			line = append(line, v)
		}
	}
	gender := ""
	if rec.Kind == crmkit.KindPerson {
		p, _ := normalize.PersonName(rec.Fields[crmkit.FieldLastName] + " " + rec.Fields[crmkit.FieldFirstName] + " " + rec.Fields[crmkit.FieldMiddleName])
		gender = p.Gender
	}
	var notes []string
	for _, p := range problems {
		notes = append(notes, p.Code+": "+p.Message)
	}
	f := rec.Fields
	line = append(line, string(rec.Kind), f[crmkit.FieldName], f[crmkit.FieldLegalForm], f[crmkit.FieldLastName],
		f[crmkit.FieldFirstName], f[crmkit.FieldMiddleName], gender, strings.Join(notes, "; "))
	return line, len(problems)
}
