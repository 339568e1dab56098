package normalize

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/crmkit/crmkit"
)

// Email fakes a clean (lower-case, valid) e-mail address: the mailbox's
// letters and digits replaced (vowels by vowels; numbers by a keyed
// permutation, so "ivan.1" and "ivan.2" stay two addresses), the domain's
// too unless it is a public mail service or a typo of one, whose problem
// it keeps. An office mailbox (info@, sales@) keeps its name: it names a
// role, not a person.
func (a *Anonymizer) Email(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || !validEmail(addr) {
		return a.keepShape("email", addr, func(s string) bool { return !validEmail(s) })
	}
	local, domain := addr[:at], addr[at+1:]
	if !popularDomains[domain] && DomainSuggestion(addr) == "" {
		domain = a.domain(domain)
	}
	if !IsRoleEmail(addr) {
		for try := 0; ; try++ {
			fake := a.mailbox(local, try)
			if fake != local && !IsRoleEmail(fake+"@x") || try > 8 {
				local = fake
				break
			}
		}
	}
	return local + "@" + domain
}

func (a *Anonymizer) mailbox(local string, try int) string {
	return mapRuns(local, func(run string, digits bool) string {
		if digits {
			return a.permuteNumber("mailbox", run)
		}
		return a.letters(a.stream("mailbox", run+"\x00"+strconv.Itoa(try)), run)
	})
}

// domain fakes every label of a domain but its last (.ru, .com stay).
func (a *Anonymizer) domain(d string) string {
	labels := strings.Split(d, ".")
	for try := 0; ; try++ {
		out := append([]string(nil), labels...)
		for i := 0; i < len(out)-1; i++ {
			out[i] = mapRuns(labels[i], func(run string, digits bool) string {
				if digits {
					return a.permuteDigits("domain", run)
				}
				return a.letters(a.stream("domain", run+"\x00"+strconv.Itoa(try)), run)
			})
		}
		fake := strings.Join(out, ".")
		if fake != d && !popularDomains[fake] && DomainSuggestion("x@"+fake) == "" || try > 8 {
			return fake
		}
	}
}

// mapRuns replaces every run of letters and every run of digits of s.
func mapRuns(s string, f func(run string, digits bool) string) string {
	var b strings.Builder
	start, digits := -1, false
	flush := func(end int) {
		if start >= 0 {
			b.WriteString(f(s[start:end], digits))
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case unicode.IsDigit(r) && r < 128:
			if start >= 0 && !digits {
				flush(i)
			}
			if start < 0 {
				start, digits = i, true
			}
		case unicode.IsLetter(r):
			if start >= 0 && digits {
				flush(i)
			}
			if start < 0 {
				start, digits = i, false
			}
		default:
			flush(i)
			b.WriteRune(r)
		}
	}
	flush(len(s))
	return b.String()
}

// addressWords name the parts of an address; they stay in a fake one.
var addressWords = set(strings.Fields(`ул улица пр пр-т просп проспект пер переулок б-р бульвар ш шоссе наб набережная пл
площадь д дом к корп корпус стр строение кв квартира оф офис пом помещение г город обл область р-н район пос поселок
п с село дер деревня мкр микрорайон тер территория проезд пр-д туп тупик линия аллея км лит литера эт этаж респ
республика край ао россия рф st street ave avenue rd road apt suite bldg`))

// Address fakes an address: the words of streets and places replaced by
// invented ones, each word by its folded form, and every number by a keyed
// permutation of numbers of its length — so "ул. Ленина, д. 5" and "улица
// Ленина дом 5" stay one address. The words that name the parts of an
// address stay, and so does the town: the word after "г." or "город", and
// the words of the record's city (a town is no one's data, and the city
// column stays too).
func (a *Anonymizer) Address(s, city string) string {
	keep := set(strings.Fields(FoldKey(city)))
	town := false
	return mapRuns(s, func(run string, digits bool) string {
		afterMarker := town
		town = false
		if digits {
			return a.permuteNumber("address", run)
		}
		k := FoldKey(run)
		if k == "г" || k == "город" {
			town = true
		}
		if addressWords[k] || keep[k] || afterMarker || len([]rune(k)) < 2 {
			return run
		}
		st := a.stream("address", k)
		for try := 0; ; try++ {
			fake := a.stem(st, max(1, len([]rune(k))/3))
			if strings.HasSuffix(k, "ая") {
				fake += "ая"
			} else if strings.HasSuffix(k, "а") {
				fake += "а"
			}
			if fake != k || try > 8 {
				return recase(run, fake)
			}
		}
	})
}

// keepShape fakes a value that is not what its field holds so that it
// still is not: scrambled until bad says the fake is as bad as the value.
func (a *Anonymizer) keepShape(domain, s string, bad func(string) bool) string {
	var fake string
	for try := 0; try < 20; try++ {
		if fake = a.scramble(domain, s, try); bad(fake) {
			return fake
		}
	}
	return fake
}

