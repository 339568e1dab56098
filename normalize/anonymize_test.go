package normalize

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/nyaruka/phonenumbers"
)

func testAnonymizer(all bool) *Anonymizer {
	return NewAnonymizer([]byte("test key"), AnonymizeOptions{All: all})
}

var anonOpt = Options{Phone: PhoneOptions{Region: "RU", AreaCode: "495"}}

// One person written in every way a customer list writes a name gets one
// fake: each word by its folded form, in the case it was written in.
func TestAnonymizeNameVariantsAgree(t *testing.T) {
	a := testAnonymizer(false)
	key := func(s string) string {
		p, _ := PersonName(a.PersonName(s))
		return p.Key
	}
	want := key("Иванов Иван Иванович")
	for _, s := range []string{"ИВАНОВ ИВАН ИВАНОВИЧ", "иванов иван иванович", "Иван Иванович Иванов", "  Иванов   Иван Иванович "} {
		if got := key(s); got != want {
			t.Errorf("%q → key %q, want %q", s, got, want)
		}
	}
	if got, want := key("Семёнов Пётр"), key("Семенов Петр"); got != want {
		t.Errorf("ё: %q vs %q", got, want)
	}
	// Initials agree with the full name they abbreviate.
	full, _ := PersonName(a.PersonName("Иванов Иван Иванович"))
	short, _ := PersonName(a.PersonName("Иванов И.И."))
	if full.InitialsKey != short.InitialsKey {
		t.Errorf("initials key %q vs %q", short.InitialsKey, full.InitialsKey)
	}
	if got := a.PersonName("ИВАНОВ ИВАН"); got != strings.ToUpper(got) {
		t.Errorf("capitals not kept: %q", got)
	}
}

// A fake keeps the gender and the kind of each word, and no word of the
// name it replaces.
func TestAnonymizeNameShape(t *testing.T) {
	a := testAnonymizer(false)
	for _, tc := range []struct{ in, gender string }{
		{"Иванов Иван Иванович", GenderMale},
		{"Иванова Анна Сергеевна", GenderFemale},
		{"Сокольская Юлия Дмитриевна", GenderFemale},
		{"Сокольский Юрий Ильич", GenderMale},
		{"Шевчук Олег Игоревич", GenderMale},
		{"Ильин Лев Ильич", GenderMale},
		{"Шевчук Ольга Никитична", GenderFemale},
		{"Кузнецов Андрей Петрович", GenderMale},
	} {
		fake := a.PersonName(tc.in)
		orig, _ := PersonName(tc.in)
		p, _ := PersonName(fake)
		if p.Gender != tc.gender || p.Gender != orig.Gender || gender(Person{Last: p.Last}) != gender(Person{Last: orig.Last}) {
			t.Errorf("%q → %q: gender %q (surname %q), want %q", tc.in, fake, p.Gender, gender(Person{Last: p.Last}), tc.gender)
		}
		if p.Last == orig.Last || p.First == orig.First || p.Middle == orig.Middle {
			t.Errorf("%q → %q keeps a word", tc.in, fake)
		}
		if first(p.First) != first(orig.First) || (first(p.Middle) != first(orig.Middle) && !set(ichNames)[a.patronymOf[strings.ToLower(orig.Middle)].base]) {
			t.Errorf("%q → %q: initials changed", tc.in, fake)
		}
		if patronymic.re.MatchString(fake) != patronymic.re.MatchString(tc.in) {
			t.Errorf("%q → %q: %q is read otherwise as a patronymic", tc.in, fake, p.Middle)
		}
	}
	// A woman's surname is her husband's with her ending, and stays so.
	if m, f := a.PersonName("Петров"), a.PersonName("Петрова"); f != m+"а" {
		t.Errorf("Петров → %q, Петрова → %q", m, f)
	}
	// ИП, particles and initials stay.
	if got := a.PersonName("ИП Алиев Р. Г. оглы"); !strings.HasPrefix(got, "ИП ") || !strings.HasSuffix(got, " Р. Г. оглы") {
		t.Errorf("ИП Алиев Р. Г. оглы → %q", got)
	}
}

func first(s string) rune {
	r, _ := utf8.DecodeRuneInString(strings.ToLower(s))
	return r
}

func TestAnonymizeKeyMatters(t *testing.T) {
	a, b := testAnonymizer(false), NewAnonymizer([]byte("another key"), AnonymizeOptions{})
	if a.PersonName("Иванов") == b.PersonName("Иванов") && a.Phone("+79161234567") == b.Phone("+79161234567") {
		t.Error("two keys give the same fakes")
	}
	if a.Phone("+79161234567") != testAnonymizer(false).Phone("+79161234567") {
		t.Error("one key gives two fakes")
	}
}

