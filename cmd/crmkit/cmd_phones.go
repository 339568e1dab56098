package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
)

func newPhonesCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "phones",
		Short: "Normalise phone cells from standard input to CSV raw,e164,extension,problem",
		Long: `phones reads one raw phone cell per line from standard input and writes CSV
with one row per number found: raw,e164,extension,problem. A line with no
number gives one row with an empty e164 and the problem code; a number that
was rejected (too short, invalid, no area code) gives a row of its own.`,
		Example: `  printf '8 (495) 123-45-67 доб. 12\n123-45-67\n' | crmkit phones --area-code 495`,
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			return runPhones(ios.In, ios.Out, normalize.PhoneOptions{Region: g.region, AreaCode: g.areaCode})
		},
	}
}

func runPhones(in io.Reader, out io.Writer, opt normalize.PhoneOptions) error {
	w := csv.NewWriter(out)
	w.Write([]string{"raw", "e164", "extension", "problem"})
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimRight(sc.Text(), "\r")
		phones, problems := normalize.Phones(raw, opt)
		for _, p := range phones {
			w.Write([]string{raw, p.E164, p.Extension, p.Problem})
		}
		for _, p := range problems {
			if p.Severity == crmkit.SeverityError || len(phones) == 0 {
				w.Write([]string{raw, "", "", p.Code})
			}
		}
		if len(phones) == 0 && len(problems) == 0 {
			w.Write([]string{raw, "", "", ""}) // an empty line
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	w.Flush()
	return w.Error()
}
