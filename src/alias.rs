//! Vitess tablet aliases: `<cell>-<uid>` text, parsed strictly and printed the way Vitess prints them.

use std::fmt;
use std::str::FromStr;

use crate::proto::topodata;

/// A tablet's identity in the Vitess topology.
///
/// Vitess prints the uid zero-padded to 10 digits, so `zone1-101` and `zone1-0000000101` parse to
/// the same alias and both display as `zone1-0000000101`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TabletAlias {
    cell: String,
    uid: u32,
}

impl TabletAlias {
    /// Builds an alias from parts that have already been checked (e.g. read from vtctld).
    pub fn new(cell: impl Into<String>, uid: u32) -> Self {
        Self {
            cell: cell.into(),
            uid,
        }
    }

    pub fn cell(&self) -> &str {
        &self.cell
    }

    pub fn uid(&self) -> u32 {
        self.uid
    }

    pub fn to_proto(&self) -> topodata::TabletAlias {
        topodata::TabletAlias {
            cell: self.cell.clone(),
            uid: self.uid,
        }
    }

    pub fn from_proto(alias: &topodata::TabletAlias) -> Self {
        Self::new(alias.cell.clone(), alias.uid)
    }
}

impl serde::Serialize for TabletAlias {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for TabletAlias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:010}", self.cell, self.uid)
    }
}

/// Whether `text` may name a cell: letters, digits, `-`, `_` and `.`, as Vitess reads a cell in
/// a tablet alias (cells are often named after zones, `us-east-1a`).
pub fn is_cell(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Why a text is not a tablet alias; the message completes "expected <cell>-<uid>: …".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasError(&'static str);

impl fmt::Display for AliasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected a tablet alias <cell>-<uid> like zone1-0000000101: {}",
            self.0
        )
    }
}

impl std::error::Error for AliasError {}

impl FromStr for TabletAlias {
    type Err = AliasError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(AliasError("the value is empty"));
        }
        if text.chars().any(char::is_whitespace) {
            return Err(AliasError("it contains whitespace"));
        }
        if !text.is_ascii() {
            return Err(AliasError("it contains non-ASCII characters"));
        }
        // The uid follows the last '-': a cell may hold '-' itself (`us-east-1a-101`).
        let Some((cell, uid)) = text.rsplit_once('-') else {
            return Err(AliasError("it has no '-' between cell and uid"));
        };
        if cell.is_empty() {
            return Err(AliasError("the cell before '-' is empty"));
        }
        if !is_cell(cell) {
            return Err(AliasError(
                "the cell may hold only letters, digits, '-', '_' and '.'",
            ));
        }
        if uid.is_empty() {
            return Err(AliasError("the uid after '-' is empty"));
        }
        // `u32::from_str` also accepts a leading '+', which Vitess does not.
        if !uid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AliasError("the uid is not a decimal number"));
        }
        let uid = uid
            .parse::<u32>()
            .map_err(|_| AliasError("the uid does not fit in 32 bits (at most 4294967295)"))?;
        Ok(Self::new(cell, uid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_aliases_parse_and_normalise() {
        let table = [
            ("zone1-101", "zone1", 101, "zone1-0000000101"),
            ("zone1-0000000101", "zone1", 101, "zone1-0000000101"),
            ("z-0", "z", 0, "z-0000000000"),
            (
                "us_east.1-4294967295",
                "us_east.1",
                u32::MAX,
                "us_east.1-4294967295",
            ),
            ("cell-00000000000000000007", "cell", 7, "cell-0000000007"),
            // Cells named after zones hold '-': the uid follows the last one, as in Vitess.
            ("us-east-1a-101", "us-east-1a", 101, "us-east-1a-0000000101"),
            (
                "global-read-only-000000000000042",
                "global-read-only",
                42,
                "global-read-only-0000000042",
            ),
            ("zone1--101", "zone1-", 101, "zone1--0000000101"),
        ];
        for (text, cell, uid, shown) in table {
            let alias: TabletAlias = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(alias.cell(), cell, "{text}");
            assert_eq!(alias.uid(), uid, "{text}");
            assert_eq!(alias.to_string(), shown, "{text}");
        }
    }

    #[test]
    fn short_and_padded_forms_are_the_same_tablet() {
        let short: TabletAlias = "zone1-101".parse().unwrap();
        let padded: TabletAlias = "zone1-0000000101".parse().unwrap();
        assert_eq!(short, padded);
    }

    #[test]
    fn bad_aliases_are_refused_with_the_reason() {
        let table = [
            ("", "empty"),
            ("zone1", "no '-'"),
            ("zone1-", "uid after '-' is empty"),
            ("-101", "cell before '-' is empty"),
            ("zone-1-101-", "uid after '-' is empty"),
            ("zone1-4294967296", "does not fit in 32 bits"),
            ("zone1-99999999999999999999", "does not fit in 32 bits"),
            ("zone1-+101", "not a decimal"),
            ("zone1-0x65", "not a decimal"),
            ("zone1-10 1", "whitespace"),
            (" zone1-101", "whitespace"),
            ("zone1-101\n", "whitespace"),
            ("zöne1-101", "non-ASCII"),
            ("zone1-١٠١", "non-ASCII"),
            ("zone/1-101", "only letters"),
            ("{successorAlias}", "no '-'"),
        ];
        for (text, reason) in table {
            let err = text.parse::<TabletAlias>().expect_err(text).to_string();
            assert!(err.contains(reason), "{text:?}: {err}");
            assert!(err.contains("<cell>-<uid>"), "{text:?}: {err}");
        }
    }

    #[test]
    fn proto_round_trip_keeps_cell_and_uid() {
        let alias: TabletAlias = "zone2-42".parse().unwrap();
        let proto = alias.to_proto();
        assert_eq!((proto.cell.as_str(), proto.uid), ("zone2", 42));
        assert_eq!(TabletAlias::from_proto(&proto), alias);
    }
}
