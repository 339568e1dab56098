package export

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"strings"

	"github.com/crmkit/crmkit"
)

// Report is what report.xlsx shows of one run (import --report, dedupe -o)
// or of a store (export report): for a client's managers, who read Excel.
type Report struct {
	Title     string     // "crmkit import", "crmkit dedupe", "crmkit export report"
	Run       crmkit.Run // the run shown: its command, times and files
	Where     string     // the store (password hidden) or the output folder
	Sources   []SourceStat
	Problems  []crmkit.Problem
	Records   int // source records before matching
	Customers int // customers after matching
	// Duplicates are the records that joined another record or customer.
	Duplicates int
	Merges     []Merge
	Review     []ReviewRow
	Cards      []crmkit.Card
	ABC        ABCResult
	// ShowPII shows personal values (people's names, phones, e-mails,
	// INNs, addresses) as they are; by default they are masked.
	ShowPII bool
}

// SourceStat is what one input file gave.
type SourceStat struct {
	Source   string
	File     string
	Records  int // data rows read as customers
	Skipped  int // totals rows passed over (row.total)
	Rejected int // rows that could not be read (row.unreadable)
	Problems int
	Errors   int
}

// Merge is one customer of two or more source records, with them.
type Merge struct {
	PersonalID string
	Kind       crmkit.Kind
	Name       string
	Records    []MergedRecord
}

// MergedRecord is one source record of a merged customer.
type MergedRecord struct {
	Source, Key, File string
	Row               int
	Kind              crmkit.Kind
	Name              string
}

// SourceStats counts per file; sourceOf names each file's source.
func SourceStats(files []crmkit.RunFile, sourceOf map[string]string, problems []crmkit.Problem) []SourceStat {
	idx := map[string]int{}
	out := make([]SourceStat, len(files))
	for i, f := range files {
		out[i] = SourceStat{Source: sourceOf[f.Path], File: f.Path, Records: f.Records}
		idx[f.Path] = i
	}
	for _, p := range problems {
		i, ok := idx[p.File]
		if !ok {
			continue
		}
		s := &out[i]
		s.Problems++
		if p.Severity == crmkit.SeverityError {
			s.Errors++
		}
		switch p.Code {
		case "row.total":
			s.Skipped++
		case "row.unreadable":
			s.Rejected++
		}
	}
	return out
}

// MergesOf lists the customers of two or more records of a run without a
// store (dedupe -o): links say whose each record is.
func MergesOf(cards []crmkit.Card, links []crmkit.Link, records []crmkit.Record) []Merge {
	rec := map[crmkit.SourceKey]crmkit.Record{}
	for _, r := range records {
		rec[crmkit.SourceKey{Source: r.Source, Key: r.Key}] = r
	}
	byID := map[string][]MergedRecord{}
	for _, l := range links {
		r := rec[crmkit.SourceKey{Source: l.Source, Key: l.SourceKey}]
		byID[l.PersonalID] = append(byID[l.PersonalID], MergedRecord{Source: l.Source, Key: l.SourceKey, File: l.File, Row: l.Row,
			Kind: r.Kind, Name: r.Fields[crmkit.FieldName]})
	}
	var out []Merge
	for _, c := range cards {
		if rs := byID[c.PersonalID]; len(rs) > 1 {
			sort.Slice(rs, func(i, j int) bool {
				if rs[i].File != rs[j].File {
					return rs[i].File < rs[j].File
				}
				return rs[i].Row < rs[j].Row
			})
			out = append(out, Merge{PersonalID: c.PersonalID, Kind: c.Kind, Name: c.Name, Records: rs})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PersonalID < out[j].PersonalID })
	return out
}

// selectMergesSQL: the records of every customer that has two or more.
const selectMergesSQL = `SELECT r.personal_id, COALESCE(c.kind, ''), COALESCE(c.name, ''), r.source, r.source_key, r.file, r.row_num, r.data
	FROM records r LEFT JOIN cards c ON c.personal_id = r.personal_id
	WHERE r.personal_id IN (SELECT personal_id FROM records GROUP BY personal_id HAVING count(*) > 1)
	ORDER BY r.personal_id, r.file, r.row_num, r.source, r.source_key`

