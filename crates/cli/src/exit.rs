//! Exit codes. Scripts can rely on these; they are listed in the README and in `--help`.

/// The outcome of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// 0: done.
    Success = 0,
    /// 1: an unexpected failure (a bug, or the machine: disk full, permissions).
    Failure = 1,
    // 2 is clap's: the command line itself is wrong.
    /// 3: an input file is malformed, unrecognised or partly invalid; nothing of it was stored.
    InvalidInput = 3,
    /// 4: the database could not be opened, migrated or written.
    Database = 4,
    /// 5: refused to protect data (e.g. `demo` into a data directory that already has data).
    Refused = 5,
}

impl From<Code> for std::process::ExitCode {
    fn from(c: Code) -> Self {
        std::process::ExitCode::from(c as u8)
    }
}

/// A refusal to protect existing data.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Some files failed to import (each already reported); the rest were stored.
#[derive(Debug, thiserror::Error)]
#[error("{failed} of {total} file(s) could not be imported; nothing from those files was stored")]
pub struct ImportFailed {
    /// Files that failed.
    pub failed: usize,
    /// Files given.
    pub total: usize,
}

/// A file could not be written to the database (nothing of it was stored).
#[derive(Debug, thiserror::Error)]
#[error(
    "{0} file(s) could not be stored: the database refused or failed the write; nothing from those files was stored"
)]
pub struct StoreFailed(pub usize);

/// An input (a file, an id, a name) is invalid; the message says which and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

/// `foundation check` found problems (each already printed).
#[derive(Debug, thiserror::Error)]
#[error("the Foundation has {0} problem(s); nothing was changed")]
pub struct FoundationProblems(pub usize);

/// Maps an error chain to its exit code.
pub fn classify(e: &anyhow::Error) -> Code {
    for cause in e.chain() {
        if let Some(f) = cause.downcast_ref::<roomwork_foundation::FoundationError>() {
            return match f {
                roomwork_foundation::FoundationError::Invalid(_) => Code::InvalidInput,
                roomwork_foundation::FoundationError::Exists(_) => Code::Refused,
                roomwork_foundation::FoundationError::Io { .. } => Code::Failure,
            };
        }
        if cause.is::<roomwork_ingest::IngestError>()
            || cause.is::<ImportFailed>()
            || cause.is::<FoundationProblems>()
            || cause.is::<InvalidInput>()
        {
            return Code::InvalidInput;
        }
        if cause.is::<roomwork_store::StoreError>() || cause.is::<StoreFailed>() {
            return Code::Database;
        }
        if cause.is::<Refused>() {
            return Code::Refused;
        }
    }
    Code::Failure
}
