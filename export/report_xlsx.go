package export

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/xuri/excelize/v2"
)

// Report sheets, in the order a manager reads them.
const (
	SheetSummary  = "Summary"
	SheetProblems = "Problems"
	SheetMerges   = "Merges"
	SheetReview   = "Review"
	SheetCards    = "Cards"
	SheetABC      = "ABC"
)

// maxSheetRows: Excel's limit, less the header row.
const maxSheetRows = 1048575

type reportBook struct {
	f                                      *excelize.File
	header, bold, title, date, pct, amount int
	mask                                   masker
}

// WriteReport writes report.xlsx: a Summary sheet with charts, then
// Problems, Merges, Review, Cards and ABC (with a Pareto chart), each with
// a frozen header, an auto-filter and widths that fit.
func WriteReport(w io.Writer, r Report) error {
	b := &reportBook{f: excelize.NewFile(), mask: masker{show: r.ShowPII}}
	defer b.f.Close()
	if err := b.styles(); err != nil {
		return err
	}
	steps := []struct {
		name  string
		write func(Report) error
	}{
		{SheetSummary, b.summary}, {SheetProblems, b.problems}, {SheetMerges, b.merges},
		{SheetReview, b.review}, {SheetCards, b.cards}, {SheetABC, b.abc},
	}
	for i, s := range steps {
		if i == 0 {
			if err := b.f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := b.f.NewSheet(s.name); err != nil {
			return err
		}
		// Printed (or made a PDF of): landscape, as wide as the page.
		if err := b.f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Orientation: ptr("landscape"), FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
			return err
		}
		if err := b.f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
			return err
		}
		if err := s.write(r); err != nil {
			return fmt.Errorf("report sheet %s: %w", s.name, err)
		}
	}
	// The summary, the first sheet, is the active one as the workbook was
	// made; SetActiveSheet(0) would read every streamed sheet back in to
	// unselect it (a third of writing a report of 55,000 records).
	if _, err := b.f.WriteTo(w); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func (b *reportBook) styles() (err error) {
	fmtDate, fmtPct, fmtAmount := "yyyy-mm-dd hh:mm:ss", "0.0%", "#,##0.00"
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = b.f.NewStyle(s)
		return id
	}
	b.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}}})
	b.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	b.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	b.date = mk(&excelize.Style{CustomNumFmt: &fmtDate, Alignment: &excelize.Alignment{Horizontal: "left"}})
	b.pct = mk(&excelize.Style{CustomNumFmt: &fmtPct})
	b.amount = mk(&excelize.Style{CustomNumFmt: &fmtAmount})
	return err
}

// column is one column of a data sheet; style 0 is the default.
type column struct {
	name  string
	style int
}

// side is what a data sheet shows to the right of its table: cells by
// sheet row (1-based) from column at, their widths, and what to add to the
// sheet before its rows stream (a chart).
type side struct {
	at     int
	widths []float64
	cells  map[int][]any
	before func() error
}