// A fake number is a valid number of the same country, area code and type,
// and two numbers never share a fake.
func TestAnonymizePhone(t *testing.T) {
	a := testAnonymizer(false)
	seen := map[string]string{}
	for _, e164 := range []string{"+79161234567", "+74951234567", "+78001234567", "+73512925528", "+375291234567", "+4930123456", "+12025550123"} {
		for i := range 50 {
			in := e164
			if i > 0 { // neighbours of the number, as many as are valid
				in = e164[:len(e164)-2] + pad2(i)
			}
			num, err := phonenumbers.Parse(in, "ZZ")
			if err != nil || !phonenumbers.IsValidNumber(num) {
				continue
			}
			fake := a.Phone(in)
			f, err := phonenumbers.Parse(fake, "ZZ")
			switch {
			case err != nil || !phonenumbers.IsValidNumber(f):
				t.Errorf("%s → %s: not a valid number", in, fake)
			case phonenumbers.GetNumberType(f) != phonenumbers.GetNumberType(num) || f.GetCountryCode() != num.GetCountryCode():
				t.Errorf("%s → %s: another country or type", in, fake)
			case fake == in:
				t.Errorf("%s maps to itself", in)
			case seen[fake] != "" && seen[fake] != in:
				t.Errorf("%s and %s share the fake %s", seen[fake], in, fake)
			}
			seen[fake] = in
		}
	}
	if got := a.Phone("+74951234567"); !strings.HasPrefix(got, "+7495") {
		t.Errorf("area code not kept: %s", got)
	}
}

// A phone cell keeps how it was written, and cleansing the fake cell gives
// the fakes of its numbers with the same problems.
func TestAnonymizePhoneCell(t *testing.T) {
	a := testAnonymizer(false)
	for _, raw := range []string{
		"8 (495) 123-45-67 доб. 12", "123-45-67", "+7 916 123 45 67 (Иван), 8-926-555-44-33", "моб. 89161234567",
		"7.9161234567E+10", "8 (351) 9 29-25-28", "не подключен", "12345", "8 916 123",
		"+375 29 123-45-67", "495 1234567 или 916 7654321", "8-800-555-35-35", "+7 999 000 00 00",
	} {
		fake := a.PhoneCell(raw, anonOpt)
		phones, problems := Phones(raw, anonOpt.Phone)
		got, gotProblems := Phones(fake, anonOpt.Phone)
		if problemCodes(problems) != problemCodes(gotProblems) {
			t.Errorf("%q → %q: problems %q, want %q", raw, fake, problemCodes(gotProblems), problemCodes(problems))
		}
		if len(got) != len(phones) {
			t.Errorf("%q → %q: %d numbers, want %d", raw, fake, len(got), len(phones))
			continue
		}
		for i, p := range phones {
			if got[i].E164 != a.Phone(p.E164) || got[i].Extension != p.Extension || got[i].Label != p.Label {
				t.Errorf("%q → %q: number %d is %+v, want the fake of %+v", raw, fake, i, got[i], p)
			}
			if strings.Contains(fake, p.E164[2:]) {
				t.Errorf("%q → %q keeps a number", raw, fake)
			}
		}
	}
	// An area code written apart from its numbers: the cell is written as
	// the fakes in E.164.
	if got, _ := Phones(a.PhoneCell("код 8-351-9 факс 29-25-28", anonOpt), anonOpt.Phone); len(got) != 1 || got[0].E164 != a.Phone("+73519292528") {
		t.Errorf("area code apart: %+v", got)
	}
	if got := a.PhoneCell("8 (495) 123-45-67", anonOpt); !regexpMatch(`^8 \(495\) \d{3}-\d{2}-\d{2}$`, got) {
		t.Errorf("shape not kept: %q", got)
	}
	if got := a.PhoneCell("+7 916 123 45 67 (Иван)", anonOpt); strings.Contains(got, "Иван") {
		t.Errorf("a note beside a number kept: %q", got)
	}
}

