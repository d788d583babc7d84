//! `cargo xtask generate`: codegen on the cached documents, written out for inspection.

use crate::paths;
use anyhow::Context;
use spotnana_codegen::manifest::Manifest;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Directory to write `<module>.rs` files into.
    #[arg(long, default_value = "target/generated")]
    out: PathBuf,
    /// Only these modules (default: all of the manifest).
    #[arg(long = "api")]
    apis: Vec<String>,
    /// Print what each fix-up changed, per document.
    #[arg(long, short)]
    verbose: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&paths::manifest()).map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(&args.out)?;
    for api in &manifest.api {
        if !args.apis.is_empty() && !args.apis.contains(&api.module) {
            continue;
        }
        let path = paths::cache_dir().join(api.cache_file());
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "{} is not cached ({}): run `cargo xtask pull`",
                api.module,
                path.display()
            )
        })?;
        let generated = spotnana_codegen::generate(&api.module, &bytes)?;
        let out = args.out.join(format!("{}.rs", api.module));
        std::fs::write(&out, &generated.code)?;
        println!(
            "{}: {} operations, {} lines → {}",
            api.module,
            generated.operations,
            generated.code.lines().count(),
            out.display()
        );
        if args.verbose {
            for (fixup, changes) in &generated.report {
                println!("  {fixup}: {}", changes.len());
                for (ptr, note) in changes.places.iter().filter(|_| changes.len() <= 20) {
                    println!("    {ptr}: {note}");
                }
            }
        }
    }
    Ok(())
}
