package importers

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/richardlehane/mscfb"
)

// Formats Detect tells apart.
const (
	FormatXLSX   = "xlsx"
	FormatText   = "text"
	FormatXML    = "xml"     // a 1C exchange file: read by importers/onec
	FormatZipXML = "zip-xml" // a zipped 1C message (EnterpriseData): read by importers/onec
	FormatBank   = "bank"    // 1CClientBankExchange: read by importers/onec
)

// Detect tells a file's format from its bytes, whatever the extension says.
func Detect(path string) (string, error) {
	format, err := detect(path)
	if err != nil && errors.Is(err, errXML) {
		return FormatXML, nil
	}
	return format, err
}

var errXML = errors.New("xml")

// detect tells the format from the first bytes, whatever the extension says.
func detect(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	head = head[:n]
	switch {
	case n == 0:
		return "", fmt.Errorf("%s: %w: the file is empty", path, ErrEmpty)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if zippedXMLOnly(path) {
			return FormatZipXML, nil
		}
		return FormatXLSX, nil
	case bytes.Contains(head[:min(n, 64)], []byte("1CClientBankExchange")):
		return FormatBank, nil
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "", oleError(path, f)
	case bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("<")):
		return "", fmt.Errorf("%s: %w: XML with root element %s: %w", path, ErrUnsupported, xmlRoot(path), errXML)
	}
	return "text", nil
}

// zippedXMLOnly: a zip with XML files in it and no workbook part is a
// zipped 1C message.
func zippedXMLOnly(path string) bool {
	z, err := zip.OpenReader(path)
	if err != nil {
		return false
	}
	defer z.Close()
	xmls := 0
	for _, f := range z.File {
		switch {
		case f.Name == "xl/workbook.xml" || f.Name == "[Content_Types].xml":
			return false
		case strings.HasSuffix(strings.ToLower(f.Name), ".xml"):
			xmls++
		}
	}
	return xmls > 0
}

// oleError tells the two kinds of OLE2 file a customer list comes in: a
// workbook saved with a password (Excel encrypts .xlsx into OLE2) and a
// legacy .xls.
func oleError(path string, f *os.File) error {
	if _, err := f.Seek(0, io.SeekStart); err == nil {
		if doc, err := mscfb.New(f); err == nil {
			for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
				if entry.Name == "EncryptionInfo" || entry.Name == "EncryptedPackage" {
					return fmt.Errorf("%s: %w: open it in Excel and save it without a password", path, ErrEncrypted)
				}
			}
		}
	}
	return fmt.Errorf("%s: %w: a legacy Excel .xls (BIFF) workbook; convert it with: libreoffice --headless --convert-to xlsx %s", path, ErrUnsupported, path)
}

// xmlRoot names the root element of an XML file, for the error message.
func xmlRoot(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "?"
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := dec.Token()
		if err != nil {
			return "?"
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Space != "" {
				return se.Name.Local + " (" + se.Name.Space + ")"
			}
			return se.Name.Local
		}
	}
}
