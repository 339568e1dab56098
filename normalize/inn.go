package normalize

import (
	"fmt"
	"strings"

	"github.com/crmkit/crmkit"
)

// Stable problem codes of tax numbers.
const (
	INNBadLength    = "inn.bad_length"
	INNBadChecksum  = "inn.bad_checksum"
	INNNotDigits    = "inn.not_digits"
	INNZeroRestored = "inn.leading_zero_restored"
	KPPBadFormat    = "kpp.bad_format"
)

const (
	innOrgLength    = 10
	innPersonLength = 12
	kppLength       = 9
)

// Control-digit weights of the INN (Order of the Ministry of Taxes BG-3-09/178).
var (
	coef10  = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	coef12a = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	coef12b = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
)

// INN cleans a taxpayer number: 10 digits for an organisation, 12 for a
// person or ИП, checked against its control digits. A 9- or 11-digit value
// is a number cell that lost its leading zero; the zero is put back only
// when the checksum then holds. A value that is not a valid INN comes back
// as "" with a Problem.
func INN(raw string) (string, []crmkit.Problem) {
	s := strings.TrimSpace(ExcelNumber(raw))
	if s == "" {
		return "", nil
	}
	d := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	if digitsOf(d) != d {
		return "", []crmkit.Problem{innProblem(INNNotDigits, crmkit.SeverityError, "INN %q holds characters other than digits", crmkit.MaskText(s))}
	}
	switch len(d) {
	case innOrgLength, innPersonLength:
		if !ValidINN(d) {
			return "", []crmkit.Problem{innProblem(INNBadChecksum, crmkit.SeverityError, "INN %s fails its checksum", maskINN(d))}
		}
		return d, nil
	case innOrgLength - 1, innPersonLength - 1:
		if ValidINN("0" + d) {
			return "0" + d, []crmkit.Problem{innProblem(INNZeroRestored, crmkit.SeverityWarning, "INN %s lost its leading zero; restored", maskINN(d))}
		}
	}
	return "", []crmkit.Problem{innProblem(INNBadLength, crmkit.SeverityError, "INN %s has %d digits, want 10 or 12", maskINN(d), len(d))}
}

func innProblem(code string, sev crmkit.Severity, format string, args ...any) crmkit.Problem {
	return crmkit.Problem{Field: crmkit.FieldINN, Code: code, Severity: sev, Message: fmt.Sprintf(format, args...)}
}

// maskINN: an organisation's INN is public, a person's is not; both are
// shortened alike so that messages do not need to know which is which.
func maskINN(d string) string {
	if len(d) <= 4 {
		return d
	}
	return d[:4] + strings.Repeat("*", len(d)-4)
}

// ValidINN reports whether d (digits only) is a 10- or 12-digit INN whose
// control digits hold.
func ValidINN(d string) bool {
	if digitsOf(d) != d {
		return false
	}
	switch len(d) {
	case innOrgLength:
		return controlDigit(d, coef10) == d[9]
	case innPersonLength:
		return controlDigit(d, coef12a) == d[10] && controlDigit(d, coef12b) == d[11]
	}
	return false
}

func controlDigit(d string, coef []int) byte {
	sum := 0
	for i, c := range coef {
		sum += int(d[i]-'0') * c
	}
	return byte(sum%11%10) + '0'
}

// KPP checks the tax registration reason code: four digits of the tax
// office, two of the reason (digits or capital Latin letters), three digits.
func KPP(raw string) (string, []crmkit.Problem) {
	s := strings.ToUpper(strings.TrimSpace(ExcelNumber(raw)))
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return "", nil
	}
	if len(s) == kppLength-1 && digitsOf(s) == s {
		s = "0" + s // a number cell lost the leading zero
	}
	ok := len(s) == kppLength && digitsOf(s[:4]) == s[:4] && digitsOf(s[6:]) == s[6:]
	for i := 4; ok && i < 6; i++ {
		c := s[i]
		ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
	}
	if !ok {
		return "", []crmkit.Problem{{Field: crmkit.FieldKPP, Code: KPPBadFormat, Severity: crmkit.SeverityError,
			Message: fmt.Sprintf("KPP %q is not 9 characters NNNNPPNNN", crmkit.MaskText(s))}}
	}
	return s, nil
}
