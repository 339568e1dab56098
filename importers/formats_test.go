package importers

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

const russianTable = "Наименование\tТелефон\tГород\r\nООО Ромашка и партнёры\t8 495 123 45 67\tМосква\r\nИванов Иван Иванович\t8 916 765 43 21\tТверь\r\n"

func writeEncoded(t *testing.T, name string, enc interface {
	String(string) (string, error)
}, text string) string {
	t.Helper()
	b, err := enc.String(text)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Excel's "Unicode text", KOI8-R and CP866 (DOS and 1C 7.7) files.
func TestTextEncodings(t *testing.T) {
	tests := []struct {
		name, wantEnc, wantDelim string
		path                     string
	}{
		{"utf16le-bom", "utf-16le-bom", "tab", writeEncoded(t, "u.txt", xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder(), russianTable)},
		{"utf16le", "utf-16le", "tab", writeEncoded(t, "u.txt", xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewEncoder(), russianTable)},
		{"utf16be-bom", "utf-16be-bom", "tab", writeEncoded(t, "u.txt", xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder(), russianTable)},
		{"koi8r", "koi8-r", ";", writeEncoded(t, "k.csv", charmap.KOI8R.NewEncoder(), strings.ReplaceAll(russianTable, "\t", ";"))},
		{"cp866", "cp866", "|", writeEncoded(t, "d.txt", charmap.CodePage866.NewEncoder(), strings.ReplaceAll(russianTable, "\t", "|"))},
		{"windows1251", "windows-1251", ",", writeEncoded(t, "w.csv", charmap.Windows1251.NewEncoder(), strings.ReplaceAll(russianTable, "\t", ","))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, recs := readAll(t, tt.path, Options{})
			if info.Encoding != tt.wantEnc || info.Delimiter != tt.wantDelim {
				t.Errorf("encoding %s delimiter %q, want %s %q", info.Encoding, info.Delimiter, tt.wantEnc, tt.wantDelim)
			}
			if info.EncodingConfidence < 0.8 {
				t.Errorf("confidence %.2f for a clear %s file", info.EncodingConfidence, tt.wantEnc)
			}
			if len(recs) != 2 || recs[1].Fields["name"] != "Иванов Иван Иванович" || recs[1].Fields["city"] != "Тверь" {
				t.Errorf("records %+v", recs)
			}
		})
	}
	// An override wins over detection.
	path := writeEncoded(t, "k.csv", charmap.KOI8R.NewEncoder(), strings.ReplaceAll(russianTable, "\t", ";"))
	info, recs := readAll(t, path, Options{Encoding: "koi8-r", Delimiter: ";"})
	if info.Encoding != "koi8-r" || info.EncodingConfidence != 1 || recs[0].Fields["city"] != "Москва" {
		t.Errorf("override: %+v %+v", info, recs)
	}
	if _, err := Open(path, Options{Encoding: "ebcdic"}); err == nil || !strings.Contains(err.Error(), "unknown encoding") {
		t.Errorf("unknown encoding: %v", err)
	}
}

