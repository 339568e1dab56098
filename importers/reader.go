// Package importers reads customer tables from source files: it detects the
// format from the bytes, the text encoding and delimiter, finds the header
// row under title rows, maps columns to canonical fields and yields one
// crmkit.Record per data row as a stream. It never normalises values and
// never holds a whole file in memory.
package importers

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode"

	"github.com/crmkit/crmkit"
)

// Options say how to read one file.
type Options struct {
	Source    string            // source system name stored with every record
	Map       map[string]string // header → canonical field (or Skip); wins over synonyms
	Constants map[string]string // canonical field → value for every record that has none
	Sheet     string            // workbook sheet by name or 1-based number; "" is the first visible sheet
	Encoding  string            // text files: override detection (utf-8, utf-16le, utf-16be, windows-1251, koi8-r, cp866, x-mac-cyrillic)
	Delimiter string            // text files: override detection (";", ",", "tab", "|")
}

// Info is what the reader understood of a file. The header part is known
// after Open; the counts grow while rows are read.
type Info struct {
	Format             string       `json:"format"`                        // "xlsx", "csv"
	Encoding           string       `json:"encoding,omitempty"`            // text files
	EncodingConfidence float64      `json:"encoding_confidence,omitempty"` // 0…1
	Delimiter          string       `json:"delimiter,omitempty"`           // text files
	Sheet              string       `json:"sheet,omitempty"`               // workbooks
	Sheets             []string     `json:"sheets,omitempty"`              // every sheet of the workbook
	HeaderRow          int          `json:"header_row"`                    // row or line number of the header, 1-based
	HeaderRows         int          `json:"header_rows"`                   // 2 when a second header row names sub-columns
	Columns            []Column     `json:"columns"`
	DataRows           int          `json:"data_rows"`
	Skipped            []SkippedRow `json:"skipped,omitempty"`
	HiddenRows         int          `json:"hidden_rows,omitempty"`    // workbook rows hidden in Excel, read all the same
	HiddenColumns      []string     `json:"hidden_columns,omitempty"` // headers of columns hidden in Excel, read all the same
	RaggedRows         int          `json:"ragged_rows,omitempty"`    // rows with cells beyond the header
	BadRows            int          `json:"bad_rows,omitempty"`       // rows that could not be read (each a Problem)
}

// SkippedRow is a row that is not a record, and why.
type SkippedRow struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"` // "totals" or "group"
}

// Errors a caller may tell apart.
var (
	ErrNoHeader    = errors.New("no header row found")
	ErrUnsupported = errors.New("unsupported file format")
	ErrEncrypted   = errors.New("password-protected workbook")
	ErrEmpty       = errors.New("no rows")
	ErrNotText     = errors.New("not a text table") // binary data, an image, an archive: read as text it would be garbage
	ErrNotWorkbook = errors.New("not a workbook")   // a zip that holds no workbook
	ErrTooLarge    = errors.New("too large")        // a workbook that would unpack past the limit
)

// Problem codes of rows.
const (
	RowUnreadable = "row.unreadable" // the row could not be read; the rest of the file is
	RowRagged     = "row.ragged"     // cells beyond the last header column, kept in Extra
	RowTotal      = "row.total"      // a totals row ("Итого", "Всего"), not a customer: skipped
	RowGroup      = "row.group"      // a group row of a workbook's hierarchical list, not a customer: skipped
)

// headerScanRows is how far below the top a header row may sit.
const headerScanRows = 20

// rowSource yields the cells of a table one row at a time with the row
// number a person would look for; io.EOF ends it. A *rowError is one bad
// row: the source can go on.
type rowSource interface {
	next() (cells []string, row int, err error)
	close() error
}

// rowError is a row the source could not read but could step over.
type rowError struct{ err error }

func (e *rowError) Error() string { return e.err.Error() }
func (e *rowError) Unwrap() error { return e.err }

// Reader streams the rows of one table.
type Reader struct {
	path    string
	opt     Options
	info    Info
	src     rowSource
	pending [][]string // rows read while looking for the header, after it
	pendRow []int
	pendErr []error // a *rowError where that row could not be read
	nameCol int     // index of the name column, -1 when none
}

