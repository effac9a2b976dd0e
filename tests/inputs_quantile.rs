//! Quantiles and distribution functions of every law of `Param`: closed forms,
//! references computed independently, round trips, monotonicity and the support, and
//! agreement with the draws of `Param::sample` within Monte Carlo error.

// Reference values keep the digits the reference computation printed.
#![allow(clippy::excessive_precision)]

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::inputs::Param;

/// `Phi^-1(0.9)`, from mpmath at 60 digits.
const Z90: f64 = 1.281_551_565_544_600_5;

fn laws() -> Vec<(&'static str, Param)> {
    vec![
        (
            "normal",
            Param::Normal {
                mean: 0.3,
                std_dev: 0.2,
            },
        ),
        (
            "log_normal",
            Param::LogNormal {
                median: 150.0,
                sigma: 0.35,
            },
        ),
        (
            "uniform",
            Param::Uniform {
                min: -1.0,
                max: 3.0,
            },
        ),
        (
            "triangular",
            Param::Triangular {
                min: 0.6,
                mode: 0.7,
                max: 1.2,
            },
        ),
        (
            "triangular at min",
            Param::Triangular {
                min: 0.0,
                mode: 0.0,
                max: 1.0,
            },
        ),
        (
            "triangular at max",
            Param::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 1.0,
            },
        ),
        (
            "pert",
            Param::Pert {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
        ),
        (
            "pert at min",
            Param::Pert {
                min: 0.0,
                mode: 0.0,
                max: 2.0,
            },
        ),
        (
            "beta 2 40",
            Param::Beta {
                alpha: 2.0,
                beta: 40.0,
                min: 0.0,
                max: 1.0,
            },
        ),
        (
            "beta 0.1 3 scaled",
            Param::Beta {
                alpha: 0.1,
                beta: 3.0,
                min: 10.0,
                max: 20.0,
            },
        ),
        (
            "beta 3 0.1",
            Param::Beta {
                alpha: 3.0,
                beta: 0.1,
                min: 0.0,
                max: 1.0,
            },
        ),
        (
            "beta 0.5 0.5",
            Param::Beta {
                alpha: 0.5,
                beta: 0.5,
                min: 0.0,
                max: 1.0,
            },
        ),
        (
            "beta 50 200",
            Param::Beta {
                alpha: 50.0,
                beta: 200.0,
                min: 0.0,
                max: 1.0,
            },
        ),
    ]
}

/// Levels from deep in the lower tail to deep in the upper one.
fn tail_levels() -> Vec<f64> {
    let mut us = vec![f64::MIN_POSITIVE, 1e-300, 1e-100, 1e-30, 1e-15];
    us.extend((1..=9).map(|k| 10f64.powi(-k)));
    us.extend([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    us.extend((1..=15).map(|k| 1.0 - 10f64.powi(-k)));
    us.push(1.0 - f64::EPSILON / 2.0);
    us.sort_by(f64::total_cmp);
    us
}

#[track_caller]
fn assert_close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(f64::MIN_POSITIVE),
        "{what}: {got} vs {want} (relative {:e})",
        ((got - want) / want).abs()
    );
}

#[test]
fn closed_form_percentiles() {
    let normal = Param::Normal {
        mean: 0.3,
        std_dev: 0.2,
    };
    assert_close("normal P90", normal.quantile(0.9), 0.3 + 0.2 * Z90, 1e-15);
    assert_close("normal P10", normal.quantile(0.1), 0.3 - 0.2 * Z90, 1e-15);
    assert_eq!(normal.quantile(0.5), 0.3);

    let log_normal = Param::LogNormal {
        median: 150.0,
        sigma: 0.35,
    };
    assert_close(
        "log_normal P90",
        log_normal.quantile(0.9),
        150.0 * (0.35 * Z90).exp(),
        1e-15,
    );
    assert_close(
        "log_normal P10",
        log_normal.quantile(0.1),
        150.0 * (-0.35 * Z90).exp(),
        1e-15,
    );
    assert_eq!(log_normal.quantile(0.5), 150.0);

    let uniform = Param::Uniform {
        min: -1.0,
        max: 3.0,
    };
    assert_eq!(
        [0.1, 0.5, 0.9].map(|u| uniform.quantile(u)),
        [-0.6, 1.0, 2.6]
    );

    // F(mode) = 0.2: P10 on the rising side, P50 and P90 on the falling side.
    let triangular = Param::Triangular {
        min: 0.6,
        mode: 0.7,
        max: 1.2,
    };
    assert_close(
        "triangular P10",
        triangular.quantile(0.1),
        0.6 + (0.1f64 * 0.6 * 0.1).sqrt(),
        1e-15,
    );
    assert_close(
        "triangular P50",
        triangular.quantile(0.5),
        1.2 - (0.5f64 * 0.6 * 0.5).sqrt(),
        1e-15,
    );
    assert_close(
        "triangular P90",
        triangular.quantile(0.9),
        1.2 - (0.1f64 * 0.6 * 0.5).sqrt(),
        1e-15,
    );

    // A symmetric PERT law has its median at the mode.
    let symmetric = Param::Pert {
        min: 1.0,
        mode: 3.0,
        max: 5.0,
    };
    assert_close("symmetric pert P50", symmetric.quantile(0.5), 3.0, 1e-14);
    // PERT with mode = min is Beta(1, 5): F(x) = 1 - (1 - x)^5, so
    // Q(u) = 1 - (1 - u)^(1/5) on the unit interval.
    let pert_at_min = Param::Pert {
        min: 0.0,
        mode: 0.0,
        max: 2.0,
    };
    for u in [0.1, 0.5, 0.9] {
        let want = 2.0 * (1.0 - (1.0f64 - u).powf(0.2));
        assert_close("pert at min", pert_at_min.quantile(u), want, 1e-13);
    }
    // Beta(a, 1): F = x^a; Beta(1, b): F = 1 - (1 - x)^b; Beta(1/2, 1/2): the arcsine
    // law, F = (2 / pi) asin(sqrt(x)).
    let beta = |alpha, beta| Param::Beta {
        alpha,
        beta,
        min: 0.0,
        max: 1.0,
    };
    for u in [1e-12, 0.1, 0.5, 0.9] {
        assert_close(
            "beta(2.5, 1)",
            beta(2.5, 1.0).quantile(u),
            u.powf(1.0 / 2.5),
            1e-13,
        );
        assert_close(
            "beta(1, 3.5)",
            beta(1.0, 3.5).quantile(u),
            -((-u).ln_1p() / 3.5).exp_m1(),
            1e-13,
        );
        let arcsine = (std::f64::consts::FRAC_PI_2 * u).sin().powi(2);
        assert_close("arcsine", beta(0.5, 0.5).quantile(u), arcsine, 1e-12);
    }
}

