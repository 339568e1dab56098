package importers

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadText feeds arbitrary bytes through detection, decoding, header
// detection and row reading: errors are fine, panics and hangs are not, and
// every record must come from a row after the header.
func FuzzReadText(f *testing.F) {
	for _, s := range []string{
		"Наименование;ИНН;Телефон\nООО Ромашка;7707083893;8 495 123 45 67\n",
		"\xff\xfeН\x00а\x00и\x00\t\x00",
		"Отчёт\n\nФИО|Телефон\n\"Иванов\n Иван\"|89161234567\nИтого|\n",
		"Телефон,,\n,рабочий,мобильный\nx,1,2\n",
		"\"\"\"\n;;;\n\"",
		"\xef\xbb\xbfName,Phone\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path, Options{})
		if err != nil {
			return
		}
		defer r.Close()
		header := r.Info().HeaderRow
		for row, err := range r.Rows() {
			if err != nil {
				return
			}
			if row.OK && row.Num <= header {
				t.Fatalf("record from row %d, at or above the header row %d", row.Num, header)
			}
		}
	})
}

// FuzzHeaderRows checks the two-row header logic on arbitrary cells.
func FuzzHeaderRows(f *testing.F) {
	f.Add("Телефон", "", "рабочий", "мобильный")
	f.Add("Наименование", "ИНН", "ООО", "7707083893")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		top, sub := []string{a, b}, []string{c, d}
		combined := combineHeaders(top, sub)
		if len(combined) != 2 {
			t.Fatalf("combineHeaders(%q, %q) = %q", top, sub, combined)
		}
		looksLikeSubHeader(top, sub)
		for _, h := range combined {
			fieldFor(h, nil)
		}
		FoldHeader(a + b + c + d)
	})
}
