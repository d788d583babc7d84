//! `cargo xtask …`: the one entry point to pulling Spotnana's documents, regenerating the
//! client and measuring it.

mod bench;
mod changelog;
mod check;
mod diff;
mod fetch;
mod generate;
mod package;
mod paths;
mod pull;
mod regenerate;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Workspace commands for the Spotnana Rust SDK")]
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
    /// Run codegen on the cached documents and write the Rust source (for inspection).
    Generate(generate::Args),
    /// Build publishable .crate files of spotnana-codegen and spotnana (documents bundled).
    Package(package::Args),
    /// Measure generation, generated size, build time and memory; write BENCHMARKS.md.
    Bench(bench::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let spec = paths::Spec::new(cli.spec_dir);
    match cli.command {
        Command::Pull(args) => pull::run(&spec, args),
        Command::Regenerate(args) => regenerate::run(&spec, args),
        Command::Check => check::run(&spec),
        Command::Diff(args) => diff::run(&spec, args),
        Command::Generate(args) => generate::run(&spec, args),
        Command::Package(args) => package::run(&spec, args),
        Command::Bench(args) => bench::run(&spec, args),
    }
}
