package normalize

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
)

// Problem codes of names.
const (
	NameMixedScript = "name.mixed_script" // Latin look-alike letters in a Cyrillic word, or the reverse
	NameHasDigits   = "name.has_digits"   // digits in a person's name
	NameHasSymbols  = "name.has_symbols"  // words with no letters (an emoji, "***") in a person's name, left out
)

// Genders a name can tell.
const (
	GenderMale   = "male"
	GenderFemale = "female"
)

// Person is a cleaned person's name.
type Person struct {
	Full   string // "Иванов Иван Иванович": surname first, as Russian registers write it
	Last   string
	First  string
	Middle string // patronymic, with "оглы"/"кызы" when written so
	Gender string // "" when the name does not say for certain
	// Key matches the same full name however it was written (case, order, ё).
	Key string
	// InitialsKey is surname and first initial ("иванов и"): it matches
	// "Иванов И.И." with "Иванов Иван Иванович".
	InitialsKey string

	givenFirst bool // Full is written given name first ("John A. Smith")
}

var (
	// nameSeparators split a name into words like spaces do.
	nameSeparators = strings.NewReplacer("\u00a0", " ", ",", " ")
	initialsRun    = regexp.MustCompile(`^(\p{L}\.)+\p{L}?\.?$`) // "И.И." "И.И" "И."
	patronymicEnd  = regexp.MustCompile(`(вич|вна|ична|инична)$`)
	// Turkic patronymic particles stay lower case and belong to the patronymic.
	particles = map[string]bool{"оглы": true, "кызы": true, "улы": true, "уулу": true, "гызы": true}
)

// PersonName cleans a person's full name written in any of the usual ways:
// "ИВАНОВ иван иванович", "Иван Иванович Иванов", "Иванов И.И.",
// "И. И. Иванов", "Алиев Рашид Гасан оглы".
func PersonName(raw string) (Person, []crmkit.Problem) {
	return personName(raw, false)
}

// PersonNameIn cleans a person's full name as it is written in a region:
// where given names come first (US, GB, DE, …) a Latin-script name is
// "John A. Smith", or "Smith, John A." with a comma, and its full name is
// written so; Cyrillic names and the regions of Russian registers keep
// PersonName's rules.
func PersonNameIn(raw, region string) (Person, []crmkit.Problem) {
	return personName(raw, GivenNameFirst(region, raw))
}

// surnameFirstRegions write a person's surname first (registers of Russia
// and its neighbours); elsewhere a Latin-script name gives the given name
// first.
var surnameFirstRegions = map[string]bool{"": true, "RU": true, "BY": true, "KZ": true, "UA": true, "KG": true, "UZ": true,
	"TJ": true, "TM": true, "AM": true, "AZ": true, "GE": true, "MD": true, "MN": true, "CN": true, "JP": true, "KR": true,
	"HU": true, "VN": true}

// GivenNameFirst tells whether a name written in a region gives the given
// name first: a region that does not write surnames first, and a name
// without Cyrillic letters.
func GivenNameFirst(region, name string) bool {
	return !surnameFirstRegions[strings.ToUpper(region)] && strings.IndexFunc(name, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) < 0
}

