//! Uncertain parameters: every law against its closed-form moments, its support,
//! its serde forms and its validation rules.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::inputs::{Domain, Param};
use rand::Rng;
use serde::{Deserialize, Serialize};

const DRAWS: usize = 200_000;

fn draws(param: &Param, seed: u64) -> Vec<f64> {
    let mut rng = PathStreams::new(seed, 0).rng(Component::new(0));
    (0..DRAWS).map(|_| param.sample(&mut rng)).collect()
}

/// Checks the sample mean and variance of `param` against [`Param::mean`] and
/// [`Param::variance`], that every draw lies in `domain`, and returns the sample
/// mean, its standard error, the sample variance and its standard error.
fn check_moments(what: &str, param: Param, domain: Domain, seed: u64) -> (f64, f64, f64, f64) {
    param.validate(what, domain).unwrap();
    let xs = draws(&param, seed);
    if let Some(x) = xs.iter().find(|x| !domain.contains(**x)) {
        panic!("{what}: draw {x} outside {domain}");
    }
    let (mean, se) = mean_se(&xs);
    assert_within(&format!("{what} mean"), mean, se, param.mean());
    let (var, var_se) = variance_se(&xs);
    assert_within(&format!("{what} variance"), var, var_se, param.variance());
    (mean, se, var, var_se)
}

#[test]
fn normal_moments() {
    let p = Param::Normal {
        mean: 0.3,
        std_dev: 0.2,
    };
    assert_eq!((p.mean(), p.variance()), (0.3, 0.2 * 0.2));
    let (_, _, var, var_se) = check_moments("normal", p, Domain::any(), 101);
    // std_dev read as a variance.
    assert_rejects("normal variance", var, var_se, 0.2);
}

#[test]
fn log_normal_moments() {
    let p = Param::LogNormal {
        median: 180.0,
        sigma: 0.35,
    };
    let s2: f64 = 0.35 * 0.35;
    assert!((p.mean() - 180.0 * (s2 / 2.0).exp()).abs() < 1e-9);
    let var = 180.0f64.powi(2) * s2.exp() * (s2.exp() - 1.0);
    assert!((p.variance() - var).abs() < 1e-6 * var);
    let (mean, se, _, _) = check_moments("log_normal", p, Domain::positive(), 102);
    // The median taken for the mean (no e^{sigma^2 / 2}).
    assert_rejects("log_normal mean", mean, se, 180.0);
    // The median's logarithm must be the log-mean: the sample median is 180.
    let mut xs = draws(&p, 103);
    xs.sort_by(f64::total_cmp);
    let below = xs.iter().filter(|&&x| x < 180.0).count() as u64;
    assert_proportion("log_normal median", below, DRAWS as u64, 0.5);
}

#[test]
fn uniform_moments() {
    let p = Param::Uniform {
        min: -1.0,
        max: 3.0,
    };
    assert_eq!((p.mean(), p.variance()), (1.0, 16.0 / 12.0));
    let (_, _, var, var_se) = check_moments("uniform", p, Domain::closed(-1.0, 3.0), 104);
    // Range squared over 4 (a two-point law) instead of over 12.
    assert_rejects("uniform variance", var, var_se, 4.0);
}

#[test]
fn triangular_moments() {
    let p = Param::Triangular {
        min: 0.0,
        mode: 1.0,
        max: 5.0,
    };
    assert_eq!(p.mean(), 2.0);
    assert!((p.variance() - (0.0 + 1.0 + 25.0 - 0.0 - 0.0 - 5.0) / 18.0).abs() < 1e-12);
    let (mean, se, _, _) = check_moments("triangular", p, Domain::closed(0.0, 5.0), 105);
    // The midpoint, and the PERT weighting of the same points.
    assert_rejects("triangular mean", mean, se, 2.5);
    assert_rejects("triangular mean", mean, se, 1.5);
    // The mode is where the density peaks: P(X < mode) = (mode - min) / (max - min).
    let below = draws(&p, 106).iter().filter(|&&x| x < 1.0).count() as u64;
    assert_proportion("triangular P(X < mode)", below, DRAWS as u64, 0.2);
}

