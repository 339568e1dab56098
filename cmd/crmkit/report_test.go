package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit/export"
	"github.com/xuri/excelize/v2"
)

// salesCSV: six organisations and a person with revenue; Альфа twice
// (one INN), so that its revenue is 600 + 200 after merging; a totals row
// and an amount that is not one.
const salesCSV = "Код;Наименование;ИНН;Телефон;Выручка\n" +
	"1;ООО «Альфа»;7700000011;+7 495 100-01-01;600\n" +
	"2;ООО «Бета»;7700000020;+7 495 100-02-02;150\n" +
	"3;ООО «Гамма»;;+7 495 100-03-03;30\n" +
	"4;ООО «Дельта»;;+7 495 100-04-04;10\n" +
	"5;Иванов Иван Иванович;;+7 916 123-45-67;5\n" +
	"6;Альфа ООО;7700000011;+7 495 100-01-01;200\n" +
	"7;ООО «Эпсилон»;;+7 495 100-07-07;5\n" +
	"8;ООО «Зета»;;+7 495 100-08-08;много\n" +
	"9;Итого;;;1000\n"

// checkReport opens report.xlsx and checks every sheet, the charts and the
// ABC classes of salesCSV.
func checkReport(t *testing.T, path string, showPII bool) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open report: %v", err)
	}
	defer f.Close()
	want := []string{export.SheetSummary, export.SheetProblems, export.SheetMerges, export.SheetReview, export.SheetCards, export.SheetABC}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("the workbook opens on sheet %d, not on the summary", i)
	}
	rows := func(sheet string) [][]string {
		r, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("%s: %v", sheet, err)
		}
		return r
	}
	find := func(sheet, label string) []string {
		for _, r := range rows(sheet) {
			if len(r) > 0 && r[0] == label {
				return r
			}
		}
		t.Fatalf("%s: no row %q", sheet, label)
		return nil
	}
	if r := find(export.SheetSummary, "sales"); len(r) < 7 || r[2] != "8" || r[3] != "1" || r[4] != "0" {
		t.Errorf("Summary sources row %q: want 8 records read, 1 skipped (totals), 0 rejected", r)
	}
	if r := find(export.SheetSummary, "source records before matching"); r[1] != "8" {
		t.Errorf("records before matching %q, want 8", r)
	}
	if r := find(export.SheetSummary, "customers after matching"); r[1] != "7" {
		t.Errorf("customers after matching %q, want 7", r)
	}
	if r := find(export.SheetSummary, "money.invalid"); r[2] != "1" {
		t.Errorf("problems by code %q, want money.invalid 1", r)
	}
	for _, sheet := range want[1:] {
		r := rows(sheet)
		if len(r) == 0 {
			t.Fatalf("%s: empty", sheet)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v %v", sheet, panes, err)
		}
	}
	if r := find(export.SheetProblems, "file"); strings.Join(r, ",") != "file,row,field,code,severity,message" {
		t.Errorf("Problems header %q", r)
	}
	// Merges: Альфа and its two records.
	merged := 0
	for _, r := range rows(export.SheetMerges)[1:] {
		if strings.Contains(r[1], "Альфа") && r[2] == "2" {
			merged++
		}
	}
	if merged != 2 {
		t.Errorf("Merges: %d rows of Альфа's two records, want 2:\n%q", merged, rows(export.SheetMerges))
	}
	// Cards: the person masked unless --show-pii, organisations as they are.
	cards := rows(export.SheetCards)
	text := strings.Join(strings.Fields(strings.Join(flatten(cards), " ")), " ")
	if got := strings.Contains(text, "Иванов Иван"); got != showPII {
		t.Errorf("Cards: the person's name shown = %v, want %v", got, showPII)
	}
	if got := strings.Contains(text, "+79161234567"); got != showPII {
		t.Errorf("Cards: the person's phone shown = %v, want %v", got, showPII)
	}
	if !strings.Contains(text, "ООО «Бета»") {
		t.Errorf("Cards: an organisation's name must show")
	}
	// ABC: 800 of 1000 is A, the customer that crosses 80% is B, the rest C.
	class := map[string]string{}
	for _, r := range rows(export.SheetABC)[1:] {
		if len(r) > 3 && r[0] != "" {
			class[r[3]] = r[1]
		}
	}
	for name, c := range map[string]string{"ООО «Альфа»": "A", "ООО «Бета»": "B", "ООО «Гамма»": "C", "ООО «Зета»": "C"} {
		if class[name] != c {
			t.Errorf("ABC: %s is %q, want %s (all: %v)", name, class[name], c, class)
		}
	}
	for _, r := range cards[1:] {
		if r[2] == "ООО «Альфа»" && (len(r) < 17 || r[15] != "800.00" || r[16] != "A") {
			t.Errorf("Cards: Альфа %q: want revenue 800, class A", r)
		}
	}
	// Revenue is a number, dates are dates.
	if typ, _ := f.GetCellType(export.SheetABC, "F2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("ABC revenue cell type %v, want a number", typ)
	}
	// Charts: three on Summary, the Pareto chart (columns and a line) on ABC.
	charts, drawings := chartParts(t, path)
	if charts != 4 {
		t.Errorf("%d charts, want 4", charts)
	}
	if !strings.Contains(drawings["ABC"], "<lineChart>") || !strings.Contains(drawings["ABC"], "<barChart>") {
		t.Errorf("ABC sheet: no Pareto chart (bars and a cumulative line)")
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// chartParts counts the workbook's charts and returns, per sheet that has
// a drawing, the XML of the charts on it.
func chartParts(t *testing.T, path string) (int, map[string]string) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	read := func(name string) string {
		for _, f := range z.File {
			if f.Name == name {
				rc, _ := f.Open()
				defer rc.Close()
				var b strings.Builder
				buf := make([]byte, 1<<16)
				for {
					n, err := rc.Read(buf)
					b.Write(buf[:n])
					if err != nil {
						break
					}
				}
				return b.String()
			}
		}
		return ""
	}
	n := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			n++
		}
	}
	out := map[string]string{}
	// Sheet 6 is ABC: its drawing's charts, through the relationships.
	rels := read("xl/worksheets/_rels/sheet6.xml.rels")
	if i := strings.Index(rels, "../drawings/"); i >= 0 {
		d := rels[i+len("../drawings/"):]
		d = d[:strings.IndexByte(d, '"')]
		drels := read("xl/drawings/_rels/" + d + ".rels")
		for _, part := range strings.Split(drels, "../charts/")[1:] {
			out["ABC"] += read("xl/charts/" + part[:strings.IndexByte(part, '"')])
		}
	}
	return n, out
}

