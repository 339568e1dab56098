package importers

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzXLSXSheet puts fuzzed text, as written into the XML (entities,
// CDATA, markup and bytes that are no XML at all), into a cell value, an
// inline and a shared string, a cell reference, a cell type and a row's
// attributes, and reads the sheet both ways: the stream must give what
// excelize gives, or an error only where encoding/xml rejects the XML.
func FuzzXLSXSheet(f *testing.F) {
	f.Add("1", "Иванов", "B1")
	f.Add("&lt;a&gt; &#x401;", "_x0041_ &amp;", "inlineStr")
	f.Add("<![CDATA[x]]>", "<r><t>a</t></r>", "s")
	f.Add("a\r\nb", "\t", "1")
	f.Add("7.9161234567E+10", "", "str")
	f.Add("&bogus;", "<b>x</b>", "$A$1")
	f.Add("\xff", "]]>", "XFD1048576")
	f.Fuzz(func(t *testing.T, value, text, attr string) {
		q := strings.NewReplacer(`"`, "&quot;").Replace(attr) // keep the attribute's quotes
		rows := `<row r="1"><c r="A1" t="str"><v>` + value + `</v></c>` +
			`<c r="B1" t="inlineStr"><is><t>` + text + `</t></is></c>` +
			`<c r="C1" t="s"><v>0</v></c><c r="` + q + `" t="` + q + `"><v>` + value + `</v></c></row>` +
			`<row r="2" hidden="` + q + `" outlineLevel="` + q + `"><c t="` + q + `"><v>` + value + `</v></c>` +
			`<c t="inlineStr"><is><r><t>` + text + `</t></r><r><t>` + value + `</t></r></is></c></row>` +
			`<row r="` + q + `"><c><v>3</v></c></row><row><c t="s"><v>` + value + `</v></c></row>`
		sst := `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<si><t>` + text + `</t></si><si><r><t>` + value + `</t></r></si></sst>`
		path := filepath.Join(t.TempDir(), "fuzz.xlsx")
		workbookWithSheetXML(t, path, sheetHead+rows+sheetTail, sst)
		compareSheets(t, path)
	})
}
