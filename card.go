package crmkit

// Card is the golden record of one customer.
type Card struct {
	PersonalID    string
	Kind          Kind
	Name          string // display name: the organisation or the person's full name
	LastName      string
	FirstName     string
	MiddleName    string
	OrgName       string
	LegalForm     string
	INN           string
	KPP           string
	Address       string
	City          string
	OrgID         string // a contact person's organisation: its personal ID
	Revenue       string // summed over the merged records, a plain decimal ("1234.5")
	ABCClass      string // A, B or C by revenue over all customers (export.ClassifyABC); "" when unranked
	ContactPoints []ContactPoint
}

// Contact point types.
const (
	ContactPhone = "phone"
	ContactEmail = "email"
)

// ContactPoint is one phone or e-mail of a card and the source that gave it.
type ContactPoint struct {
	Type      string // ContactPhone or ContactEmail
	Value     string // E.164 or lower-case e-mail
	Extension string
	Source    string
}

// Link ties a source record to the personal ID it was resolved to, with the
// file and row where it was last seen. Links make re-imports idempotent.
type Link struct {
	PersonalID string
	Source     string
	SourceKey  string
	File       string
	Row        int
}

// PhoneList is the card's phones as people read them: E.164, "доб. N" for
// an extension.
func (c Card) PhoneList() []string {
	var out []string
	for _, cp := range c.ContactPoints {
		if cp.Type == ContactPhone {
			v := cp.Value
			if cp.Extension != "" {
				v += " доб. " + cp.Extension
			}
			out = append(out, v)
		}
	}
	return out
}

// EmailList is the card's e-mails.
func (c Card) EmailList() []string {
	var out []string
	for _, cp := range c.ContactPoints {
		if cp.Type == ContactEmail {
			out = append(out, cp.Value)
		}
	}
	return out
}
