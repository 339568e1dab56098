package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

// Environment variables sit between the config file and the flags: a
// value here overrides the file, a flag overrides both.
const (
	envConfig = "CRMKIT_CONFIG" // the config file, when --config is not given
	envStore  = "CRMKIT_STORE"  // the store DSN, over the config's store:
	envRegion = "CRMKIT_REGION" // the phone region, over the config's region:
)

// defaultConfig is what crmkit uses when a config leaves everything out,
// with every default spelled out: what config init writes.
func defaultConfig() Config {
	return Config{Region: "RU", Sources: []SourceConfig{}, Dedupe: dedupe.Config{Weights: "learned"}.WithDefaults(), Store: "crmkit.db", ABC: export.DefaultABC}
}

func newConfigCmd(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Write a commented default crmkit.yaml"}
	var force bool
	initCmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a fully commented crmkit.yaml with every default (FILE, default ./crmkit.yaml; - for stdout)",
		Long: `config init writes a crmkit.yaml that names every key with its default value and
what it does, and an example source to copy. The file loads back to exactly
the defaults. It never overwrites a file unless --force.

Environment variables sit between the file and the flags: CRMKIT_CONFIG names
the config file when --config is not given, CRMKIT_STORE overrides store:,
CRMKIT_REGION overrides region:; a flag overrides both.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("name at most one file")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			path := defaultConfigFile
			if len(args) == 1 {
				path = args[0]
			}
			if path == "-" {
				_, err := io.WriteString(ios.Out, defaultConfigYAML())
				return err
			}
			if _, err := os.Stat(path); err == nil && !force {
				return usagef("%s exists: use --force to overwrite it", path)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := writeFileAtomic(path, func(w io.Writer) error {
				_, err := io.WriteString(w, defaultConfigYAML())
				return err
			}); err != nil {
				return err
			}
			fmt.Fprintf(ios.ErrOut, "wrote %s\n", path)
			return nil
		},
	}
	initCmd.Flags().BoolVar(&force, "force", false, "overwrite FILE when it exists")
	refuseJSON(initCmd, "it writes YAML (the exit code says whether the file was written)")
	cmd.AddCommand(initCmd)
	return cmd
}

// defaultConfigYAML is crmkit.yaml with every key, its default and what it
// does; the values come from defaultConfig, so the two cannot drift.
func defaultConfigYAML() string {
	c := defaultConfig()
	d := c.Dedupe
	return fmt.Sprintf(`# crmkit.yaml: written by "crmkit config init". Every key is optional;
# the values below are the defaults. Flags override this file, and the
# environment variables CRMKIT_STORE and CRMKIT_REGION sit between the two
# (CRMKIT_CONFIG names this file when --config is not given).
# Unknown keys are an error.

region: %s                      # region of phone numbers written without a country code

store: %s                # the store: a file path (SQLite), sqlite:PATH or postgres://…

# Sources: the first whose files glob matches a file's base name applies.
# A file no source matches is its own source, named after the file.
sources: []
#  - name: 1c-trade              # the source name stored with every record of these files
#    files: ["clients*.xlsx"]    # globs matched against the file's base name
#    area_code: "495"            # completes local numbers (123-45-67) in these files
#    priority: 1                 # survivorship: lower wins (default: the order here)
#    map: {"Клиент": name, "Служебное": "-"}   # header → field; "-" drops a column
#    fields: {city: Москва}      # constant fields for records that have none
#    sheet: ""                   # workbooks: a sheet name, a number from 1, or all
#    encoding: ""                # text files: utf-8, utf-16le, utf-16be, windows-1251, koi8-r, cp866, x-mac-cyrillic
#    delimiter: ""               # text files: ";", ",", tab or "|"

# Matching (see "Matching" in the README).
dedupe:
  weights: %s                # learned (estimated from the data, kept with the store) or fixed
  match_probability: %g           # learned weights: merge at this match probability or more
  review_probability: %g          # … and from this one the pair goes to review
  strong_probability: %g      # … and this one may join two groups on one link alone
  max_key_share: %d                # a phone, e-mail or name shared by more records is demoted
  keep_branches: %t             # one INN with different KPPs: separate customers
  # Hand-set weights (weights: fixed, and runs of fewer than 1,000 records):
  merge: %g                        # merge at this score or more
  review: %g                       # review from this score
  strong: %g                       # may join two groups on one link alone
  inn: %g                          # valid INNs equal
  phone: %g                        # a shared phone (each further one +1)
  demoted: %g                    # a phone or e-mail shared by too many records
  email: %g                        # a shared personal e-mail
  role_email: %g                   # a shared office e-mail (info@, sales@, …)
  name: %g                         # names equal or nearly
  initials: %g                   # "Иванов И.И." vs "Иванов Иван Иванович"
  name_differ: %g                 # clearly different names
  contacts_differ: %g             # two people whose phones and e-mails all differ
  birth_date: %g                   # equal birth dates
  city: %g                       # same city
  address: %g                    # the same address, or one holding the other's words
  address_differ: %g              # two organisations at clearly different addresses

# ABC analysis (crmkit abc, report.xlsx, the cards' abc_class): the classes'
# shares of revenue in percent; they must make 100.
abc:
  a: %g
  b: %g
  c: %g
`, c.Region, c.Store, d.Weights, d.MatchProbability, d.ReviewProbability, d.StrongProbability, d.MaxKeyShare, d.KeepBranches,
		d.Merge, d.Review, d.Strong, d.INN, d.Phone, d.Demoted, d.Email, d.RoleEmail, d.Name, d.Initials, d.NameDiffer,
		d.ContactsDiffer, d.BirthDate, d.City, d.Address, d.AddressDiffer, c.ABC.A, c.ABC.B, c.ABC.C)
}
