//! The per-path export (`report::paths`): its rows are the study's paths, so
//! they reproduce the summary's figures exactly, and its input columns follow
//! the inputs' laws.

mod common;

use common::K_SIGMA;
use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{BLOCK_PATHS, Model};
use outpace::report::paths;
use outpace::stats::ExactSum;

const PATHS: usize = 3_000;

fn study(keep_paths: bool) -> (CloudModel, Study) {
    let model = CloudModel::new(Scenario::preset("alibaba").unwrap()).unwrap();
    let options = StudyOptions {
        paths: PATHS,
        seed: 17,
        keep_paths,
        ..StudyOptions::default()
    };
    let study = Study::run(&model, &options).unwrap();
    (model, study)
}

/// The export as a header and rows of fields.
fn export(study: &Study) -> (Vec<String>, Vec<Vec<String>>) {
    let mut bytes = Vec::new();
    paths::write(study, &mut bytes).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn column<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let j = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| r[j].as_str()).collect()
}

fn numbers(fields: &[&str]) -> Vec<f64> {
    fields.iter().map(|f| f.parse().unwrap()).collect()
}

#[test]
fn the_columns_are_path_inputs_rules_and_scalars() {
    let (model, study) = study(true);
    let (header, rows) = export(&study);
    let mut expected = vec!["path".to_owned()];
    expected.extend(model.inputs().iter().map(|i| i.name().to_owned()));
    for b in study.breakevens() {
        expected.push(format!("{}_period", b.rule().key()));
        expected.push(format!("{}_label", b.rule().key()));
    }
    expected.extend(model.scalars().iter().map(str::to_owned));
    assert_eq!(header, expected);
    assert_eq!(header, paths::header(&study).unwrap());
    assert_eq!(rows.len(), PATHS);
    let index = column(&header, &rows, "path");
    assert!(index.iter().enumerate().all(|(i, p)| *p == i.to_string()));
}

/// The share of rows with a break-even period is the summary's probability, bit
/// for bit, every label is the calendar code of its period, and the histogram of
/// periods is the study's.
#[test]
fn rows_reproduce_the_break_even_probabilities() {
    let (_, study) = study(true);
    let (header, rows) = export(&study);
    let calendar = &study.info().calendar;
    for b in study.breakevens() {
        let key = b.rule().key();
        let periods = column(&header, &rows, &format!("{key}_period"));
        let labels = column(&header, &rows, &format!("{key}_label"));
        let mut histogram = vec![0u64; study.steps() + 1];
        for (period, label) in periods.iter().zip(&labels) {
            if period.is_empty() {
                assert!(label.is_empty(), "{key}");
                continue;
            }
            let k: usize = period.parse().unwrap();
            assert_eq!(*label, calendar.code(k), "{key}");
            histogram[k] += 1;
        }
        let reached: u64 = histogram.iter().sum();
        assert_eq!(
            reached as f64 / PATHS as f64,
            b.within_horizon().estimate,
            "{key}"
        );
        let passage = study.outcome().passage(key).unwrap();
        assert_eq!(histogram, passage.histogram(), "{key}");
    }
    let be = study.breakevens();
    assert!(
        be.iter()
            .any(|b| b.reached() > 0 && b.reached() < PATHS as u64)
    );
}

/// The mean of the `npv` column, summed as the engine sums (blocks of
/// `BLOCK_PATHS` paths in plain `f64` around the first path's value, then an
/// exact sum of the blocks), is the summary's mean bit for bit; its minimum and
/// maximum are the summary's.
#[test]
fn rows_reproduce_the_npv_summary() {
    let (_, study) = study(true);
    let (header, rows) = export(&study);
    let npv = numbers(&column(&header, &rows, "npv"));
    let shift = npv[0];
    let mut total = ExactSum::new();
    for block in npv.chunks(BLOCK_PATHS) {
        total.add(block.iter().fold(0.0, |s, x| s + (x - shift)));
    }
    let mean = shift + total.value() / PATHS as f64;
    let stats = study.value().unwrap().stats();
    assert_eq!(mean, stats.mean);
    let min = npv.iter().copied().fold(f64::INFINITY, f64::min);
    let max = npv.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!((min, max), (stats.min, stats.max));
}

/// Each input column is the study's recorded column, and its mean lies within
/// `K_SIGMA` standard errors of its law's mean. Power: the inputs' laws have
/// different means, so a column written under another input's name lands many
/// standard errors away (checked: with the input names reversed in the
/// writer's header, the bit-for-bit check fails, and without it the mean check,
/// `demand.growth_rate` at z = 2056).
#[test]
fn input_columns_follow_their_laws() {
    let (model, study) = study(true);
    let (header, rows) = export(&study);
    let recorded = study.outcome().inputs().unwrap();
    let mut uncertain = 0;
    for input in model.inputs() {
        let values = numbers(&column(&header, &rows, input.name()));
        let own = recorded.column(input.name()).unwrap();
        assert!(
            values
                .iter()
                .zip(own.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
        let law = input.law();
        let mean = values.iter().sum::<f64>() / PATHS as f64;
        if law.variance() == 0.0 {
            assert!(values.iter().all(|&v| v == law.mean()), "{}", input.name());
            continue;
        }
        uncertain += 1;
        let se = (law.variance() / PATHS as f64).sqrt();
        let z = (mean - law.mean()) / se;
        assert!(
            z.abs() <= K_SIGMA,
            "{}: mean {mean}, law {} (z {z:.2})",
            input.name(),
            law.mean()
        );
    }
    assert!(uncertain >= 5, "{uncertain}");
}

#[test]
fn a_study_without_its_paths_is_refused_by_name() {
    let (_, study) = study(false);
    let err = paths::write(&study, Vec::new()).unwrap_err().to_string();
    assert!(err.contains("`keep_paths`"), "{err}");
    assert!(study.outcome().inputs().is_none());
}

#[test]
fn write_file_replaces_the_file_atomically() {
    let (_, study) = study(true);
    let dir = std::env::temp_dir().join(format!("outpace-paths-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("paths.csv");
    std::fs::write(&file, "old").unwrap();
    paths::write_file(&study, &file).unwrap();
    let mut expected = Vec::new();
    paths::write(&study, &mut expected).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), expected);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let err = paths::write_file(&study, &dir.join("missing").join("paths.csv")).unwrap_err();
    assert!(err.to_string().contains("paths.csv"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
