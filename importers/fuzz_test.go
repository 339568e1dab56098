package importers

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
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
		// Stray quotes (Windows-1251), quoted fields over lines, one never closed.
		"\xcd\xe0\xe8\xec\xe5\xed\xee\xe2\xe0\xed\xe8\xe5;\xc8\xcd\xcd\r\n\"\xc2\xe5\xea\xf2\xee\xf0\" \xce\xce\xce;1\r\n\"a\r\nb\";\"\"\"c\"\"\"\r\n\"open;2\r\nx;3\r\n",
		// CR only, mixed line ends, a numbered totals row.
		"ФИО;Телефон\rИванов;1\r\"a\rb\";2\r\n4;Итого;\nПетров\r",
		"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
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
		header, last := r.Info().HeaderRow, 0
		for row, err := range r.Rows() {
			if err != nil {
				return
			}
			if row.OK && row.Num <= header {
				t.Fatalf("record from row %d, at or above the header row %d", row.Num, header)
			}
			if row.Num <= last {
				t.Fatalf("row %d after row %d", row.Num, last)
			}
			last = row.Num
			if !row.OK && (len(row.Problems) == 0 || !strings.HasPrefix(row.Problems[0].Code, "row.")) {
				t.Fatalf("row %d is neither a record nor a row problem: %+v", row.Num, row.Problems)
			}
		}
	})
}

// FuzzDelimitedFields writes fields as encoding/csv quotes them, with each
// kind of line end, and reads them back: whatever the fields hold, they come
// back as written (a line break inside a field as "\n").
func FuzzDelimitedFields(f *testing.F) {
	f.Add("\"Вектор-Центр\" ООО", "a\r\nb", "", uint8(0))
	f.Add("x\"", "\"\"", ";", uint8(1))
	f.Add("\r", "a\rb", "\n\n", uint8(2))
	f.Fuzz(func(t *testing.T, a, b, c string, end uint8) {
		fields := []string{a, b, c}
		for _, s := range fields {
			if !utf8.ValidString(s) || strings.Count(s, "\n")+strings.Count(s, "\r") >= maxQuotedLines {
				return // a quoted field over more lines is read as text, by design
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = ';'
		w.UseCRLF = end%3 == 1
		w.Write(fields)
		w.Write([]string{"next", "row", "here"})
		w.Flush()
		text := buf.String()
		if end%3 == 2 { // Excel for Mac: CR only
			text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\r"), "\n", "\r")
		}
		d := newDelimitedReader(strings.NewReader(text), ';')
		got, _, err := d.record()
		if err != nil {
			t.Fatalf("read %q: %v", text, err)
		}
		for i := range fields {
			if w.UseCRLF { // the writer drops a CR, as it writes each LF as CRLF
				fields[i] = strings.ReplaceAll(fields[i], "\r", "")
			}
			fields[i] = strings.ReplaceAll(strings.ReplaceAll(fields[i], "\r\n", "\n"), "\r", "\n")
		}
		if len(got) != 3 || got[0] != fields[0] || got[1] != fields[1] || got[2] != fields[2] {
			t.Fatalf("read %q as %q, want %q", text, got, fields)
		}
		next, _, err := d.record()
		if err != nil || strings.Join(next, "|") != "next|row|here" {
			t.Fatalf("read %q: the next row is %q, %v", text, next, err)
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
