//! A spec directory: the manifest (`apis.toml`), the lock (`lock.toml`) and the documents it
//! pins (`cache/`). The one home of its layout, of reading a document held against the lock,
//! and of replacing the documents and the lock together. The build script, `pull`,
//! `regenerate`, `check`, `diff`, `package` and `semver-check` all go through it.

use crate::manifest::{Api, Lock, Manifest, PinError};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct SpecDir {
    pub dir: PathBuf,
}

/// A document read from the cache and found to be the one the lock pins.
#[derive(Debug, Clone)]
pub struct Pinned {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Why the cache cannot give an API's pinned document, naming the API and the file.
#[derive(Debug)]
pub enum CacheError {
    Missing {
        module: String,
        path: PathBuf,
        error: std::io::Error,
    },
    Pin {
        module: String,
        path: PathBuf,
        error: PinError,
    },
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::Missing { module, path, error } => {
                write!(
                    f,
                    "the document of the `{module}` API is missing ({}: {error})",
                    path.display()
                )
            }
            CacheError::Pin {
                module,
                error: PinError::NotPinned,
                ..
            } => write!(f, "{module}: not pinned in the lock"),
            CacheError::Pin { module, path, error } => write!(f, "{module}: {} {error}", path.display()),
        }
    }
}

impl std::error::Error for CacheError {}

