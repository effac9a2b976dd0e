//! End-to-end tests of the `outpace` binary: the files it writes agree with a
//! library run of the same seed and paths, the tables and charts have the stated
//! columns, series and labels, and bad input gives exit code 2 with one clear line.

use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{COMPARED, CloudModel, PRESETS, Scenario};
use outpace::report::csv::{BREAKEVEN_COLUMNS, COMPARISON_COLUMNS, FAN_CHART_COLUMNS};
use outpace::report::json::{ComparisonSummary, Summary};
use outpace::report::{files, text};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../../tests/support/report_files.rs"]
mod report_files;
use report_files::{csv_rows, number, svg_texts};

/// The repository's root, where `scenarios/` lives: commands run there.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Paths of every run: small, to keep the suite fast.
const PATHS: usize = 2_000;

fn outpace(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outpace"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A fresh scratch directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("outpace-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn study(scenario: &Scenario, seed: u64) -> Study {
    let options = StudyOptions {
        paths: PATHS,
        seed,
        ..StudyOptions::default()
    };
    Study::run(&CloudModel::new(scenario.clone()).unwrap(), &options).unwrap()
}

/// Bad input: exit code 2, every stderr line an `error:` line, no panic.
fn assert_bad_input(output: &Output, expected: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    assert!(err.lines().all(|l| l.starts_with("error: ")), "{err}");
    for e in expected {
        assert!(err.contains(e), "expected `{e}` in: {err}");
    }
    assert!(output.stdout.is_empty());
}

#[test]
fn run_writes_files_that_agree_with_the_library() {
    let dir = scratch("run");
    let out = dir.to_str().unwrap();
    let output = outpace(&[
        "run", "--preset", "alibaba", "--paths", "2_000", "--seed", "11", "--out", out, "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        output.stderr.is_empty(),
        "--quiet prints nothing: {}",
        stderr(&output)
    );

    let expected_study = study(&Scenario::alibaba(), 11);
    let expected = Summary::from_study(&expected_study);
    let text_json = fs::read_to_string(dir.join(files::SUMMARY_JSON)).unwrap();
    let summary: Summary = serde_json::from_str(&text_json).unwrap();
    assert_eq!(summary.run.seed, 11);
    assert_eq!(summary.run.paths, PATHS);
    assert_eq!(summary.outpace_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        Scenario::from_json_str(&summary.scenario.to_string()).unwrap(),
        Scenario::alibaba()
    );
    for (b, lib) in summary.breakevens.iter().zip(expected_study.breakevens()) {
        assert_eq!(b.key, lib.rule().key());
        assert_eq!(b.within_horizon, lib.within_horizon());
        assert_eq!(b.cdf, lib.cdf());
        assert_eq!(b.reached, lib.reached());
        assert_eq!(b.p50.as_ref().map(|p| p.period), lib.p50());
        assert_eq!(b.mean_period, lib.mean());
    }
    assert_eq!(summary, expected, "the whole summary is reproduced exactly");
    assert_eq!(stdout(&output), text::study(&expected_study));
    assert_eq!(
        fs::read_to_string(dir.join(files::REPORT_TXT)).unwrap(),
        stdout(&output)
    );

    check_cloud_files(&dir, &summary);
    fs::remove_dir_all(&dir).unwrap();
}

/// The generic checks of every study's files, and the cloud's own values.
fn check_cloud_files(dir: &Path, summary: &Summary) {
    report_files::check_study_files(dir, summary);
    let rows = csv_rows(&dir.join(files::BREAKEVEN_CSV), &BREAKEVEN_COLUMNS);
    assert_eq!(&rows[1][3..5], ["2026Q2", "2026-06-30"]);
    let rows = csv_rows(&dir.join(files::FAN_CHART_CSV), &FAN_CHART_COLUMNS);
    let revenue = summary.series("revenue").unwrap();
    let median_2030 = rows
        .iter()
        .find(|r| r[1] == "revenue" && r[4] == "2030Q4" && r[6] == "p50")
        .unwrap();
    assert_eq!(median_2030[2], "RMB bn per quarter");
    assert_eq!(median_2030[7], "0.5");
    assert_eq!(number(&median_2030[8]), revenue.band(0.5).unwrap()[19]);
    let statistics: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[6].as_str()).collect();
    let expected: std::collections::BTreeSet<&str> =
        ["p5", "p10", "p25", "p50", "p75", "p90", "p95", "mean"].into();
    assert_eq!(statistics, expected);
    let fan = svg_texts(&dir.join(files::FAN_CHART_SVG));
    for label in [
        "Revenue median",
        "Spending P10-P90",
        "RMB bn per quarter",
        "2030",
        "2,000 paths",
    ] {
        assert!(fan.contains(label), "fan chart lacks `{label}`:\n{fan}");
    }
}

#[test]
fn json_format_prints_the_summary() {
    let output = outpace(&[
        "run",
        "scenarios/price_war.toml",
        "--paths",
        "2000",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: Summary = serde_json::from_str(&stdout(&output)).expect("valid JSON summary");
    let scenario = Scenario::from_path(root().join("scenarios/price_war.toml")).unwrap();
    assert_eq!(summary, Summary::from_study(&study(&scenario, 2026)));
    assert_eq!(summary.name(), "price_war");
}

#[test]
fn compare_pairs_scenarios_in_command_line_order() {
    let dir = scratch("compare");
    let output = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        "scenarios/chip_ban.toml",
        "preset:optimistic",
        "--paths",
        "2000",
        "--format",
        "json",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: ComparisonSummary = serde_json::from_str(&stdout(&output)).unwrap();
    let names: Vec<&str> = summary.scenarios.iter().map(Summary::name).collect();
    assert_eq!(names, ["alibaba", "chip_ban", "optimistic"]);
    let base = study(&Scenario::alibaba(), 2026);
    let alternatives: Vec<(Study, Vec<_>)> = ["chip_ban", "optimistic"]
        .iter()
        .map(|name| {
            let alt = study(&Scenario::preset(name).unwrap(), 2026);
            let comparisons = base.compare(&alt).unwrap();
            (alt, comparisons)
        })
        .collect();
    let borrowed: Vec<_> = alternatives
        .iter()
        .map(|(s, c)| (s, c.as_slice()))
        .collect();
    assert_eq!(summary, ComparisonSummary::new(&base, &borrowed));
    let written: ComparisonSummary =
        serde_json::from_str(&fs::read_to_string(dir.join(files::COMPARISON_JSON)).unwrap())
            .unwrap();
    assert_eq!(written, summary);

    let rows = csv_rows(&dir.join(files::COMPARISON_CSV), &COMPARISON_COLUMNS);
    assert_eq!(rows.len(), summary.differences.len());
    assert!(rows.iter().all(|r| r[0] == "alibaba" && r[3] == "2000"));
    let breakeven = csv_rows(&dir.join(files::BREAKEVEN_CSV), &BREAKEVEN_COLUMNS);
    assert_eq!(breakeven.len(), 3 * 6 * 41);
    for key in COMPARED {
        let chart = svg_texts(&dir.join(files::comparison_svg(key)));
        for name in ["alibaba (baseline)", "chip_ban", "optimistic"] {
            assert!(chart.contains(name), "{key}: {chart}");
        }
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn presets_lists_the_six_presets() {
    let output = outpace(&["presets"]);
    assert_eq!(output.status.code(), Some(0));
    let listed: Vec<String> = stdout(&output)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect();
    let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    assert_eq!(listed, names);
    let source = outpace(&["presets", "chip_ban"]);
    assert_eq!(stdout(&source), PRESETS[2].source());
    assert_bad_input(&outpace(&["presets", "nope"]), &["unknown preset `nope`"]);
}

#[test]
fn validate_reports_every_problem_with_its_location() {
    let dir = scratch("validate");
    let base = PRESETS[0].source();
    let broken = base
        .replace("horizon_years = 10", "horizon_years = \"ten\"")
        .replace("utilisation = 0.9", "utilisation = 1.5")
        .replace("decay = 4.0", "decay = 1.0")
        .replace("[capex]", "[capex]\nbudget = 3");
    let path = dir.join("broken.toml");
    fs::write(&path, &broken).unwrap();
    let output = outpace(&["validate", path.to_str().unwrap()]);
    let line = |needle: &str| broken.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    assert_bad_input(
        &output,
        &[
            &format!(
                "broken.toml:{}:17: at `horizon_years`: invalid type",
                line("horizon_years")
            ),
            &format!(
                "broken.toml:{}:15: invalid parameter `initial.utilisation` = 1.5",
                line("utilisation")
            ),
            "invalid parameter `price_war.excitation` = 1.5: must stay below `decay`",
            &format!(
                "broken.toml:{}:1: at `capex.budget`: unknown field `budget`",
                line("budget")
            ),
        ],
    );
    assert_eq!(stderr(&output).lines().count(), 4);

    let ok = outpace(&["validate", "scenarios/ai_boom.toml", "--preset", "alibaba"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(
        stdout(&ok)
            .lines()
            .filter(|l| l.starts_with("ok: "))
            .count(),
        2
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_exits_with_code_2_and_one_line_per_error() {
    let dir = scratch("bad");
    assert_bad_input(
        &outpace(&["run", "no/such/file.toml", "--paths", "100"]),
        &["cannot read `no/such/file.toml`"],
    );
    assert_bad_input(
        &outpace(&["run", "alibaba", "--paths", "100"]),
        &["--preset alibaba"],
    );
    assert_bad_input(
        &outpace(&["run", "--preset", "alibabaa"]),
        &["`preset` = alibabaa", "known presets: alibaba, price_war"],
    );
    let malformed = dir.join("malformed.toml");
    fs::write(&malformed, "name = \"x\"\nstart = 2026Q1\n").unwrap();
    assert_bad_input(
        &outpace(&["run", malformed.to_str().unwrap()]),
        &["malformed.toml:2:9: TOML syntax"],
    );
    let json = dir.join("malformed.json");
    fs::write(&json, "{\n  \"name\": \"x\",\n  \"start\": \n").unwrap();
    assert_bad_input(
        &outpace(&["run", json.to_str().unwrap()]),
        &["malformed.json:4:1: JSON syntax"],
    );
    let invalid = dir.join("invalid.toml");
    fs::write(
        &invalid,
        "extends = \"alibaba\"\n[initial]\nutilisation = 1.5\n",
    )
    .unwrap();
    assert_bad_input(
        &outpace(&["run", invalid.to_str().unwrap()]),
        &["invalid.toml:3:15: invalid parameter `initial.utilisation` = 1.5: must lie in (0, 1]"],
    );
    let paths = outpace(&["run", "--preset", "alibaba", "--paths", "0"]);
    assert_eq!(paths.status.code(), Some(2));
    assert!(stderr(&paths).contains("must be at least 1"));
    assert_bad_input(
        &outpace(&["compare", "--preset", "alibaba"]),
        &["at least two scenarios"],
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_run_leaves_existing_files_alone() {
    let dir = scratch("atomic");
    let summary = dir.join(files::SUMMARY_JSON);
    fs::write(&summary, "old").unwrap();
    let output = outpace(&["run", "no/such/file.toml", "--out", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&summary).unwrap(), "old");
    let entries = fs::read_dir(&dir).unwrap().count();
    assert_eq!(entries, 1, "nothing else was written");
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_with_code_130() {
    use std::time::{Duration, Instant};
    let dir = scratch("interrupt");
    let out = dir.join("report");
    let mut child = Command::new(env!("CARGO_BIN_EXE_outpace"))
        .args([
            "run", "--preset", "alibaba", "--paths", "5000000", "-q", "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let status = child.wait().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "stops promptly"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(!out.exists(), "no report is written");
    fs::remove_dir_all(&dir).unwrap();
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn out_refuses_directories_outpace_did_not_write() {
    let dir = scratch("foreign");
    fs::write(dir.join("notes.md"), "mine").unwrap();
    let out = dir.to_str().unwrap();
    let output = outpace(&[
        "run", "--preset", "alibaba", "--paths", "500", "-q", "--out", out,
    ]);
    assert_bad_input(&output, &["--out", "not written by outpace", ".outpace"]);
    assert_eq!(names(&dir), ["notes.md"]);
    // The issue's case: a file of the set pre-created as a directory.
    fs::remove_file(dir.join("notes.md")).unwrap();
    fs::create_dir(dir.join(files::FAN_CHART_CSV)).unwrap();
    let output = outpace(&[
        "run", "--preset", "alibaba", "--paths", "500", "-q", "--out", out,
    ]);
    assert_bad_input(&output, &["--out", "fan_chart.csv"]);
    assert_eq!(names(&dir), [files::FAN_CHART_CSV]);
    assert!(names(&dir.join(files::FAN_CHART_CSV)).is_empty());
    let parent = dir.parent().unwrap();
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        names(parent).iter().filter(|n| n.contains(&name)).count(),
        1,
        "no temporary sibling"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_reused_out_directory_holds_only_the_new_report() {
    let dir = scratch("reused").join("report");
    let out = dir.to_str().unwrap();
    let compare = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        "preset:chip_ban",
        "--paths",
        "500",
        "-q",
        "--out",
        out,
    ]);
    assert_eq!(compare.status.code(), Some(0), "{}", stderr(&compare));
    assert!(dir.join(files::COMPARISON_CSV).is_file());
    let run = outpace(&[
        "run", "--preset", "alibaba", "--paths", "500", "-q", "--out", out,
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let written = names(&dir);
    assert!(
        !written.iter().any(|n| n.starts_with("compar")),
        "{written:?}"
    );
    let marker = fs::read_to_string(dir.join(files::MARKER)).unwrap();
    let mut listed: Vec<&str> = marker.lines().filter(|l| !l.starts_with('#')).collect();
    listed.push(files::MARKER);
    listed.sort_unstable();
    assert_eq!(written, listed, "exactly the files the marker lists");
    assert!(written.contains(&files::REPORT_HTML.to_owned()));
    fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[test]
fn an_unwritable_out_directory_leaves_nothing_behind() {
    let dir = scratch("unwritable");
    // The temporary sibling's name exceeds the file system's limit of 255 bytes.
    let out = dir.join("r".repeat(240));
    let output = Command::new(env!("CARGO_BIN_EXE_outpace"))
        .args([
            "run", "--preset", "alibaba", "--paths", "500", "-q", "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("error: cannot"),
        "{}",
        stderr(&output)
    );
    assert!(names(&dir).is_empty(), "{:?}", names(&dir));
    fs::remove_dir_all(&dir).unwrap();
}

/// Ctrl-C (once or twice) at moments spread over a whole run, writing included:
/// the outcome is either exit 130 with nothing new, or (the signal came after the
/// report was in place) exit 0 with the whole report.
#[cfg(unix)]
#[test]
fn ctrl_c_at_any_moment_leaves_all_or_nothing() {
    use std::time::{Duration, Instant};
    let dir = scratch("interrupt-any");
    let out = dir.join("report");
    let run = |presses: usize, delay: Duration| {
        let child = Command::new(env!("CARGO_BIN_EXE_outpace"))
            .args([
                "run", "--preset", "alibaba", "--paths", "10000", "-q", "--out",
            ])
            .arg(&out)
            .current_dir(root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        for _ in 0..presses {
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
        }
        let status = child.wait_with_output().unwrap().status;
        // Before the handler is installed, SIGINT ends the process the default way
        // (the shell shows 130 too); nothing has been written by then.
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            Some(2) => Some(130),
            _ => status.code(),
        }
    };
    // How long an uninterrupted run takes, writing included.
    let started = Instant::now();
    assert_eq!(run(0, Duration::ZERO), Some(0));
    let whole = started.elapsed();
    let complete = names(&out);
    fs::remove_dir_all(&out).unwrap();
    let mut interrupted = 0;
    for step in 0..=7u32 {
        for presses in [1, 2] {
            let code = run(presses, whole * step / 6);
            match code {
                Some(130) => {
                    interrupted += 1;
                    assert!(names(&dir).is_empty(), "{:?}", names(&dir));
                }
                Some(0) => {
                    assert_eq!(names(&out), complete);
                    fs::remove_dir_all(&out).unwrap();
                }
                other => panic!("exit {other:?} after {presses} Ctrl-C at step {step}"),
            }
            assert!(names(&dir).is_empty(), "{:?}", names(&dir));
        }
    }
    assert!(
        interrupted >= 8,
        "most presses interrupt the run ({interrupted})"
    );
    fs::remove_dir_all(&dir).unwrap();
}
