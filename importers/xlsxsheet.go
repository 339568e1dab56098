package importers

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheetStream reads the rows of a worksheet's XML from the scanner and
// gives, row by row, what excelize's Rows gives for Next, GetRowOpts and
// Columns with raw cell values: the same cells, the same row count over
// gaps and the same errors, its steps mirrored one for one below (rows.go
// and cell.go of excelize v2.11). It differs on purpose in one thing: XML
// that is not well formed (a sheet cut short, bytes that are not UTF-8) is
// an error here, where excelize's decoder stops without one and the rows
// after it are silently lost.
type sheetStream struct {
	sc  *xmlScanner
	sst []string

	curRow, seekRow       int
	pending               *rowStart // a row's start tag read by rowNext and not yet by columns
	pend                  rowStart
	curHidden, seekHidden bool
	err                   error // excelize's rows.err: ErrMaxRows
	late                  error // a scan error met after a row's last cell: the next step's
	done                  bool
	str                   stringReader
	v, scratch            []byte
	cellR                 []byte
	cellT                 string // "s", "inlineStr" or "" for any other type
	cellHasF, cellHasIS   bool
	cellStyle             int
	cells                 []string
	width                 int        // the most cells a row had: room made for the next
	rowText               []byte     // the row's cell values that are not shared strings, end to end
	spans                 []cellSpan // where in rowText each of them is

	// What groupLook needs of the rows just read, so that it need not
	// parse the sheet a second time: valid while excelize and sheetLayout
	// number the rows alike (plain).
	plain      bool
	layoutRow  int // the row number sheetLayout gives the row element read last
	rowOutline int // outline level of the row element read last
	styles     []cellStyle
	recent     [32]stepLayout
}

// stepLayout is the look of a row read: its outline level, its cells'
// styles and the outline level of the row after it.
type stepLayout struct {
	row, outline, next int
	cells              []cellStyle
}

// cellSpan is a cell value in rowText.
type cellSpan struct{ cell, start, end int }

// rowStart is what a <row> start tag says.
type rowStart struct {
	num     int
	numErr  error
	hidden  bool
	outline int
}

// step reads the next sheet row: its cells, whether it is hidden, and
// io.EOF after the last; a *rowError is a row excelize could not read
// either; errScanUnsupported is XML to read with excelize instead.
func (x *sheetStream) step() ([]string, bool, error) {
	if x.late != nil {
		return nil, false, x.late
	}
	ok, err := x.rowNext()
	if err != nil {
		return nil, false, err
	}
	if !ok {
		if x.err != nil {
			return nil, false, x.err
		}
		return nil, false, io.EOF
	}
	hidden := x.curHidden
	cells, rowErr, err := x.columns()
	if err != nil {
		return nil, false, err
	}
	if rowErr != nil {
		return cells, hidden, &rowError{rowErr}
	}
	return cells, hidden, nil
}

// readRowStart reads the attributes of the <row> tag just scanned as
// excelize's attrValToInt("r") and extractRowOpts do.
func (x *sheetStream) readRowStart() rowStart {
	var rs rowStart
	for i, a := range x.sc.attrs {
		if string(a.local) == "r" && rs.numErr == nil {
			rs.num, rs.numErr = strconv.Atoi(x.sc.attrValue(i))
		}
	}
	layoutRow := x.layoutRow + 1 // as sheetLayout.readRow numbers it
	for i, a := range x.sc.attrs {
		switch string(a.local) {
		case "r":
			if n, err := strconv.Atoi(x.sc.attrValue(i)); err == nil && n > x.layoutRow {
				layoutRow = n
			}
		case "outlineLevel":
			rs.outline, _ = strconv.Atoi(x.sc.attrValue(i))
		}
	}
	x.layoutRow = layoutRow
	x.rowOutline = rs.outline
	hiddenErr := false
	for i, a := range x.sc.attrs {
		if string(a.local) == "hidden" && !hiddenErr {
			var err error
			rs.hidden, err = strconv.ParseBool(x.sc.attrValue(i))
			hiddenErr = err != nil
		}
	}
	return rs
}

