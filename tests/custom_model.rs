//! The custom-model example (a subscription software company) through the same
//! study, report writers and file checks as the cloud model's command line.

#[path = "../examples/custom_model.rs"]
#[allow(dead_code)]
mod custom_model;
#[path = "support/report_files.rs"]
mod report_files;

use outpace::report::files;
use std::fs;

#[test]
fn the_example_writes_a_complete_checked_report() {
    let dir = std::env::temp_dir().join(format!("outpace-custom-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let report = custom_model::write_report(&dir, 2_000).unwrap();
    let summary = report_files::read_summary(&dir);
    report_files::check_study_files(&dir, &summary);
    assert_eq!(
        fs::read_to_string(dir.join(files::REPORT_TXT)).unwrap(),
        report
    );
    // The model's own calendar, units and rules reach the files.
    assert_eq!(summary.name(), "saas");
    assert_eq!(summary.periods[1].label, "2026-02");
    assert_eq!(summary.periods[1].date.as_deref(), Some("2026-02-28"));
    assert_eq!(summary.series("revenue").unwrap().unit, "USD m per month");
    let keys: Vec<&str> = summary.breakevens.iter().map(|b| b.key.as_str()).collect();
    assert_eq!(
        keys,
        ["cash_breakeven_3m", "cumulative_payback", "rule_of_40"]
    );
    assert!(
        report.contains("60 months from 2026-02 to 2031-01"),
        "{report}"
    );
    assert!(report.contains("Rule of 40"));
    // Each rule is informative: some paths break even, some do not.
    for b in &summary.breakevens {
        assert!(
            b.reached > 0 && b.reached < 2_000,
            "{}: {}",
            b.key,
            b.reached
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}
