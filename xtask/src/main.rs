//! `cargo xtask …`: the one entry point to pulling Spotnana's documents, regenerating the
//! client and measuring it.

mod bench;
mod changelog;
mod check;
mod diff;
mod fetch;
mod findings;
mod generate;
mod package;
mod paths;
mod pull;
mod regenerate;
mod release;
mod semver_check;

use clap::{Parser, Subcommand};
use findings::Findings;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Workspace commands for the Spotnana Rust SDK",
    after_help = "Exit status: 0 success; 1 findings (`diff --fail-on breaking`), a stale spec \
                  (`check`, `regenerate --check`); 2 any other error (network, bad document, I/O)."
)]
struct Cli {
    /// The spec directory (manifest, lock, cache); default: the workspace's `spec/`.
    #[arg(long, global = true, env = "SPOTNANA_SPEC_DIR")]
    spec_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download every document of spec/apis.toml into spec/cache/ and pin it in spec/lock.toml.
    Pull(pull::Args),
    /// Read the changelog; when it reports a change, pull, regenerate and write a report.
    Regenerate(regenerate::Args),
    /// Fail when the cache does not match the lock.
    Check,
    /// Compare two sets of documents (portal bases or `cache`): findings and their verdicts.
    Diff(diff::Args),
    /// Check the diff's Rust verdicts against cargo-semver-checks on the generated clients.
    SemverCheck(semver_check::Args),
    /// Run codegen on the cached documents and write the Rust source (for inspection).
    Generate(generate::Args),
    /// Build the publishable .crate of spotnana, the client of every API generated inside.
    Package(package::Args),
    /// Measure generation, generated size, build time and memory; write BENCHMARKS.md.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let spec = paths::spec(cli.spec_dir);
    let result = match cli.command {
        Command::Pull(args) => pull::run(&spec, args),
        Command::Regenerate(args) => regenerate::run(&spec, args),
        Command::Check => check::run(&spec),
        Command::Diff(args) => diff::run(&spec, args),
        Command::SemverCheck(args) => semver_check::run(&spec, args),
        Command::Generate(args) => generate::run(&spec, args),
        Command::Package(args) => package::run(&spec, args),
        Command::Bench(args) => bench::run(&spec, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:?}");
            if e.downcast_ref::<Findings>().is_some() {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}