func TestAnonymizeINN(t *testing.T) {
	a, all := testAnonymizer(false), testAnonymizer(true)
	for _, inn := range []string{"500100732259", withINNControl("7724703100"), withINNControl("0276113968")} {
		fake := a.INN(inn)
		if len(fake) != 12 || !ValidINN(fake) || fake == inn || fake[:2] != inn[:2] {
			t.Errorf("%s → %s: want another valid 12-digit INN of the region", inn, fake)
		}
	}
	if got := a.INN("7707083893"); got != "7707083893" {
		t.Errorf("an organisation's INN changed without All: %s", got)
	}
	if got := all.INN("7707083893"); got == "7707083893" || !ValidINN(got) || len(got) != 10 {
		t.Errorf("with All: %s", got)
	}
	// The cell keeps its problem: a bad checksum stays bad, a lost zero lost.
	for _, raw := range []string{"500100732258", "12345", "5001 0073 2259", withINNControl("0276113968")[1:], "ИНН 123", "7.707083893E+09"} {
		fake := a.Cell(crmkit.FieldINN, raw, &crmkit.Record{}, anonOpt)
		v, ps := INN(raw)
		got, gotPs := INN(fake)
		if problemCodes(ps) != problemCodes(gotPs) || (v == "") != (got == "") || (v != "" && got != a.INN(v)) {
			t.Errorf("%q → %q: %q %q, want the fake of %q %q", raw, fake, got, problemCodes(gotPs), v, problemCodes(ps))
		}
	}
	if got := a.OGRN("304500116000157"); !ValidOGRN(got) || got == "304500116000157" {
		t.Errorf("OGRNIP → %s", got)
	}
}

func withINNControl(d string) string {
	d += string(controlDigit(d, coef12a))
	return d + string(controlDigit(d, coef12b))
}

func TestAnonymizeEmail(t *testing.T) {
	a := testAnonymizer(false)
	for _, tc := range []struct{ in, keep string }{
		{"ivan.petrov@mail.ru", "@mail.ru"},
		{"info@romashka.ru", "info@"},
		{"petr@gmail.con", "@gmail.con"}, // a typo of a public domain keeps its problem
		{"a.b-c_1984@corp.example", ".example"},
	} {
		fake := a.Email(tc.in)
		if !validEmail(fake) || fake == tc.in || !strings.Contains(fake, tc.keep) {
			t.Errorf("%s → %s: want a valid address with %q", tc.in, fake, tc.keep)
		}
		if IsRoleEmail(fake) != IsRoleEmail(tc.in) || (DomainSuggestion(fake) == "") != (DomainSuggestion(tc.in) == "") {
			t.Errorf("%s → %s: another kind of address", tc.in, fake)
		}
	}
	if a.Email("ivan.1@x.example") == a.Email("ivan.2@x.example") {
		t.Error("two addresses share a fake")
	}
	cell := a.EmailCell("IVAN@MAIL.RU; <petr@firm.example>, not-an-address")
	emails, ps := Emails(cell)
	if len(emails) != 2 || emails[0] != a.Email("ivan@mail.ru") || emails[1] != a.Email("petr@firm.example") ||
		problemCodes(ps) != EmailInvalid || !strings.HasPrefix(cell, strings.ToUpper(emails[0])+"; <") {
		t.Errorf("cell → %q: %v %q", cell, emails, problemCodes(ps))
	}
}

func TestAnonymizeBirthDate(t *testing.T) {
	a := testAnonymizer(false)
	seen := map[string]bool{}
	for d := 0; d < 365; d++ {
		m, day := fromDayOfYear(d)
		iso := "1985-" + pad2(m) + "-" + pad2(day)
		fake := a.BirthDate(iso)
		if fake == iso || fake[:4] != "1985" || seen[fake] {
			t.Fatalf("%s → %s: want another day of 1985, each once", iso, fake)
		}
		seen[fake] = true
	}
	// A year mistyped by one digit stays one digit off.
	if x, y := a.BirthDate("1985-03-12"), a.BirthDate("1986-03-12"); x[4:] != y[4:] {
		t.Errorf("%s and %s", x, y)
	}
	for _, raw := range []string{"12.03.1985", "1985-03-12", "12 марта 1985 г.", "5.3.85", "12.03.1985 0:00:00", "31141", "31.02.1985", "не знаю"} {
		fake := a.DateCell(raw)
		v, ps := Date(raw)
		got, gotPs := Date(fake)
		if problemCodes(ps) != problemCodes(gotPs) || (v != "" && got != a.BirthDate(v)) {
			t.Errorf("%q → %q: %q, want the fake of %q", raw, fake, got, v)
		}
	}
	if got := a.DateCell("12.03.1985"); !regexpMatch(`^\d\d\.\d\d\.1985$`, got) {
		t.Errorf("shape not kept: %q", got)
	}
}

