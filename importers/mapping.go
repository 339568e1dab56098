package importers

import (
	"strings"
	"unicode"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

// synonyms maps a folded header (see FoldHeader) to its canonical field.
// Real 1C list forms and hand-made workbooks, in Russian and English.
var synonyms = map[string]string{}

func init() {
	for field, names := range map[string][]string{
		crmkit.FieldName: {"наименование", "наименование контрагента", "контрагент", "клиент", "покупатель",
			"фио", "ф и о", "фио клиента", "name", "full name", "customer", "client", "customer name", "client name"},
		crmkit.FieldLastName:   {"фамилия", "last name", "surname", "family name"},
		crmkit.FieldFirstName:  {"имя", "first name", "given name"},
		crmkit.FieldMiddleName: {"отчество", "middle name", "patronymic"},
		crmkit.FieldOrgName: {"полное наименование", "официальное наименование", "наименование полное",
			"юридическое наименование", "official name", "legal name"},
		// In a list of people, the organisation is where the person works.
		crmkit.FieldOrg: {"организация", "компания", "место работы", "company", "organization", "organisation",
			"company name", "employer"},
		crmkit.FieldLegalForm: {"опф", "организационно правовая форма", "legal form"},
		crmkit.FieldINN:       {"инн", "инн контрагента", "inn", "tax id", "taxpayer id"},
		crmkit.FieldKPP:       {"кпп", "kpp"},
		crmkit.FieldOGRN:      {"огрн", "огрнип", "ogrn"},
		crmkit.FieldPhone: {"телефон", "телефоны", "тел", "тел факс", "телефон факс", "факс", "мобильный",
			"мобильный телефон", "сотовый", "сотовый телефон", "рабочий телефон", "контактный телефон",
			"номер телефона", "phone", "phones", "tel", "telephone", "mobile", "phone number", "fax"},
		crmkit.FieldEmail: {"e mail", "email", "эл почта", "электронная почта", "адрес электронной почты",
			"почта", "e mail адрес", "mail"},
		crmkit.FieldAddress: {"адрес", "юридический адрес", "фактический адрес", "почтовый адрес",
			"адрес доставки", "address", "legal address", "postal address"},
		crmkit.FieldCity:          {"город", "населенный пункт", "city", "town"},
		crmkit.FieldBirthDate:     {"дата рождения", "birth date", "birthday", "date of birth"},
		crmkit.FieldContactPerson: {"контактное лицо", "контакт", "представитель", "contact", "contact person"},
		crmkit.FieldRevenue:       {"выручка", "оборот", "сумма продаж", "сумма покупок", "revenue", "sales"},
		// A bare "Дата" may be any date: it is mapped by hand (--map).
		crmkit.FieldRevenueDate: {"дата продажи", "дата заказа", "дата документа", "дата счета", "дата оплаты",
			"дата отгрузки", "дата выручки", "order date", "sale date", "invoice date", "revenue date"},
		crmkit.FieldSourceID: {"код", "код контрагента", "ид", "идентификатор", "guid", "id", "code", "customer id"},
		crmkit.FieldComment:  {"комментарий", "примечание", "comment", "comments", "note", "notes"},
		crmkit.FieldKind: {"вид контрагента", "юр физ лицо", "юридическое физическое лицо", "тип контрагента",
			"вид лица", "customer type"},
	} {
		for _, n := range names {
			synonyms[FoldHeader(n)] = field
		}
	}
}

// FoldHeader makes headers comparable: lower case, ё as е, punctuation as
// spaces, runs of spaces as one ("Тел./факс" → "тел факс") — the folding of
// name keys.
func FoldHeader(h string) string { return normalize.FoldKey(h) }

// Skip is the mapping target that drops a column.
const Skip = "-"

// maxHeader is the longest header, in bytes, the rules read.
const maxHeader = 200

// Rules that map a header, as inspect names them.
const (
	RuleMap          = "mapping"       // the user's --map or config
	RuleSynonym      = "synonym"       // a known header
	RuleQualified    = "qualified"     // a known header and a qualifier that becomes the label ("Телефон рабочий")
	RulePath         = "1c path"       // the last part of a dotted 1C path ("Контрагент.ИНН")
	RuleUnit         = "unit dropped"  // a unit after it ("Выручка, руб.")
	RuleOwner        = "owner dropped" // whose it is ("ИНН клиента", "Наименование контрагента")
	RuleAbbreviation = "abbreviation"  // words cut short ("Дата рожд.", "Наим.")
)

// fieldFor names the canonical field of a header: the user's mapping first,
// then the built-in synonyms, then — for phones, e-mails, addresses and
// comments — a synonym followed by a qualifier ("Телефон рабочий", "Адрес
// юридический"), whose words come back as the label; then by meaning: the
// last part of a 1C path, without units and owners, with abbreviated
// words. "" means unmapped; rule says which of these mapped it.
func fieldFor(header string, overrides map[string]string) (field, label, rule string) {
	f := FoldHeader(header)
	if f == "" {
		return "", "", ""
	}
	for h, field := range overrides {
		if FoldHeader(h) == f {
			return field, "", RuleMap
		}
	}
	if len(f) > maxHeader {
		return "", "", "" // a long text is a value, not a header: no need to read it word by word
	}
	if field, label := bySynonym(f); field != "" {
		rule := RuleSynonym
		if label != "" && synonyms[f] == "" {
			rule = RuleQualified
		}
		return field, label, rule
	}
	// 1C dotted paths: "Контрагент.ИНН", "Покупатель.Наименование".
	if parts := strings.Split(strings.TrimSpace(header), "."); len(parts) > 1 && dottedPath(parts) {
		if field, label, _ := fieldFor(parts[len(parts)-1], nil); field != "" {
			return field, label, RulePath
		}
	}
	words := strings.Fields(f)
	if w := dropWords(words, units); len(w) < len(words) && len(w) > 0 {
		if field, label, _ := fieldFor(strings.Join(w, " "), nil); field != "" {
			return field, label, RuleUnit
		}
	}
	if w := dropWords(words, owners); len(w) < len(words) && len(w) > 0 {
		if field, label, _ := fieldFor(strings.Join(w, " "), nil); field != "" {
			return field, label, RuleOwner
		}
	}
	if field := byAbbreviation(words); field != "" {
		return field, "", RuleAbbreviation
	}
	return "", "", ""
}

// bySynonym: a known header, or a known phone, e-mail, address or comment
// header followed by a qualifier.
func bySynonym(f string) (field, label string) {
	if field := synonyms[f]; field != "" {
		if field == crmkit.FieldPhone && !plainPhone[f] {
			return field, f // "мобильный", "факс": the column says what kind of number
		}
		return field, ""
	}
	words := strings.Fields(f)
	for n := len(words) - 1; n >= 1; n-- {
		field := synonyms[strings.Join(words[:n], " ")]
		switch field {
		case crmkit.FieldPhone, crmkit.FieldEmail, crmkit.FieldAddress, crmkit.FieldComment:
			return field, strings.Join(words[n:], " ")
		}
	}
	return "", ""
}

// dottedPath: parts of a 1C path are words of letters ("Контрагент", "ИНН").
func dottedPath(parts []string) bool {
	for _, p := range parts {
		if len([]rune(p)) < 2 || strings.IndexFunc(p, func(r rune) bool { return !unicode.IsLetter(r) && r != '_' }) >= 0 {
			return false
		}
	}
	return true
}

// units and owners are words a header may carry that do not change what
// the column holds.
var (
	units = map[string]bool{"руб": true, "рублей": true, "рубли": true, "р": true, "тыс": true, "млн": true, "₽": true,
		"rub": true, "rur": true, "usd": true, "eur": true, "в": true, "с": true, "ндс": true, "без": true}
	owners = map[string]bool{"клиента": true, "контрагента": true, "покупателя": true, "заказчика": true,
		"партнера": true, "абонента": true, "контакта": true, "лица": true, "customer": true, "client": true}
)

func dropWords(words []string, drop map[string]bool) []string {
	var out []string
	for _, w := range words {
		if !drop[w] {
			out = append(out, w)
		}
	}
	return out
}

// byAbbreviation maps a header whose words are each the start of a known
// header's words, in order ("дата рожд" → "дата рождения", "наим" →
// "наименование", "тел моб" → "телефон мобильный" is a qualified phone):
// only when exactly one field fits.
func byAbbreviation(words []string) string {
	if len(words) == 0 {
		return ""
	}
	found := ""
	for syn, field := range synonyms {
		sw := strings.Fields(syn)
		if len(sw) != len(words) {
			continue
		}
		fits := true
		for i, w := range words {
			if !(w == sw[i] || len([]rune(w)) >= 3 && strings.HasPrefix(sw[i], w)) {
				fits = false
				break
			}
		}
		if !fits {
			continue
		}
		if found != "" && found != field {
			return "" // ambiguous
		}
		found = field
	}
	if found == "" && len(words) > 1 {
		// A qualified phone or address: its first word abbreviated ("тел моб", "адр юр").
		for syn, field := range synonyms {
			if (field == crmkit.FieldPhone || field == crmkit.FieldAddress || field == crmkit.FieldEmail) &&
				!strings.Contains(syn, " ") && len([]rune(words[0])) >= 3 && strings.HasPrefix(syn, words[0]) {
				if found != "" && found != field {
					return ""
				}
				found = field
			}
		}
	}
	return found
}

// plainPhone headers say nothing of the kind of number.
var plainPhone = map[string]bool{"телефон": true, "телефоны": true, "тел": true, "phone": true, "phones": true,
	"tel": true, "telephone": true, "номер телефона": true, "phone number": true, "контактный телефон": true,
	"тел факс": true, "телефон факс": true} // "Тел./факс": a phone or a fax, the cell says which

// Column is one column of a table and where its values go.
type Column struct {
	Index  int    `json:"index"`           // 0-based
	Header string `json:"header"`          // as written in the file (two header rows joined)
	Field  string `json:"field"`           // canonical field, "" when kept in Extra, Skip when dropped
	Label  string `json:"label,omitempty"` // what the header adds to a phone column: "мобильный", "факс"
	Rule   string `json:"rule,omitempty"`  // how the header was mapped: RuleSynonym, RulePath, …
}

// multiValued fields collect every mapped column ("Телефон", "Мобильный").
func multiValued(field string) bool {
	return field == crmkit.FieldPhone || field == crmkit.FieldEmail
}

// FieldFor names the canonical field of a column header or a 1C property
// name ("ИНН", "НаименованиеПолное", "Телефон рабочий"), with the label a
// qualified phone header adds; overrides come first. "" means unmapped.
func FieldFor(name string, overrides map[string]string) (field, label string) {
	if f, l, _ := fieldFor(name, overrides); f != "" {
		return f, l
	}
	// 1C writes property names in CamelCase: "НаименованиеПолное".
	f, l, _ := fieldFor(splitCamel(name), overrides)
	return f, l
}

func splitCamel(s string) string {
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}
