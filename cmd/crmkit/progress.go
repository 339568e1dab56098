package main

import (
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress draws on stderr what a run is doing, and only for people: nil
// when stderr is not a terminal or --quiet is set, and then every method
// does nothing. Reading shows a row count and rate; the phases after it
// (matching and its steps, writing, committing) a spinner with the step
// and the time it has taken, so that a long step is never silence.
//
// With CRMKIT_TRACE_SQL set (a developer's look at where a slow run spends
// its time, beside the slow statements export.TraceSQL prints), each file,
// phase and step is also written to stderr as a line with the seconds
// since the run began, terminal or not; the bars stay for terminals.
type progress struct {
	ios   *IOStreams
	bar   *progressbar.ProgressBar
	bars  bool      // draw bars: stderr is a terminal and --quiet is off
	began time.Time // when tracing: the run's start; zero otherwise
}

func newProgress(ios *IOStreams, g *globalOptions) *progress {
	p := &progress{ios: ios, bars: ios.ErrTTY && !g.quiet}
	if os.Getenv("CRMKIT_TRACE_SQL") != "" {
		p.began = time.Now()
	}
	if !p.bars && p.began.IsZero() {
		return nil
	}
	return p
}

// trace writes one line of the phase trace.
func (p *progress) trace(what string) {
	if p != nil && !p.began.IsZero() {
		fmt.Fprintf(p.ios.ErrOut, "crmkit: at %7.2f s %s\n", time.Since(p.began).Seconds(), what)
	}
}

// start begins reading a file: a count of rows and their rate.
func (p *progress) start(what string) {
	if p == nil {
		return
	}
	p.done()
	p.trace("reading " + what)
	if !p.bars {
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
	p.trace(fmt.Sprintf(format, args...))
	if !p.bars {
		return
	}
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
	if p == nil {
		return
	}
	p.trace(what)
	if p.bar == nil {
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
