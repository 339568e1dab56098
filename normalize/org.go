package normalize

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
)

// OrgEmptyName is the problem code of an organisation name that is only a
// legal form or quotes.
const OrgEmptyName = "org.empty_name"

// Org is a cleaned organisation name.
type Org struct {
	Full      string // "ООО «Ромашка»": the legal form, then the name in «»
	LegalForm string // "ООО", "АО", "ИП", "LLC", … ("" when none is written)
	Core      string // "Ромашка": the name without its legal form and outer quotes
	// Key is the same for every way of writing one name: `ООО «Ромашка»`,
	// `Ромашка ООО`, `"РОМАШКА", ООО` all give "ромашка".
	Key string
	// Person is set for an individual entrepreneur (ИП), whose name is a
	// person's name.
	Person *Person
}

// legalForms: the abbreviation and its spelled-out forms. Longer forms come
// first where one contains another (ПАО before АО).
var legalForms = []struct {
	abbr    string
	spelled []string
	latin   bool
}{
	{"ФГУП", []string{"федеральное государственное унитарное предприятие"}, false},
	{"ФГБУ", []string{"федеральное государственное бюджетное учреждение"}, false},
	{"ГУП", []string{"государственное унитарное предприятие"}, false},
	{"МУП", []string{"муниципальное унитарное предприятие"}, false},
	{"ГБУ", []string{"государственное бюджетное учреждение"}, false},
	{"МБУ", []string{"муниципальное бюджетное учреждение"}, false},
	{"ГАУ", []string{"государственное автономное учреждение"}, false},
	{"МАУ", []string{"муниципальное автономное учреждение"}, false},
	{"ПАО", []string{"публичное акционерное общество"}, false},
	{"НАО", []string{"непубличное акционерное общество"}, false},
	{"ЗАО", []string{"закрытое акционерное общество"}, false},
	{"ОАО", []string{"открытое акционерное общество"}, false},
	{"АО", []string{"акционерное общество"}, false},
	{"ООО", []string{"общество с ограниченной ответственностью"}, false},
	{"ОДО", []string{"общество с дополнительной ответственностью"}, false},
	{"АНО", []string{"автономная некоммерческая организация"}, false},
	{"НКО", []string{"некоммерческая организация"}, false},
	{"ТСЖ", []string{"товарищество собственников жилья"}, false},
	{"ТСН", []string{"товарищество собственников недвижимости"}, false},
	{"СНТ", []string{"садоводческое некоммерческое товарищество"}, false},
	{"КФХ", []string{"крестьянское (фермерское) хозяйство", "крестьянское фермерское хозяйство", "глава кфх"}, false},
	{"ПК", []string{"производственный кооператив"}, false},
	{"СПК", []string{"сельскохозяйственный производственный кооператив"}, false},
	{"ИП", []string{"индивидуальный предприниматель"}, false},
	{"LLC", []string{"limited liability company"}, true},
	{"Ltd", []string{"limited"}, true},
	{"Inc", []string{"incorporated"}, true},
	{"GmbH", nil, true},
	{"JSC", []string{"joint stock company"}, true},
}

var (
	legalFormRe []screened // one per legalForms entry, with the lower-case words one of which it needs
	// Every kind of quote real files use, straight and typographic.
	quoteChars = "\"'«»„“”‘’‚‹›`"
)