impl SpecDir {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }
    pub fn manifest(&self) -> PathBuf {
        self.dir.join("apis.toml")
    }
    pub fn lock(&self) -> PathBuf {
        self.dir.join("lock.toml")
    }
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }
    /// What each fix-up and pass changed per pinned document ([`crate::ledger`]).
    pub fn ledger(&self) -> PathBuf {
        self.dir.join("ledger.md")
    }
    pub fn document(&self, api: &Api) -> PathBuf {
        self.cache_dir().join(api.cache_file())
    }

    pub fn load_manifest(&self) -> Result<Manifest, String> {
        Manifest::load(&self.manifest())
    }
    pub fn load_lock(&self) -> Result<Lock, String> {
        Lock::load(&self.lock())
    }

    /// The cached document of `api`, as it is.
    pub fn read(&self, api: &Api) -> Result<Vec<u8>, CacheError> {
        let path = self.document(api);
        std::fs::read(&path).map_err(|error| CacheError::Missing {
            module: api.module.clone(),
            path,
            error,
        })
    }

    /// The cached document of `api`, held against its pin in `lock`.
    pub fn read_pinned(&self, lock: &Lock, api: &Api) -> Result<Pinned, CacheError> {
        let bytes = self.read(api)?;
        match lock.verify(&api.module, &bytes) {
            Ok(sha256) => Ok(Pinned { bytes, sha256 }),
            Err(error) => Err(CacheError::Pin {
                module: api.module.clone(),
                path: self.document(api),
                error,
            }),
        }
    }

    /// Writes `documents` into the cache (beside the documents already there) and `lock`, both
    /// or neither: the new cache is built in a staging directory beside the old one, then the
    /// two renames happen back to back, and if the second fails the first is undone. A failure
    /// before that leaves everything untouched; a failed undo is reported with where the old
    /// cache was left.
    ///
    /// Written with std alone, not `tempfile`: the build script links this crate, and every
    /// build of the client would compile tempfile's dependencies for a function only the
    /// xtask calls.
    pub fn replace(&self, documents: &[(&Api, &[u8])], lock: &Lock) -> Result<(), String> {
        let io = |what: &str, path: &Path, e: std::io::Error| format!("{what} {}: {e}", path.display());
        std::fs::create_dir_all(&self.dir).map_err(|e| io("creating", &self.dir, e))?;
        // Unique among processes and among the threads of one: the staging names.
        static REPLACES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let id = format!(
            "{}-{}",
            std::process::id(),
            REPLACES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let staging = self.dir.join(format!(".cache-new-{id}"));
        let lock_new = self.dir.join(format!(".lock-new-{id}"));
        let backup = self.dir.join(format!(".cache-old-{id}"));
        let cache = self.cache_dir();
        let result = self.stage(&staging, &lock_new, documents, lock).and_then(|()| {
            let had_cache = cache.exists();
            if had_cache {
                std::fs::rename(&cache, &backup).map_err(|e| io("moving aside the old cache", &cache, e))?;
            }
            // Undoes the first rename after the second step failed with `error`.
            let undo = |error: String| {
                let restored = if had_cache {
                    let _ = std::fs::remove_dir_all(&cache);
                    std::fs::rename(&backup, &cache)
                } else {
                    std::fs::remove_dir_all(&cache).or_else(|e| match e.kind() {
                        std::io::ErrorKind::NotFound => Ok(()),
                        _ => Err(e),
                    })
                };
                match restored {
                    Ok(()) => error,
                    Err(e) => format!(
                        "{error}; restoring the old cache failed too ({e}): it is at {}",
                        backup.display()
                    ),
                }
            };
            if let Err(e) = std::fs::rename(&staging, &cache) {
                return Err(undo(io("putting the new cache in place at", &cache, e)));
            }
            if let Err(e) = std::fs::rename(&lock_new, self.lock()) {
                return Err(undo(io("writing the lock", &self.lock(), e)));
            }
            // Both are in place: a backup that cannot be removed is only left over.
            if had_cache {
                let _ = std::fs::remove_dir_all(&backup);
            }
            Ok(())
        });
        // Left over only after a failure.
        let _ = std::fs::remove_dir_all(&staging);
        let _ = std::fs::remove_file(&lock_new);
        result
    }

    /// The new cache in `staging` (the old documents, then `documents`) and the new lock in
    /// `lock_new`.
    fn stage(&self, staging: &Path, lock_new: &Path, documents: &[(&Api, &[u8])], lock: &Lock) -> Result<(), String> {
        let io = |path: &Path, e: std::io::Error| format!("writing {}: {e}", path.display());
        std::fs::create_dir(staging).map_err(|e| io(staging, e))?;
        let cache = self.cache_dir();
        if cache.exists() {
            let entries = std::fs::read_dir(&cache).map_err(|e| format!("reading {}: {e}", cache.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("reading {}: {e}", cache.display()))?;
                let to = staging.join(entry.file_name());
                std::fs::copy(entry.path(), &to).map_err(|e| io(&to, e))?;
            }
        }
        for (api, bytes) in documents {
            let to = staging.join(api.cache_file());
            std::fs::write(&to, bytes).map_err(|e| io(&to, e))?;
        }
        std::fs::write(lock_new, lock.to_toml()).map_err(|e| io(lock_new, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{LockedApi, sha256_hex};

    fn api(module: &str) -> Api {
        Api {
            module: module.into(),
            title: format!("{module} API"),
            path: format!("_bundle/openapi/{module}api.json"),
        }
    }

    fn lock_of(documents: &[(&Api, &[u8])]) -> Lock {
        Lock {
            changelog_cursor: None,
            api: documents
                .iter()
                .map(|(api, bytes)| LockedApi {
                    module: api.module.clone(),
                    url: format!("https://developer.spotnana.com/{}", api.path),
                    sha256: sha256_hex(bytes),
                    size: bytes.len() as u64,
                    pulled_at: "2026-12-01".into(),
                })
                .collect(),
        }
    }

    fn scratch(name: &str) -> SpecDir {
        let dir = std::env::temp_dir().join(format!("spec-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        SpecDir::new(dir)
    }

    #[test]
    fn documents_and_lock_are_replaced_together_and_read_back_pinned() {
        let spec = scratch("replace");
        let (auth, air) = (api("auth"), api("air"));
        let first: [(&Api, &[u8]); 1] = [(&auth, b"{}")];
        spec.replace(&first, &lock_of(&first)).unwrap();
        let second: [(&Api, &[u8]); 1] = [(&air, b"{\"a\":1}")];
        let lock = lock_of(&[(&auth, b"{}"), (&air, b"{\"a\":1}")]);
        spec.replace(&second, &lock).unwrap();
        assert_eq!(spec.load_lock().unwrap(), lock);
        assert_eq!(
            spec.read_pinned(&lock, &auth).unwrap().bytes,
            b"{}",
            "kept beside the new one"
        );
        let pinned = spec.read_pinned(&lock, &air).unwrap();
        assert_eq!(pinned.sha256, sha256_hex(b"{\"a\":1}"));
        let left: Vec<_> = std::fs::read_dir(&spec.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "only cache/ and lock.toml are left: {left:?}");

        std::fs::write(spec.document(&air), b"{\"a\":2}").unwrap();
        let error = spec.read_pinned(&lock, &air).unwrap_err().to_string();
        assert!(
            error.starts_with("air: ") && error.contains("air.json has sha256"),
            "{error}"
        );
        assert!(error.contains("the lock pins"), "{error}");
        let error = spec.read_pinned(&lock, &api("hotel")).unwrap_err().to_string();
        assert!(
            error.contains("`hotel` API is missing") && error.contains("hotel.json"),
            "{error}"
        );
        let error = spec.read_pinned(&lock_of(&[]), &auth).unwrap_err().to_string();
        assert_eq!(error, "auth: not pinned in the lock");
        std::fs::remove_dir_all(&spec.dir).unwrap();
    }

    #[test]
    fn a_failed_replace_changes_nothing() {
        let spec = scratch("failed");
        let auth = api("auth");
        let first: [(&Api, &[u8]); 1] = [(&auth, b"{}")];
        spec.replace(&first, &lock_of(&first)).unwrap();
        let before = std::fs::read(spec.lock()).unwrap();
        // The lock's place is taken by a directory: the last rename fails.
        std::fs::remove_file(spec.lock()).unwrap();
        std::fs::create_dir(spec.lock()).unwrap();
        std::fs::write(spec.lock().join("x"), b"").unwrap();
        let second: [(&Api, &[u8]); 1] = [(&auth, b"{ }")];
        let error = spec.replace(&second, &lock_of(&second)).unwrap_err();
        assert!(error.contains("writing the lock"), "{error}");
        assert_eq!(
            std::fs::read(spec.document(&auth)).unwrap(),
            b"{}",
            "the old cache is back"
        );
        let left: Vec<_> = std::fs::read_dir(&spec.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "no staging left behind: {left:?}");
        std::fs::remove_dir_all(spec.lock()).unwrap();
        std::fs::write(spec.lock(), before).unwrap();
        std::fs::remove_dir_all(&spec.dir).unwrap();
    }
}
