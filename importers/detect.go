package importers

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

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
		return "", fmt.Errorf("%s: the file is empty", path)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "xlsx", nil
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "", fmt.Errorf("%s: %w: a legacy Excel .xls (or password-protected) workbook; convert it with: libreoffice --headless --convert-to xlsx %s", path, ErrUnsupported, path)
	case bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("<")):
		return "", fmt.Errorf("%s: %w: XML (1C exports are not read yet)", path, ErrUnsupported)
	}
	return "text", nil
}
