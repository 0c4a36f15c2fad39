//! Merging the NDJSON of several shards or runs into one output in path
//! order, each document once.

use std::collections::HashSet;
use std::io::Write;

use super::BatchError;

/// What `merge_ndjson` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeSummary {
    pub written: usize,
    /// Lines naming a document already written (same `source.path` and `path_bytes`).
    pub duplicates: usize,
}

/// The order and identity of one output line: (`source.path`, `source.path_bytes`).
type LineKey = (String, Option<String>);

fn line_key(line: &str) -> Option<LineKey> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let source = value.get("source")?;
    let path = source.get("path")?.as_str()?.to_owned();
    Some((path, source.get("path_bytes").and_then(|b| b.as_str()).map(str::to_owned)))
}

/// Merges NDJSON outputs (each in path order, as `check` and `export` write
/// them) into one in path order, each document once: the first part naming a
/// document wins. Memory holds one line per part plus the keys seen.
pub fn merge_ndjson(
    parts: Vec<Box<dyn std::io::BufRead>>,
    names: &[String],
    out: &mut dyn Write,
) -> Result<MergeSummary, BatchError> {
    struct Part {
        lines: std::io::Lines<Box<dyn std::io::BufRead>>,
        name: String,
        number: usize,
    }
    fn next(part: &mut Part) -> Result<Option<(LineKey, String)>, BatchError> {
        loop {
            let Some(line) = part.lines.next() else { return Ok(None) };
            part.number += 1;
            let line = line.map_err(|source| BatchError::Input { name: part.name.clone(), source })?;
            if line.trim().is_empty() {
                continue;
            }
            let key =
                line_key(&line).ok_or_else(|| BatchError::NotAResult { name: part.name.clone(), line: part.number })?;
            return Ok(Some((key, line)));
        }
    }
    let mut parts: Vec<Part> = parts
        .into_iter()
        .enumerate()
        .map(|(i, r)| Part {
            lines: std::io::BufRead::lines(r),
            name: names.get(i).cloned().unwrap_or_default(),
            number: 0,
        })
        .collect();
    // Heads ordered by (key, part index): the earliest part wins a tie.
    let mut heads = std::collections::BTreeSet::new();
    let mut lines = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter_mut().enumerate() {
        let head = next(part)?;
        if let Some((key, _)) = &head {
            heads.insert((key.clone(), i));
        }
        lines.push(head.map(|(_, line)| line));
    }
    let mut seen = HashSet::new();
    let mut summary = MergeSummary::default();
    while let Some((key, i)) = heads.pop_first() {
        let line = lines[i].take().unwrap_or_default();
        if seen.insert(key) {
            writeln!(out, "{line}").map_err(BatchError::Output)?;
            summary.written += 1;
        } else {
            summary.duplicates += 1;
        }
        if let Some((key, line)) = next(&mut parts[i])? {
            heads.insert((key, i));
            lines[i] = Some(line);
        }
    }
    out.flush().map_err(BatchError::Output)?;
    Ok(summary)
}
