//! Orchestrator API settings (`OrchestratorApiArgs`: setting::ORC_API_URL, timeout, basic auth, TLS CA) →
//! [`OrchestratorApi`]. The password is read from its file or variable and never printed.

use std::ffi::OsStr;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use base64::Engine;

use super::read_small_file;
use crate::cli::{OrchestratorApiArgs, setting};
use crate::orchestrator::OrchestratorApi;
use crate::orchestrator::api::without_password;
use crate::settings::Problems;

impl OrchestratorApi {
    /// Validates the API settings; `None` when no setting::ORC_API_URL is given.
    pub fn from_args(args: &OrchestratorApiArgs, problems: &mut Problems) -> Option<Self> {
        let raw = args.orc_api_url.as_deref()?;
        let url = problems.text(setting::ORC_API_URL, raw)?.trim().to_owned();
        let host = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""))
            .map(|authority| authority.rsplit('@').next().unwrap_or(""));
        let valid_host = host.is_some_and(|h| {
            !h.is_empty()
                && !h.starts_with(':')
                && (!h.starts_with('[') || h.contains(']'))
                && !h.chars().any(char::is_whitespace)
        });
        if !valid_host {
            problems.push(
                setting::ORC_API_URL,
                OsStr::new(&without_password(&url)),
                "expected an http:// or https:// URL with a host, like http://orchestrator:3000/api/",
            );
            return None;
        }
        let timeout = problems.duration(
            setting::ORC_TIMEOUT,
            &args.orc_timeout,
            Duration::from_millis(10),
            Duration::from_secs(3600),
        )?;
        let built = ca_certificates(args).and_then(|ca| {
            let authorization = authorization(args, problems)?;
            Ok(Self::new(&url, timeout, ca, authorization))
        });
        match built {
            Ok(api) => Some(api),
            Err(e) => {
                problems.push_message(format!("{e:#}"));
                None
            }
        }
    }
}

/// The certificates of `--orc-api-tls-ca`, when given.
fn ca_certificates(
    args: &OrchestratorApiArgs,
) -> Result<Option<Vec<ureq::tls::Certificate<'static>>>> {
    let Some(ca) = &args.orc_api_tls_ca else {
        return Ok(None);
    };
    let pem = read_small_file(ca, "Orchestrator API CA file (--orc-api-tls-ca)")?;
    let certs = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(Ok(cert.to_owned())),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            anyhow!(
                "Orchestrator API CA file (--orc-api-tls-ca) {}: {e}",
                ca.display()
            )
        })?;
    if certs.is_empty() {
        bail!(
            "Orchestrator API CA file (--orc-api-tls-ca) {}: no PEM certificate",
            ca.display()
        );
    }
    Ok(Some(certs))
}

/// `Basic …` for `--orc-api-user` and its password, when a user is given.
fn authorization(args: &OrchestratorApiArgs, problems: &mut Problems) -> Result<Option<String>> {
    let Some(user) = &args.orc_api_user else {
        return Ok(None);
    };
    let user = problems
        .text(setting::ORC_API_USER, user)
        .unwrap_or_default()
        .to_owned();
    let password = password(args)?;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    Ok(Some(format!("Basic {token}")))
}

/// The basic-auth password: from the file, else the variable; never printed.
fn password(args: &OrchestratorApiArgs) -> Result<String> {
    if let Some(file) = &args.orc_api_password_file {
        let bytes = read_small_file(
            file,
            "Orchestrator API password file (--orc-api-password-file)",
        )?;
        let text = String::from_utf8(bytes).map_err(|_| {
            anyhow!(
                "Orchestrator API password file (--orc-api-password-file) {}: not UTF-8",
                file.display()
            )
        })?;
        return Ok(text.trim_end_matches(['\n', '\r']).to_owned());
    }
    std::env::var("ORC_VITESS_HOOK_ORC_API_PASSWORD").map_err(|_| {
        anyhow!(
            "--orc-api-user needs a password: --orc-api-password-file or \
             ORC_VITESS_HOOK_ORC_API_PASSWORD"
        )
    })
}
