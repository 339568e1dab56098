package normalize

import (
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"unicode"
	"unicode/utf8"
)

// The fakes of people's names. A name is faked word by word, each word by
// its folded form (lower case, ё as е) and by what the word is, whatever
// its place in the name: a known first name becomes another first name of
// the same gender and the same first letter (so that "Иванов И.И." and
// "Иванов Иван Иванович" keep agreeing), a patronymic the patronymic of
// another man's name of the same first letter, anything else a surname:
// an invented one of the same gender and kind of ending (-ов/-ова,
// -ский/-ская, or one that is the same for both). The words of one name
// written in another order, in capitals or with ё map to the same fakes.

// Pools of first names the fakes are drawn from, by gender, lower case, ё
// as е. Every first letter has at least two names, so no name maps to
// itself; short forms are among them as people write them.
var (
	maleFullNames = strings.Fields(`александр алексей анатолий андрей антон аркадий арсений артем артур айдар азат
альберт богдан борис вадим валентин валерий василий виктор виталий владимир владислав всеволод вячеслав геннадий
георгий герман глеб григорий даниил данил денис дмитрий давид евгений егор емельян захар зиновий иван игорь илья ильдар
кирилл константин камиль кузьма лука лев леонид максим марк матвей михаил марат никита николай назар олег остап оскар павел петр
платон роман руслан рашид ринат рустам савелий семен сергей станислав степан тимофей тимур тагир федор филипп
фарид фома эдуард эльдар юрий юлиан ян ярослав`)
	maleShortNames = strings.Fields(`саша дима миша сережа коля леша паша андрюша ваня витя вова женя толя юра жора`)
	femaleNames    = strings.Fields(`алена александра алина алиса алла анастасия анна антонина ангелина арина альбина
айгуль валентина валерия варвара вера вероника виктория галина гульнара гузель дарья диана дина ева евгения екатерина
елена елизавета жанна жанетта зинаида зоя инна ирина карина кира клавдия кристина ксения лариса лидия любовь людмила
лилия маргарита марина мария милана надежда наталья наталия нина оксана олеся ольга полина пелагея раиса регина
светлана софия софья таисия тамара татьяна ульяна устинья эльвира эмма юлия юлиана яна ярослава света таня наташа маша
катя оля лена юля настя`)
	firstNamePool = byFirstLetter(append(append([]string(nil), maleFullNames...), maleShortNames...), femaleNames)
	femaleName    = set(femaleNames)
)

// byFirstLetter groups each list by first letter: a fake keeps the gender
// (the list) and the initial (the group).
func byFirstLetter(lists ...[]string) [][]string {
	var groups [][]string
	for _, list := range lists {
		at := map[rune]int{}
		for _, w := range list {
			r, _ := utf8.DecodeRuneInString(w)
			i, ok := at[r]
			if !ok {
				i = len(groups)
				at[r] = i
				groups = append(groups, nil)
			}
			groups[i] = append(groups[i], w)
		}
	}
	return groups
}

