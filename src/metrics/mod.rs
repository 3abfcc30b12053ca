//! What the tool tells Prometheus. Daemons (`discover` and `reconcile` with `--interval`) serve
//! their registry over HTTP (`daemon`, `serve`); one-shot runs write node_exporter's textfile
//! (`textfile`). Encoding is prometheus-client's, the Prometheus project's own crate.

pub mod daemon;
pub mod serve;
pub mod textfile;
