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
	ContactPoints []ContactPoint
	// MatchKeys are the exact keys this customer is known by (its records'
	// INN, phones, e-mails); the store keeps them so that tomorrow's new
	// rows find today's cards.
	MatchKeys []string
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
