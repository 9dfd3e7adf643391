//! Lead scoring, routing and model governance.
//!
//! Boundary only, for now: issue 5 builds it. The demo company's leads already carry
//! outcomes drawn from a documented logistic model (`roomwork_demo::LEAD_MODEL`), so that a
//! scorer can be checked against what is learnable.
