package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

// globalOptions are the flags every command shares.
type globalOptions struct {
	configPath     string
	region         string
	areaCode       string
	source         string
	mapFile        string
	format         string
	quiet          bool
	maxErrors      int
	sheet          string
	encoding       string
	delimiter      string
	includeDeleted bool
	raw            bool
	showPII        bool
}

// csvFormat is the CSV format of this run's outputs: safe to open in Excel
// unless --raw.
func (g *globalOptions) csvFormat(format string) string {
	if format == export.FormatCSV && g.raw {
		return export.FormatCSVRaw
	}
	return format
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return execute(ctx, systemIO(), os.Args[1:])
}

// execute runs one command line and returns its exit code; errors are
// printed once, here, with DSN passwords hidden.
func execute(ctx context.Context, ios *IOStreams, args []string) int {
	root := newRootCmd(ios)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("interrupted, nothing committed: %w", ctx.Err())
		}
		fmt.Fprintln(ios.ErrOut, "crmkit: "+redact(err.Error()))
	}
	return exitCode(err)
}

const exitCodesHelp = `
Exit codes:
  0    success
  1    failure: nothing was committed
  2    usage error: bad flags, arguments or configuration
  3    finished, but --max-errors was exceeded: nothing was committed
  130  interrupted (Ctrl-C, SIGTERM): the run was rolled back
`

func newRootCmd(ios *IOStreams) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "crmkit",
		Short: "Move a customer base into a CRM: read, cleanse, deduplicate, load",
		Long: `crmkit reads Excel workbooks and text exports, cleanses phones (E.164), tax
numbers and e-mails, merges duplicate customers under one stable personal ID
and loads the result into the CRM store (an SQLite file by default, or
PostgreSQL).` + "\n" + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := root.PersistentFlags()
	f.StringVar(&g.configPath, "config", "", "config file (default: ./crmkit.yaml when present)")
	f.StringVar(&g.region, "region", "", "region of numbers written without a country code (default RU)")
	f.StringVar(&g.areaCode, "area-code", "", "area code that completes local phone numbers, e.g. 495")
	f.StringVar(&g.source, "source", "", "source system name stored with every link (default: per config, else the file name)")
	f.StringVar(&g.mapFile, "map", "", "YAML file mapping column headers to fields")
	f.StringVar(&g.format, "format", "text", "output format: text or json")
	f.BoolVarP(&g.quiet, "quiet", "q", false, "print nothing but errors and the requested output")
	f.StringVar(&g.sheet, "sheet", "", "workbook sheet: a name, a number from 1, or all (default: the first visible)")
	f.StringVar(&g.encoding, "encoding", "", "text files: utf-8, utf-16le, utf-16be, windows-1251, koi8-r, cp866 or x-mac-cyrillic (default: detected)")
	f.StringVar(&g.delimiter, "delimiter", "", `text files: ";", ",", tab or "|" (default: detected)`)
	f.BoolVar(&g.raw, "raw", false, "CSV output: every cell as it is (for machines), without the ' before a cell Excel would run as a formula")
	f.BoolVar(&g.showPII, "show-pii", false, "report.xlsx and abc: show people's names, phones, e-mails, INNs and addresses as they are (default: masked)")
	f.BoolVar(&g.includeDeleted, "include-deleted", false, "1C files: read objects marked for deletion too (they are counted either way)")
	f.IntVar(&g.maxErrors, "max-errors", -1, "fail with exit code 3, committing nothing, when the input has more errors than this (-1: no limit)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := g.check(); err != nil {
			return err
		}
		return checkJSON(cmd, g.format)
	}
	root.AddCommand(
		newInspectCmd(ios, g),
		newImportCmd(ios, g),
		newDedupeCmd(ios, g),
		newNormalizeCmd(ios, g),
		newAnonymizeCmd(ios, g),
		newExportCmd(ios, g),
		newEvalCmd(ios, g),
		newReviewCmd(ios, g),
		newExplainCmd(ios, g),
		newRunsCmd(ios, g),
		newForgetCmd(ios, g),
		newTrainCmd(ios, g),
		newABCCmd(ios, g),
		newConfigCmd(ios),
		newPhonesCmd(ios, g),
		newVersionCmd(ios, g),
	)
	// Cobra adds help and completion when it runs; added now, they are
	// part of the tree that groupCommands and the --format json rule see.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			refuseJSON(c, "help is text")
		case "completion":
			refuseJSON(c, "it prints a shell script")
			for _, shell := range c.Commands() {
				refuseJSON(shell, "it prints a shell script")
			}
		}
	}
	groupCommands(root, g)
	return root
}

// needFiles is cobra.MinimumNArgs(1) as a usage error.
func needFiles(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usagef("name at least one input file")
	}
	return nil
}

// exactArgs is cobra.ExactArgs as a usage error that says what to name.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s", what)
		}
		return nil
	}
}

func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

func newVersionCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: `Print the version (--format json: {"version"})`,
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if g.format == "json" {
				return writeJSON(ios.Out, struct {
					Version string `json:"version"`
				}{version})
			}
			_, err := fmt.Fprintln(ios.Out, "crmkit", version)
			return err
		},
	}
}
