package crmkit

//go:generate go run ./testdata/gen -dir testdata
