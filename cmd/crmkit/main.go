// Command crmkit moves a company's customer base into a CRM: it reads Excel
// workbooks and text exports, cleanses phones, names, tax numbers and
// e-mails, merges duplicate customers under one stable personal ID and loads
// the result into the CRM store.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

func main() { os.Exit(profiled(run)) }

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
