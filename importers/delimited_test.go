package importers

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"golang.org/x/text/encoding/charmap"
)

// readRecords splits text with the delimited reader: each record as its
// fields joined by "|", after its line number.
func readRecords(t *testing.T, text string) []string {
	t.Helper()
	d := newDelimitedReader(strings.NewReader(text), ';')
	var out []string
	for {
		rec, line, err := d.record()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("record after %v: %v", out, err)
			}
			return out
		}
		out = append(out, fmt.Sprintf("%d:%s", line, strings.Join(rec, "|")))
	}
}

// How fields and lines are read: quoted as Excel writes them, quotes that
// do not make a quoted field as text, any line end.
func TestDelimitedFields(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"plain", "a;b;c\nd;e;f\n", "1:a|b|c 2:d|e|f"},
		{"quoted delimiter", `"a;b";c` + "\n", "1:a;b|c"},
		{"doubled quotes", `"ООО ""Альфа""";x`, `1:ООО "Альфа"|x`},
		{"empty quoted", `"";"";x`, "1:||x"},
		{"quote inside a field", `ООО "Ромашка";x`, `1:ООО "Ромашка"|x`},
		{"stray opening quote", `"Вектор-Центр" ООО;7701` + "\r\nОмега;7702\r\n", `1:"Вектор-Центр" ООО|7701 2:Омега|7702`},
		{"stray quote at the end", `x;"Вектор" ООО`, `1:x|"Вектор" ООО`},
		{"doubled then text", `""Сигма"" ЗАО;1`, `1:""Сигма"" ЗАО|1`},
		{"embedded CRLF", "\"8 495\r\nдоб. 12\";x\r\ny;z\r\n", "1:8 495\nдоб. 12|x 3:y|z"},
		{"embedded LF, field after", "\"a\nb\";c;\"d\"\ne", "1:a\nb|c|d 3:e"},
		{"never closed", "\"не закрыта;1\nОмега;2\n", "1:\"не закрыта|1 2:Омега|2"},
		{"closed after a line, then a stray quote", "\"a\nb\" c;1\nd;2", "1:\"a 2:b\" c|1 3:d|2"},
		{"quote at end of file", `a;"b"`, "1:a|b"},
		{"CR only", "a;b\rc;d\r", "1:a|b 2:c|d"},
		{"CR inside quotes", "\"a\rb\";c\rd", "1:a\nb|c 3:d"},
		{"mixed", "a\r\nb\nc\rd", "1:a 2:b 3:c 4:d"},
		{"blank lines counted", "a\r\n\r\nb\r\r\nc", "1:a 2: 3:b 4: 5:c"},
		{"trailing delimiter", "a;\n", "1:a|"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(readRecords(t, tt.in), " ")
			if got != tt.want {
				t.Errorf("read %q\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// A quote that opens a field and never closes costs a bounded look-ahead:
// the lines after it are read as rows of their own.
func TestDelimitedUnclosedQuoteLookAheadIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("\"открыта;1\n")
	for i := range 3 * maxQuotedLines {
		fmt.Fprintf(&b, "Клиент %d;%d\n", i, i)
	}
	recs := readRecords(t, b.String())
	if len(recs) != 3*maxQuotedLines+1 || recs[0] != "1:\"открыта|1" || recs[len(recs)-1] != fmt.Sprintf("%d:Клиент %d|%d", 3*maxQuotedLines+1, 3*maxQuotedLines-1, 3*maxQuotedLines-1) {
		t.Errorf("%d records: %q … %q", len(recs), recs[0], recs[len(recs)-1])
	}
}

// An old CRM's Windows-1251 export: 1,102 rows, 15 of them with a name
// that starts with a quoted part ("Вектор-Центр" ООО). Every row is a
// record, with the name as written.
func TestStrayQuotesLoseNoRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("Наименование;ИНН;Телефон;Комментарий\r\n")
	stray := 0
	for i := range 1102 {
		name := fmt.Sprintf("ООО Клиент %d", i)
		if i%74 == 5 {
			name = fmt.Sprintf(`"Вектор-Центр %d" ООО`, i)
			stray++
		}
		comment := ""
		if i%97 == 0 {
			comment = "\"звонить\r\nпосле 12:00; не в пятницу\"" // a proper quoted field over two lines
		}
		fmt.Fprintf(&b, "%s;77%08d;8 495 %07d;%s\r\n", name, i, i, comment)
	}
	if stray != 15 {
		t.Fatalf("fixture has %d stray quotes, want 15", stray)
	}
	enc, err := charmap.Windows1251.NewEncoder().String(b.String())
	if err != nil {
		t.Fatal(err)
	}
	info, rows := readRows(t, writeFile(t, "crm.csv", []byte(enc)), Options{})
	if info.Encoding != "windows-1251" || len(rows) != 1102 || info.DataRows != 1102 {
		t.Fatalf("%s: %d rows, %d data rows; want 1102", info.Encoding, len(rows), info.DataRows)
	}
	line := 2
	for i, row := range rows {
		if !row.OK || len(row.Problems) > 0 || row.Num != line {
			t.Fatalf("row %d: %+v, want a clean record from line %d", i, row, line)
		}
		if i%74 == 5 && row.Record.Fields["name"] != fmt.Sprintf(`"Вектор-Центр %d" ООО`, i) {
			t.Errorf("line %d: name %q", row.Num, row.Record.Fields["name"])
		}
		if i%97 == 0 && row.Record.Fields["comment"] != "звонить\nпосле 12:00; не в пятницу" {
			t.Errorf("line %d: comment %q", row.Num, row.Record.Fields["comment"])
		}
		line++
		if i%97 == 0 {
			line++
		}
	}
}

// The fixture mixes stray quotes with quoted fields that hold "" and line
// breaks, and one quote that never closes.
func TestStrayQuotesFixture(t *testing.T) {
	info, rows := readRows(t, filepath.Join("testdata", "text", "stray-quotes-1251.csv"), Options{})
	if info.Encoding != "windows-1251" || info.HeaderRow != 2 {
		t.Errorf("info %+v", info)
	}
	want := []struct {
		line                 int
		name, phone, comment string
	}{
		{3, `"Вектор-Центр" ООО`, "8 495 111 22 33", ""},
		{4, `ООО "Ромашка"`, "8 495 222 33 44", ""},
		{5, `ООО "Альфа"`, "8 495 333 44 55\nдоб. 12", ""},
		{7, `"Бета" ИП Петров`, "8 916 444 55 66", `Звонить "после обеда"`},
		{8, "Гамма-Сервис", "", "многострочный\nкомментарий; с разделителем"},
		{10, `"Дельта" АО`, "8 495 555 66 77", `"не закрыта`},
		{11, "Омега ООО", "8 495 666 77 88", ""},
		{12, `""Сигма"" ЗАО`, "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		f := r.Record.Fields
		if !r.OK || r.Num != w.line || f["name"] != w.name || f["phone"] != w.phone || f["comment"] != w.comment {
			t.Errorf("row %d: line %d %q, want line %d name %q phone %q comment %q", i, r.Num, f, w.line, w.name, w.phone, w.comment)
		}
	}
}

// A line too long to hold is a row.unreadable problem with its line
// number; the lines after it are read.
func TestLineTooLongIsUnreadable(t *testing.T) {
	text := "ФИО;Телефон\nИванов;1\nПетров;" + strings.Repeat("9", maxLineBytes+10) + "\nСидоров;3\n"
	_, rows := readRows(t, writeFile(t, "long.csv", []byte(text)), Options{})
	if len(rows) != 3 || !rows[0].OK || rows[1].OK || !rows[2].OK || rows[2].Num != 4 {
		t.Fatalf("rows %v", len(rows))
	}
	p := rows[1].Problems
	if len(p) != 1 || p[0].Code != RowUnreadable || p[0].Row != 3 || p[0].Severity != crmkit.SeverityError || !strings.Contains(p[0].File, "long.csv") {
		t.Errorf("problems %+v", p)
	}
}

// Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR; files edited
// on several systems mix CRLF, LF and CR.
func TestLineEndings(t *testing.T) {
	type rec struct {
		line        int
		name, phone string
	}
	for _, tt := range []struct {
		file, encoding string
		want           []rec
	}{
		{"mac-cr-1251.csv", "windows-1251", []rec{
			{2, "ООО Ромашка и партнёры", "8 495 123 45 67"},
			{3, "Иванов Иван Иванович", "8 916 765 43 21\n(мобильный)"},
			{6, "Петрова Анна", ""},
		}},
		{"mixed-endings.csv", "utf-8-bom", []rec{
			{2, "Сидоров Пётр", "8 903 111 22 33"},
			{3, "Кузнецова Ольга", ""},
			{4, "Смирнов Алексей", "8 905 222 33 44"},
			{5, "Орлова, Мария", ""},
			{6, "Волков Игорь", "8 906 333 44 55"},
		}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			info, rows := readRows(t, filepath.Join("testdata", "text", tt.file), Options{})
			if info.Encoding != tt.encoding || info.HeaderRow != 1 || info.DataRows != len(tt.want) {
				t.Errorf("info %+v", info)
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("%d rows, want %d", len(rows), len(tt.want))
			}
			for i, w := range tt.want {
				f := rows[i].Record.Fields
				if !rows[i].OK || rows[i].Num != w.line || f["name"] != w.name || f["phone"] != w.phone {
					t.Errorf("row %d: line %d %q, want line %d %q %q", i, rows[i].Num, f, w.line, w.name, w.phone)
				}
			}
		})
	}
	// Written here too, so the bytes are beyond doubt: CR only, no LF at all.
	path := writeFile(t, "mac.csv", []byte("Name,Phone\rAnna,1\rBoris,2\r"))
	if info, rows := readRows(t, path, Options{}); info.Delimiter != "," || len(rows) != 2 || rows[1].Num != 3 || rows[1].Record.Fields["name"] != "Boris" {
		t.Errorf("CR-only: %+v %+v", info, rows)
	}
}
