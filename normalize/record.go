package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/crmkit/crmkit"
)

// Options configure the cleansing of one source's records.
type Options struct {
	Phone PhoneOptions
	Memo  *PhoneMemo // optional: remembers phone cells already parsed
}

// Match key prefixes. A key is "prefix:value"; two records sharing a key
// are candidates for the same customer.
const (
	KeyINN   = "inn:"
	KeyPhone = "phone:"
	KeyEmail = "email:"
)

var (
	spaces = regexp.MustCompile(`\s+`)
	// Legal forms that make a name an organisation's ("ООО «Ромашка»").
	orgForm = screened{regexp.MustCompile(`(?i)(^|[\s"«'(,])(ооо|оао|зао|пао|нао|ао|гуп|муп|фгуп|ано|нко|тсж|кфх|снт|llc|ltd|inc|gmbh)($|[\s"»'),.])|общество с ограниченной|акционерное общество|товарищество`),
		[]string{"ооо", "ао", "гуп", "муп", "ано", "нко", "тсж", "кфх", "снт", "llc", "ltd", "inc", "gmbh", "общество с ограниченной", "акционерное общество", "товарищество"}}
	// A patronymic makes a full name a person's: "Волкова Ольга Сергеевна", "Алиев Рашид оглы".
	patronymic = screened{regexp.MustCompile(`(?i)([а-яё]+(вич|вна|ична)|\s(оглы|кызы))(\s|$)`), []string{"вич", "вна", "ична", "оглы", "кызы"}}
	// "Иванов И.И.", "И. И. Иванов": a surname with initials is a person.
	withInitials = screened{regexp.MustCompile(`^[\p{L}-]{2,}\s+\p{L}\.\s*(\p{L}\.?)?$|^\p{L}\.\s*(\p{L}\.\s*)?[\p{L}-]{2,}$`), []string{"."}}
	// An individual entrepreneur is a person who trades.
	soleTrader = screened{regexp.MustCompile(`(?i)(^|[\s"«(])ип($|[\s"».])|индивидуальный предприниматель`), []string{"ип", "индивидуальный предприниматель"}}
)

// screened is a regular expression that can only match a value whose lower
// case holds one of its needles: most names hold none, and are told apart
// without running the expression (case-insensitive alternations, which
// took 13 s of a million records). A test checks the needles against the
// expression.
type screened struct {
	re      *regexp.Regexp
	needles []string
}

// may tells whether the expression may match a value whose lower case
// (strings.ToLower) is lower.
func (x screened) may(lower string) bool { return containsAny(lower, x.needles) }

// MatchString tells whether the expression matches s; lower is s in lower
// case.
func (x screened) MatchString(s, lower string) bool { return x.may(lower) && x.re.MatchString(s) }

// Record cleans one record: every field trimmed, phones to E.164, e-mails
// checked, INN/KPP validated, the kind inferred, the source key made when
// the source has none, and the match keys listed. The returned problems
// carry the record's file and row.
func Record(rec crmkit.Record, opt Options) (crmkit.Record, []crmkit.Problem) {
	fields := make(map[string]string, len(rec.Fields))
	for k, v := range rec.Fields {
		if v = strings.TrimSpace(collapseSpaces(stripFormat(v))); v != "" {
			fields[k] = v
		}
	}
	rec.Fields = fields
	var problems []crmkit.Problem

	if raw := fields[crmkit.FieldPhone]; raw != "" {
		phones, ps := opt.Memo.Phones(raw, opt.Phone)
		problems = append(problems, ps...)
		rec.Phones = phones
		var e164 []string
		for _, p := range phones {
			e164 = append(e164, p.E164)
		}
		setOrDrop(fields, crmkit.FieldPhone, strings.Join(e164, "; "))
	}
	if raw := fields[crmkit.FieldEmail]; raw != "" {
		emails, ps := Emails(raw)
		problems = append(problems, ps...)
		rec.Emails = emails
		setOrDrop(fields, crmkit.FieldEmail, strings.Join(emails, "; "))
	}
	for _, f := range singleValued {
		raw := fields[f.name]
		if raw == "" {
			continue
		}
		v, ps := f.clean(raw)
		problems = append(problems, ps...)
		if v == "" {
			// Keep what the source said for the person who fixes it.
			rec.Extra = withExtra(rec.Extra, f.name+"_invalid", raw)
		}
		setOrDrop(fields, f.name, v)
	}

	fromParts := fields[crmkit.FieldName] == "" && (fields[crmkit.FieldLastName] != "" || fields[crmkit.FieldFirstName] != "")
	if fields[crmkit.FieldName] == "" {
		parts := []string{fields[crmkit.FieldLastName], fields[crmkit.FieldFirstName], fields[crmkit.FieldMiddleName]}
		setOrDrop(fields, crmkit.FieldName, strings.TrimSpace(collapseSpaces(strings.Join(parts, " "))))
	}
	if rec.Kind == crmkit.KindUnknown {
		rec.Kind = inferKind(fields)
	}
	problems = append(problems, cleanNames(&rec, fromParts, opt.Phone.Region)...)
	if inn := fields[crmkit.FieldINN]; inn != "" {
		problems = append(problems, CheckINNKind(inn, rec.Kind)...)
	}
	if rec.Key == "" {
		rec.Key = identityKey(&rec)
	}
	rec.MatchKeys = matchKeys(&rec)
	for i := range problems {
		problems[i].File, problems[i].Row = rec.File, rec.Row
	}
	return rec, problems
}