func TestReportXLSX(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "sales.csv")
	if err := os.WriteFile(in, []byte(salesCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("dedupe", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		if r := runCLI(t, "", "dedupe", "-q", "--area-code", "495", in, "-o", out); r.code != 0 {
			t.Fatalf("dedupe: exit %d: %s", r.code, r.errOut)
		}
		checkReport(t, filepath.Join(out, "report.xlsx"), false)
	})
	stores(t, func(t *testing.T, dsn string) {
		rep := filepath.Join(t.TempDir(), "import.xlsx")
		if r := runCLI(t, "", "import", "-q", "--store", dsn, "--report", rep, in); r.code != 0 {
			t.Fatalf("import: exit %d: %s", r.code, r.errOut)
		}
		checkReport(t, rep, false)
		exported := filepath.Join(t.TempDir(), "export.xlsx")
		if r := runCLI(t, "", "export", "report", "--show-pii", "--store", dsn, "-o", exported); r.code != 0 {
			t.Fatalf("export report: exit %d: %s", r.code, r.errOut)
		}
		checkReport(t, exported, true)
		if r := runCLI(t, "", "export", "report", "--store", dsn, "-o", "report.csv"); r.code != 2 {
			t.Errorf("export report -o report.csv: exit %d, want 2", r.code)
		}
		// crmkit abc: the same classes, as JSON.
		r := runCLI(t, "", "abc", "--store", dsn, "--format", "json", "--top", "0")
		if r.code != 0 {
			t.Fatalf("abc: exit %d: %s", r.code, r.errOut)
		}
		var res export.ABCResult
		if err := json.Unmarshal([]byte(r.out), &res); err != nil {
			t.Fatalf("abc JSON: %v\n%s", err, r.out)
		}
		if res.Total != 1000 || res.Classes[0].Customers != 1 || res.Classes[1].Customers != 1 || res.Classes[2].Customers != 5 || res.Rows[0].Class != "A" {
			t.Errorf("abc: %+v", res)
		}
		if res.Rows[0].Name == "" || !strings.Contains(res.Rows[0].Name, "Альфа") {
			t.Errorf("abc: first customer %+v, want Альфа", res.Rows[0])
		}
		txt := runCLI(t, "", "abc", "--store", dsn)
		if txt.code != 0 || !strings.Contains(txt.out, "customers ranked: 7") || strings.Contains(txt.out, "Иванов") {
			t.Errorf("abc text (exit %d): %s", txt.code, txt.out)
		}
	})
}
