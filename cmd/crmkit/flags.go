package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/crmkit/crmkit/importers"
	"github.com/nyaruka/phonenumbers"
)

// check validates the global flags before any work: a bad value is a usage
// error (exit 2), never a run that commits data read the wrong way.
func (g *globalOptions) check() error {
	if g.format != "text" && g.format != "json" {
		return usagef("--format must be text or json, not %q", g.format)
	}
	if err := checkRegion(g.region); err != nil {
		return usagef("--region: %v", err)
	}
	if err := checkAreaCode(g.areaCode); err != nil {
		return usagef("--area-code: %v", err)
	}
	if g.encoding != "" {
		if err := importers.CheckEncoding(g.encoding); err != nil {
			return usagef("--encoding: %v", err)
		}
	}
	if g.delimiter != "" {
		if err := importers.CheckDelimiter(g.delimiter); err != nil {
			return usagef("--delimiter: %v", err)
		}
	}
	for flag, path := range map[string]string{"--config": g.configPath, "--map": g.mapFile} {
		if path == "" {
			continue
		}
		if err := checkReadable(path); err != nil {
			return usagef("%s: %v", flag, err)
		}
	}
	return nil
}

// checkRegion: a region phonenumbers has metadata for ("" is the default, RU).
func checkRegion(region string) error {
	if region == "" || phonenumbers.GetSupportedRegions()[strings.ToUpper(region)] {
		return nil
	}
	return fmt.Errorf("unknown region %q: a two-letter ISO code phone numbers are known for, such as RU, KZ, BY", region)
}

// areaCode is what completes a local number: 1 to 5 digits ("495", "8162",
// "48439"), parentheses allowed as people write them.
var areaCode = regexp.MustCompile(`^\(?[0-9]{1,5}\)?$`)

func checkAreaCode(code string) error {
	if code == "" || areaCode.MatchString(strings.TrimSpace(code)) {
		return nil
	}
	return fmt.Errorf("%q is not an area code: 1 to 5 digits, such as 495", code)
}

// checkReadable: a file the user named exists and is a file.
func checkReadable(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case err != nil:
		return err
	case st.IsDir():
		return fmt.Errorf("%s is a directory", path)
	}
	return nil
}
