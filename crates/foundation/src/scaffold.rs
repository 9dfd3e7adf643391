//! Writing a starting set of documents.
//!
//! `Set::Starter` is the commented starting set `roomwork foundation init` writes: complete and
//! valid, with every key explained, for a sales director to adapt. `Set::Demo` is the filled set
//! of the demo company (Brightwater Industrial Supply). Both are compiled into the binary, so that
//! a fresh machine needs nothing else. Existing files are never overwritten unless asked.

use std::path::{Path, PathBuf};

use crate::{DocKind, FoundationError, folder};

/// Which set of documents to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Set {
    /// The commented starting set.
    Starter,
    /// The demo company's filled set.
    Demo,
}

fn text(set: Set, kind: DocKind) -> &'static str {
    match (set, kind) {
        (Set::Starter, DocKind::Communication) => {
            include_str!("../templates/starter/communication.toml")
        }
        (Set::Starter, DocKind::Tiers) => include_str!("../templates/starter/tiers.toml"),
        (Set::Starter, DocKind::Briefing) => include_str!("../templates/starter/briefing.toml"),
        (Set::Starter, DocKind::Pipeline) => include_str!("../templates/starter/pipeline.toml"),
        (Set::Starter, DocKind::Capabilities) => {
            include_str!("../templates/starter/capabilities.toml")
        }
        (Set::Starter, DocKind::Crm) => include_str!("../templates/starter/crm.toml"),
        (Set::Demo, DocKind::Communication) => include_str!("../templates/demo/communication.toml"),
        (Set::Demo, DocKind::Tiers) => include_str!("../templates/demo/tiers.toml"),
        (Set::Demo, DocKind::Briefing) => include_str!("../templates/demo/briefing.toml"),
        (Set::Demo, DocKind::Pipeline) => include_str!("../templates/demo/pipeline.toml"),
        (Set::Demo, DocKind::Capabilities) => include_str!("../templates/demo/capabilities.toml"),
        (Set::Demo, DocKind::Crm) => include_str!("../templates/demo/crm.toml"),
    }
}

/// Writes the six documents of `set` into `<data_dir>/foundation/` and returns their paths.
/// Refuses, before writing anything, when a document already exists and `force` is false.
pub fn init(data_dir: &Path, set: Set, force: bool) -> Result<Vec<PathBuf>, FoundationError> {
    let dir = folder(data_dir);
    let paths: Vec<PathBuf> = DocKind::ALL
        .iter()
        .map(|k| dir.join(k.file_name()))
        .collect();
    if !force && let Some(p) = paths.iter().find(|p| p.exists()) {
        return Err(FoundationError::Exists(p.clone()));
    }
    std::fs::create_dir_all(&dir).map_err(|source| FoundationError::Io {
        path: dir.clone(),
        source,
    })?;
    for (kind, path) in DocKind::ALL.iter().zip(&paths) {
        // Write to a temporary name and rename, so that an interrupted init never leaves a
        // half-written document behind.
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text(set, *kind))
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|source| FoundationError::Io {
                path: path.clone(),
                source,
            })?;
    }
    Ok(paths)
}
