package main

import (
	"github.com/schollz/progressbar/v3"
)

// progress draws a spinner with a row count on stderr, and only for people:
// nil when stderr is not a terminal or --quiet is set, and then every
// method does nothing.
type progress struct {
	ios *IOStreams
	bar *progressbar.ProgressBar
}

func newProgress(ios *IOStreams, g *globalOptions) *progress {
	if !ios.ErrTTY || g.quiet {
		return nil
	}
	return &progress{ios: ios}
}

func (p *progress) start(what string) {
	if p == nil {
		return
	}
	p.bar = progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(p.ios.ErrOut),
		progressbar.OptionSetDescription("reading "+what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *progress) add(n int) {
	if p != nil && p.bar != nil {
		p.bar.Add(n)
	}
}

func (p *progress) done() {
	if p != nil && p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