// rowNext is excelize's Rows.Next.
func (x *sheetStream) rowNext() (bool, error) {
	if x.err != nil || x.done {
		return false, nil
	}
	x.seekRow++
	if x.curRow >= x.seekRow {
		x.curHidden = x.seekHidden
		return true, nil
	}
	for {
		k, err := x.sc.next()
		if err != nil {
			return false, err
		}
		switch k {
		case tokEOF:
			x.done = true
			return false, nil
		case tokStart:
			if string(x.sc.local) != "row" {
				continue
			}
			x.curRow++
			rs := x.readRowStart()
			if rs.num > excelize.TotalRows {
				x.err = excelize.ErrMaxRows
				return false, nil
			}
			if rs.num != 0 {
				x.curRow = rs.num
			}
			x.plain = x.plain && x.curRow == x.layoutRow
			x.pend, x.pending = rs, &x.pend
			x.curHidden = rs.hidden
			return true, nil
		case tokEnd:
			if string(x.sc.local) == "sheetData" {
				x.done = true // crmkit reads no further; excelize's decoder would
				return false, nil
			}
		}
	}
}

// columns is excelize's Rows.Columns with RawCellValue. rowErr is the
// error excelize returns with the cells; err is the scanner's. The row's
// values are made one string, which its cells share.
func (x *sheetStream) columns() (cells []string, rowErr, err error) {
	x.rowText, x.spans = x.rowText[:0], x.spans[:0]
	cells, rowErr, err = x.readColumns()
	if len(x.spans) > 0 && cells != nil {
		text := string(x.rowText)
		for _, sp := range x.spans {
			cells[sp.cell] = text[sp.start:sp.end]
		}
	}
	return cells, rowErr, err
}

func (x *sheetStream) readColumns() (cells []string, rowErr, err error) {
	if x.curRow > x.seekRow {
		return nil, nil, nil
	}
	x.cells = nil
	cellCol := 0
	thisOutline := x.rowOutline
	x.styles = x.styles[:0]
	for {
		var rs rowStart
		isRow := false
		if x.pending != nil {
			rs, isRow = *x.pending, true
		} else {
			k, err := x.sc.next()
			if err != nil {
				if err != errScanUnsupported {
					x.late, err = err, nil // the row is whole; the next one is not
				}
				return x.cells, nil, err
			}
			switch k {
			case tokEOF:
				x.done = true
				x.remember(thisOutline, 0)
				return x.cells, nil, nil
			case tokEnd:
				if string(x.sc.local) == "sheetData" {
					x.remember(thisOutline, 0)
					return x.cells, nil, nil
				}
				continue
			case tokText:
				continue
			}
			switch string(x.sc.local) {
			case "row":
				rs, isRow = x.readRowStart(), true
			case "c":
			default:
				continue
			}
		}
		if isRow {
			wasPending := x.pending != nil
			x.pending = nil
			if rs.num > excelize.TotalRows {
				x.err = excelize.ErrMaxRows
				return x.cells, x.err, nil
			} else if rs.num != 0 {
				x.curRow = rs.num
			} else if !wasPending {
				x.curRow++
			}
			if !wasPending {
				x.plain = x.plain && x.curRow == x.layoutRow
			}
			x.seekHidden = rs.hidden
			if x.curRow > x.seekRow || rs.numErr != nil {
				if rs.numErr == nil {
					x.remember(thisOutline, rs.outline)
				}
				return x.cells, rs.numErr, nil
			}
			thisOutline = rs.outline
			continue
		}
		cellCol++
		if err := x.readCell(); err != nil {
			return nil, nil, err
		}
		if len(x.cellR) > 0 {
			col, err := cellColumn(x.cellR)
			if err != nil {
				return x.cells, err, nil
			}
			cellCol = col
		}
		if x.cellStyle > 0 && len(x.styles) < 1024 {
			x.styles = append(x.styles, cellStyle{cellCol - 1, x.cellStyle})
		}
		blank := cellCol - len(x.cells)
		start := len(x.rowText)
		if val, inText := x.cellValue(); val != "" || len(x.rowText) > start || x.cellHasF {
			if x.cells == nil {
				x.cells = make([]string, 0, x.width)
			}
			for i := 1; i < blank; i++ {
				x.cells = append(x.cells, "")
			}
			if inText {
				x.spans = append(x.spans, cellSpan{len(x.cells), start, len(x.rowText)})
			}
			x.cells = append(x.cells, val)
			x.width = max(x.width, len(x.cells))
		}
	}
}

