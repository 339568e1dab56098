package normalize

import "strings"

// orgKey is the match key of an organisation's core name (or of a name
// whose kind is unknown, which is mostly a business without its legal
// form): foldKey, and besides the ways one business is written that say
// nothing about which business it is — "Morton's" and "Mortons", "&" and
// "and", a leading "The", "Café" and "Cafe", "Торговый дом" and "ТД", a
// branch named as such ("(филиал)").
// apostrophes are dropped from an organisation's name key (a Replacer made
// once: made at each call, building it took 2 s of a million records).
var apostrophes = strings.NewReplacer("'", "", "’", "", "`", "", "ʼ", "")

func orgKey(core string) string {
	s := apostrophes.Replace(core)
	s = strings.Map(foldLatinMark, s)
	and := " and "
	if isCyrillicText(s) {
		and = " и "
	}
	s = strings.ReplaceAll(s, "&", and)
	words := strings.Fields(foldKey(s))
	out := words[:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "the" && len(out) == 0 && i+1 < len(words):
			continue
		case w == "торговый" && i+1 < len(words) && words[i+1] == "дом":
			w = "тд"
			i++
		case w == "филиал" || (w == "обособленное" && i+1 < len(words) && words[i+1] == "подразделение"):
			if w == "обособленное" {
				i++
			}
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// latinMarks are the accented Latin letters of business names, without
// their accents ("Café" is "Cafe"); Cyrillic й and ё are letters of their
// own and stay.
var latinMarks = map[rune]rune{'à': 'a', 'á': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e',
	'ë': 'e', 'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o', 'ø': 'o', 'ù': 'u',
	'ú': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y', 'À': 'A', 'Á': 'A', 'Â': 'A', 'Ä': 'A', 'Ç': 'C', 'È': 'E', 'É': 'E', 'Ê': 'E',
	'Ë': 'E', 'Í': 'I', 'Î': 'I', 'Ñ': 'N', 'Ó': 'O', 'Ô': 'O', 'Ö': 'O', 'Ú': 'U', 'Ü': 'U'}

func foldLatinMark(r rune) rune {
	if t, ok := latinMarks[r]; ok {
		return t
	}
	return r
}

// isCyrillicText: more Cyrillic letters than Latin ones.
func isCyrillicText(s string) bool {
	cyr, lat := 0, 0
	for _, r := range s {
		switch {
		case r >= 'а' && r <= 'я' || r >= 'А' && r <= 'Я' || r == 'ё' || r == 'Ё':
			cyr++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			lat++
		}
	}
	return cyr > lat
}
