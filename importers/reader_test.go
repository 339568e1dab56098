package importers

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

func readAll(t *testing.T, path string, opt Options) (Info, []crmkit.Record) {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	var recs []crmkit.Record
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		recs = append(recs, rec)
	}
	return r.Info(), recs
}

// A workbook as 1C saves a list form: title rows, a blank row, the header,
// phones and INNs stored as numbers.
func TestXLSXTitleRowsAndNumericCells(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clients.xlsx")
	f := excelize.NewFile()
	sh := "Контрагенты"
	f.SetSheetName("Sheet1", sh)
	f.SetCellValue(sh, "A1", "Контрагенты")
	f.SetCellValue(sh, "A2", "Отчет сформирован 01.11.2026")
	f.SetCellValue(sh, "A3", "Отбор: Покупатели")
	f.SetSheetRow(sh, "A5", &[]any{"Код", "Наименование", "ИНН", "Телефон", "E-mail", "Менеджер"})
	f.SetSheetRow(sh, "A6", &[]any{"000000017", "ООО «Ромашка»", int64(7707083893), int64(79161234567), "info@romashka.ru", "Петров"})
	f.SetSheetRow(sh, "A8", &[]any{"000000018", "ИП Иванов И.И.", 500100732259, 84951234567.0, nil, nil})
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	info, recs := readAll(t, path, Options{Source: "1c"})
	if info.Format != "xlsx" || info.Sheet != sh || info.HeaderRow != 5 {
		t.Errorf("info %+v, want xlsx sheet %s header row 5", info, sh)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2: %+v", len(recs), recs)
	}
	r0, r1 := recs[0], recs[1]
	if r0.Row != 6 || r1.Row != 8 {
		t.Errorf("rows %d, %d; want the sheet rows 6 and 8", r0.Row, r1.Row)
	}
	want := map[string]string{"source_id": "000000017", "name": "ООО «Ромашка»", "inn": "7707083893", "phone": "79161234567", "email": "info@romashka.ru"}
	for k, v := range want {
		if r0.Fields[k] != v {
			t.Errorf("row 6 %s = %q, want %q", k, r0.Fields[k], v)
		}
	}
	if r0.Key != "000000017" || r0.Source != "1c" || r0.File != path {
		t.Errorf("record identity %q %q %q", r0.Key, r0.Source, r0.File)
	}
	if r0.Extra["Менеджер"] != "Петров" {
		t.Errorf("unmapped column lost: %v", r0.Extra)
	}
	if r1.Fields["inn"] != "500100732259" || strings.ContainsAny(r1.Fields["phone"], "eE") {
		t.Errorf("numeric cells not raw: inn %q phone %q", r1.Fields["inn"], r1.Fields["phone"])
	}
}

// Russian Windows saves CSV in Windows-1251 with ";".
func TestCSVWindows1251(t *testing.T) {
	text := "Выгрузка клиентов;;\r\nФИО;Тел./факс;Эл. почта;Город\r\nИванов Иван Иванович;8 (916) 123-45-67;ivan@mail.ru;Москва\r\n\"Петров; Пётр\";\"8 495 765 43 21\r\nдоб. 12\";;Тверь\r\n"
	enc, err := charmap.Windows1251.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clients.csv")
	os.WriteFile(path, []byte(enc), 0o644)
	info, recs := readAll(t, path, Options{})
	if info.Encoding != "windows-1251" || info.Delimiter != ";" || info.HeaderRow != 2 {
		t.Errorf("info %+v", info)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	if recs[0].Fields["name"] != "Иванов Иван Иванович" || recs[0].Fields["city"] != "Москва" || recs[0].Row != 3 {
		t.Errorf("record 0: %+v", recs[0])
	}
	if recs[1].Fields["name"] != "Петров; Пётр" || !strings.Contains(recs[1].Fields["phone"], "доб. 12") || recs[1].Row != 4 {
		t.Errorf("record 1 (quoted, multi-line): %+v", recs[1])
	}
}

func TestCSVUTF8BOMComma(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.csv")
	os.WriteFile(path, []byte("\xef\xbb\xbfName,Phone,Mobile,Email\nAnna Smirnova,+7 916 000-11-22,8 903 111 22 33,anna@ya.ru\n"), 0o644)
	info, recs := readAll(t, path, Options{})
	if info.Encoding != "utf-8-bom" || info.Delimiter != "," || info.HeaderRow != 1 {
		t.Errorf("info %+v", info)
	}
	if len(recs) != 1 || recs[0].Fields["phone"] != "+7 916 000-11-22; mobile: 8 903 111 22 33" || recs[0].Row != 2 {
		t.Errorf("records %+v", recs)
	}
}

func TestMapOverridesSynonyms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.csv")
	os.WriteFile(path, []byte("Клиент;Номер;Код\nАнна;8 916 000 11 22;7\n"), 0o644)
	_, recs := readAll(t, path, Options{Map: map[string]string{"номер": "phone", "КОД": Skip}})
	if len(recs) != 1 || recs[0].Fields["phone"] != "8 916 000 11 22" || recs[0].Fields["name"] != "Анна" || recs[0].Key != "" {
		t.Errorf("records %+v", recs)
	}
}

