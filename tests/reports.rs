//! The report types and writers on a study of the cloud model: `summary.json`
//! and `comparison.json` mirror the studies they summarise.

use outpace::analysis::{FAN_LEVELS, Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario, series};
use outpace::report::json::{ComparisonSummary, Summary};

fn study(name: &str, paths: usize) -> Study {
    let options = StudyOptions {
        paths,
        seed: 17,
        ..StudyOptions::default()
    };
    let model = CloudModel::new(Scenario::preset(name).unwrap()).unwrap();
    Study::run(&model, &options).unwrap()
}

#[test]
fn summary_mirrors_the_study() {
    let s = study("alibaba", 600);
    let summary = Summary::from_study(&s);
    assert_eq!(summary.run.paths, 600);
    assert_eq!(summary.run.seed, 17);
    assert_eq!(summary.periods.len(), 41);
    assert_eq!(summary.periods[1].label, "2026Q2");
    assert_eq!(summary.periods[1].date.as_deref(), Some("2026-06-30"));
    assert_eq!(summary.periods[1].time, 2026.5);
    assert_eq!(summary.breakevens.len(), s.breakevens().len());
    for (b, lib) in summary.breakevens.iter().zip(s.breakevens()) {
        assert_eq!(b.cdf, lib.cdf());
        assert_eq!(b.within_horizon, lib.within_horizon());
        assert_eq!(b.p50.as_ref().map(|p| p.period), lib.p50());
        let total: f64 = b.density().iter().sum();
        assert!((total - lib.within_horizon().estimate).abs() < 1e-12);
    }
    let revenue = summary.series(series::REVENUE).unwrap();
    assert_eq!(revenue.unit, "RMB bn per quarter");
    assert_eq!(revenue.quantiles.len(), FAN_LEVELS.len());
    assert_eq!(revenue.band(0.5), s.fan(series::REVENUE).unwrap().median());
    assert!(summary.series(series::CAPEX).unwrap().quantiles.is_empty());
    assert_eq!(summary.series.len(), series::ALL.len());
    assert_eq!(summary.value().unwrap().quantiles.len(), FAN_LEVELS.len());
    assert_eq!(summary.value().unwrap().unit, "RMB bn");
    let json = serde_json::to_string(&summary).unwrap();
    assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), summary);
}

#[test]
fn comparison_summary_lists_every_pair() {
    let (base, alt) = (study("alibaba", 300), study("price_war", 300));
    let comparisons = base.compare(&alt).unwrap();
    let summary = ComparisonSummary::new(&base, &[(&alt, &comparisons)]);
    assert_eq!(summary.baseline, "alibaba");
    assert_eq!(summary.scenarios.len(), 2);
    assert_eq!(summary.differences.len(), comparisons.len());
    assert!(
        summary
            .differences
            .iter()
            .all(|d| d.alternative == "price_war")
    );
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(
        serde_json::from_value::<ComparisonSummary>(json).unwrap(),
        summary
    );
}
