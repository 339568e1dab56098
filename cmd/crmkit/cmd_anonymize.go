package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/importers"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// anonymizeFlags are the flags of every command that writes anonymised
// output: export and dedupe (behind --anonymize) and anonymize.
type anonymizeFlags struct {
	on  bool
	key string
	all bool
}

func addAnonymizeFlags(cmd *cobra.Command, f *anonymizeFlags, withSwitch bool) {
	if withSwitch {
		cmd.Flags().BoolVar(&f.on, "anonymize", false, "replace people's names, phones, e-mails, addresses, INNs and birth dates with consistent fakes")
	}
	cmd.Flags().StringVar(&f.key, "key", "", "secret that keys the fakes: the same key gives the same fakes (default: a new one, printed to stderr)")
	cmd.Flags().BoolVar(&f.all, "all", false, "anonymise organisations' names, INNs and OGRNs too (public registers: kept by default)")
}

// check: --key and --all mean nothing without --anonymize.
func (f *anonymizeFlags) check(cmd *cobra.Command) error {
	if f.on {
		return nil
	}
	for _, name := range []string{"key", "all"} {
		if cmd.Flags().Changed(name) {
			return usagef("--%s anonymises: add --anonymize", name)
		}
	}
	return nil
}

// anonymizer makes the fakes of this run: keyed by --key, or by a new key
// that is printed once to stderr (never into an output file), so that more
// files can be anonymised the same way. With --quiet a new key is not
// shown: nobody can make the same fakes again.
func (f *anonymizeFlags) anonymizer(ios *IOStreams, g *globalOptions) (*normalize.Anonymizer, error) {
	key := f.key
	if key == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("make an anonymisation key: %w", err)
		}
		key = hex.EncodeToString(b)
		if !g.quiet {
			fmt.Fprintf(ios.ErrOut, "anonymisation key (keep it secret; --key with it makes the same fakes again): %s\n", key)
		}
	}
	return normalize.NewAnonymizer([]byte(key), normalize.AnonymizeOptions{All: f.all}), nil
}

type anonymizeOptions struct {
	g      *globalOptions
	anon   anonymizeFlags
	input  string
	output string
}

func newAnonymizeCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &anonymizeOptions{g: g, anon: anonymizeFlags{on: true}}
	cmd := &cobra.Command{
		Use:   "anonymize FILE -o OUT.xlsx|OUT.csv",
		Short: "Write a table back with people's data replaced by consistent fakes",
		Long: `anonymize reads one table (a workbook or a text file, as import reads it) and
writes it back with the cells of the columns that map to people's names,
phones, e-mails, addresses, INNs (12 digits) and birth dates replaced by
fakes: the same value always gets the same fake under one key, and a fake
keeps the value's shape (a valid INN, a valid number of the same country,
area code and type, a name of the same gender with its initials), so that
the anonymised file shows the same problems and the same duplicates.
Organisations' names and INNs stay unless --all. Comment columns are
emptied; columns that map to no field are kept as they are (map them with
--map to anonymise them). The header row is kept, title rows above it are
not. The output format follows its extension: .xlsx or .csv (written in
Windows-1251 with the input's delimiter when the input was so).` + "\n" + exitCodesHelp,
		Example: `  crmkit anonymize clients.xlsx -o clients-anon.xlsx --key "$CRMKIT_KEY"
  crmkit anonymize contacts.csv -o contacts-anon.csv --all`,
		Args: exactArgs(1, "name one input file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.output == "" {
				return usagef("name the output file with -o OUT.xlsx or OUT.csv")
			}
			opts.input = args[0]
			if opts.output != "-" && sameFile(opts.input, opts.output) {
				return usagef("-o %s is the input file: name another one", opts.output)
			}
			return runAnonymize(cmd.Context(), ios, opts)
		},
	}
	addAnonymizeFlags(cmd, &opts.anon, false)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "output file: .xlsx or .csv; - for CSV on stdout")
	return cmd
}