// Open detects the file's format, finds its header and returns a reader
// positioned at the first data row.
func Open(path string, opt Options) (*Reader, error) {
	format, err := detect(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{path: path, opt: opt, info: Info{Format: format}}
	switch format {
	case FormatXLSX:
		r.src, err = openXLSX(path, opt.Sheet, &r.info)
	case FormatText:
		r.info.Format = "csv"
		r.src, err = openText(path, opt, &r.info)
	default:
		err = fmt.Errorf("%s: %w here: a 1C exchange file (%s) is not a table; inspect, import and dedupe read it", path, ErrUnsupported, format)
	}
	if err != nil {
		return nil, err
	}
	if err := r.findHeader(); err != nil {
		r.src.close()
		return nil, err
	}
	if format == FormatXLSX {
		for _, c := range hiddenColumns(path, r.info.Sheet) {
			h := fmt.Sprintf("column %d", c+1)
			if c < len(r.info.Columns) && r.info.Columns[c].Header != "" {
				h = r.info.Columns[c].Header
			}
			r.info.HiddenColumns = append(r.info.HiddenColumns, h)
		}
	}
	return r, nil
}

// DataRows is how many data rows were read so far.
func (r *Reader) DataRows() int { return r.info.DataRows }

// Info returns what was detected and counted so far.
func (r *Reader) Info() Info { return r.info }

// Close releases the file.
func (r *Reader) Close() error { return r.src.close() }

// Row is one data row: its cells as read and the record made of them, or
// the problems that kept it from being one.
type Row struct {
	Num      int // the row or line number a person would look for
	Cells    []string
	Record   crmkit.Record
	OK       bool             // Record holds a record
	Problems []crmkit.Problem // a bad or ragged row
}

// Rows yields every data row; empty rows are passed over and totals and
// grouping rows are counted in Info.Skipped. A totals or group row comes as
// a Row that is not OK, with a RowTotal or RowGroup problem. An error ends the stream; it
// names the file and the row.
func (r *Reader) Rows() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for {
			var cells []string
			var n int
			var err error
			if len(r.pending) > 0 {
				cells, n, err = r.pending[0], r.pendRow[0], r.pendErr[0]
				r.pending, r.pendRow, r.pendErr = r.pending[1:], r.pendRow[1:], r.pendErr[1:]
			} else {
				cells, n, err = r.src.next()
			}
			var re *rowError
			switch {
			case err == io.EOF:
				return
			case errors.As(err, &re):
				r.info.BadRows++
				p := r.problem(n, RowUnreadable, crmkit.SeverityError, "row could not be read: %v", re.err)
				if !yield(Row{Num: n, Problems: []crmkit.Problem{p}}, nil) {
					return
				}
				continue
			case err != nil:
				yield(Row{}, fmt.Errorf("read %s after row %d: %w", r.path, n, err))
				return
			}
			if reason, look := r.skipReason(cells, n); reason != "" {
				if reason == "empty" {
					continue
				}
				r.info.Skipped = append(r.info.Skipped, SkippedRow{Row: n, Reason: reason})
				// A skipped row is said out loud, with its row and why: a name
				// column reading "Итого" would otherwise be a customer, and a
				// group row is told only by how the sheet shows it.
				var p crmkit.Problem
				if reason == "totals" {
					p = r.problem(n, RowTotal, crmkit.SeverityWarning, "a totals row (%q), not a customer: skipped", r.totalsCell(cells))
				} else {
					p = r.problem(n, RowGroup, crmkit.SeverityWarning, "a group row (%q, the only cell filled, %s), not a customer: skipped", strings.TrimSpace(cells[lastNonEmpty(cells)]), describeLook(look))
				}
				if !yield(Row{Num: n, Cells: cells, Problems: []crmkit.Problem{p}}, nil) {
					return
				}
				continue
			}
			row := Row{Num: n, Cells: cells, Record: r.record(cells, n), OK: true}
			if last := lastNonEmpty(cells); last >= len(r.info.Columns) {
				r.info.RaggedRows++
				row.Problems = append(row.Problems, r.problem(n, RowRagged, crmkit.SeverityWarning,
					"%d cells, the header has %d columns; the extra cells are kept unmapped", last+1, len(r.info.Columns)))
			}
			r.info.DataRows++
			if !yield(row, nil) {
				return
			}
		}
	}
}

// Records yields the records of the table; bad rows are left out.
func (r *Reader) Records() iter.Seq2[crmkit.Record, error] {
	return func(yield func(crmkit.Record, error) bool) {
		for row, err := range r.Rows() {
			if err != nil {
				yield(crmkit.Record{}, err)
				return
			}
			if row.OK && !yield(row.Record, nil) {
				return
			}
		}
	}
}

func (r *Reader) problem(row int, code string, sev crmkit.Severity, format string, args ...any) crmkit.Problem {
	file := r.path
	if r.info.Sheet != "" {
		file += " [" + r.info.Sheet + "]"
	}
	return crmkit.Problem{File: file, Row: row, Code: code, Severity: sev, Message: fmt.Sprintf(format, args...)}
}

func lastNonEmpty(cells []string) int {
	for i := len(cells) - 1; i >= 0; i-- {
		if strings.TrimSpace(cells[i]) != "" {
			return i
		}
	}
	return -1
}

