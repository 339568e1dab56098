package importers

import (
	"errors"
	"fmt"
	"io"
	"iter"
)

// Cells streams the rows of a workbook's sheet or of a delimited text file
// as they are, each with the row number a person would look for, without
// looking for a header or mapping anything. It is for crmkit's own files
// read back after a person edited them: a review file that Russian Excel
// re-saved as ;-separated Windows-1251 reads as the CSV crmkit wrote.
// Empty rows are passed over.
func Cells(path string, opt Options) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		format, err := detect(path)
		if err != nil {
			yield(Row{}, err)
			return
		}
		var info Info
		var src rowSource
		switch format {
		case FormatXLSX:
			src, err = openXLSX(path, opt.Sheet, &info)
		case FormatText:
			src, err = openText(path, opt, &info)
		default:
			err = fmt.Errorf("%s: %w: a table (.xlsx or text) is needed, not %s", path, ErrUnsupported, format)
		}
		if err != nil {
			yield(Row{}, err)
			return
		}
		defer src.close()
		for {
			cells, n, err := src.next()
			var re *rowError
			switch {
			case err == io.EOF:
				return
			case errors.As(err, &re):
				yield(Row{}, fmt.Errorf("read %s row %d: %w", path, n, re.err))
				return
			case err != nil:
				yield(Row{}, fmt.Errorf("read %s after row %d: %w", path, n, err))
				return
			}
			if lastNonEmpty(cells) < 0 {
				continue
			}
			if !yield(Row{Num: n, Cells: cells}, nil) {
				return
			}
		}
	}
}
