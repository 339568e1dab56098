package normalize

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
)

// Problem codes of registration numbers.
const (
	OGRNBadLength    = "ogrn.bad_length"    // not 13 (ОГРН) or 15 (ОГРНИП) digits
	OGRNBadChecksum  = "ogrn.bad_checksum"  // the control digit does not hold
	SNILSBadLength   = "snils.bad_length"   // not 11 digits
	SNILSBadChecksum = "snils.bad_checksum" // the control number does not hold
	INNKindMismatch  = "inn.kind_mismatch"  // a company's 10-digit INN on a person, or the reverse
)

// OGRN checks a primary state registration number: 13 digits for an
// organisation (ОГРН), 15 for an individual entrepreneur (ОГРНИП).
func OGRN(raw string) (string, []crmkit.Problem) {
	d, ok := registryDigits(raw)
	if d == "" && ok {
		return "", nil
	}
	bad := func(code, format string, args ...any) (string, []crmkit.Problem) {
		return "", []crmkit.Problem{{Field: crmkit.FieldOGRN, Code: code, Severity: crmkit.SeverityError, Message: fmt.Sprintf(format, args...)}}
	}
	if !ok || (len(d) != 13 && len(d) != 15) {
		return bad(OGRNBadLength, "OGRN %s has %d digits, want 13 or 15", maskINN(d), len(d))
	}
	if !ValidOGRN(d) {
		return bad(OGRNBadChecksum, "OGRN %s fails its checksum", maskINN(d))
	}
	return d, nil
}

// ValidOGRN: the last digit is the rest of the number modulo 11 (ОГРН) or
// 13 (ОГРНИП), modulo 10.
func ValidOGRN(d string) bool {
	mod := uint64(11)
	if len(d) == 15 {
		mod = 13
	} else if len(d) != 13 {
		return false
	}
	n, err := strconv.ParseUint(d[:len(d)-1], 10, 64)
	return err == nil && byte(n%mod%10)+'0' == d[len(d)-1]
}

// SNILS checks a personal insurance account number, "123-456-789 64".
func SNILS(raw string) (string, []crmkit.Problem) {
	d, ok := registryDigits(raw)
	if d == "" && ok {
		return "", nil
	}
	bad := func(code, format string, args ...any) (string, []crmkit.Problem) {
		return "", []crmkit.Problem{{Field: "snils", Code: code, Severity: crmkit.SeverityError, Message: fmt.Sprintf(format, args...)}}
	}
	if !ok || len(d) != 11 {
		return bad(SNILSBadLength, "SNILS has %d digits, want 11", len(d))
	}
	if !ValidSNILS(d) {
		return bad(SNILSBadChecksum, "SNILS %s fails its checksum", d[:3]+"-***-*** **")
	}
	return d[:3] + "-" + d[3:6] + "-" + d[6:9] + " " + d[9:], nil
}

// ValidSNILS: the first nine digits weighted 9…1, summed, taken modulo 101
// (100 counts as 00) give the last two. Numbers up to 001-001-998 carry no
// control number.
func ValidSNILS(d string) bool {
	if len(d) != 11 || digitsOf(d) != d {
		return false
	}
	if d[:9] <= "001001998" {
		return true
	}
	sum := 0
	for i := range 9 {
		sum += int(d[i]-'0') * (9 - i)
	}
	sum %= 101
	if sum == 100 {
		sum = 0
	}
	return fmt.Sprintf("%02d", sum) == d[9:]
}

// registryDigits strips separators; ok is false when something other than
// digits and separators is written.
func registryDigits(raw string) (string, bool) {
	s := strings.TrimSpace(ExcelNumber(raw))
	d := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	return d, digitsOf(d) == d
}

// CheckINNKind cross-checks a valid INN's length with what the name says the
// customer is: 10 digits belong to organisations, 12 to people and ИП.
func CheckINNKind(inn string, kind crmkit.Kind) []crmkit.Problem {
	mismatch := (len(inn) == innOrgLength && kind == crmkit.KindPerson) ||
		(len(inn) == innPersonLength && kind == crmkit.KindOrganization)
	if !mismatch {
		return nil
	}
	return []crmkit.Problem{{Field: crmkit.FieldINN, Code: INNKindMismatch, Severity: crmkit.SeverityWarning,
		Message: fmt.Sprintf("INN %s has %d digits but the name is a%s", maskINN(inn), len(inn), map[crmkit.Kind]string{
			crmkit.KindPerson: " person's", crmkit.KindOrganization: "n organisation's"}[kind])}}
}
