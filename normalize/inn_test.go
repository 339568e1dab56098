package normalize

import (
	"testing"

	"github.com/crmkit/crmkit"
)

func TestINN(t *testing.T) {
	tests := []struct {
		raw, want, problem string
	}{
		{"7707083893", "7707083893", ""},             // Sberbank
		{" 7707 083 893 ", "7707083893", ""},         // spaces
		{"7.707083893E9", "7707083893", ""},          // Excel float
		{"500100732259", "500100732259", ""},         // a person's INN
		{"7707083894", "", INNBadChecksum},           // one digit off
		{"500100732258", "", INNBadChecksum},         // 12 digits, bad second control digit
		{"770708389", "", INNBadLength},              // 9 digits, zero does not help
		{"278020458", "0278020458", INNZeroRestored}, // numeric cell lost the zero
		{"77070838931", "", INNBadLength},
		{"ИНН 7707083893", "", INNNotDigits},
		{"", "", ""},
	}
	for _, tt := range tests {
		got, problems := INN(tt.raw)
		if got != tt.want {
			t.Errorf("INN(%q) = %q, want %q (%v)", tt.raw, got, tt.want, problems)
		}
		if tt.problem != "" && !hasCode(problems, tt.problem) {
			t.Errorf("INN(%q) problems %v, want %s", tt.raw, problems, tt.problem)
		}
		if tt.problem == "" && len(problems) > 0 {
			t.Errorf("INN(%q) unexpected problems %v", tt.raw, problems)
		}
	}
}

func TestKPP(t *testing.T) {
	for raw, want := range map[string]string{"773601001": "773601001", "77360100": "077360100", "7736AB001": "7736AB001", "7736ab001": "7736AB001", "77360": "", "abc": ""} {
		got, problems := KPP(raw)
		if got != want {
			t.Errorf("KPP(%q) = %q, want %q", raw, got, want)
		}
		if want == "" && !hasCode(problems, KPPBadFormat) {
			t.Errorf("KPP(%q) problems %v, want %s", raw, problems, KPPBadFormat)
		}
	}
}

func TestEmails(t *testing.T) {
	tests := []struct {
		raw     string
		want    []string
		problem bool
	}{
		{" Ivan.Petrov@Mail.RU ", []string{"ivan.petrov@mail.ru"}, false},
		{"mailto:info@romashka.ru", []string{"info@romashka.ru"}, false},
		{"a@b.ru; c@d.ru, a@b.ru", []string{"a@b.ru", "c@d.ru"}, false},
		{"<sales@firm.com>", []string{"sales@firm.com"}, false},
		{"ivan@mail", nil, true},
		{"ivan.mail.ru", nil, true},
		{"нет", nil, true},
	}
	for _, tt := range tests {
		got, problems := Emails(tt.raw)
		if len(got) != len(tt.want) {
			t.Errorf("Emails(%q) = %v, want %v", tt.raw, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Emails(%q) = %v, want %v", tt.raw, got, tt.want)
			}
		}
		if tt.problem != hasCode(problems, EmailInvalid) {
			t.Errorf("Emails(%q) problems %v, want problem=%v", tt.raw, problems, tt.problem)
		}
	}
}

func TestRecord(t *testing.T) {
	in := crmkit.Record{Source: "crm", File: "a.csv", Row: 7, Fields: map[string]string{
		crmkit.FieldName:  "  ООО  «Ромашка» ",
		crmkit.FieldINN:   "7707083893",
		crmkit.FieldPhone: "8 (495) 123-45-67 доб. 12, 123-45-68",
		crmkit.FieldEmail: "Ivan@Romashka.ru; info@romashka.ru",
		crmkit.FieldKPP:   "12",
	}}
	out, problems := Record(in, Options{Phone: PhoneOptions{Region: "RU", AreaCode: "495"}})
	if out.Kind != crmkit.KindOrganization {
		t.Errorf("kind %q, want organization", out.Kind)
	}
	if out.Fields[crmkit.FieldName] != "ООО «Ромашка»" {
		t.Errorf("name %q", out.Fields[crmkit.FieldName])
	}
	want := []string{"inn:7707083893", "phone:+74951234567#12", "phone:+74951234568", "email:ivan@romashka.ru"} // info@ is the office's: no key
	if len(out.MatchKeys) != len(want) {
		t.Fatalf("match keys %v, want %v", out.MatchKeys, want)
	}
	for i := range want {
		if out.MatchKeys[i] != want[i] {
			t.Errorf("match key %d = %q, want %q", i, out.MatchKeys[i], want[i])
		}
	}
	if out.Key == "" || out.Key[:2] != "h:" {
		t.Errorf("key %q, want an identity hash", out.Key)
	}
	again, _ := Record(crmkit.Record{Source: "crm", File: "b.csv", Row: 99, Fields: in.Fields}, Options{Phone: PhoneOptions{Region: "RU", AreaCode: "495"}})
	if again.Key != out.Key {
		t.Errorf("the same row in another file got key %q, first %q", again.Key, out.Key)
	}
	if !hasCode(problems, KPPBadFormat) || out.Extra["kpp_invalid"] != "12" {
		t.Errorf("bad KPP not reported/kept: %v %v", problems, out.Extra)
	}
	for _, p := range problems {
		if p.File != "a.csv" || p.Row != 7 {
			t.Errorf("problem without location: %+v", p)
		}
	}
	if in.Fields[crmkit.FieldName] != "  ООО  «Ромашка» " {
		t.Errorf("Record changed its input")
	}
}

