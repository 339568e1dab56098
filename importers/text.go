package importers

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffBytes is how much of a text file decides its encoding and delimiter.
const sniffBytes = 64 << 10

// textRows streams a delimited text file through encoding/csv.
type textRows struct {
	f   *os.File
	csv *csv.Reader
}

func openText(path string, info *Info) (rowSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, sniffBytes)
	sample, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	enc, name, bom := detectEncoding(sample)
	info.Encoding = name
	if _, err := br.Discard(bom); err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var text io.Reader = br
	decodedSample := sample[bom:]
	if enc != nil {
		text = transform.NewReader(br, enc.NewDecoder())
		decodedSample, _ = enc.NewDecoder().Bytes(sample[bom:])
	}
	delim := detectDelimiter(decodedSample)
	info.Delimiter = string(delim)
	r := csv.NewReader(text)
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	return &textRows{f: f, csv: r}, nil
}

// detectEncoding reads the byte-order mark, else tells UTF-8 from
// Windows-1251 (what Russian Windows saves). It returns the decoder (nil for
// UTF-8), its name and the length of the BOM to skip.
func detectEncoding(sample []byte) (encoding.Encoding, string, int) {
	switch {
	case bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")):
		return nil, "utf-8-bom", 3
	case bytes.HasPrefix(sample, []byte("\xff\xfe")):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 2
	case bytes.HasPrefix(sample, []byte("\xfe\xff")):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 2
	}
	// The sample may end inside a multi-byte character.
	s := sample
	for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); i++ {
		s = s[:len(s)-1]
	}
	if utf8.Valid(s) {
		return nil, "utf-8", 0
	}
	return charmap.Windows1251, "windows-1251", 0
}

// detectDelimiter picks the separator that splits the first lines into the
// same number of fields most often.
func detectDelimiter(sample []byte) rune {
	lines := bytes.Split(sample, []byte("\n"))
	if len(lines) > 1 {
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

func (t *textRows) next() ([]string, int, error) {
	rec, err := t.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, err
		}
		return nil, 0, err
	}
	line, _ := t.csv.FieldPos(0)
	return rec, line, nil
}

func (t *textRows) close() error { return t.f.Close() }
