//! `cargo xtask …`: the one entry point to pulling Spotnana's documents and generating the client.

mod bench;
mod generate;
mod package;
mod paths;
mod pull;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Workspace commands for the Spotnana Rust SDK")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download every document of spec/apis.toml into spec/cache/ and pin it in spec/lock.toml.
    Pull(pull::Args),
    /// Run codegen on the cached documents and write the Rust source (for inspection).
    Generate(generate::Args),
    /// Build publishable .crate files of spotnana-codegen and spotnana (documents bundled).
    Package(package::Args),
    /// Measure generation, generated size, build time and memory; write BENCHMARKS.md.
    Bench(bench::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Pull(args) => pull::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Package(args) => package::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