#[test]
fn pert_moments() {
    let p = Param::Pert {
        min: 0.0,
        mode: 1.0,
        max: 5.0,
    };
    assert_eq!(p.mean(), 1.5);
    let m = p.mean();
    assert!((p.variance() - m * (5.0 - m) / 7.0).abs() < 1e-12);
    let (mean, se, var, var_se) = check_moments("pert", p, Domain::closed(0.0, 5.0), 107);
    // The triangular law with the same points.
    assert_rejects("pert mean", mean, se, 2.0);
    // The rule-of-thumb variance ((max - min) / 6)^2.
    assert_rejects("pert variance", var, var_se, 25.0 / 36.0);
}

#[test]
fn beta_moments_on_the_unit_interval_and_scaled() {
    let cut = Param::Beta {
        alpha: 2.0,
        beta: 40.0,
        min: 0.0,
        max: 1.0,
    };
    assert!((cut.mean() - 2.0 / 42.0).abs() < 1e-15);
    assert!((cut.variance() - 80.0 / (42.0 * 42.0 * 43.0)).abs() < 1e-15);
    check_moments("beta(2, 40)", cut, Domain::unit(), 108);

    let scaled = Param::Beta {
        alpha: 2.0,
        beta: 5.0,
        min: 10.0,
        max: 20.0,
    };
    assert!((scaled.mean() - (10.0 + 10.0 * 2.0 / 7.0)).abs() < 1e-12);
    let (mean, se, var, var_se) = check_moments("beta scaled", scaled, Domain::positive(), 109);
    // Forgetting to scale, or to shift, the beta draw.
    assert_rejects("beta scaled mean", mean, se, 10.0 + 2.0 / 7.0);
    assert_rejects("beta scaled mean", mean, se, 10.0 * 2.0 / 7.0);
    assert_rejects("beta scaled variance", var, var_se, 10.0 / (49.0 * 8.0));

    // Both shapes below 1: the other sampling algorithm, U-shaped density.
    let u_shaped = Param::Beta {
        alpha: 0.5,
        beta: 0.8,
        min: -1.0,
        max: 1.0,
    };
    check_moments("beta(0.5, 0.8)", u_shaped, Domain::closed(-1.0, 1.0), 110);
}

#[test]
fn fixed_returns_its_value_without_consuming_randomness() {
    let p = Param::fixed(0.25);
    assert_eq!(p, Param::from(0.25));
    assert!(p.is_fixed());
    assert!(!Param::Uniform { min: 0.0, max: 1.0 }.is_fixed());
    assert_eq!((p.mean(), p.variance()), (0.25, 0.0));
    let mut rng = PathStreams::new(111, 0).rng(Component::new(0));
    let mut twin = rng.clone();
    assert_eq!(p.sample(&mut rng), 0.25);
    assert_eq!(rng.next_u64(), twin.next_u64());
}

#[test]
fn zero_spread_laws_are_points() {
    let mut rng = PathStreams::new(112, 0).rng(Component::new(0));
    let normal = Param::Normal {
        mean: 0.5,
        std_dev: 0.0,
    };
    let log_normal = Param::LogNormal {
        median: 2.0,
        sigma: 0.0,
    };
    normal.validate("n", Domain::positive()).unwrap();
    log_normal.validate("l", Domain::closed(1.0, 3.0)).unwrap();
    for _ in 0..100 {
        assert_eq!(normal.sample(&mut rng), 0.5);
        assert!((log_normal.sample(&mut rng) - 2.0).abs() < 1e-15);
    }
}

#[test]
fn draws_stay_in_the_support_at_extreme_shapes() {
    // Tiny shapes push beta draws onto the ends, where rounding of
    // min + (max - min) B could leave [min, max] without the clamp.
    let cases = [
        Param::Beta {
            alpha: 0.02,
            beta: 0.02,
            min: 0.1,
            max: 0.3,
        },
        Param::Pert {
            min: 0.1,
            mode: 0.1,
            max: 0.3,
        },
        Param::Pert {
            min: 0.1,
            mode: 0.3,
            max: 0.3,
        },
        Param::Triangular {
            min: 0.1,
            mode: 0.3,
            max: 0.3,
        },
        Param::Uniform { min: 0.1, max: 0.3 },
    ];
    for (k, p) in cases.iter().enumerate() {
        let domain = Domain::closed(0.1, 0.3);
        p.validate("p", domain).unwrap();
        let xs = draws(p, 120 + k as u64);
        assert!(xs.iter().all(|x| domain.contains(*x)), "{p}");
    }
    let wide = Param::LogNormal {
        median: 1.0,
        sigma: 15.0,
    };
    wide.validate("wide", Domain::positive()).unwrap();
    let xs = draws(&wide, 130);
    assert!(xs.iter().all(|x| Domain::positive().contains(*x)));
}

