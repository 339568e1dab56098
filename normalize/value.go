package normalize

import (
	"strings"

	"github.com/crmkit/crmkit"
)

// Cleanable reports whether Value cleans a field one cell at a time.
func Cleanable(field string) bool {
	switch field {
	case crmkit.FieldPhone, crmkit.FieldEmail:
		return true
	}
	for _, f := range singleValued {
		if f.name == field {
			return true
		}
	}
	return false
}

// Value cleans one cell of a field on its own: phones as E.164 ("доб. N"
// for an extension) and e-mails joined with "; ", tax and registration
// numbers, dates and amounts. Other fields come back trimmed.
func Value(field, raw string, opt Options) (string, []crmkit.Problem) {
	switch field {
	case crmkit.FieldPhone:
		phones, problems := opt.Memo.Phones(raw, opt.Phone)
		out := make([]string, len(phones))
		for i, p := range phones {
			out[i] = p.E164
			if p.Extension != "" {
				out[i] += " доб. " + p.Extension
			}
		}
		return strings.Join(out, "; "), problems
	case crmkit.FieldEmail:
		emails, problems := Emails(raw)
		return strings.Join(emails, "; "), problems
	}
	for _, f := range singleValued {
		if f.name == field {
			return f.clean(raw)
		}
	}
	return strings.TrimSpace(collapseSpaces(raw)), nil
}
