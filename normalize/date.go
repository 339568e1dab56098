package normalize

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
)

// Problem codes of dates and amounts.
const (
	DateInvalid    = "date.invalid"    // not a date in any known form, or no such day
	MoneyInvalid   = "money.invalid"   // not an amount
	MoneyAmbiguous = "money.ambiguous" // "1,234": read as 1234 (a thousands separator), say so
)

var (
	dayMonthYear = regexp.MustCompile(`^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})(\s+\d{1,2}:\d{2}(:\d{2})?)?$`)
	isoDate      = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})([t\s].*)?$`) // lower-cased input
	textDate     = regexp.MustCompile(`^(\d{1,2})\s+([\p{L}]+)\.?\s+(\d{4})(\s*(г|года?)\.?)?$`)
	excelSerial  = regexp.MustCompile(`^\d{1,7}(\.\d+)?$`)
	compactDate  = regexp.MustCompile(`^\d{8}$`) // 19560409 (as databases export) or 09041956
	// Russian month names in the genitive ("12 марта"), nominative and short forms.
	months = map[string]time.Month{}
)

func init() {
	for m, names := range [][]string{
		{"января", "январь", "янв"}, {"февраля", "февраль", "фев"}, {"марта", "март", "мар"},
		{"апреля", "апрель", "апр"}, {"мая", "май"}, {"июня", "июнь", "июн"},
		{"июля", "июль", "июл"}, {"августа", "август", "авг"}, {"сентября", "сентябрь", "сен", "сент"},
		{"октября", "октябрь", "окт"}, {"ноября", "ноябрь", "ноя"}, {"декабря", "декабрь", "дек"},
	} {
		for _, n := range names {
			months[n] = time.Month(m + 1)
		}
	}
}

// twoDigitPivot: "dd.mm.yy" years up to it are 20yy, later ones 19yy. Fixed,
// so that the same cell always gives the same date.
const twoDigitPivot = 30

// Date reads the dates of Russian customer files — "12.03.2021",
// "12.03.21", "12.03.2021 0:00:00" (1C), "2021-03-12", "12 марта 2021 г.",
// "20210312" or "12032021", an Excel serial day number — and returns it
// as YYYY-MM-DD.
func Date(raw string) (string, []crmkit.Problem) {
	s := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(raw, "\u00a0", " ")))
	if s == "" {
		return "", nil
	}
	var y, m, d int
	ok := false
	if g := dayMonthYear.FindStringSubmatch(s); g != nil {
		d, m, y = atoi(g[1]), atoi(g[2]), atoi(g[3])
		if len(g[3]) == 2 {
			y += 1900
			if y%100 <= twoDigitPivot {
				y += 100
			}
		}
		ok = true
	} else if g := isoDate.FindStringSubmatch(s); g != nil {
		y, m, d, ok = atoi(g[1]), atoi(g[2]), atoi(g[3]), true
	} else if g := textDate.FindStringSubmatch(s); g != nil {
		if month, known := months[g[2]]; known {
			d, m, y, ok = atoi(g[1]), int(month), atoi(g[3]), true
		}
	} else if compactDate.MatchString(s) {
		// Year first when the first four digits make a year and the rest a
		// day of it; else the year last: one of the two is never a date.
		if y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]); validDate(y, m, d) {
			ok = true
		} else {
			d, m, y = atoi(s[:2]), atoi(s[2:4]), atoi(s[4:])
			ok = true
		}
	} else if excelSerial.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		// 1 = 1900-01-01 … 2958465 = 9999-12-31; counting from 1899-12-30
		// absorbs Excel's fictitious 1900-02-29.
		if err == nil && f >= 61 && f <= 2958465 {
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(math.Floor(f)))
			if validDate(t.Year(), int(t.Month()), t.Day()) { // the same calendar as a date written out
				return t.Format(time.DateOnly), nil
			}
		}
	}
	if ok && validDate(y, m, d) {
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), nil
	}
	return "", []crmkit.Problem{{Field: crmkit.FieldBirthDate, Code: DateInvalid, Severity: crmkit.SeverityError,
		Message: fmt.Sprintf("%q is not a date", crmkit.MaskText(raw))}}
}

// validDate: a day of the calendar from 1800 to 2199.
func validDate(y, m, d int) bool {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d && y >= 1800 && y < 2200
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// thousands drops separators from an amount's digits.
var thousands = strings.NewReplacer(",", "", ".", "")

var currency = regexp.MustCompile(`(?i)(руб(л(ей|я|ь))?\.?|р\.|₽|rub|rur|usd|eur|\$|€|коп\.?)`)

// Money reads an amount — "1 234 567,89 руб.", "1.234.567,89",
// "1,234,567.89", "(1 000)" (negative), "-1000 р." — and returns it as a
// plain decimal, "-1234567.89".
func Money(raw string) (string, []crmkit.Problem) {
	s := strings.TrimSpace(currency.ReplaceAllString(raw, ""))
	if s == "" {
		return "", nil
	}
	bad := func() (string, []crmkit.Problem) {
		return "", []crmkit.Problem{{Field: crmkit.FieldRevenue, Code: MoneyInvalid, Severity: crmkit.SeverityError,
			Message: fmt.Sprintf("%q is not an amount", raw)}}
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "\u2212") {
		neg, s = !neg, strings.TrimLeft(s, "-\u2212 ")
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '’' {
			return -1
		}
		return r
	}, s)
	var problems []crmkit.Problem
	intPart, frac := s, ""
	lastComma, lastDot := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	dec := max(lastComma, lastDot)
	switch {
	case lastComma >= 0 && lastDot >= 0: // "1.234.567,89" or "1,234,567.89": the last one is the decimal point
	case dec < 0:
	case strings.Count(s, s[dec:dec+1]) > 1: // "1.234.567": thousands only
		dec = -1
	case s[dec] == ',' && len(s)-dec-1 == 3 && dec <= 3 && s[0] != '0':
		// "1,234" is a thousands separator more often than three decimals.
		// A lone "." is always the decimal point: it is what Money writes.
		problems = append(problems, crmkit.Problem{Field: crmkit.FieldRevenue, Code: MoneyAmbiguous, Severity: crmkit.SeverityWarning,
			Message: fmt.Sprintf("%q read as %s", raw, thousands.Replace(s))})
		dec = -1
	}
	if dec >= 0 {
		intPart, frac = s[:dec], s[dec+1:]
	}
	intPart = thousands.Replace(intPart)
	if intPart == "" {
		intPart = "0"
	}
	if digitsOf(intPart) != intPart || digitsOf(frac) != frac {
		return bad()
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	out := intPart
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, problems
}