#[test]
fn beta_quantiles_match_an_independent_reference() {
    // Bisection on mpmath's betainc at 60 digits (mpmath 1.4).
    let cases: [(f64, f64, f64, f64); 16] = [
        (2.0, 40.0, 1e-10, 3.492_167_332_607_466_6e-7),
        (2.0, 40.0, 0.1, 0.013_046_476_259_643_570),
        (2.0, 40.0, 0.5, 0.040_598_467_030_063_426),
        (2.0, 40.0, 0.9, 0.091_589_840_852_251_292),
        (2.0, 40.0, 1.0 - 1e-10, 0.478_322_208_327_814_26),
        (0.1, 3.0, 1e-12, 2.366_901_351_944_940_8e-121),
        (0.1, 3.0, 0.5, 0.000_231_239_907_500_117_95),
        (0.1, 3.0, 0.999, 0.724_088_374_912_157_38),
        (50.0, 200.0, 0.1, 0.168_160_170_321_658_93),
        (50.0, 200.0, 0.9, 0.232_873_360_691_808_78),
        (3.0, 0.1, 1e-6, 0.029_417_257_440_329_237),
        (3.0, 0.1, 0.5, 0.999_768_760_092_499_88),
        (0.5, 0.5, 0.1, 0.024_471_741_852_423_217),
        (2.0, 4.0, 0.1, 0.112_234_958_545_858_56),
        (2.0, 4.0, 0.5, 0.313_810_170_455_697_44),
        (2.0, 4.0, 0.9, 0.583_890_374_619_528_95),
    ];
    for (alpha, beta, u, want) in cases {
        let p = Param::Beta {
            alpha,
            beta,
            min: 0.0,
            max: 1.0,
        };
        assert_close(
            &format!("beta({alpha}, {beta}) at {u}"),
            p.quantile(u),
            want,
            1e-11,
        );
    }
    // PERT(1, 2, 5) is 1 + 4 Beta(2, 4).
    let pert = Param::Pert {
        min: 1.0,
        mode: 2.0,
        max: 5.0,
    };
    assert_close(
        "pert P90",
        pert.quantile(0.9),
        1.0 + 4.0 * 0.583_890_374_619_528_95,
        1e-13,
    );
}

#[test]
fn quantiles_are_monotone_finite_and_in_the_support() {
    let mut levels = tail_levels();
    levels.extend((1..20_000).map(|k| k as f64 / 20_000.0));
    levels.sort_by(f64::total_cmp);
    for (name, p) in laws() {
        let mut previous = f64::NEG_INFINITY;
        for &u in &levels {
            let x = p.quantile(u);
            assert!(!x.is_nan(), "{name}: NaN at u = {u}");
            assert!(
                x >= p.lower_bound() && x <= p.upper_bound(),
                "{name}: {x} outside the support at u = {u}"
            );
            assert!(x >= previous, "{name}: {x} < {previous} at u = {u}");
            previous = x;
        }
    }
}

