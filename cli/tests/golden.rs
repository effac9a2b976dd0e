//! Golden outputs: the numbers the command line prints and writes for a fixed
//! scenario, seed and path count, pinned byte for byte.
//!
//! A change that moves any of them must say so in `CHANGELOG.md`, and then
//! re-bless the files: `OUTPACE_BLESS=1 cargo test --release --test golden`.
//! The pinned files live in `tests/golden/`; each test compares a fresh run with
//! its file and fails on the first differing line.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root, where `scenarios/` lives: commands run there.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Paths of every pinned run: small, so the test is quick, yet every number of
/// the report depends on many paths.
const PATHS: &str = "2000";
/// Seed of every pinned run.
const SEED: &str = "7";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("OUTPACE_BLESS").is_some()
}

/// Runs the binary with `args` and returns its stdout; it must succeed.
fn outpace(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_outpace"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Compares `actual` with the golden file `name`, or writes it when blessing.
#[track_caller]
fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if blessing() {
        fs::create_dir_all(golden_dir()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    for (i, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, e, "{name}, line {}", i + 1);
    }
    assert_eq!(
        actual.lines().count(),
        expected.lines().count(),
        "{name}: line count"
    );
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("outpace-golden-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

#[test]
fn run_report_and_tables_are_pinned() {
    let dir = scratch("run");
    let out = dir.join("out");
    let text = outpace(&[
        "run",
        "--preset",
        "alibaba",
        "--paths",
        PATHS,
        "--seed",
        SEED,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    check("run.txt", &text);
    for file in ["breakeven.csv", "breakeven_dates.csv", "fan_chart.csv"] {
        check(file, &fs::read_to_string(out.join(file)).unwrap());
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mut npv = summary["scalars"]
        .as_array()
        .and_then(|scalars| scalars.iter().find(|s| s["name"] == "npv"))
        .expect("summary.json has the npv scalar")
        .clone();
    npv.as_object_mut().unwrap().remove("name");
    let npv = serde_json::to_string_pretty(&npv).unwrap() + "\n";
    check("npv.json", &npv);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn comparison_is_pinned() {
    let dir = scratch("compare");
    let out = dir.join("out");
    let text = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        "preset:price_war",
        "scenarios/chip_ban.toml",
        "--paths",
        PATHS,
        "--seed",
        SEED,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    check("compare.txt", &text);
    check(
        "comparison.csv",
        &fs::read_to_string(out.join("comparison.csv")).unwrap(),
    );
    fs::remove_dir_all(&dir).unwrap();
}
