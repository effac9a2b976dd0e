//! Hawkes estimators on event times simulated by outpace: the likelihood against
//! a direct O(N^2) evaluation, recovery of known parameters within their standard
//! errors, coverage over repeated data sets, the pooled identity of the shared
//! form, fixed parameters, and the time-rescaling test's size and power.

mod common;

use common::*;
use outpace::calibrate::{
    BaselineForm, ExcitationForm, Fit, Held, RivalEvents, RivalSpec, TimeRescaling, fit_hawkes,
    fit_rival_hawkes, profile_decay, rival_log_likelihood,
};
use outpace::engine::{Component, PathStreams};
use outpace::process::{Hawkes, RivalEvent, RivalHawkes};
use rayon::prelude::*;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("firm{i}")).collect()
}

/// Events of `law` on `[0, horizon]` from stream `(seed, index)`.
fn sample(law: &RivalHawkes, horizon: f64, seed: u64, index: u64) -> RivalEvents {
    let mut rng = PathStreams::new(seed, index).rng(Component::new(0));
    let events = law.sample_events(horizon, &mut rng).unwrap();
    RivalEvents::new(names(law.firms()), events, horizon).unwrap()
}

fn times(events: &RivalEvents) -> Vec<f64> {
    events.events().iter().map(|e| e.time).collect()
}

#[track_caller]
fn assert_recovers(fit: &Fit, name: &str, truth: f64) {
    let e = fit.estimate(name).unwrap();
    assert_within(name, e.value, e.std_error.expect("identified"), truth);
}

/// Coverage of the 95% Wald intervals of `name` within K_SIGMA binomial standard
/// errors, and rejected with the standard error halved (power). Checked by
/// breaking the code: the covariance halved (standard errors / sqrt 2) fails the
/// univariate and rival coverage tests at z of -7 to -9.
#[track_caller]
fn assert_coverage(fits: &[Fit], name: &str, truth: f64) {
    let n = fits.len() as u64;
    let hits = |factor: f64| {
        fits.iter()
            .filter(|f| {
                let e = f.estimate(name).unwrap();
                (e.value - truth).abs() <= 1.959_964 * factor * e.std_error.unwrap()
            })
            .count() as u64
    };
    assert_proportion(&format!("coverage of {name}"), hits(1.0), n, 0.95);
    let se = (0.95 * 0.05 / n as f64).sqrt();
    assert_rejects(
        &format!("coverage of {name} with se / 2"),
        hits(0.5) as f64 / n as f64,
        se,
        0.95,
    );
}

/// The log-likelihood by its definition: the intensity at each event summed over
/// all earlier events (strictly earlier: ties do not excite), the compensator
/// integrated in closed form per event.
fn direct_log_likelihood(law: &RivalHawkes, events: &RivalEvents) -> f64 {
    let e = events.events();
    let beta = law.decay();
    let t_end = events.horizon();
    let mut ll = 0.0;
    for (k, ek) in e.iter().enumerate() {
        let mut lambda =
            law.baseline(ek.firm) + law.initial_excess()[ek.firm] * (-beta * ek.time).exp();
        for el in &e[..k] {
            if el.time < ek.time {
                lambda += law.excitation(ek.firm, el.firm) * (-beta * (ek.time - el.time)).exp();
            }
        }
        ll += lambda.ln();
    }
    for i in 0..law.firms() {
        ll -= law.baseline(i) * t_end
            + law.initial_excess()[i] * (1.0 - (-beta * t_end).exp()) / beta;
        for el in e {
            ll -= law.excitation(i, el.firm) * (1.0 - (-beta * (t_end - el.time)).exp()) / beta;
        }
    }
    ll
}

