package importers

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// The delimited-text reader reads fields the way Excel opens a CSV, not
// the way RFC 4180 validates one: a field that starts with a quote is
// quoted only if a closing quote stands right before a delimiter or a line
// end, with nothing but doubled quotes ("") in between. Otherwise the
// quote is text: scripts and old CRMs write `"Вектор-Центр" ООО;…`, and
// reading that as an open quoted field would swallow the lines after it.
// Lines end with CRLF, LF or a lone CR (Excel for Mac's "CSV (Macintosh)").

const (
	// maxLineBytes bounds one physical line; a longer one is a bad row.
	maxLineBytes = 1 << 20
	// maxQuotedLines bounds the lines one quoted field may span, so that a
	// quote that opens a field and never closes costs a bounded look-ahead.
	maxQuotedLines = 100
)

// textLine is one physical line of decoded text, without its line end.
type textLine struct {
	text    string
	num     int  // 1-based line number
	tooLong bool // cut at maxLineBytes: text is empty
}

// delimitedReader splits decoded text into records of fields.
type delimitedReader struct {
	br    *bufio.Reader
	delim byte
	lines int        // physical lines read from br
	ahead []textLine // lines read ahead for a quoted field that was not one
	buf   []byte
	eof   bool
	err   error // a read error, returned from then on
}

func newDelimitedReader(r io.Reader, delim rune) *delimitedReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &delimitedReader{br: br, delim: byte(delim)}
}

// line returns the next physical line; io.EOF after the last.
func (d *delimitedReader) line() (textLine, error) {
	if len(d.ahead) > 0 {
		l := d.ahead[0]
		d.ahead = d.ahead[1:]
		return l, nil
	}
	if d.err != nil {
		return textLine{}, d.err
	}
	if d.eof {
		return textLine{}, io.EOF
	}
	d.buf = d.buf[:0]
	tooLong, read := false, false
	for {
		chunk, err := d.br.Peek(max(d.br.Buffered(), 1))
		if len(chunk) == 0 {
			if err == io.EOF {
				d.eof = true
				if !read {
					return textLine{}, io.EOF
				}
				break
			}
			d.err = err
			return textLine{}, err
		}
		read = true
		i := bytes.IndexAny(chunk, "\r\n")
		end := i
		if i < 0 {
			end = len(chunk)
		}
		if len(d.buf)+end > maxLineBytes {
			tooLong = true
		}
		if !tooLong {
			d.buf = append(d.buf, chunk[:end]...)
		}
		if i < 0 {
			d.br.Discard(end)
			continue
		}
		c := chunk[i]
		d.br.Discard(i + 1)
		if c == '\r' {
			if next, err := d.br.Peek(1); err == nil && next[0] == '\n' {
				d.br.Discard(1)
			}
		}
		break
	}
	d.lines++
	if tooLong {
		return textLine{num: d.lines, tooLong: true}, nil
	}
	return textLine{text: string(d.buf), num: d.lines}, nil
}

// unread puts lines back in front of the ones still to read.
func (d *delimitedReader) unread(lines []textLine) {
	if len(lines) == 0 {
		return
	}
	d.ahead = append(append([]textLine(nil), lines...), d.ahead...)
}

// errLineTooLong: a line longer than maxLineBytes, stepped over.
type errLineTooLong struct{ line int }

func (e errLineTooLong) Error() string {
	return fmt.Sprintf("line %d is longer than %d MiB", e.line, maxLineBytes>>20)
}

// record reads the fields of the next record and the line it starts on.
// A line too long to hold is an errLineTooLong; the reader goes on after it.
func (d *delimitedReader) record() ([]string, int, error) {
	l, err := d.line()
	if err != nil {
		return nil, 0, err
	}
	if l.tooLong {
		return nil, l.num, errLineTooLong{l.num}
	}
	start := l.num
	var fields []string
	s, pos := l.text, 0
	for {
		if pos < len(s) && s[pos] == '"' {
			value, rest, restLine, used, ok := d.quoted(s[pos+1:], l.num)
			if ok {
				fields = append(fields, value)
				s, l.num, pos = rest, restLine, 0
				if len(s) == 0 {
					return fields, start, nil
				}
				pos = 1 // rest starts with the delimiter
				continue
			}
			d.unread(used)
		}
		// An unquoted field, or a quote that is text: up to the delimiter.
		end := strings.IndexByte(s[pos:], d.delim)
		if end < 0 {
			return append(fields, s[pos:]), start, nil
		}
		fields = append(fields, s[pos:pos+end])
		pos += end + 1
	}
}

// quoted reads a quoted field whose opening quote came right before s on
// line num. It returns the value, the rest of the line the field closed on
// (empty, or starting with the delimiter) and that line's number. When the
// quotes do not make a field, ok is false and used holds the lines read
// ahead, for the caller to put back.
func (d *delimitedReader) quoted(s string, num int) (value, rest string, restNum int, used []textLine, ok bool) {
	var b strings.Builder
	size := 0
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			// The field goes on past the line end, unless that is too far.
			b.WriteString(s)
			b.WriteByte('\n')
			size += len(s) + 1
			if len(used) >= maxQuotedLines || size > maxLineBytes {
				return "", "", 0, used, false
			}
			l, err := d.line()
			if err != nil || l.tooLong {
				if err == nil {
					used = append(used, l)
				}
				return "", "", 0, used, false
			}
			used = append(used, l)
			s, num = l.text, l.num
			continue
		}
		b.WriteString(s[:i])
		size += i
		switch {
		case i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			s = s[i+2:]
		case i+1 == len(s) || s[i+1] == d.delim:
			return b.String(), s[i+1:], num, used, true
		default:
			return "", "", 0, used, false
		}
	}
}
