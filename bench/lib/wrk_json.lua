-- Prints wrk's summary as one JSON line, so that bench/run reads exact figures
-- (latencies in microseconds, bytes, duration) instead of wrk's rounded text.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"bytes":%d,"duration_us":%d,"rps":%.1f,"mbps":%.2f,' ..
    '"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.bytes, summary.duration,
    summary.requests / (summary.duration / 1e6),
    summary.bytes / (summary.duration / 1e6) / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
