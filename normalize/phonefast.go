package normalize

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
)

// phonesFast answers the cells most files are made of — one Russian
// number and nothing else: "+7 916 123-45-67", "8 (495) 123-45-67",
// "89161234567", "9161234567", "123-45-67" with an area code — in one pass
// over the bytes, without regular expressions or libphonenumber's parser.
// ok is false for every other cell and for numbers the plan rejects; those
// go to phonesSlow, whose answer this is, field for field.
func phonesFast(raw string, opt PhoneOptions) (phones []crmkit.Phone, problems []crmkit.Problem, ok bool) {
	if !isRegionRU(opt.Region) {
		return nil, nil, false
	}
	c, ok := scanOneNumber(raw)
	if !ok {
		return nil, nil, false
	}
	// The national number, as phoneParser.run and national read the digits.
	var nsn [10]byte
	var area string
	d := c.digits[:c.n]
	switch {
	case c.plus:
		if c.n != 11 || d[0] != '7' {
			return nil, nil, false // another country: libphonenumber parses it
		}
		copy(nsn[:], d[1:])
	case c.n == 11:
		if d[0] != '7' && d[0] != '8' {
			return nil, nil, false
		}
		copy(nsn[:], d[1:])
	case c.n == 10:
		copy(nsn[:], d)
	case c.n >= 5 && c.n <= 7:
		area = areaDigits(opt.AreaCode)
		if len(area)+c.n != 10 {
			return nil, nil, false
		}
		copy(nsn[:], area)
		copy(nsn[len(area):], d)
	default:
		return nil, nil, false
	}
	plan, err := numberPlan7()
	if err != nil {
		return nil, nil, false
	}
	kind, valid := plan.kind(&nsn)
	if !valid {
		return nil, nil, false
	}

	text := raw[c.start:c.end]
	if c.folded {
		text = foldSpaces(text)
	}
	ph := crmkit.Phone{Raw: text, Type: kind}
	if c.plus && len(text) == 12 {
		ph.E164 = text // "+79161234567" is its own E.164
	} else {
		e := [12]byte{'+', '7'}
		copy(e[2:], nsn[:])
		ph.E164 = string(e[:])
	}
	if area != "" {
		ph.Problem = PhoneAreaCodeAssumed
		problems = []crmkit.Problem{{
			Field: crmkit.FieldPhone, Code: PhoneAreaCodeAssumed, Severity: crmkit.SeverityWarning,
			Message: fmt.Sprintf("%s completed with area code %s", crmkit.MaskPhone(text), area),
		}}
	}
	return []crmkit.Phone{ph}, problems, true
}

// isRegionRU: Phones reads the region case-blind, "" meaning RU.
func isRegionRU(region string) bool {
	return region == "" || len(region) == 2 && region[0]|0x20 == 'r' && region[1]|0x20 == 'u'
}

// areaDigits is digitsOf(area), without a copy in the usual case of an
// area code written as digits only.
func areaDigits(area string) string {
	for i := 0; i < len(area); i++ {
		if area[i] < '0' || area[i] > '9' {
			return digitsOf(area)
		}
	}
	return area
}

// oneNumber is a cell that holds one run of phoneRun and only blanks
// around it.
type oneNumber struct {
	digits     [11]byte
	n          int  // digits used in digits
	plus       bool // the run starts with "+"
	start, end int  // the run in the cell: from its first sign to its last digit
	folded     bool // the run holds characters that spaceLike replaces
}

// scanOneNumber takes cells of up to eleven digits with spaces, brackets
// and dashes between them, an optional leading "+", and blanks around: the
// cells in which phoneRun finds exactly one run, the whole trimmed cell,
// and the text around it names no label, comment or extension. Anything
// else (letters, a second number, dots, commas, slashes) is not taken, even
// where phonesSlow would read it the same.
func scanOneNumber(raw string) (c oneNumber, ok bool) {
	c.start, c.end = -1, -1
	last := -1      // the end of the last character that is not a blank
	firstFold := -1 // the first replaced character after the run starts
	for i := 0; i < len(raw); {
		b, size := raw[i], 1
		blank, fold := false, false
		switch {
		case b >= '0' && b <= '9':
			if c.n == len(c.digits) {
				return c, false
			}
			c.digits[c.n] = b
			c.n++
			if c.start < 0 {
				c.start = i
			}
			c.end = i + 1
		case b == ' ':
			blank = true
		case b == '\t' || b == '\r':
			blank, fold = true, true
		case b == '(':
			if c.start < 0 {
				c.start = i
			}
		case b == ')' || b == '-':
			if c.start < 0 {
				return c, false // phoneRun would leave it out of the run
			}
		case b == '+':
			// A plus starts a run only right before a bracket or digit.
			if c.start >= 0 || i+1 == len(raw) || raw[i+1] != '(' && (raw[i+1] < '0' || raw[i+1] > '9') {
				return c, false
			}
			c.start, c.plus = i, true
		case b < utf8.RuneSelf:
			return c, false
		default:
			var r rune
			r, size = utf8.DecodeRuneInString(raw[i:])
			switch r {
			case '\u00a0', '\u2007', '\u2009', '\u202f':
				blank, fold = true, true
			case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
				if c.start < 0 {
					return c, false
				}
				fold = true
			default:
				return c, false
			}
		}
		if fold && c.start >= 0 && firstFold < 0 {
			firstFold = i
		}
		i += size
		if !blank {
			last = i
		}
	}
	// The run must end on its last digit: a bracket or dash after it
	// would be text after the number.
	if c.n == 0 || last != c.end {
		return c, false
	}
	c.folded = firstFold >= 0 && firstFold < c.end
	return c, true
}

// foldSpaces is spaceLike.Replace for a run scanOneNumber took.
func foldSpaces(run string) string {
	var b strings.Builder
	b.Grow(len(run))
	for _, r := range run {
		switch r {
		case '\t', '\r', '\u00a0', '\u2007', '\u2009', '\u202f':
			b.WriteByte(' ')
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
