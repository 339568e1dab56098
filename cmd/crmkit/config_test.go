package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestConfigInitLoadsBackToDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmkit.yaml")
	if r := runCLI(t, "", "config", "init", path); r.code != 0 {
		t.Fatalf("config init: exit %d: %s", r.code, r.errOut)
	}
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatalf("load the written config: %v", err)
	}
	if want := defaultConfig(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("loaded %+v\nwant    %+v", cfg, want)
	}
	// Every key of the defaults is written and explained.
	data, _ := os.ReadFile(path)
	for _, key := range []string{"region:", "store:", "sources:", "match_probability:", "max_key_share:", "contacts_differ:", "abc:", "  a: 80"} {
		if !strings.Contains(string(data), key) {
			t.Errorf("config init: no %q", key)
		}
	}
	if r := runCLI(t, "", "config", "init", path); r.code != 2 {
		t.Errorf("config init over an existing file: exit %d, want 2", r.code)
	}
	if r := runCLI(t, "", "config", "init", "--force", path); r.code != 0 {
		t.Errorf("config init --force: exit %d: %s", r.code, r.errOut)
	}
}

func TestConfigUnknownKeyNamesKeyAndLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmkit.yaml")
	os.WriteFile(path, []byte("region: RU\nsources:\n  - name: a\n    fles: [\"*.csv\"]\n"), 0o644)
	r := runCLI(t, "", "abc", "--config", path, "--store", filepath.Join(t.TempDir(), "none.db"))
	if r.code != 2 || !strings.Contains(r.errOut, `line 4: unknown key "fles"`) {
		t.Errorf("exit %d, %q: want 2 and the key with its line", r.code, r.errOut)
	}
	os.WriteFile(path, []byte("abc: {a: 70, b: 20, c: 5}\n"), 0o644)
	if r := runCLI(t, "", "abc", "--config", path); r.code != 2 || !strings.Contains(r.errOut, "must make 100") {
		t.Errorf("abc thresholds that do not make 100: exit %d, %q", r.code, r.errOut)
	}
}

func TestEnvironmentBetweenFileAndFlags(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "crmkit.yaml")
	os.WriteFile(cfgPath, []byte("store: "+filepath.Join(dir, "file.db")+"\n"), 0o644)
	t.Setenv(envConfig, cfgPath)
	cfg, err := loadConfig("")
	if err != nil || cfg.Store != filepath.Join(dir, "file.db") {
		t.Fatalf("CRMKIT_CONFIG: store %q, %v", cfg.Store, err)
	}
	t.Setenv(envStore, filepath.Join(dir, "env.db"))
	t.Setenv(envRegion, "KZ")
	cfg, err = loadConfig("")
	if err != nil || cfg.Store != filepath.Join(dir, "env.db") || cfg.Region != "KZ" {
		t.Fatalf("CRMKIT_STORE/REGION over the file: %+v, %v", cfg, err)
	}
	if got := (storeOptions{dsn: filepath.Join(dir, "flag.db")}).resolve(cfg); got != filepath.Join(dir, "flag.db") {
		t.Errorf("--store over CRMKIT_STORE: %q", got)
	}
	// A reader on the environment's store that does not exist says so.
	if r := runCLI(t, "", "abc"); r.code != 1 || !strings.Contains(r.errOut, "env.db") {
		t.Errorf("abc on CRMKIT_STORE: exit %d: %s", r.code, r.errOut)
	}
	t.Setenv(envRegion, "ZZ")
	if _, err := loadConfig(""); err == nil || exitCode(err) != 2 {
		t.Errorf("CRMKIT_REGION=ZZ: %v, want a usage error", err)
	}
}

func TestCompletion(t *testing.T) {
	for shell, mark := range map[string]string{"bash": "bash completion", "zsh": "#compdef crmkit", "fish": "fish completion", "powershell": "powershell completion"} {
		r := runCLI(t, "", "completion", shell)
		if r.code != 0 || !strings.Contains(r.out, mark) {
			t.Errorf("completion %s: exit %d, %.80q", shell, r.code, r.out)
		}
	}
}
