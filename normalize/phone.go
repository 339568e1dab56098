package normalize

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/nyaruka/phonenumbers"
)

// PhoneOptions say how to read numbers that are not written in full.
type PhoneOptions struct {
	Region   string // ISO region for numbers without a country code; default "RU"
	AreaCode string // completes local numbers (5–7 digits); empty: such numbers are problems
}

// Stable problem codes of phone cells.
const (
	PhoneNoNumber        = "phone.no_number"         // text but no phone number in the cell
	PhoneNoAreaCode      = "phone.no_area_code"      // local number and no area code to complete it
	PhoneAreaCodeAssumed = "phone.area_code_assumed" // local number completed with the default area code
	PhoneBadLength       = "phone.bad_length"        // too many or too few digits for any number
	PhoneInvalid         = "phone.invalid"           // right length, but no such number plan
)

var (
	// A run of characters that phone numbers are written with; it must end
	// on a digit so that "(Иван)" or a trailing dash do not belong to it.
	phoneRun = regexp.MustCompile(`\+?[(\d][\d\s()\-.]*\d|\d`)
	// The text between a number and a short run that makes the run its extension.
	extGap = regexp.MustCompile(`(?i)^[\s,;(]*(доб(авочный)?|доп|ext(ension)?|вн(утр(енний)?)?|x|#)[\s.:№]*$`)
	// A cell that Excel stored as a float: "7.9161234567E+10", "79161234567.0".
	excelFloat = regexp.MustCompile(`^\d+(\.\d+)?[eE][+]?\d+$|^\d+\.0+$`)
	// An area code written alone before local numbers: "код 8-351-9 факс 29-25-28".
	areaAlone     = regexp.MustCompile(`^8[\s-]*\d{3}([\s-]+\d{1,2})?$`)
	leadingDigits = regexp.MustCompile(`^\d+(-\d+)*`)
)

// spaceLike folds the characters real files put between digits.
var spaceLike = strings.NewReplacer(
	"\u00a0", " ", "\u2007", " ", "\u202f", " ", "\u2009", " ", "\t", " ",
	"\r", " ", "\n", ", ",
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2212", "-",
)

