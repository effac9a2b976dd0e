//! Property tests of the public constructors (issue 15): any `f64` (NaN, infinities,
//! subnormals, huge values included) gives `Ok` or an error naming a parameter,
//! never a panic; `Ok` values run a few steps through the engine to finite outputs
//! or to a named error. Moderate inputs must give finite outputs.

use outpace::Error;
use outpace::engine::{Grid, ProcessModel, Simulation};
use outpace::process::{
    Beta, CompoundPoisson, ExpOu, Gamma, Gbm, Hawkes, JumpSize, Logistic, MarkovRegime, Merton, Ou,
    Poisson, Process, Schedule, TimeVaryingGbm,
};
use outpace::stats::{QuantileSketch, mean_interval, wilson};
use proptest::prelude::*;

/// Every kind of `f64`, weighted towards the edges.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        1 => prop::sample::select(vec![
            f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, f64::MIN_POSITIVE,
            5e-324, f64::MAX, -f64::MAX, 1e300, -1e300, 1.0, -1.0,
        ]),
        3 => -10.0..10.0f64,
    ]
}

/// Moderate values, for which outputs must be finite.
fn moderate() -> impl Strategy<Value = f64> {
    -3.0..3.0f64
}

fn step_length() -> impl Strategy<Value = f64> {
    prop_oneof![any_f64(), 1e-3..2.0f64]
}

/// The error is an `InvalidParameter` with a name.
fn named(err: &Error) -> bool {
    matches!(err, Error::InvalidParameter { name, .. } if !name.is_empty())
}

/// Runs `process` for 3 steps of 16 paths: `Ok` with finite statistics, or a named
/// error (`InvalidParameter` from its transition, `NonFinite` from the engine).
fn runs<P: Process + Sync>(process: P, dt: f64, must_be_finite: bool) -> Result<(), TestCaseError> {
    let result = Simulation::new(ProcessModel::new("x", process))
        .paths(16)
        .steps(3)
        .dt(dt)
        .threads(1)
        .run();
    match result {
        Ok(run) => {
            let stats = run.series("x").unwrap().stats();
            prop_assert!(
                stats
                    .iter()
                    .all(|s| s.mean.is_finite() && s.max.is_finite())
            );
        }
        Err(e) => {
            prop_assert!(!must_be_finite, "moderate input failed: {e}");
            prop_assert!(named(&e) || matches!(e, Error::NonFinite { .. }), "{e}");
        }
    }
    Ok(())
}