func init() {
	// A form stands alone: no letter or digit on either side ("АО" is not
	// in "Аосталь", "ИП" is not in "Випсервис").
	for _, f := range legalForms {
		alts := []string{regexp.QuoteMeta(f.abbr) + `\.?`}
		for _, s := range f.spelled {
			alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(s), " ", `\s+`))
		}
		sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
		needles := []string{strings.ToLower(f.abbr)}
		for _, sp := range f.spelled {
			needles = append(needles, strings.Fields(strings.ToLower(sp))[0])
		}
		legalFormRe = append(legalFormRe, screened{regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])(` + strings.Join(alts, "|") + `)($|[^\p{L}\p{N}])`), needles})
	}
}

// OrgName cleans an organisation's name and finds its legal form wherever
// it is written, abbreviated or in full.
func OrgName(raw string) (Org, []crmkit.Problem) {
	s := strings.TrimSpace(collapseSpaces(strings.ReplaceAll(strings.ToValidUTF8(raw, "\uFFFD"), `""`, `"`)))
	var problems []crmkit.Problem
	words := strings.Split(s, " ")
	mixed := false
	for i, w := range words {
		var changed bool
		words[i], changed = fixMixedScript(w)
		mixed = mixed || changed
	}
	mixed = fixLookalikeWords(words) || mixed
	if mixed {
		s = strings.Join(words, " ")
		problems = append(problems, crmkit.Problem{Field: crmkit.FieldName, Code: NameMixedScript, Severity: crmkit.SeverityWarning,
			Message: fmt.Sprintf("%q had Latin and Cyrillic look-alike letters mixed; fixed", raw)})
	}
	// The legal form is looked for in the text as it will be written —
	// quotes as «», balanced — so that cleaning a cleaned name finds the same.
	s = stripWrapping(balanceQuotes(normalizeQuotes(s)))
	var o Org
	outside := unquoted(s)
	lower := strings.ToLower(outside)
	for i, x := range legalFormRe {
		if !x.may(lower) {
			continue // the backtracking regexps are the costly part of cleansing a name
		}
		loc := x.re.FindStringSubmatchIndex(outside)
		if loc == nil {
			continue
		}
		o.LegalForm = legalForms[i].abbr
		s = s[:loc[4]] + " " + s[loc[5]:]
		break
	}
	o.Core = coreName(s)
	if o.LegalForm == "" {
		// A legal form alone in quotes ("«АО»") is still only a legal form.
		lowerCore := strings.ToLower(o.Core)
		for i, x := range legalFormRe {
			if !x.may(lowerCore) {
				continue
			}
			if loc := x.re.FindStringSubmatchIndex(o.Core); loc != nil && strings.TrimSpace(o.Core[:loc[4]]+o.Core[loc[5]:]) == "" {
				o.LegalForm, o.Core = legalForms[i].abbr, ""
				break
			}
		}
	}
	switch {
	case o.LegalForm == "ИП":
		p, ps := PersonName(o.Core)
		problems = append(problems, ps...)
		o.Person, o.Core = &p, p.Full
		o.Full, o.Key = "ИП "+p.Full, p.Key
		return o, problems
	case o.Core == "":
		problems = append(problems, crmkit.Problem{Field: crmkit.FieldName, Code: OrgEmptyName, Severity: crmkit.SeverityError,
			Message: fmt.Sprintf("%q has no name besides its legal form", raw)})
	}
	o.Key = orgKey(o.Core)
	switch {
	case o.LegalForm == "" || o.Core == "":
		o.Full = o.Core
	case isLatinForm(o.LegalForm):
		o.Full = o.Core + " " + o.LegalForm
	default:
		o.Full = o.LegalForm + " «" + o.Core + "»"
	}
	return o, problems
}

// coreName strips separators and the quotes around the whole name, writes
// the inner quotes as «», and closes the ones left open ("Торговый дом
// «Ромашка").
func coreName(s string) string {
	s = normalizeQuotes(strings.TrimSpace(collapseSpaces(trimSeparators(s))))
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return "" // only quotes and signs: no name
	}
	return stripWrapping(balanceQuotes(s))
}

// stripWrapping takes off quote pairs around the whole text: «"Ромашка"»
// → Ромашка; a name quoted whole is the same name.
func stripWrapping(s string) string {
	s = trimSeparators(s)
	for strings.HasPrefix(s, "«") && closingOf(s) == len(s)-len("»") {
		s = trimSeparators(s[len("«") : len(s)-len("»")])
	}
	return s
}

func trimSeparators(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '.' || r == '-' || r == ';' || r == ':'
	})
}

// closingOf is the byte index of the » that closes the « s starts with.
func closingOf(s string) int {
	depth := 0
	for i, r := range s {
		switch r {
		case '«':
			depth++
		case '»':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// balanceQuotes drops closing quotes that close nothing and closes the
// ones left open ("Торговый дом «Ромашка" → "Торговый дом «Ромашка»").
func balanceQuotes(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '«':
			depth++
		case '»':
			if depth == 0 {
				continue
			}
			depth--
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String()) + strings.Repeat("»", depth)
}

func isLatinForm(abbr string) bool {
	for _, f := range legalForms {
		if f.abbr == abbr {
			return f.latin
		}
	}
	return false
}

// unquoted blanks out what stands inside quotes, keeping byte offsets, so
// that a form inside a name («АО Технологии» in quotes) is not taken for
// the organisation's own.
func unquoted(s string) string {
	b := []byte(s)
	depth := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '«' || r == '„' || (r == '“' && depth == 0):
			depth++
		case r == '»' || r == '”' || r == '“':
			depth = max(depth-1, 0)
		case r == '"' || r == '\'':
			next, _ := utf8.DecodeRuneInString(s[i+w:])
			if depth > 0 && !unicode.IsLetter(next) && !unicode.IsDigit(next) {
				depth--
			} else {
				depth++
			}
		case depth > 0:
			for j := i; j < i+w; j++ {
				b[j] = ' '
			}
		}
		i += w
	}
	if depth != 0 {
		return s // a quote never closed hides nothing: `"АО`
	}
	return string(b)
}

// normalizeQuotes writes every quote as « or »: an opening one after a
// space, a bracket or another opening quote and before something to quote,
// a closing one elsewhere.
func normalizeQuotes(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		if !strings.ContainsRune(quoteChars, r) {
			continue
		}
		prev, next := ' ', ' '
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		if r == '\'' && unicode.IsLetter(prev) && unicode.IsLetter(next) {
			continue // an apostrophe: "O'Neil"
		}
		opens := (unicode.IsSpace(prev) || prev == '«' || prev == '(') &&
			!unicode.IsSpace(next) && !strings.ContainsRune(quoteChars, next) && next != ')' && i+1 < len(rs)
		if opens || (r == '«' && i+1 < len(rs)) {
			rs[i] = '«'
		} else {
			rs[i] = '»'
		}
	}
	return string(rs)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
