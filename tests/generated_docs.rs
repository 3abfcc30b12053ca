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
    for line in EXIT_STATUS_HELP.lines().skip(1) {
        let (code, meaning) = line.trim().split_once(' ').expect("code and meaning");
        let roff = |s: &str| s.trim().replace('\\', "\\e").replace('-', "\\-");
        text.extend_from_slice(
            format!(".TP\n\\fB{}\\fR\n{}\n", roff(code), roff(meaning)).as_bytes(),
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
