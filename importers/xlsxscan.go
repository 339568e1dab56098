package importers

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// xmlScanner cuts the XML of a workbook part into tokens straight from the
// bytes, with none of encoding/xml's allocations. It reads the XML that
// spreadsheet writers produce — tags, attributes, text, CDATA, the XML
// declaration — and checks what encoding/xml's decoder checks, so a part
// encoding/xml rejects is rejected here too. What it does not read (a
// comment, a DOCTYPE, an encoding other than UTF-8, a non-ASCII name) is
// errScanUnsupported: the caller then reads the file with excelize.
type xmlScanner struct {
	r     io.Reader
	buf   []byte
	pos   int // next unread byte of buf
	end   int // end of the bytes read into buf
	rerr  error
	began bool // a token was read: an XML declaration must come first

	kind      tokKind
	qname     []byte // start and end tags: the name as written, "x:row"
	local     []byte // the name after its prefix, "row"
	attrs     []xmlAttr
	text      []byte // text tokens: the bytes as written, or CDATA's content
	textRaw   bool   // text holds entities or carriage returns to decode
	selfClose bool
	closing   bool // the end of a self-closing tag is the next token

	open    [][]byte // names of the open elements, for end tags to match
	depth   int
	scratch []byte
}

type tokKind uint8

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
	tokEOF
)

// xmlAttr is one attribute of the current start tag; value is as written
// when raw says it holds entities or carriage returns.
type xmlAttr struct {
	qname, local, value []byte
	raw                 bool
}

// errScanUnsupported: XML the scanner does not read (and excelize may).
var errScanUnsupported = errors.New("xml the sheet scanner does not read")

// maxToken bounds one tag or one text run; Excel's longest cell is 32,767
// characters.
const maxToken = 64 << 20

func newXMLScanner(r io.Reader, size int) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, size)}
}

func (s *xmlScanner) syntaxError(msg string) error { return xmlSyntaxError(msg) }

// more reads more bytes after those not yet consumed, moving them to the
// front of the buffer or growing it. It is false at the end of the input.
func (s *xmlScanner) more() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxToken {
			s.rerr = s.syntaxError("a tag or text run longer than 64 MB")
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// eofError is the error of input that ends inside a token or element.
func (s *xmlScanner) eofError() error {
	if s.rerr != nil && s.rerr != io.EOF {
		return s.rerr
	}
	return s.syntaxError("unexpected EOF")
}

// next reads the next token. At the end of the input it is tokEOF, or an
// error when elements are still open.
func (s *xmlScanner) next() (tokKind, error) {
	if s.closing {
		s.closing = false
		s.kind = tokEnd
		s.depth--
		return tokEnd, nil
	}
	for {
		s.kind = 0
		if s.pos >= s.end && !s.more() {
			if s.rerr != io.EOF {
				return 0, s.rerr
			}
			if s.depth > 0 {
				return 0, s.syntaxError("unexpected EOF")
			}
			s.kind = tokEOF
			return tokEOF, nil
		}
		b := s.buf[s.pos:s.end]
		var n int
		var err error
		if b[0] != '<' {
			n, err = s.scanText(b)
		} else {
			n, err = s.scanTag(b)
		}
		if err == errNeedMore {
			if !s.more() {
				return 0, s.eofError()
			}
			continue
		}
		if err != nil {
			return 0, err
		}
		s.pos += n
		s.began = true
		if s.kind == 0 {
			continue // the XML declaration is no token
		}
		return s.kind, nil
	}
}

var errNeedMore = errors.New("need more input")

func (s *xmlScanner) scanText(b []byte) (int, error) {
	i := bytes.IndexByte(b, '<')
	if i < 0 {
		if s.rerr == nil {
			return 0, errNeedMore
		}
		i = len(b) // text up to the end of the input
	}
	text := b[:i]
	if bytes.Contains(text, []byte("]]>")) {
		return 0, s.syntaxError("unescaped ]]> not in CDATA section")
	}
	raw, err := s.checkText(text)
	if err != nil {
		return 0, err
	}
	s.kind, s.text, s.textRaw = tokText, text, raw
	return i, nil
}

// checkText checks the characters of text as written and says whether it
// needs decoding.
func (s *xmlScanner) checkText(text []byte) (raw bool, err error) {
	plain := true
	for _, c := range text {
		if c < 0x20 || c >= utf8.RuneSelf || c == '&' {
			plain = false
			break
		}
	}
	if plain {
		return false, nil
	}
	if bytes.IndexByte(text, '&') < 0 && bytes.IndexByte(text, '\r') < 0 {
		return false, checkChars(text)
	}
	s.scratch, err = decodeXMLText(s.scratch[:0], text)
	if err != nil {
		return true, err
	}
	return true, checkChars(s.scratch)
}

func (s *xmlScanner) scanTag(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, errNeedMore
	}
	switch b[1] {
	case '/':
		return s.scanEndTag(b)
	case '?':
		return s.scanDeclaration(b)
	case '!':
		if len(b) < 9 {
			return 0, errNeedMore
		}
		if !bytes.HasPrefix(b, []byte("<![CDATA[")) {
			return 0, errScanUnsupported // a comment, a DOCTYPE
		}
		i := bytes.Index(b[9:], []byte("]]>"))
		if i < 0 {
			return 0, errNeedMore
		}
		text := b[9 : 9+i]
		raw := bytes.IndexByte(text, '\r') >= 0
		if raw {
			s.scratch = appendNewlines(s.scratch[:0], text)
			if err := checkChars(s.scratch); err != nil {
				return 0, err
			}
		} else if err := checkChars(text); err != nil {
			return 0, err
		}
		s.kind, s.text, s.textRaw = tokText, text, false
		if raw {
			s.text = s.scratch
		}
		return 9 + i + 3, nil
	}
	return s.scanStartTag(b)
}

