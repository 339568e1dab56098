package importers

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A workbook read as a stream: excelize keeps what it reads well and fast
// (sheet list, relationships, styles), opened from the workbook's parts
// without its sheets; the sheet's XML streams from the zip through
// sheetStream, the shared strings read once by the same scanner. Anything
// this path does not know the answer to as excelize would is left to
// excelize (streamable says so).

// openWorkbookParts opens a workbook in excelize without its worksheets
// and shared strings: excelize would otherwise unpack a sheet of a million
// rows to a temporary file before the first row is read.
func openWorkbookParts(z *zip.Reader) (*excelize.File, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range z.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		if strings.HasPrefix(name, "xl/worksheets/") || name == "xl/sharedstrings.xml" {
			continue
		}
		if err := zw.Copy(f); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return excelize.OpenReader(&buf, excelize.Options{UnzipSizeLimit: unzipLimit})
}

// unpackedSize is what a workbook unpacks to, as excelize adds it up.
func unpackedSize(z *zip.Reader) int64 {
	var n int64
	for _, f := range z.File {
		size := f.FileInfo().Size()
		if size < 0 || n+size < n {
			return -1
		}
		n += size
	}
	return n
}

// partNamed is the one zip entry of that part name as excelize names
// entries (backslashes made slashes, the shared strings part in any case);
// nil when there is none or more than one.
func partNamed(z *zip.Reader, name string, anyCase bool) (part *zip.File, n int) {
	for _, f := range z.File {
		fn := strings.ReplaceAll(f.Name, "\\", "/")
		if fn == name || anyCase && strings.EqualFold(fn, name) {
			part, n = f, n+1
		}
	}
	if n != 1 {
		part = nil
	}
	return part, n
}

// sheetPart finds the part of a sheet as excelize does (getSheetMap,
// getWorksheetPath) for a workbook at xl/workbook.xml; nil when the
// answer is not that plain.
func sheetPart(z *zip.Reader, sheet string) *zip.File {
	var root struct {
		Rels []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(z, "_rels/.rels", &root) != nil {
		return nil
	}
	workbook := ""
	for _, r := range root.Rels {
		if r.Type == excelize.SourceRelationshipOfficeDocument {
			workbook = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if workbook != "xl/workbook.xml" {
		return nil
	}
	sheets, ok := workbookSheets(z)
	if !ok {
		return nil
	}
	var found *zip.File
	matches := 0
	for _, s := range sheets {
		if !strings.EqualFold(s.name, sheet) {
			continue
		}
		var part *zip.File
		for _, target := range s.targets {
			name := strings.TrimPrefix(strings.ReplaceAll(path.Clean("xl/"+target), "\\", "/"), "/")
			if strings.HasPrefix(target, "/") {
				name = strings.TrimPrefix(strings.ReplaceAll(path.Clean(target), "\\", "/"), "/")
			}
			if p, n := partNamed(z, name, false); p != nil {
				part = p
			} else if n > 1 {
				return nil
			}
		}
		if part != nil {
			found = part
			matches++
		}
	}
	if matches != 1 {
		return nil
	}
	return found
}

// The namespaces excelize accepts for the shared strings' root: its own,
// and the strict one it rewrites to it.
const (
	mainNamespace   = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	strictNamespace = "http://purl.oclc.org/ooxml/spreadsheetml/main"
)

// readSharedStrings reads a workbook's shared string table as excelize
// decodes it. errScanUnsupported and any error mean: read the file with
// excelize, whose answer for that table this is not.
func readSharedStrings(z *zip.Reader) ([]string, error) {
	part, n := partNamed(z, "xl/sharedStrings.xml", true)
	if n == 0 {
		return nil, nil
	}
	if part == nil {
		return nil, errScanUnsupported
	}
	rc, err := part.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := newXMLScanner(rc, 256<<10)
	for {
		k, err := sc.next()
		if err != nil {
			return nil, err
		}
		if k == tokEOF {
			return nil, nil // an empty part: excelize decodes no table, and no error
		}
		if k == tokStart {
			break
		}
	}
	if err := checkTableRoot(sc); err != nil {
		return nil, err
	}
	var sst []string
	var str stringReader
	for {
		k, err := sc.next()
		if err != nil {
			return nil, err
		}
		switch {
		case k == tokEnd:
			return sst, finishPart(sc)
		case k == tokStart && string(sc.local) == "si":
			str.reset()
			if err := str.read(sc); err != nil {
				return nil, err
			}
			sst = append(sst, str.value())
		case k == tokStart:
			if err := skipElementWithout(sc, "si"); err != nil {
				return nil, err
			}
		}
	}
}

// checkTableRoot checks the root of the shared strings as excelize's
// xlsxSST type does: <sst> in the main namespace, counts that are numbers.
func checkTableRoot(sc *xmlScanner) error {
	if string(sc.local) != "sst" {
		return errScanUnsupported
	}
	prefix := ""
	if i := bytes.IndexByte(sc.qname, ':'); i > 0 && len(sc.local) < len(sc.qname) {
		prefix = string(sc.qname[:i])
	}
	ns := ""
	for i, a := range sc.attrs {
		if prefix == "" && string(a.qname) == "xmlns" || prefix != "" && string(a.qname) == "xmlns:"+prefix {
			ns = sc.attrValue(i)
		}
	}
	if ns != mainNamespace && ns != strictNamespace {
		return errScanUnsupported
	}
	return checkAttrs(sc, "count", "int", "uniqueCount", "int")
}

// skipElementWithout skips an element that must not hold one of that
// name (excelize would count a nested <si> in some cases, not in others).
func skipElementWithout(sc *xmlScanner, name string) error {
	for depth := 1; depth > 0; {
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokStart:
			if string(sc.local) == name {
				return errScanUnsupported
			}
			depth++
		case tokEnd:
			depth--
		}
	}
	return nil
}

// finishPart reads the part after its root. excelize's decoder stops at
// the root's end, but for a large table it reads on and counts an <si>
// found there.
func finishPart(sc *xmlScanner) error {
	for {
		k, err := sc.next()
		switch {
		case err == errScanUnsupported:
			return err
		case err != nil || k == tokEOF:
			return nil
		case k == tokStart && string(sc.local) == "si":
			return errScanUnsupported
		}
	}
}
