package importers

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxRows streams one worksheet through excelize's row iterator. Cell
// values are raw: a phone or INN stored as a number comes back as its
// digits, never as "7.9161234567e+10".
type xlsxRows struct {
	f           *excelize.File
	rows        *excelize.Rows
	row         int
	info        *Info
	path, sheet string
	layout      *sheetLayout // opened at the first row that may be a group row
	layoutTried bool
	bold        map[int]bool // style index → its font is bold
}

func openXLSX(path, sheet string, info *Info) (rowSource, error) {
	f, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	if sheet == "" {
		sheet, err = firstVisibleSheet(f)
	} else if idx, _ := f.GetSheetIndex(sheet); idx >= 0 {
		// a sheet of that name
	} else if n, convErr := strconv.Atoi(sheet); convErr == nil {
		list := f.GetSheetList()
		if n < 1 || n > len(list) {
			err = fmt.Errorf("sheet %d: the workbook has %d sheets", n, len(list))
		} else {
			sheet = list[n-1]
		}
	} else {
		err = fmt.Errorf("no sheet %q (sheets: %s)", sheet, strings.Join(f.GetSheetList(), ", "))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s sheet %q: %w", path, sheet, err)
	}
	info.Sheet, info.Sheets = sheet, f.GetSheetList()
	return &xlsxRows{f: f, rows: rows, info: info, path: path, sheet: sheet}, nil
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
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, x.row, err
		}
		return nil, x.row, io.EOF
	}
	x.row++ // Next steps over missing rows one at a time: the count is the sheet row
	if x.rows.GetRowOpts().Hidden {
		x.info.HiddenRows++
	}
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, x.row, &rowError{err}
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
	this, next := x.layout.at(row)
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

func (x *xlsxRows) close() error {
	err := x.rows.Close()
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
	f, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.GetSheetList(), nil
}
