//! Legacy Vietnamese encodings (TCVN3, VNI-Windows, VISCII).
//! Placeholder: runs are passed through unchanged until the text-repair issue lands.

use crate::grid::Run;

/// Decodes each run that is in a legacy encoding and joins the runs.
pub fn decode_runs(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}
