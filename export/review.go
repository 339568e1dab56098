package export

import (
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
)

// RecordView is how a record shows in a review file.
type RecordView struct {
	Source string `json:"source"`
	Key    string `json:"key"`
	File   string `json:"file"`
	Row    int    `json:"row"`
	Name   string `json:"name"`
	INN    string `json:"inn"`
	Phones string `json:"phones"`
	Emails string `json:"emails"`
	City   string `json:"city"`
}

// ViewOf shows a cleansed record.
func ViewOf(r crmkit.Record) RecordView {
	var phones []string
	for _, p := range r.Phones {
		phones = append(phones, p.E164)
	}
	return RecordView{Source: r.Source, Key: r.Key, File: r.File, Row: r.Row, Name: r.Fields[crmkit.FieldName],
		INN: r.Fields[crmkit.FieldINN], Phones: strings.Join(phones, "; "), Emails: strings.Join(r.Emails, "; "), City: r.Fields[crmkit.FieldCity]}
}

// ReviewRow is one pair a person should decide.
type ReviewRow struct {
	Score       float64    `json:"score"`
	Explanation string     `json:"explanation"`
	A           RecordView `json:"a"`
	B           RecordView `json:"b"`
}

// ReviewColumns: the decision column comes fourth, where a person sees it.
var ReviewColumns = []string{"pair", "score", "explanation", "decision",
	"a_source", "a_key", "a_file", "a_row", "a_name", "a_inn", "a_phones", "a_emails", "a_city",
	"b_source", "b_key", "b_file", "b_row", "b_name", "b_inn", "b_phones", "b_emails", "b_city"}

// WriteReview writes the pairs side by side with an empty decision column
// to fill with "same" or "different".
func WriteReview(w io.Writer, format string, rows iter.Seq2[ReviewRow, error]) (int, error) {
	n := 0
	return writeTable(w, format, ReviewColumns, rows, func(r ReviewRow) []string {
		n++
		side := func(v RecordView) []string {
			return []string{v.Source, v.Key, v.File, strconv.Itoa(v.Row), v.Name, v.INN, v.Phones, v.Emails, v.City}
		}
		line := []string{strconv.Itoa(n), strconv.FormatFloat(r.Score, 'f', 1, 64), r.Explanation, ""}
		return append(append(line, side(r.A)...), side(r.B)...)
	})
}

// ReadDecisions reads a filled-in review file (.xlsx or a delimited text
// file, in whatever encoding and delimiter Excel saved it): rows whose
// decision says same (same, да, yes, 1, +) or different (different, нет,
// no, 0, -); rows left empty are skipped. Row numbers in errors are the
// file's own (Excel row, text line).
func ReadDecisions(path string) ([]crmkit.Decision, error) {
	var rows [][]string
	var nums []int
	for row, err := range importers.Cells(path, importers.Options{}) {
		if err != nil {
			return nil, fmt.Errorf("review file: %w", err)
		}
		rows, nums = append(rows, row.Cells), append(nums, row.Num)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range []string{"decision", "a_source", "a_key", "b_source", "b_key"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s: no %q column: not a crmkit review file", path, c)
		}
	}
	cell := func(row []string, c string) string {
		if i := col[c]; i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var out []crmkit.Decision
	for n, row := range rows[1:] {
		line := nums[n+1]
		var same bool
		switch strings.ToLower(cell(row, "decision")) {
		case "":
			continue
		case "same", "да", "yes", "1", "+", "одно", "один":
			same = true
		case "different", "нет", "no", "0", "-", "разные":
		default:
			return nil, fmt.Errorf("%s row %d: decision %q: write same or different", path, line, cell(row, "decision"))
		}
		out = append(out, crmkit.Decision{Same: same,
			A: crmkit.SourceKey{Source: cell(row, "a_source"), Key: cell(row, "a_key")},
			B: crmkit.SourceKey{Source: cell(row, "b_source"), Key: cell(row, "b_key")}})
	}
	return out, nil
}
