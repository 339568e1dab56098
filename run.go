package crmkit

import "time"

// Run is one recorded import: what was read, when, and what it changed.
type Run struct {
	ID           int64     `json:"id"`
	StartedAt    time.Time `json:"started_at"`
	FinishedAt   time.Time `json:"finished_at"`
	Command      string    `json:"command"` // the command line, without secrets
	Files        []RunFile `json:"files"`
	Records      int       `json:"records"`
	Problems     int       `json:"problems"`
	CardsCreated int       `json:"cards_created"`
	CardsUpdated int       `json:"cards_updated"`
	CardsMerged  int       `json:"cards_merged"` // stored cards that became aliases of another
	LinksCreated int       `json:"links_created"`
	Duplicates   int       `json:"duplicates_merged"`   // records folded into another record of the run
	UndoneBy     int64     `json:"undone_by,omitempty"` // the run that undid this one; 0 if none
}

// RunFile is one input file of a run, with its checksum so that a later
// reader can tell whether the same export was loaded twice.
type RunFile struct {
	Path string `json:"path"` // as given on the command line
	// AbsPath is Path from where the run ran: a link keeps Path, and
	// explain finds the file from anywhere through this.
	AbsPath string `json:"abs_path,omitempty"`
	SHA256  string `json:"sha256"`
	Records int    `json:"records"`
}
