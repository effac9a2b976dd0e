//! `outpace sensitivity --shard I/N` and `outpace merge`: the merged report of
//! a Sobol analysis, a tornado, a sweep and a rank screen is the single run's,
//! byte for byte (every file, stdout, `--format json`), for 1, 2 and 3 shards;
//! a missing, duplicated, foreign or altered shard is refused with exit code 2
//! naming the file; `--export-paths` writes one row per row of every run.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use support::{merged_equals_single as merged, ok, outpace, refused, scratch, text};

const SEED: &str = "7";

/// `sensitivity` with `args` (after the preset), once whole and as 1, 2 and 3
/// shards (run in reverse order) merged: every report must be the whole run's.
#[track_caller]
fn merged_equals_single(name: &str, args: &[&str]) {
    let common = [
        &["sensitivity", "--preset", "alibaba"][..],
        args,
        &["--seed", SEED, "-q"],
    ]
    .concat();
    merged(name, &common);
}

#[test]
fn merged_sobol_is_the_single_analysis_byte_for_byte() {
    // 64 base points and 10 factors (the noise one included): 12 blocks, 768
    // rows, three shards of 256.
    merged_equals_single("sobol", &["--method", "sobol", "--base", "64"]);
}

#[test]
fn merged_tornado_is_the_single_analysis_byte_for_byte() {
    merged_equals_single(
        "tornado",
        &[
            "--method",
            "tornado",
            "--paths",
            "600",
            "--by",
            "groups",
            // A title, not a key: the merge resolves names as the run did.
            "--definitions",
            "Cumulative payback",
        ],
    );
}

#[test]
fn merged_sweep_and_ranks_are_the_single_analysis_byte_for_byte() {
    merged_equals_single(
        "sweep",
        &[
            "--method",
            "sweep",
            "--sweep",
            "demand.ceiling=120,200",
            "--paths",
            "600",
        ],
    );
    merged_equals_single("ranks", &["--method", "ranks", "--paths", "600"]);
}

fn shard(dir: &Path, shard: &str, extra: &[&str]) -> PathBuf {
    let common = [
        "sensitivity",
        "--preset",
        "alibaba",
        "--method",
        "sobol",
        "--base",
        "32",
        "--by",
        "groups",
        "-q",
    ];
    ok(&[&common[..], extra, &["--shard", shard, "--out", text(dir)]].concat());
    let (i, n) = shard.split_once('/').unwrap();
    dir.join(format!("outpace-shard-{i}-of-{n}.json"))
}

