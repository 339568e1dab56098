// Package onec reads the exchange files 1C:Enterprise produces —
// CommerceML 2, EnterpriseData, the generic XML data dump, "Конвертация
// данных" exchange files and 1CClientBankExchange bank statements — and
// yields their counterparties and contact persons as crmkit.Records. XML is
// read with a streaming decoder, one object at a time: memory stays bounded
// whatever the file size.
package onec

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
	"golang.org/x/text/encoding/htmlindex"
)

// Formats.
const (
	FormatCommerceML     = "commerceml"
	FormatEnterpriseData = "enterprisedata"
	FormatDataDump       = "v8-data-dump"
	FormatExchange       = "exchange-file"
	FormatBank           = "1c-bank-statement"
)

// Options say how to read a 1C file.
type Options struct {
	Source         string            // source system name stored with every record
	Map            map[string]string // property name → canonical field, over the built-in names
	IncludeDeleted bool              // read objects marked for deletion too
}

// Info is what the reader found in a file.
type Info struct {
	Format         string         `json:"format"`
	Version        string         `json:"version,omitempty"`
	Objects        map[string]int `json:"objects"` // the file's objects (catalogue items, documents, …) by type, as the file names them
	Counterparties int            `json:"counterparties"`
	ContactPersons int            `json:"contact_persons"`
	// Of those, the ones only documents describe: no catalogue object
	// of the file has their key.
	CounterpartiesFromDocuments int `json:"counterparties_from_documents"`
	ContactPersonsFromDocuments int `json:"contact_persons_from_documents"`
	References                  int `json:"references"`            // counterparty and contact person references read inside documents
	UnresolvedReferences        int `json:"unresolved_references"` // keys documents name without any property that no object of the file describes
	Deleted                     int `json:"deleted"`               // skipped (or read, with IncludeDeleted)
	FoldedRepeats               int `json:"folded_repeats"`        // sightings of a counterparty seen before
	Records                     int `json:"records"`
}

// ErrMalformed marks a file that is not well-formed or not a 1C format.
var ErrMalformed = errors.New("malformed 1C file")

// Reader streams the records of one 1C file.
type Reader struct {
	path   string
	opt    Options
	format string
	info   Info
	open   func() (io.ReadCloser, error) // the XML, from the start: a file, or the XML inside a zip
	closer io.Closer
}

// Open detects which 1C format a file holds.
func Open(path string, opt Options) (*Reader, error) {
	format, err := importers.Detect(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{path: path, opt: opt, info: Info{Objects: map[string]int{}}}
	switch format {
	case importers.FormatBank:
		r.format = FormatBank
		r.open = func() (io.ReadCloser, error) { return os.Open(path) }
		r.info.Format = FormatBank
		return r, nil
	case importers.FormatXML:
		r.open = func() (io.ReadCloser, error) { return os.Open(path) }
	case importers.FormatZipXML:
		z, err := zip.OpenReader(path)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		var inner *zip.File
		for _, f := range z.File {
			if strings.HasSuffix(strings.ToLower(f.Name), ".xml") {
				inner = f
				break
			}
		}
		r.closer = z
		r.open = func() (io.ReadCloser, error) { return inner.Open() }
	default:
		return nil, fmt.Errorf("%s: %w: not a 1C exchange file", path, importers.ErrUnsupported)
	}
	root, version, err := r.root()
	if err != nil {
		r.Close()
		return nil, err
	}
	switch root.Local {
	case "КоммерческаяИнформация":
		r.format = FormatCommerceML
	case "Message":
		r.format = FormatEnterpriseData
	case "_1CV8DtUD":
		r.format = FormatDataDump
	case "ФайлОбмена":
		r.format = FormatExchange
	default:
		r.Close()
		return nil, fmt.Errorf("%s: %w: unsupported XML root %s", path, importers.ErrUnsupported, root.Local)
	}
	r.info.Format, r.info.Version = r.format, version
	return r, nil
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

// Info returns what was found so far.
func (r *Reader) Info() Info { return r.info }

// DataRows is how many records were read so far.
func (r *Reader) DataRows() int { return r.info.Records }

// root reads the root element and its version attribute.
func (r *Reader) root() (xml.Name, string, error) {
	rc, dec, err := r.decoder()
	if err != nil {
		return xml.Name{}, "", err
	}
	defer rc.Close()
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.Name{}, "", r.malformed(dec, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			version := ""
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "ВерсияСхемы", "ВерсияФормата", "FormatVersion":
					version = a.Value
				}
			}
			if se.Name.Space == "http://www.1c.ru/V8/1CV8DtUD/" && version == "" {
				version = "8"
			}
			return se.Name, version, nil
		}
	}
}

