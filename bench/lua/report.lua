-- Prints wrk's summary as one JSON line that bench/lib.sh reads: request count, rate, latency percentiles in
-- milliseconds (wrk records microseconds) and every error counter. Other scripts load this file with dofile()
-- and keep this done() function.
done = function(summary, latency, requests)
	local errors = summary.errors
	local seconds = summary.duration / 1000000
	io.write(string.format(
		'WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, "p90_ms": %.3f, '
			.. '"p99_ms": %.3f, "max_ms": %.3f, "errors_connect": %d, "errors_read": %d, "errors_write": %d, '
			.. '"errors_status": %d, "errors_timeout": %d}\n',
		summary.requests, seconds, summary.requests / seconds,
		latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
		latency.max / 1000, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
