package crmkit

// Decision is a person's verdict on two source records: the same customer
// (must-link) or not (cannot-link). Decisions always win over scores.
type Decision struct {
	A, B SourceKey
	Same bool
}
