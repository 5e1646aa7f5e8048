#!/usr/bin/env bash
# One billing meter tick over BENCH_METER_VMS billable VMs on SQLite (default 100,000, 10 per user), with the ledger
# checked afterwards: every user's ledger rows chain to the balance, every balance equals the credit minus the
# exact charge, and a tick repeated at the same time charges nothing. bench/meter_exactness_bench does the work
# through the billing module's Meter on a fresh SQLite database; this script runs it BENCH_RUNS times.
# BENCH_METER_LATER_TICKS more ticks (default 5) follow the timed one; their times show whether a tick grows with
# the tables. The VMs were created over the hour before, so each tick starts new hourly usage rows for a sixtieth of
# them. Last, the tool times the tick after an hour the meter missed, where every VM starts a new usage row.
# Target: the timed tick under 1 s with the ledger exact.
# BENCH_METER_POSTGRES set to a libpq connection string runs the tool on that PostgreSQL database instead. The tool
# drops and recreates the schema public first, so use a throwaway cluster (scripts/postgres.sh start DIR PORT).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

VMS=${BENCH_METER_VMS:-100000}
PER_USER=${BENCH_METER_VMS_PER_USER:-10}
LATER=${BENCH_METER_LATER_TICKS:-5}
TOOL=$BUILD_DIR/bench/bin/meter_exactness_bench

bench_init meter
results=$(result_file meter)
if [ ! -x "$TOOL" ]; then
	log "skipped: $TOOL is not built"
	printf '### Billing meter tick\n\nSkipped: meter_exactness_bench is not built.\n' >"$results"
	cat "$results"
	exit 0
fi

rows=()
walls=()
for round in $(seq 1 "$BENCH_RUNS"); do
	# The tool keeps its database in a temporary folder of its own, under TMPDIR.
	report=$(TMPDIR=$BENCH_TMP timeout 600 "$TOOL" "$VMS" "$PER_USER" "$LATER" | sed -n 's/^METER_JSON //p') || true
	[ -n "$report" ] || die "meter_exactness_bench produced no report"
	log "round $round: $report"
	walls+=("$(json_field "$report" tick_wall_ms)")
	rows+=("$(python3 - "$round" "$report" <<-'PY'
	import json, sys
	r = json.loads(sys.argv[2])
	ok = r["tick_wall_ms"] < 1000 and r["exact"]
	later = ", ".join(str(ms) for ms in r.get("later_tick_wall_ms", []))
	print("| %s | %d | %d | %.0f | %.0f | %s | %.0f | %d | %.2f | %s | %s |" % (sys.argv[1], r["vms"], r["users"], r["tick_wall_ms"],
	    r["tick_cpu_ms"], later, r["after_gap_tick_wall_ms"], r["usage_rows"], r["charged_micros"] / 1e6, "exact" if r["exact"] else "NOT exact (%d users)" % r["inexact_users"],
	    "met" if ok else "missed"))
	PY
	)")
done

{
	echo "### Billing meter tick"
	echo
	machine_summary
	echo "- bench/meter_exactness_bench $VMS $PER_USER $LATER: SQLite, 1 GPU + 50 GB per VM, the second (steady-state) tick is timed;" \
		"median wall time $(median "${walls[@]}") ms over $BENCH_RUNS runs"
	echo
	echo "| Run | VMs | Users | Tick wall ms | Tick CPU ms | Later ticks wall ms | Tick after a missed hour ms | Usage rows written | Charged USD | Ledger | Outcome |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$results"
cat "$results"