// stripFormat removes the invisible format characters a copy from the web
// or a chat brings (bidirectional overrides such as U+202E, zero-width
// spaces and joiners, the BOM): they change how a value looks, never what
// it says, and would split one name into two keys.
// collapseSpaces writes each run of white space (\s: tab, new line, form
// feed, carriage return, space) as one space. Most values have none but
// single spaces, and are returned as they are without the regular
// expression (a million records: ten million replacements, 7 s).
func collapseSpaces(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n', '\f', '\r':
			return spaces.ReplaceAllString(s, " ")
		case ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return spaces.ReplaceAllString(s, " ")
			}
		}
	}
	return s
}

func stripFormat(s string) string {
	if !strings.ContainsFunc(s, isFormat) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFormat(r) {
			return -1
		}
		return r
	}, s)
}

// isFormat: a character that shows nothing — a format character (a soft
// hyphen, a zero-width space, a direction mark) or a control character
// that is not a space (NUL, which PostgreSQL's text and JSON cannot hold,
// or a stray escape from a terminal paste).
func isFormat(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) && !unicode.IsSpace(r)
}

// singleValued are the fields cleaned one value at a time.
var singleValued = []struct {
	name  string
	clean func(string) (string, []crmkit.Problem)
}{
	{crmkit.FieldINN, INN},
	{crmkit.FieldKPP, KPP},
	{crmkit.FieldOGRN, OGRN},
	{crmkit.FieldBirthDate, Date},
	{crmkit.FieldRevenue, Money},
	{crmkit.FieldRevenueDate, revenueDate},
}

// revenueDate is Date for the day of a row's revenue.
func revenueDate(raw string) (string, []crmkit.Problem) {
	v, problems := Date(raw)
	for i := range problems {
		problems[i].Field = crmkit.FieldRevenueDate
	}
	return v, problems
}

// cleanNames writes an organisation's name with its legal form apart and a
// person's name in register order with its parts; an ИП is a person.
func cleanNames(rec *crmkit.Record, fromParts bool, region string) []crmkit.Problem {
	f := rec.Fields
	var problems []crmkit.Problem
	setPerson := func(p Person) {
		setOrDrop(f, crmkit.FieldName, p.Full)
		for field, v := range map[string]string{crmkit.FieldLastName: p.Last, crmkit.FieldFirstName: p.First, crmkit.FieldMiddleName: p.Middle} {
			if v != "" {
				f[field] = v
			}
		}
	}
	if name := f[crmkit.FieldName]; name != "" {
		switch rec.Kind {
		case crmkit.KindOrganization:
			o, ps := OrgName(name)
			problems = append(problems, ps...)
			rec.NameKey = o.Key
			if o.Person != nil {
				rec.InitialsKey = o.Person.InitialsKey
			}
			if o.Person != nil { // "ИП Иванов" with a 10-digit INN column is still a person
				rec.Kind = crmkit.KindPerson
				setPerson(*o.Person)
			}
			setOrDrop(f, crmkit.FieldName, o.Full)
			if f[crmkit.FieldLegalForm] == "" {
				setOrDrop(f, crmkit.FieldLegalForm, o.LegalForm)
			}
		case crmkit.KindPerson, crmkit.KindContactPerson:
			// Only a name that says ИП pays for the legal-form search.
			if soleTrader.MatchString(name, strings.ToLower(name)) {
				if o, ps := OrgName(name); o.LegalForm == "ИП" {
					problems = append(problems, ps...)
					rec.NameKey, rec.InitialsKey = o.Person.Key, o.Person.InitialsKey
					setPerson(*o.Person)
					setOrDrop(f, crmkit.FieldName, o.Full)
					f[crmkit.FieldLegalForm] = "ИП"
					break
				}
			}
			p, ps := PersonNameIn(name, region)
			if fromParts { // the columns say which part is which
				p, ps = PersonPartsIn(f[crmkit.FieldLastName], f[crmkit.FieldFirstName], f[crmkit.FieldMiddleName], region)
			}
			problems = append(problems, ps...)
			setPerson(p)
			rec.NameKey, rec.InitialsKey = p.Key, p.InitialsKey
		default:
			rec.NameKey = orgKey(name)
		}
	}
	if org := f[crmkit.FieldOrgName]; org != "" {
		o, ps := OrgName(org)
		problems = append(problems, ps...)
		setOrDrop(f, crmkit.FieldOrgName, o.Full)
	}
	if org := f[crmkit.FieldOrg]; org != "" {
		o, _ := OrgName(org)
		rec.OrgKey = o.Key
	}
	if cp := f[crmkit.FieldContactPerson]; cp != "" {
		p, _ := PersonNameIn(cp, region)
		setOrDrop(f, crmkit.FieldContactPerson, p.Full)
	}
	return problems
}