/// One field per variant, plus an integer-valued fixed number.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Scenario {
    growth: Param,
    count: Param,
    shock: Param,
    ceiling: Param,
    share: Param,
    lag: Param,
    margin: Param,
    cut: Param,
}

const SCENARIO: &str = r#"
growth = 0.3
count = 3
shock = { dist = "normal", mean = 0, std_dev = 0.5 }
ceiling = { dist = "log_normal", median = 180.0, sigma = 0.35 }
share = { dist = "uniform", min = 0.2, max = 0.4 }
lag = { dist = "triangular", min = 1, mode = 2, max = 6 }
margin = { dist = "pert", min = 0.1, mode = 0.2, max = 0.5 }
cut = { dist = "beta", alpha = 2, beta = 40 }
"#;

fn expected_scenario() -> Scenario {
    Scenario {
        growth: Param::Fixed(0.3),
        count: Param::Fixed(3.0),
        shock: Param::Normal {
            mean: 0.0,
            std_dev: 0.5,
        },
        ceiling: Param::LogNormal {
            median: 180.0,
            sigma: 0.35,
        },
        share: Param::Uniform { min: 0.2, max: 0.4 },
        lag: Param::Triangular {
            min: 1.0,
            mode: 2.0,
            max: 6.0,
        },
        margin: Param::Pert {
            min: 0.1,
            mode: 0.2,
            max: 0.5,
        },
        cut: Param::Beta {
            alpha: 2.0,
            beta: 40.0,
            min: 0.0,
            max: 1.0,
        },
    }
}

#[test]
fn toml_parses_numbers_and_tagged_tables_and_round_trips() {
    let scenario: Scenario = toml::from_str(SCENARIO).unwrap();
    assert_eq!(scenario, expected_scenario());
    let text = toml::to_string(&scenario).unwrap();
    assert!(text.contains("growth = 0.3\n"), "{text}");
    assert!(text.contains("dist = \"log_normal\""), "{text}");
    assert_eq!(toml::from_str::<Scenario>(&text).unwrap(), scenario);
}