// Columns the user maps to one field are its parts and are joined; two
// columns that map to one field by themselves (two addresses) are not: the
// second is kept apart.
func TestMappedColumnsJoin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.csv")
	os.WriteFile(path, []byte("ФИО;Улица;Дом;Кв;Юридический адрес;Фактический адрес\n"+
		"Анна;ул. Ленина;д. 5;кв. 12;Москва, Тверская 1;Москва, Арбат 2\n"), 0o644)
	_, recs := readAll(t, path, Options{Map: map[string]string{"Улица": "address", "Дом": "address", "Кв": "address"}})
	if len(recs) != 1 || recs[0].Fields["address"] != "ул. Ленина д. 5 кв. 12" ||
		recs[0].Extra["Юридический адрес"] != "Москва, Тверская 1" || recs[0].Extra["Фактический адрес"] != "Москва, Арбат 2" {
		t.Errorf("records %+v", recs)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	noHeader := filepath.Join(dir, "x.csv")
	os.WriteFile(noHeader, []byte("a;b\n1;2\n"), 0o644)
	xls := filepath.Join(dir, "old.xls")
	os.WriteFile(xls, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), 0o644)
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	for _, tt := range []struct {
		path string
		is   error
		says string
	}{
		{noHeader, ErrNoHeader, "--map"},
		{xls, ErrUnsupported, "libreoffice --headless --convert-to xlsx"},
		{empty, nil, "empty"},
		{filepath.Join(dir, "missing.csv"), os.ErrNotExist, "missing.csv"},
	} {
		_, err := Open(tt.path, Options{})
		if err == nil {
			t.Errorf("Open(%s): no error", tt.path)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Open(%s) = %v, want %v", tt.path, err, tt.is)
		}
		if !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), filepath.Base(tt.path)) {
			t.Errorf("Open(%s) = %q, want it to name the file and say %q", tt.path, err, tt.says)
		}
	}
}

func TestFoldHeader(t *testing.T) {
	for in, want := range map[string]string{"Тел./факс": "тел факс", " E-mail ": "e mail", "Населённый пункт": "населенный пункт", "Юр./физ. лицо": "юр физ лицо"} {
		if got := FoldHeader(in); got != want {
			t.Errorf("FoldHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

// isTotals looks at a cell's first letter before it folds the cell: the
// same answers as folding every cell.
func TestIsTotalsFirstLetter(t *testing.T) {
	folded := func(cell string) bool {
		f := FoldHeader(cell)
		for _, w := range []string{"итого", "итог", "всего", "total", "grand total"} {
			if f == w || strings.HasPrefix(f, w+" ") {
				return true
			}
		}
		return false
	}
	cells := []string{"Итого", "  ИТОГО:", "«Итого» по клиентам", "Всего", "ВСЕГО", "Total", "GRAND TOTAL", "grand total:",
		"Итоговый", "Иванов", "1. Итого", "№ Итого", "итог", "", "…", "Ёлка", "total2", "-Total-", "Totals"}
	for _, c := range cells {
		if got, want := isTotals(c), folded(c); got != want {
			t.Errorf("isTotals(%q) = %v, folding says %v", c, got, want)
		}
	}
	for _, c := range []string{"Итого", "  ИТОГО:", "Всего", "Total", "grand total:"} {
		if !isTotals(c) {
			t.Errorf("isTotals(%q) = false", c)
		}
	}
}