// Merges streams each customer of two or more stored records, with them.
func (t Tables) Merges(ctx context.Context) iter.Seq2[Merge, error] {
	return func(yield func(Merge, error) bool) {
		rows, done, err := t.Query(ctx, selectMergesSQL)
		if err != nil {
			yield(Merge{}, fmt.Errorf("read merges: %w", err))
			return
		}
		defer done()
		var cur Merge
		for rows.Next() {
			var id, kind, name, data string
			var r MergedRecord
			if err := rows.Scan(&id, &kind, &name, &r.Source, &r.Key, &r.File, &r.Row, &data); err != nil {
				yield(Merge{}, fmt.Errorf("read merges: %w", err))
				return
			}
			rec := crmkit.Record{Source: r.Source, Key: r.Key}
			if err := decodeRecord(data, &rec); err != nil {
				yield(Merge{}, fmt.Errorf("read merges: %w", err))
				return
			}
			r.Kind, r.Name = rec.Kind, rec.Fields[crmkit.FieldName]
			if id != cur.PersonalID {
				if cur.PersonalID != "" && !yield(cur, nil) {
					return
				}
				cur = Merge{PersonalID: id, Kind: crmkit.Kind(kind), Name: name}
			}
			cur.Records = append(cur.Records, r)
		}
		if err := rows.Err(); err != nil {
			yield(Merge{}, fmt.Errorf("read merges: %w", err))
			return
		}
		if cur.PersonalID != "" {
			yield(cur, nil)
		}
	}
}

// masker hides personal values unless the report may show them: an
// organisation's name shows, a person's does not; phones and e-mails keep
// what lets a person recognise them (+7495*****67, i***@mail.ru).
type masker struct{ show bool }

func (m masker) name(kind crmkit.Kind, v string) string {
	if m.show || kind == crmkit.KindOrganization {
		return v
	}
	return crmkit.MaskText(v)
}

func (m masker) text(v string) string {
	if m.show {
		return v
	}
	return crmkit.MaskText(v)
}

func (m masker) digits(v string) string {
	if m.show {
		return v
	}
	return crmkit.MaskPhone(v)
}

// list masks each of "; "-joined values with f.
func (m masker) list(vs []string, f func(string) string) string {
	if !m.show {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = f(v)
		}
		vs = out
	}
	return strings.Join(vs, "; ")
}

func (m masker) phones(vs []string) string { return m.list(vs, crmkit.MaskPhone) }
func (m masker) emails(vs []string) string { return m.list(vs, crmkit.MaskEmail) }

// splitList splits a "; "-joined cell of a review row.
func splitList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, "; ")
}

// StoreReport gathers the report of a store: run runID's files, problems
// and review pairs (0: the latest run that read files), and the store's
// customers, merges and ABC classes as they are now.
func StoreReport(ctx context.Context, s Store, runID int64, th ABCThresholds) (Report, error) {
	var rep Report
	found := false
	for r, err := range s.Runs(ctx) {
		if err != nil {
			return rep, err
		}
		if (runID == 0 && len(r.Files) > 0) || r.ID == runID {
			rep.Run, found = r, true
		}
	}
	if runID != 0 && !found {
		return rep, fmt.Errorf("no run %d in the store (crmkit runs list names them)", runID)
	}
	if rep.Run.ID > 0 {
		var err error
		if rep.Problems, err = collect(s.Problems(ctx, rep.Run.ID)); err != nil {
			return rep, err
		}
		if rep.Review, err = collect(s.Review(ctx, rep.Run.ID)); err != nil {
			return rep, err
		}
		sourceOf := map[string]string{}
		for l, err := range s.Rows(ctx) {
			if err != nil {
				return rep, err
			}
			sourceOf[l.File] = l.Source
		}
		rep.Sources = SourceStats(rep.Run.Files, sourceOf, rep.Problems)
	}
	var err error
	if rep.Cards, err = collect(s.Cards(ctx)); err != nil {
		return rep, err
	}
	if rep.Merges, err = collect(s.Merges(ctx)); err != nil {
		return rep, err
	}
	for _, m := range rep.Merges {
		rep.Records += len(m.Records)
	}
	// Every other customer is one record.
	rep.Customers = len(rep.Cards)
	rep.Records += rep.Customers - len(rep.Merges)
	rep.Duplicates = rep.Records - rep.Customers
	if rep.ABC, err = s.ABC(ctx, th); err != nil {
		return rep, err
	}
	return rep, nil
}

func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
