package importers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffBytes is how much of a text file decides its encoding and delimiter.
const sniffBytes = 64 << 10

// textRows streams a delimited text file (see delimited.go).
type textRows struct {
	f    *os.File
	path string
	text *delimitedReader
}

// Encodings the text reader knows, by the names --encoding takes.
var encodings = map[string]encoding.Encoding{
	"utf-8":        nil,
	"utf-16le":     xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM),
	"utf-16be":     xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM),
	"windows-1251": charmap.Windows1251,
	"koi8-r":       charmap.KOI8R,
	"cp866":        charmap.CodePage866,
}

// Delimiters the text reader knows, by the names --delimiter takes.
var delimiters = map[string]rune{";": ';', ",": ',', "tab": '\t', "\t": '\t', "|": '|'}

// CheckEncoding says whether name (any case) is an encoding the text
// reader knows: what --encoding takes.
func CheckEncoding(name string) error {
	if _, ok := encodings[strings.ToLower(name)]; !ok {
		return fmt.Errorf("unknown encoding %q (known: utf-8, utf-16le, utf-16be, windows-1251, koi8-r, cp866)", name)
	}
	return nil
}

// CheckDelimiter says whether d is a delimiter the text reader knows: what
// --delimiter takes.
func CheckDelimiter(d string) error {
	if _, ok := delimiters[strings.ToLower(d)]; !ok {
		return fmt.Errorf("unknown delimiter %q (known: \";\", \",\", tab, \"|\")", d)
	}
	return nil
}

func openText(path string, opt Options, info *Info) (rowSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (rowSource, error) {
		f.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(f, sniffBytes)
	sample, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fail(fmt.Errorf("read %s: %w", path, err))
	}
	name, bom, confidence := detectEncoding(sample)
	if opt.Encoding != "" {
		name, confidence = strings.ToLower(opt.Encoding), 1
		if err := CheckEncoding(name); err != nil {
			return fail(fmt.Errorf("%s: %w", path, err))
		}
	}
	enc := encodings[name]
	info.Encoding, info.EncodingConfidence = name, confidence
	if bom > 0 {
		info.Encoding += "-bom"
	}
	if _, err := br.Discard(bom); err != nil {
		return fail(fmt.Errorf("read %s: %w", path, err))
	}
	var text io.Reader = br
	decoded := sample[bom:]
	if enc != nil {
		text = transform.NewReader(br, enc.NewDecoder())
		decoded, _ = enc.NewDecoder().Bytes(sample[bom:])
	}
	if what := binaryContent(sample[bom:], decoded); what != "" {
		return fail(fmt.Errorf("%s: %w: %s", path, ErrNotText, what))
	}
	delim := detectDelimiter(decoded)
	if opt.Delimiter != "" {
		if err := CheckDelimiter(opt.Delimiter); err != nil {
			return fail(fmt.Errorf("%s: %w", path, err))
		}
		delim = delimiters[strings.ToLower(opt.Delimiter)]
	}
	info.Delimiter = string(delim)
	if delim == '\t' {
		info.Delimiter = "tab"
	}
	return &textRows{f: f, path: path, text: newDelimitedReader(text, delim)}, nil
}

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
	// The sample may end inside a multi-byte character.
	s := sample
	for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); i++ {
		s = s[:len(s)-1]
	}
	if utf8.Valid(s) {
		return "utf-8", 0, 1
	}
	best, bestScore, second := "windows-1251", -1.0, 0.0
	for _, name := range []string{"windows-1251", "koi8-r", "cp866"} {
		text, _ := encodings[name].NewDecoder().Bytes(sample)
		score := russianScore(string(text))
		if score > bestScore {
			best, second, bestScore = name, max(bestScore, 0), score
		} else if score > second {
			second = score
		}
	}
	if bestScore <= 0 {
		return best, 0, 0.3
	}
	return best, 0, bestScore / (bestScore + second)
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

