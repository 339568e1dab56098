package crmkit

import "fmt"

// Severity tells whether a problem counts against --max-errors.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is something wrong with one value of one record. Message never
// holds a full phone number or e-mail: callers mask personal data.
type Problem struct {
	File     string
	Row      int
	Field    string
	Code     string // stable, e.g. "phone.no_area_code", "inn.bad_checksum"
	Severity Severity
	Message  string
}

func (p Problem) String() string {
	loc := p.File
	if p.Row > 0 {
		loc = fmt.Sprintf("%s row %d", p.File, p.Row)
	}
	if p.Field != "" {
		loc += " " + p.Field
	}
	return fmt.Sprintf("%s: %s: %s", loc, p.Code, p.Message)
}
