package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is where every command reads and writes. Nothing below main
// touches os.Stdout; tests pass buffers and say whether stderr is a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ErrTTY: stderr is a terminal, so a person is watching and progress
	// bars may be drawn.
	ErrTTY bool
}

func systemIO() *IOStreams {
	return &IOStreams{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
}