#[test]
fn the_distribution_function_inverts_the_quantile() {
    for (name, p) in laws() {
        for u in tail_levels() {
            let x = p.quantile(u);
            let f = p.cdf(x);
            // Where the quantile is clamped to an end of the support, F(x) cannot
            // return u: the monotonicity test covers those levels.
            if x <= p.lower_bound() || x >= p.upper_bound() {
                continue;
            }
            // Relative to the tail probability min(u, 1 - u), plus the absolute
            // accuracy of a float near 1 and the rounding of x itself (F'(x) ulp(x)).
            let tail = u.min(1.0 - u);
            let slack = 1e-12 * tail + 4.0 * f64::EPSILON;
            assert!(
                (f - u).abs() <= slack + (p.cdf(next_up(x)) - p.cdf(x)).abs(),
                "{name}: F(Q({u})) = {f}"
            );
        }
        // And the other way round, in the bulk.
        for k in 1..100 {
            let u = k as f64 / 100.0;
            let x = p.quantile(u);
            if x <= p.lower_bound() || x >= p.upper_bound() {
                continue;
            }
            let back = p.quantile(p.cdf(x));
            let scale = p.quantile(0.99) - p.quantile(0.01);
            assert!(
                (back - x).abs() <= 1e-9 * scale,
                "{name}: Q(F({x})) = {back}"
            );
        }
    }
}

fn next_up(x: f64) -> f64 {
    if x >= 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

#[test]
fn ends_nan_and_fixed_values() {
    let normal = Param::Normal {
        mean: 1.0,
        std_dev: 2.0,
    };
    assert_eq!(normal.quantile(0.0), f64::NEG_INFINITY);
    assert_eq!(normal.quantile(1.0), f64::INFINITY);
    assert!(normal.quantile(f64::NAN).is_nan());
    assert!(normal.cdf(f64::NAN).is_nan());
    let pert = Param::Pert {
        min: 1.0,
        mode: 2.0,
        max: 5.0,
    };
    assert_eq!((pert.quantile(-1.0), pert.quantile(2.0)), (1.0, 5.0));
    assert_eq!((pert.cdf(0.0), pert.cdf(6.0)), (0.0, 1.0));
    let fixed = Param::fixed(4.0);
    assert_eq!(fixed.quantile(0.3), 4.0);
    assert_eq!((fixed.cdf(3.9), fixed.cdf(4.0)), (0.0, 1.0));
    let point = Param::LogNormal {
        median: 2.0,
        sigma: 0.0,
    };
    assert_eq!(point.quantile(0.9), 2.0);
    assert_eq!((point.cdf(1.9), point.cdf(2.0)), (0.0, 1.0));
    assert_eq!(
        Param::Normal {
            mean: 1.0,
            std_dev: 0.0
        }
        .quantile(0.01),
        1.0
    );
}

/// Draws of `Param::sample` fall below `quantile(p)` with probability `p`: the count
/// is binomial, so each check allows `K_SIGMA` binomial standard errors.
#[test]
fn sampled_draws_agree_with_the_quantiles() {
    const DRAWS: usize = 100_000;
    let levels = [0.01, 0.1, 0.5, 0.9, 0.99];
    for (seed, (name, p)) in laws().into_iter().enumerate() {
        let mut rng = PathStreams::new(300 + seed as u64, 0).rng(Component::new(0));
        let draws: Vec<f64> = (0..DRAWS).map(|_| p.sample(&mut rng)).collect();
        for level in levels {
            // F(q-) <= level <= F(q): with no atom at q both counts estimate the same
            // probability; where floats round a tail onto one value (a beta law
            // with a tiny shape, scaled away from 0) the atom sits between them.
            let q = p.quantile(level);
            let below = draws.iter().filter(|&&x| x < q).count() as u64;
            let at_or_below = draws.iter().filter(|&&x| x <= q).count() as u64;
            let what = format!("{name} P{level}");
            if below as f64 > level * DRAWS as f64 {
                assert_proportion(&what, below, DRAWS as u64, level);
            }
            if (at_or_below as f64) < level * DRAWS as f64 {
                assert_proportion(&what, at_or_below, DRAWS as u64, level);
            }
        }
    }
}

/// The same check has power: a PERT law's quantiles read off the triangular law of
/// the same (min, mode, max), a plausible mix-up, are rejected.
#[test]
fn the_draw_check_rejects_a_wrong_law() {
    const DRAWS: usize = 100_000;
    let pert = Param::Pert {
        min: 1.0,
        mode: 2.0,
        max: 5.0,
    };
    let triangular = Param::Triangular {
        min: 1.0,
        mode: 2.0,
        max: 5.0,
    };
    let mut rng = PathStreams::new(399, 0).rng(Component::new(0));
    let draws: Vec<f64> = (0..DRAWS).map(|_| pert.sample(&mut rng)).collect();
    let q = triangular.quantile(0.9);
    let below = draws.iter().filter(|&&x| x <= q).count() as f64 / DRAWS as f64;
    let se = (0.9f64 * 0.1 / DRAWS as f64).sqrt();
    assert_rejects("pert draws against triangular P90", below, se, 0.9);
}