// scanDeclaration reads the XML declaration at the head of a part: UTF-8
// and version 1.0 only, as encoding/xml reads without a charset reader.
func (s *xmlScanner) scanDeclaration(b []byte) (int, error) {
	i := bytes.Index(b, []byte("?>"))
	if i < 0 {
		return 0, errNeedMore
	}
	decl := b[:i]
	if s.began || !bytes.HasPrefix(decl, []byte("<?xml ")) {
		return 0, errScanUnsupported
	}
	for _, a := range bytes.Fields(decl[len("<?xml "):]) {
		k, v, ok := bytes.Cut(a, []byte("="))
		if !ok || len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
			return 0, errScanUnsupported
		}
		v = v[1 : len(v)-1]
		switch string(k) {
		case "version":
			if string(v) != "1.0" {
				return 0, errScanUnsupported
			}
		case "encoding":
			if !bytes.EqualFold(v, []byte("utf-8")) {
				return 0, errScanUnsupported
			}
		case "standalone":
		default:
			return 0, errScanUnsupported
		}
	}
	if err := checkChars(decl); err != nil {
		return 0, errScanUnsupported
	}
	return i + 2, nil
}

func (s *xmlScanner) scanEndTag(b []byte) (int, error) {
	i := 2
	j, err := scanName(b, i)
	if err != nil {
		return 0, err
	}
	name := b[i:j]
	k := skipSpace(b, j)
	if k >= len(b) {
		return 0, errNeedMore
	}
	if b[k] != '>' {
		return 0, s.syntaxError("invalid characters between </" + string(name) + " and >")
	}
	if s.depth == 0 {
		return 0, s.syntaxError("unexpected end element </" + string(name) + ">")
	}
	if !bytes.Equal(s.open[s.depth-1], name) {
		return 0, s.syntaxError("element <" + string(s.open[s.depth-1]) + "> closed by </" + string(name) + ">")
	}
	s.depth--
	s.kind, s.qname, s.local = tokEnd, name, localName(name)
	return k + 1, nil
}