// A 1C report saved to Excel: two title rows, "Телефон" merged over
// "рабочий | мобильный", group rows of a hierarchical list (bold, heading
// outlined members), a totals row, a hidden row, a formula, a date cell.
func TestXLSXReportShape(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.xlsx")
	f := excelize.NewFile()
	sh := "Sheet1"
	put := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	put("A1", "Контрагенты с контактами")
	put("A2", "Период: 2026 г.")
	put("A3", "Наименование")
	put("B3", "ИНН")
	put("C3", "Телефон")
	put("E3", "Дата рождения")
	put("F3", "Выручка")
	put("C4", "рабочий")
	put("D4", "мобильный")
	f.MergeCell(sh, "C3", "D3")
	f.MergeCell(sh, "A3", "A4")
	// Group rows as 1C saves a hierarchical list: the group's name alone,
	// in bold, heading its members one outline level deeper.
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		t.Fatal(err)
	}
	put("A5", "Покупатели") // a group row: bold, heads rows 6–7
	if err := f.SetCellStyle(sh, "A5", "A5", bold); err != nil {
		t.Fatal(err)
	}
	put("A6", "ООО «Ромашка»")
	f.SetCellValue(sh, "B6", int64(7707083893))
	put("C6", "8 (495) 123-45-67")
	put("D6", "8 916 123 45 67")
	put("F6", 1500.5)
	put("A7", "Петров Пётр Петрович")
	put("D7", "8 903 111 22 33")
	put("E7", time.Date(1985, 3, 12, 0, 0, 0, 0, time.UTC))
	put("F7", 2000)
	f.SetRowVisible(sh, 7, false)
	f.SetColVisible(sh, "E", false)
	put("A8", "Поставщики") // another group: heads row 9, not bold
	for _, row := range []int{6, 7, 9} {
		if err := f.SetRowOutlineLevel(sh, row, 1); err != nil {
			t.Fatal(err)
		}
	}
	put("A9", "АО Гранит")
	put("C9", "(812) 555-01-02")
	f.SetCellFormula(sh, "F9", "F6+F7")
	put("F9", 3500.5) // the cached value Excel would have left
	f.SetCellFormula(sh, "F9", "F6+F7")
	put("A10", "Итого")
	put("F10", 5000.5)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs []crmkit.Record
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	info := r.Info()
	if info.HeaderRow != 3 || info.HeaderRows != 2 {
		t.Errorf("header row %d (%d rows), want 3 (2 rows)", info.HeaderRow, info.HeaderRows)
	}
	var fields []string
	for _, c := range info.Columns {
		fields = append(fields, c.Field+"/"+c.Label)
	}
	if got := strings.Join(fields, " "); got != "name/ inn/ phone/рабочий phone/мобильный birth_date/ revenue/" {
		t.Errorf("columns %s", got)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3: %+v", len(recs), recs)
	}
	if got := recs[0].Fields["phone"]; got != "рабочий: 8 (495) 123-45-67; мобильный: 8 916 123 45 67" {
		t.Errorf("phones of row 6: %q", got)
	}
	if recs[0].Fields["inn"] != "7707083893" || recs[0].Row != 6 {
		t.Errorf("row 6: %+v", recs[0])
	}
	if recs[1].Fields["birth_date"] != "31118" || recs[1].Row != 7 {
		t.Errorf("the date cell comes raw, as Excel's serial 31118 (1985-03-12): %+v", recs[1].Fields)
	}
	if recs[2].Fields["revenue"] != "3500.5" {
		t.Errorf("formula cell: %q, want its cached value 3500.5", recs[2].Fields["revenue"])
	}
	want := []SkippedRow{{5, "group"}, {8, "group"}, {10, "totals"}}
	if len(info.Skipped) != len(want) {
		t.Fatalf("skipped %+v, want %+v", info.Skipped, want)
	}
	for i := range want {
		if info.Skipped[i] != want[i] {
			t.Errorf("skipped %+v, want %+v", info.Skipped, want)
		}
	}
	if info.HiddenRows != 1 || info.DataRows != 3 || len(info.HiddenColumns) != 1 || info.HiddenColumns[0] != "Дата рождения" {
		t.Errorf("hidden rows %d, hidden columns %v, data %d", info.HiddenRows, info.HiddenColumns, info.DataRows)
	}
}

func TestXLSXSheets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"ФИО", "Телефон"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Иванов Иван", "89161234567"})
	f.NewSheet("Клиенты 2")
	f.SetSheetRow("Клиенты 2", "A1", &[]any{"Наименование", "E-mail"})
	f.SetSheetRow("Клиенты 2", "A2", &[]any{"ООО Вектор", "info@vector.example"})
	f.SetSheetRow("Клиенты 2", "A3", &[]any{"ООО Альфа", "alfa@alfa.example"})
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	for sheet, want := range map[string]int{"": 1, "1": 1, "2": 2, "Клиенты 2": 2} {
		info, recs := readAll(t, path, Options{Sheet: sheet})
		if len(recs) != want || len(info.Sheets) != 2 {
			t.Errorf("sheet %q: %d records, want %d (%v)", sheet, len(recs), want, info.Sheets)
		}
	}
	if _, err := Open(path, Options{Sheet: "Нет такого"}); err == nil || !strings.Contains(err.Error(), "Клиенты 2") {
		t.Errorf("unknown sheet: %v", err)
	}
	sheets, err := Sheets(path)
	if err != nil || strings.Join(sheets, ",") != "Sheet1,Клиенты 2" {
		t.Errorf("Sheets = %v, %v", sheets, err)
	}
}

