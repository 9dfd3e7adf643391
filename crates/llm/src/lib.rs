//! Language-model providers behind one trait.
//!
//! Boundary only, for now: issue 4 builds the OpenAI-compatible and Anthropic clients.