// skipReason tells rows that are not records: empty ones, totals
// ("Итого", "Всего", also numbered: "4;Итого;…") and the group rows of 1C
// hierarchical lists in a workbook: a group name alone in the first or
// name column of a row the sheet shows as a group (look says how). A
// name alone on a plain row, and any row of a text file, is a contact
// person without a phone, and is read.
func (r *Reader) skipReason(cells []string, row int) (reason, look string) {
	filled, at := 0, -1
	for i, c := range cells {
		if strings.TrimSpace(c) != "" {
			filled++
			if at < 0 {
				at = i
			}
		}
	}
	switch {
	case filled == 0:
		return "empty", ""
	case r.totalsCell(cells) != "":
		return "totals", ""
	case filled == 1 && (at == 0 || at == r.nameCol) && looksLikeText(cells[at]):
		if g, ok := r.src.(groupShower); ok {
			if look := g.groupLook(row, at, len(r.info.Columns)); look != "" {
				return "group", look
			}
		}
	}
	return "", ""
}

func describeLook(look string) string {
	switch look {
	case "outline":
		return "heading an outline group"
	case "merged":
		return "merged across the table"
	}
	return "in " + look
}

// groupShower is a row source whose file can show a row as a group row
// (a workbook); look is how it shows it ("bold", "merged", "outline"), ""
// for a plain row.
type groupShower interface {
	groupLook(row, col, width int) (look string)
}

// totalsCell is the cell that makes a row a totals row: the name column
// or the first cell that is not a number, when it says "Итого" or
// "Всего"; a row number ("4", "4.", "№ 4") before it does not hide it.
// "" for any other row.
func (r *Reader) totalsCell(cells []string) string {
	if r.nameCol >= 0 && r.nameCol < len(cells) && isTotals(cells[r.nameCol]) {
		return strings.TrimSpace(cells[r.nameCol])
	}
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" || isRowNumber(c) {
			continue
		}
		if isTotals(c) {
			return c
		}
		return ""
	}
	return ""
}

// isRowNumber: digits with at most the signs a numbering carries.
func isRowNumber(s string) bool {
	digits := 0
	for _, c := range s {
		switch {
		case unicode.IsDigit(c):
			digits++
		case strings.ContainsRune(" .№#)", c):
		default:
			return false
		}
	}
	return digits > 0
}

func isTotals(cell string) bool {
	// Most cells begin with another letter: they are not folded (folding
	// every row's first cell was a fifth of reading a big workbook).
	for _, c := range cell {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			if c = unicode.ToLower(c); c != 'и' && c != 'в' && c != 't' && c != 'g' {
				return false
			}
			break
		}
	}
	f := FoldHeader(cell)
	for _, w := range []string{"итого", "итог", "всего", "total", "grand total"} {
		if f == w || strings.HasPrefix(f, w+" ") {
			return true
		}
	}
	return false
}

// looksLikeText: no run of digits a phone or INN would have, no e-mail.
func looksLikeText(s string) bool {
	digits := 0
	for _, c := range s {
		if unicode.IsDigit(c) {
			digits++
		}
	}
	return digits < 5 && !strings.Contains(s, "@")
}

func (r *Reader) record(cells []string, row int) crmkit.Record {
	rec := crmkit.Record{Source: r.opt.Source, File: r.path, Row: row, Fields: map[string]string{}}
	for i, raw := range cells {
		v := strings.TrimSpace(raw)
		if v == "" {
			continue
		}
		var col Column
		if i < len(r.info.Columns) {
			col = r.info.Columns[i]
		}
		switch {
		case col.Field == Skip:
		case col.Field == "":
			name := col.Header
			if name == "" {
				name = "column " + strconv.Itoa(i+1)
			}
			rec.Extra = withExtra(rec.Extra, name, v)
		case col.Field == crmkit.FieldPhone && col.Label != "":
			// "Телефон мобильный" → "мобильный: 8 916 …": the cleanser
			// reads the number's kind from the words before it.
			appendValue(rec.Fields, col.Field, col.Label+": "+v)
		case rec.Fields[col.Field] == "" || multiValued(col.Field):
			appendValue(rec.Fields, col.Field, v)
		case col.Rule == RuleMap:
			// Several columns the user mapped to one field are its parts:
			// "street_number", "address_1", "address_2" → one address.
			rec.Fields[col.Field] += " " + v
		default:
			// A second column of a single-valued field is kept, not lost.
			rec.Extra = withExtra(rec.Extra, col.Header, v)
		}
	}
	for f, v := range r.opt.Constants {
		if rec.Fields[f] == "" {
			rec.Fields[f] = v
		}
	}
	rec.Key = rec.Fields[crmkit.FieldSourceID]
	return rec
}

func appendValue(fields map[string]string, field, v string) {
	if fields[field] != "" {
		v = fields[field] + "; " + v
	}
	fields[field] = v
}

func withExtra(extra map[string]string, k, v string) map[string]string {
	if extra == nil {
		extra = map[string]string{}
	}
	extra[k] = v
	return extra
}