/// `Ok(process)` runs (see [`runs`]); an error is named.
fn check<P: Process + Sync>(
    built: outpace::Result<P>,
    dt: f64,
    must_be_finite: bool,
) -> Result<(), TestCaseError> {
    match built {
        Ok(p) => runs(p, dt, must_be_finite),
        Err(e) => {
            prop_assert!(!must_be_finite, "moderate input refused: {e}");
            prop_assert!(named(&e), "{e}");
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn gbm(mu in any_f64(), sigma in any_f64(), x0 in any_f64(), dt in step_length()) {
        check(Gbm::new(mu, sigma, x0), dt, false)?;
    }

    #[test]
    fn gbm_moderate(mu in moderate(), sigma in 0.0..2.0f64, x0 in 0.1..100.0f64, dt in 0.01..1.0f64) {
        check(Gbm::new(mu, sigma, x0), dt, true)?;
    }

    #[test]
    fn ou_and_exp_ou(theta in any_f64(), mu in any_f64(), sigma in any_f64(), x0 in any_f64(), dt in step_length()) {
        check(Ou::new(theta, mu, sigma, x0), dt, false)?;
        check(ExpOu::new(theta, mu, sigma, x0), dt, false)?;
    }

    #[test]
    fn merton(v in prop::array::uniform6(any_f64()), dt in step_length()) {
        check(Merton::new(v[0], v[1], v[2], v[3], v[4], v[5]), dt, false)?;
    }

    #[test]
    fn logistic(v in prop::array::uniform4(any_f64()), dt in step_length()) {
        check(Logistic::new(v[0], v[1], v[2], v[3]), dt, false)?;
    }

    #[test]
    fn logistic_moderate(r in 0.0..3.0f64, k in 1.0..1e3f64, s in 0.0..1.0f64, x0 in 0.1..10.0f64, dt in 0.01..1.0f64) {
        check(Logistic::new(r, k, s, x0), dt, true)?;
    }

    #[test]
    fn hawkes(v in prop::array::uniform4(any_f64()), dt in step_length()) {
        let built = Hawkes::new(v[0], v[1], v[2]).and_then(|h| h.with_initial_excess(v[3]));
        check(built, dt, false)?;
    }

    #[test]
    fn compound_poisson(rate in any_f64(), a in any_f64(), b in any_f64(), kind in 0..6usize, dt in step_length()) {
        let jumps = match kind {
            0 => JumpSize::constant(a),
            1 => JumpSize::normal(a, b),
            2 => JumpSize::log_normal(a, b),
            3 => JumpSize::exponential(a),
            4 => JumpSize::uniform(a, b),
            _ => JumpSize::gamma(a, b),
        };
        match jumps {
            Ok(jumps) => check(CompoundPoisson::new(rate, jumps), dt, false)?,
            Err(e) => prop_assert!(named(&e), "{e}"),
        }
    }

    #[test]
    fn time_varying_gbm(starts in prop::collection::vec(any_f64(), 0..4), values in prop::collection::vec(any_f64(), 1..4), x0 in any_f64(), dt in step_length()) {
        let pieces: Vec<(f64, f64)> = starts.iter().copied().zip(values.iter().copied()).collect();
        match (Schedule::new(pieces.clone()), Schedule::new(pieces)) {
            (Ok(mu), Ok(sigma)) => check(TimeVaryingGbm::new(mu, sigma, x0), dt, false)?,
            (Err(e), _) | (_, Err(e)) => prop_assert!(named(&e), "{e}"),
        }
    }

    #[test]
    fn regimes(rates in prop::collection::vec(any_f64(), 4), dt in step_length()) {
        let generator = vec![vec![-rates[0], rates[0]], vec![rates[1], -rates[1] + rates[2] * 0.0]];
        check(MarkovRegime::new(generator, 0), dt, false)?;
        let raw = vec![vec![rates[0], rates[1]], vec![rates[2], rates[3]]];
        check(MarkovRegime::new(raw, 1), dt, false)?;
    }

    #[test]
    fn samplers(a in any_f64(), b in any_f64()) {
        use rand::RngExt;
        let mut rng = outpace::engine::PathStreams::new(1, 0).rng(outpace::engine::Component::new(0));
        match Gamma::new(a, b) {
            Ok(g) => for _ in 0..8 { let x: f64 = rng.sample(g); prop_assert!(x >= 0.0 && !x.is_nan()); },
            Err(e) => prop_assert!(named(&e)),
        }
        match Poisson::new(a) {
            Ok(p) => for _ in 0..8 { let x: f64 = rng.sample(p); prop_assert!(x >= 0.0 && x == x.floor()); },
            Err(e) => prop_assert!(named(&e)),
        }
        match Beta::new(a, b) {
            Ok(law) => for _ in 0..8 { let x: f64 = rng.sample(law); prop_assert!((0.0..=1.0).contains(&x), "{x}"); },
            Err(e) => prop_assert!(named(&e)),
        }
    }

    #[test]
    fn statistics(mean in any_f64(), se in any_f64(), c in any_f64(), s in any::<u64>(), n in any::<u64>(), xs in prop::collection::vec(any_f64(), 0..20)) {
        match mean_interval(mean, se, c) {
            Ok(i) => prop_assert!(i.lower.is_finite() && i.upper.is_finite() && i.lower <= i.upper),
            Err(e) => prop_assert!(named(&e)),
        }
        match wilson(s, n, c) {
            Ok(i) => prop_assert!(0.0 <= i.lower && i.lower <= i.upper && i.upper <= 1.0),
            Err(e) => prop_assert!(named(&e)),
        }
        let mut sketch = QuantileSketch::new();
        xs.iter().for_each(|&x| sketch.add(x));
        let _ = (sketch.quantile(c), sketch.cdf(mean));
    }

    #[test]
    fn grid_and_settings(steps in any::<usize>(), small in 0..50usize, dt in step_length(), paths in 0..600usize, threads in 0..3usize, cap in any::<u64>()) {
        match Grid::new(steps, dt) {
            Ok(g) => prop_assert!(g.points() == steps + 1 && g.horizon().is_finite()),
            Err(e) => prop_assert!(named(&e)),
        }
        let model = ProcessModel::new("x", Gbm::new(0.1, 0.2, 1.0).unwrap());
        let result = Simulation::new(model).paths(paths).steps(small).dt(dt).threads(threads).memory_cap(cap).run();
        if let Err(e) = result {
            let expected = matches!(e, Error::MemoryCap { .. } | Error::NonFinite { .. });
            prop_assert!(named(&e) || expected, "{e}");
        }
    }
}
