# Reads `go test -v ./...` and prints what `go test ./...` prints (ok, FAIL,
# build errors, the output of failing tests), plus each skipped test with
# its reason and, at the end, how many were skipped: so that a run that
# skipped the PostgreSQL or ../shared tests says so (make test).
#
# go test -v says whose output follows with "=== RUN/CONT/NAME Test…";
# each test's lines are held until its result line decides their fate.
/^=== (RUN|PAUSE|CONT|NAME) / { current = $3; next }
/^ *--- (PASS|FAIL|SKIP): / {
	name = $3
	if ($2 == "SKIP:") {
		skipped++
		print "SKIP: " name
		printf "%s", buf[name]
	} else if ($2 == "FAIL:") {
		printf "%s", buf[name]
		print
	}
	delete buf[name]
	current = ""
	next
}
/^PASS$/ { next }
/^(ok|FAIL|\?) / || /^FAIL$/ { current = ""; print; next }
{
	if (current != "") buf[current] = buf[current] $0 "\n"
	else print
}
END {
	if (skipped) printf "SKIPPED: %d tests, listed above with the reason\n", skipped
}