#[test]
fn missing_duplicate_foreign_and_altered_shards_are_refused_naming_the_file() {
    let dir = scratch("refused");
    let a0 = shard(&dir.join("a"), "0/2", &[]);
    let a1 = shard(&dir.join("a"), "1/2", &[]);
    ok(&["merge", text(&a0), text(&a1), "-q"]);
    refused(&[&a0], &["missing shard 1/2", "outpace-shard-1-of-2.json"]);
    refused(&[&a0, &a1, &a0], &["given twice", text(&a0)]);
    for (name, extra, what) in [
        ("seed", &["--seed", "8"][..], "seed"),
        ("method", &["--no-noise"][..], "method"),
        ("scenario", &["--set", "demand.ceiling=170"][..], "scenario"),
        ("confidence", &["--confidence", "0.9"][..], "settings"),
    ] {
        let other = shard(&dir.join(name), "1/2", extra);
        refused(&[&a0, &other], &[text(&other), "another analysis", what]);
    }
    let three = shard(&dir.join("three"), "1/3", &[]);
    refused(&[&a0, &three], &[text(&three), "one of 3 shards"]);
    // A shard of `run` is not a shard of this analysis.
    let run = dir.join("run");
    ok(&[
        "run",
        "--preset",
        "alibaba",
        "--paths",
        "300",
        "-q",
        "--shard",
        "1/2",
        "--out",
        text(&run),
    ]);
    let run1 = run.join("outpace-shard-1-of-2.json");
    refused(
        &[&a0, &run1],
        &[text(&a0), "sensitivity analysis", text(&run1)],
    );
    // Altered contents: the identity no longer matches, or the rows do not.
    let contents = fs::read_to_string(&a1).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&contents).unwrap();
    let altered = dir.join("altered.json");
    value["settings"]["seed"] = serde_json::json!(9);
    fs::write(&altered, value.to_string()).unwrap();
    refused(&[&a0, &altered], &[text(&altered), "altered"]);
    let mut value: serde_json::Value = serde_json::from_str(&contents).unwrap();
    value["rows"]["range"][1] = serde_json::json!(10_000);
    fs::write(&altered, value.to_string()).unwrap();
    refused(&[&a0, &altered], &[text(&altered), "range"]);
    let mut value: serde_json::Value = serde_json::from_str(&contents).unwrap();
    value["version"] = serde_json::json!(99);
    fs::write(&altered, value.to_string()).unwrap();
    refused(&[&a0, &altered], &[text(&altered), "version"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shard_options_are_checked() {
    let dir = scratch("options");
    for (args, needle) in [
        (vec!["--shard", "0/2"], "--out"),
        (
            vec![
                "--shard",
                "0/2",
                "--out",
                text(&dir),
                "--export-paths",
                "x.csv",
            ],
            "--export-paths",
        ),
        (vec!["--shard", "2/2", "--out", text(&dir)], "shard"),
    ] {
        let all = [
            &["sensitivity", "--preset", "alibaba", "--paths", "50", "-q"][..],
            &args,
        ]
        .concat();
        let output = outpace(&all);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Reads a CSV export as its header and rows (no quoted fields in these).
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let contents = fs::read_to_string(path).unwrap();
    let mut lines = contents.lines();
    let split = |l: &str| l.split(',').map(str::to_owned).collect::<Vec<_>>();
    let header = split(lines.next().unwrap());
    (header, lines.map(split).collect())
}

#[test]
fn export_paths_holds_every_row_of_every_run() {
    let dir = scratch("export");
    // Sobol: N (G + 2) rows of one run, blocks A, B, AB_<group>, and in AB_g the
    // inputs of A but for those of g, which come from B.
    let file = dir.join("sobol.csv");
    let json = ok(&[
        "sensitivity",
        "--preset",
        "alibaba",
        "--method",
        "sobol",
        "--base",
        "8",
        "--by",
        "groups",
        "--format",
        "json",
        "-q",
        "--export-paths",
        text(&file),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let factors = json["factors"].as_array().unwrap().len();
    let (header, rows) = read_csv(&file);
    assert_eq!(&header[..4], ["run", "row", "block", "base_point"]);
    assert_eq!(rows.len(), 8 * (factors + 2));
    assert!(header.last().unwrap() == "npv", "{header:?}");
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let ceiling = column("demand.ceiling");
    let by_block = |block: &str, point: usize| {
        rows.iter()
            .find(|r| r[2] == block && r[3] == point.to_string())
            .unwrap()
    };
    for point in 0..8 {
        let (a, b) = (by_block("A", point), by_block("B", point));
        assert_ne!(a[ceiling], b[ceiling]);
        // demand.ceiling is in the `demand` group: AB_demand takes it from B,
        // AB of any other group from A.
        assert_eq!(by_block("AB_demand", point)[ceiling], b[ceiling]);
        assert_eq!(by_block("AB_capacity", point)[ceiling], a[ceiling]);
    }
    // Tornado: the base run and a low and a high run per factor, each of
    // --paths rows; the low run of a factor holds its input at the P10.
    let file = dir.join("tornado.csv");
    ok(&[
        "sensitivity",
        "--preset",
        "alibaba",
        "--paths",
        "300",
        "-q",
        "--export-paths",
        text(&file),
    ]);
    let (header, rows) = read_csv(&file);
    assert_eq!(&header[..2], ["run", "row"]);
    let runs: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(runs.iter().filter(|&&r| r == "base").count(), 300);
    let ceiling = header.iter().position(|h| h == "demand.ceiling").unwrap();
    let low: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[0] == "low:demand.ceiling")
        .collect();
    assert_eq!(low.len(), 300);
    assert!(low.iter().all(|r| r[ceiling] == low[0][ceiling]));
    let base: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "base").collect();
    assert!(base.iter().any(|r| r[ceiling] != base[0][ceiling]));
    fs::remove_dir_all(&dir).unwrap();
}
