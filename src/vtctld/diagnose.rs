//! Asking a server directly why connections to it break. hyper reports a plain text/TLS
//! mismatch or a refused client certificate only when the connection dies at the right moment;
//! otherwise the same fault reads "broken pipe" or "connection closed", by chance. One probe
//! connection that sends nothing but a handshake (and HTTP/2's preface) says which, every time.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::connection::{ServerAddr, TlsSettings};

/// A handshake that cannot succeed as configured: the server answers it the same way every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// We speak plain text; the server answered with no HTTP/2 frame (a TLS alert, as a TLS
    /// server answers a plain-text client).
    ServerSpeaksTls,
    /// We speak TLS; the server answered in plain text.
    ServerSpeaksPlainText,
    /// The server ended the TLS handshake with a fatal alert after our side of it (TLS 1.3
    /// checks the client certificate last): it wants a client certificate it accepts.
    ClientCertificateRefused,
}

/// What a gRPC client sends first: HTTP/2's connection preface and an empty SETTINGS frame.
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";

/// The handshake that cannot succeed with `server` as configured (`tls`), and what showed it;
/// `None` when the probe finds nothing wrong or cannot tell within `limit`.
pub async fn mismatch(
    server: &ServerAddr,
    tls: Option<&TlsSettings>,
    limit: Duration,
) -> Option<(Mismatch, String)> {
    let probe = async {
        match tls {
            None => speaks_tls(server).await,
            Some(tls) => refuses_our_handshake(server, tls).await,
        }
    };
    tokio::time::timeout(limit, probe).await.ok().flatten()
}

/// Opens a TLS handshake trusting no one: only a server that speaks TLS answers with a
/// certificate (which then fails to verify, as it must); a plain-text server answers with no
/// TLS record at all. A TLS server need not answer a plain-text client with anything (Go's
/// closes the connection), so asking in TLS is what tells.
async fn speaks_tls(server: &ServerAddr) -> Option<(Mismatch, String)> {
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .ok()?
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    let name = ServerName::try_from(server.host().to_owned()).ok()?;
    let tcp = TcpStream::connect((server.host(), server.port()))
        .await
        .ok()?;
    match tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
    {
        Err(e) if e.to_string().starts_with("invalid peer certificate") => Some((
            Mismatch::ServerSpeaksTls,
            "its certificate, in answer to a TLS ClientHello".to_owned(),
        )),
        _ => None,
    }
}

/// Completes a TLS handshake with our CA and client certificate, opens HTTP/2, and reads: a
/// server that wants a client certificate it accepts ends the connection with a fatal alert
/// (TLS 1.3 checks it after our side of the handshake). Only with `--tls-ca`: the system roots
/// stay tonic's business.
async fn refuses_our_handshake(
    server: &ServerAddr,
    tls: &TlsSettings,
) -> Option<(Mismatch, String)> {
    let config = client_config(tls)?;
    let name = tls
        .server_name
        .clone()
        .unwrap_or_else(|| server.host().to_owned());
    let name = ServerName::try_from(name).ok()?;
    let tcp = TcpStream::connect((server.host(), server.port()))
        .await
        .ok()?;
    let mut stream = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .ok()?;
    // A refusing server may close before this arrives; what matters is what it says next.
    let _ = stream.write_all(PREFACE).await;
    let mut byte = [0u8; 1];
    match stream.read(&mut byte).await {
        Err(e) if e.to_string().starts_with("received fatal alert") => {
            Some((Mismatch::ClientCertificateRefused, e.to_string()))
        }
        _ => None,
    }
}

/// The rustls configuration tonic builds from the same settings: our CA, our certificate.
fn client_config(tls: &TlsSettings) -> Option<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(tls.ca_pem.as_deref()?) {
        roots.add(certificate.ok()?).ok()?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .ok()?
    .with_root_certificates(roots);
    match &tls.identity_pem {
        None => Some(builder.with_no_client_auth()),
        Some((cert, key)) => {
            let chain = CertificateDer::pem_slice_iter(cert)
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            let key = PrivateKeyDer::from_pem_slice(key).ok()?;
            builder.with_client_auth_cert(chain, key).ok()
        }
    }
}