// decoder opens the XML for one pass, skipping a BOM and honouring the
// encoding the prolog declares (windows-1251 is common).
func (r *Reader) decoder() (io.ReadCloser, *xml.Decoder, error) {
	rc, err := r.open()
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReader(rc)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	dec := xml.NewDecoder(br)
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("unknown encoding %q in the XML prolog", label)
		}
		return enc.NewDecoder().Reader(in), nil
	}
	return rc, dec, nil
}

func (r *Reader) malformed(dec *xml.Decoder, err error) error {
	line, col := dec.InputPos()
	if err == io.EOF {
		return fmt.Errorf("%s line %d: %w: the file ends too early (truncated?)", r.path, line, ErrMalformed)
	}
	return fmt.Errorf("%s line %d column %d: %w: %v", r.path, line, col, ErrMalformed, err)
}

// Rows yields one row per counterparty or contact person, with the
// 1-based ordinal of its object element as the row number.
func (r *Reader) Rows() iter.Seq2[importers.Row, error] {
	return func(yield func(importers.Row, error) bool) {
		emit := func(rec crmkit.Record, problems []crmkit.Problem) bool {
			if rec.Fields == nil { // an object that could not be read: only its problem
				return yield(importers.Row{Num: rec.Row, Problems: problems}, nil)
			}
			switch rec.Kind {
			case crmkit.KindContactPerson:
				r.info.ContactPersons++
			default:
				r.info.Counterparties++
			}
			r.info.Records++
			rec.Source, rec.File = r.opt.Source, r.path
			return yield(importers.Row{Num: rec.Row, Record: rec, OK: true, Problems: problems}, nil)
		}
		var err error
		switch r.format {
		case FormatBank:
			err = r.readBank(emit)
		default:
			err = r.readXML(emit)
		}
		if err != nil {
			yield(importers.Row{}, err)
		}
	}
}

// object is one decoded 1C object, or a reference a document makes to
// one: its stable key, whether it is marked for deletion, and what it
// becomes.
type object struct {
	key      string
	kind     crmkit.Kind // of the reference, for messages
	deleted  bool
	document string                        // the type of the document naming it; "" for an object of its own (a catalogue's)
	bare     bool                          // the document gives its key and nothing else: there is nothing to record from it
	records  func(row int) []crmkit.Record // the counterparty, then its contact persons
	// unrecorded says what of the object the records leave out (a contact
	// person without a name), each a problem of its own.
	unrecorded []string
}

// decodeFunc decodes one element of interest into its objects: one, or
// several when a reference holds another (a contact person and its owner),
// none for an empty reference.
type decodeFunc func(*xml.Decoder, xml.StartElement) ([]object, error)

// one adapts a decoder of a single object.
func one(decode func(*xml.Decoder, xml.StartElement) (object, error)) decodeFunc {
	return func(dec *xml.Decoder, t xml.StartElement) ([]object, error) {
		o, err := decode(dec, t)
		if err != nil {
			return nil, err
		}
		return []object{o}, nil
	}
}

