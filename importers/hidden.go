package importers

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"
)

// hiddenColumns lists the 0-based columns a worksheet hides. It reads only
// the <cols> element at the head of the sheet's XML, streaming, so that a
// sheet of a million rows is not loaded to answer (excelize's GetColVisible
// would parse the whole sheet). Any trouble just means "none known".
func hiddenColumns(file, sheet string) []int {
	z, err := zip.OpenReader(file)
	if err != nil {
		return nil
	}
	defer z.Close()
	target := sheetTarget(&z.Reader, sheet)
	if target == "" {
		return nil
	}
	f, err := z.Open(target)
	if err != nil {
		return nil
	}
	defer f.Close()
	var hidden []int
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if err != nil {
			return hidden
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "sheetData":
			return hidden // <cols> comes before the rows
		case "col":
			var lo, hi int
			isHidden := false
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "min":
					lo, _ = strconv.Atoi(a.Value)
				case "max":
					hi, _ = strconv.Atoi(a.Value)
				case "hidden":
					isHidden = a.Value == "1" || a.Value == "true"
				}
			}
			for c := lo; isHidden && c <= hi && c-lo < 16384; c++ {
				hidden = append(hidden, c-1)
			}
		}
	}
}

// sheetTarget finds the part that holds a sheet, through the workbook and
// its relationships.
func sheetTarget(z *zip.Reader, sheet string) string {
	sheets, ok := workbookSheets(z)
	if !ok {
		return ""
	}
	for _, s := range sheets {
		if s.name != sheet || len(s.targets) == 0 {
			continue
		}
		if t := s.targets[0]; strings.HasPrefix(t, "/") {
			return strings.TrimPrefix(t, "/")
		}
		return path.Join("xl", s.targets[0])
	}
	return ""
}

// workbookSheet is a sheet of xl/workbook.xml and the targets its
// relationship id has in xl/_rels/workbook.xml.rels, as written.
type workbookSheet struct {
	name    string
	targets []string
}

// workbookSheets lists the sheets of xl/workbook.xml, in order; false
// when the workbook or its relationships cannot be read.
func workbookSheets(z *zip.Reader) ([]workbookSheet, bool) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(z, "xl/workbook.xml", &wb) != nil || decodePart(z, "xl/_rels/workbook.xml.rels", &rels) != nil {
		return nil, false
	}
	out := make([]workbookSheet, len(wb.Sheets))
	for i, s := range wb.Sheets {
		out[i].name = s.Name
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				out[i].targets = append(out[i].targets, r.Target)
			}
		}
	}
	return out, true
}

func decodePart(z *zip.Reader, name string, v any) error {
	f, err := z.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return xml.NewDecoder(io.LimitReader(f, 16<<20)).Decode(v)
}