#[test]
fn likelihood_matches_its_direct_evaluation_with_ties() {
    let law = RivalHawkes::new(&[0.5, 1.0, 0.2], 2.0, 1.0, 6.0)
        .unwrap()
        .with_initial_excess(&[1.0, 0.0, 0.5])
        .unwrap();
    let mut events = sample(&law, 20.0, 11, 0).events().to_vec();
    // Ties: copy some events to the same time for another firm.
    for k in (0..events.len()).step_by(7).rev() {
        let e = events[k];
        events.insert(
            k + 1,
            RivalEvent {
                time: e.time,
                firm: (e.firm + 1) % 3,
            },
        );
    }
    let events = RivalEvents::new(names(3), events, 20.0).unwrap();
    // Checked by breaking the code: a recursion that lets tied events excite
    // each other gives -23.0 against -30.3 here.
    let fast = rival_log_likelihood(&law, &events);
    let direct = direct_log_likelihood(&law, &events);
    assert!(
        (fast - direct).abs() < 1e-9 * direct.abs(),
        "{fast} vs {direct}"
    );
    // Letting tied events excite each other would change it.
    let mut shifted = events.events().to_vec();
    for k in 1..shifted.len() {
        if shifted[k].time <= shifted[k - 1].time {
            shifted[k].time = shifted[k - 1].time + 1e-9;
        }
    }
    let shifted = RivalEvents::new(names(3), shifted, 20.0).unwrap();
    assert!((direct_log_likelihood(&law, &shifted) - direct).abs() > 1.0);
}

#[test]
fn univariate_hawkes_recovers_its_parameters() {
    // One firm of a rival Hawkes process is a univariate Hawkes process (checked
    // draw for draw in tests/process_rival_hawkes.rs).
    let law = RivalHawkes::new(&[1.0], 2.0, 0.0, 4.0).unwrap();
    let events = sample(&law, 400.0, 21, 0);
    let fitted = fit_hawkes(&times(&events), 400.0).unwrap();
    let fit = fitted.fit();
    assert_recovers(fit, "baseline", 1.0);
    assert_recovers(fit, "alpha", 2.0);
    assert_recovers(fit, "beta", 4.0);
    assert_recovers(fit, "branching_ratio", 0.5);
    // A Poisson process (alpha = 0) is rejected.
    let a = fit.estimate("alpha").unwrap();
    assert_rejects("alpha vs Poisson", a.value, a.std_error.unwrap(), 0.0);
    let law: &Hawkes = fitted.law();
    assert_eq!(law.alpha(), fit.value("alpha"));
    assert_eq!(fit.observations(), events.len());
}

#[test]
fn univariate_standard_errors_cover_at_the_stated_rate() {
    let law = RivalHawkes::new(&[1.0], 1.5, 0.0, 3.0).unwrap();
    let fits: Vec<Fit> = (0..200u64)
        .into_par_iter()
        .map(|i| {
            let events = sample(&law, 200.0, 22, i);
            fit_hawkes(&times(&events), 200.0).unwrap().fit().clone()
        })
        .collect();
    assert_coverage(&fits, "baseline", 1.0);
    assert_coverage(&fits, "alpha", 1.5);
    assert_coverage(&fits, "beta", 3.0);
    assert_coverage(&fits, "branching_ratio", 0.5);
}

#[test]
fn rival_self_cross_recovers_its_parameters() {
    // Four firms, self-excitation dominant, about 2,400 events.
    let law = RivalHawkes::shared(4, 0.5, 3.0, 1.0, 10.0).unwrap();
    let events = sample(&law, 400.0, 31, 0);
    let fitted = fit_rival_hawkes(&events, RivalSpec::SELF_CROSS).unwrap();
    let fit = fitted.fit();
    assert_recovers(fit, "baseline", 0.5);
    assert_recovers(fit, "self_excitation", 3.0);
    assert_recovers(fit, "cross_excitation", 1.0);
    assert_recovers(fit, "decay", 10.0);
    assert_recovers(fit, "spectral_radius", 0.6);
    // Self and cross are told apart, by the difference's own standard error.
    let diff = fit.value("self_excitation") - fit.value("cross_excitation");
    let se = fit
        .std_error_of_difference("self_excitation", "cross_excitation")
        .unwrap();
    assert_within("a_self - a_cross", diff, se, 2.0);
    assert_rejects("a_self - a_cross vs 0", diff, se, 0.0);
    assert_eq!(
        fitted.law().cross_excitation(),
        fit.value("cross_excitation")
    );
    // The shared form cannot express the difference; the likelihood ratio shows it.
    let shared = fit_rival_hawkes(&events, RivalSpec::SHARED).unwrap();
    assert!(fit.log_likelihood() - shared.fit().log_likelihood() > 10.0);
}

