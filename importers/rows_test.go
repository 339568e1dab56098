package importers

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readRows(t *testing.T, path string, opt Options) (Info, []Row) {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	var rows []Row
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		rows = append(rows, row)
	}
	return r.Info(), rows
}

// A contact person with a name and nothing else is a record in a text
// file: only a workbook's layout shows group rows.
func TestNameOnlyRowInText(t *testing.T) {
	info, rows := readRows(t, filepath.Join("testdata", "text", "name-only.csv"), Options{})
	if len(info.Skipped) != 0 || info.DataRows != 3 || len(rows) != 3 {
		t.Fatalf("skipped %+v, %d data rows", info.Skipped, info.DataRows)
	}
	for i, want := range []string{"Сидорова Анна Петровна", "Морозов Илья", "Лебедева Вера"} {
		if !rows[i].OK || rows[i].Record.Fields["name"] != want || rows[i].Num != i+2 {
			t.Errorf("row %d: %+v, want %s from line %d", i, rows[i], want, i+2)
		}
	}
}

// A numbered totals row ("4;Итого;…") is no customer named "Итого": it is
// skipped and said so, with its line, whether the word stands in the name
// column or in the first cell that is not a number.
func TestNumberedTotalsRows(t *testing.T) {
	info, rows := readRows(t, filepath.Join("testdata", "text", "totals-1251.csv"), Options{})
	var names []string
	totals := map[int]string{}
	for _, row := range rows {
		switch {
		case row.OK:
			names = append(names, row.Record.Fields["name"])
		case len(row.Problems) == 1 && row.Problems[0].Code == RowTotal && row.Problems[0].Row == row.Num:
			if row.Problems[0].Severity != crmkit.SeverityWarning || !strings.Contains(row.Problems[0].File, "totals-1251.csv") {
				t.Errorf("problem %+v", row.Problems[0])
			}
			totals[row.Num] = row.Problems[0].Message
		default:
			t.Errorf("row %+v", row)
		}
	}
	if got := strings.Join(names, ", "); got != "ООО Альфа, ИП Березин, Сидорова Анна Петровна" {
		t.Errorf("records %s", got)
	}
	for line, word := range map[int]string{5: `"Итого"`, 6: `"Всего:"`, 7: `"Итого по Москве"`, 8: `"Итого:"`} {
		if !strings.Contains(totals[line], word) {
			t.Errorf("line %d: %q, want a row.total naming %s", line, totals[line], word)
		}
	}
	if len(totals) != 4 || len(info.Skipped) != 4 || info.Skipped[0] != (SkippedRow{5, "totals"}) || info.DataRows != 3 {
		t.Errorf("totals %v, skipped %+v, data rows %d", totals, info.Skipped, info.DataRows)
	}
}

func TestIsRowNumber(t *testing.T) {
	for s, want := range map[string]bool{"4": true, "4.": true, "№ 12": true, "12)": true, "Итого": false, "": false, "№": false, "4a": false} {
		if got := isRowNumber(s); got != want {
			t.Errorf("isRowNumber(%q) = %v", s, got)
		}
	}
}

// An image or other binary file named .csv is "not a text table": one
// line naming the file, none of its bytes.
func TestNotATextTable(t *testing.T) {
	var pngBytes bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	if err := png.Encode(&pngBytes, img); err != nil {
		t.Fatal(err)
	}
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(i*131 + i/7) // every byte value, zeros included
	}
	controls := []byte(strings.Repeat("ФИО;Телефон\x01\x02\x03\x04\x05\x06\x07\x08\n", 20))
	for _, tt := range []struct {
		name string
		data []byte
		what string
	}{
		{"logo.csv", pngBytes.Bytes(), "a PNG image"},
		{"dump.csv", binary, "binary data"},
		{"noise.csv", controls, "binary data"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, tt.data)
			_, err := Open(path, Options{})
			if !errors.Is(err, ErrNotText) {
				t.Fatalf("Open = %v, want ErrNotText", err)
			}
			if want := path + ": not a text table: " + tt.what; err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
	// Text with a stray control character, a DOS end-of-file mark, is text.
	path := writeFile(t, "dos.csv", []byte("ФИО;Телефон\r\nИванов;1\x0b2\r\n\x1a"))
	if _, rows := readRows(t, path, Options{}); len(rows) != 1 || rows[0].Record.Fields["name"] != "Иванов" {
		t.Errorf("rows %+v", rows)
	}
}

// Nothing is lost on the way in: for every text fixture, the data rows a
// person counts in it (the rows under the header that are not blank, a
// quoted field over several lines being one row) are the records plus the
// rows reported as row.* problems plus the skips reported otherwise.
func TestTextFixturesLoseNoRow(t *testing.T) {
	dataRows := map[string]int{
		"stray-quotes-1251.csv": 8,
		"mac-cr-1251.csv":       3,
		"mixed-endings.csv":     5,
		"name-only.csv":         3,
		"totals-1251.csv":       7,
	}
	files, err := filepath.Glob(filepath.Join("testdata", "text", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := dataRows[name]
			if !ok {
				t.Fatalf("say how many data rows %s holds", name)
			}
			info, rows := readRows(t, path, Options{})
			records, reported := 0, 0
			for _, row := range rows {
				if row.OK {
					records++
					continue
				}
				n := 0
				for _, p := range row.Problems {
					if strings.HasPrefix(p.Code, "row.") && p.Code != RowRagged && p.Row == row.Num {
						n++
					}
				}
				if n != 1 {
					t.Errorf("line %d is neither a record nor one row problem: %+v", row.Num, row.Problems)
				}
				reported += n
			}
			skips := 0
			for _, s := range info.Skipped {
				if s.Reason != "totals" { // totals come as row.total problems
					skips++
				}
			}
			if records+reported+skips != want {
				t.Errorf("%d data rows in, %d records + %d row problems + %d skips out", want, records, reported, skips)
			}
		})
	}
}