// A cell Excel would not have written (a shared-string index that is not a
// number) is one Problem with file, sheet and row; the rest is read.
func TestXLSXUnreadableRow(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"Наименование", "Телефон"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Иванов", "89161234567"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"Петров", "89161234568"})
	f.SetSheetRow("Sheet1", "A4", &[]any{"Сидоров", "89161234569"})
	if err := f.SaveAs(good); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.xlsx")
	rewriteZip(t, good, bad, "xl/worksheets/sheet1.xml", func(xml string) string {
		// Row 3 names its first cell with a reference that is not one.
		i := strings.Index(xml, `<c r="A3"`)
		k := strings.Index(xml[i:], "</c>") + i + len("</c>")
		return xml[:i] + `<c r="3A" t="s"><v>2</v></c>` + xml[k:]
	})
	r, err := Open(bad, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ok []int
	var problems []crmkit.Problem
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatalf("a bad row aborted the file: %v", err)
		}
		problems = append(problems, row.Problems...)
		if row.OK {
			ok = append(ok, row.Num)
		}
	}
	if len(ok) != 2 || ok[0] != 2 || ok[1] != 4 {
		t.Errorf("rows read %v, want 2 and 4", ok)
	}
	if len(problems) != 1 || problems[0].Code != RowUnreadable || problems[0].Row != 3 || !strings.Contains(problems[0].File, "[Sheet1]") {
		t.Errorf("problems %+v", problems)
	}
}

func rewriteZip(t *testing.T, src, dst, name string, edit func(string) string) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, file := range zr.File {
		rc, _ := file.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if file.Name == name {
			data = []byte(edit(string(data)))
		}
		w, _ := zw.Create(file.Name)
		w.Write(data)
	}
	zw.Close()
	os.WriteFile(dst, buf.Bytes(), 0o644)
}

func TestRaggedRowsReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	os.WriteFile(path, []byte("ФИО;Телефон\nИванов;89161234567;лишнее;ещё\nПетров\n"), 0o644)
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows []Row
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if len(rows) != 2 || len(rows[0].Problems) != 1 || rows[0].Problems[0].Code != RowRagged || !rows[0].OK || rows[0].Record.Extra["column 3"] != "лишнее" {
		t.Errorf("rows %+v", rows)
	}
	if r.Info().RaggedRows != 1 {
		t.Errorf("ragged %d", r.Info().RaggedRows)
	}
}

