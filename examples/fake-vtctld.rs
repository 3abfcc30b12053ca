//! A fake vtctld for trying orc-vitess-hook without a Vitess cluster:
//! `cargo run --example fake-vtctld -- --port 15999`, then in another shell
//! `orc-vitess-hook reparent --server 127.0.0.1:15999 --failed-host db1.example.com
//! --failed-port 3306 --successor-host db2.example.com --successor-port 3306 --log-file ./recovery.log`.
//!
//! It serves a demo fleet over both the typed and the legacy API: commerce/0 (zone1-100 primary
//! on db1.example.com:3306, replica zone1-101 on db2, rdonly zone1-102 on db3) and customer/-80
//! (zone1-200 primary on db4, replica zone1-201 on db2.other.net, drained zone1-202 on db6); or,
//! with `--large-fleet N`, N shards of 5 tablets. It prints each request it receives. The
//! server itself is the test suite's (tests/it/support/fake_vtctld.rs).

#[path = "../tests/it/support/fake_vtctld.rs"]
mod fake_vtctld;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use fake_vtctld::{Behaviour, FakeVtctld};

#[derive(Debug, Parser)]
#[command(about = "A fake vtctld on 127.0.0.1 for trying orc-vitess-hook")]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 15999)]
    port: u16,
    /// Serve only the legacy Vtctl API, like an old Vitess.
    #[arg(long, conflicts_with = "typed_only")]
    legacy_only: bool,
    /// Serve only the typed Vtctld API, like a current Vitess.
    #[arg(long)]
    typed_only: bool,
    /// Print nothing per request (for benchmarks).
    #[arg(long)]
    quiet: bool,
    /// Serve N shards of 5 tablets (fleet/s0 … fleet/sN-1, MySQL db-<shard>-<n>.example.com:3306)
    /// instead of the demo fleet.
    #[arg(long, value_name = "N")]
    large_fleet: Option<u32>,
    /// Take this long over every call (e.g. 5ms), like a loaded vtctld.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    delay: Option<Duration>,
    /// Answer every Nth reparent call UNAVAILABLE.
    #[arg(long, value_name = "N", default_value_t = 0)]
    unavailable_every: u32,
}

fn main() {
    let args = Args::parse();
    let mut behaviour = Behaviour {
        typed: !args.legacy_only,
        legacy: !args.typed_only,
        ..Behaviour::default()
    };
    behaviour.delay = args.delay.unwrap_or_default();
    behaviour.unavailable_every = args.unavailable_every;
    if let Some(shards) = args.large_fleet {
        behaviour.tablets = fake_vtctld::large_fleet(shards, 5);
    }
    let bind = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let fake = FakeVtctld::start_on(bind, behaviour, None);
    println!("fake vtctld listening on {}", fake.addr);
    let mut shown = 0;
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let received = fake.received();
        if !args.quiet {
            for request in &received[shown..] {
                let tablet = request
                    .tablet
                    .as_ref()
                    .map(|(cell, uid)| format!(" {cell}-{uid:010}"))
                    .unwrap_or_default();
                println!(
                    "{}{tablet}{}",
                    request.method,
                    if request.args.is_empty() {
                        String::new()
                    } else {
                        format!(" {:?}", request.args)
                    }
                );
            }
        }
        shown = received.len();
    }
}
