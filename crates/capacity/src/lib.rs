//! Screen work versus room work per account manager per week.
//!
//! Boundary only, for now: issue 8 builds it. Activities already record their kind
//! (`ActivityKind::is_touchpoint`) and whether they were AI-assisted.
