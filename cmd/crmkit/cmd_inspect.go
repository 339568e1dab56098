package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
	"github.com/crmkit/crmkit/importers/onec"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
)

type inspectOptions struct {
	g     *globalOptions
	files []string
}

func newInspectCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &inspectOptions{g: g}
	return &cobra.Command{
		Use:   "inspect FILE...",
		Short: "Show what crmkit understands of files before anything is loaded",
		Long: `inspect reads each file (each sheet with --sheet all) and reports the format,
encoding with its confidence, delimiter, header row, how columns map to
fields and what stays unmapped, row counts (data, skipped totals and group
rows, hidden, ragged, unreadable), the fill rate and problems of every field,
and three example rows with personal data masked. It writes nothing.
--format json prints the same as one JSON document.` + "\n" + exitCodesHelp,
		Example: `  crmkit inspect clients.xlsx contacts.csv
  crmkit inspect --sheet all --format json export.xlsx`,
		Args: needFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.files = args
			return runInspect(cmd.Context(), ios, opts)
		},
	}
}

// tableReport is inspect's account of one table.
type tableReport struct {
	File         string `json:"file"`
	Source       string `json:"source"`
	SkippedSheet string `json:"skipped_sheet,omitempty"` // why a sheet of --sheet all was passed over: "empty"
	importers.Info
	OneC     *onec.Info          `json:"onec,omitempty"` // 1C exchange files
	Fields   []fieldReport       `json:"fields"`
	Unmapped []string            `json:"unmapped"`
	Problems map[string]int      `json:"problems_by_code"`
	Examples []map[string]string `json:"examples"`
}

type fieldReport struct {
	Field    string         `json:"field"`
	Columns  []string       `json:"columns"`
	Rules    []string       `json:"rules"` // how each column's header was mapped: synonym, 1c path, unit dropped, …
	Filled   int            `json:"filled"`
	FillRate float64        `json:"fill_rate"`
	Problems map[string]int `json:"problems,omitempty"`
}

const inspectExamples = 3

// emptyLists makes the lists of the JSON document [] rather than null.
func (r *tableReport) emptyLists() {
	if r.Columns == nil {
		r.Columns = []importers.Column{}
	}
	if r.Fields == nil {
		r.Fields = []fieldReport{}
	}
	if r.Unmapped == nil {
		r.Unmapped = []string{}
	}
	if r.Examples == nil {
		r.Examples = []map[string]string{}
	}
}

func runInspect(ctx context.Context, ios *IOStreams, opts *inspectOptions) error {
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	mapping, err := loadMap(opts.g.mapFile)
	if err != nil {
		return err
	}
	memo := normalize.NewPhoneMemo(phoneMemoSize)
	var reports []tableReport
	for _, path := range opts.files {
		read, clean := fileSettings(path, cfg, opts.g, mapping, memo)
		tabs, err := tables(path, read)
		if err != nil {
			return err
		}
		for _, t := range tabs {
			rep, err := inspectTable(ctx, path, t, clean, opts.g.includeDeleted)
			if len(tabs) > 1 && errors.Is(err, importers.ErrEmpty) {
				rep := tableReport{File: path, SkippedSheet: "empty", Problems: map[string]int{}}
				rep.Sheet = t.Sheet
				reports = append(reports, rep)
				continue
			}
			if err != nil {
				return err
			}
			reports = append(reports, rep)
		}
	}
	if opts.g.format == "json" {
		for i := range reports {
			reports[i].emptyLists()
		}
		if reports == nil {
			reports = []tableReport{}
		}
		return writeJSON(ios.Out, struct {
			Tables []tableReport `json:"tables"`
		}{reports})
	}
	for _, rep := range reports {
		rep.print(ios.Out)
	}
	return nil
}

