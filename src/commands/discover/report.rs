//! What one pass did (`Pass`), the dry run's view of a plan, and the pass's printed report.

use serde::Serialize;
use serde_json::{Value, json};

use super::plan::{Instance, Plan, shard_list};
use crate::exit::{ExitStatus, FailureKind};
use crate::output;
use crate::output::OutputFormat;

/// What one pass did.
#[derive(Debug, Default, Serialize)]
pub(super) struct Pass {
    pub(super) registered: Vec<Instance>,
    pub(super) aliases: Vec<Value>,
    pub(super) forgotten: Vec<String>,
    /// Instances no tablet names that were not forgotten, with the reason.
    pub(super) kept: Vec<String>,
    pub(super) skipped: Vec<String>,
    pub(super) warnings: Vec<String>,
    pub(super) failures: Vec<String>,
    #[serde(skip)]
    pub(super) kinds: Vec<FailureKind>,
    /// How many tablets vtctld listed, when it listed them all.
    #[serde(skip)]
    pub(super) listed: Option<usize>,
}

impl Pass {
    pub(super) fn fail(&mut self, kind: FailureKind, message: String) {
        self.kinds.push(kind);
        self.failures.push(message);
    }

    /// The exit status: the first failing class, as every command folds several results.
    pub(super) fn status(&self) -> ExitStatus {
        crate::exit::fold(&self.kinds)
    }

    /// What a dry run reports: the plan, and the failures a real pass would have before
    /// calling Orchestrator, so that it exits as the pass would.
    pub(super) fn dry_run(&mut self, plan: &Plan) {
        self.registered = plan.instances.clone();
        self.aliases = plan
            .shards
            .iter()
            .map(|(shard, primary)| {
                json!({
                    "alias": shard.replacen('/', ".", 1),
                    "cluster_of": primary.map(|i| plan.instances[i].key()),
                })
            })
            .collect();
        for (shard, primary) in &plan.shards {
            let problem = match (plan.ambiguous.get(shard), primary) {
                (Some(primaries), _) => format!(
                    "vtctld lists more than one PRIMARY ({})",
                    primaries.join(", ")
                ),
                (None, None) => "vtctld lists no PRIMARY".to_owned(),
                (None, Some(_)) => continue,
            };
            self.fail(
                FailureKind::VtctldRefused,
                format!("{shard}: {problem}, its alias would not be set"),
            );
        }
        for instance in plan.instances.iter().filter(|i| i.shards.len() > 1) {
            self.fail(
                FailureKind::VtctldRefused,
                format!(
                    "{} is the MySQL of tablets of shards {}: its cluster's alias would not be \
                     set",
                    instance.key(),
                    shard_list(&instance.shards)
                ),
            );
        }
    }

    /// The report of a single pass (without `--interval`), in the chosen format.
    pub(super) fn report(&self, format: OutputFormat, dry_run: bool) {
        match format {
            OutputFormat::Json => {
                let mut object = serde_json::to_value(self).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut object {
                    map.insert("dry_run".into(), dry_run.into());
                    map.insert("exit_status".into(), self.status().code().into());
                }
                output::out(&object.to_string());
            }
            OutputFormat::Text => self.report_text(dry_run),
        }
    }

    fn report_text(&self, dry_run: bool) {
        let verb = if dry_run {
            "would register"
        } else {
            "registered"
        };
        for instance in &self.registered {
            output::out(&format!(
                "{verb} {} {} ({})",
                instance.key(),
                instance.rule,
                instance.tablet
            ));
        }
        for alias in &self.aliases {
            output::out(&format!("alias {alias}"));
        }
        for forgotten in &self.forgotten {
            output::out(&format!("forgot {forgotten}"));
        }
        for kept in &self.kept {
            output::out(&format!("kept {kept}"));
        }
        for skipped in &self.skipped {
            output::out(&format!("skipped {skipped}"));
        }
        for warning in &self.warnings {
            output::err(&format!("warning: {warning}"));
        }
        for failure in &self.failures {
            output::err(&format!("error: {failure}"));
        }
        output::out(&format!(
            "{} instance{} {verb}, {} alias{}, {} failure{}",
            self.registered.len(),
            crate::output::plural(self.registered.len()),
            self.aliases.len(),
            if self.aliases.len() == 1 { "" } else { "es" },
            self.failures.len(),
            crate::output::plural(self.failures.len())
        ));
    }
}
