package main

import (
	"fmt"

	"github.com/schollz/progressbar/v3"
)

// progress draws on stderr what a run is doing, and only for people: nil
// when stderr is not a terminal or --quiet is set, and then every method
// does nothing. Reading shows a row count and rate; the phases after it
// (matching and its steps, writing, committing) a spinner with the step
// and the time it has taken, so that a long step is never silence.
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

// start begins reading a file: a count of rows and their rate.
func (p *progress) start(what string) {
	if p == nil {
		return
	}
	p.done()
	p.bar = progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(p.ios.ErrOut),
		progressbar.OptionSetDescription("reading "+what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
	// Started now, not at the first batch: a rate over the first batch's
	// own microseconds said millions of rows a second.
	p.bar.RenderBlank()
}

func (p *progress) add(n int) {
	if p != nil && p.bar != nil {
		p.bar.Add(n)
	}
}

// phase begins a phase of the run that has no count: a spinner with its
// name and the time since it began, kept turning while the phase works.
func (p *progress) phase(format string, args ...any) {
	if p == nil {
		return
	}
	p.done()
	p.bar = progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(p.ios.ErrOut),
		progressbar.OptionSetDescription(fmt.Sprintf(format, args...)),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
	p.bar.RenderBlank()
}

// step names the current step of a phase (dedupe.Options.Progress).
func (p *progress) step(what string) {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Describe(what)
	p.bar.RenderBlank() // shown at once; the spinner keeps turning by itself
}

func (p *progress) done() {
	if p != nil && p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
