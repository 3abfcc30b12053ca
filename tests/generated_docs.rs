//! Shell completions (`completions/`) and man pages (`man/`) are generated from the same clap
//! definition as `--help`. This test fails when the committed files drift from the code;
//! `UPDATE_GENERATED=1 cargo test --test generated_docs` rewrites them.

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
    let mut pages = vec![(command.get_name().to_owned(), command.clone())];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{}-{}", command.get_name(), sub.get_name());
        // clap names are &'static str without its "string" feature; a test may leak one.
        let page_name: &'static str = Box::leak(name.clone().into_boxed_str());
        pages.push((name, sub.clone().name(page_name)));
    }
    for (name, page) in pages {
        files.push((root.join("man").join(format!("{name}.1")), man_page(page)));
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

/// clap_mangen's sections, with the exit-status table as a real EXIT STATUS section in place of
/// the after-help text.
fn man_page(page: clap::Command) -> Vec<u8> {
    let man = clap_mangen::Man::new(page.clone()).date(MAN_DATE);
    let mut text = Vec::new();
    man.render_title(&mut text).expect("title");
    man.render_name_section(&mut text).expect("name");
    man.render_synopsis_section(&mut text).expect("synopsis");
    man.render_description_section(&mut text)
        .expect("description");
    man.render_options_section(&mut text).expect("options");
    if page.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut text)
            .expect("subcommands");
    }
    text.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    for (code, meaning) in exit_statuses() {
        let roff = |s: &str| s.trim().replace('\\', "\\e").replace('-', "\\-");
        text.extend_from_slice(
            format!(".TP\n\\fB{}\\fR\n{}\n", roff(&code), roff(&meaning)).as_bytes(),
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
        "generated files are out of date: {stale:?}\nrun: UPDATE_GENERATED=1 cargo test --test generated_docs"
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
        assert!(options.contains(&expected.to_owned()), "{subcommand}: {options:?}");
    }
}

#[test]
fn man_pages_render_without_warnings() {
    let Ok(probe) = std::process::Command::new("groff").arg("--version").output() else {
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
        assert!(out.status.success() && warnings.is_empty(), "{}: {warnings}", page.display());
    }
}