// remember keeps the look of the row just read.
func (x *sheetStream) remember(outline, next int) {
	l := &x.recent[x.seekRow%len(x.recent)]
	l.row, l.outline, l.next = x.seekRow, outline, next
	l.cells = append(l.cells[:0:0], x.styles...)
}

// layoutAt is the look of a row read lately, as sheetLayout.at would give
// it; false when that is not known here.
func (x *sheetStream) layoutAt(row int) (this, next rowLayout, ok bool) {
	l := &x.recent[row%len(x.recent)]
	if !x.plain || l.row != row || row == 0 {
		return this, next, false
	}
	return rowLayout{row: row, outline: l.outline, cells: l.cells}, rowLayout{outline: l.next}, true
}

// readCell reads a <c> element, its start tag just read, as excelize's
// cellXMLHandler does. A cell holding anything but <v>, <f> and <is>, or
// a style or formula attribute excelize fails on, is excelize's to read.
func (x *sheetStream) readCell() error {
	sc := x.sc
	x.cellR, x.cellT, x.v, x.cellHasF, x.cellHasIS, x.cellStyle = x.cellR[:0], "", x.v[:0], false, false, 0
	for i, a := range sc.attrs {
		switch string(a.local) {
		case "r":
			x.cellR = sc.appendAttrValue(x.cellR[:0], i)
		case "s":
			v := sc.attrValue(i)
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return errScanUnsupported
			}
			x.cellStyle, _ = strconv.Atoi(v)
		case "t":
			switch v := sc.appendAttrValue(x.scratch[:0], i); string(v) {
			case "s":
				x.cellT = "s"
			case "inlineStr":
				x.cellT = "inlineStr"
			default:
				x.cellT = ""
			}
		}
	}
	x.str.reset()
	for {
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEnd:
			return nil
		case tokStart:
			switch string(sc.local) {
			case "v":
				if x.v, err = readChardata(sc, x.v[:0]); err != nil {
					return err
				}
			case "f":
				if err := checkAttrs(sc, "aca", "bool", "dt2D", "bool", "dtr", "bool", "del1", "bool",
					"del2", "bool", "ca", "bool", "bx", "bool", "si", "int"); err != nil {
					return err
				}
				x.cellHasF = true
				if err := skipElement(sc); err != nil {
					return err
				}
			case "is":
				x.cellHasIS = true
				if err := x.str.read(sc); err != nil {
					return err
				}
			default:
				return errScanUnsupported
			}
		}
	}
}

// cellValue is excelize's getValueFrom with raw values: a shared string's
// text, an inline string's text, else the value as written. A shared
// string index out of the table is "", as excelize drops that error.
// Other than a shared string, the value is appended to rowText (inText).
func (x *sheetStream) cellValue() (val string, inText bool) {
	switch x.cellT {
	case "s":
		if len(x.v) == 0 {
			return "", false
		}
		i, ok := smallNumber(x.v)
		if !ok {
			i, _ = strconv.Atoi(strings.TrimSpace(string(x.v)))
		}
		if i < 0 || i >= len(x.sst) {
			return "", false
		}
		return x.sst[i], false
	case "inlineStr":
		if x.cellHasIS {
			x.rowText = x.str.appendValue(x.rowText)
			return "", true
		}
	}
	x.rowText = append(x.rowText, x.v...)
	return "", true
}

// smallNumber reads a shared string index written as plain digits.
func smallNumber(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// cellColumn is the 1-based column of a cell reference: "C7" is 3. The
// common shape is read here; any other goes to excelize for its answer
// and its error.
func cellColumn(ref []byte) (int, error) {
	col, i := 0, 0
	for ; i < len(ref) && i < 3 && 'A' <= ref[i] && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
	}
	row, j := 0, i
	for ; j < len(ref) && j-i < 7 && '0' <= ref[j] && ref[j] <= '9'; j++ {
		row = row*10 + int(ref[j]-'0')
	}
	if i > 0 && j == len(ref) && j > i && ref[i] != '0' && row <= excelize.TotalRows && col <= excelize.MaxColumns {
		return col, nil
	}
	col, _, err := excelize.CellNameToCoordinates(string(ref))
	return col, err
}
