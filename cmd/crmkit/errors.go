package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Exit codes; scripts rely on them (README "Exit codes").
const (
	exitOK          = 0
	exitFailure     = 1   // nothing committed
	exitUsage       = 2   // bad flags or arguments
	exitMaxErrors   = 3   // finished, but --max-errors exceeded: nothing committed
	exitInterrupted = 130 // Ctrl-C or SIGTERM: the run rolled back
)

// usageError marks a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// errMaxErrors: the input had more errors than the user allows.
var errMaxErrors = errors.New("too many errors in the input")

// exitCode is the one place that maps errors to exit codes.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ue), strings.HasPrefix(err.Error(), "unknown command"):
		return exitUsage
	case errors.Is(err, errMaxErrors):
		return exitMaxErrors
	}
	return exitFailure
}

var (
	urlPassword = regexp.MustCompile(`(\w+://[^:/@\s]*:)[^@\s]*@`)
	kvPassword  = regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|\S+)`)
)

// redact hides DSN passwords in anything printed.
func redact(s string) string {
	s = urlPassword.ReplaceAllString(s, "${1}xxxxx@")
	return kvPassword.ReplaceAllString(s, "${1}xxxxx")
}
