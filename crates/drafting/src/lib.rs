//! The six drafting workflows and the built-in offline engine.
//!
//! Boundary only, for now: issue 4 builds it.
