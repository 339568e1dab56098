// Command crmkit moves a company's customer base into a CRM: it reads Excel
// workbooks and text exports, cleanses phones, names, tax numbers and
// e-mails, merges duplicate customers under one stable personal ID and loads
// the result into the CRM store.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

func main() { os.Exit(memProfiled(func() int { return profiled(run) })) }

// profiled writes a CPU profile of the command to $CRMKIT_CPUPROFILE when
// set: how the time of a slow run is found (go tool pprof).
func profiled(run func() int) int {
	path := os.Getenv("CRMKIT_CPUPROFILE")
	if path == "" {
		return run()
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "crmkit: CRMKIT_CPUPROFILE: %v\n", err)
		return run()
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "crmkit: CRMKIT_CPUPROFILE: %v\n", err)
		return run()
	}
	defer pprof.StopCPUProfile()
	return run()
}

// memProfiled writes to $CRMKIT_MEMPROFILE, when set, a heap profile taken
// when the live heap was at its highest: what a run holds at its peak
// (go tool pprof -sample_index=inuse_space). The heap is looked at every
// 200 ms, and the profile written again whenever it grew by a tenth.
func memProfiled(run func() int) int {
	path := os.Getenv("CRMKIT_MEMPROFILE")
	if path == "" {
		return run()
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var peak uint64
	write := func() {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "crmkit: CRMKIT_MEMPROFILE: %v\n", err)
			return
		}
		defer f.Close()
		runtime.GC() // the profile's in-use figures are those of the last collection
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			fmt.Fprintf(os.Stderr, "crmkit: CRMKIT_MEMPROFILE: %v\n", err)
		}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if live := sample[0].Value.Uint64(); live > peak+peak/10 {
				peak = live
				write()
			}
		}
	}()
	code := run()
	close(done)
	<-stopped
	fmt.Fprintf(os.Stderr, "crmkit: CRMKIT_MEMPROFILE: live heap peaked near %d MB (%s)\n", peak>>20, path)
	return code
}
