//! What the daemons (`discover` and `reconcile` with `--interval`) tell Prometheus: their
//! registry (`daemon`) served over HTTP (`serve`). Encoding is prometheus-client's, the
//! Prometheus project's own crate. One-shot runs write node_exporter's textfile instead
//! (`record::textfile`), under the recovery log's lock.

pub mod daemon;
pub mod serve;