func personName(raw string, givenFirst bool) (Person, []crmkit.Problem) {
	var problems []crmkit.Problem
	surnameWords := -1 // given first: "Smith, John" has its surname before the comma
	if givenFirst {
		if before, _, ok := strings.Cut(raw, ","); ok {
			surnameWords = len(strings.Fields(before))
		}
	}
	var tokens []string
	mixed, digits, symbols := false, false, false
	for _, f := range strings.Fields(nameSeparators.Replace(strings.ToValidUTF8(raw, "\uFFFD"))) {
		f, changed := fixMixedScript(f)
		mixed = mixed || changed
		digits = digits || strings.IndexFunc(f, unicode.IsDigit) >= 0
		if initialsRun.MatchString(f) {
			for _, p := range strings.Split(strings.TrimSuffix(f, "."), ".") {
				if p != "" { // "A.." is one initial
					tokens = append(tokens, strings.ToUpper(p)+".")
				}
			}
			continue
		}
		if utf8.RuneCountInString(f) == 1 && unicode.IsLetter([]rune(f)[0]) {
			tokens = append(tokens, strings.ToUpper(f)+".") // an initial without its dot
			continue
		}
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			symbols = true // "😀", "***", "—": no part of a name (digits are reported as such)
			continue
		}
		lower := strings.ToLower(f)
		if particles[lower] && len(tokens) > 0 {
			tokens[len(tokens)-1] += " " + lower
			continue
		}
		if strings.HasSuffix(f, ".") && !strings.Contains(strings.TrimSuffix(f, "."), ".") {
			f = strings.TrimSuffix(f, ".") // not an initial ("Иван.", "Ив."): a word with a stray dot
		}
		tokens = append(tokens, titleWord(f))
	}
	if symbols {
		problems = append(problems, crmkit.Problem{Field: crmkit.FieldName, Code: NameHasSymbols, Severity: crmkit.SeverityWarning,
			Message: fmt.Sprintf("%s has words with no letters in a person's name; left out", crmkit.MaskText(raw))})
	}
	if digits {
		problems = append(problems, crmkit.Problem{Field: crmkit.FieldName, Code: NameHasDigits, Severity: crmkit.SeverityWarning,
			Message: fmt.Sprintf("%s has digits in a person's name", crmkit.MaskText(raw))})
	}
	// Case may turn a letter into a look-alike of the other script ("b" →
	// "B" ~ "В"): look once more.
	for i, t := range tokens {
		var changed bool
		tokens[i], changed = fixMixedScript(t)
		mixed = mixed || changed
	}
	if mixed {
		problems = append(problems, crmkit.Problem{Field: crmkit.FieldName, Code: NameMixedScript, Severity: crmkit.SeverityWarning,
			Message: fmt.Sprintf("%s had Latin and Cyrillic look-alike letters mixed; fixed", crmkit.MaskText(raw))})
	}
	p := orderName(tokens)
	if givenFirst {
		p = orderGivenFirst(tokens, surnameWords)
	}
	p.givenFirst = givenFirst
	p.finish()
	return p, problems
}

// orderGivenFirst: "John A. Smith" — the first word is the given name, the
// last the surname, the rest middle names; with a comma the words before it
// are the surname ("Smith, John A.").
func orderGivenFirst(t []string, surnameWords int) Person {
	n := len(t)
	switch {
	case n == 0:
		return Person{}
	case surnameWords > 0 && surnameWords < n:
		p := Person{Last: strings.Join(t[:surnameWords], " "), First: t[surnameWords]}
		p.Middle = strings.Join(t[surnameWords+1:], " ")
		return p
	case n == 1:
		return Person{Last: t[0]}
	}
	return Person{First: t[0], Middle: strings.Join(t[1:n-1], " "), Last: t[n-1]}
}

// finish fills what follows from the parts: the full name, gender and keys.
func (p *Person) finish() {
	p.Full = strings.Join(nonEmpty(p.Last, p.First, p.Middle), " ")
	if p.givenFirst {
		p.Full = strings.Join(nonEmpty(p.First, p.Middle, p.Last), " ")
	}
	p.Gender = gender(*p)
	p.Key = foldKey(p.Full)
	p.InitialsKey = ""
	if p.Last != "" {
		p.InitialsKey = foldKey(p.Last)
		if r, _ := utf8.DecodeRuneInString(foldKey(p.First)); r != utf8.RuneError {
			p.InitialsKey += " " + string(r)
		}
	}
}

// PersonParts cleans a person's name given in separate columns: each part
// stays what its column says ("Dalo Ia" is a surname of two words), only
// written properly.
func PersonParts(last, first, middle string) (Person, []crmkit.Problem) {
	return PersonPartsIn(last, first, middle, "")
}