// Cell fakes one cell of a field as it was written in the source file:
// the fake of each value put where the value was, in its shape ("8 (495)
// 123-45-67 доб. 12", "IVANOV@MAIL.RU", "12.03.1985"), so that cleansing
// the fake gives the fake of the cleaned value and the same problems. rec
// is the cleaned record the cell belongs to: its kind says whether a name
// is a person's, its city which words of an address stay. Free text
// (comments) is dropped: it may hold anything. Fields that hold no
// personal data come back as they are.
func (a *Anonymizer) Cell(field, raw string, rec *crmkit.Record, opt Options) string {
	if strings.TrimSpace(raw) == "" {
		return raw
	}
	switch field {
	case crmkit.FieldName:
		return a.Name(rec.Kind, raw)
	case crmkit.FieldLastName, crmkit.FieldFirstName, crmkit.FieldMiddleName, crmkit.FieldContactPerson:
		return a.PersonName(raw)
	case crmkit.FieldOrgName, crmkit.FieldOrg:
		return a.OrgName(raw)
	case crmkit.FieldINN:
		return a.numberCell(raw, INN, a.INN)
	case crmkit.FieldOGRN:
		return a.numberCell(raw, OGRN, a.OGRN)
	case crmkit.FieldPhone:
		return a.PhoneCell(raw, opt)
	case crmkit.FieldEmail:
		return a.EmailCell(raw)
	case crmkit.FieldAddress:
		return a.Address(raw, rec.Fields[crmkit.FieldCity])
	case crmkit.FieldBirthDate:
		return a.DateCell(raw)
	case crmkit.FieldComment:
		return ""
	}
	return raw
}

// Record fakes a record as read from its source (before cleansing): every
// field as Cell fakes it. Unmapped columns (Extra) stay as they are.
func (a *Anonymizer) Record(rec crmkit.Record, opt Options) crmkit.Record {
	clean, _ := Record(rec, opt)
	fields := make(map[string]string, len(rec.Fields))
	for f, v := range rec.Fields {
		if v = a.Cell(f, v, &clean, opt); v != "" {
			fields[f] = v
		}
	}
	rec.Fields = fields
	return rec
}

// numberCell fakes a tax or registration number cell: the fake's digits
// where the value's were (a lost leading zero stays lost), or the fake as
// it is when the cell was written otherwise (an Excel float). A value that
// fails its check keeps its problem.
func (a *Anonymizer) numberCell(raw string, clean func(string) (string, []crmkit.Problem), fake func(string) string) string {
	v, problems := clean(raw)
	if v == "" {
		codes := problemCodes(problems)
		return a.keepShape("number", raw, func(s string) bool {
			_, ps := clean(s)
			return problemCodes(ps) == codes
		})
	}
	f := fake(v)
	if f == v {
		return raw
	}
	out := replaceDigitsFromEnd(raw, f)
	if got, ps := clean(out); got == f && problemCodes(ps) == problemCodes(problems) {
		return out
	}
	return f
}

// replaceDigitsFromEnd writes the last digits of digits over the digits of
// s, from the end; the other characters stay.
func replaceDigitsFromEnd(s, digits string) string {
	b := []byte(s)
	j := len(digits) - 1
	for i := len(b) - 1; i >= 0 && j >= 0; i-- {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = digits[j]
			j--
		}
	}
	return string(b)
}

func problemCodes(ps []crmkit.Problem) string {
	var codes []string
	for _, p := range ps {
		codes = append(codes, p.Code)
	}
	return strings.Join(codes, ",")
}

// phoneWords are the words of a phone cell that say what a number is;
// other words (a note "(Иван)") are faked as names.
var phoneWords = set(strings.Fields(`тел телефон телефоны т моб мобильный мобильная сот сотовый раб рабочий дом домашний
факс ф доб добавочный доп вн внутр внутренний ext x tel phone mob mobile cell fax work office home или и код офис
приемная секретарь бухгалтерия отдел продаж директор с до по ч час пн вт ср чт пт сб вс не подключен нет номер
whatsapp viber telegram вотсап ватсап звонить вечером днем утром`))

// PhoneCell fakes a cell of phone numbers: each number's subscriber digits
// replaced where they were written, so that the cell reads as the fakes of
// its numbers with the same labels, extensions and problems; notes beside
// a number are faked as names. A cell that would not read so is written
// as its fakes in E.164.
func (a *Anonymizer) PhoneCell(raw string, opt Options) string {
	phones, problems := opt.Memo.Phones(raw, opt.Phone)
	codes := problemCodes(problems)
	words := func(s string) string {
		return mapWords(s, func(w string) string {
			if phoneWords[FoldKey(w)] {
				return w
			}
			return a.nameWord(w)
		})
	}
	if len(phones) == 0 {
		return a.keepShape("phone", words(raw), func(s string) bool {
			ps, pr := opt.Memo.Phones(s, opt.Phone)
			return len(ps) == 0 && problemCodes(pr) == codes
		})
	}
	fakes := make([]crmkit.Phone, len(phones))
	for i, p := range phones {
		fakes[i] = p
		fakes[i].E164 = a.Phone(p.E164)
	}
	// The cell as it is, else as the parser reads it (line breaks and odd
	// spaces as ", " and " "; an Excel float as its digits).
	for _, s := range []string{raw, spaceLike.Replace(ExcelNumber(raw))} {
		out := words(s)
		at := 0
		for i, p := range phones {
			j := strings.Index(out[at:], p.Raw)
			if p.Raw == "" || j < 0 {
				out = ""
				break
			}
			start := at + j
			piece := replaceNumber(p.Raw, p.E164, fakes[i].E164)
			out = out[:start] + piece + out[start+len(p.Raw):]
			at = start + len(piece)
		}
		if out != "" {
			got, pr := opt.Memo.Phones(out, opt.Phone)
			if samePhones(got, fakes) && problemCodes(pr) == codes {
				return out
			}
		}
	}
	list := make([]string, len(fakes))
	for i, p := range fakes {
		list[i] = p.E164
		if p.Extension != "" {
			list[i] += " доб. " + p.Extension
		}
	}
	return strings.Join(list, "; ")
}