#[test]
fn rival_per_firm_baselines_recover_their_values() {
    let law = RivalHawkes::new(&[0.2, 0.6, 1.2], 2.0, 2.0, 12.0).unwrap();
    let events = sample(&law, 300.0, 41, 0);
    let spec = RivalSpec {
        baseline: BaselineForm::PerFirm,
        excitation: ExcitationForm::Shared,
        decay: None,
    };
    let fitted = fit_rival_hawkes(&events, spec).unwrap();
    let fit = fitted.fit();
    for (i, mu) in [0.2, 0.6, 1.2].into_iter().enumerate() {
        assert_recovers(fit, &format!("baseline[firm{i}]"), mu);
    }
    assert_recovers(fit, "self_excitation", 2.0);
    assert_recovers(fit, "decay", 12.0);
    assert_eq!(
        fit.estimate("cross_excitation").unwrap().held,
        Held::Tied("self_excitation")
    );
    // The shared baseline misfits the smallest and largest firms: the per-firm
    // fit's likelihood is far higher.
    let shared = fit_rival_hawkes(&events, RivalSpec::SHARED).unwrap();
    assert!(fit.log_likelihood() - shared.fit().log_likelihood() > 20.0);
}

#[test]
fn rival_shared_fit_covers_at_the_stated_rate() {
    let law = RivalHawkes::shared(3, 1.0, 1.0, 1.0, 6.0).unwrap();
    let fits: Vec<Fit> = (0..200u64)
        .into_par_iter()
        .map(|i| {
            let events = sample(&law, 60.0, 51, i);
            fit_rival_hawkes(&events, RivalSpec::SHARED)
                .unwrap()
                .fit()
                .clone()
        })
        .collect();
    assert_coverage(&fits, "baseline", 1.0);
    assert_coverage(&fits, "self_excitation", 1.0);
    assert_coverage(&fits, "decay", 6.0);
}

#[test]
fn shared_form_is_the_pooled_univariate_fit() {
    // With a shared baseline and a_self = a_cross, the labels carry no
    // information: the likelihood is the pooled process's minus N ln n, and the
    // estimates are the pooled ones divided by n.
    let law = RivalHawkes::shared(4, 0.3, 0.5, 0.5, 5.0).unwrap();
    let events = sample(&law, 100.0, 61, 0);
    let rival = fit_rival_hawkes(&events, RivalSpec::SHARED).unwrap();
    let pooled = fit_hawkes(&times(&events), 100.0).unwrap();
    let n = events.len() as f64;
    let (r, p) = (rival.fit(), pooled.fit());
    assert!((r.log_likelihood() - (p.log_likelihood() - n * 4f64.ln())).abs() < 1e-6);
    assert!((r.value("baseline") * 4.0 / p.value("baseline") - 1.0).abs() < 1e-4);
    assert!((r.value("self_excitation") * 4.0 / p.value("alpha") - 1.0).abs() < 1e-4);
    assert!((r.value("decay") / p.value("beta") - 1.0).abs() < 1e-4);
    let (se_r, se_p) = (r.std_error("decay").unwrap(), p.std_error("beta").unwrap());
    assert!((se_r / se_p - 1.0).abs() < 1e-3, "{se_r} vs {se_p}");
}

#[test]
fn fixed_decay_is_held_and_reported() {
    let law = RivalHawkes::shared(2, 1.0, 1.0, 1.0, 8.0).unwrap();
    let events = sample(&law, 50.0, 71, 0);
    let fitted = fit_rival_hawkes(&events, RivalSpec::SHARED.with_fixed_decay(8.0)).unwrap();
    let fit = fitted.fit();
    let decay = fit.estimate("decay").unwrap();
    assert_eq!(
        (decay.value, decay.held, decay.std_error),
        (8.0, Held::Fixed, None)
    );
    assert_eq!(fit.fixed(), vec!["decay"]);
    assert_eq!(fit.free_parameters(), 2);
    assert_recovers(fit, "self_excitation", 1.0);
    assert!(fit_rival_hawkes(&events, RivalSpec::SHARED.with_fixed_decay(-1.0)).is_err());
    let few = RivalEvents::new(names(1), vec![RivalEvent { time: 0.5, firm: 0 }], 1.0).unwrap();
    let err = fit_rival_hawkes(&few, RivalSpec::SHARED)
        .unwrap_err()
        .to_string();
    assert!(err.contains("at least 5"), "{err}");
}

