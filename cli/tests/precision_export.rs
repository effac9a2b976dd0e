//! End-to-end tests of `--precision`, `--on`, `--max-paths` and
//! `--export-paths`: the paths used agree with the library's search, the
//! export's rows reproduce the summary, and bad options exit with code 2 naming
//! the option.

mod support;

use outpace::analysis::{PrecisionTarget, StudyModel, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{BLOCK_PATHS, Model};
use outpace::report::json::Summary;
use outpace::stats::ExactSum;
use std::fs;
use std::process::Output;
use support::{outpace, scratch, stderr, stdout};

fn alibaba() -> CloudModel {
    CloudModel::new(Scenario::preset("alibaba").unwrap()).unwrap()
}

fn summary(output: &Output) -> Summary {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).expect("a JSON summary")
}

#[test]
fn precision_runs_the_paths_the_library_finds() {
    let args = [
        "run",
        "--preset",
        "alibaba",
        "--seed",
        "3",
        "--precision",
        "2pp",
        "--on",
        "cumulative_payback",
        "-q",
    ];
    let json = summary(&outpace(&[&args[..], &["--format", "json"]].concat()));
    let target = PrecisionTarget::new(0.02).unwrap().on("cumulative_payback");
    let options = StudyOptions {
        seed: 3,
        ..StudyOptions::default()
    };
    let search = target.search(&alibaba(), &options).unwrap();
    assert!(search.met);
    assert_eq!(json.run.paths, search.paths);
    let payback = json
        .breakevens
        .iter()
        .find(|b| b.key == "cumulative_payback")
        .unwrap();
    let i = payback.within_horizon;
    assert!((i.upper - i.lower) / 2.0 <= 0.02);
    let text = stdout(&outpace(&args));
    let line = format!("met with {} paths", search.paths);
    assert!(
        text.contains("Precision target (alibaba)") && text.contains(&line),
        "{text}"
    );
    // The same target as a probability, on 1 thread: the same run.
    let again = outpace(&[
        "run",
        "--preset",
        "alibaba",
        "--seed",
        "3",
        "--precision",
        "0.02",
        "--on",
        "cumulative_payback",
        "--threads",
        "1",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(summary(&again), json);
}

#[test]
fn a_path_cap_below_the_need_is_reported() {
    let output = outpace(&[
        "run",
        "--preset",
        "alibaba",
        "--precision",
        "0.1pp",
        "--max-paths",
        "5000",
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("NOT met (path cap reached) with 5000 paths"),
        "{text}"
    );
}

/// `compare --precision` runs every scenario at the largest count any needs.
#[test]
fn compare_meets_the_target_on_each_scenario() {
    let output = outpace(&[
        "compare",
        "--preset",
        "alibaba",
        "preset:price_war",
        "--precision",
        "3pp",
        "-q",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Precision target (alibaba)")
            && text.contains("Precision target (price_war)"),
        "{text}"
    );
    let options = StudyOptions::default();
    let target = PrecisionTarget::new(0.03).unwrap();
    let need = |name: &str| {
        let model = CloudModel::new(Scenario::preset(name).unwrap()).unwrap();
        target.search(&model, &options).unwrap().paths
    };
    let paths = need("alibaba").max(need("price_war"));
    assert_eq!(
        text.matches(&format!("met with {paths} paths")).count(),
        2,
        "{text}"
    );
}

/// One row per path; the share of non-empty periods is the summary's
/// probability of every rule, bit for bit, and the `npv` column, summed as the
/// engine sums (blocks of `BLOCK_PATHS` around the first path's value), gives the
/// summary's mean bit for bit. The input columns are the model's inputs.
#[test]
fn export_paths_reproduces_the_summary() {
    let dir = scratch("export");
    let file = dir.join("paths.csv");
    let output = outpace(&[
        "run",
        "--preset",
        "alibaba",
        "--paths",
        "2000",
        "--seed",
        "11",
        "--format",
        "json",
        "-q",
        "--export-paths",
        file.to_str().unwrap(),
    ]);
    let json = summary(&output);
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2000);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let model = alibaba();
    let inputs: Vec<&str> = model.inputs().iter().map(|i| i.name()).collect();
    let calendar = StudyModel::calendar(&model);
    assert_eq!(&header[1..=inputs.len()], &inputs[..]);
    for b in &json.breakevens {
        let j = col(&format!("{}_period", b.key));
        let reached = rows.iter().filter(|r| !r[j].is_empty()).count();
        assert_eq!(
            reached as f64 / 2000.0,
            b.within_horizon.estimate,
            "{}",
            b.key
        );
        let labels = col(&format!("{}_label", b.key));
        for r in &rows {
            if let Ok(k) = r[j].parse::<usize>() {
                assert_eq!(r[labels], calendar.code(k), "{}", b.key);
            }
        }
    }
    let npv: Vec<f64> = rows
        .iter()
        .map(|r| r[col("npv")].parse().unwrap())
        .collect();
    let mut total = ExactSum::new();
    for block in npv.chunks(BLOCK_PATHS) {
        total.add(block.iter().fold(0.0, |s, x| s + (x - npv[0])));
    }
    let stats = json.scalars.iter().find(|s| s.name == "npv").unwrap();
    assert_eq!(npv[0] + total.value() / 2000.0, stats.mean);
    fs::remove_dir_all(&dir).unwrap();
}

/// Bad input: exit code 2, the option named, no panic, nothing on stdout.
fn assert_bad_option(args: &[&str], option: &str) {
    let output = outpace(args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.contains(option),
        "{args:?}: expected `{option}` in {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_precision_options_exit_with_code_2_naming_the_option() {
    let run = ["run", "--preset", "alibaba", "-q"];
    for bad in ["0", "-0.01", "abc", "0pp", "-1pp", "0.5", "60pp", "nan"] {
        assert_bad_option(&[&run[..], &["--precision", bad]].concat(), "--precision");
    }
    assert_bad_option(
        &[&run[..], &["--precision", "1pp", "--on", "sideways"]].concat(),
        "--on",
    );
    assert_bad_option(
        &[&run[..], &["--precision", "1pp", "--max-paths", "0"]].concat(),
        "--max-paths",
    );
    assert_bad_option(
        &[&run[..], &["--on", "flow_crossover"]].concat(),
        "--precision",
    );
    assert_bad_option(
        &[&run[..], &["--precision", "1pp", "--paths", "100"]].concat(),
        "--paths",
    );
}
