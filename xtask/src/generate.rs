//! `cargo xtask generate`: codegen on the cached documents, written out for inspection.

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

pub fn run(spec: &crate::paths::Spec, args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(&args.out)?;
    let mut docs = Vec::new();
    for api in &manifest.api {
        if !args.apis.is_empty() && !args.apis.contains(&api.module) {
            continue;
        }
        docs.push((api.module.clone(), crate::paths::read_cached(spec, api)?));
    }
    let inputs: Vec<(&str, &[u8])> = docs.iter().map(|(m, b)| (m.as_str(), b.as_slice())).collect();
    let set = spotnana_codegen::generate_all(&inputs, &spotnana_codegen::Options::default())?;
    let common = args.out.join("common.rs");
    std::fs::write(&common, &set.common)?;
    println!(
        "common: {} shared types, {} lines → {}",
        set.common_types,
        set.common.lines().count(),
        common.display()
    );
    if args.verbose {
        print_report(&set.common_report);
    }
    for (module, generated) in &set.apis {
        let out = args.out.join(format!("{module}.rs"));
        std::fs::write(&out, &generated.code)?;
        println!(
            "{module}: {} operations, {} types from common, {} lines → {}",
            generated.operations,
            generated.shared,
            generated.code.lines().count(),
            out.display()
        );
        if args.verbose {
            print_report(&generated.report);
        }
    }
    println!(
        "component schemas: {} definitions → {} Rust types ({} in common)",
        set.apis.iter().map(|(_, g)| g.components).sum::<usize>(),
        set.component_types(),
        set.common_types
    );
    Ok(())
}

fn print_report(report: &spotnana_codegen::Report) {
    for (fixup, changes) in report {
        println!("  {fixup}: {}", changes.len());
        for (ptr, note) in changes.places.iter().filter(|_| changes.len() <= 20) {
            println!("    {ptr}: {note}");
        }
    }
}
