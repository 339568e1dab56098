package normalize

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/crmkit/crmkit"
)

// Problem codes of e-mails.
const (
	EmailInvalid    = "email.invalid"     // fails the syntax check
	EmailDomainTypo = "email.domain_typo" // one letter away from a popular domain: a suggestion, not a change
)

// popularOrder lists the mail services most Russian customers use, and the
// real domains that look like them (mail.com is not a typo of gmail.com).
var popularOrder = strings.Fields(`mail.ru bk.ru inbox.ru list.ru internet.ru yandex.ru ya.ru yandex.com yandex.by
yandex.kz yandex.ua rambler.ru ro.ru lenta.ru autorambler.ru myrambler.ru gmail.com googlemail.com mail.com
yahoo.com hotmail.com outlook.com live.com icloud.com me.com mac.com aol.com protonmail.com proton.me
ukr.net tut.by narod.ru qip.ru pochta.ru`)
var popularDomains = words(strings.Join(popularOrder, " "))

// roleMailboxes are shared by a whole office: they say "this company", never
// "this person", and may not make a match alone.
var roleMailboxes = words(`info office sales admin support mail secretary reception hr buh buhgalter zakaz order
orders manager contact contacts hello priem noreply no-reply post kanc kancelyariya otdel.kadrov marketing
tender tenders snab supply director dir pr press help service`)

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
		if suggestion := DomainSuggestion(a); suggestion != "" {
			problems = append(problems, crmkit.Problem{Field: crmkit.FieldEmail, Code: EmailDomainTypo, Severity: crmkit.SeverityWarning,
				Message: fmt.Sprintf("%s: did you mean @%s?", crmkit.MaskEmail(a), suggestion)})
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

// DomainSuggestion returns the popular domain an address's domain is one
// typo away from ("mail.ri" → "mail.ru", "gmail.con" → "gmail.com"), or "".
func DomainSuggestion(addr string) string {
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	if popularDomains[domain] || len(domain) < 5 {
		return ""
	}
	// The list is in order of popularity: "yandex.ry" is yandex.ru, not yandex.by.
	best, bestDist := "", 2
	for _, d := range popularOrder {
		if len(d) > len(domain)+1 || len(domain) > len(d)+1 {
			continue // two lengths apart: two edits at least (a million addresses: 7.6 s of Levenshtein)
		}
		if dist := levenshtein.ComputeDistance(domain, d); dist < bestDist {
			best, bestDist = d, dist
		}
	}
	if bestDist > 1 {
		return ""
	}
	return best
}

// IsRoleEmail reports whether an address is an office's shared mailbox
// (info@, sales@, office@, …).
func IsRoleEmail(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	return at > 0 && roleMailboxes[addr[:at]]
}
