//! The responsibility matrix, the relationship-protection rules and the relationship-test gate.
//!
//! Boundary only, for now: issue 3 builds it. It will depend on `domain` and `foundation` and
//! never on IO.
