//! The shape ARCHITECTURE.md describes, held by reading the sources: no circle
//! among the library's modules, no stage importing a later one, no extractor
//! family reaching into another, and no Rust file over 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The unit a file belongs to: its top-level module, or `extract::FAMILY`.
fn unit(relative: &str) -> String {
    let parts: Vec<&str> = relative.trim_end_matches(".rs").split('/').collect();
    match parts.as_slice() {
        ["extract", family, ..] if *family != "mod" => format!("extract::{family}"),
        [first, ..] => first.to_string(),
        [] => String::new(),
    }
}

/// Which units each unit's non-test code names through `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let path = Regex::new(r"crate::([a-z_]+)(?:::([a-z_]+))?").expect("pattern");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&root).expect("under src").to_string_lossy().replace('\\', "/");
        if relative.starts_with("bin/") || relative.ends_with("/tests.rs") || relative == "lib.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let from = unit(&relative);
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for m in path.captures_iter(line) {
                let to = match (&m[1], m.get(2)) {
                    ("extract", Some(family))
                        if family.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
                    {
                        let family = family.as_str();
                        if ["containers", "word", "sheets", "paged"].contains(&family) {
                            format!("extract::{family}")
                        } else {
                            "extract".to_owned()
                        }
                    }
                    (top, _) => top.to_owned(),
                };
                if to != from {
                    graph.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    graph
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(unit) = todo.pop() {
        for next in graph.get(&unit).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    false
}

#[test]
fn no_module_imports_itself_through_a_circle() {
    let graph = imports();
    let circles: Vec<String> = graph
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (from, to)))
        .filter(|(from, to)| reaches(&graph, to, from))
        .map(|(from, to)| format!("{from} → {to}"))
        .collect();
    assert!(circles.is_empty(), "import circles: {circles:?}");
}

#[test]
fn no_stage_imports_a_later_one() {
    let graph = imports();
    let later_than_extraction =
        ["table", "tree", "prose", "framework", "checks", "report", "pipeline", "batch", "human"];
    let rules: [(&str, &[&str]); 6] = [
        ("extract", &later_than_extraction),
        ("extract::containers", &later_than_extraction),
        ("extract::word", &later_than_extraction),
        ("extract::sheets", &later_than_extraction),
        ("extract::paged", &later_than_extraction),
        ("checks", &["report", "pipeline", "batch", "human", "extract"]),
    ];
    for (unit, forbidden) in rules {
        let wrong: Vec<&String> =
            graph.get(unit).into_iter().flatten().filter(|to| forbidden.contains(&to.as_str())).collect();
        assert!(wrong.is_empty(), "{unit} imports a later stage: {wrong:?}");
    }
    for stage in ["sniff", "grid", "text", "model", "table", "tree"] {
        let wrong: Vec<&String> =
            graph.get(stage).into_iter().flatten().filter(|to| to.starts_with("extract")).collect();
        assert!(wrong.is_empty(), "{stage} imports the extractors: {wrong:?}");
    }
}

#[test]
fn extractor_families_use_only_the_containers_of_one_another() {
    let graph = imports();
    for family in ["word", "sheets", "paged", "containers"] {
        let from = format!("extract::{family}");
        let others: Vec<&String> = graph
            .get(&from)
            .into_iter()
            .flatten()
            .filter(|to| to.starts_with("extract::") && *to != "extract::containers")
            .collect();
        assert!(others.is_empty(), "{from} reaches into {others:?}");
    }
}

#[test]
fn no_source_file_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "examples", "fixtures/gen", "fuzz/fuzz_targets"] {
        sources(&root.join(dir), &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).expect("source").lines().count();
            (lines > 600).then(|| format!("{} ({lines})", f.strip_prefix(root).expect("in the checkout").display()))
        })
        .collect();
    assert!(long.is_empty(), "files over 600 lines: {long:?}");
}