// russianScore tells how much a decoding reads like Russian: lower-case
// Cyrillic letters count for it; a capital right after a lower-case letter
// ("пРИВЕТ"-like noise) and signs such as box-drawing count against it —
// that is what the wrong code page turns Russian text into.
func russianScore(s string) float64 {
	total, score := 0, 0
	prevLower := false
	for _, r := range s {
		if r < 0x80 {
			prevLower = false
			continue
		}
		total++
		switch {
		case unicode.Is(unicode.Cyrillic, r) && unicode.IsLower(r):
			score++
			prevLower = true
			continue
		case unicode.Is(unicode.Cyrillic, r) && unicode.IsUpper(r):
			if prevLower {
				score -= 2
			}
		case strings.ContainsRune("«»—–№\u00a0…„“”’", r):
		default:
			score -= 3
		}
		prevLower = false
	}
	if total == 0 {
		return 0
	}
	return max(float64(score)/float64(total), 0)
}

// binaryContent tells what a file that is not text holds — "a PNG image",
// "binary data" — or "" for text. raw is the sample as read, decoded the
// same bytes as UTF-8. Text has no zero bytes (UTF-16 is decoded by now)
// and hardly any control characters; a stray one, such as the DOS end of
// file (^Z), is allowed.
func binaryContent(raw, decoded []byte) string {
	for _, m := range []struct{ magic, what string }{
		{"\x89PNG\r\n\x1a\n", "a PNG image"},
		{"\xff\xd8\xff", "a JPEG image"},
		{"GIF8", "a GIF image"},
		{"%PDF-", "a PDF document"},
		{"\x1f\x8b", "a gzip archive"},
		{"Rar!\x1a\x07", "a RAR archive"},
		{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
		{"\x7fELF", "a program"},
		{"MZ", "a program"},
	} {
		if bytes.HasPrefix(raw, []byte(m.magic)) && (m.what != "a program" || bytes.IndexByte(raw, 0) >= 0) {
			return m.what
		}
	}
	runes, bad := 0, 0
	for len(decoded) > 0 {
		r, size := utf8.DecodeRune(decoded)
		decoded = decoded[size:]
		runes++
		switch {
		case r == 0:
			return "binary data"
		case r == utf8.RuneError && size == 1 && len(decoded) >= utf8.UTFMax,
			r < 0x20 && !strings.ContainsRune("\t\n\r\f\v\x1a", r),
			r == 0x7f, r >= 0x80 && r < 0xa0:
			bad++
		}
	}
	if bad > 0 && bad*100 > runes {
		return "binary data"
	}
	return ""
}

// detectDelimiter picks the separator that splits the first lines into the
// same number of fields most often. Lines end with LF, CRLF or a lone CR.
func detectDelimiter(sample []byte) rune {
	lines := bytes.FieldsFunc(sample, func(r rune) bool { return r == '\n' || r == '\r' })
	if len(lines) > 1 && !bytes.HasSuffix(sample, []byte("\n")) && !bytes.HasSuffix(sample, []byte("\r")) {
		lines = lines[:len(lines)-1] // the last may be cut short
	}
	if len(lines) > 30 {
		lines = lines[:30]
	}
	best, bestScore := ';', -1
	for _, d := range []rune{';', '\t', ',', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			if n := countOutsideQuotes(l, byte(d)); n > 0 {
				counts[n]++
			}
		}
		// The most lines agreeing wins; among equals, more fields.
		score := 0
		for n, c := range counts {
			score = max(score, c*1000+n)
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

func countOutsideQuotes(line []byte, d byte) int {
	n, quoted := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == d && !quoted:
			n++
		}
	}
	return n
}

// next returns the next record that is not a blank line.
func (t *textRows) next() ([]string, int, error) {
	for {
		rec, line, err := t.text.record()
		var long errLineTooLong
		switch {
		case errors.As(err, &long):
			return nil, line, &rowError{err}
		case err == io.EOF:
			return nil, t.text.lines, err
		case err != nil:
			return nil, t.text.lines, err
		case len(rec) == 1 && (rec[0] == "" || rec[0] == "\x1a"):
			continue // a blank line, or the end-of-file mark (^Z) of DOS programs
		}
		return rec, line, nil
	}
}

func (t *textRows) close() error { return t.f.Close() }

// DetectEncoding names the encoding of a sample of text (see
// detectEncoding); for readers of other text formats, such as 1C's bank
// statements.
func DetectEncoding(sample []byte) (name string, bom int, confidence float64) {
	return detectEncoding(sample)
}

// Decoder returns the decoder of an encoding named by DetectEncoding, nil
// for UTF-8.
func Decoder(name string) *encoding.Decoder {
	if enc := encodings[strings.ToLower(name)]; enc != nil {
		return enc.NewDecoder()
	}
	return nil
}