// ExcelNumber undoes Excel's float rendering of a long number; other
// strings come back unchanged.
func ExcelNumber(s string) string {
	t := strings.TrimSpace(s)
	if !excelFloat.MatchString(t) {
		return s
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f > 1e17 {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// Phones extracts every telephone number of one cell. Numbers are returned
// in E.164 in the order they appear, each once; extensions are kept apart.
// Problems carry Field and Code; the caller adds File and Row.
func Phones(raw string, opt PhoneOptions) ([]crmkit.Phone, []crmkit.Problem) {
	if phones, problems, ok := phonesFast(raw, opt); ok {
		return phones, problems
	}
	return phonesSlow(raw, opt)
}

// phonesSlow is the general parser: any cell, any region. phonesFast gives
// its very answer for the cells it takes, which FuzzPhonesFast checks.
func phonesSlow(raw string, opt PhoneOptions) ([]crmkit.Phone, []crmkit.Problem) {
	region := strings.ToUpper(opt.Region)
	if region == "" {
		region = "RU"
	}
	s := spaceLike.Replace(ExcelNumber(raw))
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	p := phoneParser{opt: opt, region: region, cc: phonenumbers.GetCountryCodeForRegion(region)}
	s = joinSlashedAreaCodes(s)
	runs := phoneRun.FindAllStringIndex(s, -1)
	for i, r := range runs {
		text := s[r[0]:r[1]]
		if i > 0 && len(p.phones) > 0 && p.lastRun == i-1 && extGap.MatchString(s[runs[i-1][1]:r[0]]) {
			// "доб. 222 (499) 230-18-49": the first digit group is the
			// extension, whatever follows is read as numbers again.
			tok := leadingDigits.FindString(text)
			if ext := extension(tok); ext != "" {
				p.phones[len(p.phones)-1].Extension = ext
				p.lastRun = -1
				text = text[len(tok):]
				if len(digitsOf(text)) < 5 {
					continue
				}
			}
		}
		if p.areaDeclaration(text, i < len(runs)-1) {
			continue
		}
		before := len(p.phones)
		if p.run(text) {
			p.lastRun = i
			gapStart, gapEnd := 0, len(s)
			if i > 0 {
				gapStart = runs[i-1][1]
			}
			if i+1 < len(runs) {
				gapEnd = runs[i+1][0]
			}
			label, comment := phoneLabel(s[gapStart:r[0]]), phoneComment(s[r[1]:gapEnd])
			for j := before; j < len(p.phones); j++ {
				p.phones[j].Label, p.phones[j].Comment = label, comment
			}
		}
	}
	if len(p.phones) == 0 && len(p.problems) == 0 {
		p.problem(PhoneNoNumber, crmkit.SeverityWarning, "no phone number in %q", crmkit.MaskText(strings.TrimSpace(s)))
	}
	return dedupePhones(p.phones), p.problems
}

// joinSlashedAreaCodes reads "310/246-1501" as one number: a slash
// separates two numbers only when the part before it is long enough to be
// one; a short part (an area code) belongs to the number after it.
func joinSlashedAreaCodes(s string) string {
	if !strings.Contains(s, "/") {
		return s
	}
	runs := phoneRun.FindAllStringIndex(s, -1)
	b := []byte(s)
	for i := 0; i+1 < len(runs); i++ {
		gap := s[runs[i][1]:runs[i+1][0]]
		if strings.TrimSpace(gap) != "/" {
			continue
		}
		if n := len(digitsOf(s[runs[i][0]:runs[i][1]])); n >= 2 && n <= 4 && len(digitsOf(s[runs[i+1][0]:runs[i+1][1]])) >= 5 {
			b[runs[i][1]+strings.Index(gap, "/")] = ' '
		}
	}
	return string(b)
}

type phoneParser struct {
	opt          PhoneOptions
	region       string
	cc           int
	phones       []crmkit.Phone
	problems     []crmkit.Problem
	lastNational string // the last full national number, for local numbers later in the cell
	area         string // an area code declared alone earlier in the cell
	lastRun      int
}

func (p *phoneParser) problem(code string, sev crmkit.Severity, format string, args ...any) {
	p.problems = append(p.problems, crmkit.Problem{
		Field: crmkit.FieldPhone, Code: code, Severity: sev, Message: fmt.Sprintf(format, args...),
	})
}

// run reads one run of digits and separators; it reports whether it gave a number.
func (p *phoneParser) run(text string) bool {
	digits := digitsOf(text)
	switch {
	case len(digits) < 5:
		return false // a fragment: a short code, a house number, "112"
	case strings.HasPrefix(strings.TrimSpace(text), "+"):
		return p.add(text, "+"+digits)
	case strings.HasPrefix(digits, "810") && len(digits) > 12, strings.HasPrefix(digits, "00") && len(digits) > 10:
		// International prefix of Russia (8-10) or of most of the world (00).
		return p.add(text, "+"+strings.TrimPrefix(strings.TrimPrefix(digits, "810"), "00"))
	case p.cc != 7:
		return p.addParsed(text)
	case len(digits) > 11:
		return p.split(text)
	case p.area != "" && !strings.ContainsAny(text, "()") && len(digits) == 2*(10-len(p.area)):
		// "3-02-47 3-10-16" after "код 8-351-55": two local numbers.
		return p.split(text)
	}
	return p.national(text, digits)
}

// national handles 5–11 digits written the Russian way.
func (p *phoneParser) national(text, digits string) bool {
	switch len(digits) {
	case 11:
		if digits[0] != '7' && digits[0] != '8' {
			p.problem(PhoneInvalid, crmkit.SeverityError, "%s: 11 digits must start with 7 or 8", crmkit.MaskPhone(text))
			return false
		}
		return p.add(text, "+7"+digits[1:])
	case 10:
		return p.add(text, "+7"+digits)
	case 5, 6, 7:
		if len(p.area)+len(digits) == 10 {
			return p.add(text, "+7"+p.area+digits)
		}
		if n := len(p.lastNational); n == 10 {
			// A local number after a full one takes the same area code:
			// "(495) 236-27-16, 236-27-09".
			return p.add(text, "+7"+p.lastNational[:10-len(digits)]+digits)
		}
		area := digitsOf(p.opt.AreaCode)
		if area == "" || len(area)+len(digits) != 10 {
			p.problem(PhoneNoAreaCode, crmkit.SeverityError, "%s is a local number and no area code fits it", crmkit.MaskPhone(text))
			return false
		}
		if p.add(text, "+7"+area+digits) {
			p.phones[len(p.phones)-1].Problem = PhoneAreaCodeAssumed
			p.problem(PhoneAreaCodeAssumed, crmkit.SeverityWarning, "%s completed with area code %s", crmkit.MaskPhone(text), area)
			return true
		}
		return false
	}
	p.problem(PhoneBadLength, crmkit.SeverityError, "%s has %d digits", crmkit.MaskPhone(text), len(digits))
	return false
}

// extension reads the digits after "доб.": "33-18" is one extension 3318,
// "219-207" lists two and the first is kept.
func extension(tok string) string {
	groups := strings.Split(tok, "-")
	list := len(groups) > 1
	for _, g := range groups {
		if len(g) < 3 {
			list = false
		}
	}
	ext := strings.Join(groups, "")
	if list {
		ext = groups[0]
	}
	if len(ext) > 6 {
		return ""
	}
	return ext
}

// areaDeclaration takes a run like "8-351-9" that only names the area code
// of the local numbers after it (the trunk 8 and 3–5 digits).
func (p *phoneParser) areaDeclaration(text string, more bool) bool {
	if !more || p.cc != 7 || !areaAlone.MatchString(strings.TrimSpace(text)) {
		return false
	}
	p.area = digitsOf(text)[1:]
	return true
}

// split cuts a run holding several numbers written with spaces only,
// "8 916 123 45 67 8 916 765 43 21", at the group boundaries.
func (p *phoneParser) split(text string) bool {
	groups := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' })
	var cur []string
	n, any := 0, false
	flush := func() {
		if len(cur) > 0 {
			t := strings.Join(cur, " ")
			if d := digitsOf(t); len(d) > 11 {
				p.problem(PhoneBadLength, crmkit.SeverityError, "%s has %d digits", crmkit.MaskPhone(t), len(d))
			} else if len(d) >= 5 && p.national(t, d) {
				any = true
			}
		}
		cur, n = nil, 0
	}
	for _, g := range groups {
		d := digitsOf(g)
		if n+len(d) > 11 && n >= 5 {
			flush()
		}
		cur = append(cur, g)
		n += len(d)
		d = digitsOf(strings.Join(cur, ""))
		if d == "" { // "(": no digits yet
			continue
		}
		first := d[0]
		if p.area != "" && n == 10-len(p.area) && first != '8' {
			flush()
		} else if (n == 11 && (first == '7' || first == '8')) || (n == 10 && first != '7' && first != '8') {
			flush()
		}
	}
	flush()
	return any
}

func (p *phoneParser) add(text, e164 string) bool {
	num, err := p.number(e164)
	if err != nil {
		p.problem(PhoneInvalid, crmkit.SeverityError, "%s is not a valid number", crmkit.MaskPhone(text))
		return false
	}
	ph, ok := phoneOf(num, text)
	if !ok {
		p.problem(PhoneInvalid, crmkit.SeverityError, "%s is not a valid number", crmkit.MaskPhone(text))
		return false
	}
	if num.GetCountryCode() == 7 {
		p.lastNational = phonenumbers.GetNationalSignificantNumber(num)
	}
	p.phones = append(p.phones, ph)
	return true
}

// number builds a +7 number from its digits without parsing them again
// (half the cost of a cell); other countries go through libphonenumber.
func (p *phoneParser) number(e164 string) (*phonenumbers.PhoneNumber, error) {
	if len(e164) == 12 && strings.HasPrefix(e164, "+7") {
		if n, err := strconv.ParseUint(e164[2:], 10, 64); err == nil {
			cc := int32(7)
			return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}, nil
		}
	}
	return phonenumbers.Parse(e164, p.region)
}

// phoneOf describes a number; ok is false when the numbering plan has no
// such number (IsValidNumber is exactly "the type is known").
func phoneOf(num *phonenumbers.PhoneNumber, text string) (crmkit.Phone, bool) {
	t := phonenumbers.GetNumberType(num)
	if t == phonenumbers.UNKNOWN {
		return crmkit.Phone{}, false
	}
	return crmkit.Phone{
		E164: phonenumbers.Format(num, phonenumbers.E164),
		Raw:  strings.TrimSpace(text),
		Type: numberTypes[t],
	}, true
}

var numberTypes = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE:           "fixed",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.PERSONAL_NUMBER:      "personal",
	phonenumbers.UAN:                  "uan",
}

var (
	labelWords = []struct {
		re    *regexp.Regexp
		label string
	}{
		{regexp.MustCompile(`(?i)(факс|fax)`), "fax"},
		{regexp.MustCompile(`(?i)(моб|сот|mob|cell)`), "mobile"},
		{regexp.MustCompile(`(?i)(раб|офис|work|office)`), "work"},
		{regexp.MustCompile(`(?i)(дом\.|домашн|home)`), "home"},
	}
	commentRe = regexp.MustCompile(`^[\s,;]*\(([^()\d]*\p{L}[^()\d]*)\)`)
)

// phoneLabel reads what the text before a number calls it ("моб.", "факс:").
func phoneLabel(before string) string {
	for _, w := range labelWords {
		if w.re.MatchString(before) {
			return w.label
		}
	}
	return ""
}

// phoneComment takes a note in brackets right after a number: "(Иван)".
func phoneComment(after string) string {
	if g := commentRe.FindStringSubmatch(after); g != nil {
		return strings.TrimSpace(g[1])
	}
	return ""
}

// addParsed leaves numbers of other regions to libphonenumber's own rules.
func (p *phoneParser) addParsed(text string) bool {
	num, err := phonenumbers.Parse(text, p.region)
	var ph crmkit.Phone
	ok := err == nil
	if ok {
		ph, ok = phoneOf(num, text)
	}
	if !ok {
		p.problem(PhoneInvalid, crmkit.SeverityError, "%s is not a valid number", crmkit.MaskPhone(text))
		return false
	}
	p.phones = append(p.phones, ph)
	return true
}

func dedupePhones(in []crmkit.Phone) []crmkit.Phone {
	out := in[:0]
	for _, ph := range in {
		dup := false
		for i := range out {
			if out[i].E164 == ph.E164 && (out[i].Extension == ph.Extension || ph.Extension == "") {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, ph)
		}
	}
	return out
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
