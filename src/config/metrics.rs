//! `--metrics-listen` → the address the daemons serve `/metrics` on.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use crate::cli::{MetricsListenArgs, setting};
use crate::settings::Problems;

/// The address to serve on: `HOST:PORT` (a name is resolved now), `[IPv6]:PORT`, or `:PORT`
/// for every IPv4 interface. Only with `--interval`: a single pass ends before any scrape.
pub fn metrics_listen(
    args: &MetricsListenArgs,
    interval: Option<Duration>,
    problems: &mut Problems,
) -> Option<SocketAddr> {
    let raw = args.metrics_listen.as_deref()?;
    let text = problems.text(setting::METRICS_LISTEN, raw)?.trim();
    if interval.is_none() {
        problems.push_message(format!(
            "{}: needs --interval: a single pass ends before anything could scrape it (one-shot \
             runs write --metrics-textfile instead)",
            setting::METRICS_LISTEN
        ));
        return None;
    }
    let spelled = match text.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => text.to_owned(),
    };
    let address = spelled
        .to_socket_addrs()
        .ok()
        .and_then(|mut addresses| addresses.next());
    if address.is_none() {
        problems.push(
            setting::METRICS_LISTEN,
            raw,
            "expected HOST:PORT (a host name that resolves), [IPv6]:PORT or :PORT, like \
             127.0.0.1:9102 or :9102",
        );
    }
    address
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str, interval: Option<Duration>) -> Result<Option<SocketAddr>, String> {
        let args = MetricsListenArgs {
            metrics_listen: Some(value.into()),
        };
        let mut problems = Problems::default();
        let address = metrics_listen(&args, interval, &mut problems);
        match problems.into_message() {
            None => Ok(address),
            Some(message) => Err(message),
        }
    }

    #[test]
    fn addresses_in_every_spelling() {
        let every = Some(Duration::from_secs(60));
        assert_eq!(
            parse(":9102", every).unwrap(),
            Some("0.0.0.0:9102".parse().unwrap())
        );
        assert_eq!(
            parse("127.0.0.1:0", every).unwrap(),
            Some("127.0.0.1:0".parse().unwrap())
        );
        assert_eq!(
            parse("[::1]:9102", every).unwrap(),
            Some("[::1]:9102".parse().unwrap())
        );
        assert!(parse("localhost:9102", every).unwrap().is_some());
    }

    #[test]
    fn a_bad_address_or_no_interval_names_the_setting() {
        let every = Some(Duration::from_secs(60));
        for bad in ["9102", "host", ":http", "1.2.3.4:99999", ""] {
            let message = parse(bad, every).unwrap_err();
            assert!(message.contains("--metrics-listen"), "{bad}: {message}");
            assert!(
                message.contains("ORC_VITESS_HOOK_METRICS_LISTEN"),
                "{message}"
            );
        }
        let message = parse(":9102", None).unwrap_err();
        assert!(message.contains("needs --interval"), "{message}");
    }
}
