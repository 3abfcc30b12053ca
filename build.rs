//! Compiles the trimmed Vitess protos in `proto/` with protox, so no system `protoc` is needed.
//!
//! The library gets the messages and the clients; the gRPC server stubs, which only the tests'
//! fake vtctld needs, go to `$OUT_DIR/server/` and are never compiled into the shipped binary.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(["vtctlservice.proto"], ["proto"])?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(false)
        .build_transport(false)
        .compile_fds(descriptors.clone())?;

    let server_dir = PathBuf::from(std::env::var("OUT_DIR")?).join("server");
    std::fs::create_dir_all(&server_dir)?;
    let mut servers = tonic_prost_build::configure()
        .build_client(false)
        .build_server(true)
        .build_transport(false)
        .out_dir(server_dir);
    for package in ["vttime", "logutil", "topodata", "vtctldata"] {
        servers = servers.extern_path(
            format!(".{package}"),
            format!("::orc_vitess_hook::proto::{package}"),
        );
    }
    servers.compile_fds(descriptors)?;
    Ok(())
}
