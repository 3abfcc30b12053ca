//! Shell completions (`completions/`) and man pages (`man/`) are generated from the same clap
//! definition as `--help`. This test fails when the committed files drift from the code;
//! `UPDATE_GENERATED=1 cargo test --test it generated_docs` rewrites them.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use orc_vitess_hook::cli::Cli;
use orc_vitess_hook::exit::EXIT_STATUS_HELP;

/// Fixed so the pages are reproducible; bump it with a release.
const MAN_DATE: &str = "2026-11-25";

fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut command = Cli::command();
        let name = command.get_name().to_owned();
        let file = shell.file_name(&name);
        let mut text = Vec::new();
        clap_complete::generate(shell, &mut command, &name, &mut text);
        if shell == Shell::Bash {
            text = fix_dashed_bash_names(&text);
        }
        files.push((root.join("completions").join(file), text));
    }
    let mut command = Cli::command();
    // Building propagates global flags (--output) into the subcommands' pages.
    command.build();
    let top = command.get_name().to_owned();
    let mut pages = vec![(top.clone(), top.clone(), command.clone())];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{top}-{}", sub.get_name());
        // clap names are &'static str without its "string" feature; a test may leak one.
        let page_name: &'static str = Box::leak(name.clone().into_boxed_str());
        let invocation = format!("{top} {}", sub.get_name());
        pages.push((name, invocation, sub.clone().name(page_name)));
    }
    for (name, invocation, page) in pages {
        files.push((
            root.join("man").join(format!("{name}.1")),
            man_page(page, &invocation),
        ));
    }
    files
}

/// clap_complete (4.6) names a dashed binary's subcommand states `orc__vitess__hook__subcmd__…`
/// where it sets them and `orc__subcmd__vitess__subcmd__hook__subcmd__…` where it matches them,
/// so bash completed no option of any subcommand. One spelling for both.
fn fix_dashed_bash_names(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("orc__subcmd__vitess__subcmd__hook", "orc__vitess__hook")
        .into_bytes()
}

/// The exit-status table's entries: a code and its meaning, continuation lines joined.
fn exit_statuses() -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in EXIT_STATUS_HELP.lines().skip(1) {
        let trimmed = line.trim();
        match entries.last_mut() {
            Some((_, meaning)) if line.starts_with("      ") => {
                meaning.push(' ');
                meaning.push_str(trimmed);
            }
            _ => {
                let (code, meaning) = trimmed.split_once(' ').expect("code and meaning");
                entries.push((code.to_owned(), meaning.trim().to_owned()));
            }
        }
    }
    entries
}

/// Text for roff: backslashes and dashes escaped.
fn roff(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

/// A SYNOPSIS with each option's value name (`--server HOST:PORT`), which clap_mangen leaves out.
fn synopsis(page: &clap::Command, invocation: &str) -> String {
    let mut text = format!(".SH SYNOPSIS\n\\fB{}\\fR", roff(invocation));
    for arg in page.get_arguments().filter(|a| !a.is_hide_set()) {
        let flag = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => format!("\\-\\-{}", roff(long)),
            (None, Some(short)) => format!("\\-{short}"),
            (None, None) => continue,
        };
        let value = if arg.get_action().takes_values() {
            let names = arg.get_value_names().unwrap_or_default();
            let name = names
                .first()
                .map_or_else(|| arg.get_id().as_str().to_uppercase(), |n| n.to_string());
            format!(" \\fI{}\\fR", roff(&name))
        } else {
            String::new()
        };
        text.push_str(&format!(" [\\fB{flag}\\fR{value}]"));
    }
    if page.get_subcommands().next().is_some() {
        text.push_str(" \\fISUBCOMMAND\\fR");
    }
    text.push('\n');
    text
}

/// The examples that end `--help`, as an EXAMPLES section.
fn examples(page: &clap::Command) -> String {
    let help = page
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let Some(examples) = help
        .split("\n\nExit status")
        .next()
        .and_then(|h| h.strip_prefix("Examples:\n"))
    else {
        return String::new();
    };
    let mut text = String::from(".SH EXAMPLES\n");
    let mut in_command = false;
    for line in examples.lines() {
        let line = line.strip_prefix("  ").unwrap_or(line);
        if let Some(comment) = line.strip_prefix("# ") {
            if in_command {
                text.push_str(".fi\n.RE\n");
                in_command = false;
            }
            text.push_str(&format!(".PP\n{}\n", roff(comment)));
        } else {
            if !in_command {
                text.push_str(".RS 4\n.nf\n");
                in_command = true;
            }
            text.push_str(&format!("\\f(CR{}\\fR\n", roff(line)));
        }
    }
    if in_command {
        text.push_str(".fi\n.RE\n");
    }
    text
}

/// Every variable an option of this page reads, with its option.
fn environment(page: &clap::Command) -> String {
    let mut text = String::new();
    for arg in page.get_arguments().filter(|a| !a.is_hide_set()) {
        let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        text.push_str(&format!(
            ".TP\n\\fB{}\\fR\nas \\fB\\-\\-{}\\fR (the option wins)\n",
            roff(&env.to_string_lossy()),
            roff(long)
        ));
    }
    if text.is_empty() {
        return text;
    }
    format!(".SH ENVIRONMENT\n{text}")
}

