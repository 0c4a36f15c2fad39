//! Paged documents: PDF text pages ([`pdf`]), scanned pages and image files
//! ([`image`], read by [`ocr`]) all become the same page model ([`page`]:
//! positioned glyphs and ruling segments in points). Tables are rebuilt from it
//! by the lattice finder for ruled tables ([`lattice`]) and the stream finder
//! for unruled ones ([`stream`]), lines of prose by [`layout`], and the pages
//! are joined into one grid by the [`Assembler`] ([`assemble`], page furniture
//! such as running headers dropped by [`furniture`], column rules a scan lost
//! or added on one page of a table put right from its neighbour by
//! [`faded_rules`]). OCR finds a scan's cells before it reads them, in pixels
//! (`ocr::cells`), with the lattice finder's own grouping and merging of rulings.

mod assemble;
mod faded_rules;
mod furniture;
pub mod image;
pub(crate) mod lattice;
mod layout;
pub mod ocr;
pub mod page;
pub mod pdf;
mod stream;

pub use assemble::Assembler;
