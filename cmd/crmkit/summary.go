package main

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/crmkit/crmkit"
)

// summary is what import and dedupe report; under --format json it is one
// JSON document on stdout.
type summary struct {
	Command        string           `json:"command"`
	Files          []crmkit.RunFile `json:"files"`
	Records        int              `json:"records"`
	Problems       int              `json:"problems"`
	Errors         int              `json:"errors"`
	ProblemsByCode map[string]int   `json:"problems_by_code"`
	Cards          int              `json:"cards"`
	CardsCreated   int              `json:"cards_created"`
	CardsUpdated   int              `json:"cards_updated"`
	CardsMerged    int              `json:"cards_merged"`
	Split          int              `json:"cards_split"`
	Duplicates     int              `json:"duplicates_merged"`
	LinksCreated   int              `json:"links_created"`
	Review         int              `json:"review_pairs"`
	Demoted        map[string]int   `json:"demoted_keys,omitempty"` // masked key → records sharing it
	// Retrained are the sources new to the store's match model: the run
	// estimated it anew from every record and recomputed every customer.
	Retrained []string `json:"model_estimated_anew_for,omitempty"`
	RunID     int64    `json:"run_id,omitempty"`
	Store     string   `json:"store,omitempty"`
	OutputDir string   `json:"output_dir,omitempty"`
	DryRun    bool     `json:"dry_run"`
	Committed bool     `json:"committed"`
	MaxErrors int      `json:"max_errors"`
}

func newSummary(command string, fl *flow, maxErrors int) *summary {
	s := &summary{Command: command, Files: fl.Files, Records: len(fl.Records), Problems: len(fl.Problems),
		Errors: fl.Errors, ProblemsByCode: map[string]int{}, MaxErrors: maxErrors}
	for _, p := range fl.Problems {
		s.ProblemsByCode[p.Code]++
	}
	return s
}

func (s *summary) exceeded() bool { return s.MaxErrors >= 0 && s.Errors > s.MaxErrors }

func (s *summary) print(w io.Writer, format string) error {
	if format == "json" {
		return writeJSON(w, s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "read %d rows from %d files\n", s.Records, len(s.Files))
	fmt.Fprintf(&b, "problems: %d (%d errors)\n", s.Problems, s.Errors)
	codes := make([]string, 0, len(s.ProblemsByCode))
	for c := range s.ProblemsByCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "  %-28s %d\n", c, s.ProblemsByCode[c])
	}
	fmt.Fprintf(&b, "cards: %d (%d created, %d updated, %d merged into others)\n", s.Cards, s.CardsCreated, s.CardsUpdated, s.CardsMerged)
	if len(s.Retrained) > 0 {
		fmt.Fprintf(&b, "match model estimated anew for the new source %s: every customer recomputed\n", strings.Join(s.Retrained, ", "))
	}
	if s.Split > 0 {
		fmt.Fprintf(&b, "customers split apart: %d\n", s.Split)
	}
	fmt.Fprintf(&b, "duplicates merged: %d\n", s.Duplicates)
	fmt.Fprintf(&b, "links created: %d\n", s.LinksCreated)
	if len(s.Demoted) > 0 {
		keys := make([]string, 0, len(s.Demoted))
		for k := range s.Demoted {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return s.Demoted[keys[i]] > s.Demoted[keys[j]] || (s.Demoted[keys[i]] == s.Demoted[keys[j]] && keys[i] < keys[j])
		})
		fmt.Fprintf(&b, "keys shared by too many records to make a match (demoted): %d\n", len(keys))
		for i, k := range keys {
			if i == 5 {
				fmt.Fprintf(&b, "  … %d more\n", len(keys)-5)
				break
			}
			fmt.Fprintf(&b, "  %-28s %d records\n", k, s.Demoted[k])
		}
	}
	switch {
	case s.Review == 0:
	case s.OutputDir != "":
		fmt.Fprintf(&b, "pairs to review: %d (%s)\n", s.Review, filepath.Join(s.OutputDir, "review.xlsx"))
	case s.Committed:
		// A command to copy: the store as given (its password hidden), so
		// that it never reads another store, nor creates an empty one.
		fmt.Fprintf(&b, "pairs to review: %d (crmkit export review --store %s -o review.xlsx)\n", s.Review, shellQuote(s.Store))
	default:
		fmt.Fprintf(&b, "pairs to review: %d\n", s.Review)
	}
	switch {
	case s.exceeded():
		fmt.Fprintf(&b, "%d errors exceed --max-errors %d: nothing committed\n", s.Errors, s.MaxErrors)
	case s.DryRun:
		b.WriteString("dry run: nothing committed\n")
	case s.Store != "":
		fmt.Fprintf(&b, "store: %s (run %d)\n", s.Store, s.RunID)
	case s.OutputDir != "":
		fmt.Fprintf(&b, "written to %s\n", s.OutputDir)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maskedDemoted shows demoted keys without the personal data in them.
func maskedDemoted(demoted map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range demoted {
		kind, v, _ := strings.Cut(k, ":")
		switch kind {
		case "phone":
			v = crmkit.MaskPhone(v)
		case "email":
			v = crmkit.MaskEmail(v)
		}
		out[kind+":"+v] += n
	}
	return out
}
