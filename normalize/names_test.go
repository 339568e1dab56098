package normalize

import (
	"github.com/crmkit/crmkit"
	"strings"
	"testing"
)

func TestOrgName(t *testing.T) {
	tests := []struct {
		raw, full, form, key string
	}{
		{`ООО «Ромашка»`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`Ромашка ООО`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`"РОМАШКА", ООО`, `ООО «РОМАШКА»`, "ООО", "ромашка"},
		{`ООО "Ромашка"`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`ООО ""Ромашка""`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`ООО „Ромашка“`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`ООО “Ромашка”`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`ООО 'Ромашка'`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`ооо ромашка`, `ООО «ромашка»`, "ООО", "ромашка"},
		{`Общество с ограниченной ответственностью "Ромашка"`, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «РОМАШКА»`, `ООО «РОМАШКА»`, "ООО", "ромашка"},
		{`  ООО   «Ромашка»  `, `ООО «Ромашка»`, "ООО", "ромашка"},
		{`ООО «Ромашка-М»`, `ООО «Ромашка-М»`, "ООО", "ромашка м"},
		{`ООО «Торговый дом «Ромашка»»`, `ООО «Торговый дом «Ромашка»»`, "ООО", "тд ромашка"},
		{`ООО "Торговый дом "Ромашка""`, `ООО «Торговый дом «Ромашка»»`, "ООО", "тд ромашка"},
		{`АО «Северный ветер»`, `АО «Северный ветер»`, "АО", "северный ветер"},
		{`Акционерное общество "Северный ветер"`, `АО «Северный ветер»`, "АО", "северный ветер"},
		{`ПАО "Сбербанк России"`, `ПАО «Сбербанк России»`, "ПАО", "сбербанк россии"},
		{`Публичное акционерное общество «Сбербанк России»`, `ПАО «Сбербанк России»`, "ПАО", "сбербанк россии"},
		{`ЗАО «Вектор»`, `ЗАО «Вектор»`, "ЗАО", "вектор"},
		{`Закрытое акционерное общество Вектор`, `ЗАО «Вектор»`, "ЗАО", "вектор"},
		{`ОАО «Гранит»`, `ОАО «Гранит»`, "ОАО", "гранит"},
		{`Открытое акционерное общество «Гранит»`, `ОАО «Гранит»`, "ОАО", "гранит"},
		{`НАО «Орбита»`, `НАО «Орбита»`, "НАО", "орбита"},
		{`ГУП «Мосгортранс»`, `ГУП «Мосгортранс»`, "ГУП", "мосгортранс"},
		{`ГУП г. Москвы «Мосгортранс»`, `ГУП «г. Москвы «Мосгортранс»»`, "ГУП", "г москвы мосгортранс"},
		{`МУП «Водоканал»`, `МУП «Водоканал»`, "МУП", "водоканал"},
		{`ФГУП «Почта России»`, `ФГУП «Почта России»`, "ФГУП", "почта россии"},
		{`Федеральное государственное унитарное предприятие "Почта России"`, `ФГУП «Почта России»`, "ФГУП", "почта россии"},
		{`АНО «Центр развития»`, `АНО «Центр развития»`, "АНО", "центр развития"},
		{`ТСЖ «Полевая 1»`, `ТСЖ «Полевая 1»`, "ТСЖ", "полевая 1"},
		{`Товарищество собственников жилья "Полевая 1"`, `ТСЖ «Полевая 1»`, "ТСЖ", "полевая 1"},
		{`КФХ Петров`, `КФХ «Петров»`, "КФХ", "петров"},
		{`Глава КФХ Петров`, `КФХ «Петров»`, "КФХ", "петров"},
		{`СНТ «Берёзка»`, `СНТ «Берёзка»`, "СНТ", "березка"},
		{`ООО «АО Технологии»`, `ООО «АО Технологии»`, "ООО", "ао технологии"},
		{`Аосталь`, `Аосталь`, "", "аосталь"},
		{`Випсервис`, `Випсервис`, "", "випсервис"},
		{`Ромашка`, `Ромашка`, "", "ромашка"},
		{`Romashka LLC`, `Romashka LLC`, "LLC", "romashka"},
		{`Siemens GmbH`, `Siemens GmbH`, "GmbH", "siemens"},
		{`ООО.`, ``, "ООО", ""},
		{`ИП Иванов Иван Иванович`, `ИП Иванов Иван Иванович`, "ИП", "иванов иван иванович"},
		{`Индивидуальный предприниматель ИВАНОВ ИВАН ИВАНОВИЧ`, `ИП Иванов Иван Иванович`, "ИП", "иванов иван иванович"},
		{`Иванов Иван Иванович ИП`, `ИП Иванов Иван Иванович`, "ИП", "иванов иван иванович"},
		{`ИП Иванов И.И.`, `ИП Иванов И. И.`, "ИП", "иванов и и"},
		{`OOO «Ромaшка»`, `ООО «Ромашка»`, "ООО", "ромашка"}, // Latin "OOO" and "a"
		{`ООО «Бета-Софт»`, `ООО «Бета-Софт»`, "ООО", "бета софт"},
	}
	for _, tt := range tests {
		got, _ := OrgName(tt.raw)
		if got.Full != tt.full || got.LegalForm != tt.form || got.Key != tt.key {
			t.Errorf("OrgName(%q) = %q %q %q, want %q %q %q", tt.raw, got.Full, got.LegalForm, got.Key, tt.full, tt.form, tt.key)
			continue
		}
		if again, _ := OrgName(got.Full); again.Full != got.Full || again.Key != got.Key {
			t.Errorf("OrgName is not idempotent: %q → %q → %q", tt.raw, got.Full, again.Full)
		}
	}
	if o, ps := OrgName("ООО"); !hasCode(ps, OrgEmptyName) || o.Core != "" {
		t.Errorf("OrgName(ООО) = %+v %v", o, ps)
	}
	if o, _ := OrgName("ИП Петрова Анна Сергеевна"); o.Person == nil || o.Person.Gender != GenderFemale {
		t.Errorf("ИП person: %+v", o.Person)
	}
}

func TestPersonName(t *testing.T) {
	tests := []struct {
		raw, last, first, middle, gender string
	}{
		{"Иванов Иван Иванович", "Иванов", "Иван", "Иванович", GenderMale},
		{"ИВАНОВ ИВАН ИВАНОВИЧ", "Иванов", "Иван", "Иванович", GenderMale},
		{"иванов иван иванович", "Иванов", "Иван", "Иванович", GenderMale},
		{"ИВАНОВ иван", "Иванов", "Иван", "", GenderMale},
		{"  Иванов   Иван  Иванович ", "Иванов", "Иван", "Иванович", GenderMale},
		{"Иван Иванович Иванов", "Иванов", "Иван", "Иванович", GenderMale},
		{"Иван Иванов", "Иванов", "Иван", "", GenderMale},
		{"Иванов Иван", "Иванов", "Иван", "", GenderMale},
		{"Иванов И.И.", "Иванов", "И.", "И.", GenderMale},
		{"Иванов И. И.", "Иванов", "И.", "И.", GenderMale},
		{"Иванов И.И", "Иванов", "И.", "И.", GenderMale},
		{"И.И. Иванов", "Иванов", "И.", "И.", GenderMale},
		{"И. И. Иванов", "Иванов", "И.", "И.", GenderMale},
		{"Иванова А.С.", "Иванова", "А.", "С.", GenderFemale},
		{"Петрова Мария Ивановна", "Петрова", "Мария", "Ивановна", GenderFemale},
		{"Мария Петрова", "Петрова", "Мария", "", GenderFemale},
		{"Кузьмина Анна Ильинична", "Кузьмина", "Анна", "Ильинична", GenderFemale},
		{"Петров-Водкин Кузьма Сергеевич", "Петров-Водкин", "Кузьма", "Сергеевич", GenderMale},
		{"петров-водкин кузьма", "Петров-Водкин", "Кузьма", "", GenderMale},
		{"Алиев Рашид Гасан оглы", "Алиев", "Рашид", "Гасан оглы", GenderMale},
		{"Мамедова Лейла Ахмед кызы", "Мамедова", "Лейла", "Ахмед кызы", GenderFemale},
		{"АЛИЕВ РАШИД ГАСАН ОГЛЫ", "Алиев", "Рашид", "Гасан оглы", GenderMale},
		{"Фёдоров Пётр Семёнович", "Фёдоров", "Пётр", "Семёнович", GenderMale},
		{"Ивaнов Иван Ивaнович", "Иванов", "Иван", "Иванович", GenderMale}, // Latin "a"
		{"Соколов", "Соколов", "", "", GenderMale},
		{"Римский-Корсаков Николай Андреевич", "Римский-Корсаков", "Николай", "Андреевич", GenderMale},
		{"Салтыков Щедрин Михаил Евграфович", "Салтыков Щедрин", "Михаил", "Евграфович", GenderMale},
		{"Ким Ен Хо", "Ким", "Ен", "Хо", ""},
	}
	for _, tt := range tests {
		got, _ := PersonName(tt.raw)
		if got.Last != tt.last || got.First != tt.first || got.Middle != tt.middle || got.Gender != tt.gender {
			t.Errorf("PersonName(%q) = %q|%q|%q %s, want %q|%q|%q %s", tt.raw, got.Last, got.First, got.Middle, got.Gender, tt.last, tt.first, tt.middle, tt.gender)
			continue
		}
		if again, _ := PersonName(got.Full); again != got {
			t.Errorf("PersonName is not idempotent: %q → %+v → %+v", tt.raw, got, again)
		}
	}
	a, _ := PersonName("Фёдоров Пётр")
	b, _ := PersonName("ФЕДОРОВ ПЕТР")
	if a.Key != b.Key || a.Full == b.Full {
		t.Errorf("ё must fold in the key only: %q/%q keys %q/%q", a.Full, b.Full, a.Key, b.Key)
	}
	c, _ := PersonName("Иванов И.И.")
	d, _ := PersonName("Иван Иванович Иванов")
	if c.InitialsKey != d.InitialsKey || c.InitialsKey != "иванов и" {
		t.Errorf("initials keys %q %q", c.InitialsKey, d.InitialsKey)
	}
	if _, ps := PersonName("Ивaнов"); !hasCode(ps, NameMixedScript) {
		t.Errorf("mixed script not reported: %v", ps)
	}
	if p, ps := PersonName("Smith Jоhn"); p.First != "John" || !hasCode(ps, NameMixedScript) { // Cyrillic "о" in a Latin word
		t.Errorf("reverse mixed script: %+v %v", p, ps)
	}
}

// Names given in separate columns keep the parts the columns say: a
// two-word surname is not re-read as surname and first name.
func TestRecordNameFromColumns(t *testing.T) {
	for _, tt := range []struct {
		last, first, middle       string
		wantName, wantLast, wantF string
	}{
		{"dalo ia", "edward", "", "Dalo Ia Edward", "Dalo Ia", "Edward"},
		{"ИВАНОВА", "анна", "Сергеевна", "Иванова Анна Сергеевна", "Иванова", "Анна"},
		{"Петров-Водкин", "Кузьма", "", "Петров-Водкин Кузьма", "Петров-Водкин", "Кузьма"},
	} {
		raw := crmkit.Record{Source: "t", Key: "1", Fields: map[string]string{
			crmkit.FieldLastName: tt.last, crmkit.FieldFirstName: tt.first, crmkit.FieldMiddleName: tt.middle}}
		rec, _ := Record(raw, Options{Phone: PhoneOptions{Region: "RU"}})
		f := rec.Fields
		if f[crmkit.FieldName] != tt.wantName || f[crmkit.FieldLastName] != tt.wantLast || f[crmkit.FieldFirstName] != tt.wantF {
			t.Errorf("%q %q %q: name %q, last %q, first %q", tt.last, tt.first, tt.middle, f[crmkit.FieldName], f[crmkit.FieldLastName], f[crmkit.FieldFirstName])
		}
		if rec.Kind != crmkit.KindPerson || rec.NameKey == "" {
			t.Errorf("%q: kind %q, key %q", tt.wantName, rec.Kind, rec.NameKey)
		}
	}
}

// Invisible format characters (a right-to-left override, zero-width
// spaces) never reach a name, and a word with no letters is no part of it.
func TestNameFormatCharactersAndSymbols(t *testing.T) {
	for raw, want := range map[string]string{
		"\u202eИванов\u202c Иван Иванович":       "Иванов Иван Иванович",
		"Иванов\u200b Иван\u200d Иванович\ufeff": "Иванов Иван Иванович",
		"Иванов 😀 Иван":                          "Иванов Иван",
		"*** Петров Пётр":                        "Петров Пётр",
	} {
		rec, problems := Record(crmkit.Record{Source: "t", Key: "1", Kind: crmkit.KindPerson, Fields: map[string]string{crmkit.FieldName: raw}},
			Options{Phone: PhoneOptions{Region: "RU"}})
		if got := rec.Fields[crmkit.FieldName]; got != want {
			t.Errorf("%q: name %q, want %q", raw, got, want)
		}
		if rec.NameKey != strings.ToLower(strings.ReplaceAll(want, "ё", "е")) {
			t.Errorf("%q: key %q", raw, rec.NameKey)
		}
		hasSymbols := false
		for _, p := range problems {
			hasSymbols = hasSymbols || p.Code == NameHasSymbols
		}
		if wantSymbols := strings.ContainsAny(raw, "😀*"); hasSymbols != wantSymbols {
			t.Errorf("%q: problems %v", raw, problems)
		}
	}
}

// A name of unknown kind is mostly a business written without its legal
// form: its key folds as an organisation's does.
func TestUnknownKindNameKey(t *testing.T) {
	for raw, want := range map[string]string{
		"The Art's Café & Grill": "arts cafe and grill",
		"Arts Cafe and Grill":    "arts cafe and grill",
		"Торговый дом Север":     "тд север",
	} {
		rec, _ := Record(crmkit.Record{Source: "t", Key: "1", Fields: map[string]string{crmkit.FieldName: raw}}, Options{})
		if rec.Kind != crmkit.KindUnknown || rec.NameKey != want {
			t.Errorf("%q: kind %q, key %q, want unknown %q", raw, rec.Kind, rec.NameKey, want)
		}
	}
}

// Where given names come first, a Latin-script name is read so; Cyrillic
// names and Russian-register regions keep the surname first.
func TestPersonNameIn(t *testing.T) {
	for _, c := range []struct {
		raw, region               string
		full, last, first, middle string
	}{
		{"John Smith", "US", "John Smith", "Smith", "John", ""},
		{"JOHN A. SMITH", "US", "John A. Smith", "Smith", "John", "A."},
		{"Smith, John A.", "US", "John A. Smith", "Smith", "John", "A."},
		{"Mary Ann Van Buren", "GB", "Mary Ann Van Buren", "Buren", "Mary", "Ann Van"},
		{"Van Buren, Mary Ann", "GB", "Mary Ann Van Buren", "Van Buren", "Mary", "Ann"},
		{"Smith", "US", "Smith", "Smith", "", ""},
		{"Иванов Иван Иванович", "US", "Иванов Иван Иванович", "Иванов", "Иван", "Иванович"},
		{"Ivanov Ivan", "RU", "Ivanov Ivan", "Ivanov", "Ivan", ""},
		{"John Smith", "", "John Smith", "John", "Smith", ""}, // no region: Russian registers' order, surname first
	} {
		p, _ := PersonNameIn(c.raw, c.region)
		if p.Full != c.full || p.Last != c.last || p.First != c.first || p.Middle != c.middle {
			t.Errorf("PersonNameIn(%q, %q) = %q (last %q, first %q, middle %q), want %q (%q, %q, %q)",
				c.raw, c.region, p.Full, p.Last, p.First, p.Middle, c.full, c.last, c.first, c.middle)
		}
	}
	// One person however the name is written: the same keys.
	a, _ := PersonNameIn("John Smith", "US")
	b, _ := PersonNameIn("Smith, John", "US")
	c, _ := PersonPartsIn("Smith", "John", "", "US")
	if a.Key != b.Key || a.Key != c.Key || a.InitialsKey != "smith j" || b.InitialsKey != a.InitialsKey || c.Full != "John Smith" {
		t.Errorf("keys %q/%q/%q, initials %q/%q, parts %q", a.Key, b.Key, c.Key, a.InitialsKey, b.InitialsKey, c.Full)
	}
}

// --region reaches the name: a record read with region US has its given
// name first.
func TestRecordNameInRegion(t *testing.T) {
	in := crmkit.Record{Kind: crmkit.KindPerson, Fields: map[string]string{crmkit.FieldName: "Smith, John"}}
	us, _ := Record(in, Options{Phone: PhoneOptions{Region: "US"}})
	if f := us.Fields; f[crmkit.FieldName] != "John Smith" || f[crmkit.FieldFirstName] != "John" || f[crmkit.FieldLastName] != "Smith" {
		t.Errorf("region US: %v", f)
	}
	in = crmkit.Record{Kind: crmkit.KindPerson, Fields: map[string]string{crmkit.FieldName: "Smith, John"}}
	ru, _ := Record(in, Options{})
	if f := ru.Fields; f[crmkit.FieldLastName] != "Smith" || f[crmkit.FieldName] != "Smith John" {
		t.Errorf("no region: %v", f)
	}
}

// A control character that is not a space (NUL from a broken export, an
// escape from a terminal) reaches no field: PostgreSQL's text and JSON
// cannot hold a NUL, and none of them shows anything.
func TestControlCharactersDropped(t *testing.T) {
	rec, _ := Record(crmkit.Record{Source: "t", Key: "1", Kind: crmkit.KindPerson, Fields: map[string]string{
		crmkit.FieldName:    "Ива\x00нов Иван\x1b Иванович",
		crmkit.FieldComment: "звонить\x00 после\x01 обеда\tв пятницу",
		crmkit.FieldCity:    "\x7fТверь",
	}}, Options{Phone: PhoneOptions{Region: "RU"}})
	for f, want := range map[string]string{
		crmkit.FieldName:    "Иванов Иван Иванович",
		crmkit.FieldComment: "звонить после обеда в пятницу",
		crmkit.FieldCity:    "Тверь",
	} {
		if got := rec.Fields[f]; got != want {
			t.Errorf("%s: %q, want %q", f, got, want)
		}
	}
}