// table streams a data sheet: a bold frozen header, widths that fit the
// first thousand rows, an auto-filter over the whole table. Whatever the
// sheet holds besides rows is set before streaming: the stream writer
// keeps it, while changes after its Flush are lost.
func (b *reportBook) table(sheet string, cols []column, rows [][]any, sd *side) error {
	if len(rows) > maxSheetRows {
		rows = rows[:maxSheetRows]
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), max(len(rows)+1, 2))
	if err := b.f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	if sd != nil && sd.before != nil {
		if err := sd.before(); err != nil {
			return err
		}
	}
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		width := utf8.RuneCountInString(c.name) + 4
		for _, row := range rows[:min(len(rows), 1000)] {
			if i < len(row) {
				width = max(width, cellWidth(row[i])+2)
			}
		}
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(width, 8), 60))); err != nil {
			return err
		}
	}
	if sd != nil {
		for i, w := range sd.widths {
			if err := sw.SetColWidth(sd.at+i, sd.at+i, w); err != nil {
				return err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	withSide := func(n int, cells []any) []any {
		if sd == nil || len(sd.cells[n]) == 0 {
			return cells
		}
		for len(cells) < sd.at-1 {
			cells = append(cells, nil)
		}
		return append(cells, sd.cells[n]...)
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: b.header, Value: c.name}
	}
	if err := sw.SetRow("A1", withSide(1, head)); err != nil {
		return err
	}
	n := 1
	for _, row := range rows {
		n++
		cells := make([]any, len(row))
		for i, v := range row {
			if i < len(cols) && cols[i].style != 0 {
				v = excelize.Cell{StyleID: cols[i].style, Value: v}
			}
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, withSide(n, cells)); err != nil {
			return err
		}
	}
	if sd != nil { // side cells below the table
		var extra []int
		for r := range sd.cells {
			if r > n {
				extra = append(extra, r)
			}
		}
		sort.Ints(extra)
		for _, r := range extra {
			cell, _ := excelize.CoordinatesToCellName(1, r)
			if err := sw.SetRow(cell, withSide(r, nil)); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

func cellWidth(v any) int {
	switch v := v.(type) {
	case string:
		return utf8.RuneCountInString(v)
	case float64:
		return len(fmt.Sprintf("%.2f", v)) + 3
	}
	return len(fmt.Sprint(v))
}

func (b *reportBook) set(sheet string, col, row int, v any, style int) error {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	if err := b.f.SetCellValue(sheet, cell, v); err != nil {
		return err
	}
	if style != 0 {
		return b.f.SetCellStyle(sheet, cell, cell, style)
	}
	return nil
}

// block writes a small titled table at (col, row) and returns the row
// after it.
func (b *reportBook) block(sheet string, col, row int, title string, header []string, rows [][]any) (int, error) {
	if err := b.set(sheet, col, row, title, b.bold); err != nil {
		return 0, err
	}
	for i, h := range header {
		if err := b.set(sheet, col+i, row+1, h, b.header); err != nil {
			return 0, err
		}
	}
	for r, cells := range rows {
		for i, v := range cells {
			style := 0
			if f, ok := v.(float64); ok && f >= 0 && f <= 1 && strings.Contains(header[i], "%") {
				style = b.pct
			} else if header[i] == "revenue" {
				style = b.amount
			}
			if err := b.set(sheet, col+i, row+2+r, v, style); err != nil {
				return 0, err
			}
		}
	}
	return row + 3 + len(rows), nil
}

func ref(sheet string, col, row1, row2 int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sheet, c, row1, c, row2)
}

func (b *reportBook) summary(r Report) error {
	s := SheetSummary
	f := b.f
	for col, w := range map[string]float64{"A": 28, "B": 30, "C": 14, "D": 14, "E": 14, "F": 12, "G": 12} {
		if err := f.SetColWidth(s, col, col, w); err != nil {
			return err
		}
	}
	if err := b.set(s, 1, 1, "crmkit report", b.title); err != nil {
		return err
	}
	info := [][]any{{"command", r.Run.Command}}
	if r.Run.ID > 0 {
		info = append(info, []any{"run", r.Run.ID})
	}
	if r.Where != "" {
		info = append(info, []any{"written to", r.Where})
	}
	if !r.Run.StartedAt.IsZero() {
		info = append(info, []any{"started", r.Run.StartedAt.UTC()})
	}
	if !r.Run.FinishedAt.IsZero() {
		info = append(info, []any{"finished (UTC)", r.Run.FinishedAt.UTC()})
	}
	row := 3
	for _, kv := range info {
		if err := b.set(s, 1, row, kv[0], b.bold); err != nil {
			return err
		}
		style := 0
		if _, ok := kv[1].(interface{ IsZero() bool }); ok {
			style = b.date
		}
		if err := b.set(s, 2, row, kv[1], style); err != nil {
			return err
		}
		row++
	}
	row++

	// Per source.
	var src [][]any
	for _, st := range r.Sources {
		src = append(src, []any{st.Source, st.File, st.Records, st.Skipped, st.Rejected, st.Problems, st.Errors})
	}
	srcRow := row
	row, err := b.block(s, 1, row, "Sources", []string{"source", "file", "records read", "skipped", "rejected", "problems", "errors"}, src)
	if err != nil {
		return err
	}

	// Matching.
	matchRow := row
	match := [][]any{
		{"source records before matching", r.Records},
		{"customers after matching", r.Customers},
		{"records merged into another", r.Duplicates},
		{"customers of several records", len(r.Merges)},
		{"pairs to review", len(r.Review)},
	}
	if row, err = b.block(s, 1, row, "Matching", []string{"", "count"}, match); err != nil {
		return err
	}

	// Problems by code.
	byCode := map[string]int{}
	sev := map[string]crmkit.Severity{}
	for _, p := range r.Problems {
		byCode[p.Code]++
		sev[p.Code] = p.Severity
	}
	codes := make([]string, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		return byCode[codes[i]] > byCode[codes[j]] || (byCode[codes[i]] == byCode[codes[j]] && codes[i] < codes[j])
	})
	var pc [][]any
	for _, c := range codes {
		pc = append(pc, []any{c, string(sev[c]), byCode[c]})
	}
	codeRow := row
	if _, err = b.block(s, 1, row, "Problems by code", []string{"code", "severity", "count"}, pc); err != nil {
		return err
	}

	// ABC classes.
	var classes [][]any
	for _, c := range r.ABC.Classes {
		classes = append(classes, []any{c.Class, c.Customers, c.CustShare, c.Revenue, c.Share})
	}
	if _, err := b.block(s, 1, codeRow+len(pc)+3, "ABC classes", []string{"class", "customers", "% of customers", "revenue", "% of revenue"}, classes); err != nil {
		return err
	}

	// Charts, to the right of the tables.
	if len(src) > 0 {
		n := srcRow + 2
		var series []excelize.ChartSeries
		for i := range 3 { // records read, skipped, rejected: their header cells name the series
			series = append(series, excelize.ChartSeries{Name: fmt.Sprintf("'%s'!$%c$%d", s, 'C'+i, srcRow+1),
				Categories: ref(s, 2, n, n+len(src)-1), Values: ref(s, 3+i, n, n+len(src)-1)})
		}
		if err := f.AddChart(s, "I3", &excelize.Chart{Type: excelize.Col, Series: series,
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Rows per file"}}},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			Dimension: excelize.ChartDimension{Width: 560, Height: 280}}); err != nil {
			return err
		}
	}
	if err := f.AddChart(s, "I21", &excelize.Chart{Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: "count", Categories: ref(s, 1, matchRow+2, matchRow+3), Values: ref(s, 2, matchRow+2, matchRow+3)}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Records before and customers after matching"}}}, Legend: excelize.ChartLegend{Position: "none"},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
		Dimension: excelize.ChartDimension{Width: 560, Height: 280}}); err != nil {
		return err
	}
	if len(pc) > 0 {
		if err := f.AddChart(s, "I39", &excelize.Chart{Type: excelize.Bar,
			Series: []excelize.ChartSeries{{Name: "problems", Categories: ref(s, 1, codeRow+2, codeRow+1+len(pc)), Values: ref(s, 3, codeRow+2, codeRow+1+len(pc))}},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Problems by code"}}}, Legend: excelize.ChartLegend{Position: "none"},
			XAxis:     excelize.ChartAxis{ReverseOrder: true},
			PlotArea:  excelize.ChartPlotArea{ShowVal: true},
			Dimension: excelize.ChartDimension{Width: 560, Height: uint(max(220, 40+24*len(pc)))}}); err != nil {
			return err
		}
	}
	return f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func (b *reportBook) problems(r Report) error {
	rows := make([][]any, len(r.Problems))
	for i, p := range r.Problems {
		// Messages are masked where they are made; the raw value is not kept.
		rows[i] = []any{p.File, p.Row, p.Field, p.Code, string(p.Severity), p.Message}
	}
	return b.table(SheetProblems, cols("file", "row", "field", "code", "severity", "message"), rows, nil)
}

func (b *reportBook) merges(r Report) error {
	var rows [][]any
	for _, m := range r.Merges {
		for _, rec := range m.Records {
			rows = append(rows, []any{m.PersonalID, b.mask.name(m.Kind, m.Name), len(m.Records), rec.Source, rec.Key, rec.File, rec.Row, b.mask.name(rec.Kind, rec.Name)})
		}
	}
	return b.table(SheetMerges, cols("personal_id", "customer", "records", "source", "source_key", "file", "row", "record name"), rows, nil)
}

func (b *reportBook) review(r Report) error {
	var rows [][]any
	side := func(v RecordView) []any {
		return []any{v.Source, v.Key, v.File, v.Row, b.mask.text(v.Name), b.mask.digits(v.INN),
			b.mask.phones(splitList(v.Phones)), b.mask.emails(splitList(v.Emails)), v.City}
	}
	for i, p := range r.Review {
		line := []any{i + 1, p.Score, p.Explanation}
		rows = append(rows, append(append(line, side(p.A)...), side(p.B)...))
	}
	var names []string
	for _, c := range ReviewColumns {
		if c != "decision" {
			names = append(names, c)
		}
	}
	return b.table(SheetReview, cols(names...), rows, nil)
}

func (b *reportBook) cards(r Report) error {
	rows := make([][]any, len(r.Cards))
	m := b.mask
	for i, c := range r.Cards {
		var rev any = ""
		if v, ok := parseAmount(c.Revenue); ok {
			rev = v
		}
		org := c.Kind == crmkit.KindOrganization
		inn := c.INN
		if !org {
			inn = m.digits(inn)
		}
		last, first, middle, addr := m.text(c.LastName), m.text(c.FirstName), m.text(c.MiddleName), m.text(c.Address)
		if org {
			addr = c.Address // an organisation's address is not personal
		}
		rows[i] = []any{c.PersonalID, string(c.Kind), m.name(c.Kind, c.Name), last, first, middle, c.OrgName, c.LegalForm,
			inn, c.KPP, m.phones(c.PhoneList()), m.emails(c.EmailList()), addr, c.City, c.OrgID, rev, c.ABCClass}
	}
	cs := cols(CardColumns...)
	cs[15].style = b.amount
	return b.table(SheetCards, cs, rows, nil)
}

func (b *reportBook) abc(r Report) error {
	s := SheetABC
	res := r.ABC
	rows := make([][]any, len(res.Rows))
	for i, x := range res.Rows {
		rows[i] = []any{x.Rank, x.Class, x.PersonalID, b.mask.name(crmkit.Kind(x.Kind), x.Name), x.Kind, x.Revenue, x.Share, x.Cumulative}
	}
	cs := cols("rank", "class", "personal_id", "name", "kind", "revenue", "share", "cumulative share")
	cs[5].style, cs[6].style, cs[7].style = b.amount, b.pct, b.pct
	// The classes and the Pareto curve beside the ranking, from column J.
	const at = 10
	sd := &side{at: at, widths: []float64{16, 12, 15, 16, 14}, cells: map[int][]any{}}
	t := res.Thresholds
	sd.cells[1] = []any{excelize.Cell{StyleID: b.bold, Value: fmt.Sprintf("Classes (A %g%%, B %g%%, C %g%%)", t.A, t.B, t.C)}}
	head := func(names ...string) []any {
		out := make([]any, len(names))
		for i, n := range names {
			out[i] = excelize.Cell{StyleID: b.header, Value: n}
		}
		return out
	}
	sd.cells[2] = head("class", "customers", "% of customers", "revenue", "% of revenue")
	row := 3
	for _, c := range res.Classes {
		sd.cells[row] = []any{c.Class, c.Customers, excelize.Cell{StyleID: b.pct, Value: c.CustShare},
			excelize.Cell{StyleID: b.amount, Value: c.Revenue}, excelize.Cell{StyleID: b.pct, Value: c.Share}}
		row++
	}
	pts := paretoPoints(res)
	if len(pts) > 0 {
		row++
		sd.cells[row] = []any{excelize.Cell{StyleID: b.bold, Value: "Pareto"}}
		sd.cells[row+1] = head("customers", "% of revenue", "cumulative %")
		first := row + 2
		for i, p := range pts {
			sd.cells[first+i] = []any{p[0], excelize.Cell{StyleID: b.pct, Value: p[1]}, excelize.Cell{StyleID: b.pct, Value: p[2]}}
		}
		last := first + len(pts) - 1
		anchor, _ := excelize.CoordinatesToCellName(at+6, 1)
		sd.before = func() error {
			return b.f.AddChart(s, anchor, &excelize.Chart{Type: excelize.Col,
				Series:    []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$%s$%d", s, colName(at+1), first-1), Categories: ref(s, at, first, last), Values: ref(s, at+1, first, last)}},
				Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Pareto: revenue by customers, largest first"}}},
				Legend:    excelize.ChartLegend{Position: "bottom"},
				YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}, MajorGridLines: true},
				Dimension: excelize.ChartDimension{Width: 640, Height: 340}},
				&excelize.Chart{Type: excelize.Line,
					Series: []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$%s$%d", s, colName(at+2), first-1), Categories: ref(s, at, first, last), Values: ref(s, at+2, first, last),
						Marker: excelize.ChartMarker{Symbol: "circle", Size: 5}}},
					YAxis: excelize.ChartAxis{Secondary: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}, Maximum: ptr(1.0), Minimum: ptr(0.0)}})
		}
	}
	return b.table(s, cs, rows, sd)
}