// replaceNumber writes the digits in which fake differs from e164 over
// where they stand in piece (a number as written: "8 (495) 123-45-67",
// "123-45-67" when the area code was assumed).
func replaceNumber(piece, e164, fake string) string {
	if len(e164) != len(fake) {
		return piece
	}
	i := 0
	for i < len(e164) && e164[i] == fake[i] {
		i++
	}
	from, to := e164[i:], fake[i:]
	if from == "" {
		return piece
	}
	// The digits of the piece, and where each stands.
	var digits []byte
	var pos []int
	for k := 0; k < len(piece); k++ {
		if piece[k] >= '0' && piece[k] <= '9' {
			digits = append(digits, piece[k])
			pos = append(pos, k)
		}
	}
	at := strings.LastIndex(string(digits), from)
	if at < 0 {
		return piece
	}
	b := []byte(piece)
	for k := range len(from) {
		b[pos[at+k]] = to[k]
	}
	return string(b)
}

func samePhones(a, b []crmkit.Phone) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].E164 != b[i].E164 || a[i].Extension != b[i].Extension {
			return false
		}
	}
	return true
}

// EmailCell fakes a cell of e-mail addresses: each address where it was,
// in its case, "mailto:" and brackets kept; what is not an address stays
// one that is not.
func (a *Anonymizer) EmailCell(raw string) string {
	isSep := func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '\u00a0'
	}
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		b.WriteString(a.emailPart(raw[start:end]))
		start = -1
	}
	for i, r := range raw {
		if isSep(r) {
			flush(i)
			b.WriteRune(r)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(raw))
	return b.String()
}

// emailPart fakes one address of a cell, "<Ivan@Mail.ru>" or
// "mailto:ivan@mail.ru".
func (a *Anonymizer) emailPart(part string) string {
	core := strings.Trim(part, "<>()\"'")
	if core == "" {
		return part
	}
	lead := strings.Index(part, core)
	prefix, suffix := part[:lead], part[lead+len(core):]
	if strings.HasPrefix(strings.ToLower(core), "mailto:") {
		prefix, core = prefix+core[:len("mailto:")], core[len("mailto:"):]
	}
	fake := a.Email(strings.ToLower(core))
	if strings.ToUpper(core) == core && strings.ToLower(core) != core {
		fake = strings.ToUpper(fake)
	}
	return prefix + fake + suffix
}

// DateCell fakes a date cell in the form it was written: the day and
// month replaced where they stood ("12.03.1985" → "07.11.1985"; the year
// stays, see BirthDate); a cell that is no date stays one that is not.
func (a *Anonymizer) DateCell(raw string) string {
	iso, problems := Date(raw)
	if iso == "" {
		codes := problemCodes(problems)
		return a.keepShape("date", raw, func(s string) bool {
			_, ps := Date(s)
			return problemCodes(ps) == codes
		})
	}
	fake := a.BirthDate(iso)
	_, m, d, _ := splitISO(fake)
	s := strings.TrimSpace(raw)
	width := func(n, w int) string {
		if w >= 2 || n >= 10 {
			return pad2(n)
		}
		return strconv.Itoa(n)
	}
	out := ""
	if g := dayMonthYear.FindStringSubmatchIndex(s); g != nil {
		out = s[:g[2]] + width(d, g[3]-g[2]) + s[g[3]:g[4]] + width(m, g[5]-g[4]) + s[g[5]:]
	} else if g := isoDate.FindStringSubmatchIndex(s); g != nil {
		out = s[:g[4]] + width(m, g[5]-g[4]) + s[g[5]:g[6]] + width(d, g[7]-g[6]) + s[g[7]:]
	} else if g := textDate.FindStringSubmatchIndex(s); g != nil {
		out = s[:g[2]] + width(d, g[3]-g[2]) + s[g[3]:g[4]] + recase(s[g[4]:g[5]], genitiveMonths[m-1]) + s[g[5]:]
	}
	if got, _ := Date(out); out != "" && got == fake {
		return out
	}
	y, _ := strconv.Atoi(fake[:4])
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format("02.01.2006")
}

var genitiveMonths = strings.Fields(`января февраля марта апреля мая июня июля августа сентября октября ноября декабря`)