func TestAnonymizeAddress(t *testing.T) {
	a := testAnonymizer(false)
	x, y := a.Address("ул. Ленина, д. 5, кв. 12", "Тверь"), a.Address("улица ЛЕНИНА дом 5 квартира 12", "Тверь")
	words := func(s string) string {
		var out []string
		for _, w := range strings.Fields(FoldKey(s)) {
			if !addressWords[w] {
				out = append(out, w)
			}
		}
		return strings.Join(out, " ")
	}
	if words(x) != words(y) {
		t.Errorf("one address, two fakes: %q, %q", x, y)
	}
	if strings.Contains(x, "Ленина") || !strings.HasPrefix(x, "ул. ") {
		t.Errorf("%q", x)
	}
	for _, city := range []string{"Тверь", ""} {
		if got := a.Address("г. Тверь, Садовая 12а", city); !strings.HasPrefix(got, "г. Тверь, ") || strings.Contains(got, "Садовая") {
			t.Errorf("%q: the town stays, the street does not", got)
		}
	}
}

// Organisations are public: they stay unless All.
func TestAnonymizeOrganisations(t *testing.T) {
	rec := crmkit.Record{Kind: crmkit.KindOrganization}
	if got := testAnonymizer(false).Cell(crmkit.FieldName, "ООО «Ромашка»", &rec, anonOpt); got != "ООО «Ромашка»" {
		t.Errorf("without All: %q", got)
	}
	// An entrepreneur is a person, in whatever column.
	for _, field := range []string{crmkit.FieldOrgName, crmkit.FieldOrg, crmkit.FieldName} {
		if got := testAnonymizer(false).Cell(field, "ИП Белов Борис Борисович", &rec, anonOpt); strings.Contains(got, "Белов") || !strings.HasPrefix(got, "ИП ") {
			t.Errorf("%s: %q", field, got)
		}
	}
	a := testAnonymizer(true)
	got := a.Cell(crmkit.FieldName, "ООО «Ромашка»", &rec, anonOpt)
	o, _ := OrgName(got)
	r, _ := OrgName(a.OrgName("Ромашка ООО"))
	if !strings.HasPrefix(got, "ООО «") || strings.Contains(got, "Ромашка") || o.Key != r.Key {
		t.Errorf("with All: %q (key %q, %q)", got, o.Key, r.Key)
	}
}

// Every field's cell: cleansing the fake gives the fake of the clean value
// and the same problems, whatever the cell; and it never panics.
func FuzzAnonymizeCell(f *testing.F) {
	for _, s := range []string{"8 (495) 123-45-67 доб. 12", "Иванов И.И.", "IVAN@MAIL.RU", "500100732259", "12.03.1985", "ул. Ленина 5", "", "\xff", "+", "@", "0"} {
		f.Add(s)
	}
	a := testAnonymizer(false)
	f.Fuzz(func(t *testing.T, raw string) {
		rec := &crmkit.Record{Kind: crmkit.KindPerson}
		for _, field := range []string{crmkit.FieldName, crmkit.FieldPhone, crmkit.FieldEmail, crmkit.FieldINN, crmkit.FieldBirthDate, crmkit.FieldAddress} {
			fake := a.Cell(field, raw, rec, anonOpt)
			if again := a.Cell(field, raw, rec, anonOpt); again != fake {
				t.Fatalf("%s %q: %q then %q", field, raw, fake, again)
			}
		}
		if v, ps := INN(raw); v != "" {
			got, gotPs := INN(a.Cell(crmkit.FieldINN, raw, rec, anonOpt))
			if got != a.INN(v) || problemCodes(ps) != problemCodes(gotPs) {
				t.Errorf("INN %q: %q %v", raw, got, gotPs)
			}
		}
		if v, _ := Date(raw); v != "" {
			if got, _ := Date(a.DateCell(raw)); got != a.BirthDate(v) {
				t.Errorf("date %q: %q, want %q", raw, got, a.BirthDate(v))
			}
		}
	})
}

func regexpMatch(pattern, s string) bool {
	return regexp.MustCompile(pattern).MatchString(s)
}

// A name whose kind crmkit cannot tell is a person's, and faked, when a
// word of it is a person's as written or with one typo put right (a
// mistyped first name leaves a person unrecognised; a kept name would be a
// leak), unless it shows a business.
func TestAnonymizeNameOfUnknownKind(t *testing.T) {
	a := testAnonymizer(false)
	for _, c := range []struct {
		name  string
		faked bool
	}{
		{"Соколов Николай", true},
		{"Сооклов Никлоай", true},
		{"Егорво Сергйе", true}, // Егоров, Сергей with two letters swapped each
		{"Смиронва Мраия", true},
		{"Александр", true},
		{"Орбита Плюс", false},
		{"Кафе Соколов", false},
		{"Art's Deli", false},
		{"Соколов-2", false},
		{"Соколов и партнёры ООО", false},
		{"«Сфера»", false},
	} {
		got := a.Name(crmkit.KindUnknown, c.name)
		if faked := got != c.name; faked != c.faked {
			t.Errorf("Name(unknown, %q) = %q: faked %v, want %v", c.name, got, faked, c.faked)
		}
	}
}
