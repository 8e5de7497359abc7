//! Request counts and latency histograms by route and status, rendered in the
//! Prometheus text format at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Histogram bucket bounds in seconds: fine below 100 ms, where this API lives.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The process's request metrics. Routes are recorded by their pattern
/// (`/v1/opportunities/{id}`), never by the raw path, so label sets stay bounded.
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<Key, Series>>,
    panics: AtomicU64,
}

/// The `route` label of requests whose handler panicked: the matched route
/// is lost with the unwound handler.
pub const PANICKED_ROUTE: &str = "panicked";

/// The `method` label: a method of RFC 9110 or PATCH (RFC 5789), or
/// `other`. Clients choose the method, so the raw one would let anyone add a
/// series per request.
pub fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("other")
}

impl Metrics {
    /// Records one finished request. The method is recorded by its
    /// [`method_label`], so label sets stay bounded.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let key = Key {
            method: method_label(method).to_owned(),
            route: route.to_owned(),
            status,
        };
        let mut series = self
            .series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = series.entry(key).or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// Records a request whose handler panicked: a 500 under the route
    /// [`PANICKED_ROUTE`], and one more in `http_panics_total`.
    pub fn observe_panic(&self, method: &str, elapsed: Duration) {
        self.panics.fetch_add(1, Ordering::Relaxed);
        self.observe(method, PANICKED_ROUTE, 500, elapsed);
    }

    /// The Prometheus text exposition (version 0.0.4) of every series.
    pub fn render(&self) -> String {
        let series = self
            .series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::new();
        out.push_str("# HELP http_panics_total Requests whose handler panicked (each also counted as a 500).\n");
        out.push_str("# TYPE http_panics_total counter\n");
        let _ = writeln!(
            out,
            "http_panics_total {}",
            self.panics.load(Ordering::Relaxed)
        );
        out.push_str(
            "# HELP http_requests_total HTTP requests answered, by method, route and status.\n",
        );
        out.push_str("# TYPE http_requests_total counter\n");
        for (key, s) in series.iter() {
            let _ = writeln!(out, "http_requests_total{{{}}} {}", labels(key), s.count);
        }
        out.push_str("# HELP http_request_duration_seconds Time to answer HTTP requests, by method, route and status.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for (key, s) in series.iter() {
            let labels = labels(key);
            for (count, bound) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

fn labels(key: &Key) -> String {
    format!(
        "method=\"{}\",route=\"{}\",status=\"{}\"",
        escape(&key.method),
        escape(&key.route),
        key.status
    )
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_accumulate_per_route_and_status() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/healthz", 200, Duration::from_millis(2));
        metrics.observe("GET", "/healthz", 200, Duration::from_millis(30));
        metrics.observe("GET", "/healthz", 404, Duration::from_millis(1));
        let text = metrics.render();
        assert!(
            text.contains(
                "http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
            )
        );
        assert!(
            text.contains(
                "http_requests_total{method=\"GET\",route=\"/healthz\",status=\"404\"} 1"
            )
        );
        assert!(text.contains(
            "http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"0.0025\"} 1"
        ));
        assert!(text.contains(
            "http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"0.05\"} 2"
        ));
        assert!(text.contains(
            "http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
    }

    #[test]
    fn unknown_methods_share_one_label() {
        let metrics = Metrics::default();
        for i in 0..100 {
            metrics.observe(&format!("FOO{i}"), "unmatched", 404, Duration::ZERO);
        }
        metrics.observe("get", "unmatched", 404, Duration::ZERO);
        metrics.observe("PATCH", "unmatched", 404, Duration::ZERO);
        let text = metrics.render();
        let series: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("http_requests_total{"))
            .collect();
        assert_eq!(
            series,
            [
                r#"http_requests_total{method="PATCH",route="unmatched",status="404"} 1"#,
                r#"http_requests_total{method="other",route="unmatched",status="404"} 101"#,
            ]
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
