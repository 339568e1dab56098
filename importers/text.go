package importers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
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
	// Excel for Mac's "CSV (Macintosh)": the lower-case letters а–ю sit
	// where Windows-1251 has them, the capitals and я do not.
	"x-mac-cyrillic": charmap.MacintoshCyrillic,
}

// encodingAliases are other names people give an encoding --encoding knows.
var encodingAliases = map[string]string{
	"mac-cyrillic": "x-mac-cyrillic",
	"maccyrillic":  "x-mac-cyrillic",
}

// knownEncodings lists the names --encoding takes, for messages.
const knownEncodings = "utf-8, utf-16le, utf-16be, windows-1251, koi8-r, cp866, x-mac-cyrillic"

// encodingName is the name the encodings table knows name (any case, an
// alias) by; "" when it knows none.
func encodingName(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if a, ok := encodingAliases[name]; ok {
		name = a
	}
	if _, ok := encodings[name]; !ok {
		return ""
	}
	return name
}

// Delimiters the text reader knows, by the names --delimiter takes.
var delimiters = map[string]rune{";": ';', ",": ',', "tab": '\t', "\t": '\t', "|": '|'}

// CheckEncoding says whether name (any case) is an encoding the text
// reader knows: what --encoding takes.
func CheckEncoding(name string) error {
	if encodingName(name) == "" {
		return fmt.Errorf("unknown encoding %q (known: %s)", name, knownEncodings)
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
		if err := CheckEncoding(opt.Encoding); err != nil {
			return fail(fmt.Errorf("%s: %w", path, err))
		}
		name, confidence = encodingName(opt.Encoding), 1
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
	if enc := encodings[encodingName(name)]; enc != nil {
		return enc.NewDecoder()
	}
	return nil
}
