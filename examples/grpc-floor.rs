//! The benchmark's gRPC floor: the least a Rust process can do to ask vtctld one thing. It opens
//! one plain-text HTTP/2 channel to `HOST:PORT`, calls `GetCellInfoNames` once on a single-thread
//! runtime and exits 0 on an answer, 1 otherwise. `cargo run --release --example grpc-floor --
//! 127.0.0.1:15999`.

use orc_vitess_hook::proto::vtctldata::GetCellInfoNamesRequest;
use orc_vitess_hook::proto::vtctlservice::vtctld_client::VtctldClient;

fn main() -> std::process::ExitCode {
    let Some(server) = std::env::args().nth(1) else {
        eprintln!("usage: grpc-floor HOST:PORT");
        return std::process::ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("grpc-floor: no runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let answer = runtime.block_on(async {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{server}"))?
            .connect()
            .await?;
        let mut client = VtctldClient::new(channel);
        client
            .get_cell_info_names(GetCellInfoNamesRequest {})
            .await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    });
    match answer {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("grpc-floor: {server}: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
