package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
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
	File   string `json:"file"`
	Source string `json:"source"`
	importers.Info
	Fields   []fieldReport       `json:"fields"`
	Unmapped []string            `json:"unmapped"`
	Problems map[string]int      `json:"problems_by_code"`
	Examples []map[string]string `json:"examples"`
}

type fieldReport struct {
	Field    string         `json:"field"`
	Columns  []string       `json:"columns"`
	Filled   int            `json:"filled"`
	FillRate float64        `json:"fill_rate"`
	Problems map[string]int `json:"problems,omitempty"`
}

const inspectExamples = 3

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
			rep, err := inspectTable(ctx, path, t, clean)
			if err != nil {
				return err
			}
			reports = append(reports, rep)
		}
	}
	if opts.g.format == "json" {
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"tables": reports})
	}
	for _, rep := range reports {
		rep.print(ios.Out)
	}
	return nil
}

func inspectTable(ctx context.Context, path string, opt importers.Options, clean normalize.Options) (tableReport, error) {
	r, err := importers.Open(path, opt)
	if err != nil {
		return tableReport{}, err
	}
	defer r.Close()
	info := r.Info()
	rep := tableReport{File: path, Source: opt.Source, Problems: map[string]int{}}
	byField := map[string]*fieldReport{}
	var order []string
	for _, c := range info.Columns {
		switch c.Field {
		case "":
			rep.Unmapped = append(rep.Unmapped, c.Header)
		case importers.Skip:
		default:
			if byField[c.Field] == nil {
				byField[c.Field] = &fieldReport{Field: c.Field, Problems: map[string]int{}}
				order = append(order, c.Field)
			}
			byField[c.Field].Columns = append(byField[c.Field].Columns, c.Header)
		}
	}
	for row, err := range r.Rows() {
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
			if fr := byField[f]; fr != nil && strings.TrimSpace(v) != "" {
				fr.Filled++
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
			rep.Examples = append(rep.Examples, maskedExample(info.Columns, row, cleaned.Kind))
		}
	}
	rep.Info = r.Info()
	for _, f := range order {
		fr := byField[f]
		if rep.DataRows > 0 {
			fr.FillRate = float64(fr.Filled) / float64(rep.DataRows)
		}
		rep.Fields = append(rep.Fields, *fr)
	}
	return rep, nil
}

// maskedExample shows a row by column header with personal data masked:
// phones and e-mails by their masks, names and addresses of people, any
// cell with many digits.
func maskedExample(cols []importers.Column, row importers.Row, kind crmkit.Kind) map[string]string {
	out := map[string]string{}
	person := kind != crmkit.KindOrganization
	for i, c := range cols {
		if i >= len(row.Cells) || strings.TrimSpace(row.Cells[i]) == "" || c.Field == importers.Skip {
			continue
		}
		v := strings.TrimSpace(row.Cells[i])
		switch {
		case c.Field == crmkit.FieldSourceID:
		case c.Field == crmkit.FieldPhone:
			v = crmkit.MaskPhone(v)
		case c.Field == crmkit.FieldEmail || strings.Contains(v, "@"):
			v = crmkit.MaskEmail(v)
		case c.Field == crmkit.FieldINN || c.Field == crmkit.FieldOGRN || digitCount(v) >= 5:
			v = crmkit.MaskPhone(v)
		case person && (c.Field == crmkit.FieldName || c.Field == crmkit.FieldLastName || c.Field == crmkit.FieldAddress || c.Field == crmkit.FieldBirthDate),
			c.Field == crmkit.FieldContactPerson:
			v = crmkit.MaskText(v)
		}
		name := c.Header
		if name == "" {
			name = fmt.Sprintf("column %d", i+1)
		}
		out[name] = v
	}
	return out
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
	if rep.Sheet != "" {
		fmt.Fprintf(w, " [sheet %s of %d]", rep.Sheet, len(rep.Sheets))
	}
	fmt.Fprintf(w, "\n  format: %s", rep.Format)
	if rep.Encoding != "" {
		fmt.Fprintf(w, ", encoding %s (confidence %.2f), delimiter %q", rep.Encoding, rep.EncodingConfidence, rep.Delimiter)
	}
	fmt.Fprintf(w, "\n  source: %s\n  header: row %d", rep.Source, rep.HeaderRow)
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
		fmt.Fprintf(w, "    %-16s ← %-40s filled %5.1f%%", f.Field, strings.Join(f.Columns, ", "), 100*f.FillRate)
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
