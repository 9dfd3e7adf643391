//! Meeting intelligence over call transcripts.
//!
//! Boundary only, for now: issue 7 builds it. Transcripts are already stored exactly as
//! uploaded (`roomwork_domain::Transcript`), and the demo writes WebVTT in three tool styles.
