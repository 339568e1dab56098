package normalize

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/crmkit/crmkit"
)

// EmailInvalid is the problem code of an address that fails the syntax check.
const EmailInvalid = "email.invalid"

// Emails splits a cell into addresses, trims and lower-cases them, drops
// "mailto:" and checks the syntax. Repeats are listed once.
func Emails(raw string) ([]string, []crmkit.Problem) {
	var out []string
	var problems []crmkit.Problem
	parts := strings.FieldsFunc(raw, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '\u00a0'
	})
	for _, part := range parts {
		a := strings.ToLower(strings.Trim(part, "<>()\"'"))
		a = strings.TrimPrefix(a, "mailto:")
		if a == "" {
			continue
		}
		if !validEmail(a) {
			problems = append(problems, crmkit.Problem{Field: crmkit.FieldEmail, Code: EmailInvalid, Severity: crmkit.SeverityError,
				Message: fmt.Sprintf("%s is not an e-mail address", crmkit.MaskEmail(a))})
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == a
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out, problems
}

func validEmail(a string) bool {
	addr, err := mail.ParseAddress(a)
	if err != nil || addr.Address != a || addr.Name != "" {
		return false
	}
	at := strings.LastIndexByte(a, '@')
	domain := a[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.Contains(domain, "..")
}
