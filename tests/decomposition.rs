//! The volume/ARPU decomposition of revenue growth: the exact identity, a closed
//! form, errors, and the cloud model's ARPU series.

use outpace::analysis::{Decomposition, Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario, series};
use outpace::report::{decomposition, json::Summary};

/// Geometric volume `g_v^k` and price `g_p^k`: every year after the first has
/// volume part `4 ln g_v` and ARPU part `4 ln g_p` exactly, and year 1 against
/// the run rate of point 0 has volume part `ln(sum_{k=1..4} g_v^k / 4)`.
#[test]
fn geometric_series_closed_form() {
    let (gv, gp) = (1.1f64, 0.98f64);
    let volume: Vec<f64> = (0..=12).map(|k| gv.powi(k)).collect();
    let price: Vec<f64> = (0..=12).map(|k| gp.powi(k)).collect();
    let revenue: Vec<f64> = volume.iter().zip(&price).map(|(v, p)| v * p).collect();
    let d = Decomposition::new(&revenue, &volume, 4).unwrap();
    assert_eq!(d.years().len(), 3);
    let first = d.years()[0];
    let v1: f64 = (1..=4).map(|k| gv.powi(k)).sum();
    assert!((first.volume_part - (v1 / 4.0).ln()).abs() < 1e-13);
    for y in &d.years()[1..] {
        assert!((y.volume_part - 4.0 * gv.ln()).abs() < 1e-12, "{y:?}");
        assert!((y.arpu_part - 4.0 * gp.ln()).abs() < 1e-12, "{y:?}");
    }
}

/// Power: a decomposition that took ARPU as the plain mean of the quarterly
/// prices (not revenue over volume) fails this identity and the cloud test below
/// (checked by temporarily computing `arpu` as `mean(revenue_k / volume_k)`).
#[test]
fn parts_add_up_exactly_on_irregular_series() {
    // A deterministic irregular series, with falls as well as rises.
    let revenue: Vec<f64> = (0..=21)
        .map(|k| 10.0 + 3.0 * (k as f64 * 0.7).sin() + k as f64)
        .collect();
    let volume: Vec<f64> = (0..=21)
        .map(|k| 5.0 + 2.0 * (k as f64 * 1.3).cos() + 0.5 * k as f64)
        .collect();
    let d = Decomposition::new(&revenue, &volume, 4).unwrap();
    assert_eq!(d.years().len(), 5); // 21 points after 0: five whole years
    for y in d.years() {
        assert!(
            (y.volume_part + y.arpu_part - y.growth).abs() < 1e-14,
            "{y:?}"
        );
        assert!((y.revenue - y.volume * y.arpu).abs() < 1e-12 * y.revenue);
    }
}

#[test]
fn bad_inputs_are_named() {
    let ok = [1.0; 5];
    let err = |r: outpace::Result<Decomposition>| r.unwrap_err().to_string();
    assert!(err(Decomposition::new(&ok, &[1.0; 4], 4)).contains("`volume`"));
    assert!(err(Decomposition::new(&[1.0; 4], &[1.0; 4], 4)).contains("at least one year"));
    assert!(err(Decomposition::new(&ok, &[1.0, 1.0, 0.0, 1.0, 1.0], 4)).contains("`volume[2]`"));
    assert!(
        err(Decomposition::new(&[1.0, f64::NAN, 1.0, 1.0, 1.0], &ok, 4)).contains("`revenue[1]`")
    );
    assert!(err(Decomposition::new(&ok, &ok, 0)).contains("periods_per_year"));
}

#[test]
fn the_cloud_model_s_arpu_is_revenue_over_volume() {
    let model = CloudModel::new(Scenario::alibaba()).unwrap();
    let options = StudyOptions {
        paths: 400,
        ..StudyOptions::default()
    };
    let study = Study::run(&model, &options).unwrap();
    let outcome = study.outcome();
    let means = |name: &str| outcome.series(name).unwrap().means();
    let (revenue, volume, price) = (
        means(series::AI_REVENUE),
        means(series::AI_VOLUME),
        means(series::ARPU),
    );
    // Per path ARPU is the price index; the mean of ARPU is the mean price.
    let price_index = means(series::PRICE);
    for k in 0..price.len() {
        assert!((price[k] - price_index[k]).abs() <= 1e-12 * price_index[k]);
    }
    let d = Decomposition::from_study(&study).unwrap().unwrap();
    assert_eq!(d.years().len(), 10);
    let direct = Decomposition::new(&revenue, &volume, 4).unwrap();
    assert_eq!(d, direct);
    for y in d.years() {
        assert!((y.volume_part + y.arpu_part - y.growth).abs() < 1e-13);
    }
    // The writers.
    let text = decomposition::text(&study);
    assert!(
        text.contains("volume part") && text.contains("2026 Q2-2027 Q1"),
        "{text}"
    );
    let csv = decomposition::csv(&Summary::from_study(&study))
        .unwrap()
        .unwrap();
    assert_eq!(csv.lines().count(), 11);
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("alibaba,1,2026Q2,2027Q1,")
    );
}