func setOrDrop(fields map[string]string, k, v string) {
	if v == "" {
		delete(fields, k)
		return
	}
	fields[k] = v
}

func withExtra(extra map[string]string, k, v string) map[string]string {
	if extra == nil {
		extra = map[string]string{}
	}
	extra[k] = v
	return extra
}

// inferKind decides person or organisation from what the record says of
// itself: an explicit kind column, the INN length, a legal form in the name.
func inferKind(f map[string]string) crmkit.Kind {
	switch k := strings.ToLower(f[crmkit.FieldKind]); {
	case strings.Contains(k, "юр") || strings.Contains(k, "org") || strings.Contains(k, "company"):
		return crmkit.KindOrganization
	case strings.Contains(k, "физ") || strings.Contains(k, "person") || strings.Contains(k, "индивид"):
		return crmkit.KindPerson
	}
	// What the name says beats the INN's length, which CheckINNKind then
	// cross-checks.
	name := f[crmkit.FieldName]
	lower := strings.ToLower(name)
	switch {
	case soleTrader.MatchString(name, lower):
		return crmkit.KindPerson
	case f[crmkit.FieldOrgName] != "" || orgForm.MatchString(name, lower):
		return crmkit.KindOrganization
	case patronymic.MatchString(name, lower) || f[crmkit.FieldLastName] != "" || f[crmkit.FieldFirstName] != "" || hasFirstName(name) ||
		withInitials.MatchString(name, lower):
		return crmkit.KindPerson
	case len(f[crmkit.FieldINN]) == innOrgLength:
		return crmkit.KindOrganization
	case len(f[crmkit.FieldINN]) == innPersonLength:
		return crmkit.KindPerson
	}
	return crmkit.KindUnknown
}

// hasFirstName: two to four words, one of them a common first name
// ("Соколов Денис", "Елена Морозова").
func hasFirstName(name string) bool {
	words := strings.Fields(name)
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		if isFirstName(w) {
			return true
		}
	}
	return false
}

// identityKey is the source key of a record whose source gives none: a hash
// of its cleaned identity, so that the same row in tomorrow's export (at
// another row number, in a file of another name) gets the same key.
func identityKey(r *crmkit.Record) string {
	parts := []string{string(r.Kind), strings.ToLower(r.Fields[crmkit.FieldName]), r.Fields[crmkit.FieldINN], r.Fields[crmkit.FieldKPP]}
	var ph []string
	for _, p := range r.Phones {
		ph = append(ph, p.E164+"#"+p.Extension)
	}
	sort.Strings(ph)
	em := append([]string(nil), r.Emails...)
	sort.Strings(em)
	parts = append(parts, strings.Join(ph, ","), strings.Join(em, ","))
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return "h:" + hex.EncodeToString(sum[:10])
}

// matchKeys lists the exact keys a record can be matched on. A phone with an
// extension is a person behind a switchboard: the extension is part of it.
func matchKeys(r *crmkit.Record) []string {
	var keys []string
	if inn := r.Fields[crmkit.FieldINN]; inn != "" {
		keys = append(keys, KeyINN+inn)
	}
	for _, p := range r.Phones {
		k := KeyPhone + p.E164
		if p.Extension != "" {
			k += "#" + p.Extension
		}
		keys = append(keys, k)
	}
	for _, e := range r.Emails {
		if !IsRoleEmail(e) { // info@ is the whole office, not one customer
			keys = append(keys, KeyEmail+e)
		}
	}
	return keys
}
