package normalize

import (
	"strings"
	"unicode"
)

// Latin letters that look like Cyrillic ones, and the reverse: a name typed
// with a mixed keyboard layout ("Ивaнов" with a Latin "a").
var (
	latinToCyrillic = map[rune]rune{
		'A': 'А', 'B': 'В', 'C': 'С', 'E': 'Е', 'H': 'Н', 'K': 'К', 'M': 'М', 'O': 'О', 'P': 'Р', 'T': 'Т', 'X': 'Х', 'Y': 'У',
		'a': 'а', 'c': 'с', 'e': 'е', 'o': 'о', 'p': 'р', 'x': 'х', 'y': 'у',
	}
	cyrillicToLatin = map[rune]rune{}
)

func init() {
	for l, c := range latinToCyrillic {
		cyrillicToLatin[c] = l
	}
}

// fixMixedScript rewrites the look-alike letters of a word into the script
// most of its letters are in; it reports whether it changed anything.
func fixMixedScript(word string) (string, bool) {
	cyr, lat := 0, 0
	for _, r := range word {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	if cyr == 0 || lat == 0 {
		return word, false
	}
	table := latinToCyrillic
	if lat > cyr {
		table = cyrillicToLatin
	}
	changed := false
	out := strings.Map(func(r rune) rune {
		if t, ok := table[r]; ok {
			changed = true
			return t
		}
		return r
	}, word)
	return out, changed
}

// FoldKey makes a match key of a name or a header: lower case, ё as е,
// letters and digits only, single spaces.
func FoldKey(s string) string { return foldKey(s) }

func foldKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'ё':
			r = 'е'
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// titleWord capitalises each part of a hyphenated word: "петров-водкин" →
// "Петров-Водкин".
func titleWord(w string) string {
	parts := strings.Split(w, "-")
	for i, p := range parts {
		r := []rune(strings.ToLower(p))
		if len(r) > 0 {
			r[0] = unicode.ToUpper(r[0])
		}
		parts[i] = string(r)
	}
	return strings.Join(parts, "-")
}

// fixLookalikeWords rewrites, in a text mostly in Cyrillic, the words made
// only of Latin look-alike letters ("OOO", "AO" typed on a Latin layout).
func fixLookalikeWords(words []string) bool {
	cyr, lat := 0, 0
	for _, w := range words {
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyr++
			case unicode.Is(unicode.Latin, r):
				lat++
			}
		}
	}
	if cyr <= lat {
		return false
	}
	changed := false
	for i, w := range words {
		// Every letter a look-alike; quotes and signs around it do not
		// count («A» is the letter A too), digits do (a code such as X5
		// stays as written).
		letters, all := 0, true
		for _, r := range w {
			if unicode.IsDigit(r) {
				all = false
				break
			}
			if !unicode.IsLetter(r) {
				continue
			}
			letters++
			if _, ok := latinToCyrillic[r]; !ok {
				all = false
				break
			}
		}
		if all && letters > 0 {
			words[i] = strings.Map(func(r rune) rune {
				if c, ok := latinToCyrillic[r]; ok {
					return c
				}
				return r
			}, w)
			changed = true
		}
	}
	return changed
}
