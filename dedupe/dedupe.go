// Package dedupe decides which records describe the same customer and gives
// each customer one stable personal ID. It knows nothing of files or of the
// store engine: what it needs of stored records it asks through Index.
//
// Records are the truth: a customer is a cluster of source records, and its
// card is built from all of them. A run (Resolve) recomputes the match
// components its records touch with the rules of match, so that any
// sequence of runs ends with the customers one run over all the records
// would make.
package dedupe