func set(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// fatherName is what a patronymic of a pool name says.
type fatherName struct {
	base   string // the father's name
	female bool
}

// patronymicOf writes the patronymic of a man's name: Иван → Иванович /
// Ивановна, Сергей → Сергеевич, Юрий → Юрьевич, Игорь → Игоревич, Никита →
// Никитич, Илья → Ильич / Ильинична, Лев → Львович.
func patronymicOf(base string, female bool) string {
	end := func(male, fem string) string {
		if female {
			return fem
		}
		return male
	}
	switch base {
	case "илья":
		return end("ильич", "ильинична")
	case "лев":
		return end("львович", "львовна")
	case "павел":
		return end("павлович", "павловна")
	case "михаил":
		return end("михайлович", "михайловна")
	case "дмитрий", "георгий":
		return strings.TrimSuffix(base, "й") + end("евич", "евна")
	}
	switch {
	case strings.HasSuffix(base, "ий"):
		return strings.TrimSuffix(base, "ий") + end("ьевич", "ьевна")
	case strings.HasSuffix(base, "ей"), strings.HasSuffix(base, "ай"):
		return strings.TrimSuffix(base, "й") + end("евич", "евна")
	case strings.HasSuffix(base, "ь"):
		return strings.TrimSuffix(base, "ь") + end("евич", "евна")
	case strings.HasSuffix(base, "а"), strings.HasSuffix(base, "я"):
		return base[:len(base)-len("а")] + end("ич", "ична")
	}
	return base + end("ович", "овна")
}

// ichNames make patronymics in -ич (Ильич, Никитич), which crmkit does not
// read as patronymics as it reads -вич: they map among themselves, so that
// a fake is read as the name it replaces was.
var ichNames = []string{"илья", "никита", "кузьма", "лука", "фома"}

// patronymicGroups are the fathers' names that map to each other: by first
// letter, the -ич names apart.
func patronymicGroups() [][]string {
	ich := set(ichNames)
	var rest []string
	for _, n := range maleFullNames {
		if !ich[n] {
			rest = append(rest, n)
		}
	}
	return append(byFirstLetter(rest), ichNames)
}

// patronymicIndex knows the patronymics of every pool man's name.
func patronymicIndex() map[string]fatherName {
	idx := map[string]fatherName{}
	for _, base := range maleFullNames {
		for _, female := range []bool{false, true} {
			idx[patronymicOf(base, female)] = fatherName{base, female}
		}
	}
	return idx
}

// Particles and legal forms written among people's names stay as they are.
var keptNameWords = set(strings.Fields(`оглы кызы улы уулу гызы ибн бин ип индивидуальный предприниматель`))

// nameWord fakes one word of a person's name (letters only, any case).
func (a *Anonymizer) nameWord(w string) string {
	k := strings.ReplaceAll(strings.ToLower(w), "ё", "е")
	if utf8.RuneCountInString(k) < 2 || keptNameWords[k] {
		return w // an initial, "оглы", "ИП"
	}
	if !isCyrillicWord(k) {
		return recase(w, a.latinWord("name", k))
	}
	if f, ok := a.firstName[k]; ok {
		return recase(w, f)
	}
	if p, ok := a.patronymOf[k]; ok {
		return recase(w, patronymicOf(a.patronBase[p.base], p.female))
	}
	if female, ok := unknownPatronymic(k); ok {
		return recase(w, a.inventedName(k, female))
	}
	if isFirstName(k) { // a first name crmkit knows and the pools do not
		return recase(w, a.inventedName(k, femaleFirstNames[k]))
	}
	return recase(w, a.surname(k))
}

// unknownPatronymic: a word with a patronymic's ending whose father's name
// the pools do not hold (Гасанович).
func unknownPatronymic(k string) (female, ok bool) {
	for _, s := range []string{"ович", "евич", "ьич"} {
		if strings.HasSuffix(k, s) && utf8.RuneCountInString(k) > 5 {
			return false, true
		}
	}
	for _, s := range []string{"овна", "евна", "ична"} {
		if strings.HasSuffix(k, s) && utf8.RuneCountInString(k) > 5 {
			return true, true
		}
	}
	return false, false
}

// inventedName fakes a first name or patronymic the pools do not hold: an
// invented patronymic of the same first letter and gender.
func (a *Anonymizer) inventedName(k string, female bool) string {
	first, _ := utf8.DecodeRuneInString(k)
	st := a.stream("invented-name", k)
	for try := 0; ; try++ {
		stem := string(first) + strings.TrimPrefix(a.stem(st, 2), string(first))
		if _, taken := a.firstName[stem]; (!taken && stem != k) || try > 8 {
			if _, isPatronymic := unknownPatronymic(k); isPatronymic {
				return patronymicOf(stem, female)
			}
			if female {
				return stem + "а"
			}
			return stem
		}
	}
}

// Surname endings: a man's ending, the woman's of the same family.
var (
	surnameFamilies = [][2]string{{"ов", "ова"}, {"ев", "ева"}, {"ин", "ина"}, {"ын", "ына"}, {"ский", "ская"}, {"цкий", "цкая"}}
	fakeOvEndings   = [][2]string{{"ов", "ова"}, {"ев", "ева"}, {"ин", "ина"}}
	neutralEndings  = []string{"енко", "ук", "юк", "ян", "ых", "ко", "ец", "ич"}
)

// surname fakes a surname: the stem of a man's and a woman's form maps to
// one invented stem, the ending keeps its gender and kind.
func (a *Anonymizer) surname(k string) string {
	stem, family, female := k, -1, false
	for i, f := range surnameFamilies {
		switch {
		case strings.HasSuffix(k, f[1]) && utf8.RuneCountInString(k) > utf8.RuneCountInString(f[1])+1:
			stem, family, female = strings.TrimSuffix(k, f[1]), i, true
		case strings.HasSuffix(k, f[0]) && utf8.RuneCountInString(k) > utf8.RuneCountInString(f[0])+1:
			stem, family = strings.TrimSuffix(k, f[0]), i
		default:
			continue
		}
		break
	}
	syllables := 2
	if utf8.RuneCountInString(stem) > 6 {
		syllables = 3
	}
	kind := "neutral"
	if family >= 0 {
		kind = surnameFamilies[family][0]
	}
	st := a.stream("surname", stem+"|"+kind)
	for try := 0; ; try++ {
		fake := a.stem(st, syllables)
		var out string
		switch {
		case family >= 4: // -ский, -цкий
			out = fake + surnameFamilies[4][b2i(female)]
		case family >= 0:
			out = fake + fakeOvEndings[st.intn(len(fakeOvEndings))][b2i(female)]
		default:
			out = fake + st.pick(neutralEndings)
		}
		if out != k || try > 8 {
			return out
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Letters of invented Russian words: a syllable is an onset and a vowel; a
// stem ends in a consonant every ending follows.
var (
	onsets = strings.Fields(`б в г д з к л м н п р с т ф х ч ш бр вл гл гр др зв кл кр пл пр ст св сл см тр щ ж`)
	vowels = strings.Fields(`а о е и у а о`)
	codas  = strings.Fields(`л н р с т к в м д б г п з х`)
)

func (a *Anonymizer) stem(st *stream, syllables int) string {
	var b strings.Builder
	for range syllables {
		b.WriteString(st.pick(onsets))
		b.WriteString(st.pick(vowels))
	}
	b.WriteString(st.pick(codas))
	return b.String()
}

// orgWord fakes a word of an organisation's name (with All): an invented
// word of about its length.
func (a *Anonymizer) orgWord(w string) string {
	k := strings.ReplaceAll(strings.ToLower(w), "ё", "е")
	if utf8.RuneCountInString(k) < 2 {
		return w
	}
	if !isCyrillicWord(k) {
		return recase(w, a.latinWord("org", k))
	}
	st := a.stream("org-word", k)
	for try := 0; ; try++ {
		fake := a.stem(st, max(1, utf8.RuneCountInString(k)/3))
		if strings.HasSuffix(k, "а") || strings.HasSuffix(k, "я") {
			fake += "а"
		}
		if fake != k || try > 8 {
			return recase(w, fake)
		}
	}
}

// latinWord fakes a word in Latin letters: consonants for consonants,
// vowels for vowels.
func (a *Anonymizer) latinWord(domain, k string) string {
	st := a.stream("latin-"+domain, k)
	for try := 0; ; try++ {
		out := a.letters(st, k)
		if out != k || try > 8 {
			return out
		}
	}
}

const (
	latinVowels     = "aeiou"
	latinConsonants = "bcdfghklmnprstvz"
	cyrVowels       = "аеиоуяю"
	cyrConsonants   = "бвгдзклмнпрстфхш"
)

// letters rewrites the letters of k keeping which are vowels, in their
// script; other characters stay.
func (a *Anonymizer) letters(st *stream, k string) string {
	var b strings.Builder
	for _, r := range k {
		var from string
		switch {
		case strings.ContainsRune(latinVowels+"y", r):
			from = latinVowels
		case r >= 'a' && r <= 'z':
			from = latinConsonants
		case strings.ContainsRune(cyrVowels+"ыэё", r):
			from = cyrVowels
		case unicode.Is(unicode.Cyrillic, r):
			from = cyrConsonants
		case unicode.IsLetter(r):
			from = latinConsonants
		default:
			b.WriteRune(r)
			continue
		}
		rs := []rune(from)
		b.WriteRune(rs[st.intn(len(rs))])
	}
	return b.String()
}

func isCyrillicWord(k string) bool {
	return strings.ContainsFunc(k, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// recase writes fake as word is written: in capitals, in lower case, or
// with a capital first letter.
func recase(word, fake string) string {
	upper, lower := strings.ToUpper(word) == word, strings.ToLower(word) == word
	switch {
	case upper && !lower:
		return strings.ToUpper(fake)
	case lower:
		return strings.ToLower(fake)
	}
	r, n := utf8.DecodeRuneInString(fake)
	return string(unicode.ToUpper(r)) + strings.ToLower(fake[n:])
}

// PersonName fakes a person's name however it is written: word by word,
// initials, particles, ИП and everything between the words as they are.
func (a *Anonymizer) PersonName(s string) string {
	return mapWords(s, a.nameWord)
}

// Name fakes the name of a record of a kind. A record whose kind crmkit
// cannot tell (no legal form, INN or known first name) is a person when a
// word of its name is a person's, or would be with one typo put right
// ("Сооклов Никлоай", "Егорво Сергйе": a mistyped first name is what
// leaves a person unrecognised), and its name shows no business (a legal
// form's word, a number, quotes, a word like "магазин" or "cafe"); else it
// is an organisation ("Орбита Плюс", "Кафе Соколов"), whose name stays
// unless All, as the same name written with its legal form does.
func (a *Anonymizer) Name(kind crmkit.Kind, s string) string {
	if kind == crmkit.KindOrganization || (kind == crmkit.KindUnknown && (looksLikeBusiness(s) || !a.personWords(s))) {
		return a.OrgName(s)
	}
	return a.PersonName(s)
}

// personWords: a word of s is a first name or a patronymic, as written or
// with one letter mistyped, left out, added or two swapped, or a surname of
// a Russian family (-ов, -ин, -ский and their women's forms) as written or
// with two letters swapped (any other typo makes a surname of too many
// words: "Орбита" is one letter from "Орбина").
func (a *Anonymizer) personWords(s string) bool {
	person := false
	mapWords(s, func(w string) string {
		k := strings.ReplaceAll(strings.ToLower(w), "ё", "е")
		person = person || a.personWord(k) || a.surnameWord(k) ||
			utf8.RuneCountInString(k) >= 4 && (slices.ContainsFunc(oneEditAway(k), a.personWord) || slices.ContainsFunc(swapsOf(k), a.surnameWord))
		return w
	})
	return person
}

// personWord: k (folded) is a first name or a patronymic.
func (a *Anonymizer) personWord(k string) bool {
	_, first := a.firstName[k]
	_, father := a.patronymOf[k]
	_, patronymic := unknownPatronymic(k)
	return first || father || patronymic || isFirstName(k)
}

// surnameWord: k (folded) is a surname of a Russian family.
func (a *Anonymizer) surnameWord(k string) bool {
	for _, f := range surnameFamilies {
		if (strings.HasSuffix(k, f[0]) || strings.HasSuffix(k, f[1])) && utf8.RuneCountInString(k) > utf8.RuneCountInString(f[0])+1 {
			return true
		}
	}
	return false
}

// swapsOf are the words w is with two neighbouring letters swapped.
func swapsOf(w string) []string {
	r := []rune(w)
	var out []string
	for i := 0; i+1 < len(r); i++ {
		v := slices.Clone(r)
		v[i], v[i+1] = v[i+1], v[i]
		out = append(out, string(v))
	}
	return out
}

// oneEditAway are the words one typo from w: two neighbours swapped, a
// letter left out, or one letter of w's own alphabet changed or added.
func oneEditAway(w string) []string {
	r := []rune(w)
	alphabet := []rune("абвгдежзийклмнопрстуфхцчшщъыьэюя")
	if r[0] < 'а' || r[0] > 'я' {
		alphabet = []rune("abcdefghijklmnopqrstuvwxyz")
	}
	var out []string
	edit := func(v []rune) { out = append(out, string(v)) }
	for i := range r {
		if i+1 < len(r) {
			v := slices.Clone(r)
			v[i], v[i+1] = v[i+1], v[i]
			edit(v)
		}
		edit(slices.Delete(slices.Clone(r), i, i+1))
		for _, c := range alphabet {
			if c != r[i] {
				v := slices.Clone(r)
				v[i] = c
				edit(v)
			}
		}
	}
	for i := 0; i <= len(r); i++ {
		for _, c := range alphabet {
			edit(slices.Insert(slices.Clone(r), i, c))
		}
	}
	return out
}

// looksLikeBusiness: a word of s is a legal form's or a business's, or s
// holds a digit, quotes or an ampersand.
func looksLikeBusiness(s string) bool {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsDigit(r) || strings.ContainsRune(`«»"“”„&#@`, r) }) {
		return true
	}
	business := false
	mapWords(s, func(w string) string {
		k := strings.ReplaceAll(strings.ToLower(w), "ё", "е")
		business = business || legalFormWords[k] || businessWords[k]
		return w
	})
	return business
}

// businessWords name a kind of business: a name holding one is a
// company's, whether or not a legal form is written.
var businessWords = set(strings.Fields(`магазин салон центр компания группа групп фирма студия кафе ресторан бар клиника
аптека гостиница отель агентство бюро сервис маркет торг трейд строй холдинг завод фабрика комбинат склад банк фонд
школа академия институт университет партнеры партнерс клуб мастерская ателье пекарня
cafe restaurant deli grill bar pub diner bistro bakery shop store market center centre company group studio clinic
pharmacy hotel motel inn agency bureau service services trade holding factory bank fund school academy institute
university partners club workshop kitchen house pizza pizzeria sushi coffee tea`))

// OrgName fakes an organisation's name with All (its legal form, quotes and
// numbers stay); without All it is public and stays. An ИП is a person:
// "ИП Белов Борис Борисович" in an organisation's column (1C's full name
// of an entrepreneur) is faked as a person's name always.
func (a *Anonymizer) OrgName(s string) string {
	if soleTrader.MatchString(s, strings.ToLower(s)) {
		return a.PersonName(s)
	}
	if !a.all {
		return s
	}
	return mapWords(s, func(w string) string {
		if legalFormWords[strings.ToLower(w)] {
			return w
		}
		return a.orgWord(w)
	})
}

// legalFormWords are the words of legal forms, which stay in a fake name.
var legalFormWords = set(strings.Fields(`ооо оао зао пао нао ао гуп муп фгуп гбу ано нко тсж кфх снт пк ип llc ltd inc gmbh
corp co общество обществом с ограниченной ответственностью акционерное публичное закрытое открытое товарищество
государственное муниципальное унитарное предприятие учреждение бюджетное автономное автономная некоммерческая
организация индивидуальный предприниматель федеральное казенное крестьянское фермерское хозяйство
производственный кооператив садоводческое некоммерческое`))

// mapWords replaces every run of letters of s.
func mapWords(s string, f func(string) string) string {
	var b strings.Builder
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			b.WriteString(f(s[start:i]))
			start = -1
		}
		b.WriteRune(r)
	}
	if start >= 0 {
		b.WriteString(f(s[start:]))
	}
	return b.String()
}
