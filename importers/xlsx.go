package importers

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxRows streams one worksheet: its XML through crmkit's own scanner
// (sheetStream, xlsxsheet.go), or through excelize's row iterator when the
// scanner meets XML it does not read; both give the same rows. Cell values
// are raw: a phone or INN stored as a number comes back as its digits,
// never as "7.9161234567e+10".
type xlsxRows struct {
	f           *excelize.File // the workbook: sheets and styles
	cells       sheetCells
	row         int
	info        *Info
	path, sheet string
	layout      *sheetLayout // opened at the first row that may be a group row
	layoutTried bool
	bold        map[int]bool // style index → its font is bold
}

// sheetCells yields a sheet's rows as excelize's row iterator does (Next,
// GetRowOpts, Columns with raw values), one row number at a time: io.EOF
// after the last, a *rowError for a row that could not be read.
type sheetCells interface {
	next() (cells []string, hidden bool, err error)
	close() error
}

func openXLSX(path, sheet string, info *Info) (rowSource, error) {
	if x := openXLSXStream(path, sheet, info); x != nil {
		return x, nil
	}
	f, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	if sheet, err = pickSheet(f, sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s sheet %q: %w", path, sheet, err)
	}
	info.Sheet, info.Sheets = sheet, f.GetSheetList()
	return &xlsxRows{f: f, cells: &excelizeCells{rows: rows}, info: info, path: path, sheet: sheet}, nil
}

// openXLSXStream opens a workbook to stream its sheet; nil when anything
// about it is not plain, and the caller opens it with excelize, which then
// gives its errors and its answers.
func openXLSXStream(path, sheet string, info *Info) *xlsxRows {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil
	}
	if size := unpackedSize(&z.Reader); size < 0 || size > unzipLimit {
		z.Close()
		return nil
	}
	f, err := openWorkbookParts(&z.Reader)
	if err != nil {
		z.Close()
		return nil
	}
	stream, part := (*sheetStream)(nil), io.ReadCloser(nil)
	if sheet, err = pickSheet(f, sheet); err == nil {
		stream, part, err = openSheetStream(&z.Reader, sheet)
	}
	if err != nil {
		f.Close()
		z.Close()
		return nil
	}
	info.Sheet, info.Sheets = sheet, f.GetSheetList()
	cells := &streamCells{stream: stream, part: part, z: z, path: path, sheet: sheet}
	return &xlsxRows{f: f, cells: cells, info: info, path: path, sheet: sheet}
}

func openSheetStream(z *zip.Reader, sheet string) (*sheetStream, io.ReadCloser, error) {
	sst, err := readSharedStrings(z)
	if err != nil {
		return nil, nil, err
	}
	part := sheetPart(z, sheet)
	if part == nil {
		return nil, nil, errScanUnsupported
	}
	rc, err := part.Open()
	if err != nil {
		return nil, nil, err
	}
	ahead := newAheadReader(rc)
	return &sheetStream{sc: newXMLScanner(ahead, 256<<10), sst: sst, plain: true}, ahead, nil
}

// pickSheet names the sheet to read: by name, by 1-based number, or the
// first visible one for "".
func pickSheet(f *excelize.File, sheet string) (string, error) {
	if sheet == "" {
		return firstVisibleSheet(f)
	}
	if idx, _ := f.GetSheetIndex(sheet); idx >= 0 {
		return sheet, nil
	}
	if n, convErr := strconv.Atoi(sheet); convErr == nil {
		list := f.GetSheetList()
		if n < 1 || n > len(list) {
			return "", fmt.Errorf("sheet %d: the workbook has %d sheets", n, len(list))
		}
		return list[n-1], nil
	}
	return "", fmt.Errorf("no sheet %q (sheets: %s)", sheet, strings.Join(f.GetSheetList(), ", "))
}

// excelizeCells is excelize's row iterator.
type excelizeCells struct {
	rows *excelize.Rows
	f    *excelize.File // closed with the rows when owned here
}

func (e *excelizeCells) next() ([]string, bool, error) {
	if !e.rows.Next() {
		if err := e.rows.Error(); err != nil {
			return nil, false, err
		}
		return nil, false, io.EOF
	}
	hidden := e.rows.GetRowOpts().Hidden
	cells, err := e.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, hidden, &rowError{err}
	}
	return cells, hidden, nil
}

