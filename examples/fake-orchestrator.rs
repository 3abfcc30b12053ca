//! A fake Orchestrator API for trying `orc-vitess-hook discover`, `reconcile` and `check --orc-api-url`
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
    /// Know the recoveries of fake-vtctld's `--large-fleet N`: for each shard `fleet.s<i>`, one
    /// settled DeadMaster recovery from db-<i>-1 to db-<i>-0 (the shard's PRIMARY there), and that
    /// master.
    #[arg(long, value_name = "N")]
    large_fleet: Option<u32>,
}

/// One settled recovery per shard of fake-vtctld's large fleet, ended an hour ago, whose
/// successor is the shard's primary: the steady state `reconcile` finds in sync.
fn large_fleet(shards: u32) -> OrchestratorState {
    let mut state = OrchestratorState::default();
    let end = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let start = end - chrono::TimeDelta::seconds(5);
    for s in 0..shards {
        let (failed, successor) = (
            format!("db-{s}-1.example.com"),
            format!("db-{s}-0.example.com"),
        );
        let alias = format!("fleet.s{s}");
        let recovery = serde_json::json!({
            "Id": s,
            "UID": format!("{}:fleet{s}", start.timestamp_nanos_opt().unwrap_or(0)),
            "AnalysisEntry": {
                "AnalyzedInstanceKey": {"Hostname": failed, "Port": 3306},
                "Analysis": "DeadMaster",
                "ClusterDetails": {"ClusterName": format!("{failed}:3306"), "ClusterAlias": alias},
            },
            "SuccessorKey": {"Hostname": successor, "Port": 3306},
            "IsSuccessful": true,
            "RecoveryEndTimestamp": end.format("%Y-%m-%d %H:%M:%S").to_string(),
        });
        state.recoveries.insert(alias.clone(), vec![recovery]);
        state
            .masters
            .insert(format!("{successor}:3306"), (successor, 3306));
    }
    state
}

fn main() {
    let args = Args::parse();
    let state = args
        .large_fleet
        .map_or_else(OrchestratorState::default, large_fleet);
    let fake = FakeOrchestrator::start_on(&format!("127.0.0.1:{}", args.port), state);
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
