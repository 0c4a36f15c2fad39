//! The Word family: .docx ([`docx`]), Word 97-2003 .doc ([`doc`]), OpenDocument
//! text ([`odt`]), RTF ([`rtf`]) and HTML saved as .doc/.xls ([`html`]). The
//! streaming readers (.docx, .odt) share one open-table stack ([`table_stack`]).

pub mod doc;
pub mod docx;
pub mod html;
pub mod odt;
pub mod rtf;
mod table_stack;
