//! Pipeline risk signals, deal scores, the weekly pipeline report and the forecast.
//!
//! Boundary only, for now: issue 6 builds it over the stored deals and their stage history.