#[test]
fn time_rescaling_has_its_size_and_power() {
    // Under the true law the rescaled increments are exactly Exp(1): the test
    // rejects at 5% in 5% of data sets. With the law fitted to each data set it
    // rejects less (conservative). A Poisson process fitted to the same Hawkes data
    // (rate N / T) is rejected in most of them.
    let law = RivalHawkes::new(&[0.5, 0.5], 3.0, 1.0, 6.0).unwrap();
    let runs = 200u64;
    let outcomes: Vec<(bool, bool, bool)> = (0..runs)
        .into_par_iter()
        .map(|i| {
            let events = sample(&law, 30.0, 81, i);
            let truth = TimeRescaling::rival(&law, &events).unwrap().p_value() < 0.05;
            let fitted = fit_rival_hawkes(&events, RivalSpec::SELF_CROSS).unwrap();
            let fit = fitted.rescaling().p_value() < 0.05;
            let counts = events.counts();
            let rates: Vec<f64> = counts.iter().map(|&c| c as f64 / 30.0).collect();
            let poisson = RivalHawkes::new(&rates, 0.0, 0.0, 1.0).unwrap();
            let wrong = TimeRescaling::rival(&poisson, &events).unwrap().p_value() < 0.05;
            (truth, fit, wrong)
        })
        .collect();
    let count =
        |f: fn(&(bool, bool, bool)) -> bool| outcomes.iter().filter(|o| f(o)).count() as u64;
    assert_proportion("rejections under the true law", count(|o| o.0), runs, 0.05);
    let fitted_rate = count(|o| o.1) as f64 / runs as f64;
    assert!(
        fitted_rate <= 0.05 + 4.0 * (0.05f64 * 0.95 / runs as f64).sqrt(),
        "{fitted_rate}"
    );
    let power = count(|o| o.2) as f64 / runs as f64;
    assert!(power > 0.9, "power against a Poisson process: {power}");
}

#[test]
fn profile_interval_of_the_decay() {
    // On much data the log-likelihood is nearly quadratic in ln(beta): the
    // profile interval is the Wald interval of ln(beta) to a fraction of a
    // standard error (the natural-scale Wald interval sits about 0.3 se to the
    // left: the likelihood is skewed in beta), and at its bounds the profile
    // log-likelihood is chi2_1(0.95) / 2 = 1.9207 below the maximum.
    let law = RivalHawkes::shared(3, 1.0, 1.0, 1.0, 6.0).unwrap();
    let events = sample(&law, 200.0, 91, 0);
    let full = fit_rival_hawkes(&events, RivalSpec::SHARED).unwrap();
    let decay = full.fit().estimate("decay").unwrap();
    let se = decay.std_error.unwrap();
    let spread = (1.959_964 * se / decay.value).exp();
    let (lo, hi) = (decay.value / spread, decay.value * spread);
    let profile = profile_decay(&events, RivalSpec::SHARED, 0.95).unwrap();
    let (plo, phi) = (profile.lower.unwrap(), profile.upper.unwrap());
    assert!(
        (plo - lo).abs() < 0.2 * se && (phi - hi).abs() < 0.2 * se,
        "{plo}..{phi} vs {lo}..{hi}"
    );
    assert!(plo < decay.value && decay.value < phi && profile.estimate == decay.value);
    for bound in [plo, phi] {
        let held = fit_rival_hawkes(&events, RivalSpec::SHARED.with_fixed_decay(bound)).unwrap();
        let drop = full.fit().log_likelihood() - held.fit().log_likelihood();
        assert!((drop - 1.920_729).abs() < 1e-3, "{drop}");
    }
    // Coverage over repeated small data sets (about 100 events), within the
    // binomial tolerance.
    let runs = 100u64;
    let hits = (0..runs)
        .into_par_iter()
        .filter(|&i| {
            let events = sample(&law, 16.0, 92, i);
            let p = profile_decay(&events, RivalSpec::SHARED, 0.95).unwrap();
            p.lower.is_none_or(|l| l <= 6.0) && p.upper.is_none_or(|u| u >= 6.0)
        })
        .count() as u64;
    assert_proportion("coverage of the decay's profile interval", hits, runs, 0.95);
    assert!(profile_decay(&events, RivalSpec::SHARED, 1.0).is_err());
    assert!(profile_decay(&events, RivalSpec::SHARED.with_fixed_decay(6.0), 0.95).is_err());
}
