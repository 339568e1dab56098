package importers

import (
	"bytes"
	"strconv"
	"strings"
)

// stringReader reads a shared string (<si>) or an inline one (<is>) as
// excelize decodes it: the text of its <t>, then the texts of its runs
// (<r><t>), whatever their order in the XML; a second <t> replaces the
// first; phonetic runs are not text. Its attributes are checked as
// encoding/xml would decode them into excelize's types: a value excelize
// fails on is errScanUnsupported.
type stringReader struct {
	t, runs, run []byte
	out, all     []byte
}

func (p *stringReader) reset() { p.t, p.runs = p.t[:0], p.runs[:0] }

// read reads the element whose start tag the scanner has just read.
func (p *stringReader) read(sc *xmlScanner) error {
	for {
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEnd:
			return nil
		case tokStart:
			switch string(sc.local) {
			case "t":
				if p.t, err = readChardata(sc, p.t[:0]); err != nil {
					return err
				}
			case "r":
				if err := p.readRun(sc); err != nil {
					return err
				}
			case "rPh":
				if err := checkAttrs(sc, "sb", "uint32", "eb", "uint32"); err != nil {
					return err
				}
				err = skipElement(sc)
			case "phoneticPr":
				if err := checkAttrs(sc, "fontId", "int"); err != nil {
					return err
				}
				err = skipElement(sc)
			default:
				err = skipElement(sc)
			}
			if err != nil {
				return err
			}
		}
	}
}

func (p *stringReader) readRun(sc *xmlScanner) error {
	p.run = p.run[:0]
	hasT := false
	for {
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEnd:
			if hasT {
				p.runs = append(p.runs, p.run...)
			}
			return nil
		case tokStart:
			switch string(sc.local) {
			case "t":
				hasT = true
				p.run, err = readChardata(sc, p.run[:0])
			case "rPr":
				err = checkRunProperties(sc)
			default:
				err = skipElement(sc)
			}
			if err != nil {
				return err
			}
		}
	}
}

// value is the string read, with Excel's _xHHHH_ escapes undone.
func (p *stringReader) value() string {
	if len(p.runs) == 0 && !bytes.Contains(p.t, []byte("_x")) {
		return string(p.t)
	}
	p.out = p.appendValue(p.out[:0])
	return string(p.out)
}

// appendValue appends the string read, its escapes undone.
func (p *stringReader) appendValue(dst []byte) []byte {
	if len(p.runs) == 0 {
		return appendUnescaped(dst, p.t)
	}
	p.all = append(append(p.all[:0], p.t...), p.runs...)
	return appendUnescaped(dst, p.all)
}

// readChardata appends the text directly inside the element just started,
// as encoding/xml decodes an element into a string; elements inside it are
// skipped.
func readChardata(sc *xmlScanner, dst []byte) ([]byte, error) {
	for {
		k, err := sc.next()
		if err != nil {
			return dst, err
		}
		switch k {
		case tokText:
			dst = append(dst, sc.textValue()...)
		case tokStart:
			if err := skipElement(sc); err != nil {
				return dst, err
			}
		case tokEnd:
			return dst, nil
		}
	}
}

// skipElement reads up to the end of the element just started.
func skipElement(sc *xmlScanner) error {
	for depth := 1; depth > 0; {
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokStart:
			depth++
		case tokEnd:
			depth--
		}
	}
	return nil
}

// checkRunProperties checks a run's <rPr> as excelize's xlsxRPr decodes it.
func checkRunProperties(sc *xmlScanner) error {
	for {
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEnd:
			return nil
		case tokStart:
			switch string(sc.local) {
			case "charset", "family":
				err = checkAttrs(sc, "val", "int")
			case "b", "i", "strike", "outline", "shadow", "condense", "extend":
				err = checkAttrs(sc, "val", "bool")
			case "sz":
				err = checkAttrs(sc, "val", "float")
			case "color":
				err = checkAttrs(sc, "auto", "bool", "indexed", "int", "theme", "int", "tint", "float")
			}
			if err != nil {
				return err
			}
			if err := skipElement(sc); err != nil {
				return err
			}
		}
	}
}

// checkAttrs checks the current tag's attributes of the given names
// (pairs of name and type) as encoding/xml parses them into fields of
// those types; a value it cannot parse is errScanUnsupported.
func checkAttrs(sc *xmlScanner, nameType ...string) error {
	for i := range sc.attrs {
		for j := 0; j+1 < len(nameType); j += 2 {
			if string(sc.attrs[i].local) != nameType[j] {
				continue
			}
			if !parsesAs(sc.attrValue(i), nameType[j+1]) {
				return errScanUnsupported
			}
		}
	}
	return nil
}

func parsesAs(v, typ string) bool {
	if v == "" {
		return true
	}
	v = strings.TrimSpace(v)
	var err error
	switch typ {
	case "bool":
		_, err = strconv.ParseBool(v)
	case "int":
		_, err = strconv.ParseInt(v, 10, 64)
	case "uint32":
		_, err = strconv.ParseUint(v, 10, 32)
	case "float":
		_, err = strconv.ParseFloat(v, 64)
	}
	return err == nil
}