func sameFile(a, b string) bool {
	x, errA := filepath.Abs(a)
	y, errB := filepath.Abs(b)
	return errA == nil && errB == nil && x == y
}

func runAnonymize(ctx context.Context, ios *IOStreams, opts *anonymizeOptions) error {
	format, err := export.FormatOf(opts.output)
	if err != nil {
		return usageError{err}
	}
	if opts.output == "-" && opts.g.format == "json" {
		return usagef("--format json with -o -: standard output holds the table; name a file with -o, or leave out --format json")
	}
	if format == export.FormatCSV {
		// The user's own cells, given back as they were: no ' before a
		// cell Excel would read as a formula (a fake never makes one).
		format = export.FormatCSVRaw
	}
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	userMap, err := loadMap(opts.g.mapFile)
	if err != nil {
		return err
	}
	switch detected, err := importers.Detect(opts.input); {
	case err != nil:
		return err
	case detected == importers.FormatXML || detected == importers.FormatZipXML || detected == importers.FormatBank:
		return fmt.Errorf("anonymize %s: a 1C exchange file has no table to write back; crmkit dedupe --anonymize reads it", opts.input)
	}
	read, clean := fileSettings(opts.input, cfg, opts.g, userMap, normalize.NewPhoneMemo(phoneMemoSize))
	r, err := importers.Open(opts.input, read)
	if err != nil {
		return err
	}
	defer r.Close()
	a, err := opts.anon.anonymizer(ios, opts.g)
	if err != nil {
		return err
	}
	info := r.Info()
	header := make([]string, len(info.Columns))
	for i, c := range info.Columns {
		header[i] = c.Header
	}
	rows := 0
	write := func(w io.Writer) error {
		comma := ','
		if format != export.FormatXLSX && format != export.FormatJSONL {
			// Written back as it was read: Windows-1251 and ";" for Russian Excel.
			if info.Encoding == "windows-1251" {
				w = encoding.ReplaceUnsupported(charmap.Windows1251.NewEncoder()).Writer(w)
			}
			switch d := info.Delimiter; {
			case d == "tab":
				comma = '\t'
			case len(d) == 1:
				comma = rune(d[0])
			}
		}
		t, err := export.NewCSVTable(w, format, header, comma)
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
			if err := t.Row(anonymizedRow(row, info.Columns, a, clean)); err != nil {
				return err
			}
			rows++
		}
		return t.Close()
	}
	if opts.output == "-" {
		err = write(ios.Out)
	} else {
		err = writeFileAtomic(opts.output, write)
	}
	if err != nil {
		return fmt.Errorf("anonymize %s: %w", opts.input, err)
	}
	if opts.g.format == "json" {
		return writeJSON(ios.Out, struct {
			Input  string `json:"input"`
			Output string `json:"output"`
			Format string `json:"format"`
			Rows   int    `json:"rows"`
		}{opts.input, opts.output, format, rows})
	}
	if !opts.g.quiet && opts.output != "-" {
		fmt.Fprintf(ios.ErrOut, "wrote %d anonymised rows to %s\n", rows, opts.output)
	}
	return nil
}

// anonymizedRow is one source row with the cells of mapped columns faked.
// Rows that are no customer (totals, group headings) stay as they are: a
// faked "Итого" would read as a customer.
func anonymizedRow(row importers.Row, cols []importers.Column, a *normalize.Anonymizer, opt normalize.Options) []string {
	line := append([]string(nil), row.Cells...)
	if !row.OK {
		return line
	}
	rec, _ := normalize.Record(row.Record, opt)
	for i, c := range cols {
		if i < len(line) && c.Field != "" && c.Field != importers.Skip && crmkit.IsField(c.Field) {
			line[i] = a.Cell(c.Field, line[i], &rec, opt)
		}
	}
	return line
}