// readXML streams the file twice: the first pass finds the one sighting of
// every key that is emitted, the second emits each object there, in bounded
// memory (an entry per key). A catalogue object wins over the references
// documents make to its key; among references the last sighting wins
// (orders repeat their buyer). A key a document names without any property
// is a record only if the file describes it elsewhere; otherwise it is a
// warning, never a silent loss.
func (r *Reader) readXML(emit func(crmkit.Record, []crmkit.Problem) bool) error {
	type sighting struct {
		n         int
		catalogue bool
	}
	chosen := map[string]sighting{}
	bare := map[string]int{} // keys named without properties → their last sighting
	if err := r.walk(func(n int, o object) bool {
		if o.bare {
			bare[o.key] = n
			return true
		}
		prev, seen := chosen[o.key]
		if seen {
			r.info.FoldedRepeats++
		}
		if !seen || o.document == "" || !prev.catalogue {
			chosen[o.key] = sighting{n: n, catalogue: o.document == ""}
		}
		return true
	}, nil); err != nil {
		return err
	}
	for key := range bare {
		if _, described := chosen[key]; described {
			delete(bare, key)
		}
	}
	r.info.UnresolvedReferences = len(bare)
	clear(r.info.Objects)
	r.info.Deleted, r.info.References = 0, 0
	return r.walk(func(n int, o object) bool {
		if o.bare {
			if last, unresolved := bare[o.key]; !unresolved || last != n {
				return true
			}
			return emit(crmkit.Record{Row: n}, []crmkit.Problem{{File: r.path, Row: n, Code: "onec.unresolved_reference", Severity: crmkit.SeverityWarning,
				Message: fmt.Sprintf("%s names %s %s without any property, and the file does not describe it: no record", o.document, kindNoun(o.kind), o.key)}})
		}
		if chosen[o.key].n != n {
			return true
		}
		if o.deleted && !r.opt.IncludeDeleted {
			// Skipped, and said so with its ordinal: a count alone would
			// not tell which customer the import left out.
			return emit(crmkit.Record{Row: n}, []crmkit.Problem{{File: r.path, Row: n, Code: RowDeleted, Severity: crmkit.SeverityWarning,
				Message: fmt.Sprintf("the object %s is marked for deletion in 1C: skipped (--include-deleted reads it)", o.key)}})
		}
		for _, why := range o.unrecorded {
			if !emit(crmkit.Record{Row: n}, []crmkit.Problem{{File: r.path, Row: n, Code: RowUnnamed, Severity: crmkit.SeverityWarning,
				Message: fmt.Sprintf("the object %s: %s", o.key, why)}}) {
				return false
			}
		}
		for _, rec := range o.records(n) {
			if o.document != "" {
				if rec.Kind == crmkit.KindContactPerson {
					r.info.ContactPersonsFromDocuments++
				} else {
					r.info.CounterpartiesFromDocuments++
				}
			}
			if !emit(rec, nil) {
				return false
			}
		}
		return true
	}, func(n int, p crmkit.Problem) bool { return emit(crmkit.Record{Row: n}, []crmkit.Problem{p}) })
}

func kindNoun(k crmkit.Kind) string {
	if k == crmkit.KindContactPerson {
		return "contact person"
	}
	return "counterparty"
}

