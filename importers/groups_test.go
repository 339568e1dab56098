package importers

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// groupSheet is one row of a test sheet and how the sheet shows it.
type groupSheet struct {
	cells   []any
	bold    bool  // the first cell in bold
	merge   bool  // the first cell merged across the table
	outline uint8 // the row's outline level
}

// writeGroupWorkbook writes rows under a header of header columns, from
// row 2 on, with the formatting each asks for.
func writeGroupWorkbook(t *testing.T, header []any, rows []groupSheet) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "groups.xlsx")
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sh := "Sheet1"
	must(f.SetSheetRow(sh, "A1", &header))
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	must(err)
	last, err := excelize.ColumnNumberToName(len(header))
	must(err)
	for i, row := range rows {
		n := strconv.Itoa(i + 2)
		must(f.SetSheetRow(sh, "A"+n, &row.cells))
		if row.bold {
			must(f.SetCellStyle(sh, "A"+n, "A"+n, bold))
		}
		if row.merge {
			must(f.MergeCell(sh, "A"+n, last+n))
		}
		if row.outline > 0 {
			must(f.SetRowOutlineLevel(sh, i+2, row.outline))
		}
	}
	must(f.SaveAs(path))
	return path
}

// A workbook shows its group rows: in bold, merged across the table, or
// heading an outline group (nested ones too). A name alone on a plain row
// — at the top level, inside an outline group, or last in one — is a
// contact person and a record; so is a row whose phone, not name, is bold.
func TestXLSXGroupRowsAsShown(t *testing.T) {
	path := writeGroupWorkbook(t, []any{"ФИО", "Телефон", "E-mail"}, []groupSheet{
		{cells: []any{"Москва"}, bold: true},                                 // 2: group, bold
		{cells: []any{"Иванов Иван", "8 916 123 45 67"}},                     // 3
		{cells: []any{"Морозов Илья"}},                                       // 4: name only, plain
		{cells: []any{"Оптовые покупатели"}},                                 // 5: group, heads 6–10
		{cells: []any{"Тверь"}, outline: 1},                                  // 6: group, heads 7–8
		{cells: []any{"Сидорова Анна", nil, "anna@example.com"}, outline: 2}, // 7
		{cells: []any{"Лебедева Вера"}, outline: 2},                          // 8: name only, last in its group
		{cells: []any{"Петров Пётр"}, outline: 1},                            // 9: name only, inside a group
		{cells: []any{"Кузнецова Ольга", "8 903 111 22 33"}, outline: 1},     // 10
		{cells: []any{"Розница"}, merge: true},                               // 11: group, merged A:C
		{cells: []any{"Смирнов Олег"}},                                       // 12: name only, plain, last
	})
	info, rows := readRows(t, path, Options{})
	var names []string
	groups := map[int]string{}
	for _, row := range rows {
		switch {
		case row.OK:
			names = append(names, row.Record.Fields["name"])
		case len(row.Problems) == 1 && row.Problems[0].Code == RowGroup && row.Problems[0].Row == row.Num:
			groups[row.Num] = row.Problems[0].Message
		default:
			t.Errorf("row %+v", row)
		}
	}
	want := "Иванов Иван, Морозов Илья, Сидорова Анна, Лебедева Вера, Петров Пётр, Кузнецова Ольга, Смирнов Олег"
	if got := strings.Join(names, ", "); got != want {
		t.Errorf("records %s, want %s", got, want)
	}
	for row, look := range map[int]string{2: `"Москва", the only cell filled, in bold`, 5: "heading an outline group",
		6: `"Тверь", the only cell filled, heading an outline group`, 11: "merged across the table"} {
		if !strings.Contains(groups[row], look) {
			t.Errorf("row %d: %q, want a group row %s", row, groups[row], look)
		}
	}
	if len(groups) != 4 {
		t.Errorf("group rows %v, want 2, 5, 6, 11", groups)
	}
	// inspect prints Info.Skipped: the same rows, as groups.
	wantSkipped := []SkippedRow{{2, "group"}, {5, "group"}, {6, "group"}, {11, "group"}}
	if !slices.Equal(info.Skipped, wantSkipped) || info.DataRows != 7 {
		t.Errorf("skipped %+v, %d data rows; want %+v, 7", info.Skipped, info.DataRows, wantSkipped)
	}
}

// What the sheet shows decides, not the number of columns: a bold group
// row in a two-column list is one, a plain name-only row in a wide one is
// not; a bold row with more than the name filled is data, and so is a
// name merged over part of the table (1C merges name cells of data rows).
func TestXLSXGroupRowsNeedTheLook(t *testing.T) {
	path := writeGroupWorkbook(t, []any{"Клиент", "Телефон"}, []groupSheet{
		{cells: []any{"Постоянные"}, bold: true},                     // 2: group
		{cells: []any{"Иванов Иван", "8 916 123 45 67"}, bold: true}, // 3: bold, but a phone too
		{cells: []any{"Морозов Илья"}},                               // 4: a contact
	})
	info, rows := readRows(t, path, Options{})
	if !slices.Equal(info.Skipped, []SkippedRow{{2, "group"}}) || info.DataRows != 2 || len(rows) != 3 {
		t.Errorf("two columns: skipped %+v, %d data rows of %d", info.Skipped, info.DataRows, len(rows))
	}

	path = writeGroupWorkbook(t, []any{"Наименование", "ИНН", "Телефон", "E-mail", "Город", "Менеджер"}, []groupSheet{
		{cells: []any{"Морозов Илья"}},                          // 2: plain name only
		{cells: []any{"ООО Ромашка", "7707083893"}},             // 3
		{cells: []any{"Лебедева Вера"}},                         // 4: plain name only
		{cells: []any{"Сидорова Анна", nil, "8 903 111 22 33"}}, // 5
	})
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.MergeCell("Sheet1", "A4", "B4"); err != nil { // the name merged over two of six columns
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	info, rows = readRows(t, path, Options{})
	if len(info.Skipped) != 0 || info.DataRows != 4 {
		t.Errorf("six columns, no group shown: skipped %+v, %d data rows", info.Skipped, info.DataRows)
	}
	for _, row := range rows {
		if !row.OK || len(row.Problems) != 0 {
			t.Errorf("row %d: %+v", row.Num, row)
		}
	}
}
