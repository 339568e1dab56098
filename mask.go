package crmkit

import (
	"strings"
	"unicode/utf8"
)

// MaskPhone keeps the country and area code and the last two digits of a
// phone so that a person can still recognise it: "+7495*****67".
func MaskPhone(s string) string {
	r := []rune(s)
	digits := 0
	for _, c := range r {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if digits <= 4 {
		return strings.Repeat("*", len(r))
	}
	keepHead, keepTail := 4, 2
	if digits < 9 {
		keepHead = 1
	}
	seen := 0
	out := make([]rune, len(r))
	for i, c := range r {
		if c >= '0' && c <= '9' {
			seen++
			if seen > keepHead && seen <= digits-keepTail {
				c = '*'
			}
		}
		out[i] = c
	}
	return string(out)
}

// MaskEmail keeps the first letter of the mailbox and the domain:
// "i***@mail.ru".
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return MaskText(s)
	}
	first, _ := utf8.DecodeRuneInString(s)
	return string(first) + "***" + s[at:]
}

// MaskText hides a free-text value that may hold personal data, keeping its
// first letter and its length class.
func MaskText(s string) string {
	if s == "" {
		return ""
	}
	first, _ := utf8.DecodeRuneInString(s)
	return string(first) + "***"
}
