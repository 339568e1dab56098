package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"path/filepath"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/importers"
	"github.com/crmkit/crmkit/importers/onec"
	"github.com/crmkit/crmkit/normalize"
	"github.com/google/uuid"
)

// flow is what reading and cleansing the input files gave.
type flow struct {
	Records  []crmkit.Record
	Problems []crmkit.Problem
	Files    []crmkit.RunFile
	Errors   int // problems of severity error

	anon *normalize.Anonymizer // fakes each record as it is read; nil: none
}

// readFiles reads, maps and cleanses every file, in order. A file that
// cannot be read stops the run: nothing of it may be half-loaded. With an
// anonymizer each record is faked as it is read, before it is cleansed:
// everything the run makes of it (keys, problems, cards) is made of fakes.
func readFiles(ctx context.Context, files []string, cfg Config, g *globalOptions, prog *progress, anon *normalize.Anonymizer) (*flow, error) {
	userMap, err := loadMap(g.mapFile)
	if err != nil {
		return nil, err
	}
	fl := &flow{anon: anon}
	memo := normalize.NewPhoneMemo(phoneMemoSize)
	for _, path := range files {
		read, opt := fileSettings(path, cfg, g, userMap, memo)
		sum, err := fileSHA256(path)
		if err != nil {
			return nil, err
		}
		opts, err := tables(path, read)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, read := range opts {
			r, err := openSource(path, read, g.includeDeleted)
			if len(opts) > 1 && errors.Is(err, importers.ErrEmpty) {
				// --sheet all: Excel's default Лист2, Лист3 are empty.
				fl.problems([]crmkit.Problem{{File: path, Code: codeSheetEmpty, Severity: crmkit.SeverityWarning,
					Message: fmt.Sprintf("sheet %q is empty: skipped", read.Sheet)}})
				continue
			}
			if err != nil {
				return nil, err
			}
			prog.start(filepath.Base(path) + " " + read.Sheet)
			err = fl.add(ctx, r, opt, prog)
			if cerr := r.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("close %s: %w", path, cerr)
			}
			if err != nil {
				return nil, err
			}
			prog.done()
			n += r.DataRows()
		}
		abs, _ := filepath.Abs(path)
		fl.Files = append(fl.Files, crmkit.RunFile{Path: path, AbsPath: abs, SHA256: sum, Records: n})
	}
	return fl, nil
}

// dropForgotten takes the records of forgotten customers out of the run,
// with the problems of their rows, and reports each as record.forgotten:
// one read of the store's tombstones, inside the run's transaction.
func (fl *flow) dropForgotten(ctx context.Context, tx export.Tx) (bool, error) {
	tombstones, err := tx.Tombstones(ctx)
	if err != nil || len(tombstones) == 0 {
		return false, err
	}
	n := len(fl.Records)
	fl.Records, fl.Problems = export.DropForgotten(tombstones, fl.Records, fl.Problems)
	if len(fl.Records) == n {
		return false, nil
	}
	fl.Errors = 0
	for _, p := range fl.Problems {
		if p.Severity == crmkit.SeverityError {
			fl.Errors++
		}
	}
	return true, nil
}

// takeRecords hands the flow's records over: the flow keeps none (an
// import keeps only their sightings, for the store).
func (fl *flow) takeRecords() []crmkit.Record {
	recs := fl.Records
	fl.Records = nil
	return recs
}

// codeSheetEmpty: with --sheet all, an empty sheet is passed over.
const codeSheetEmpty = "sheet.empty"

func (fl *flow) problems(ps []crmkit.Problem) {
	fl.Problems = append(fl.Problems, ps...)
	for _, p := range ps {
		if p.Severity == crmkit.SeverityError {
			fl.Errors++
		}
	}
}

// phoneMemoSize is how many distinct phone cells a run remembers.
const phoneMemoSize = 200_000

