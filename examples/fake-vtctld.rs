//! A fake vtctld for trying orc-vitess-hook without a Vitess cluster:
//! `cargo run --example fake-vtctld -- --port 15999`, then in another shell
//! `orc-vitess-hook reparent --server 127.0.0.1:15999 --successor-alias zone1-101 --log-file ./recovery.log`.
//!
//! It serves the demo shard commerce/0 (zone1-100 primary on db1.example.com:3306, replicas
//! zone1-101 on db2 and zone1-102 on db3) over both the typed and the legacy API, and prints each
//! request it receives. The server itself is the test suite's (tests/support/fake_vtctld.rs).

#[path = "../tests/support/fake_vtctld.rs"]
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
}

fn main() {
    let args = Args::parse();
    let behaviour = Behaviour {
        typed: !args.legacy_only,
        legacy: !args.typed_only,
        ..Behaviour::default()
    };
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