// paretoPoints: each customer when there are few, else twenty groups of a
// twentieth of the customers each — a chart of a million bars says nothing.
func paretoPoints(res ABCResult) [][]any {
	n := len(res.Rows)
	if n == 0 || res.Total <= 0 {
		return nil
	}
	var pts [][]any
	if n <= 30 {
		for _, x := range res.Rows {
			pts = append(pts, []any{fmt.Sprint(x.Rank), x.Share, x.Cumulative})
		}
		return pts
	}
	prev, from := 0.0, 0
	for g := 1; g <= 20; g++ {
		to := n * g / 20
		if to <= from {
			continue
		}
		cum := res.Rows[to-1].Cumulative
		pts = append(pts, []any{fmt.Sprintf("top %d%%", g*5), cum - prev, cum})
		prev, from = cum, to
	}
	return pts
}

func cols(names ...string) []column {
	out := make([]column, len(names))
	for i, n := range names {
		out[i] = column{name: n}
	}
	return out
}

func colName(n int) string { c, _ := excelize.ColumnNumberToName(n); return c }

func ptr[T any](v T) *T { return &v }

// parseAmount reads a card's revenue (a plain decimal).
func parseAmount(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	var v float64
	_, err := fmt.Sscan(s, &v)
	return v, err == nil
}