func (e *excelizeCells) close() error {
	err := e.rows.Close()
	if e.f != nil {
		if cerr := e.f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// streamCells reads a sheet with sheetStream and, at XML it does not
// read, goes over to excelize: it opens the workbook, steps excelize's
// iterator over the rows already read and reads the rest with it.
type streamCells struct {
	stream      *sheetStream
	part        io.ReadCloser
	z           *zip.ReadCloser
	path, sheet string
	steps       int
	excelize    *excelizeCells
}

func (s *streamCells) next() ([]string, bool, error) {
	if s.excelize != nil {
		return s.excelize.next()
	}
	s.steps++
	cells, hidden, err := s.stream.step()
	if err != errScanUnsupported {
		return cells, hidden, err
	}
	s.closeStream()
	f, err := openWorkbook(s.path)
	if err != nil {
		return nil, false, err
	}
	rows, err := f.Rows(s.sheet)
	if err != nil {
		f.Close()
		return nil, false, err
	}
	s.excelize = &excelizeCells{rows: rows, f: f}
	for i := 1; i < s.steps; i++ {
		s.excelize.next()
	}
	return s.excelize.next()
}

func (s *streamCells) closeStream() {
	if s.z != nil {
		s.part.Close() // the unpacking goroutine ends before the zip closes
		s.z.Close()
		s.z = nil
	}
}

func (s *streamCells) close() error {
	s.closeStream()
	if s.excelize != nil {
		return s.excelize.close()
	}
	return nil
}

// unzipLimit is the most a workbook may unpack to: a million rows of
// customers are well under it, a zip bomb is not.
var unzipLimit int64 = 4 << 30

// openWorkbook opens a workbook; a zip with no workbook in it (a zipped
// folder, a .docx renamed) says so instead of excelize's "EOF".
func openWorkbook(path string) (*excelize.File, error) {
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: unzipLimit})
	if err == nil {
		return f, nil
	}
	if strings.Contains(err.Error(), "unzip size exceeds") {
		return nil, fmt.Errorf("%s: %w: more than %d MB when unpacked (a zip bomb, or a workbook too large to read)",
			path, ErrTooLarge, unzipLimit>>20)
	}
	if z, zerr := zip.OpenReader(path); zerr == nil {
		defer z.Close()
		var names []string
		workbook := false
		for _, e := range z.File {
			workbook = workbook || strings.EqualFold(e.Name, "xl/workbook.xml")
			if len(names) < 3 {
				names = append(names, e.Name)
			}
		}
		if !workbook {
			return nil, fmt.Errorf("%s: %w: a zip archive with no workbook in it (%d files: %s…)", path, ErrNotWorkbook, len(z.File), strings.Join(names, ", "))
		}
	}
	return nil, fmt.Errorf("open workbook %s: %w", path, err)
}

func firstVisibleSheet(f *excelize.File) (string, error) {
	list := f.GetSheetList()
	for _, s := range list {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	if len(list) == 0 {
		return "", fmt.Errorf("the workbook has no sheets")
	}
	return list[0], nil
}

func (x *xlsxRows) next() ([]string, int, error) {
	cells, hidden, err := x.cells.next()
	if err == io.EOF {
		return nil, x.row, io.EOF
	}
	x.row++ // rows step over missing rows one at a time: the count is the sheet row
	if hidden {
		x.info.HiddenRows++
	}
	if err != nil {
		if _, ok := err.(*rowError); ok {
			return nil, x.row, err
		}
		return nil, x.row - 1, fmt.Errorf("sheet %q row %d: %w", x.sheet, x.row, err)
	}
	return cells, x.row, nil
}

// groupLook says how the sheet shows a row as a group row, its one filled
// cell at col of a table of width columns: "bold" for a bold cell,
// "merged" for a cell merged across the table, "outline" for a row that
// heads an outline group (the next row sits one level deeper, as 1C saves
// a hierarchical list); "" for a plain row.
func (x *xlsxRows) groupLook(row, col, width int) string {
	if !x.layoutTried {
		x.layoutTried = true
		x.layout = openSheetLayout(x.path, x.sheet)
	}
	if x.layout == nil {
		return ""
	}
	// The stream saw the rows it read lately; sheetLayout reads the sheet
	// a second time, only for a row the stream cannot tell about.
	this, next, ok := x.streamLayout(row)
	if !ok {
		this, next = x.layout.at(row)
	}
	switch {
	case x.isBold(this.styleAt(col)):
		return "bold"
	case width > 1 && x.layout.mergedTo(row, col) >= width-1:
		return "merged"
	case next.outline > this.outline:
		return "outline"
	}
	return ""
}

// isBold: style 0 is the sheet's default look, so a workbook whose default
// font is bold shows no group by it.
func (x *xlsxRows) isBold(style int) bool {
	if style <= 0 {
		return false
	}
	if b, ok := x.bold[style]; ok {
		return b
	}
	st, err := x.f.GetStyle(style)
	b := err == nil && st != nil && st.Font != nil && st.Font.Bold
	if x.bold == nil {
		x.bold = map[int]bool{}
	}
	x.bold[style] = b
	return b
}

// streamLayout is the look of a row as the sheet stream saw it.
func (x *xlsxRows) streamLayout(row int) (this, next rowLayout, ok bool) {
	if s, isStream := x.cells.(*streamCells); isStream && s.excelize == nil {
		return s.stream.layoutAt(row)
	}
	return this, next, false
}

func (x *xlsxRows) close() error {
	err := x.cells.close()
	if x.layout != nil {
		x.layout.close()
	}
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Sheets lists the sheets of a workbook, for --sheet all.
func Sheets(path string) ([]string, error) {
	format, err := detect(path)
	if err != nil {
		return nil, err
	}
	if format != FormatXLSX {
		return []string{""}, nil // a text file is one table
	}
	if z, err := zip.OpenReader(path); err == nil {
		defer z.Close()
		if size := unpackedSize(&z.Reader); size >= 0 && size <= unzipLimit {
			if f, err := openWorkbookParts(&z.Reader); err == nil {
				defer f.Close()
				return f.GetSheetList(), nil
			}
		}
	}
	f, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.GetSheetList(), nil
}
