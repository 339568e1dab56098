package importers

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The text of a workbook's XML, decoded as encoding/xml decodes it and
// as excelize reads cell strings.

// decodeXMLText appends src with its entities replaced and its line ends
// made \n, as encoding/xml's decoder does: the five named entities and
// character references only; anything else is a syntax error.
func decodeXMLText(dst, src []byte) ([]byte, error) {
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
		case '&':
			n, r, ok := entityAt(src[i:])
			if !ok {
				return dst, xmlSyntaxError("invalid character entity " + entityText(src[i:]))
			}
			dst = utf8.AppendRune(dst, r)
			i += n - 1
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

// entityAt reads the entity at the head of b, "&amp;" or "&#x41;", its
// length and its character.
func entityAt(b []byte) (n int, r rune, ok bool) {
	semi := -1
	for i := 1; i < len(b) && i < 32; i++ {
		if b[i] == ';' {
			semi = i
			break
		}
	}
	if semi < 0 {
		return 0, 0, false
	}
	name := string(b[1:semi])
	switch name {
	case "lt":
		return semi + 1, '<', true
	case "gt":
		return semi + 1, '>', true
	case "amp":
		return semi + 1, '&', true
	case "apos":
		return semi + 1, '\'', true
	case "quot":
		return semi + 1, '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	for _, d := range []byte(digits) {
		if !('0' <= d && d <= '9' || base == 16 && ('a' <= d && d <= 'f' || 'A' <= d && d <= 'F')) {
			return 0, 0, false
		}
	}
	v, err := strconv.ParseUint(digits, base, 64)
	if err != nil || v > unicode.MaxRune {
		return 0, 0, false
	}
	return semi + 1, rune(v), true // a surrogate becomes U+FFFD, as string(rune(v)) makes it
}

func entityText(b []byte) string {
	if i := strings.IndexByte(string(b[:min(len(b), 32)]), ';'); i >= 0 {
		return string(b[:i+1])
	}
	return string(b[:min(len(b), 16)]) + " (no semicolon)"
}

// appendNewlines appends src with \r\n and \r made \n (CDATA sections).
func appendNewlines(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		if src[i] == '\r' {
			dst = append(dst, '\n')
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			continue
		}
		dst = append(dst, src[i])
	}
	return dst
}

// checkChars: valid UTF-8 of characters XML allows, as encoding/xml checks.
func checkChars(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return xmlSyntaxError("illegal character code " + strconv.QuoteRune(rune(c)))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return xmlSyntaxError("invalid UTF-8")
		}
		if r == 0xFFFE || r == 0xFFFF {
			return xmlSyntaxError("illegal character code " + strconv.QuoteRune(r))
		}
		i += size
	}
	return nil
}

type xmlSyntaxError string

func (e xmlSyntaxError) Error() string { return "xml syntax error: " + string(e) }

// appendUnescaped appends s with the _xHHHH_ escapes Excel writes for
// characters XML cannot hold undone, as excelize reads shared and inline
// strings: "_x005F_" is "_", a surrogate is dropped.
func appendUnescaped(dst, s []byte) []byte {
	i := bytes.Index(s, []byte("_x"))
	if i < 0 {
		return append(dst, s...)
	}
	dst = append(dst, s[:i]...)
	for i < len(s) {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			v, _ := strconv.ParseUint(string(s[i+2:i+6]), 16, 32)
			if r := rune(v); r < 0xD800 || r > 0xDFFF {
				dst = utf8.AppendRune(dst, r)
			}
			i += 7
			continue
		}
		dst = append(dst, s[i])
		i++
	}
	return dst
}

func isHex4(s []byte) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
