//! `cargo xtask pull`: download the documents of the manifest into the cache and pin them.
//!
//! Everything is downloaded and checked before anything is written; then the cache files and
//! the lock are replaced through temporary files and renames, so a failure leaves both as
//! they were.

use crate::paths;
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use spotnana_codegen::manifest::{Api, Lock, LockedApi, Manifest};

pub const DEFAULT_PORTAL: &str = "https://developer.spotnana.com";

#[derive(clap::Args)]
pub struct Args {
    /// Portal base: a URL or a directory laid out like the portal.
    #[arg(long, env = "SPOTNANA_PORTAL", default_value = DEFAULT_PORTAL)]
    pub portal: String,
    /// Fill the cache only with documents matching the lock; fail (changing nothing) if the
    /// portal serves anything else. For CI and fresh clones.
    #[arg(long)]
    pub frozen: bool,
}

/// One downloaded, checked document.
pub struct Pulled<'a> {
    pub api: &'a Api,
    pub url: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&paths::manifest()).map_err(anyhow::Error::msg)?;
    let lock = Lock::load(&paths::lock()).map_err(anyhow::Error::msg)?;
    let pulled = download_all(&manifest, &args.portal)?;
    if args.frozen {
        for p in &pulled {
            match lock.get(&p.api.module) {
                Some(l) if l.sha256 == p.sha256 => {}
                Some(l) => bail!(
                    "{}: {} has sha256 {}, the lock pins {}: run `cargo xtask pull` without --frozen to update",
                    p.api.module,
                    p.url,
                    p.sha256,
                    l.sha256
                ),
                None => bail!(
                    "{}: not in spec/lock.toml: run `cargo xtask pull` without --frozen",
                    p.api.module
                ),
            }
        }
        write_cache(&pulled)?;
        println!("cache filled: {} documents match spec/lock.toml", pulled.len());
        return Ok(());
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut new_lock = lock.clone();
    new_lock.api = pulled
        .iter()
        .map(|p| {
            // Keep the pin (and its date) of a document that did not change.
            let unchanged = lock
                .get(&p.api.module)
                .filter(|l| l.sha256 == p.sha256 && l.url == p.url);
            unchanged.cloned().unwrap_or_else(|| LockedApi {
                module: p.api.module.clone(),
                url: p.url.clone(),
                sha256: p.sha256.clone(),
                size: p.bytes.len() as u64,
                pulled_at: now.clone(),
            })
        })
        .collect();
    write_cache(&pulled)?;
    write_atomically(&paths::lock(), new_lock.to_toml().as_bytes())?;
    for p in &pulled {
        let changed = lock.get(&p.api.module).is_none_or(|l| l.sha256 != p.sha256);
        println!(
            "{}: {} bytes, sha256 {}{}",
            p.api.module,
            p.bytes.len(),
            &p.sha256[..12],
            if changed { " (changed)" } else { "" }
        );
    }
    Ok(())
}

/// Downloads and checks every document of the manifest; writes nothing.
pub fn download_all<'a>(manifest: &'a Manifest, portal: &str) -> anyhow::Result<Vec<Pulled<'a>>> {
    manifest
        .api
        .iter()
        .map(|api| {
            let url = join(portal, &api.path);
            let bytes = fetch(&url).with_context(|| format!("{}: fetching {url}", api.module))?;
            spotnana_codegen::parse::parse_document(&api.module, &bytes)
                .with_context(|| format!("{}: {url}", api.module))?;
            let sha256 = hex::encode(Sha256::digest(&bytes));
            Ok(Pulled {
                api,
                url,
                bytes,
                sha256,
            })
        })
        .collect()
}

fn write_cache(pulled: &[Pulled<'_>]) -> anyhow::Result<()> {
    std::fs::create_dir_all(paths::cache_dir())?;
    for p in pulled {
        write_atomically(&paths::cache_dir().join(p.api.cache_file()), &p.bytes)?;
    }
    Ok(())
}

/// Writes through a temporary file in the same directory and a rename.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("no parent directory")?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

pub fn join(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

fn fetch(url: &str) -> anyhow::Result<Vec<u8>> {
    if url.starts_with("http://") || url.starts_with("https://") {
        let mut response = ureq::get(url).call()?;
        Ok(response.body_mut().read_to_vec()?)
    } else {
        let path = std::path::Path::new(url);
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
        Ok(std::fs::read(path)?)
    }
}
