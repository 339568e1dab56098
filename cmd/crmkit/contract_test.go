package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A bad flag or config value is a usage error (exit 2) found before any
// work: no store is created, nothing is read.
func TestBadValuesAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	writeConfig := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zz := writeConfig("zz.yaml", "region: ZZ\n")
	area := writeConfig("area.yaml", "sources:\n  - name: crm\n    files: [\"*.csv\"]\n    area_code: abc\n")
	latin := writeConfig("latin.yaml", "sources:\n  - name: crm\n    files: [\"*.csv\"]\n    encoding: latin1\n")
	colon := writeConfig("colon.yaml", "sources:\n  - name: crm\n    files: [\"*.csv\"]\n    delimiter: \":\"\n")
	missing := filepath.Join(dir, "missing.yaml")
	for _, tc := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{"--delimiter", ":"}, "--delimiter"},
		{[]string{"--encoding", "latin1"}, "--encoding"},
		{[]string{"--config", missing}, "missing.yaml"},
		{[]string{"--map", missing}, "missing.yaml"},
		{[]string{"--map", dir}, "directory"},
		{[]string{"--region", "ZZ"}, "--region"},
		{[]string{"--area-code", "abc"}, "--area-code"},
		{[]string{"--area-code", "4951234"}, "--area-code"},
		{[]string{"--config", zz}, "region"},
		{[]string{"--config", area}, "area_code"},
		{[]string{"--config", latin}, "encoding"},
		{[]string{"--config", colon}, "delimiter"},
	} {
		store := filepath.Join(t.TempDir(), "crmkit.db")
		args := append(append([]string{"import", "--store", store}, tc.args...), sampleFiles...)
		r := runCLI(t, "", args...)
		if r.code != exitUsage || !strings.Contains(r.errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming %q", tc.args, r.code, r.errOut, exitUsage, tc.want)
		}
		if _, err := os.Stat(store); err == nil {
			t.Errorf("%v: the store was created", tc.args)
		}
	}
	// phones takes the same values.
	for _, args := range [][]string{{"phones", "--region", "ZZ"}, {"phones", "--area-code", "abc"}, {"phones", "--encoding", "latin1"}} {
		if r := runCLI(t, "8 916 123-45-67\n", args...); r.code != exitUsage || r.out != "" {
			t.Errorf("%v: exit %d, out %q", args, r.code, r.out)
		}
	}
	// Good values in any case pass.
	r := runCLI(t, "8 916 123-45-67\n", "phones", "--region", "kz", "--area-code", "(727)", "--encoding", "UTF-8", "--delimiter", "TAB")
	if r.code != 0 {
		t.Errorf("good values: exit %d: %s", r.code, r.errOut)
	}
}
