package importers

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// BenchmarkReadXLSX streams a workbook through the importer. It reads the
// file named by CRMKIT_BENCH_XLSX (testdata/bench-import.sh makes one of a
// million rows), or a 20,000-row workbook it writes itself. Report rows/s
// from rows/op and ns/op; measure peak RSS with /usr/bin/time around the
// test binary (make bench does).
func BenchmarkReadXLSX(b *testing.B) {
	path := os.Getenv("CRMKIT_BENCH_XLSX")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.xlsx")
		writeBenchWorkbook(b, path, 20_000)
	}
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, err := range r.Records() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		b.ReportMetric(float64(n), "rows/op")
	}
}

// BenchmarkExcelizeRows reads the workbook BenchmarkReadXLSX reads with
// excelize's own row iterator alone (Rows, Columns), the floor the issue
// measures the importer against: make bench prints the two side by side.
func BenchmarkExcelizeRows(b *testing.B) {
	path := os.Getenv("CRMKIT_BENCH_XLSX")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.xlsx")
		writeBenchWorkbook(b, path, 20_000)
	}
	for b.Loop() {
		f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: unzipLimit})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows(f.GetSheetList()[0])
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		f.Close()
		b.ReportMetric(float64(n), "rows/op") // every row of the sheet, the header too
	}
}

func writeBenchWorkbook(b *testing.B, path string, rows int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"Код", "Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Адрес", "Город", "Менеджер", "Комментарий"})
	for i := 2; i <= rows+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{fmt.Sprintf("%08d", i), fmt.Sprintf("ООО «Клиент %d»", i), int64(7707083893), "773601001",
			int64(79160000000 + i), fmt.Sprintf("c%d@mail.example", i), "ул. Ленина, д. 1", "Москва", "Петров", ""})
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSheetRows reads the same generated sheet of 50,000 rows with
// excelize's row iterator (Next, GetRowOpts, Columns with raw values) and
// with the reader openXLSX gives the importer, which yields the same
// rows: "inline" is a sheet of inline strings as excelize's stream writer
// and 1C write it, "shared" one of shared strings as Excel writes it.
func BenchmarkSheetRows(b *testing.B) {
	dir := b.TempDir()
	inline := filepath.Join(dir, "inline.xlsx")
	writeBenchWorkbook(b, inline, 50_000)
	shared := filepath.Join(dir, "shared.xlsx")
	writeSharedStringsWorkbook(b, inline, shared)
	for _, path := range []string{inline, shared} {
		name := strings.TrimSuffix(filepath.Base(path), ".xlsx")
		b.Run(name+"/excelize", func(b *testing.B) {
			benchSheetRows(b, func() sheetCells {
				f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: unzipLimit})
				if err != nil {
					b.Fatal(err)
				}
				rows, err := f.Rows(f.GetSheetList()[0])
				if err != nil {
					b.Fatal(err)
				}
				return &excelizeCells{rows: rows, f: f}
			})
		})
		b.Run(name+"/crmkit", func(b *testing.B) {
			benchSheetRows(b, func() sheetCells {
				src, err := openXLSX(path, "", &Info{})
				if err != nil {
					b.Fatal(err)
				}
				return importerRows{src}
			})
		})
	}
}

func benchSheetRows(b *testing.B, open func() sheetCells) {
	rows := 0
	for b.Loop() {
		src := open()
		for {
			_, _, err := src.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		src.close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// writeSharedStringsWorkbook copies a workbook's first sheet into one that
// keeps its strings in the shared string table.
func writeSharedStringsWorkbook(b *testing.B, from, to string) {
	src, err := excelize.OpenFile(from)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	rows, err := src.GetRows(src.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		b.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &cells)
	}
	if err := f.SaveAs(to); err != nil {
		b.Fatal(err)
	}
}

// importerRows is the importer's row source seen as sheetCells.
type importerRows struct{ rowSource }

func (r importerRows) next() ([]string, bool, error) {
	cells, _, err := r.rowSource.next()
	return cells, false, err
}