/// clap_mangen's sections, with our own SYNOPSIS, EXAMPLES, ENVIRONMENT and, in place of the
/// after-help text, a real EXIT STATUS section.
fn man_page(page: clap::Command, invocation: &str) -> Vec<u8> {
    let man = clap_mangen::Man::new(page.clone()).date(MAN_DATE);
    let mut text = Vec::new();
    man.render_title(&mut text).expect("title");
    man.render_name_section(&mut text).expect("name");
    text.extend_from_slice(synopsis(&page, invocation).as_bytes());
    man.render_description_section(&mut text)
        .expect("description");
    man.render_options_section(&mut text).expect("options");
    if page.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut text)
            .expect("subcommands");
    }
    text.extend_from_slice(examples(&page).as_bytes());
    text.extend_from_slice(environment(&page).as_bytes());
    text.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    for (code, meaning) in exit_statuses() {
        text.extend_from_slice(
            format!(
                ".TP\n\\fB{}\\fR\n{}\n",
                roff(code.trim()),
                roff(meaning.trim())
            )
            .as_bytes(),
        );
    }
    if page.get_version().is_some() {
        man.render_version_section(&mut text).expect("version");
    }
    text
}

#[test]
fn completions_and_man_pages_are_current() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, text) in generated() {
        let current = std::fs::read(&path).ok();
        if current.as_deref() == Some(text.as_slice()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &text).expect("write generated file");
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date: {stale:?}\nrun: UPDATE_GENERATED=1 cargo test --test it generated_docs"
    );
}

/// Completes `words` (the last one being completed) with the committed bash script, in bash.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/orc-vitess-hook.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _orc__vitess__hook orc-vitess-hook '{}' '{}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &program])
        .output()
        .expect("run bash");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_their_options() {
    let commands = bash_completes(&["orc-vitess-hook", "re"]);
    assert!(commands.contains(&"reparent".to_owned()), "{commands:?}");
    assert!(commands.contains(&"record".to_owned()), "{commands:?}");
    for (subcommand, prefix, expected) in [
        ("reparent", "--ser", "--server"),
        ("record", "--ho", "--hook"),
        ("orchestrator-config", "--all", "--all-hooks"),
        ("check", "--tab", "--tablet"),
        ("discover", "--forget", "--forget-missing"),
    ] {
        let options = bash_completes(&["orc-vitess-hook", subcommand, prefix]);
        assert!(
            options.contains(&expected.to_owned()),
            "{subcommand}: {options:?}"
        );
    }
}

#[test]
fn man_pages_render_without_warnings() {
    let Ok(probe) = std::process::Command::new("groff")
        .arg("--version")
        .output()
    else {
        eprintln!("skipped: groff is not installed");
        return;
    };
    assert!(probe.status.success());
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("man")).unwrap() {
        let page = entry.unwrap().path();
        let out = std::process::Command::new("groff")
            .args(["-ww", "-man", "-Tutf8", "-z"])
            .arg(&page)
            .output()
            .expect("run groff");
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && warnings.is_empty(),
            "{}: {warnings}",
            page.display()
        );
    }
}

/// Whether `shell` can be run here; `.ci/run` installs fish and zsh, so CI never skips.
fn installed(shell: &str) -> bool {
    let found = std::process::Command::new(shell)
        .args(["-c", "exit 0"])
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("skipped: {shell} is not installed (.ci/run installs it)");
    }
    found
}

#[test]
fn fish_completes_subcommands_and_their_options() {
    if !installed("fish") {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/orc-vitess-hook.fish");
    let complete = |line: &str| -> Vec<String> {
        let program = format!("source '{}'; complete -C '{line}'", script.display());
        let out = std::process::Command::new("fish")
            .args(["--no-config", "-c", &program])
            .output()
            .expect("run fish");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
            .collect()
    };
    let commands = complete("orc-vitess-hook re");
    assert!(
        commands.contains(&"reparent".to_owned()) && commands.contains(&"record".to_owned()),
        "{commands:?}"
    );
    for (line, expected) in [
        ("orc-vitess-hook reparent --ser", "--server"),
        ("orc-vitess-hook record --ho", "--hook"),
        ("orc-vitess-hook orchestrator-config --all", "--all-hooks"),
        ("orc-vitess-hook check --tab", "--tablet"),
        ("orc-vitess-hook discover --forget", "--forget-missing"),
    ] {
        let options = complete(line);
        assert!(
            options.contains(&expected.to_owned()),
            "{line}: {options:?}"
        );
    }
}

#[test]
fn zsh_completion_loads_as_a_completion_function() {
    if !installed("zsh") {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/_orc-vitess-hook");
    let dump = std::env::temp_dir().join(format!("zcompdump-{}", std::process::id()));
    let program = format!(
        "autoload -U compinit && compinit -u -d '{}' && source '{}' && whence -w _orc-vitess-hook",
        dump.display(),
        script.display()
    );
    let out = std::process::Command::new("zsh")
        .args(["-f", "-c", &program])
        .output()
        .expect("run zsh");
    let _ = std::fs::remove_file(&dump);
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "_orc-vitess-hook: function"
    );
}
