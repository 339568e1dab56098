package crmkit

// Record is one row or element of one source file. Importers fill the
// identity and the raw Fields; normalize cleans Fields and fills Phones,
// Emails and MatchKeys; dedupe reads only those.
type Record struct {
	Source string // system name, e.g. "1c-trade"
	File   string // path as the user gave it
	Row    int    // the Excel row / CSV line / element ordinal a person would look at
	// Key is the stable source key: the source's own ID when it has one,
	// else a hash of the normalised identity fields. Never the row number.
	Key    string
	Kind   Kind
	Fields map[string]string // canonical field → value
	Extra  map[string]string // unmapped columns, verbatim

	Phones    []Phone
	Emails    []string
	MatchKeys []string // "inn:…", "phone:+7…", "email:…"

	// Name keys, for fuzzy matching: NameKey is the folded organisation
	// core name or person's full name ("ромашка", "иванов иван иванович");
	// InitialsKey is a person's surname and first initial ("иванов и").
	NameKey     string
	InitialsKey string
	// OrgKey is the name key of the organisation a contact person works
	// for, from the org field ("ромашка").
	OrgKey string
	// OrgSourceKey is the source key of the organisation a contact person
	// belongs to, when the source says so (1C's owner reference).
	OrgSourceKey string
}

// Get returns a canonical field value or "".
func (r *Record) Get(field string) string { return r.Fields[field] }

// Phone is one telephone number found in a cell.
type Phone struct {
	E164      string // "+74951234567"
	Extension string
	Raw       string // the piece of the cell it came from
	Problem   string // a warning about this number, e.g. "phone.area_code_assumed"
	Type      string // from the numbering plan: "mobile", "fixed", "toll_free", …
	Label     string // what the cell called it: "mobile", "fax", "work", "home"
	Comment   string // a note written beside it: "Иван" in "8 916 … (Иван)"
}

// SourceKey identifies a record across runs.
type SourceKey struct {
	Source string
	Key    string
}
