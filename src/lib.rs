//! parcheck: reads the scoring tables of Vietnamese PAR Index (Chỉ số cải cách
//! hành chính) reports and checks their arithmetic.
//!
//! The pipeline is a chain of plain stages, each a module with one job:
//!
//! 1. [`sniff`] — decide the format from the bytes.
//! 2. [`extract`] — one module per format, all producing a [`grid::Document`].
//! 3. [`text`] — normalize every run of text once (encodings, NFC, debris).
//! 4. [`table`] — find the scoring table, assign column roles, classify rows.
//! 5. [`tree`] — build the criteria tree (parents, effective values, leaves).
//! 6. [`checks`] — independent rules over the tree, run by one driver: the
//!    contract's arithmetic, reading notes, the framework the table follows
//!    ([`framework`] chooses its catalog), uncertainty of OCR readings.
//! 7. [`statistics`] — every document, with or without a scoring table: the
//!    counts its prose and annex tables state with their parts, percentages,
//!    total rows and column formulas; `checks::statistics` compares them.
//! 8. [`report`] — the contract's JSON document object, assembled from the
//!    domain types of [`model`].
//!
//! Settings ([`config::Options`], [`config::Limits`]) are read by every stage.
//!
//! [`pipeline`] runs the stages for one file; [`batch`] runs many in parallel.

pub mod batch;
pub mod checks;
pub mod code;
pub mod config;
pub mod extract;
pub mod framework;
pub mod grid;
pub mod human;
pub mod isolate;
pub mod model;
pub mod number;
pub mod pipeline;
pub mod prose;
pub mod report;
pub mod sniff;
pub mod state;
pub mod statistics;
pub mod table;
pub mod text;
pub mod tree;

/// Version recorded in every output object and in the nightly state: the
/// package version plus a hash of the sources it was built from (`build.rs`).
pub const TOOL_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("PARCHECK_BUILD_ID"));
