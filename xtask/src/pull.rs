//! `cargo xtask pull`: download the documents of the manifest into the cache and pin them.
//!
//! Everything is downloaded and checked before anything is written; then the cache and the
//! lock are replaced together (see [`commit`]), so a failure leaves both as they were.

use crate::fetch::{Patience, Portal};
use crate::paths::Spec;
use anyhow::{Context, bail};
use spotnana_codegen::manifest::{Api, Lock, LockedApi, Manifest, PinError, sha256_hex};
use std::io::IsTerminal;

pub const DEFAULT_PORTAL: &str = "https://developer.spotnana.com";

/// The address Spotnana publishes a document at, `path` being relative to the portal base.
/// The lock records this, whichever mirror (a snapshot directory, a test server) served the
/// bytes: a lock must mean the same on every machine, and the hash says the bytes are the same.
pub fn published_url(path: &str) -> String {
    format!("{DEFAULT_PORTAL}/{}", path.trim_start_matches('/'))
}

/// Where the portal publishes its API changelog.
pub const CHANGELOG_PATH: &str = "releases/changelog.md";

#[derive(clap::Args, Clone)]
pub struct PortalArgs {
    /// Portal base: a URL or a directory laid out like the portal.
    #[arg(long, env = "SPOTNANA_PORTAL", default_value = DEFAULT_PORTAL)]
    pub portal: String,
    #[command(flatten)]
    pub patience: Patience,
}

impl PortalArgs {
    pub fn portal(&self) -> Portal {
        self.patience.portal(&self.portal)
    }
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub portal: PortalArgs,
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

pub fn run(spec: &Spec, args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let lock = Lock::load(&spec.lock()).map_err(anyhow::Error::msg)?;
    let pulled = download_all(&manifest, &args.portal.portal())?;
    if args.frozen {
        for p in &pulled {
            match lock.verify(&p.api.module, &p.bytes) {
                Ok(_) => {}
                Err(PinError::NotPinned) => bail!(
                    "{}: not in {}: run `cargo xtask pull` without --frozen",
                    p.api.module,
                    spec.lock().display()
                ),
                Err(e) => bail!(
                    "{}: {} {e}: run `cargo xtask pull` without --frozen to update",
                    p.api.module,
                    p.url
                ),
            }
        }
        commit(spec, &pulled, &lock)?;
        println!(
            "cache filled: {} documents match {}",
            pulled.len(),
            spec.lock().display()
        );
        return Ok(());
    }
    let mut new_lock = updated_lock(&lock, &pulled);
    // The documents pulled now reflect every changelog entry published so far.
    new_lock.changelog_cursor = Some(newest_changelog_entry(&args.portal.portal())?);
    commit(spec, &pulled, &new_lock)?;
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

/// The heading of the portal's newest changelog entry.
pub fn newest_changelog_entry(portal: &Portal) -> anyhow::Result<String> {
    let path = CHANGELOG_PATH;
    let bytes = portal
        .fetch(path)
        .with_context(|| format!("changelog: fetching {}", portal.url(path)))?;
    let entries = crate::changelog::parse(&String::from_utf8_lossy(&bytes))
        .with_context(|| format!("changelog: {}", portal.url(path)))?;
    Ok(entries[0].heading.clone())
}

/// The lock after a pull: unchanged documents keep their pin and date.
pub fn updated_lock(lock: &Lock, pulled: &[Pulled<'_>]) -> Lock {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut new_lock = lock.clone();
    new_lock.api = pulled
        .iter()
        .map(|p| {
            let url = published_url(&p.api.path);
            let unchanged = lock.get(&p.api.module).filter(|l| l.sha256 == p.sha256 && l.url == url);
            unchanged.cloned().unwrap_or_else(|| LockedApi {
                module: p.api.module.clone(),
                url,
                sha256: p.sha256.clone(),
                size: p.bytes.len() as u64,
                pulled_at: now.clone(),
            })
        })
        .collect();
    new_lock
}

/// Downloads and checks every document of the manifest; writes nothing. Each error names
/// the API, the URL and the cause.
pub fn download_all<'a>(manifest: &'a Manifest, portal: &Portal) -> anyhow::Result<Vec<Pulled<'a>>> {
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(manifest.api.len() as u64);
        bar.set_style(indicatif::ProgressStyle::with_template("{pos}/{len} {wide_msg}").expect("template"));
        bar
    });
    let mut pulled = Vec::new();
    for api in &manifest.api {
        let url = portal.url(&api.path);
        if let Some(bar) = &progress {
            bar.set_message(format!("{}: {url}", api.module));
        }
        let bytes = portal
            .fetch(&api.path)
            .with_context(|| format!("{}: fetching {url}", api.module))?;
        spotnana_codegen::parse::parse_document(&api.module, &bytes)
            .with_context(|| format!("{}: {url} ({} bytes)", api.module, bytes.len()))?;
        let sha256 = sha256_hex(&bytes);
        if let Some(bar) = &progress {
            bar.println(format!(
                "{}: {} bytes, sha256 {}",
                api.module,
                bytes.len(),
                &sha256[..12]
            ));
            bar.inc(1);
        }
        pulled.push(Pulled {
            api,
            url,
            bytes,
            sha256,
        });
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(pulled)
}

/// Replaces the cache and the lock together, both or neither ([`Spec::replace`]).
pub fn commit(spec: &Spec, pulled: &[Pulled<'_>], lock: &Lock) -> anyhow::Result<()> {
    let documents: Vec<(&Api, &[u8])> = pulled.iter().map(|p| (p.api, p.bytes.as_slice())).collect();
    spec.replace(&documents, lock).map_err(anyhow::Error::msg)
}
