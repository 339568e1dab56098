package normalize

import (
	"testing"

	"github.com/crmkit/crmkit"
)

// Each fuzz test checks that no input panics a normaliser and that
// cleaning a cleaned value changes nothing.

func FuzzPersonName(f *testing.F) {
	for _, s := range []string{"ИВАНОВ иван иванович", "И.И. Иванов", "Алиев Рашид Гасан оглы", "Ивaнов", "-", "..", "a.b.c.", "оглы", "Петров-водкин"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, _ := PersonName(raw)
		again, _ := PersonName(p.Full)
		if again.Full != p.Full || again.Key != p.Key {
			t.Fatalf("PersonName(%q) = %q, again %q", raw, p.Full, again.Full)
		}
	})
}

func FuzzOrgName(f *testing.F) {
	for _, s := range []string{`ООО «Ромашка»`, `"РОМАШКА", ООО`, `ООО "Торговый дом "Ромашка""`, `ИП Иванов И.И.`, `«»`, `"`, `ООО «`, `АО АО`, `'''`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		o, _ := OrgName(raw)
		if o.Full == "" {
			return // reported as org.empty_name
		}
		again, _ := OrgName(o.Full)
		if again.Full != o.Full || again.Key != o.Key || again.LegalForm != o.LegalForm {
			t.Fatalf("OrgName(%q) = %q %q %q, again %q %q %q", raw, o.Full, o.LegalForm, o.Key, again.Full, again.LegalForm, again.Key)
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"12.03.2021", "12.03.21", "2021-03-12T10:00", "12 марта 2021 г.", "44267", "0", "99999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, _ := Date(raw)
		if d == "" {
			return
		}
		if again, ps := Date(d); again != d || len(ps) > 0 {
			t.Fatalf("Date(%q) = %q, again %q %v", raw, d, again, ps)
		}
	})
}

func FuzzMoney(f *testing.F) {
	for _, s := range []string{"1 234 567,89 руб.", "(1 000)", "1.234.567,89", "1,234", "-", "()", "--1", ".5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		m, _ := Money(raw)
		if m == "" {
			return
		}
		if again, ps := Money(m); again != m || len(ps) > 0 {
			t.Fatalf("Money(%q) = %q, again %q %v", raw, m, again, ps)
		}
	})
}

func FuzzRegistryNumbers(f *testing.F) {
	for _, s := range []string{"1027700132195", "304500116000157", "112-233-445 95", "773601001", "7736AB001", "1e99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for name, clean := range map[string]func(string) (string, []crmkit.Problem){"OGRN": OGRN, "SNILS": SNILS, "KPP": KPP} {
			v, _ := clean(raw)
			if v == "" {
				continue
			}
			if again, ps := clean(v); again != v || len(ps) > 0 {
				t.Fatalf("%s(%q) = %q, again %q %v", name, raw, v, again, ps)
			}
		}
	})
}
