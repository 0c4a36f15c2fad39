//! The documents a bench reads: the bundled examples in `fixtures/samples/`,
//! or every file of the folder named by `PARCHECK_BENCH_DIR`.

use std::path::PathBuf;

/// (file name, bytes) of every file in the bench folder, sorted by name.
pub fn bench_files() -> Vec<(String, Vec<u8>)> {
    let dir = std::env::var_os("PARCHECK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let files: Vec<(String, Vec<u8>)> = paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (name, bytes)
        })
        .collect();
    assert!(!files.is_empty(), "no documents in {}", dir.display());
    files
}
