//! Fits the shipped data with `outpace::calibrate` and prints the estimates with
//! their standard errors: cloud revenue growth and volatility (GBM) from
//! `data/alibaba_quarterly.csv`, the rival Hawkes process of price cuts from
//! `data/price_moves.csv` under both same-date rules, and the cut-size law.
//! `docs/calibration.md` reports and discusses the output.
//!
//! Run with `cargo run --release --example fit_data`.

use outpace::Result;
use outpace::calibrate::{
    Date, EventLog, Fit, Held, Quarter, QuarterlySeries, RivalSpec, SameDate, fit_gamma, fit_gbm,
    fit_lognormal, fit_rival_hawkes, profile_decay, rival_log_likelihood,
};
use outpace::process::RivalHawkes;

/// First quarter on the current segment basis (the June 2023 quarter).
const FIRST_QUARTER: &str = "2023Q2";
/// Window of the price-war fit: from the start of the quarterly data to the last
/// month the shared data cover.
const WAR_START: &str = "2023-01-01";
const WAR_END: &str = "2026-05-01";

fn main() -> Result<()> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    revenue(&format!("{dir}/alibaba_quarterly.csv"))?;
    price_war(&format!("{dir}/price_moves.csv"))?;
    Ok(())
}

fn revenue(path: &str) -> Result<()> {
    let series = QuarterlySeries::read(path, &["cloud_revenue"])?;
    let first: Quarter = FIRST_QUARTER.parse()?;
    let window = series.between(Some(first), None);
    let levels = window.column("cloud_revenue")?;
    let quarters = window.quarters();
    println!(
        "Cloud revenue, GBM on {} quarterly levels {}..{} (2023Q3 missing: one half-year step)",
        levels.len(),
        quarters[0],
        quarters[quarters.len() - 1]
    );
    let gbm = fit_gbm(&levels)?;
    print_fit(gbm.fit());
    println!("  data: {}", gbm.data());
    let r = gbm.residuals();
    println!(
        "  residuals: mean {:.3}, sd {:.3}, lag-1 autocorrelation {:.3} (reference se {:.3})",
        r.mean(),
        r.std_dev(),
        r.lag1_autocorrelation(),
        r.reference_std_error()
    );
    let yoy: Vec<String> = quarters
        .iter()
        .filter_map(|&q| {
            let v = window.value(q, "cloud_revenue")?;
            Some(format!("{q} {v}"))
        })
        .collect();
    println!("  levels: {}", yoy.join(", "));
    println!();
    Ok(())
}

fn price_war(path: &str) -> Result<()> {
    let log = EventLog::read(path)?;
    let (start, end): (Date, Date) = (WAR_START.parse()?, WAR_END.parse()?);
    for rule in [SameDate::Simultaneous, SameDate::Spread] {
        let events = log.rival_events(start, end, rule)?;
        println!(
            "Price cuts, rival Hawkes, {rule:?} same-date rule: {} cuts by {} firms on \
             {start}..{end} ({:.2} years); per firm: {}",
            events.len(),
            events.firms().len(),
            events.horizon(),
            events
                .firms()
                .iter()
                .zip(events.counts())
                .map(|(f, c)| format!("{f} {c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // No excitation: a Poisson process per firm at the pooled rate, the
        // baseline of the likelihood-ratio comparison.
        let firms = events.firms().len() as f64;
        let rate = events.len() as f64 / (firms * events.horizon());
        let poisson = RivalHawkes::shared(events.firms().len(), rate, 0.0, 0.0, 1.0)?;
        println!(
            "  no excitation (Poisson, {rate:.4} cuts a year per firm): log-likelihood {:.3}",
            rival_log_likelihood(&poisson, &events)
        );
        for (label, spec) in [
            (
                "shared baseline, shared excitation, decay",
                RivalSpec::SHARED,
            ),
            (
                "shared baseline, self/cross excitation, decay",
                RivalSpec::SELF_CROSS,
            ),
        ] {
            let fitted = fit_rival_hawkes(&events, spec)?;
            println!("  {label}:");
            print_fit(fitted.fit());
            let test = fitted.rescaling();
            println!(
                "    time rescaling: KS D = {:.3}, p = {:.3} over {} rescaled intervals",
                test.statistic(),
                test.p_value(),
                test.increments().len()
            );
            if spec == RivalSpec::SELF_CROSS {
                let diff =
                    fitted.fit().value("self_excitation") - fitted.fit().value("cross_excitation");
                match fitted
                    .fit()
                    .std_error_of_difference("self_excitation", "cross_excitation")
                {
                    Some(se) => println!("    a_self - a_cross = {diff:.3} +/- {se:.3}"),
                    None => {
                        println!("    a_self - a_cross = {diff:.3}, standard error not defined")
                    }
                }
            }
        }
        let profile = profile_decay(&events, RivalSpec::SHARED, 0.95)?;
        let show = |b: Option<f64>| b.map_or("unbounded".to_string(), |b| format!("{b:.1}"));
        println!(
            "  decay of the shared fit: {:.1}, 95% profile-likelihood interval {} to {} a year",
            profile.estimate,
            show(profile.lower),
            show(profile.upper)
        );
        // The decay held at a judgement: two weeks (26 a year).
        let fixed = fit_rival_hawkes(&events, RivalSpec::SHARED.with_fixed_decay(26.0))?;
        println!("  shared, decay held at 26 a year (two weeks):");
        print_fit(fixed.fit());
    }
    let sizes = log.cut_sizes();
    println!();
    println!(
        "Cut sizes ({} cuts with a reported size; midpoint of the range where both ends are given): {:?}",
        sizes.len(),
        sizes
    );
    // Baidu's 1.00 (made free) is a size of 100%: both laws take it as a value.
    for fitted in [fit_gamma(&sizes)?, fit_lognormal(&sizes)?] {
        println!("  {:?} (AIC {:.2}):", fitted.law(), fitted.fit().aic());
        print_fit(fitted.fit());
    }
    Ok(())
}

fn print_fit(fit: &Fit) {
    for e in fit.estimates() {
        let se = match (e.held, e.std_error) {
            (Held::Fixed, _) => "fixed".to_string(),
            (_, Some(s)) => format!("{s:.4}"),
            (_, None) => "not identified".to_string(),
        };
        println!(
            "    {:<24} {:>10.4}  se {:>14}  ({:?})",
            e.name, e.value, se, e.held
        );
    }
    println!(
        "    log-likelihood {:.3}, {} observations, {} free parameters{}",
        fit.log_likelihood(),
        fit.observations(),
        fit.free_parameters(),
        if fit.identified() {
            ""
        } else {
            "; the observed information is not positive definite"
        }
    );
}
