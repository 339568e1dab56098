package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/importers"
	"gopkg.in/yaml.v3"
)

// defaultConfigFile is looked for in the working directory.
const defaultConfigFile = "crmkit.yaml"

// Config is the crmkit.yaml file.
type Config struct {
	Region  string         `yaml:"region"`
	Sources []SourceConfig `yaml:"sources"`
	Dedupe  dedupe.Config  `yaml:"dedupe"`
	Store   string         `yaml:"store"`
	// ABC are the shares of revenue of the classes A, B and C, in percent.
	ABC export.ABCThresholds `yaml:"abc"`
}

// SourceConfig holds the settings of one source system; it applies to the
// files whose base name matches one of its globs.
type SourceConfig struct {
	Name      string            `yaml:"name"`
	Files     []string          `yaml:"files"`
	AreaCode  string            `yaml:"area_code"`
	Priority  int               `yaml:"priority"`
	Map       map[string]string `yaml:"map"`
	Fields    map[string]string `yaml:"fields"` // constant fields for every record: kind, city, …
	Sheet     string            `yaml:"sheet"`
	Encoding  string            `yaml:"encoding"`
	Delimiter string            `yaml:"delimiter"`
}

// loadConfig reads path, or crmkit.yaml in the working directory when path
// is empty and the file exists.
func loadConfig(path string) (Config, error) {
	var cfg Config
	if path == "" {
		path = os.Getenv(envConfig)
	}
	explicit := path != ""
	if !explicit {
		path = defaultConfigFile
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return cfg, cfg.fromEnv()
	}
	if err != nil {
		return cfg, usagef("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return cfg, usagef("config %s: %s", path, unknownKeys.ReplaceAllString(err.Error(), `unknown key "$1"`))
	}
	for i, s := range cfg.Sources {
		if s.Name == "" {
			return cfg, usagef("config %s: source %d has no name", path, i+1)
		}
		for _, g := range s.Files {
			if _, err := filepath.Match(g, ""); err != nil {
				return cfg, usagef("config %s: source %s: bad glob %q", path, s.Name, g)
			}
		}
		if err := checkSource(s); err != nil {
			return cfg, usagef("config %s: %v", path, err)
		}
	}
	if err := checkRegion(cfg.Region); err != nil {
		return cfg, usagef("config %s: region: %v", path, err)
	}
	if err := cfg.Dedupe.Check(); err != nil {
		return cfg, usagef("config %s: dedupe: %v", path, err)
	}
	if err := cfg.ABC.Check(); err != nil {
		return cfg, usagef("config %s: abc: %v", path, err)
	}
	return cfg, cfg.fromEnv()
}

// unknownKeys is yaml.v3's KnownFields message, which names Go types.
var unknownKeys = regexp.MustCompile(`field (\S+) not found in type \S+`)

// fromEnv lets CRMKIT_STORE and CRMKIT_REGION override the file (flags
// override both, where they are read).
func (c *Config) fromEnv() error {
	if v := os.Getenv(envStore); v != "" {
		c.Store = v
	}
	if v := os.Getenv(envRegion); v != "" {
		if err := checkRegion(v); err != nil {
			return usagef("%s: %v", envRegion, err)
		}
		c.Region = v
	}
	return nil
}

// mappingFile is a --map file: either a plain map of header → field for
// every file, or per file pattern, sources as in the config file.
type mappingFile struct {
	Columns map[string]string
	Sources []SourceConfig
}

// loadMap reads a --map file.
func loadMap(path string) (mappingFile, error) {
	var m mappingFile
	if path == "" {
		return m, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return m, usagef("read mapping: %w", err)
	}
	var probe map[string]any
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return m, usagef("mapping %s: %v", path, err)
	}
	if _, ok := probe["sources"]; ok {
		var doc struct {
			Sources []SourceConfig `yaml:"sources"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&doc); err != nil {
			return m, usagef("mapping %s: %v", path, err)
		}
		for _, s := range doc.Sources {
			if err := checkSource(s); err != nil {
				return m, usagef("mapping %s: %v", path, err)
			}
		}
		m.Sources = doc.Sources
		return m, nil
	}
	if err := yaml.Unmarshal(data, &m.Columns); err != nil {
		return m, usagef("mapping %s: a map of column header to field, or sources: %v", path, err)
	}
	if err := checkMap(m.Columns); err != nil {
		return m, usagef("mapping %s: %v", path, err)
	}
	return m, nil
}

// forFile is what the mapping says of one file: the columns of its first
// matching pattern over the plain map.
func (m mappingFile) forFile(path string) (SourceConfig, bool) {
	base := filepath.Base(path)
	for _, s := range m.Sources {
		for _, g := range s.Files {
			if ok, _ := filepath.Match(g, base); ok {
				return s, true
			}
		}
	}
	return SourceConfig{Map: m.Columns}, len(m.Columns) > 0
}

func checkSource(s SourceConfig) error {
	for _, g := range s.Files {
		if _, err := filepath.Match(g, ""); err != nil {
			return fmt.Errorf("source %s: bad glob %q", s.Name, g)
		}
	}
	if err := checkMap(s.Map); err != nil {
		return fmt.Errorf("source %s: %v", s.Name, err)
	}
	if err := checkAreaCode(s.AreaCode); err != nil {
		return fmt.Errorf("source %s: area_code: %v", s.Name, err)
	}
	if s.Encoding != "" {
		if err := importers.CheckEncoding(s.Encoding); err != nil {
			return fmt.Errorf("source %s: encoding: %v", s.Name, err)
		}
	}
	if s.Delimiter != "" {
		if err := importers.CheckDelimiter(s.Delimiter); err != nil {
			return fmt.Errorf("source %s: delimiter: %v", s.Name, err)
		}
	}
	for f := range s.Fields {
		if !crmkit.IsField(f) {
			return fmt.Errorf("source %s: unknown constant field %q", s.Name, f)
		}
	}
	return nil
}

func checkMap(m map[string]string) error {
	for h, f := range m {
		if f != importers.Skip && !crmkit.IsField(f) {
			return fmt.Errorf("column %q maps to unknown field %q (fields: %s, or %q to skip)", h, f, strings.Join(crmkit.Fields, ", "), importers.Skip)
		}
	}
	return nil
}

// sourceFor is the source whose globs match the file, else one named after
// the flag or the file.
func (c Config) sourceFor(path, flagSource string) SourceConfig {
	base := filepath.Base(path)
	for _, s := range c.Sources {
		for _, g := range s.Files {
			if ok, _ := filepath.Match(g, base); ok {
				if flagSource != "" {
					s.Name = flagSource
				}
				return s
			}
		}
	}
	name := flagSource
	if name == "" {
		name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	return SourceConfig{Name: name, Priority: 1 << 20}
}

// priority of a source name for survivorship: configured order, lower wins.
func (c Config) priority(source string) int {
	for i, s := range c.Sources {
		if s.Name == source {
			if s.Priority != 0 {
				return s.Priority
			}
			return i + 1
		}
	}
	return 1 << 20
}
