//! What a command found, as opposed to a failure to run it: the two exit statuses scripts and
//! CI tell apart.

/// What a command found and reports by exiting with status 1 (stale spec, breaking findings):
/// scripts and CI tell it apart from a failure to run (status 2).
#[derive(Debug)]
pub struct Findings(pub String);

impl std::fmt::Display for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Findings {}
