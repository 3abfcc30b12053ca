//! `--allow-type` → [`Promotable`]: which tablet types beside REPLICA may become primary.

use std::ffi::OsString;

use crate::cli::setting;
use crate::proto::topodata::TabletType;
use crate::settings::Problems;
use crate::tablet::{Promotable, parse_type};

impl Promotable {
    /// REPLICA and PRIMARY, and the types `--allow-type` names; a name that is no type is a
    /// problem.
    pub fn from_settings(raw: &[OsString], problems: &mut Problems) -> Self {
        let mut promotable = Self::only_replicas();
        for value in raw {
            let Some(text) = problems.text(setting::ALLOW_TYPE, value) else {
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            match parse_type(text) {
                Some(kind) if kind != TabletType::Unknown => promotable.allow(kind),
                _ => problems.push(
                    setting::ALLOW_TYPE,
                    value,
                    "expected a tablet type: RDONLY (BATCH), SPARE, EXPERIMENTAL, BACKUP, RESTORE \
                     or DRAINED",
                ),
            }
        }
        promotable
    }
}
