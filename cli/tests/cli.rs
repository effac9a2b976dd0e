//! End-to-end tests of the `outpace` binary: the files it writes agree with a
//! library run of the same seed and paths, the tables and charts have the stated
//! columns, series and labels, and bad input gives exit code 2 with one clear line.

mod support;

use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{COMPARED, CloudModel, PRESETS, Scenario};
use outpace::report::csv::{BREAKEVEN_COLUMNS, COMPARISON_COLUMNS, FAN_CHART_COLUMNS};
use outpace::report::json::{ComparisonSummary, Summary};
use outpace::report::{files, text};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::{names, outpace, root, scratch, stderr, stdout};

#[path = "../../tests/support/report_files.rs"]
mod report_files;
use report_files::{csv_rows, number, svg_texts};

/// Paths of every run: small, to keep the suite fast.
const PATHS: usize = 2_000;

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

/// Writes `text` as the scenario file `name` in `dir` and returns its path.
fn scenario_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `scenario` with a horizon of `years`.
fn with_horizon(mut scenario: Scenario, years: u32) -> Scenario {
    scenario.horizon_years = years;
    scenario
}

#[test]
fn compare_over_the_common_span_of_different_horizons() {
    let dir = scratch("span");
    let short = scenario_file(
        &dir,
        "short.toml",
        "extends = \"chip_ban\"\nname = \"chip_ban_6y\"\nhorizon_years = 6\n",
    );
    let out = dir.join("out");
    let output = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        &short,
        "--paths",
        "2000",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: ComparisonSummary = serde_json::from_str(&stdout(&output)).unwrap();

    // The library: the 10-year baseline against the 6-year alternative is, bit
    // for bit, the comparison of two 6-year studies (the cloud model's first 24
    // quarters do not depend on the horizon). Without truncation the horizons
    // are refused; a truncation that ignored the sustained window (keeping
    // `T <= span` instead of `T + s - 1 <= span`) moves `flow_crossover_4q`.
    let short_scenario = with_horizon(Scenario::preset("chip_ban").unwrap(), 6);
    let (ten, six) = (
        study(&Scenario::alibaba(), 2026),
        study(&with_horizon(Scenario::alibaba(), 6), 2026),
    );
    let alternative = study(
        &Scenario {
            name: "chip_ban_6y".into(),
            ..short_scenario
        },
        2026,
    );
    let over_span = ten.compare(&alternative).unwrap();
    assert_eq!(over_span, six.compare(&alternative).unwrap());
    assert_eq!(over_span.len(), 6);
    assert!(over_span.iter().all(|c| c.steps() == 24));
    // And the other way round: the short study as the baseline.
    assert_eq!(
        alternative.compare(&ten).unwrap(),
        alternative.compare(&six).unwrap()
    );
    assert_eq!(
        summary,
        ComparisonSummary::new(&ten, &[(&alternative, over_span.as_slice())])
    );
    // The per-period differences stop at the span and end at the probability
    // difference within it.
    for d in &summary.differences {
        let span = d.span.as_ref().unwrap();
        assert_eq!(
            (
                span.periods,
                span.first.label.as_str(),
                span.last.label.as_str()
            ),
            (24, "2026Q2", "2032Q1")
        );
        assert!(span.truncated);
        assert_eq!(d.cdf_difference.len(), 25);
        let last = d.cdf_difference.last().unwrap();
        assert!((last.estimate - d.probability.difference.estimate).abs() < 1e-12);
    }

    let rows = csv_rows(&out.join(files::COMPARISON_CSV), &COMPARISON_COLUMNS);
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter()
            .all(|r| r[1] == "chip_ban_6y" && r[17..] == ["24", "2026Q2", "2032Q1"])
    );
    let sentence = "chip_ban_6y compared over the common span of 24 quarters (2026Q2..2032Q1)";
    let text = fs::read_to_string(out.join(files::COMPARISON_TXT)).unwrap();
    assert!(text.contains(sentence), "{text}");
    assert!(text.contains("its horizon is 24 quarters, the baseline's 40"));
    let html = fs::read_to_string(out.join(files::REPORT_HTML)).unwrap();
    assert!(
        html.contains("compared over the common span of 24 quarters (2026Q2..2032Q1)"),
        "report.html lacks the span"
    );
    // Equal horizons print no span line.
    let equal = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        "preset:chip_ban",
        "--paths",
        "500",
        "-q",
    ]);
    assert_eq!(equal.status.code(), Some(0), "{}", stderr(&equal));
    assert!(!stdout(&equal).contains("common span"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_rule_held_to_the_horizon_is_not_compared_over_a_shorter_span() {
    let dir = scratch("span-held");
    let rule = "[[rules]]\nkey = \"cash_positive_for_good\"\ntitle = \"Cash positive for good\"\n\
                when = \"free_cash_flow >= 0\"\nsustain = \"horizon\"\n";
    let long = scenario_file(
        &dir,
        "long.toml",
        &format!("extends = \"alibaba\"\nname = \"long\"\n{rule}"),
    );
    let short = scenario_file(
        &dir,
        "short.toml",
        &format!("extends = \"alibaba\"\nname = \"short\"\nhorizon_years = 6\n{rule}"),
    );
    let args = ["compare", &long, &short, "--paths", "500", "-q"];
    let held = [&args[..], &["--definitions", "cash positive for good"]].concat();
    assert_bad_input(
        &outpace(&held),
        &["`rules[cash_positive_for_good].sustain`", "equal horizons"],
    );
    // The other rules compare over the span.
    let others = [&args[..], &["--definitions", "cumulative_payback"]].concat();
    let output = outpace(&others);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("common span of 24 quarters"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn definitions_by_title_choose_the_rules_a_comparison_shows() {
    let dir = scratch("titles");
    let output = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        "preset:chip_ban",
        "--definitions",
        "cumulative PAYBACK, Free cash flow break-even (4q running),flow_crossover_8q",
        "--paths",
        "1000",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let shown: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("chip_ban"))
        .map(|l| {
            l.split("  ")
                .filter(|f| !f.is_empty())
                .nth(1)
                .unwrap()
                .trim()
        })
        .collect();
    assert_eq!(
        shown,
        [
            "Cumulative payback",
            "Free cash flow break-even (4q running)",
            "Free cash flow break-even (8q running)"
        ],
        "{text}"
    );
    let rows = csv_rows(&dir.join(files::COMPARISON_CSV), &COMPARISON_COLUMNS);
    let rules: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[2].as_str(), r[16].as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("cumulative_payback", "Cumulative payback"),
            (
                "flow_crossover_4q",
                "Free cash flow break-even (4q running)"
            ),
            (
                "flow_crossover_8q",
                "Free cash flow break-even (8q running)"
            ),
        ]
    );
    let summary: ComparisonSummary =
        serde_json::from_str(&fs::read_to_string(dir.join(files::COMPARISON_JSON)).unwrap())
            .unwrap();
    assert_eq!(summary.differences[0].title, "Cumulative payback");
    assert_eq!(summary.differences[0].rule, "cumulative_payback");
    for key in [
        "cumulative_payback",
        "flow_crossover_4q",
        "flow_crossover_8q",
    ] {
        let chart = svg_texts(&dir.join(files::comparison_svg(key)));
        assert!(chart.contains("chip_ban"), "{key}: {chart}");
    }
    assert!(!dir.join(files::comparison_svg("flow_crossover")).exists());

    // `run` takes titles too.
    let run = outpace(&[
        "run",
        "--preset",
        "alibaba",
        "--definitions",
        "Discounted Payback",
        "--paths",
        "500",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let summary: Summary = serde_json::from_str(&stdout(&run)).unwrap();
    let keys: Vec<&str> = summary.breakevens.iter().map(|b| b.key.as_str()).collect();
    assert_eq!(keys, ["discounted_payback"]);

    // An unknown name lists every title and key.
    for command in ["run", "compare"] {
        let mut args = vec![command, "--preset", "alibaba"];
        if command == "compare" {
            args.push("preset:chip_ban");
        }
        args.extend(["--definitions", "payback", "--paths", "100"]);
        assert_bad_input(
            &outpace(&args),
            &[
                "--definitions",
                "\"payback\"",
                "\"Cumulative payback\" (cumulative_payback)",
                "\"Growth crossover (4q running)\" (growth_crossover_4q)",
                "(flow_crossover)",
                "(discounted_payback)",
            ],
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compare_writes_a_fan_chart_per_scenario() {
    let dir = scratch("fans");
    let output = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        "preset:chip_ban",
        "--paths",
        "500",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: ComparisonSummary =
        serde_json::from_str(&fs::read_to_string(dir.join(files::COMPARISON_JSON)).unwrap())
            .unwrap();
    let rows = csv_rows(&dir.join(files::FAN_CHART_CSV), &FAN_CHART_COLUMNS);
    let html = fs::read_to_string(dir.join(files::REPORT_HTML)).unwrap();
    for scenario in &summary.scenarios {
        let name = scenario.name();
        let chart = svg_texts(&dir.join(files::scenario_fan_chart_svg(name)));
        for label in [name, "Revenue median", "Spending P10-P90", "500 paths"] {
            assert!(chart.contains(label), "{name}: lacks `{label}`:\n{chart}");
        }
        let median = scenario.series("revenue").unwrap().band(0.5).unwrap();
        let csv_median: Vec<f64> = rows
            .iter()
            .filter(|r| r[0] == name && r[1] == "revenue" && r[6] == "p50")
            .map(|r| number(&r[8]))
            .collect();
        assert_eq!(csv_median, median, "{name}");
        assert!(html.contains(&format!("Fan chart of {name}")), "{name}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fan_chart_csv_has_the_quantiles_of_every_series_a_rule_reads() {
    let dir = scratch("rule-series");
    let output = outpace(&[
        "run",
        "--preset",
        "alibaba",
        "--paths",
        "500",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = report_files::read_summary(&dir);
    let rows = csv_rows(&dir.join(files::FAN_CHART_CSV), &FAN_CHART_COLUMNS);
    // Every series a rule reads has the fan levels, in the CSV as in the JSON.
    let mut read: Vec<&str> = summary
        .breakevens
        .iter()
        .flat_map(|b| {
            outpace::engine::Condition::parse(&b.when)
                .unwrap()
                .series()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .map(|s| summary.series(&s).unwrap().name.as_str())
        .collect();
    read.sort_unstable();
    read.dedup();
    assert!(read.contains(&"cumulative_fcf") && read.contains(&"discounted_cumulative_fcf"));
    for name in read {
        let series = summary.series(name).unwrap();
        let levels: Vec<f64> = series.quantiles.iter().map(|q| q.level).collect();
        assert_eq!(levels, outpace::analysis::FAN_LEVELS, "{name}");
        let p90: Vec<f64> = rows
            .iter()
            .filter(|r| r[1] == name && r[6] == "p90")
            .map(|r| number(&r[8]))
            .collect();
        assert_eq!(p90, series.band(0.9).unwrap(), "{name}");
    }
    // A series neither drawn nor read by a rule has only its mean.
    assert!(summary.series("opex").unwrap().quantiles.is_empty());
    // The fan chart still draws the headline pair only.
    let fan = svg_texts(&dir.join(files::FAN_CHART_SVG));
    assert!(!fan.to_lowercase().contains("cumulative"), "{fan}");
    fs::remove_dir_all(&dir).unwrap();
}