#[test]
fn json_round_trips_every_variant() {
    let scenario = expected_scenario();
    let json = serde_json::to_string(&scenario).unwrap();
    assert!(json.contains(r#""growth":0.3,"#), "{json}");
    assert!(json.contains(r#""cut":{"dist":"beta","alpha":2.0,"beta":40.0,"min":0.0,"max":1.0}"#));
    assert_eq!(serde_json::from_str::<Scenario>(&json).unwrap(), scenario);
    let beta: Param =
        serde_json::from_str(r#"{"dist":"beta","alpha":2,"beta":3,"max":5}"#).unwrap();
    assert_eq!(
        beta,
        Param::Beta {
            alpha: 2.0,
            beta: 3.0,
            min: 0.0,
            max: 5.0
        }
    );
}

#[test]
fn malformed_parameters_are_rejected_with_the_reason() {
    for (text, reason) in [
        (
            r#"{"dist":"normal","mean":0,"std_dev":1,"sd":2}"#,
            "unknown field `sd`",
        ),
        (r#"{"dist":"gamma","shape":2}"#, "unknown variant `gamma`"),
        (r#"{"dist":"fixed","value":2}"#, "unknown variant `fixed`"),
        (
            r#"{"dist":"LogNormal","median":1,"sigma":1}"#,
            "unknown variant",
        ),
        (r#"{"mean":0,"std_dev":1}"#, "missing field `dist`"),
        (r#"{"dist":"normal","mean":0}"#, "missing field `std_dev`"),
        (r#""0.3""#, "a number or a distribution table"),
        (r#"[0.3]"#, "a number or a distribution table"),
    ] {
        let err = serde_json::from_str::<Param>(text).unwrap_err().to_string();
        assert!(err.contains(reason), "{text}: {err}");
    }
    let err = toml::from_str::<Scenario>(&SCENARIO.replace("sigma = 0.35", "sigma = 0.35, mu = 1"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `mu`"), "{err}");
}

#[test]
fn deserialisation_does_not_validate() {
    let p: Param = serde_json::from_str(r#"{"dist":"normal","mean":1,"std_dev":-1}"#).unwrap();
    assert!(p.validate("x", Domain::any()).is_err());
}

/// Asserts that `param` fails validation against `domain` as field `demand.x`,
/// with the error naming `field` and containing every fragment of the rule.
#[track_caller]
fn assert_invalid(param: Param, domain: Domain, field: &str, fragments: &[&str]) {
    let err = param
        .validate("demand.x", domain)
        .expect_err(&format!("{param} in {domain} should be rejected"));
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("invalid parameter `{field}` = ")),
        "{param}: {msg}"
    );
    for fragment in fragments {
        assert!(msg.contains(fragment), "{param}: `{fragment}` not in {msg}");
    }
}

#[test]
fn numbers_must_be_finite() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let any = Domain::any();
    let finite = ["finite"];
    assert_invalid(Param::Fixed(nan), any, "demand.x", &finite);
    assert_invalid(Param::Fixed(-inf), any, "demand.x", &finite);
    let normal = |mean, std_dev| Param::Normal { mean, std_dev };
    assert_invalid(normal(nan, 1.0), any, "demand.x.mean", &finite);
    assert_invalid(normal(0.0, inf), any, "demand.x.std_dev", &finite);
    let log_normal = |median, sigma| Param::LogNormal { median, sigma };
    assert_invalid(log_normal(inf, 1.0), any, "demand.x.median", &finite);
    assert_invalid(log_normal(1.0, nan), any, "demand.x.sigma", &finite);
    assert_invalid(
        Param::Uniform { min: nan, max: 1.0 },
        any,
        "demand.x.min",
        &finite,
    );
    assert_invalid(
        Param::Uniform { min: 0.0, max: inf },
        any,
        "demand.x.max",
        &finite,
    );
    let tri = Param::Triangular {
        min: 0.0,
        mode: nan,
        max: 1.0,
    };
    assert_invalid(tri, any, "demand.x.mode", &["must lie in [0, 1]"]);
    let beta = |alpha, beta| Param::Beta {
        alpha,
        beta,
        min: 0.0,
        max: 1.0,
    };
    assert_invalid(beta(nan, 1.0), any, "demand.x.alpha", &finite);
    assert_invalid(beta(1.0, inf), any, "demand.x.beta", &finite);
}

#[test]
fn law_rules_name_the_field() {
    let any = Domain::any();
    let normal = Param::Normal {
        mean: 0.0,
        std_dev: -0.1,
    };
    assert_invalid(normal, any, "demand.x.std_dev", &[">= 0"]);
    let log_normal = |median, sigma| Param::LogNormal { median, sigma };
    assert_invalid(log_normal(1.0, -0.1), any, "demand.x.sigma", &[">= 0"]);
    assert_invalid(log_normal(0.0, 0.1), any, "demand.x.median", &["> 0"]);
    assert_invalid(log_normal(-1.0, 0.1), any, "demand.x.median", &["> 0"]);
    for (min, max) in [(1.0, 1.0), (2.0, 1.0)] {
        let uniform = Param::Uniform { min, max };
        assert_invalid(uniform, any, "demand.x.min", &["must be < `max`"]);
        let beta = Param::Beta {
            alpha: 1.0,
            beta: 1.0,
            min,
            max,
        };
        assert_invalid(beta, any, "demand.x.min", &["must be < `max`"]);
    }
    for mode in [-0.1, 1.1] {
        let tri = Param::Triangular {
            min: 0.0,
            mode,
            max: 1.0,
        };
        assert_invalid(tri, any, "demand.x.mode", &["must lie in [0, 1]"]);
        let pert = Param::Pert {
            min: 0.0,
            mode,
            max: 1.0,
        };
        assert_invalid(pert, any, "demand.x.mode", &["must lie in [0, 1]"]);
    }
    let pert = Param::Pert {
        min: 1.0,
        mode: 1.0,
        max: 1.0,
    };
    assert_invalid(pert, any, "demand.x.min", &["must be < `max`"]);
    let beta = |alpha, beta| Param::Beta {
        alpha,
        beta,
        min: 0.0,
        max: 1.0,
    };
    assert_invalid(beta(0.0, 1.0), any, "demand.x.alpha", &["> 0"]);
    assert_invalid(beta(1.0, -2.0), any, "demand.x.beta", &["> 0"]);
}

#[test]
fn fixed_values_must_lie_in_the_domain() {
    let positive = Domain::positive();
    assert_invalid(
        Param::Fixed(0.0),
        positive,
        "demand.x",
        &["must lie in (0, inf)"],
    );
    assert_invalid(
        Param::Fixed(-1.0),
        Domain::non_negative(),
        "demand.x",
        &["[0, inf)"],
    );
    assert_invalid(Param::Fixed(1.5), Domain::unit(), "demand.x", &["[0, 1]"]);
    assert_invalid(
        Param::Fixed(0.5),
        Domain::at_least(1.0),
        "demand.x",
        &["[1, inf)"],
    );
    Param::Fixed(0.0)
        .validate("x", Domain::non_negative())
        .unwrap();
    Param::Fixed(1.0).validate("x", Domain::unit()).unwrap();
    Param::Fixed(-3.0).validate("x", Domain::any()).unwrap();
    // The top-level name alone when there is no prefix.
    let err = Param::Fixed(-1.0).validate("growth", positive).unwrap_err();
    assert!(err.to_string().contains("`growth` = -1"), "{err}");
}

#[test]
fn unbounded_laws_need_a_domain_containing_their_support() {
    let normal = Param::Normal {
        mean: 0.3,
        std_dev: 0.1,
    };
    let suggestion = [
        "normal law",
        "bounded law (uniform, triangular, pert or beta)",
    ];
    assert_invalid(normal, Domain::non_negative(), "demand.x", &suggestion);
    assert_invalid(
        normal,
        Domain::positive(),
        "demand.x",
        &["(0, inf)", "or a log_normal law"],
    );
    let msg = normal
        .validate("demand.x", Domain::unit())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("[0, 1]") && !msg.contains("log_normal"),
        "{msg}"
    );
    normal.validate("x", Domain::any()).unwrap();

    let log_normal = Param::LogNormal {
        median: 0.5,
        sigma: 0.2,
    };
    let rule = [
        "log_normal law",
        "any positive number",
        "[0, 1]",
        "bounded law",
    ];
    assert_invalid(log_normal, Domain::unit(), "demand.x", &rule);
    assert_invalid(
        log_normal,
        Domain::at_least(0.1),
        "demand.x",
        &["[0.1, inf)"],
    );
    for domain in [Domain::any(), Domain::non_negative(), Domain::positive()] {
        log_normal.validate("x", domain).unwrap();
    }

    // With zero spread the point itself is checked, under its own name.
    let point = Param::Normal {
        mean: -0.1,
        std_dev: 0.0,
    };
    assert_invalid(
        point,
        Domain::positive(),
        "demand.x.mean",
        &["(0, inf)", "zero spread"],
    );
    let point = Param::LogNormal {
        median: 2.0,
        sigma: 0.0,
    };
    assert_invalid(
        point,
        Domain::unit(),
        "demand.x.median",
        &["[0, 1]", "zero spread"],
    );
}

#[test]
fn bounded_laws_need_both_ends_in_the_domain() {
    let laws = |min: f64, max: f64| {
        [
            Param::Uniform { min, max },
            Param::Triangular {
                min,
                mode: max,
                max,
            },
            Param::Pert {
                min,
                mode: min,
                max,
            },
            Param::Beta {
                alpha: 2.0,
                beta: 3.0,
                min,
                max,
            },
        ]
    };
    for law in laws(0.0, 1.0) {
        // min = 0 is rejected on a positive domain even where the density vanishes.
        let name = law.to_string();
        let name = &name[..name.find('(').unwrap()];
        let rule = format!("a {name} law draws values in [0, 1], which must lie in (0, inf)");
        assert_invalid(law, Domain::positive(), "demand.x.min", &[&rule]);
        law.validate("x", Domain::unit()).unwrap();
        law.validate("x", Domain::non_negative()).unwrap();
    }
    for law in laws(0.5, 1.5) {
        assert_invalid(
            law,
            Domain::unit(),
            "demand.x.max",
            &["[0.5, 1.5]", "[0, 1]"],
        );
        law.validate("x", Domain::positive()).unwrap();
    }
}

#[test]
fn overflowing_moments_are_rejected() {
    let wide = Param::Uniform {
        min: -1e308,
        max: 1e308,
    };
    assert_invalid(wide, Domain::any(), "demand.x", &["overflows"]);
    let heavy = Param::LogNormal {
        median: 1.0,
        sigma: 40.0,
    };
    assert_invalid(heavy, Domain::positive(), "demand.x", &["overflows"]);
}