func (s *xmlScanner) scanStartTag(b []byte) (int, error) {
	i := 1
	j, err := scanName(b, i)
	if err != nil {
		return 0, err
	}
	if j == i {
		return 0, s.syntaxError("expected element name after <")
	}
	name := b[i:j]
	s.attrs = s.attrs[:0]
	s.selfClose = false
	for i = j; ; {
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errNeedMore
		}
		switch b[i] {
		case '/':
			if i+1 >= len(b) {
				return 0, errNeedMore
			}
			if b[i+1] != '>' {
				return 0, s.syntaxError("expected /> in element")
			}
			s.selfClose = true
			i += 2
		case '>':
			i++
		default:
			n, err := s.scanAttr(b, i)
			if err != nil {
				return 0, err
			}
			i = n
			continue
		}
		break
	}
	if s.depth == len(s.open) {
		s.open = append(s.open, nil)
	}
	s.open[s.depth] = append(s.open[s.depth][:0], name...)
	s.depth++
	s.closing = s.selfClose
	s.kind, s.qname, s.local = tokStart, name, localName(name)
	return i, nil
}

func (s *xmlScanner) scanAttr(b []byte, i int) (int, error) {
	j, err := scanName(b, i)
	if err != nil {
		return 0, err
	}
	if j == i {
		return 0, s.syntaxError("expected attribute name in element")
	}
	name := b[i:j]
	k := skipSpace(b, j)
	if k >= len(b) {
		return 0, errNeedMore
	}
	if b[k] != '=' {
		return 0, s.syntaxError("attribute name without = in element")
	}
	k = skipSpace(b, k+1)
	if k >= len(b) {
		return 0, errNeedMore
	}
	q := b[k]
	if q != '"' && q != '\'' {
		return 0, s.syntaxError("unquoted or missing attribute value in element")
	}
	e := bytes.IndexByte(b[k+1:], q)
	if e < 0 {
		return 0, errNeedMore
	}
	value := b[k+1 : k+1+e]
	if bytes.IndexByte(value, '<') >= 0 {
		return 0, s.syntaxError("unescaped < inside quoted string")
	}
	raw, err := s.checkText(value)
	if err != nil {
		return 0, err
	}
	s.attrs = append(s.attrs, xmlAttr{qname: name, local: localName(name), value: value, raw: raw})
	return k + 1 + e + 1, nil
}

// attr is the value of the current tag's attribute of that local name,
// decoded; the last one when the tag repeats it.
func (s *xmlScanner) attr(local string) (string, bool) {
	for i := len(s.attrs) - 1; i >= 0; i-- {
		if string(s.attrs[i].local) == local {
			return s.attrValue(i), true
		}
	}
	return "", false
}

func (s *xmlScanner) attrValue(i int) string {
	a := s.attrs[i]
	if !a.raw {
		return string(a.value)
	}
	return string(s.appendAttrValue(nil, i))
}

// appendAttrValue appends the decoded value of the current tag's i-th
// attribute.
func (s *xmlScanner) appendAttrValue(dst []byte, i int) []byte {
	a := s.attrs[i]
	if !a.raw {
		return append(dst, a.value...)
	}
	dst, _ = decodeXMLText(dst, a.value) // checked when scanned
	return dst
}

// textValue is the current text token decoded; valid until the next token.
func (s *xmlScanner) textValue() []byte {
	if s.textRaw {
		return s.scratch // checkText decoded it there
	}
	return s.text
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// scanName reads an XML name from b[i:], ASCII only: letters, digits and
// _ : . - with a letter, _ or : first, at most one colon. It returns the
// end of the name, errNeedMore when b ends inside it.
func scanName(b []byte, i int) (int, error) {
	j := i
	colons := 0
	for ; j < len(b); j++ {
		c := b[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case '0' <= c && c <= '9', c == '.', c == '-':
			if j == i {
				return 0, errScanUnsupported
			}
		case c == ':':
			colons++
		case c >= 0x80:
			return 0, errScanUnsupported
		default:
			if colons > 1 {
				return 0, errScanUnsupported
			}
			return j, nil
		}
	}
	return 0, errNeedMore
}

// localName is a name without its prefix, as encoding/xml splits it: "x:c"
// is "c", while ":c" and "x:" stay whole.
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i > 0 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}