// walk decodes every object of interest in document order, numbering them:
// a catalogue's objects, and inside documents the counterparties and
// contact persons they reference, at any depth. It counts the file's
// objects by type on the way.
func (r *Reader) walk(visit func(n int, o object) bool, bad func(n int, p crmkit.Problem) bool) error {
	rc, dec, err := r.decoder()
	if err != nil {
		return err
	}
	defer rc.Close()
	var stack []string
	n := 0
	docDepth, docType := 0, "" // the document being read: its depth (0: none) and its type
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return r.malformed(dec, io.EOF)
			}
			return nil
		}
		if err != nil {
			return r.malformed(dec, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxFileDepth {
				return fmt.Errorf("%s line %d: %w: elements nested more than %d deep", r.path, lineOf(dec), ErrMalformed, maxFileDepth)
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			if t.Name.Local == "ПравилаОбмена" { // the exchange rules embedded in a ФайлОбмена
				if err := dec.Skip(); err != nil {
					return r.malformed(dec, err)
				}
				continue
			}
			if docDepth == 0 {
				if r.isObject(t, parent, len(stack)) {
					r.info.Objects[objectType(t)]++
				}
				if r.isDocument(t) {
					docDepth, docType = len(stack)+1, objectType(t)
				}
			}
			decode := r.objectDecoder(t, parent, docDepth > 0)
			if decode == nil {
				stack = append(stack, t.Name.Local)
				continue
			}
			line, _ := dec.InputPos()
			objs, derr := decode(dec, t)
			if derr != nil {
				var se *xml.SyntaxError
				if errors.As(derr, &se) {
					return r.malformed(dec, derr)
				}
				// A bad object is a Problem; the rest is read.
				n++
				if bad != nil && !bad(n, crmkit.Problem{File: r.path, Row: n, Code: "onec.bad_object", Severity: crmkit.SeverityError,
					Message: fmt.Sprintf("%s at line %d: %v", objectType(t), line, derr)}) {
					return nil
				}
				continue
			}
			for _, o := range objs {
				n++
				if docDepth > 0 {
					o.document = docType
					r.info.References++
				}
				if o.deleted {
					r.info.Deleted++
				}
				if o.key == "" {
					o.key = fmt.Sprintf("#%d", n)
				}
				if !visit(n, o) {
					return nil
				}
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if len(stack) < docDepth {
				docDepth, docType = 0, ""
			}
		}
	}
}

// isObject tells an element that is one object of the file — a catalogue
// item, a document, a CommerceML catalogue or offer package — to count it
// by type. References inside documents are not objects.
func (r *Reader) isObject(t xml.StartElement, parent string, depth int) bool {
	switch r.format {
	case FormatCommerceML:
		switch t.Name.Local {
		case "Документ":
			return true
		case "Контрагент":
			return parent == "Контрагенты"
		case "Контрагенты", "Контейнер": // containers of the objects above
			return false
		}
		return depth == 1
	case FormatEnterpriseData:
		return parent == "Body"
	case FormatDataDump:
		return parent == "Data"
	case FormatExchange:
		return depth == 1 && t.Name.Local == "Объект"
	}
	return false
}

// isDocument tells an element that is a document: the counterparties it
// names are references.
func (r *Reader) isDocument(t xml.StartElement) bool {
	switch r.format {
	case FormatCommerceML:
		return t.Name.Local == "Документ"
	case FormatEnterpriseData:
		return strings.HasPrefix(t.Name.Local, "Документ.")
	case FormatDataDump:
		return strings.HasPrefix(t.Name.Local, "DocumentObject.")
	case FormatExchange:
		return t.Name.Local == "Объект" && strings.HasPrefix(attr(t, "Тип"), "ДокументСсылка.")
	}
	return false
}

// objectDecoder picks the decoder of an element that is an object of
// interest in this format (inDocument: a reference a document makes), nil
// for any other element.
func (r *Reader) objectDecoder(t xml.StartElement, parent string, inDocument bool) decodeFunc {
	switch r.format {
	case FormatCommerceML:
		if t.Name.Local == "Контрагент" && parent == "Контрагенты" {
			return one(r.decodeCommerceML)
		}
	case FormatEnterpriseData:
		if inDocument {
			return r.refDecoder(t)
		}
		switch t.Name.Local {
		case "Справочник.Контрагенты":
			return one(r.decodeEDCounterparty)
		case "Справочник.КонтактныеЛица", "Справочник.КонтактныеЛицаПартнеров":
			return one(r.decodeEDContact)
		}
	case FormatDataDump:
		if inDocument {
			return r.refDecoder(t)
		}
		switch t.Name.Local {
		case "CatalogObject.Контрагенты":
			return one(r.as(r.decodeDump, crmkit.KindUnknown))
		case "CatalogObject.КонтактныеЛица", "CatalogObject.КонтактныеЛицаКонтрагентов":
			return one(r.as(r.decodeDump, crmkit.KindContactPerson))
		}
	case FormatExchange:
		if inDocument {
			if kind, ok := exchangeRefTypes[attr(t, "Тип")]; ok && t.Name.Local == "Свойство" {
				return r.decodeExchangeRef(kind)
			}
			return nil
		}
		if t.Name.Local == "Объект" {
			if kind, ok := exchangeRefTypes[attr(t, "Тип")]; ok {
				return one(r.as(r.decodeExchange, kind))
			}
		}
	}
	return nil
}

// as fixes the kind of the records a decoder makes.
func (r *Reader) as(decode func(*xml.Decoder, xml.StartElement, crmkit.Kind) (object, error), kind crmkit.Kind) func(*xml.Decoder, xml.StartElement) (object, error) {
	return func(dec *xml.Decoder, t xml.StartElement) (object, error) { return decode(dec, t, kind) }
}

func objectType(t xml.StartElement) string {
	if typ := attr(t, "Тип"); typ != "" {
		return typ
	}
	return t.Name.Local
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// maxFileDepth is how deep elements may nest in a 1C file: 1C writes a
// few dozen levels (a tree of groups a few more); a file nested deeper is
// refused before the decoder's own stack grows with it.
const maxFileDepth = 50_000

func lineOf(dec *xml.Decoder) int {
	line, _ := dec.InputPos()
	return line
}

// RowDeleted: an object marked for deletion in 1C, skipped unless
// IncludeDeleted; a problem of its own so that the skip names the object.
const RowDeleted = "row.deleted"

// RowUnnamed: a part of an object with nothing to name it by (a contact
// person without a name), not recorded.
const RowUnnamed = "row.unnamed"
