package normalize

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
)

// BenchmarkRecord cleans rows in the shapes of a customer export: people
// and organisations, phones written several ways, e-mails at popular and
// other domains, amounts. A million records are a million of these.
func BenchmarkRecord(b *testing.B) {
	rows := []map[string]string{
		{crmkit.FieldName: "ООО «Импульс-928»", crmkit.FieldINN: "7707083893", crmkit.FieldPhone: "+7 (952) 078-42-07", crmkit.FieldEmail: "client1@mail.example", crmkit.FieldAddress: "ул. Ленина, д. 194", crmkit.FieldCity: "Екатеринбург"},
		{crmkit.FieldName: "Попов Алексей Николаевич", crmkit.FieldPhone: "89135154058", crmkit.FieldEmail: "a.popov@yandex.ru", crmkit.FieldAddress: "ул. Ленина, д. 104", crmkit.FieldCity: "Москва"},
		{crmkit.FieldName: "ИП Кузнецов И. П.", crmkit.FieldINN: "500100732259", crmkit.FieldPhone: "8 495 123-45-67 доб. 12", crmkit.FieldEmail: "kuznetsov@gmial.com"},
		{crmkit.FieldName: "СИДОРОВ ПЕТР", crmkit.FieldPhone: "+79296217866, +79663089554", crmkit.FieldEmail: "info@romashka-llc.example", crmkit.FieldRevenue: "1 234,50 руб."},
		{crmkit.FieldName: "АО \"Бета\"", crmkit.FieldINN: "7736012343", crmkit.FieldKPP: "773601001", crmkit.FieldPhone: "(495) 000-00-01", crmkit.FieldBirthDate: "09.04.1956"},
	}
	opt := Options{Phone: PhoneOptions{Region: "RU", AreaCode: "495"}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		fields := map[string]string{}
		for k, v := range rows[i%len(rows)] {
			fields[k] = v
		}
		Record(crmkit.Record{Source: "bench", Key: fmt.Sprint(i), File: "bench.csv", Row: i, Fields: fields}, opt)
	}
}

// collapseSpaces gives what the regular expression gives, on random values
// of spaces, the other white space \s means and does not mean, and letters.
func TestCollapseSpaces(t *testing.T) {
	alphabet := []rune{' ', ' ', '\t', '\n', '\v', '\f', '\r', 'a', 'я', '\u00a0', '\u2003', '.'}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100_000; i++ {
		r := make([]rune, rnd.IntN(8))
		for j := range r {
			r[j] = alphabet[rnd.IntN(len(alphabet))]
		}
		s := string(r)
		if got, want := collapseSpaces(s), spaces.ReplaceAllString(s, " "); got != want {
			t.Fatalf("collapseSpaces(%q) = %q, want %q", s, got, want)
		}
	}
}

// A screened expression (a kind's, a legal form's) answers as the
// expression itself: its needles never keep it from a value it matches.
// Values are random runs of the words, letters and separators the
// expressions look for, in any case.
func TestScreenedExpressions(t *testing.T) {
	tokens := []string{"ип", "ИП", "Ип", "иП", "ооо", "ООО", "оАо", "ао", "АО", "гуп", "ФГУП", "муп", "ано", "нко", "тсж", "кфх", "снт",
		"llc", "LLC", "Ltd", "Inc", "GmbH", "вич", "ВИЧ", "вна", "ична", "ИЧНА", "оглы", "КЫЗЫ", "Иванов", "Петрович", "Сергеевна",
		"И.", "П.", "и", "п", "а", "о", "в", "ч", "индивидуальный", "Индивидуальный", "предприниматель", "ПРЕДПРИНИМАТЕЛЬ",
		"общество", "с", "ограниченной", "Акционерное", "ОБЩЕСТВО", "товарищество", "Товарищество",
		" ", " ", " ", "\t", "«", "»", "\"", "'", "(", ")", ",", ".", "-", "\u00a0"}
	exprs := map[string]screened{"orgForm": orgForm, "patronymic": patronymic, "withInitials": withInitials, "soleTrader": soleTrader}
	for i, f := range legalForms { // and the legal forms OrgName finds, in every case they are written
		exprs["legal form "+f.abbr] = legalFormRe[i]
		for _, w := range append([]string{f.abbr}, f.spelled...) {
			tokens = append(tokens, w, strings.ToUpper(w), strings.ToLower(w))
		}
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 40_000; i++ {
		var b strings.Builder
		for n := 1 + rnd.IntN(6); n > 0; n-- {
			b.WriteString(tokens[rnd.IntN(len(tokens))])
		}
		s := b.String()
		for name, x := range exprs {
			if got, want := x.MatchString(s, strings.ToLower(s)), x.re.MatchString(s); got != want {
				t.Fatalf("%s on %q: screened %v, expression %v", name, s, got, want)
			}
		}
	}
}
