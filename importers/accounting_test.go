package importers

import (
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// tally reads every row of one table and checks that each that is not a
// record carries exactly one row.* problem naming the file and that row.
// It returns the records, the problem rows by code, and the skips Info
// lists without a row of their own.
func tally(t *testing.T, path string, opt Options) (records int, problems map[string][]int, silentSkips int) {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	problems = map[string][]int{}
	rowed := map[int]bool{}
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		if row.OK {
			records++
			continue
		}
		var codes []string
		for _, p := range row.Problems {
			if strings.HasPrefix(p.Code, "row.") && p.Row == row.Num && strings.HasPrefix(p.File, path) {
				codes = append(codes, p.Code)
			}
		}
		if len(codes) != 1 {
			t.Errorf("%s row %d is neither a record nor one row problem naming it: %+v", path, row.Num, row.Problems)
			continue
		}
		problems[codes[0]] = append(problems[codes[0]], row.Num)
		rowed[row.Num] = true
	}
	for _, s := range r.Info().Skipped {
		if !rowed[s.Row] {
			silentSkips++
		}
	}
	return records, problems, silentSkips
}

// A workbook as 1C and people leave them: a list sheet with title rows,
// group rows (each heading its outlined members), blank rows, a hidden
// row, a totals row; Excel's empty default sheets, one of them hidden; a
// second sheet of data with a contact that has a name only. Every
// data row of every sheet is a record or a row problem; an empty sheet is
// ErrEmpty (import and inspect skip it with a sheet.empty note).
func TestXLSXEveryRowAccountedFor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clients.xlsx")
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sh := "Контрагенты"
	must(f.SetSheetName("Sheet1", sh))
	rows := [][]any{
		{"Список контрагентов"}, // 1: title
		{"Период: 01.01.2026 – 31.10.2026"},
		nil, // 3: blank
		{"Наименование", "ИНН", "Телефон", "E-mail", "Выручка, руб."}, // 4: header
		{"Покупатели"}, // 5: group
		{"ООО «Ромашка»", int64(7707083893), "8 495 123-45-67", "info@romashka.example", 1500.5},
		{"Иванов Иван Иванович", nil, "8 916 765 43 21"},
		nil, // 8: blank inside the list
		{"ИП Березин", int64(500100732259), nil, "berezin@mail.example"},
		{"Поставщики"}, // 10: group
		{"АО «Гранит»", int64(7812345678), "(812) 555-01-02", nil, 300},
		{"Петрова Анна", nil, nil, "anna@example.com"}, // 12: hidden
		{"Итого", nil, nil, nil, 1800.5},               // 13: totals
	}
	for i, row := range rows {
		if row != nil {
			must(f.SetSheetRow(sh, "A"+strconv.Itoa(i+1), &row))
		}
	}
	for _, r := range []int{6, 7, 9, 11, 12} {
		must(f.SetRowOutlineLevel(sh, r, 1))
	}
	must(f.SetRowVisible(sh, 12, false))
	_, err := f.NewSheet("Лист2") // Excel's default, empty and hidden
	must(err)
	must(f.SetSheetVisible("Лист2", false))
	_, err = f.NewSheet("Архив")
	must(err)
	for i, row := range [][]any{
		{"ФИО", "Телефон", "Город"},
		{"Сидорова Анна Петровна", "89031112233", "Тверь"},
		{"Морозов Илья", nil, nil}, // a name only on a plain row: a contact, read
		{"Лебедева Вера", "8 (4822) 34-56-78", "Тверь", "лишняя ячейка"},
		{"Всего:", 3},
	} {
		must(f.SetSheetRow("Архив", "A"+strconv.Itoa(i+1), &row))
	}
	_, err = f.NewSheet("Лист3") // empty and visible
	must(err)
	must(f.SaveAs(path))

	want := map[string]struct {
		dataRows int
		records  int
		problems map[string][]int
	}{
		"Контрагенты": {8, 5, map[string][]int{RowGroup: {5, 10}, RowTotal: {13}}},
		"Архив":       {4, 3, map[string][]int{RowGroup: nil, RowTotal: {5}}},
	}
	sheets, err := Sheets(path)
	if err != nil || strings.Join(sheets, ",") != "Контрагенты,Лист2,Архив,Лист3" {
		t.Fatalf("Sheets = %v, %v", sheets, err)
	}
	for _, sheet := range sheets {
		w, hasData := want[sheet]
		if !hasData {
			if _, err := Open(path, Options{Sheet: sheet}); !errors.Is(err, ErrEmpty) {
				t.Errorf("sheet %s: Open = %v, want ErrEmpty", sheet, err)
			}
			continue
		}
		records, problems, silent := tally(t, path, Options{Sheet: sheet})
		n := records + silent
		for _, rows := range problems {
			n += len(rows)
		}
		if n != w.dataRows || records != w.records || silent != 0 {
			t.Errorf("sheet %s: %d data rows in, %d records + %v row problems + %d silent skips out", sheet, w.dataRows, records, problems, silent)
		}
		for code, rows := range w.problems {
			if !slices.Equal(problems[code], rows) {
				t.Errorf("sheet %s: %s on rows %v, want %v", sheet, code, problems[code], rows)
			}
		}
	}
}

// A Windows-1251 CSV as 1C saves a report: title lines, blank lines, a
// numbered totals line, a name-only line, a line with a stray quote, a
// ragged line. Lines in = records + row problems.
func TestCSV1251EveryRowAccountedFor(t *testing.T) {
	text := "Контрагенты\r\n\r\n№;Наименование;ИНН;Телефон\r\n" +
		"1;ООО Альфа;7707083893;8 495 123-45-67\r\n" +
		"2;\"Вектор-Центр\" ООО;7701234567;8 495 765-43-21\r\n" +
		"\r\n" +
		"3;Сидорова Анна Петровна\r\n" +
		"4;ИП Березин;500100732259;8 916 111 22 33;лишнее\r\n" +
		";;;\r\n" +
		"5;Итого;;\r\n"
	b, err := charmap.Windows1251.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "report-1251.csv", []byte(b))
	records, problems, silent := tally(t, path, Options{})
	if records != 4 || len(problems) != 1 || len(problems[RowTotal]) != 1 || problems[RowTotal][0] != 10 || silent != 0 {
		t.Errorf("5 data lines in, %d records + %v row problems + %d silent skips out", records, problems, silent)
	}
}
