//! `outpace sensitivity`: the files it writes agree with the library, bad options
//! exit with code 2 naming the option.

mod support;

use outpace::analysis::StudyOptions;
use outpace::analysis::sensitivity::{Tornado, TornadoOptions};
use outpace::cloud::{CloudModel, Scenario};
use std::fs;
use support::{outpace, scratch};

const PATHS: &str = "600";

#[test]
fn tornado_files_agree_with_the_library() {
    let dir = scratch("tornado");
    let out = dir.to_str().unwrap();
    let output = outpace(&[
        "sensitivity",
        "--preset",
        "alibaba",
        "--paths",
        PATHS,
        "--rule",
        "cumulative_payback",
        "--out",
        out,
        "-q",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in [
        "sensitivity.json",
        "sensitivity.txt",
        "tornado.csv",
        "tornado.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let options = StudyOptions {
        paths: 600,
        ..StudyOptions::default()
    };
    let tornado_options = TornadoOptions {
        sort_by: Some("cumulative_payback".into()),
        ..TornadoOptions::default()
    };
    let tornado = Tornado::run(
        &CloudModel::new(Scenario::alibaba()).unwrap(),
        &options,
        &tornado_options,
    )
    .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("sensitivity.json")).unwrap()).unwrap();
    assert_eq!(json["method"], "tornado");
    assert_eq!(json["bars"][0]["name"], tornado.bars[0].name.as_str());
    let csv = fs::read_to_string(dir.join("tornado.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + tornado.bars.len() * tornado.rules.len()
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Cumulative payback"), "{text}");
    assert!(text.contains(&tornado.bars[0].name));
}

#[test]
fn sobol_sweep_and_ranks_write_their_tables() {
    for (method, extra, table) in [
        ("sobol", vec!["--base", "64", "--by", "groups"], "sobol.csv"),
        (
            "sweep",
            vec!["--sweep", "demand.ceiling=120,150,200"],
            "sweep.csv",
        ),
        ("ranks", vec![], "ranks.csv"),
    ] {
        let dir = scratch(method);
        let mut args = vec![
            "sensitivity",
            "--preset",
            "alibaba",
            "--paths",
            PATHS,
            "--method",
            method,
            "-q",
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend(extra);
        let output = outpace(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{method}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let csv = fs::read_to_string(dir.join(table)).unwrap();
        assert!(csv.lines().count() > 2, "{method}: {csv}");
    }
}

#[test]
fn bad_options_exit_2_naming_the_option() {
    for (args, needle) in [
        (vec!["--method", "sweep"], "--sweep"),
        (
            vec!["--method", "sweep", "--sweep", "demand.ceiling=1,x"],
            "--sweep",
        ),
        (vec!["--method", "sweep", "--sweep", "nope=1,2"], "nope"),
        (
            vec!["--method", "sweep", "--sweep", "demand.ceiling=-1,2"],
            "demand.ceiling",
        ),
        (vec!["--rule", "nope"], "nope"),
        (vec!["--precision", "1pp"], "--precision"),
        (vec!["--low", "0.9", "--high", "0.1"], "quantiles"),
        (vec!["--sweep", "demand.ceiling=1,2"], "--sweep"),
    ] {
        let mut all = vec!["sensitivity", "--preset", "alibaba", "--paths", "50", "-q"];
        all.extend(&args);
        let output = outpace(&all);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(needle) && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}