func FuzzINN(f *testing.F) {
	for _, s := range []string{"7707083893", "278020458", "7.707083893E9", "1e400", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, _ := INN(raw)
		if got == "" {
			return
		}
		if !ValidINN(got) {
			t.Fatalf("INN(%q) = %q, not valid", raw, got)
		}
		if again, ps := INN(got); again != got || len(ps) > 0 {
			t.Fatalf("INN(%q) = %q, again %q %v", raw, got, again, ps)
		}
	})
}

func FuzzEmails(f *testing.F) {
	for _, s := range []string{"a@b.ru", "mailto:X@Y.COM; z@w.org", "@", "a@@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, _ := Emails(raw)
		for _, e := range got {
			if again, ps := Emails(e); len(again) != 1 || again[0] != e || hasCode(ps, EmailInvalid) {
				t.Fatalf("Emails(%q) gave %q, again %v %v", raw, e, again, ps)
			}
		}
	})
}

func TestInferKind(t *testing.T) {
	for name, want := range map[string]crmkit.Kind{
		"ООО «Ромашка»":           crmkit.KindOrganization,
		"Ромашка ООО":             crmkit.KindOrganization,
		"Romashka LLC":            crmkit.KindOrganization,
		"ИП Кузнецов А.П.":        crmkit.KindPerson,
		"Волкова Ольга Сергеевна": crmkit.KindPerson,
		"Алиев Рашид Гасан оглы":  crmkit.KindPerson,
		"Соколов Денис":           crmkit.KindPerson,
		"Елена Морозова":          crmkit.KindPerson,
		"Денис":                   crmkit.KindUnknown,
		"Кузнецова О.А.":          crmkit.KindPerson,
		"И. И. Иванов":            crmkit.KindPerson,
		"Ромашка Трейд":           crmkit.KindUnknown,
		"Аосталь":                 crmkit.KindUnknown,
	} {
		if got := inferKind(map[string]string{crmkit.FieldName: name}); got != want {
			t.Errorf("inferKind(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestEmailTyposAndRoles(t *testing.T) {
	for addr, want := range map[string]string{
		"ivan@mail.ri":     "mail.ru",
		"ivan@yandex.ry":   "yandex.ru",
		"ivan@gmail.con":   "gmail.com",
		"ivan@gmial.com":   "",
		"ivan@gmai.com":    "gmail.com",
		"ivan@mail.ru":     "",
		"ivan@mail.com":    "",
		"ivan@rambler.ry":  "rambler.ru",
		"ivan@romashka.ru": "",
		"ivan@bk.ry":       "bk.ru",
	} {
		if got := DomainSuggestion(addr); got != want {
			t.Errorf("DomainSuggestion(%q) = %q, want %q", addr, got, want)
		}
	}
	got, ps := Emails("ivan@mail.ri")
	if len(got) != 1 || got[0] != "ivan@mail.ri" || !hasCode(ps, EmailDomainTypo) {
		t.Errorf("a typo is reported, not changed: %v %v", got, ps)
	}
	for addr, want := range map[string]bool{"info@romashka.ru": true, "sales@firm.ru": true, "ivan.info@firm.ru": false, "ivan@info.ru": false} {
		if IsRoleEmail(addr) != want {
			t.Errorf("IsRoleEmail(%q) != %v", addr, want)
		}
	}
}

func TestRecordNames(t *testing.T) {
	opt := Options{Phone: PhoneOptions{Region: "RU"}}
	for _, tt := range []struct {
		fields           map[string]string
		kind             crmkit.Kind
		name, form, last string
	}{
		{map[string]string{"name": `"РОМАШКА", ооо`, "inn": "7707083893"}, crmkit.KindOrganization, "ООО «РОМАШКА»", "ООО", ""},
		{map[string]string{"name": "ИВАНОВ иван иванович"}, crmkit.KindPerson, "Иванов Иван Иванович", "", "Иванов"},
		{map[string]string{"name": "Индивидуальный предприниматель Кузнецов Андрей Петрович", "inn": "500100732259"}, crmkit.KindPerson, "ИП Кузнецов Андрей Петрович", "ИП", "Кузнецов"},
		{map[string]string{"last_name": "петрова", "first_name": "мария"}, crmkit.KindPerson, "Петрова Мария", "", "Петрова"},
	} {
		rec, _ := Record(crmkit.Record{Fields: tt.fields}, opt)
		if rec.Kind != tt.kind || rec.Fields["name"] != tt.name || rec.Fields["legal_form"] != tt.form || rec.Fields["last_name"] != tt.last {
			t.Errorf("Record(%v) = %s %q %q %q", tt.fields, rec.Kind, rec.Fields["name"], rec.Fields["legal_form"], rec.Fields["last_name"])
		}
		again, ps := Record(rec, opt)
		if again.Fields["name"] != rec.Fields["name"] || again.Kind != rec.Kind || again.Key != rec.Key || len(ps) > 0 {
			t.Errorf("Record is not idempotent: %v → %v (%v)", rec.Fields, again.Fields, ps)
		}
	}
	_, ps := Record(crmkit.Record{Fields: map[string]string{"name": "Иванов Иван Иванович", "inn": "7707083893"}}, opt)
	if !hasCode(ps, INNKindMismatch) {
		t.Errorf("a person with a company's INN not reported: %v", ps)
	}
}
