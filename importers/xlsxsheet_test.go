package importers

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The sheet stream must give what excelize's row iterator gives, cell by
// cell, on any workbook: these tests read workbooks both ways and compare
// every step (cells, hidden flag, row errors).

// compareSheets reads every sheet of a workbook with excelize and with the
// stream (going over to excelize where it must) and fails at the first
// difference. It returns how many sheets went over to excelize.
func compareSheets(t testing.TB, path string) (fallbacks int) {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: unzipLimit})
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			continue // excelize cannot read it either; openXLSX says so
		}
		want := &excelizeCells{rows: rows}
		var info Info
		src := openXLSXStream(path, sheet, &info)
		if src == nil {
			fallbacks++
			want.close()
			continue
		}
		got := src.cells.(*streamCells)
		layout := openSheetLayout(path, sheet)
		for step := 1; ; step++ {
			wc, wh, werr := want.next()
			gc, gh, gerr := got.next()
			if got.excelize == nil && layout != nil && len(gc) > 0 {
				sameLayout(t, got.stream, layout, step)
			}
			if gerr != nil && werr != gerr && !isRowError(gerr) && gerr != io.EOF {
				// A sheet that is not well-formed XML: an error here, where
				// excelize stops without one. Only for XML encoding/xml rejects.
				if wellFormedSheet(t, path, sheet) {
					t.Fatalf("%s sheet %q step %d: error %v on well-formed XML (excelize: %q, %v)", path, sheet, step, gerr, wc, werr)
				}
				break
			}
			if !sameStep(wc, wh, werr, gc, gh, gerr) {
				t.Fatalf("%s sheet %q step %d:\n excelize %q hidden=%v err=%v\n stream   %q hidden=%v err=%v",
					path, sheet, step, wc, wh, werr, gc, gh, gerr)
			}
			if werr != nil && !isRowError(werr) {
				break // io.EOF, or the end excelize's iterator stops at
			}
		}
		if got.excelize != nil {
			fallbacks++
		}
		if layout != nil {
			layout.close()
		}
		want.close()
		src.close()
	}
	return fallbacks
}

// sameLayout: what the stream tells groupLook of a row is what
// sheetLayout reads from the sheet a second time.
func sameLayout(t testing.TB, s *sheetStream, layout *sheetLayout, row int) {
	t.Helper()
	this, next, ok := s.layoutAt(row)
	if !ok {
		return
	}
	wthis, wnext := layout.at(row)
	if this.outline != wthis.outline || next.outline != wnext.outline || !slices.Equal(this.cells, wthis.cells) {
		t.Fatalf("row %d: stream layout %+v next %d, sheetLayout %+v next %d", row, this, next.outline, wthis, wnext.outline)
	}
}

func isRowError(err error) bool {
	var re *rowError
	return errors.As(err, &re)
}

func sameStep(wc []string, wh bool, werr error, gc []string, gh bool, gerr error) bool {
	if (werr == nil) != (gerr == nil) || isRowError(werr) != isRowError(gerr) {
		return false
	}
	if werr != nil {
		return werr.Error() == gerr.Error() && (isRowError(werr) || wh == gh)
	}
	return wh == gh && len(wc) == len(gc) && slices.Equal(wc, gc)
}

// wellFormedSheet: encoding/xml reads the sheet's whole XML without error.
func wellFormedSheet(t testing.TB, path, sheet string) bool {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	part := sheetPart(&z.Reader, sheet)
	if part == nil {
		t.Fatalf("no part for sheet %q", sheet)
	}
	rc, err := part.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	for {
		if _, err := dec.Token(); err == io.EOF {
			return true
		} else if err != nil {
			return false
		}
	}
}

