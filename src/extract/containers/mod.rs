//! What every package format is opened through: zip containers read within the
//! document's budget ([`zip_guard`]) and bounded XML reading ([`xml`]).

pub mod xml;
pub mod zip_guard;
