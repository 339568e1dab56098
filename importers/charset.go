package importers

import (
	"bytes"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// codePages are the one-byte Cyrillic encodings detection chooses among,
// the most common first: a tie goes to the earlier one.
var codePages = []string{"windows-1251", "x-mac-cyrillic", "koi8-r", "cp866"}

// detectEncoding names the encoding of a sample of text, the length of its
// byte-order mark and how sure it is. Without a BOM: UTF-16 shows as zero
// bytes at every other place; valid UTF-8 is UTF-8; else the one-byte
// Cyrillic code page under which the text reads most like Russian.
func detectEncoding(sample []byte) (name string, bom int, confidence float64) {
	switch {
	case bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")):
		return "utf-8", 3, 1
	case bytes.HasPrefix(sample, []byte("\xff\xfe")):
		return "utf-16le", 2, 1
	case bytes.HasPrefix(sample, []byte("\xfe\xff")):
		return "utf-16be", 2, 1
	}
	if le, be := zeroShare(sample, 1), zeroShare(sample, 0); le > 0.3 || be > 0.3 {
		if le > be {
			return "utf-16le", 0, 0.9
		}
		return "utf-16be", 0, 0.9
	}
	// Mostly Cyrillic UTF-16 has few zero bytes: its high bytes are 0x04
	// (U+0400–U+04FF), a control character no one-byte code page writes.
	if le, be := cyrillicHighShare(sample, 1), cyrillicHighShare(sample, 0); le > 0.8 || be > 0.8 {
		if le > be {
			return "utf-16le", 0, 0.9
		}
		return "utf-16be", 0, 0.9
	}
	// The sample may end inside a multi-byte character.
	s := sample
	for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); i++ {
		s = s[:len(s)-1]
	}
	if utf8.Valid(s) {
		return "utf-8", 0, 1
	}
	// Each candidate decodes byte i to rune i: their scores compare
	// place by place.
	type reading struct {
		name   string
		scores []float64
		total  float64
	}
	var best, second *reading
	var seen []string
	for _, name := range codePages {
		text, _ := encodings[name].NewDecoder().String(string(sample))
		// Windows-1251 and Mac Cyrillic read lower-case а–ю alike: a
		// sample without capitals or я reads the same under both, and
		// either is right; the second is no rival.
		if contains(seen, text) {
			continue
		}
		seen = append(seen, text)
		runes := []rune(text)
		c := &reading{name: name, scores: russianScores(runes)}
		n := 0
		for i, r := range runes {
			if r >= 0x80 {
				c.total += c.scores[i]
				n++
			}
		}
		if n > 0 {
			c.total /= float64(n)
		}
		switch {
		case best == nil || c.total > best.total:
			best, second = c, best
		case second == nil || c.total > second.total:
			second = c
		}
	}
	if best.total <= 0 {
		return best.name, 0, 0.3
	}
	if second == nil || len(second.scores) != len(best.scores) {
		return best.name, 0, 1
	}
	// How sure: each character the two best readings read differently is
	// evidence, weighed by how much better the best reads there; what both
	// read alike (Windows-1251's and Mac Cyrillic's lower case) is none.
	// One capital read as a capital rather than a sign gives about 0.8,
	// a few make it near 1.
	evidence := 0.0
	for i := range best.scores {
		evidence += best.scores[i] - second.scores[i]
	}
	return best.name, 0, 1 - 0.5*math.Exp(-max(evidence, 0)/4)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// zeroShare is the share of zero bytes at positions ≡ odd (mod 2).
func zeroShare(b []byte, odd int) float64 {
	n, zeros := 0, 0
	for i := odd; i < len(b); i += 2 {
		n++
		if b[i] == 0 {
			zeros++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(zeros) / float64(n)
}

// cyrillicHighShare is the share of bytes at positions ≡ odd (mod 2)
// that are the high byte of ASCII or Cyrillic in UTF-16 (0x00, 0x04),
// when some of them are zero (a line break, a delimiter).
func cyrillicHighShare(b []byte, odd int) float64 {
	n, high, zeros := 0, 0, 0
	for i := odd; i < len(b); i += 2 {
		n++
		switch b[i] {
		case 0:
			zeros++
			high++
		case 4:
			high++
		}
	}
	if n == 0 || zeros == 0 {
		return 0
	}
	return float64(high) / float64(n)
}

// letterFreq is how often each Russian letter occurs in Russian text, per
// thousand letters (о, е, а lead; ъ, ё, ф trail).
var letterFreq = map[rune]float64{
	'о': 110, 'е': 85, 'а': 80, 'и': 74, 'н': 67, 'т': 63, 'с': 55, 'р': 47, 'в': 45, 'л': 44,
	'к': 35, 'м': 32, 'д': 30, 'п': 28, 'у': 26, 'я': 20, 'ы': 19, 'ь': 17, 'г': 17, 'з': 17,
	'б': 16, 'ч': 14, 'й': 12, 'х': 10, 'ж': 9, 'ш': 7, 'ю': 6, 'ц': 5, 'щ': 4, 'э': 3,
	'ф': 3, 'ъ': 1, 'ё': 1,
}

// letterWeight is what a Russian letter adds to the score: about 1, more
// for a common letter, less (down to 0.2) for a rare one, so that a wrong
// code page which still yields letters (Mac Cyrillic read as CP866 turns
// "Иванов" into "Итрэют") yields implausible ones.
func letterWeight(r rune) float64 {
	f := letterFreq[unicode.ToLower(r)]
	return min(max(1+0.5*math.Log(f*33/1000), 0.2), 1.5)
}

// commonBigrams are the letter pairs most frequent in Russian text (about
// 160 of the 1,089). A wrong code page that still yields letters (KOI8-R and
// Windows-1251 read one another's capitals as lower case: "НАИМЕНОВАНИЕ"
// as "мюхлемнбюмхе") yields pairs that are not among them.
var commonBigrams = func() map[[2]rune]bool {
	const list = "" +
		"ст но то на ен ов ни ра во ко ро ре по пр ал не ос ор ли ан ер ле ет ол ом го ка ва ат ль " +
		"ел ит ин од ти ри де ло ак тр ес ог ны ве ск ла ть ма ая он ем ам ки ми ся ие ой ий ых ую " +
		"ют ев ив ик ич да ди за им мо ме ей ия ру те че ря ьн ег ту ши ок ду ча об ед ид ек ба бо " +
		"бы ил ус ав ар ас аз ис их ир ее ку лу ля мя ну ня оп от оч ош пе пи пу са се си сл см сн " +
		"со сп су сь ты уд уж ук ул ум ун ур ут уч фе фи хо ца це чи чн шк ше щи ый ыл ым ын ыр ьк " +
		"ью ья эт юр ющ яв яд як ял ям ян яр ят"
	m := map[[2]rune]bool{}
	for _, p := range strings.Fields(list) {
		r := []rune(p)
		m[[2]rune{r[0], r[1]}] = true
	}
	return m
}()

func isRussianLetter(r rune) bool {
	return r >= 'А' && r <= 'я' || r == 'Ё' || r == 'ё'
}

func isRussianLower(r rune) bool { return r >= 'а' && r <= 'я' || r == 'ё' }

// russianScores tells, for each character beyond ASCII, how much a
// decoding reads like Russian there. A wrong code page turns Russian into
// letters of other alphabets (ћ, ѕ, Ђ), signs (≈, √, box-drawing),
// capitals after lower-case letters ("пРИВЕТ", KOI8-R read as
// Windows-1251), and punctuation glued to the front of a word ("“верь",
// "„митрий": the capitals of a Mac file read as Windows-1251, or the
// other way round). Russian letters count for it by how common they are;
// a capital counts for it only where capitals stand: at the start of a
// word or among capitals. ASCII reads alike in every candidate and scores 0.
func russianScores(runes []rune) []float64 {
	scores := make([]float64, len(runes))
	lowerInWord := false // a lower-case letter since the word began
	for i, r := range runes {
		if !unicode.IsLetter(r) {
			lowerInWord = false
		}
		if r < 0x80 {
			continue
		}
		var prev, next rune
		if i > 0 {
			prev = runes[i-1]
		}
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		switch {
		case isRussianLower(r):
			scores[i] = letterWeight(r)
			lowerInWord = true
		case isRussianLetter(r):
			if lowerInWord {
				scores[i] = -2
			} else {
				// A little less than its lower case: where two readings
				// differ only in case (KOI8-R and Windows-1251 swap it),
				// "доб." is likelier than "ДНА.".
				scores[i] = letterWeight(r) - 0.4
			}
		case strings.ContainsRune("«»—–№\u00a0…„“”’‘", r):
			// Punctuation stands between words, not inside one: a
			// lower-case letter right after it, or letters on both sides,
			// are a capital read wrong.
			if isRussianLower(next) || unicode.IsLetter(prev) && unicode.IsLetter(next) {
				scores[i] = -2
			}
		default:
			scores[i] = -3
		}
		if isRussianLetter(r) && isRussianLetter(prev) {
			if commonBigrams[[2]rune{unicode.ToLower(prev), unicode.ToLower(r)}] {
				scores[i] += 0.3
			} else {
				scores[i] -= 0.7
			}
		}
	}
	return scores
}