func TestMoreOpenErrors(t *testing.T) {
	dir := t.TempDir()
	protected := filepath.Join(dir, "secret.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"ФИО", "Телефон"})
	if err := f.SaveAs(protected, excelize.Options{Password: "секрет"}); err != nil {
		t.Fatal(err)
	}
	brokenZip := filepath.Join(dir, "broken.xlsx")
	os.WriteFile(brokenZip, []byte("PK\x03\x04 not really a zip"), 0o644)
	// A zipped folder named .xlsx: a zip, no workbook in it.
	notWorkbook := filepath.Join(dir, "folder.xlsx")
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range []string{"clients/readme.txt", "clients/list.csv"} {
			w, _ := zw.Create(name)
			w.Write([]byte("ФИО;Телефон\n"))
		}
		zw.Close()
		os.WriteFile(notWorkbook, buf.Bytes(), 0o644)
	}
	emptySheet := filepath.Join(dir, "empty.xlsx")
	excelize.NewFile().SaveAs(emptySheet)
	xmlFile := filepath.Join(dir, "export.xml")
	os.WriteFile(xmlFile, []byte("\ufeff<?xml version=\"1.0\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.09\"/>"), 0o644)
	noHeader := filepath.Join(dir, "nohdr.csv")
	os.WriteFile(noHeader, []byte("Список;;\nфы;89161234567;abc\nИванов Иван Иванович;ivan.ivanov@mail.example;x\n"), 0o644)
	// A real BIFF8 workbook with Cyrillic text, written by SheetJS (see the README on .xls).
	legacy := filepath.Join("testdata", "cyrillic-biff8.xls")
	for _, tt := range []struct {
		path string
		is   error
		says string
	}{
		{legacy, ErrUnsupported, "libreoffice --headless --convert-to xlsx"},
		{protected, ErrEncrypted, "without a password"},
		{brokenZip, nil, "open workbook"},
		{notWorkbook, ErrNotWorkbook, "a zip archive with no workbook in it (2 files: clients/readme.txt, clients/list.csv"},
		{emptySheet, ErrEmpty, "empty"},
		{xmlFile, ErrUnsupported, "КоммерческаяИнформация"},
		{noHeader, ErrNoHeader, "| фы | ###########"},
	} {
		_, err := Open(tt.path, Options{})
		if err == nil {
			t.Errorf("Open(%s): no error", tt.path)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Open(%s) = %v, want %v", tt.path, err, tt.is)
		}
		for _, leak := range []string{"Иванов", "ivan.ivanov", "89161234567"} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("Open(%s) shows %q: %v", tt.path, leak, err)
			}
		}
		if !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), filepath.Base(tt.path)) {
			t.Errorf("Open(%s) = %q, want it to name the file and say %q", tt.path, err, tt.says)
		}
	}
}

func TestConstantsAndLabelsFromMap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.csv")
	os.WriteFile(path, []byte("Клиент;Факс\nАнна;8 495 000 00 00\n"), 0o644)
	_, recs := readAll(t, path, Options{Constants: map[string]string{"city": "Москва", "name": "не заменит"}})
	if len(recs) != 1 || recs[0].Fields["city"] != "Москва" || recs[0].Fields["name"] != "Анна" || recs[0].Fields["phone"] != "факс: 8 495 000 00 00" {
		t.Errorf("records %+v", recs)
	}
}

// A workbook that unpacks past the limit (a zip bomb) is refused before it
// is unpacked, with a one-line error, in bounded memory.
func TestZipBombRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"ФИО", "Комментарий"})
	filler := strings.Repeat("а", 1000)
	for i := 2; i <= 20000; i++ { // about 40 MB unpacked, well under 1 MB packed
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{"Иванов", filler})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	defer func(old int64) { unzipLimit = old }(unzipLimit)
	unzipLimit = 10 << 20
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "bomb.xlsx") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Open(a workbook of 40 MB unpacked, limit 10 MB) = %v", err)
	}
}

// Hostile input ends in one line naming the file: a workbook cut short, a
// 1C file a million elements deep, random bytes.
func TestHostileInputOneLineError(t *testing.T) {
	dir := t.TempDir()
	whole, err := os.ReadFile(filepath.Join("..", "testdata", "clients.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "cut.xlsx")
	os.WriteFile(truncated, whole[:len(whole)/2], 0o600)
	deep := filepath.Join(dir, "deep.xml")
	os.WriteFile(deep, []byte("<?xml version=\"1.0\"?>\n<КоммерческаяИнформация>"+strings.Repeat("<Контрагент>", 1_000_000)), 0o600)
	random := filepath.Join(dir, "random.csv")
	noise := make([]byte, 1<<20)
	for i := range noise {
		noise[i] = byte(i*7919 + i/13)
	}
	os.WriteFile(random, noise, 0o600)
	for _, path := range []string{truncated, random} {
		_, err := Open(path, Options{})
		if err == nil || !strings.Contains(err.Error(), filepath.Base(path)) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%s) = %v", path, err)
		}
	}
	// The XML is detected here and read by importers/onec; Open refuses it as not a table.
	if _, err := Open(deep, Options{}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("Open(%s) = %v", deep, err)
	}
}
