package importers

import (
	"fmt"
	"os"
	"path/filepath"
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
