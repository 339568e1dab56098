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

	"github.com/crmkit/crmkit"
)

// Options say how to read one file.
type Options struct {
	Source string            // source system name stored with every record
	Map    map[string]string // header → canonical field (or Skip); wins over synonyms
	Sheet  string            // workbook sheet; "" is the first visible sheet
}

// Info is what the reader understood of a file before reading its rows.
type Info struct {
	Format    string // "xlsx", "csv"
	Encoding  string // text files: "utf-8", "utf-8-bom", "windows-1251", …
	Delimiter string // text files
	Sheet     string // workbooks
	HeaderRow int    // the row or line number of the header, 1-based
	Columns   []Column
}

// Errors a caller may tell apart.
var (
	ErrNoHeader    = errors.New("no header row found")
	ErrUnsupported = errors.New("unsupported file format")
)

// headerScanRows is how far below the top a header row may sit.
const headerScanRows = 20

// rowSource yields the cells of a table one row at a time with the row
// number a person would look for; io.EOF ends it.
type rowSource interface {
	next() (cells []string, row int, err error)
	close() error
}

// Reader streams the records of one file.
type Reader struct {
	path    string
	opt     Options
	info    Info
	src     rowSource
	pending [][]string // rows read while looking for the header, after it
	pendRow []int
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
	case "xlsx":
		r.src, err = openXLSX(path, opt.Sheet, &r.info)
	case "text":
		r.info.Format = "csv"
		r.src, err = openText(path, &r.info)
	}
	if err != nil {
		return nil, err
	}
	if err := r.findHeader(); err != nil {
		r.src.close()
		return nil, err
	}
	return r, nil
}

// Info returns what was detected.
func (r *Reader) Info() Info { return r.info }

// Close releases the file.
func (r *Reader) Close() error { return r.src.close() }

// findHeader reads up to headerScanRows rows and takes the one whose cells
// name the most canonical fields; the rows after it are kept for Records.
func (r *Reader) findHeader() error {
	var rows [][]string
	var nums []int
	for len(rows) < headerScanRows {
		cells, n, err := r.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", r.path, err)
		}
		rows, nums = append(rows, cells), append(nums, n)
	}
	best, bestScore := -1, 0
	for i, row := range rows {
		score, seen := 0, map[string]bool{}
		for _, c := range row {
			if f := fieldFor(c, r.opt.Map); f != "" && f != Skip && !seen[f] {
				seen[f] = true
				score++
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return fmt.Errorf("%s: %w among the first %d rows: no cell names a known field (Наименование, ИНН, Телефон, E-mail, …); name the columns with --map", r.path, ErrNoHeader, len(rows))
	}
	r.info.HeaderRow = nums[best]
	for i, h := range rows[best] {
		r.info.Columns = append(r.info.Columns, Column{Index: i, Header: strings.TrimSpace(h), Field: fieldFor(h, r.opt.Map)})
	}
	r.pending, r.pendRow = rows[best+1:], nums[best+1:]
	return nil
}

// Row is one data row: its cells as read and the record made of them.
type Row struct {
	Num    int // the row or line number a person would look for
	Cells  []string
	Record crmkit.Record
}

// Rows yields every non-empty data row. An error ends the stream; it names
// the file and the row.
func (r *Reader) Rows() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for {
			var cells []string
			var n int
			if len(r.pending) > 0 {
				cells, n = r.pending[0], r.pendRow[0]
				r.pending, r.pendRow = r.pending[1:], r.pendRow[1:]
			} else {
				var err error
				cells, n, err = r.src.next()
				if err == io.EOF {
					return
				}
				if err != nil {
					yield(Row{}, fmt.Errorf("read %s after row %d: %w", r.path, n, err))
					return
				}
			}
			rec, ok := r.record(cells, n)
			if ok && !yield(Row{Num: n, Cells: cells, Record: rec}, nil) {
				return
			}
		}
	}
}

// Records yields one record per non-empty data row.
func (r *Reader) Records() iter.Seq2[crmkit.Record, error] {
	return func(yield func(crmkit.Record, error) bool) {
		for row, err := range r.Rows() {
			if !yield(row.Record, err) || err != nil {
				return
			}
		}
	}
}

func (r *Reader) record(cells []string, row int) (crmkit.Record, bool) {
	rec := crmkit.Record{Source: r.opt.Source, File: r.path, Row: row, Fields: map[string]string{}}
	empty := true
	for i, raw := range cells {
		v := strings.TrimSpace(raw)
		if v == "" {
			continue
		}
		empty = false
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
			if rec.Extra == nil {
				rec.Extra = map[string]string{}
			}
			rec.Extra[name] = v
		case rec.Fields[col.Field] == "":
			rec.Fields[col.Field] = v
		case multiValued(col.Field):
			rec.Fields[col.Field] += "; " + v
		default:
			// A second column of a single-valued field is kept, not lost.
			if rec.Extra == nil {
				rec.Extra = map[string]string{}
			}
			rec.Extra[col.Header] = v
		}
	}
	if empty {
		return rec, false
	}
	rec.Key = rec.Fields[crmkit.FieldSourceID]
	return rec, true
}
