// Package crmkit holds the domain types shared by every stage of a customer
// migration: the Record read from a source, the Card that is the golden record
// of one customer, the Link that ties a source row to a personal ID, and the
// Problem that tells a person what was wrong with a value.
//
// The stages live in their own packages (importers, normalize, dedupe, export)
// and talk to each other only through these types.
package crmkit

// Kind is what a card or record describes.
type Kind string

const (
	KindUnknown       Kind = ""
	KindPerson        Kind = "person"
	KindOrganization  Kind = "organization"
	KindContactPerson Kind = "contact_person"
)

// Canonical field names. Importers map source columns to these; a mapping
// file may name them too, so their spelling is part of the user contract.
const (
	FieldName          = "name"
	FieldLastName      = "last_name"
	FieldFirstName     = "first_name"
	FieldMiddleName    = "middle_name"
	FieldOrgName       = "org_name"
	FieldLegalForm     = "legal_form"
	FieldINN           = "inn"
	FieldKPP           = "kpp"
	FieldOGRN          = "ogrn"
	FieldPhone         = "phone"
	FieldEmail         = "email"
	FieldAddress       = "address"
	FieldCity          = "city"
	FieldBirthDate     = "birth_date"
	FieldContactPerson = "contact_person"
	FieldOrg           = "org"
	FieldRevenue       = "revenue"
	// FieldRevenueDate is the day a row's revenue was made (a sale, an
	// invoice): crmkit abc --from/--to ranks by the revenue of a period.
	FieldRevenueDate = "revenue_date"
	FieldSourceID    = "source_id"
	FieldComment     = "comment"
	FieldKind        = "kind"
)

// Fields lists every canonical field in the order reports show them.
var Fields = []string{
	FieldName, FieldLastName, FieldFirstName, FieldMiddleName, FieldOrgName,
	FieldLegalForm, FieldINN, FieldKPP, FieldOGRN, FieldPhone, FieldEmail,
	FieldAddress, FieldCity, FieldBirthDate, FieldContactPerson, FieldOrg,
	FieldRevenue, FieldRevenueDate, FieldSourceID, FieldComment, FieldKind,
}

// IsField reports whether name is a canonical field name.
func IsField(name string) bool {
	for _, f := range Fields {
		if f == name {
			return true
		}
	}
	return false
}
