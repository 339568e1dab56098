// Command crmkit moves a company's customer base into a CRM: it reads Excel
// workbooks and text exports, cleanses phones, names, tax numbers and
// e-mails, merges duplicate customers under one stable personal ID and loads
// the result into the CRM store.
package main

import "os"

func main() { os.Exit(run()) }
