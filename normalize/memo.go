package normalize

import (
	"slices"
	"sync"

	"github.com/crmkit/crmkit"
)

// PhoneMemo remembers what Phones gave for cells already seen: a customer
// base repeats its switchboards, placeholders and area-code-less numbers
// many times, and parsing is the costly part of cleansing. Safe for use by
// several goroutines; it forgets everything when it holds max cells.
type PhoneMemo struct {
	mu   sync.Mutex
	max  int
	seen map[phoneMemoKey]phoneMemoVal
}

type phoneMemoKey struct {
	raw string
	opt PhoneOptions
}

type phoneMemoVal struct {
	phones   []crmkit.Phone
	problems []crmkit.Problem
}

// NewPhoneMemo remembers up to max cells.
func NewPhoneMemo(max int) *PhoneMemo {
	return &PhoneMemo{max: max, seen: make(map[phoneMemoKey]phoneMemoVal)}
}

// Phones is Phones, remembered. The slices returned are the caller's own.
func (m *PhoneMemo) Phones(raw string, opt PhoneOptions) ([]crmkit.Phone, []crmkit.Problem) {
	if m == nil {
		return Phones(raw, opt)
	}
	k := phoneMemoKey{raw, opt}
	m.mu.Lock()
	v, ok := m.seen[k]
	m.mu.Unlock()
	if !ok {
		v.phones, v.problems = Phones(raw, opt)
		m.mu.Lock()
		if len(m.seen) >= m.max {
			clear(m.seen)
		}
		m.seen[k] = v
		m.mu.Unlock()
	}
	return slices.Clone(v.phones), slices.Clone(v.problems)
}
