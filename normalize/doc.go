// Package normalize turns messy values from customer files into clean values,
// match keys and Problems. Every function here is pure: no I/O, no global
// state, the same input always gives the same output.
package normalize
