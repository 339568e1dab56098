package importers

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/crmkit/crmkit"
)

// findHeader reads up to headerScanRows rows and takes the row whose cells
// name the most columns — or that row and the next together, when the next
// names sub-columns under a merged cell ("Телефон" over "рабочий |
// мобильный"). The rows after the header are kept for Rows.
func (r *Reader) findHeader() error {
	var rows [][]string
	var nums []int
	var bad []error
	for len(rows) < headerScanRows {
		cells, n, err := r.src.next()
		var re *rowError
		switch {
		case err == io.EOF:
		case errors.As(err, &re): // an empty row here, a Problem in Rows
		case err != nil:
			return fmt.Errorf("read %s row %d: %w", r.path, n, err)
		}
		if err == io.EOF {
			break
		}
		rows, nums, bad = append(rows, cells), append(nums, n), append(bad, err)
	}
	if len(rows) == 0 || allEmpty(rows) {
		where := r.path
		if r.info.Sheet != "" {
			where += " sheet " + r.info.Sheet
		}
		return fmt.Errorf("%s: %w: the table is empty", where, ErrEmpty)
	}
	best, bestScore, two := -1, 0, false
	for i := range rows {
		score := r.mappedCells(rows[i])
		if score > bestScore {
			best, bestScore, two = i, score, false
		}
		if i+1 < len(rows) && looksLikeSubHeader(rows[i], rows[i+1]) {
			if s := r.mappedCells(combineHeaders(rows[i], rows[i+1])); s > bestScore {
				best, bestScore, two = i, s, true
			}
		}
	}
	if best < 0 {
		return fmt.Errorf("%s: %w among the first %d rows: no cell names a known field (Наименование, ИНН, Телефон, E-mail, …); "+
			"the first rows read:\n%s\nname the columns with --map", r.path, ErrNoHeader, len(rows), preview(rows, 3))
	}
	header, skip := rows[best], 1
	r.info.HeaderRows = 1
	if two {
		header, skip = combineHeaders(rows[best], rows[best+1]), 2
		r.info.HeaderRows = 2
	}
	r.info.HeaderRow = nums[best]
	r.nameCol = -1
	for i, h := range header {
		field, label, rule := fieldFor(h, r.opt.Map)
		r.info.Columns = append(r.info.Columns, Column{Index: i, Header: strings.TrimSpace(h), Field: field, Label: label, Rule: rule})
		if field == crmkit.FieldName && r.nameCol < 0 {
			r.nameCol = i
		}
	}
	r.pending, r.pendRow, r.pendErr = rows[best+skip:], nums[best+skip:], bad[best+skip:]
	return nil
}

func allEmpty(rows [][]string) bool {
	for _, row := range rows {
		if lastNonEmpty(row) >= 0 {
			return false
		}
	}
	return true
}

// mappedCells counts the cells that name a field.
func (r *Reader) mappedCells(row []string) int {
	n := 0
	for _, c := range row {
		if f, _, _ := fieldFor(c, r.opt.Map); f != "" && f != Skip {
			n++
		}
	}
	return n
}

// looksLikeSubHeader: the second row has text under a header cell that
// spans it (an empty cell right of a filled one), and nothing that looks
// like data.
func looksLikeSubHeader(top, sub []string) bool {
	under := false
	for j, c := range sub {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !looksLikeText(c) || strings.IndexFunc(c, unicode.IsDigit) >= 0 {
			return false
		}
		if j < len(top) && strings.TrimSpace(top[j]) == "" && j > 0 {
			under = true
		}
	}
	return under
}

// combineHeaders names each column by its top cell — carried right over
// the empty cells of a merged span — and the sub-header under it.
func combineHeaders(top, sub []string) []string {
	n := max(len(top), len(sub))
	out := make([]string, n)
	parent := ""
	for j := range n {
		t, s := cell(top, j), cell(sub, j)
		switch {
		case t != "":
			parent = t
		case s == "":
			parent = "" // a merged span ends where the sub-header row is empty too
		}
		name := t
		if name == "" {
			name = parent
		}
		out[j] = strings.TrimSpace(name + " " + s)
	}
	return out
}

func cell(row []string, j int) string {
	if j < len(row) {
		return strings.TrimSpace(row[j])
	}
	return ""
}

// preview shows the first non-empty rows for an error message, digits
// masked: the rows may hold customers' phones.
// maskPreviewCell hides what may be personal in a cell an error shows: the
// digits, an e-mail, and a cell that reads as a person's name (two or
// three capitalised words); a header or a title shows as it is.
func maskPreviewCell(c string) string {
	if strings.Contains(c, "@") {
		return crmkit.MaskEmail(c)
	}
	words := strings.Fields(c)
	if len(words) >= 2 && len(words) <= 3 {
		name := true
		for _, w := range words {
			r := []rune(w)
			name = name && unicode.IsUpper(r[0]) && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '.' }) < 0
		}
		if name {
			return crmkit.MaskText(c)
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '#'
		}
		return r
	}, c)
}

func preview(rows [][]string, n int) string {
	var b strings.Builder
	for _, row := range rows {
		if n == 0 {
			break
		}
		if lastNonEmpty(row) < 0 {
			continue
		}
		n--
		var cells []string
		for _, c := range row[:lastNonEmpty(row)+1] {
			c = strings.TrimSpace(c)
			if r := []rune(c); len(r) > 24 {
				c = string(r[:24]) + "…"
			}
			cells = append(cells, maskPreviewCell(c))
		}
		fmt.Fprintf(&b, "  | %s\n", strings.Join(cells, " | "))
	}
	return strings.TrimRight(b.String(), "\n")
}
