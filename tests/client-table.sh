#!/usr/bin/env bash
# The real-client suites side by side: reads a bats TAP stream (file or
# stdin) and prints, for every test named "CLIENT RUNTIME: SCENARIO" with
# CLIENT containerd or podman and RUNTIME husk or runc, one row per
# scenario with each runtime's result (ok, FAIL, skip, or - if not run),
# then a total per client and runtime. Prints nothing if there are none.
#
#   bash tests/client-table.sh bats.tap
set -u

awk '
	function cell(k) { return (k in res) ? res[k] : "-" }
	/^(ok|not ok) [0-9]+ (containerd|podman) (husk|runc): / {
		failed = ($1 == "not")
		line = $0
		sub(/^(ok|not ok) [0-9]+ /, "", line)
		skipped = (line ~ / # skip/)
		sub(/ # skip.*$/, "", line)
		client = line; sub(/ .*/, "", client)
		rt = line; sub(/^[a-z]+ /, "", rt); sub(/:.*/, "", rt)
		scen = line; sub(/^[a-z]+ [a-z]+: /, "", scen)
		key = client SUBSEP scen
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		res[key SUBSEP rt] = failed ? "FAIL" : (skipped ? "skip" : "ok")
		tot[client SUBSEP rt SUBSEP res[key SUBSEP rt]]++
		clients[client] = 1
	}
	END {
		if (n == 0) exit
		printf "\n%-10s  %-56s  %-4s  %s\n", "client", "scenario", "husk", "runc"
		for (i = 1; i <= n; i++) {
			split(order[i], p, SUBSEP)
			printf "%-10s  %-56s  %-4s  %s\n", p[1], substr(p[2], 1, 56),
				cell(order[i] SUBSEP "husk"), cell(order[i] SUBSEP "runc")
		}
		for (ci = 1; ci <= 2; ci++) {
			c = (ci == 1) ? "containerd" : "podman"
			if (!(c in clients)) continue
			for (r = 1; r <= 2; r++) {
				rt = (r == 1) ? "husk" : "runc"
				printf "%s with %s: %d ok, %d failed, %d skipped\n", c, rt,
					tot[c SUBSEP rt SUBSEP "ok"], tot[c SUBSEP rt SUBSEP "FAIL"],
					tot[c SUBSEP rt SUBSEP "skip"]
			}
		}
	}' "${1:--}"
