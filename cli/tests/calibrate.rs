//! `outpace calibrate` and `outpace backtest` end to end: the shipped data give
//! a scenario that loads and a backtest table; bad data files give exit code 2
//! and a message naming the file, the line and the column.

mod support;

use outpace::cloud::Scenario;
use std::fs;
use support::{outpace, root, scratch};

#[test]
fn calibrate_writes_a_scenario_that_loads_with_fitted_laws() {
    let dir = scratch("ok");
    let out = dir.join("calibrated.toml");
    let run = outpace(&["calibrate", "--out", out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = fs::read_to_string(&out).unwrap();
    for needle in [
        "se ",
        "Stayed judgement",
        "Judgement",
        "2023Q2..2026Q1",
        "KS D",
        // The S-curve's ceiling: the profile likelihood's verdict on the shipped revenue.
        "[5.5, unbounded] RMB bn a quarter",
        "not identified, so `demand.ceiling` stays a judgement",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    let scenario = Scenario::from_path(&out).unwrap();
    let rivals = scenario.price_war.rivals.as_ref().unwrap();
    assert_eq!(rivals.firms[0], "Alibaba");
    assert_eq!(rivals.firms.len(), 7);
    assert!(!scenario.traditional.growth.is_fixed());
    assert!(!rivals.match_probability.is_fixed());
    // The shipped preset file is what the command writes.
    let shipped = fs::read_to_string(root().join("scenarios/alibaba_calibrated.toml")).unwrap();
    let stdout = outpace(&["calibrate"]);
    assert_eq!(
        String::from_utf8_lossy(&stdout.stdout),
        shipped.replace("\r\n", "\n")
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// Every leaf of `overlay` (a table of the calibrated file) and its value in `base`
/// (the preset), by dotted path, where they differ.
fn differences(path: &str, overlay: &toml::Value, base: Option<&toml::Value>) -> Vec<String> {
    match (overlay, base) {
        (toml::Value::Table(table), Some(toml::Value::Table(base))) => table
            .iter()
            .flat_map(|(key, value)| differences(&format!("{path}.{key}"), value, base.get(key)))
            .collect(),
        (value, Some(base)) if value == base => Vec::new(),
        (value, base) => vec![format!("{path}: calibrated {value}, preset {base:?}")],
    }
}

#[test]
fn the_alibaba_preset_carries_the_calibrated_values() {
    // The preset takes every value `outpace calibrate` fits on the shipped data, so
    // the calibrated file restates it: running either gives the same numbers.
    // Power: editing one fitted value of scenarios/alibaba.toml (the baseline mode
    // 0.477520 to 0.48) makes this fail naming `price_war.rivals.baseline.mode`.
    let read = |name: &str| -> toml::Value {
        let text = fs::read_to_string(root().join("scenarios").join(name)).unwrap();
        toml::from_str(&text).unwrap()
    };
    let (calibrated, preset) = (read("alibaba_calibrated.toml"), read("alibaba.toml"));
    let toml::Value::Table(fitted) = &calibrated else {
        panic!("the calibrated file is a table")
    };
    let mut found = Vec::new();
    for (section, value) in fitted {
        if matches!(section.as_str(), "extends" | "name" | "description") {
            continue;
        }
        found.extend(differences(section, value, preset.get(section)));
    }
    assert!(
        found.is_empty(),
        "the preset differs from calibrate:\n{}",
        found.join("\n")
    );
    assert_eq!(
        calibrated.get("extends").and_then(|v| v.as_str()),
        Some("alibaba")
    );
}

#[test]
fn backtest_reports_pit_coverage_and_crps() {
    let run = outpace(&["backtest", "--paths", "2000"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    for needle in ["2025Q1", "2026Q1", "PIT", "CRPS", "coverage", "80%:"] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    let late = outpace(&["backtest", "--cutoff", "2026Q1"]);
    assert_eq!(late.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&late.stderr).contains("no observed quarter after"));
}

/// `--column group_capex --out DIR`: the capex backtest writes its table, CSV and
/// chart, all three agreeing on the quarters forecast; an unknown column is an
/// input error naming the file.
#[test]
fn backtest_of_capex_writes_its_report() {
    let dir = scratch("backtest_out").join("report");
    let run = outpace(&[
        "backtest",
        "--column",
        "group_capex",
        "--paths",
        "2000",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.starts_with("Backtest of group_capex: GBM fitted on 2024Q2..2024Q4"),
        "{text}"
    );
    assert_eq!(fs::read_to_string(dir.join("backtest.txt")).unwrap(), text);
    let csv = fs::read_to_string(dir.join("backtest.csv")).unwrap();
    // Capex is reported from 2024Q2 to 2025Q3: three quarters forecast, three levels each.
    assert_eq!(csv.lines().count(), 1 + 3 * 3, "{csv}");
    for quarter in ["2025Q1", "2025Q2", "2025Q3"] {
        assert!(csv.contains(&format!("group_capex,{quarter},")), "{csv}");
        assert!(text.contains(quarter), "{text}");
    }
    let svg = fs::read_to_string(dir.join("backtest.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("forecast P5-P95"));
    let unknown = outpace(&["backtest", "--column", "capex"]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("alibaba_quarterly.csv") && stderr.contains("`capex`"),
        "{stderr}"
    );
    fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

/// Writes `text` as a quarterly file and runs both commands on it: each must
/// exit with 2 and name the file and every `needles`.
fn bad_quarterly(name: &str, text: &str, needles: &[&str]) {
    let dir = scratch(name);
    let file = dir.join(format!("{name}.csv"));
    fs::write(&file, text).unwrap();
    for command in ["calibrate", "backtest"] {
        let run = outpace(&[
            command,
            "--quarterly",
            file.to_str().unwrap(),
            "--first",
            "2023Q1",
        ]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{command} {name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}.csv")),
            "{command} {name}: {stderr}"
        );
        for needle in needles {
            assert!(
                stderr.contains(needle),
                "{command} {name}: {needle}: {stderr}"
            );
        }
    }
    fs::remove_dir_all(&dir).unwrap();
}

const HEADER: &str = "quarter,cloud_revenue,group_capex\n";

#[test]
fn bad_data_files_give_exit_2_naming_file_line_and_column() {
    bad_quarterly(
        "missing_column",
        "quarter,revenue\n2023Q1,1\n2023Q2,2\n",
        &["`cloud_revenue`"],
    );
    bad_quarterly(
        "non_numeric",
        &format!("{HEADER}2023Q1,18.5,1\n2023Q2,n/a,2\n2023Q3,20,3\n"),
        &["line 3", "`cloud_revenue`", "n/a"],
    );
    bad_quarterly(
        "unsorted",
        &format!("{HEADER}2023Q2,18.5,1\n2023Q1,19,2\n"),
        &["line 3", "`quarter`"],
    );
    bad_quarterly(
        "duplicate",
        &format!("# a comment\n{HEADER}2023Q1,18.5,1\n2023Q1,19,2\n"),
        &["line 4", "`quarter`", "twice"],
    );
    bad_quarterly(
        "too_few",
        &format!("{HEADER}2023Q1,18.5,1\n2023Q2,19,2\n"),
        &["`cloud_revenue`", "at least 3"],
    );
    bad_quarterly("empty", "", &[]);
}

#[test]
fn a_bad_event_file_gives_exit_2_naming_file_and_line() {
    let dir = scratch("events");
    let file = dir.join("moves.csv");
    fs::write(&file, "date,firm\n2024-01-01,A\n2024-13-01,B\n").unwrap();
    let run = outpace(&["calibrate", "--events", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("moves.csv") && stderr.contains("line 3") && stderr.contains("`date`"),
        "{stderr}"
    );
    let missing = outpace(&["calibrate", "--events", "no/such/file.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/file.csv"));
    fs::remove_dir_all(&dir).unwrap();
}
