package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/xuri/excelize/v2"
)

// Column headers of the outputs; scripts rely on them.
var (
	CardColumns    = []string{"personal_id", "kind", "name", "last_name", "first_name", "middle_name", "org_name", "legal_form", "inn", "kpp", "phones", "emails", "address", "city", "org_id", "revenue", "abc_class"}
	LinkColumns    = []string{"personal_id", "source", "source_key", "file", "row"}
	ProblemColumns = []string{"file", "row", "field", "code", "severity", "message"}
)

// Table formats, chosen by the output file's extension.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
	FormatXLSX  = "xlsx"
	// FormatCSVRaw is CSV with every cell as it is: for machines (--raw).
	// FormatCSV keeps Excel from running a cell as a formula.
	FormatCSVRaw = "csv-raw"
)

// FormatOf names the table format of a file name; "-" (stdout) is CSV.
func FormatOf(path string) (string, error) {
	if path == "-" {
		return FormatCSV, nil
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		return FormatCSV, nil
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	case ".xlsx":
		return FormatXLSX, nil
	default:
		return "", fmt.Errorf("%s: unknown output format %q: use .csv, .jsonl or .xlsx", path, ext)
	}
}

// tableWriter takes a header, then rows.
type tableWriter interface {
	row(cells []string) error
	close() error
}

// Table writes rows of text under a header in one of the formats.
type Table struct{ w tableWriter }

// NewTable writes the header at once; Close finishes the file.
func NewTable(w io.Writer, format string, header []string) (*Table, error) {
	tw, err := newTableWriter(w, format, header)
	if err != nil {
		return nil, err
	}
	return &Table{tw}, nil
}

// NewCSVTable is NewTable for CSV (FormatCSV or FormatCSVRaw) with its own
// delimiter: a file written back as it was read (";" where Russian Excel
// saved it).
func NewCSVTable(w io.Writer, format string, header []string, comma rune) (*Table, error) {
	if format != FormatCSV && format != FormatCSVRaw {
		return NewTable(w, format, header)
	}
	cw := csv.NewWriter(w)
	cw.Comma = comma
	return &Table{&csvTable{w: cw, safe: format == FormatCSV}}, cw.Write(header)
}

// Row writes one row.
func (t *Table) Row(cells []string) error { return t.w.row(cells) }

// Close flushes what is buffered; an .xlsx is written here.
func (t *Table) Close() error { return t.w.close() }

func newTableWriter(w io.Writer, format string, header []string) (tableWriter, error) {
	switch format {
	case FormatCSV, FormatCSVRaw:
		cw := csv.NewWriter(w)
		return &csvTable{w: cw, safe: format == FormatCSV}, cw.Write(header)
	case FormatJSONL:
		return &jsonlTable{enc: json.NewEncoder(w), header: header}, nil
	case FormatXLSX:
		return newXLSXTable(w, header)
	}
	return nil, fmt.Errorf("unknown table format %q", format)
}

type csvTable struct {
	w    *csv.Writer
	safe bool
}

func (t *csvTable) row(cells []string) error {
	if t.safe {
		copied := false
		for i, c := range cells {
			if formulaLike(c) {
				if !copied { // the caller's slice stays as it was
					cells, copied = append([]string(nil), cells...), true
				}
				cells[i] = "'" + c
			}
		}
	}
	return t.w.Write(cells)
}

// formulaLike: a cell Excel would run as a formula (OWASP's CSV
// injection): one that starts with =, @, a tab or a carriage return, or
// with + or - followed by anything but a number ("+74951234567" and
// "-1000" stay as they are).
func formulaLike(c string) bool {
	if c == "" {
		return false
	}
	switch c[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		_, err := strconv.ParseFloat(strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(c[1:]), 64)
		return len(c) > 1 && err != nil
	}
	return false
}
func (t *csvTable) close() error { t.w.Flush(); return t.w.Error() }

type jsonlTable struct {
	enc    *json.Encoder
	header []string
}

func (t *jsonlTable) row(cells []string) error {
	obj := make(map[string]string, len(cells))
	for i, c := range cells {
		obj[t.header[i]] = c
	}
	return t.enc.Encode(obj)
}
func (t *jsonlTable) close() error { return nil }

// xlsxTable streams rows into one sheet; every cell is text, so that INNs
// and phones keep their digits in Excel.
type xlsxTable struct {
	out io.Writer
	f   *excelize.File
	sw  *excelize.StreamWriter
	n   int
}

func newXLSXTable(w io.Writer, header []string) (*xlsxTable, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	t := &xlsxTable{out: w, f: f, sw: sw}
	return t, t.row(header)
}

func (t *xlsxTable) row(cells []string) error {
	t.n++
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
	}
	cell, err := excelize.CoordinatesToCellName(1, t.n)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, vals)
}

func (t *xlsxTable) close() error {
	if err := t.sw.Flush(); err != nil {
		return err
	}
	_, err := t.f.WriteTo(t.out)
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteCards writes one row per card; phones (E.164, "доб." before an
// extension) and e-mails are joined with "; ".
func WriteCards(w io.Writer, format string, cards iter.Seq2[crmkit.Card, error]) (int, error) {
	return writeTable(w, format, CardColumns, cards, func(c crmkit.Card) []string {
		return []string{c.PersonalID, string(c.Kind), c.Name, c.LastName, c.FirstName, c.MiddleName, c.OrgName,
			c.LegalForm, c.INN, c.KPP, strings.Join(c.PhoneList(), "; "), strings.Join(c.EmailList(), "; "), c.Address, c.City, c.OrgID, c.Revenue, c.ABCClass}
	})
}

// WriteLinks writes personal_id,source,source_key,file,row.
func WriteLinks(w io.Writer, format string, links iter.Seq2[crmkit.Link, error]) (int, error) {
	return writeTable(w, format, LinkColumns, links, func(l crmkit.Link) []string {
		return []string{l.PersonalID, l.Source, l.SourceKey, l.File, strconv.Itoa(l.Row)}
	})
}

// WriteProblems writes one row per problem.
func WriteProblems(w io.Writer, format string, problems iter.Seq2[crmkit.Problem, error]) (int, error) {
	return writeTable(w, format, ProblemColumns, problems, func(p crmkit.Problem) []string {
		return []string{p.File, strconv.Itoa(p.Row), p.Field, p.Code, string(p.Severity), p.Message}
	})
}

func writeTable[T any](w io.Writer, format string, header []string, rows iter.Seq2[T, error], line func(T) []string) (int, error) {
	tw, err := newTableWriter(w, format, header)
	if err != nil {
		return 0, err
	}
	n := 0
	for v, err := range rows {
		if err != nil {
			return n, err
		}
		if err := tw.row(line(v)); err != nil {
			return n, err
		}
		n++
	}
	if err := tw.close(); err != nil {
		return n, fmt.Errorf("write %s: %w", format, err)
	}
	return n, nil
}

// Slice turns a slice into the stream the writers take.
func Slice[T any](s []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// RowColumns are the columns of rows.csv: every input row and its customer.
var RowColumns = []string{"file", "row", "source", "source_key", "personal_id"}

// WriteRows writes one line per input row: its file, row, source record
// and customer.
func WriteRows(w io.Writer, format string, rows iter.Seq2[crmkit.Link, error]) (int, error) {
	return writeTable(w, format, RowColumns, rows, func(l crmkit.Link) []string {
		return []string{l.File, strconv.Itoa(l.Row), l.Source, l.SourceKey, l.PersonalID}
	})
}
