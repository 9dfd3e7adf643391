//! The six Foundation documents: the company's standards that shape every AI output.
//!
//! Boundary only, for now: issue 3 builds the file format, loading, validation (`roomwork
//! foundation check`), scaffolding (`foundation init`) and which workflows each document
//! unlocks. Until then the stage list lives in `roomwork_domain::StageCatalog::default_b2b`.