func inspectTable(ctx context.Context, path string, opt importers.Options, clean normalize.Options, includeDeleted bool) (tableReport, error) {
	src, err := openSource(path, opt, includeDeleted)
	if err != nil {
		return tableReport{}, err
	}
	defer src.Close()
	table, _ := src.(*importers.Reader)
	var cols []importers.Column
	if table != nil {
		cols = table.Info().Columns
	}
	rep := tableReport{File: path, Source: opt.Source, Problems: map[string]int{}}
	byField := map[string]*fieldReport{}
	var order []string
	field := func(f string) *fieldReport {
		if byField[f] == nil {
			byField[f] = &fieldReport{Field: f, Problems: map[string]int{}}
			order = append(order, f)
		}
		return byField[f]
	}
	for _, c := range cols {
		switch c.Field {
		case "":
			rep.Unmapped = append(rep.Unmapped, c.Header)
		case importers.Skip:
		default:
			fr := field(c.Field)
			fr.Columns = append(fr.Columns, c.Header)
			fr.Rules = append(fr.Rules, c.Rule)
		}
	}
	for row, err := range src.Rows() {
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return rep, err
		}
		for _, p := range row.Problems {
			rep.Problems[p.Code]++
		}
		if !row.OK {
			continue
		}
		for f, v := range row.Record.Fields {
			if strings.TrimSpace(v) != "" && (table == nil || byField[f] != nil) {
				field(f).Filled++
			}
		}
		cleaned, problems := normalize.Record(row.Record, clean)
		for _, p := range problems {
			rep.Problems[p.Code]++
			if fr := byField[p.Field]; fr != nil {
				fr.Problems[p.Code]++
			}
		}
		if len(rep.Examples) < inspectExamples {
			if table != nil {
				rep.Examples = append(rep.Examples, maskedExample(cols, row, cleaned.Kind))
			} else {
				rep.Examples = append(rep.Examples, maskedRecord(row.Record, cleaned.Kind))
			}
		}
	}
	if table != nil {
		rep.Info = table.Info()
	}
	if o, ok := src.(*onec.Reader); ok {
		info := o.Info()
		rep.OneC, rep.Format, rep.DataRows = &info, info.Format, info.Records
	}
	for _, f := range order {
		fr := byField[f]
		if rep.DataRows > 0 {
			fr.FillRate = float64(fr.Filled) / float64(rep.DataRows)
		}
		rep.Fields = append(rep.Fields, *fr)
	}
	return rep, nil
}

// maskedExample shows a row by column header with personal data masked.
func maskedExample(cols []importers.Column, row importers.Row, kind crmkit.Kind) map[string]string {
	out := map[string]string{}
	for i, c := range cols {
		if i >= len(row.Cells) || strings.TrimSpace(row.Cells[i]) == "" || c.Field == importers.Skip {
			continue
		}
		name := c.Header
		if name == "" {
			name = fmt.Sprintf("column %d", i+1)
		}
		out[name] = maskValue(c.Field, strings.TrimSpace(row.Cells[i]), kind)
	}
	return out
}

// maskedRecord shows a record of a 1C file by field, masked the same way.
func maskedRecord(rec crmkit.Record, kind crmkit.Kind) map[string]string {
	out := map[string]string{}
	if rec.Kind != crmkit.KindUnknown {
		out["kind"] = string(rec.Kind)
	}
	for f, v := range rec.Fields {
		out[f] = maskValue(f, v, kind)
	}
	return out
}

// maskValue hides personal data: phones and e-mails by their masks, any
// value with many digits, and every text but the few that are never
// personal (an organisation's name, city, legal form, KPP, amounts, the
// source's code, the kind). A long value is cut short: an example is a
// line to read.
func maskValue(field, v string, kind crmkit.Kind) string {
	if len(v) > 4*exampleWidth {
		v = cut(v, 4*exampleWidth) // a 5-megabyte cell is not masked whole to show 60 characters
	}
	return cut(mask(field, v, kind), exampleWidth)
}

func mask(field, v string, kind crmkit.Kind) string {
	org := kind == crmkit.KindOrganization
	switch {
	case field == crmkit.FieldSourceID, field == crmkit.FieldKind:
		return v
	case field == crmkit.FieldPhone:
		return crmkit.MaskPhone(v)
	case field == crmkit.FieldEmail || strings.Contains(v, "@"):
		return crmkit.MaskEmail(v)
	case field == crmkit.FieldINN || field == crmkit.FieldOGRN || digitCount(v) >= 5:
		return crmkit.MaskPhone(v)
	case field == crmkit.FieldBirthDate:
		return crmkit.MaskText(v)
	case strings.IndexFunc(v, unicode.IsLetter) < 0:
		return v // a short number, a sign: nothing personal ("№=1", "Сумма=5000")
	case field == crmkit.FieldCity, field == crmkit.FieldLegalForm, field == crmkit.FieldKPP, field == crmkit.FieldRevenue,
		org && (field == crmkit.FieldName || field == crmkit.FieldOrgName || field == crmkit.FieldOrg):
		return v
	}
	return crmkit.MaskText(v)
}

// exampleWidth is how many characters of a value an example shows.
const exampleWidth = 60

func cut(v string, n int) string {
	if r := []rune(v); len(r) > n {
		return string(r[:n]) + "…"
	}
	return v
}

func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

