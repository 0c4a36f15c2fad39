//! What every package format is opened through: zip containers read within the
//! document's budget ([`zip_guard`]), OLE2 compound files opened as Word and
//! Excel open them ([`compound`], which format sniffing opens them with too,
//! so it lives with sniffing), and bounded XML reading ([`xml`]).

pub mod xml;
pub mod zip_guard;

pub use crate::sniff::compound;
