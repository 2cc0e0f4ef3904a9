//! The size rules of `docs/architecture.md`, checked over every crate: no Rust source
//! file over 600 lines, and no function outside tests over 100 lines (data tables are
//! constants, not functions, and are not counted).

use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 100;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn workspace_sources() -> Vec<PathBuf> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![];
    for krate in std::fs::read_dir(&crates).expect("crates").flatten() {
        for part in ["src", "tests", "benches"] {
            rust_files(&krate.path().join(part), &mut files);
        }
    }
    files.sort();
    files
}

/// Each function that starts at the beginning of a line (rustfmt's layout) and is not
/// in a `#[cfg(test)]` module, with its first line number and its length in lines.
fn functions(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let tests_from = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
        .unwrap_or(lines.len());
    let mut out = vec![];
    for (n, line) in lines[..tests_from].iter().enumerate() {
        let code = line.trim_start();
        let indent = line.len() - code.len();
        let is_fn = [
            "fn ",
            "pub fn ",
            "async fn ",
            "pub async fn ",
            "pub(crate) fn ",
        ]
        .iter()
        .chain(&["pub(crate) async fn ", "const fn ", "pub const fn "])
        .any(|p| code.starts_with(p));
        if !is_fn || code.ends_with(';') {
            continue;
        }
        let close = format!("{}}}", " ".repeat(indent));
        let Some(len) = lines[n..].iter().position(|l| *l == close) else {
            continue;
        };
        out.push((n + 1, code.chars().take(60).collect(), len + 1));
    }
    out
}

#[test]
fn no_source_file_is_over_600_lines() {
    let files = workspace_sources();
    assert!(files.len() > 150, "only {} files found", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).expect("source").lines().count();
            (n > MAX_FILE_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:#?}");
}

#[test]
fn no_function_outside_tests_is_over_100_lines() {
    let mut long = vec![];
    let mut seen = 0;
    for file in workspace_sources() {
        let path = file.to_string_lossy();
        if path.contains("/tests/") || path.contains("/benches/") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        for (line, head, len) in functions(&text) {
            seen += 1;
            if len > MAX_FN_LINES {
                long.push(format!("{}:{line} {head} ({len} lines)", file.display()));
            }
        }
    }
    assert!(seen > 500, "only {seen} functions read");
    assert!(long.is_empty(), "split these: {long:#?}");
}

#[test]
fn the_function_reader_measures_what_rustfmt_writes() {
    let text = "fn short() {\n    1;\n}\n\nimpl X {\n    pub async fn long(&self) {\n        a();\n        b();\n    }\n}\n#[cfg(test)]\nmod tests {\n    fn ignored() {\n    }\n}\n";
    let found: Vec<(usize, usize)> = functions(text).iter().map(|f| (f.0, f.2)).collect();
    assert_eq!(found, vec![(1, 3), (6, 4)]);
}
