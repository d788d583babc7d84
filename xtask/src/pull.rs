//! `cargo xtask pull`: download the documents of the manifest into the cache and pin them.

use crate::paths;
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use spotnana_codegen::manifest::{Lock, LockedApi, Manifest};

pub const DEFAULT_PORTAL: &str = "https://developer.spotnana.com";

#[derive(clap::Args)]
pub struct Args {
    /// Portal base: a URL or a directory laid out like the portal.
    #[arg(long, env = "SPOTNANA_PORTAL", default_value = DEFAULT_PORTAL)]
    portal: String,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&paths::manifest()).map_err(anyhow::Error::msg)?;
    let mut lock = Lock::load(&paths::lock()).map_err(anyhow::Error::msg)?;
    let mut fetched = Vec::new();
    for api in &manifest.api {
        let url = join(&args.portal, &api.path);
        let bytes = fetch(&url).with_context(|| format!("{}: fetching {url}", api.module))?;
        let doc = spotnana_codegen::parse::parse_document(&api.module, &bytes)?;
        drop(doc);
        fetched.push((api, url, bytes));
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::fs::create_dir_all(paths::cache_dir())?;
    lock.api.clear();
    for (api, url, bytes) in &fetched {
        std::fs::write(paths::cache_dir().join(api.cache_file()), bytes)?;
        lock.api.push(LockedApi {
            module: api.module.clone(),
            url: url.clone(),
            sha256: hex::encode(Sha256::digest(bytes)),
            size: bytes.len() as u64,
            pulled_at: now.clone(),
        });
        println!("{}: {} bytes from {url}", api.module, bytes.len());
    }
    std::fs::write(paths::lock(), lock.to_toml())?;
    Ok(())
}

fn join(base: &str, path: &str) -> String {
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
