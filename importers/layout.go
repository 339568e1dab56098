package importers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Group rows are what a workbook shows as groups, never a guess from the
// cells: 1C and accounting reports put a group's name alone on a line that
// heads an outline group (its members one level deeper, Excel's [+]), in
// bold, or merged across the table. A name alone on a plain line is a
// contact person without a phone, and is read.

// rowLayout is what a worksheet row looks like: its outline level and the
// style of each of its cells.
type rowLayout struct {
	row     int
	outline int
	cells   []cellStyle
}

type cellStyle struct{ col, style int } // 0-based column, style index

func (l rowLayout) styleAt(col int) int {
	for _, c := range l.cells {
		if c.col == col {
			return c.style
		}
	}
	return 0
}

// sheetLayout reads the rows of a sheet's XML, streaming and in step with
// the row iterator. excelize's row iterator gives neither outline levels
// nor cell styles, and its GetRowOutlineLevel and GetCellStyle would load
// the whole sheet into memory.
type sheetLayout struct {
	z      *zip.ReadCloser
	merges map[int][]colSpan // top row → the column spans merged from it
	part   io.ReadCloser
	dec    *xml.Decoder
	ahead  rowLayout // the row element read last; row 0 before the first
	eof    bool
}

// openSheetLayout opens the XML of a workbook's sheet. Any trouble means
// nil: no row is then shown as a group, and none is lost.
func openSheetLayout(path, sheet string) *sheetLayout {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil
	}
	target := sheetTarget(&z.Reader, sheet)
	if target == "" {
		z.Close()
		return nil
	}
	part, err := z.Open(target)
	if err != nil {
		z.Close()
		return nil
	}
	return &sheetLayout{z: z, part: part, dec: xml.NewDecoder(part), merges: sheetMerges(&z.Reader, target)}
}

// colSpan is a merged range's columns, 0-based, first and last.
type colSpan struct{ first, last int }

// mergedTo is the last column of a merged range that starts at a cell, or
// the cell's own column.
func (s *sheetLayout) mergedTo(row, col int) int {
	for _, m := range s.merges[row] {
		if m.first == col {
			return m.last
		}
	}
	return col
}

// maxMerges bounds what sheetMerges keeps: 1C reports merge much, but a
// sheet of more merged ranges than this is no list to read groups from.
const maxMerges = 100_000

// sheetMerges reads the merged ranges of a sheet. They follow the rows in
// the XML, so the part is read once ahead, as bytes: only the tags named
// mergeCell are looked at, so a sheet of a million rows or a huge cell
// costs a pass of unpacking and no memory.
func sheetMerges(z *zip.Reader, target string) map[int][]colSpan {
	part, err := z.Open(target)
	if err != nil {
		return nil
	}
	defer part.Close()
	br := bufio.NewReaderSize(part, 64<<10)
	merges := map[int][]colSpan{}
	n := 0
	for n < maxMerges {
		if _, err := br.ReadSlice('<'); errors.Is(err, bufio.ErrBufferFull) {
			continue
		} else if err != nil {
			break
		}
		head, _ := br.Peek(len("mergeCell "))
		if !bytes.Equal(head, []byte("mergeCell ")) {
			continue
		}
		tag, err := br.ReadSlice('>')
		if err != nil {
			break
		}
		ref := attr(tag, "ref")
		lo, hi, ok := bytes.Cut(ref, []byte(":"))
		if !ok {
			continue
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(string(lo))
		c2, _, err2 := excelize.CellNameToCoordinates(string(hi))
		if err1 != nil || err2 != nil || c2 <= c1 {
			continue
		}
		merges[r1] = append(merges[r1], colSpan{c1 - 1, c2 - 1})
		n++
	}
	return merges
}

// attr is the value of a tag's attribute, as written: ref="A5:F5".
func attr(tag []byte, name string) []byte {
	i := bytes.Index(tag, []byte(" "+name+`="`))
	if i < 0 {
		return nil
	}
	v := tag[i+len(name)+3:]
	if j := bytes.IndexByte(v, '"'); j >= 0 {
		return v[:j]
	}
	return nil
}

// at returns the layout of a row and of the next row the sheet holds.
// Rows must be asked for in increasing order; a row the sheet does not
// hold is a plain row.
func (s *sheetLayout) at(row int) (this, next rowLayout) {
	for !s.eof && s.ahead.row < row {
		s.advance()
	}
	if s.ahead.row != row {
		return rowLayout{row: row}, s.ahead
	}
	this = s.ahead
	s.advance()
	return this, s.ahead
}

// advance reads the next <row> element into ahead; at the end of the
// sheet ahead becomes an empty row past the last.
func (s *sheetLayout) advance() {
	prev := s.ahead.row
	s.ahead = rowLayout{row: prev + 1}
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			s.eof = true
			s.ahead.row = int(^uint(0) >> 1)
			return
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "row" {
				s.readRow(el, prev)
				return
			}
		case xml.EndElement:
			if el.Name.Local == "sheetData" {
				s.eof = true
				s.ahead.row = int(^uint(0) >> 1)
				return
			}
		}
	}
}

// readRow reads one <row> element, its start already read, up to its end.
func (s *sheetLayout) readRow(start xml.StartElement, prev int) {
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "r":
			if n, err := strconv.Atoi(a.Value); err == nil && n > prev {
				s.ahead.row = n
			}
		case "outlineLevel":
			s.ahead.outline, _ = strconv.Atoi(a.Value)
		}
	}
	col := -1
	for depth := 1; depth > 0; {
		tok, err := s.dec.RawToken()
		if err != nil {
			return
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if el.Name.Local != "c" {
				continue
			}
			col++
			style := 0
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "r":
					if c, _, err := excelize.CellNameToCoordinates(a.Value); err == nil {
						col = c - 1
					}
				case "s":
					style, _ = strconv.Atoi(a.Value)
				}
			}
			if style > 0 && len(s.ahead.cells) < 1024 {
				s.ahead.cells = append(s.ahead.cells, cellStyle{col, style})
			}
		case xml.EndElement:
			depth--
		}
	}
}

func (s *sheetLayout) close() error {
	s.part.Close()
	return s.z.Close()
}
