package normalize

import (
	"testing"

	"github.com/crmkit/crmkit"
)

func TestOGRN(t *testing.T) {
	for raw, want := range map[string]string{
		"1027700132195":     "1027700132195", // Sberbank
		"1027700132196":     "",
		"304500116000157":   "304500116000157", // an ОГРНИП
		"304500116000158":   "",
		"102770013219":      "",
		"1.027700132195E12": "1027700132195",
		"":                  "",
	} {
		if got, _ := OGRN(raw); got != want {
			t.Errorf("OGRN(%q) = %q, want %q", raw, got, want)
		}
	}
	if _, ps := OGRN("1027700132196"); !hasCode(ps, OGRNBadChecksum) {
		t.Errorf("bad checksum not reported: %v", ps)
	}
	if _, ps := OGRN("12345"); !hasCode(ps, OGRNBadLength) {
		t.Errorf("bad length not reported: %v", ps)
	}
}

func TestSNILS(t *testing.T) {
	for raw, want := range map[string]string{
		"112-233-445 95": "112-233-445 95",
		"11223344595":    "112-233-445 95",
		"112-233-445 96": "",
		"001-001-997 00": "001-001-997 00", // before control numbers
		"1122334459":     "",
	} {
		if got, _ := SNILS(raw); got != want {
			t.Errorf("SNILS(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestCheckINNKind(t *testing.T) {
	if ps := CheckINNKind("7707083893", crmkit.KindPerson); !hasCode(ps, INNKindMismatch) {
		t.Errorf("company INN on a person not reported")
	}
	if ps := CheckINNKind("500100732259", crmkit.KindOrganization); !hasCode(ps, INNKindMismatch) {
		t.Errorf("person INN on a company not reported")
	}
	if ps := CheckINNKind("500100732259", crmkit.KindPerson); len(ps) > 0 {
		t.Errorf("unexpected %v", ps)
	}
}