func (rep tableReport) print(w io.Writer) {
	fmt.Fprintf(w, "%s", rep.File)
	if rep.SkippedSheet != "" {
		fmt.Fprintf(w, " [sheet %s]: %s, skipped\n", rep.Sheet, rep.SkippedSheet)
		return
	}
	if rep.Sheet != "" {
		fmt.Fprintf(w, " [sheet %s of %d]", rep.Sheet, len(rep.Sheets))
	}
	fmt.Fprintf(w, "\n  format: %s", rep.Format)
	if o := rep.OneC; o != nil {
		if o.Version != "" {
			fmt.Fprintf(w, " %s", o.Version)
		}
		objects := codeCounts(o.Objects)
		if objects == "" {
			objects = "none"
		}
		fmt.Fprintf(w, "\n  objects: %s\n  counterparties %d (%d from documents), contact persons %d (%d from documents), references in documents %d (%d to keys the file does not describe), deleted %d (skipped unless --include-deleted), repeats folded %d",
			objects, o.Counterparties, o.CounterpartiesFromDocuments, o.ContactPersons, o.ContactPersonsFromDocuments,
			o.References, o.UnresolvedReferences, o.Deleted, o.FoldedRepeats)
	}
	if rep.Encoding != "" {
		fmt.Fprintf(w, ", encoding %s (confidence %.2f), delimiter %q", rep.Encoding, rep.EncodingConfidence, rep.Delimiter)
	}
	fmt.Fprintf(w, "\n  source: %s", rep.Source)
	if rep.HeaderRow > 0 {
		fmt.Fprintf(w, "\n  header: row %d", rep.HeaderRow)
	}
	if rep.HeaderRows == 2 {
		fmt.Fprintf(w, " and %d (two-row header)", rep.HeaderRow+1)
	}
	fmt.Fprintf(w, "\n  rows: %d data", rep.DataRows)
	skipped := map[string][]int{}
	for _, s := range rep.Skipped {
		skipped[s.Reason] = append(skipped[s.Reason], s.Row)
	}
	for _, reason := range []string{"totals", "group"} {
		if rows := skipped[reason]; len(rows) > 0 {
			fmt.Fprintf(w, ", %d %s skipped (rows %s)", len(rows), reason, rowList(rows))
		}
	}
	if rep.HiddenRows > 0 {
		fmt.Fprintf(w, ", %d hidden in Excel (read)", rep.HiddenRows)
	}
	if len(rep.HiddenColumns) > 0 {
		fmt.Fprintf(w, ", hidden columns read: %s", strings.Join(rep.HiddenColumns, ", "))
	}
	if rep.RaggedRows > 0 {
		fmt.Fprintf(w, ", %d ragged", rep.RaggedRows)
	}
	if rep.BadRows > 0 {
		fmt.Fprintf(w, ", %d unreadable", rep.BadRows)
	}
	fmt.Fprintln(w, "\n  columns:")
	for _, f := range rep.Fields {
		cols := make([]string, len(f.Columns))
		for i, c := range f.Columns {
			cols[i] = c
			if i < len(f.Rules) && f.Rules[i] != "" && f.Rules[i] != importers.RuleSynonym {
				cols[i] += " (" + f.Rules[i] + ")"
			}
		}
		fmt.Fprintf(w, "    %-16s ← %-40s filled %5.1f%%", f.Field, strings.Join(cols, ", "), 100*f.FillRate)
		if len(f.Problems) > 0 {
			fmt.Fprintf(w, "  problems: %s", codeCounts(f.Problems))
		}
		fmt.Fprintln(w)
	}
	if len(rep.Unmapped) > 0 {
		fmt.Fprintf(w, "    unmapped (kept as they are): %s\n", strings.Join(rep.Unmapped, ", "))
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(w, "  problems: %s\n", codeCounts(rep.Problems))
	}
	for i, ex := range rep.Examples {
		keys := make([]string, 0, len(ex))
		for k := range ex {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+strings.Join(strings.Fields(ex[k]), " "))
		}
		fmt.Fprintf(w, "  example %d: %s\n", i+1, strings.Join(parts, "; "))
	}
}

func rowList(rows []int) string {
	var s []string
	for i, r := range rows {
		if i == 10 {
			s = append(s, fmt.Sprintf("… %d more", len(rows)-10))
			break
		}
		s = append(s, fmt.Sprint(r))
	}
	return strings.Join(s, ", ")
}

func codeCounts(m map[string]int) string {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s %d", c, m[c]))
	}
	return strings.Join(parts, ", ")
}
