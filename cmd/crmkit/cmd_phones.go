package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
	"golang.org/x/text/transform"
)

func newPhonesCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "phones",
		Short: "Normalise phone cells from standard input to CSV raw,e164,extension,problem",
		Long: `phones reads one raw phone cell per line from standard input and writes CSV
with one row per number found: raw,e164,extension,problem. A line with no
number (an empty line too) gives one row with an empty e164 and the problem
code; a number that was rejected (too short, invalid, no area code) gives a
row of its own. The input's encoding is detected as the importer detects a
text file's (Windows-1251, UTF-16, …) unless --encoding names it.
--format json prints one JSON array of {"raw", "e164", "extension",
"problem"} objects instead.`,
		Example: `  printf '8 (495) 123-45-67 доб. 12\n123-45-67\n' | crmkit phones --area-code 495`,
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			in, err := decodedInput(ios.In, g.encoding)
			if err != nil {
				return err
			}
			return runPhones(in, ios.Out, g.format, normalize.PhoneOptions{Region: g.region, AreaCode: g.areaCode})
		},
	}
}

// decodedInput reads standard input as UTF-8: from the encoding named, or
// the one the importer detects in its first 64 KiB.
func decodedInput(in io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReaderSize(in, 64<<10)
	sample, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	bom := 0
	if name == "" {
		name, bom, _ = importers.DetectEncoding(sample)
	}
	br.Discard(bom)
	if dec := importers.Decoder(name); dec != nil {
		return transform.NewReader(br, dec), nil
	}
	return br, nil
}

// phoneRow is one output row.
type phoneRow struct {
	Raw       string `json:"raw"`
	E164      string `json:"e164"`
	Extension string `json:"extension"`
	Problem   string `json:"problem"`
}

func runPhones(in io.Reader, out io.Writer, format string, opt normalize.PhoneOptions) error {
	write, finish := phonesWriter(out, format)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimRight(sc.Text(), "\r")
		phones, problems := normalize.Phones(raw, opt)
		for _, p := range phones {
			write(phoneRow{raw, p.E164, p.Extension, p.Problem})
		}
		for _, p := range problems {
			if p.Severity == crmkit.SeverityError || len(phones) == 0 {
				write(phoneRow{raw, "", "", p.Code})
			}
		}
		if len(phones) == 0 && len(problems) == 0 {
			// An empty line holds no number; it still gets its row, so
			// that output rows line up with input lines.
			write(phoneRow{raw, "", "", normalize.PhoneNoNumber})
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	return finish()
}

// phonesWriter writes rows as CSV, or as one JSON array streamed a row at
// a time.
func phonesWriter(out io.Writer, format string) (write func(phoneRow), finish func() error) {
	if format == "json" {
		bw := bufio.NewWriter(out)
		n := 0
		var err error
		write = func(r phoneRow) {
			sep := ",\n  "
			if n == 0 {
				sep = "[\n  "
			}
			n++
			js, e := json.Marshal(r)
			if err == nil {
				err = e
			}
			bw.WriteString(sep)
			bw.Write(js)
		}
		finish = func() error {
			if n == 0 {
				bw.WriteString("[")
			}
			bw.WriteString("\n]\n")
			if err != nil {
				return err
			}
			return bw.Flush()
		}
		return write, finish
	}
	w := csv.NewWriter(out)
	w.Write([]string{"raw", "e164", "extension", "problem"})
	return func(r phoneRow) { w.Write([]string{r.Raw, r.E164, r.Extension, r.Problem}) },
		func() error { w.Flush(); return w.Error() }
}