// readBatchSize records travel together from the reader to the cleanser.
const readBatchSize = 512

// readBatches reads the file on its own goroutine, so that decoding the
// file and cleansing its records use two cores; the small channel keeps
// memory bounded whatever the file size.
func readBatches(ctx context.Context, r source) iter.Seq2[[]importers.Row, error] {
	return func(yield func([]importers.Row, error) bool) {
		type item struct {
			batch []importers.Row
			err   error
		}
		ch := make(chan item, 4)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			defer close(ch)
			send := func(it item) bool {
				select {
				case ch <- it:
					return true
				case <-ctx.Done():
					return false
				}
			}
			batch := make([]importers.Row, 0, readBatchSize)
			for row, err := range r.Rows() {
				if err == nil {
					err = ctx.Err()
				}
				if err != nil {
					send(item{err: err})
					return
				}
				row.Cells = nil // the record holds what is needed
				if batch = append(batch, row); len(batch) == readBatchSize {
					if !send(item{batch: batch}) {
						return
					}
					batch = make([]importers.Row, 0, readBatchSize)
				}
			}
			if len(batch) > 0 {
				send(item{batch: batch})
			}
		}()
		for it := range ch {
			if !yield(it.batch, it.err) || it.err != nil {
				cancel()
				for range ch { // let the reader finish before the file is closed
				}
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// fileSettings are how one file is read and cleansed: its source from the
// config, the mapping file over it, the flags over both.
func fileSettings(path string, cfg Config, g *globalOptions, mapping mappingFile, memo *normalize.PhoneMemo) (importers.Options, normalize.Options) {
	src := cfg.sourceFor(path, g.source)
	colMap := maps.Clone(src.Map)
	if colMap == nil {
		colMap = map[string]string{}
	}
	constants := maps.Clone(src.Fields)
	if m, ok := mapping.forFile(path); ok {
		maps.Copy(colMap, m.Map)
		if constants == nil {
			constants = map[string]string{}
		}
		maps.Copy(constants, m.Fields)
		if m.Name != "" && g.source == "" {
			src.Name = m.Name
		}
		for dst, v := range map[*string]string{&src.AreaCode: m.AreaCode, &src.Sheet: m.Sheet, &src.Encoding: m.Encoding, &src.Delimiter: m.Delimiter} {
			if v != "" {
				*dst = v
			}
		}
	}
	region := cfg.Region
	for dst, v := range map[*string]string{&src.AreaCode: g.areaCode, &region: g.region, &src.Sheet: g.sheet, &src.Encoding: g.encoding, &src.Delimiter: g.delimiter} {
		if v != "" {
			*dst = v
		}
	}
	return importers.Options{Source: src.Name, Map: colMap, Constants: constants, Sheet: src.Sheet, Encoding: src.Encoding, Delimiter: src.Delimiter},
		normalize.Options{Phone: normalize.PhoneOptions{Region: region, AreaCode: src.AreaCode}, Memo: memo}
}

// source is what records are read from: a spreadsheet table or a 1C
// exchange file.
type source interface {
	Rows() iter.Seq2[importers.Row, error]
	DataRows() int
	Close() error
}

var (
	_ source = (*importers.Reader)(nil)
	_ source = (*onec.Reader)(nil)
)

// openSource opens a file with the reader its bytes call for.
func openSource(path string, read importers.Options, includeDeleted bool) (source, error) {
	format, err := importers.Detect(path)
	if err != nil {
		return nil, err
	}
	switch format {
	case importers.FormatXML, importers.FormatZipXML, importers.FormatBank:
		return onec.Open(path, onec.Options{Source: read.Source, Map: read.Map, IncludeDeleted: includeDeleted})
	}
	return importers.Open(path, read)
}

// tables opens every table of a file that the options ask for: one, or
// with --sheet all each sheet of a workbook.
func tables(path string, opt importers.Options) ([]importers.Options, error) {
	if opt.Sheet != "all" {
		return []importers.Options{opt}, nil
	}
	if format, err := importers.Detect(path); err == nil && format != importers.FormatXLSX {
		opt.Sheet = ""
		return []importers.Options{opt}, nil
	}
	sheets, err := importers.Sheets(path)
	if err != nil {
		return nil, err
	}
	out := make([]importers.Options, len(sheets))
	for i, s := range sheets {
		out[i] = opt
		out[i].Sheet = s
	}
	return out, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// decision is what dedupe made of a flow.
type decision struct {
	*dedupe.Plan
	Review       []export.ReviewRow
	Model        *dedupe.Params // a model the run estimated, for the store to keep; nil when it used the store's
	ModelRecords int            // how many records it was estimated from
	Retrained    []string       // the sources new to the store's model, for which the run estimated it anew
}

// decide matches the run's records against the store's (none into files
// only), obeying people's decisions: the store's, and those of a
// --decisions file, which win and which a store keeps from now on.
// Matching holds its own copy of each record: a caller that needs no more
// of them hands them over (takeRecords), and they go as soon as copied.
func decide(ctx context.Context, recs []crmkit.Record, idx dedupe.Index, stored []crmkit.Decision, cfg Config, decisionsFile string, prog *progress) (*decision, []crmkit.Decision, error) {
	var fromFile []crmkit.Decision
	if decisionsFile != "" {
		var err error
		if fromFile, err = export.ReadDecisions(decisionsFile); err != nil {
			return nil, nil, err
		}
	}
	d, err := resolve(ctx, idx, recs, stored, fromFile, cfg, prog)
	return d, fromFile, err
}

// resolve runs matching with the decisions in force: the new ones over
// the stored, and the records they name recomputed.
func resolve(ctx context.Context, idx dedupe.Index, recs []crmkit.Record, stored, fresh []crmkit.Decision, cfg Config, prog *progress) (*decision, error) {
	prog.phase("matching: choosing the match model")
	choice, err := chooseModel(ctx, idx, recs, cfg.Dedupe)
	if err != nil {
		return nil, err
	}
	cfg.Dedupe.Model = choice.Model
	seeds := choice.Recompute
	for _, d := range fresh {
		seeds = append(seeds, d.A, d.B)
	}
	plan, err := dedupe.Resolve(ctx, idx, dedupe.Input{Records: recs, Seeds: seeds, Decisions: dedupe.MergeDecisions(stored, fresh)},
		cfg.Dedupe, dedupe.Options{NewID: newPersonalID, Priority: cfg.priority, Progress: prog.step})
	if err != nil {
		return nil, err
	}
	d := &decision{Plan: plan, Retrained: choice.NewSources}
	if choice.Trained {
		d.Model, d.ModelRecords = choice.Model, choice.Records
	}
	for _, p := range plan.Review {
		d.Review = append(d.Review, export.ReviewRow{Score: p.Score, Explanation: p.Note + ": " + p.Explanation(),
			A: export.ViewOf(p.A), B: export.ViewOf(p.B)})
	}
	return d, nil
}

// chooseModel is dedupe.ChooseModel with the store's model, if idx is a store.
func chooseModel(ctx context.Context, idx dedupe.Index, recs []crmkit.Record, cfg dedupe.Config) (dedupe.Choice, error) {
	var stored *dedupe.Params
	if s, ok := idx.(interface {
		Model(context.Context) (*dedupe.Params, error)
	}); ok && cfg.Learned() {
		var err error
		if stored, err = s.Model(ctx); err != nil {
			return dedupe.Choice{}, err
		}
	}
	return dedupe.ChooseModel(ctx, idx, stored, recs, cfg)
}

// newPersonalID issues a UUIDv7: time-ordered, so the oldest of two IDs is
// the least, which is how a merge picks its survivor.
func newPersonalID() string {
	return uuid.Must(uuid.NewV7()).String()
}
