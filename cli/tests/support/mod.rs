//! What the end-to-end tests of the binary share: running it from the
//! repository's root, scratch directories, comparing report directories, and the
//! check that a merge of shards is the single run.
// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root, where `scenarios/` and `data/` live: commands run there.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the binary with `args` from the repository's root.
pub fn outpace(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outpace"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

/// Runs the binary, which must succeed; its stdout.
#[track_caller]
pub fn ok(args: &[&str]) -> Vec<u8> {
    let output = outpace(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The stdout of a run, as UTF-8.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The stderr of a run, as UTF-8.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A fresh, empty scratch directory `name` of this test binary (under Cargo's
/// temporary directory for tests, so binaries and runs do not collide).
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{}-{name}", env!("CARGO_CRATE_NAME")));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A path as the `&str` of an argument.
pub fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The sorted file names in `dir`.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Every file of `a` and `b`, equal byte for byte, and the same names (at least
/// one CSV table among them, so an empty report cannot pass).
#[track_caller]
pub fn same_files(a: &Path, b: &Path) {
    let expected = names(a);
    assert!(expected.iter().any(|n| n.ends_with(".csv")), "{expected:?}");
    assert_eq!(names(b), expected);
    for name in &expected {
        let (x, y) = (
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
        );
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Runs `common` (a command and its arguments, `-q` included) once whole and as
/// 1, 2 and 3 shards (run in reverse order) merged, in the scratch directory
/// `name`: every file, stdout and `--format json` of the merge must be the whole
/// run's.
#[track_caller]
pub fn merged_equals_single(name: &str, common: &[&str]) {
    let dir = scratch(name);
    let single = dir.join("single");
    let stdout = ok(&[common, &["--out", text(&single)]].concat());
    for count in 1..=3 {
        let states = dir.join(format!("states-{count}"));
        for i in (0..count).rev() {
            let shard = format!("{i}/{count}");
            let printed = ok(&[common, &["--shard", &shard, "--out", text(&states)]].concat());
            assert!(printed.is_empty(), "a shard prints no report");
        }
        let merged = dir.join(format!("merged-{count}"));
        let merged_stdout = ok(&["merge", text(&states), "--out", text(&merged), "-q"]);
        same_files(&single, &merged);
        assert!(
            merged_stdout == stdout,
            "{name}, {count} shards: stdout differs"
        );
    }
    let json = ok(&[common, &["--format", "json"]].concat());
    let states = dir.join("states-3");
    let merged_json = ok(&["merge", text(&states), "--format", "json", "-q"]);
    assert!(json == merged_json, "{name}: --format json differs");
    fs::remove_dir_all(&dir).unwrap();
}

/// Runs `merge` on `inputs`; it must fail with exit code 2 and a message that
/// contains every one of `needles`, without a panic.
#[track_caller]
pub fn refused(inputs: &[&Path], needles: &[&str]) {
    let mut args = vec!["merge"];
    args.extend(inputs.iter().map(|p| text(p)));
    let output = outpace(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: `{needle}` not in {stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}
