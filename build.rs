//! Gives every build of different sources a different tool version, so the
//! nightly state (`--state`) never reuses a result computed by other code.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn hash_tree(dir: &Path, hasher: &mut DefaultHasher) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            hash_tree(&path, hasher);
        } else if let Ok(bytes) = std::fs::read(&path) {
            path.to_string_lossy().hash(hasher);
            bytes.hash(hasher);
        }
    }
}

fn main() {
    let mut hasher = DefaultHasher::new();
    for input in ["src", "schemas", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={input}");
        let path = Path::new(input);
        if path.is_dir() {
            hash_tree(path, &mut hasher);
        } else if let Ok(bytes) = std::fs::read(path) {
            bytes.hash(&mut hasher);
        }
    }
    println!("cargo:rustc-env=PARCHECK_BUILD_ID={:012x}", hasher.finish() & 0xffff_ffff_ffff);
}
