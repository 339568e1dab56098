package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
)

// Column headers of the CSV outputs; scripts rely on them.
var (
	CardColumns    = []string{"personal_id", "kind", "name", "last_name", "first_name", "middle_name", "org_name", "legal_form", "inn", "kpp", "phones", "emails", "address", "city"}
	LinkColumns    = []string{"personal_id", "source", "source_key", "file", "row"}
	ProblemColumns = []string{"file", "row", "field", "code", "severity", "message"}
)

// WriteCardsCSV writes one line per card; phones (E.164, "доб." for an
// extension) and e-mails are joined with "; ".
func WriteCardsCSV(w io.Writer, cards iter.Seq2[crmkit.Card, error]) (int, error) {
	return writeCSV(w, CardColumns, cards, func(c crmkit.Card) []string {
		var phones, emails []string
		for _, cp := range c.ContactPoints {
			switch cp.Type {
			case crmkit.ContactPhone:
				v := cp.Value
				if cp.Extension != "" {
					v += " доб. " + cp.Extension
				}
				phones = append(phones, v)
			case crmkit.ContactEmail:
				emails = append(emails, cp.Value)
			}
		}
		return []string{c.PersonalID, string(c.Kind), c.Name, c.LastName, c.FirstName, c.MiddleName, c.OrgName,
			c.LegalForm, c.INN, c.KPP, strings.Join(phones, "; "), strings.Join(emails, "; "), c.Address, c.City}
	})
}

// WriteLinksCSV writes personal_id,source,source_key,file,row.
func WriteLinksCSV(w io.Writer, links iter.Seq2[crmkit.Link, error]) (int, error) {
	return writeCSV(w, LinkColumns, links, func(l crmkit.Link) []string {
		return []string{l.PersonalID, l.Source, l.SourceKey, l.File, strconv.Itoa(l.Row)}
	})
}

// WriteProblemsCSV writes one line per problem.
func WriteProblemsCSV(w io.Writer, problems iter.Seq2[crmkit.Problem, error]) (int, error) {
	return writeCSV(w, ProblemColumns, problems, func(p crmkit.Problem) []string {
		return []string{p.File, strconv.Itoa(p.Row), p.Field, p.Code, string(p.Severity), p.Message}
	})
}

func writeCSV[T any](w io.Writer, header []string, rows iter.Seq2[T, error], line func(T) []string) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	n := 0
	for v, err := range rows {
		if err != nil {
			return n, err
		}
		if err := cw.Write(line(v)); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("write csv: %w", err)
	}
	return n, nil
}

// Slice turns a slice into the stream the writers take.
func Slice[T any](s []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}
