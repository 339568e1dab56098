package export

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// A CSV cell Excel would run as a formula gets a leading ' (OWASP's advice
// against CSV injection); numbers, E.164 phones and ordinary text stay as
// they are; --raw (FormatCSVRaw) writes every cell as it is.
func TestCSVIsSafeForExcel(t *testing.T) {
	cells := []string{`=HYPERLINK("http://evil.example","x")`, "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\tTAB",
		"+74951234567", "-1000", "-1 000,50", "+7 916 123 45 67", "Иванов", "ООО «=Ромашка»", "", "-"}
	want := []string{`'=HYPERLINK("http://evil.example","x")`, "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", "'\tTAB",
		"+74951234567", "-1000", "-1 000,50", "+7 916 123 45 67", "Иванов", "ООО «=Ромашка»", "", "-"}
	for _, format := range []string{FormatCSV, FormatCSVRaw} {
		var buf bytes.Buffer
		tw, err := NewTable(&buf, format, make([]string, len(cells)))
		if err != nil {
			t.Fatal(err)
		}
		in := append([]string(nil), cells...)
		if err := tw.Row(in); err != nil {
			t.Fatal(err)
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		for i := range in {
			if in[i] != cells[i] {
				t.Fatalf("the caller's row changed: %q", in[i])
			}
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("%s: %v %v", format, err, rows)
		}
		expect := want
		if format == FormatCSVRaw {
			expect = cells
		}
		for i, c := range rows[1] {
			if c != expect[i] {
				t.Errorf("%s: cell %d = %q, want %q", format, i, c, expect[i])
			}
		}
	}
}