// randomWorkbook writes a workbook of random sheets with excelize: shared
// strings (plain and rich), inline strings through the stream writer,
// numbers of every size, dates, booleans, formulas, styles, hidden and
// grouped rows, gaps.
func randomWorkbook(t testing.TB, rng *rand.Rand, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	custom := "#,##0.00 \"₽\""
	money, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	styles := []int{0, bold, date, pct, money}
	sheets := 1 + rng.IntN(3)
	for s := 0; s < sheets; s++ {
		name := fmt.Sprintf("Лист%d", s+1)
		if s == 0 {
			f.SetSheetName("Sheet1", name)
		} else {
			f.NewSheet(name)
		}
		if rng.IntN(3) == 0 {
			streamSheet(t, f, rng, name, styles)
			continue
		}
		rows := rng.IntN(60)
		for r := 1; r <= rows; r++ {
			if rng.IntN(6) == 0 {
				continue // a gap
			}
			cols := rng.IntN(12)
			for c := 1; c <= cols; c++ {
				if rng.IntN(4) == 0 {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c, r)
				switch k := rng.IntN(10); k {
				case 0:
					f.SetCellFormula(name, cell, "SUM(A1:B2)")
				case 1:
					f.SetCellRichText(name, cell, []excelize.RichTextRun{
						{Text: randomText(rng), Font: &excelize.Font{Bold: true, Color: "FF0000"}},
						{Text: randomText(rng)},
					})
				default:
					f.SetCellValue(name, cell, randomValue(rng))
				}
				if st := styles[rng.IntN(len(styles))]; st != 0 {
					f.SetCellStyle(name, cell, cell, st)
				}
			}
			if rng.IntN(7) == 0 {
				f.SetRowVisible(name, r, false)
			}
			if rng.IntN(7) == 0 {
				f.SetRowOutlineLevel(name, r, uint8(1+rng.IntN(3)))
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func streamSheet(t testing.TB, f *excelize.File, rng *rand.Rand, name string, styles []int) {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		t.Fatal(err)
	}
	r := 0
	for n := rng.IntN(80); n > 0; n-- {
		r += 1 + rng.IntN(3)*rng.IntN(2)
		var row []any
		for c := rng.IntN(10); c > 0; c-- {
			switch rng.IntN(5) {
			case 0:
				row = append(row, nil)
			case 1:
				row = append(row, excelize.Cell{StyleID: styles[rng.IntN(len(styles))], Value: randomValue(rng)})
			case 2:
				row = append(row, excelize.Cell{Formula: "A1*2", Value: randomValue(rng)})
			default:
				row = append(row, randomValue(rng))
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		opts := []excelize.RowOpts{{Hidden: rng.IntN(5) == 0, OutlineLevel: rng.IntN(3)}}
		if err := sw.SetRow(cell, row, opts...); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
}

func randomValue(rng *rand.Rand) any {
	switch rng.IntN(9) {
	case 0:
		return rng.IntN(2) == 0
	case 1:
		return rng.Int64() >> rng.IntN(64)
	case 2:
		return math.Ldexp(rng.Float64()-0.5, rng.IntN(2000)-1000)
	case 3:
		return float64(rng.IntN(1_000_000)) / 100
	case 4:
		return time.Date(1900+rng.IntN(200), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), 0, 0, time.UTC)
	case 5:
		return fmt.Sprint(79160000000 + rng.IntN(1e9)) // a phone kept as text
	default:
		return randomText(rng)
	}
}

var textPieces = []string{"ООО «Ромашка»", "Иванов", " ", "  lead ", "&", "<", ">", "\"", "'", "&amp;", "]]>",
	"_x0041_", "_x005F_", "_xD800_", "\t", "\n", "\r\n", "😀", "ё", "Ǆ", "e-mail@x.ru", "=1+1", "7 916 123-45-67", "½", "\u00a0", "\u2028"}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for n := 1 + rng.IntN(4); n > 0; n-- {
		b.WriteString(textPieces[rng.IntN(len(textPieces))])
	}
	return b.String()
}

func TestXLSXSheetStreamRandomWorkbooks(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 40
	}
	dir := t.TempDir()
	fallbacks := 0
	for i := 0; i < n; i++ {
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		path := filepath.Join(dir, fmt.Sprintf("r%d.xlsx", i))
		randomWorkbook(t, rng, path)
		fallbacks += compareSheets(t, path)
		os.Remove(path)
	}
	if fallbacks > 0 {
		t.Errorf("%d sheets of excelize's own workbooks went over to excelize", fallbacks)
	}
}

// workbookWithSheetXML writes a workbook whose first sheet's XML (and
// shared strings, when sst is not "") are the given text.
func workbookWithSheetXML(t testing.TB, path, sheetXML, sst string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, data string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	put("xl/worksheets/sheet1.xml", sheetXML)
	if sst != "" {
		put("xl/sharedStrings.xml", sst)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`

const sstXML = `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">` +
	`<si><t>Иванов</t></si><si><t xml:space="preserve"> a &amp; b </t></si>` +
	`<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/></rPr><t>жир</t></r><r><t>ный</t></r></si>` +
	`<si><t>_x0041__x005F_x</t><rPh sb="0" eb="1"><t>フリ</t></rPh><phoneticPr fontId="1"/></si>` +
	`<si><r><t>run</t></r><t>first</t></si><si/></sst>`

// Sheets written by hand: the XML Excel, LibreOffice, 1C and odd writers
// produce, each read both ways.
func TestXLSXSheetStreamHandWritten(t *testing.T) {
	cases := map[string]string{
		"shared":    `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v> 2 </v></c><c r="D1" t="s"><v>3</v></c><c t="s"><v>4</v></c><c t="s"><v>5</v></c><c t="s"><v>99</v></c><c t="s"><v>x</v></c><c t="s"><v></v></c></row>`,
		"gaps":      `<row r="2"><c r="B2"><v>1</v></c></row><row r="5" hidden="1"><c r="A5"><v>2</v></c></row><row><c><v>3</v></c></row><row r="9" hidden="true"/>`,
		"no refs":   `<row><c><v>1</v></c><c><v>2</v></c></row><row><c t="str"><v>x</v></c></row>`,
		"types":     `<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="d"><v>2024-01-02T03:04:05Z</v></c><c r="D1" t="n"><v>1.0E+10</v></c><c r="E1" t="zz"><v>7</v></c><c r="F1"><v>-0.000001</v></c></row>`,
		"formulas":  `<row r="1"><c r="A1"><f>B1*2</f><v>4</v></c><c r="B1"><f>C1</f></c><c r="C1" t="str"><f ca="1">NOW()</f><v></v></c><c r="E1"><f t="shared" ref="E1:E3" si="0"/></c></row>`,
		"inline":    `<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><r><t>x</t></r><r><t>y</t></r></is></c><c r="C1" t="inlineStr"><v>v</v></c><c r="D1" t="inlineStr"><is><t/></is></c><c r="E1" t="inlineStr"><is><t>_x0009_t</t></is></c></row>`,
		"entities":  `<row r="1"><c r="A1" t="str"><v>&lt;&gt;&amp;&apos;&quot;&#1025;&#x401;&#xD800;</v></c><c r="B1" t="str"><v>a` + "\r\n" + `b` + "\r" + `c</v></c><c r="C1" t="str"><v><![CDATA[<&>` + "\r\n" + `]]></v></c></row>`,
		"prefixed":  `<x:row r='1' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c r = "A1" t = 'str' ><x:v>p</x:v></x:c></x:row>`,
		"backwards": `<row r="3"><c r="C3"><v>1</v></c><c r="A3"><v>2</v></c><c r="C3"><v>3</v></c></row><row r="2"><c r="A2"><v>4</v></c></row><row r="3"><c r="A3"><v>5</v></c></row>`,
		"bad ref":   `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="2A"><v>1</v></c></row><row r="3"><c r="$B$3"><v>1</v></c><c r="b3"><v>2</v></c><c r="XFE3"><v>3</v></c></row><row r="4"><c r="A4"><v>4</v></c></row>`,
		"bad row":   `<row r="1"><c><v>1</v></c></row><row r="x"><c><v>2</v></c></row><row r="3"><c><v>3</v></c></row>`,
		"max rows":  `<row r="1"><c><v>1</v></c></row><row r="1048577"><c><v>2</v></c></row>`,
		"huge row":  `<row r="99999999999999999999"><c><v>1</v></c></row>`,
		"zero row":  `<row r="0"><c><v>1</v></c></row><row r="-3"><c><v>2</v></c></row><row><c><v>3</v></c></row>`,
		"nested":    `<row r="1"><c r="A1"><v>a<x>b</x>c</v></c><extra><c r="C1"><v>9</v></c></extra></row>`,
		"two v":     `<row r="1"><c r="A1"><v>1</v><v>2</v></c><c r="B1" t="inlineStr"><is><t>a</t></is><is><r><t>b</t></r></is></c></row>`,
		"style":     `<row r="1" s="3" customFormat="1" outlineLevel="2"><c r="A1" s="0"><v>1</v></c><c r="B1" s="12"><v>2</v></c></row>`,
		"comment":   `<row r="1"><c r="A1"><v>1</v></c></row><!-- a comment --><row r="2"><c r="A2"><v>2</v></c></row>`,
		"bad style": `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" s="x"><v>2</v></c></row>`,
		"extLst":    `<row r="1"><c r="A1"><v>1</v><extLst/></c></row>`,
		"empty":     ``,
		"after":     `<row r="1"><c r="A1"><v>1</v></c></row></sheetData><rowBreaks count="1"/><sheetData><row r="7"><c><v>7</v></c></row>`,
		"bad utf8":  `<row r="1"><c r="A1" t="str"><v>ok</v></c></row><row r="2"><c r="A2" t="str"><v>` + "\xff" + `</v></c></row>`,
		"control":   `<row r="1"><c r="A1" t="str"><v>` + "\x01" + `</v></c></row>`,
		"entity":    `<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>`,
		"cut":       `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`,
	}
	dir := t.TempDir()
	for name, rows := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".xlsx")
			sheet := sheetHead + rows + sheetTail
			switch name {
			case "cut":
				sheet = sheetHead + rows
			case "after":
				sheet = sheetHead + rows + "</sheetData></worksheet>"
			}
			workbookWithSheetXML(t, path, sheet, sstXML)
			if n := compareSheets(t, path); n > 0 {
				t.Logf("read by excelize")
			}
		})
	}
}

// A corrupt sheet is an error that names the file, the sheet and the row,
// after the rows before it; never a panic, never rows silently lost.
func TestXLSXCorruptSheetNamed(t *testing.T) {
	var rows strings.Builder
	rows.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>ФИО</t></is></c><c r="B1" t="inlineStr"><is><t>Телефон</t></is></c></row>`)
	for i := 2; i < 30; i++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>Иванов</t></is></c><c r="B%d"><v>8916123%04d</v></c></row>`, i, i, i, i)
	}
	rows.WriteString(`<row r="30"><c r="A30" t="inlineStr"><is><t>Петров</t></is></c><c r="B30"><v>8916`)
	path := filepath.Join(t.TempDir(), "cut.xlsx")
	workbookWithSheetXML(t, path, sheetHead+rows.String(), "")
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	var last error
	for _, err := range r.Rows() {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 28 || last == nil || !strings.Contains(last.Error(), "cut.xlsx") ||
		!strings.Contains(last.Error(), `sheet "Sheet1" row 30`) {
		t.Errorf("%d rows, error %v", n, last)
	}
}

// TestXLSXSheetStreamFiles compares the two readers on the sample workbook
// and on those named by CRMKIT_COMPARE_XLSX (paths separated by the OS list
// separator), such as the million-row workbook testdata/gen writes.
func TestXLSXSheetStreamFiles(t *testing.T) {
	paths := []string{filepath.Join("..", "testdata", "clients.xlsx")}
	if more := os.Getenv("CRMKIT_COMPARE_XLSX"); more != "" {
		paths = append(paths, filepath.SplitList(more)...)
	}
	for i, path := range paths {
		if n := compareSheets(t, path); n > 0 {
			if i == 0 {
				t.Errorf("%s: %d sheets left to excelize; the stream reads every sheet of the sample", path, n)
			}
			t.Logf("%s: %d sheets read by excelize", path, n)
		}
	}
}
