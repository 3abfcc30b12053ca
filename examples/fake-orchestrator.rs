//! A fake Orchestrator API for trying `orc-vitess-hook discover` and `check --orc-api-url`
//! without an Orchestrator: `cargo run --example fake-orchestrator -- --port 3000`, then
//! `orc-vitess-hook discover --server 127.0.0.1:15999 --orc-api-url http://127.0.0.1:3000/api/`.
//! It answers like Orchestrator (`{"Code", "Message", "Details"}`) and prints a summary of what
//! it was asked every second. The server itself is the test suite's.

#[path = "../tests/it/support/fake_orchestrator.rs"]
mod fake_orchestrator;

use std::time::Duration;

use clap::Parser;
use fake_orchestrator::{FakeOrchestrator, OrchestratorState};

#[derive(Debug, Parser)]
#[command(about = "A fake Orchestrator API on 127.0.0.1 for trying orc-vitess-hook")]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Print nothing but the address (for benchmarks).
    #[arg(long)]
    quiet: bool,
}

fn main() {
    let args = Args::parse();
    let fake = FakeOrchestrator::start_on(
        &format!("127.0.0.1:{}", args.port),
        OrchestratorState::default(),
    );
    println!("fake Orchestrator API at {}", fake.url);
    let mut shown = 0;
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let seen = fake.seen().len();
        if !args.quiet && seen != shown {
            let state = fake.state();
            println!(
                "{seen} requests: {} instances, {} rules, {} aliases",
                state.instances.len(),
                state.rules.len(),
                state.aliases.len()
            );
        }
        shown = seen;
    }
}