// PersonPartsIn is PersonParts in a region: where given names come first
// (GivenNameFirst) the full name is written so.
func PersonPartsIn(last, first, middle, region string) (Person, []crmkit.Problem) {
	var problems []crmkit.Problem
	part := func(raw string) string {
		if raw == "" {
			return ""
		}
		q, ps := PersonName(raw)
		problems = append(problems, ps...)
		return strings.Join(nonEmpty(q.Last, q.First, q.Middle), " ")
	}
	p := Person{Last: part(last), First: part(first), Middle: part(middle)}
	p.givenFirst = GivenNameFirst(region, last+" "+first+" "+middle)
	p.finish()
	return p, problems
}

// isInitial: one letter and its dot, "И."
func isInitial(t string) bool {
	return strings.HasSuffix(t, ".") && utf8.RuneCountInString(t) == 2
}
func isPatronymic(t string) bool {
	return patronymicEnd.MatchString(strings.ToLower(t)) || strings.Contains(t, " ")
}
func isFirstName(t string) bool {
	k := foldKey(t)
	return maleFirstNames[k] || femaleFirstNames[k]
}

// orderName tells surname, first name and patronymic apart: surname-first
// (the register order) unless the words say otherwise.
func orderName(t []string) Person {
	n := len(t)
	switch {
	case n == 0:
		return Person{}
	case n == 1:
		if isFirstName(t[0]) {
			return Person{First: t[0]}
		}
		return Person{Last: t[0]}
	case n == 2:
		a, b := t[0], t[1]
		if isInitial(a) && !isInitial(b) || (!isInitial(b) && isFirstName(a) && !isFirstName(b)) {
			return Person{First: a, Last: b}
		}
		return Person{Last: a, First: b}
	case n == 3:
		a, b, c := t[0], t[1], t[2]
		switch {
		case isInitial(a) && isInitial(b) && !isInitial(c): // И. И. Иванов
			return Person{First: a, Middle: b, Last: c}
		case isPatronymic(b) && !isPatronymic(c) && !isInitial(c): // Иван Иванович Иванов
			return Person{First: a, Middle: b, Last: c}
		}
		return Person{Last: a, First: b, Middle: c}
	}
	// Four or more words: a double surname or a Turkic patronymic.
	if isPatronymic(t[1]) && !isPatronymic(t[n-1]) {
		return Person{First: t[0], Middle: t[1], Last: strings.Join(t[2:], " ")}
	}
	return Person{Last: strings.Join(t[:n-2], " "), First: t[n-2], Middle: t[n-1]}
}

// gender is told by the patronymic, else a known first name, else a
// surname ending that is certain.
func gender(p Person) string {
	m := strings.ToLower(p.Middle)
	switch {
	case strings.HasSuffix(m, "вич") || strings.HasSuffix(m, "оглы") || strings.HasSuffix(m, "улы") || strings.HasSuffix(m, "уулу"):
		return GenderMale
	case strings.HasSuffix(m, "вна") || strings.HasSuffix(m, "ична") || strings.HasSuffix(m, "кызы") || strings.HasSuffix(m, "гызы"):
		return GenderFemale
	}
	switch f := foldKey(p.First); {
	case maleFirstNames[f]:
		return GenderMale
	case femaleFirstNames[f]:
		return GenderFemale
	}
	switch l := foldKey(p.Last); {
	case strings.HasSuffix(l, "ова") || strings.HasSuffix(l, "ева") || strings.HasSuffix(l, "ина") || strings.HasSuffix(l, "ская") || strings.HasSuffix(l, "цкая"):
		return GenderFemale
	case strings.HasSuffix(l, "ов") || strings.HasSuffix(l, "ев") || strings.HasSuffix(l, "ин") || strings.HasSuffix(l, "ский") || strings.HasSuffix(l, "цкий"):
		return GenderMale
	}
	return ""
}

func nonEmpty(parts ...string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
