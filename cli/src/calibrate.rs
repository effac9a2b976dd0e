//! `outpace calibrate` and `outpace backtest`: fit what the data files identify
//! and write a scenario whose fitted parameters are laws carrying the
//! estimation uncertainty; score a forecast fitted up to a cut-off quarter
//! against the quarters that followed. The estimators are those of
//! `outpace::calibrate` (`docs/calibration.md`).

use crate::Failure;
use clap::{Args, ValueEnum};
use outpace::calibrate::{
    Backtest, Date, EventLog, Fit, GridBound, Quarter, QuarterlySeries, RivalSpec, SameDate,
    ceiling_grid, fit_gamma, fit_gbm, fit_rival_hawkes, match_rate, profile_ceiling,
};
use outpace::cloud::{Scenario, Source};
use outpace::report::backtest;
use outpace::report::files;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The revenue column of the quarterly file.
const REVENUE: &str = "cloud_revenue";
/// The capex column of the quarterly file.
const CAPEX: &str = "group_capex";
/// The firm the scenario models, first among the rivals.
const FIRM: &str = "Alibaba";
/// Quarters of capex averaged for the capex level.
const CAPEX_QUARTERS: usize = 4;
/// Half-width of the PERT laws written for bounded parameters, in standard
/// errors: a PERT on `[mode - w se, mode + w se]` is a Beta(3, 3) scaled to
/// `2 w se`, of standard deviation `2 w se / sqrt(28)`: 1.13 se for `w = 3`.
const PERT_HALF_WIDTH: f64 = 3.0;
/// Judgement: multipliers of the rival baseline by market regime (war, stable,
/// constrained); with the preset's long-run regime shares (35%, 51%, 14%) they
/// average 1.01, so the fitted baseline stays the average rate.
const REGIME_FACTOR: [f64; 3] = [1.6, 0.8, 0.3];
/// Judgement: log volume lost per unit of unmatched log-price cut.
const SWITCHING: f64 = 0.5;
/// Judgement: mean blended-ARPU effect of one cut (the preset's 2%); the
/// reported sizes are headline list-price cuts, which fix the law's shape only.
const BLENDED_CUT_MEAN: f64 = 0.02;

/// Where the data files are.
#[derive(Debug, Args)]
pub struct DataFiles {
    /// Directory of the data files (alibaba_quarterly.csv, price_moves.csv).
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
    /// The quarterly file (default DIR/alibaba_quarterly.csv); columns
    /// `quarter`, `cloud_revenue`, `group_capex` (docs/calibration.md, 4).
    #[arg(long, value_name = "FILE")]
    quarterly: Option<PathBuf>,
    /// First quarter fitted (the segment basis changed in 2023Q2).
    #[arg(long, value_name = "QUARTER", default_value = "2023Q2")]
    first: String,
}

impl DataFiles {
    fn quarterly(&self) -> PathBuf {
        self.quarterly
            .clone()
            .unwrap_or_else(|| self.data.join("alibaba_quarterly.csv"))
    }

    fn first(&self) -> Result<Quarter, Failure> {
        parse_quarter("--first", &self.first)
    }
}

/// The same-date rule, as an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Rule {
    /// Events of a day sit together at mid-day and do not excite each other.
    Simultaneous,
    /// Events of a day are spread over it in file order.
    Spread,
}

/// Arguments of `calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    files: DataFiles,
    /// The price-move file (default DIR/price_moves.csv); columns `date`, `firm`,
    /// and optionally `precision`, `direction`, `size` or `size_low`/`size_high`.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// Last quarter fitted (default: the last in the file).
    #[arg(long, value_name = "QUARTER")]
    last: Option<String>,
    /// How cuts on the same date excite each other.
    #[arg(long, value_enum, default_value_t = Rule::Simultaneous)]
    same_date: Rule,
    /// First day of the price-war window.
    #[arg(long, value_name = "DATE", default_value = "2023-01-01")]
    war_start: String,
    /// Day after the price-war window.
    #[arg(long, value_name = "DATE", default_value = "2026-05-01")]
    war_end: String,
    /// Judgement: the decay of the excitation (per year), held because the
    /// dates do not bound it (26 a year: two weeks).
    #[arg(long, value_name = "RATE", default_value_t = 26.0)]
    decay: f64,
    /// Days within which a later cut of the firm counts as matching a rival's.
    #[arg(long, value_name = "DAYS", default_value_t = 30.0)]
    match_window: f64,
    /// Write the scenario here (default: stdout).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Arguments of `backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    files: DataFiles,
    /// Last quarter of the fitting window; the quarters after it are forecast.
    #[arg(long, value_name = "QUARTER", default_value = "2024Q4")]
    cutoff: String,
    /// Forecast paths.
    #[arg(long, default_value_t = 20_000)]
    paths: usize,
    /// Seed of the forecast.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// The column of the quarterly file backtested (e.g. `group_capex`).
    #[arg(long, value_name = "NAME", default_value = REVENUE)]
    column: String,
    /// Write backtest.txt, backtest.csv and backtest.svg into this directory
    /// (all or nothing).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn parse_quarter(option: &str, text: &str) -> Result<Quarter, Failure> {
    text.parse()
        .map_err(|e: outpace::Error| Failure::from(e.within(option)))
}

fn parse_date(option: &str, text: &str) -> Result<Date, Failure> {
    text.parse()
        .map_err(|e: outpace::Error| Failure::from(e.within(option)))
}

/// A positive number with its standard error as a PERT law on
/// `[max(floor, x - w se), min(cap, x + w se)]` with mode `x`.
fn pert(x: f64, se: f64, floor: f64, cap: f64) -> String {
    let min = (x - PERT_HALF_WIDTH * se).max(floor);
    let max = (x + PERT_HALF_WIDTH * se).min(cap);
    format!("{{ dist = \"pert\", min = {min:.6}, mode = {x:.6}, max = {max:.6} }}")
}

fn se_of(fit: &Fit, name: &str) -> Result<f64, Failure> {
    fit.std_error(name).ok_or_else(|| {
        Failure::Input(vec![format!(
            "the fit of `{name}` has no standard error (the data do not identify it)"
        )])
    })
}

/// `outpace calibrate`.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), Failure> {
    let text = calibrated_scenario(args)?;
    // The written scenario must load: a fitted law outside a parameter's range is
    // an input problem, reported before anything is written.
    Scenario::load(
        &Source::Text {
            label: "the calibrated scenario".into(),
            text: text.clone(),
            format: outpace::cloud::Format::Toml,
        },
        &[],
    )
    .map_err(|problems| Failure::Input(problems.iter().map(ToString::to_string).collect()))?;
    match &args.out {
        Some(path) => {
            outpace::report::files::write_atomic(path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        None => emit(&text),
    }
}

/// The TOML of the calibrated scenario, with a comment per parameter.
fn calibrated_scenario(args: &CalibrateArgs) -> Result<String, Failure> {
    let files = &args.files;
    let quarterly = files.quarterly();
    let series = QuarterlySeries::read(&quarterly, &[REVENUE, CAPEX])?;
    let last = args
        .last
        .as_deref()
        .map(|q| parse_quarter("--last", q))
        .transpose()?;
    let window = series.between(Some(files.first()?), last);
    let quarters = window.quarters();
    let span = format!(
        "{}..{}",
        quarters.first().map_or(String::new(), ToString::to_string),
        quarters.last().map_or(String::new(), ToString::to_string)
    );
    let gbm = fit_gbm(&window.column(REVENUE)?)?;
    let g = gbm.fit();
    let (mu, se_mu) = (g.value("mu"), se_of(g, "mu")?);
    let (sigma, se_sigma) = (g.value("sigma"), se_of(g, "sigma")?);

    let capex = window.column(CAPEX)?;
    let recent: Vec<f64> = capex
        .values()
        .iter()
        .rev()
        .take(CAPEX_QUARTERS)
        .copied()
        .collect();
    if recent.len() < 2 {
        return Err(Failure::Input(vec![format!(
            "`{}` column `{CAPEX}`: {} observed values in {span}: at least 2 are needed for the capex level",
            quarterly.display(),
            recent.len()
        )]));
    }
    let n = recent.len() as f64;
    let capex_mean = recent.iter().sum::<f64>() / n;
    let capex_sd =
        (recent.iter().map(|x| (x - capex_mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let capex_se = capex_sd / n.sqrt();

    let events_path = args
        .events
        .clone()
        .unwrap_or_else(|| files.data.join("price_moves.csv"));
    let log = EventLog::read(&events_path)?;
    let (start, end) = (
        parse_date("--war-start", &args.war_start)?,
        parse_date("--war-end", &args.war_end)?,
    );
    let rule = match args.same_date {
        Rule::Simultaneous => SameDate::Simultaneous,
        Rule::Spread => SameDate::Spread,
    };
    let events = log.rival_events(start, end, rule)?;
    let mut firms: Vec<String> = events.firms().to_vec();
    match firms.iter().position(|f| f == FIRM) {
        Some(i) => {
            let own = firms.remove(i);
            firms.insert(0, own);
        }
        None => {
            return Err(Failure::Input(vec![format!(
                "`{}`: no cut by {FIRM} between {start} and {end}",
                events_path.display()
            )]));
        }
    }
    let hawkes = fit_rival_hawkes(&events, RivalSpec::SHARED.with_fixed_decay(args.decay))
        .map_err(|e| e.within("--decay"))?;
    let h = hawkes.fit();
    let (base, se_base) = (h.value("baseline"), se_of(h, "baseline")?);
    let (excite, se_excite) = (h.value("self_excitation"), se_of(h, "self_excitation")?);
    let ks = hawkes.rescaling();
    let firm_count = firms.len() as f64;
    // Stationary on every path: firms * excitation < decay, with a margin.
    let excite_cap = 0.95 * args.decay / firm_count;
    let matching = match_rate(&log, FIRM, args.match_window, start, end)?;
    let (alpha, beta) = matching.beta_law();
    let sizes = log.cut_sizes();
    let sizes_fit = fit_gamma(&sizes)?;
    let shape = sizes_fit.fit().value("shape");
    let se_shape = sizes_fit.fit().std_error("shape");

    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "# Written by `outpace calibrate` from {} and {} (docs/calibration.md).",
        quarterly.display(),
        events_path.display()
    );
    let _ = writeln!(
        w,
        "# Fitted parameters are laws that carry their estimation uncertainty: PERT laws\n\
         # with the estimate as mode on estimate -/+ 3 standard errors (a standard\n\
         # deviation of 1.13 standard errors when symmetric), cut to the parameter's\n\
         # range, or a beta law for a probability; everything not set here is the base case\n\
         # (scenarios/alibaba.toml). On the shipped data the base case carries these same\n\
         # values (cli/tests/calibrate.rs checks it), so this file restates it; on other\n\
         # data it shows what moves.\n\
         #\n\
         # Stayed judgement: demand (S-curve: the data have no AI volume series before\n\
         # the last quarter), price deflation and elasticity, capex response, headroom\n\
         # and plan, costs (set from public figures in the base case, docs/calibration.md\n\
         # 9), the excitation's decay (not bounded by ~15 dates), the\n\
         # self/cross split (hundreds of events needed), per-firm baselines, the\n\
         # regime factors, the volume lost to unmatched cuts, and the blended size of\n\
         # a cut (the data report headline list-price cuts)."
    );
    let _ = writeln!(w, "{}", ceiling_comment(&window, &span)?);
    let _ = writeln!(
        w,
        "extends = \"alibaba\"\nname = \"alibaba_calibrated\"\n\
         description = \"The Alibaba base case with revenue growth and volatility, the capex level, \
         the rival price war and Alibaba's matching fitted to the data in data/.\"\n"
    );
    let _ = writeln!(w, "[traditional]");
    let _ = writeln!(
        w,
        "# GBM fitted to {REVENUE} {span} ({} levels): mu = {mu:.4} (se {se_mu:.4}) a year.\n\
         # The fit is to total cloud revenue (AI included, ~20-30% of it), applied to the\n\
         # traditional part.",
        gbm.fit().observations() + 1
    );
    let _ = writeln!(w, "growth = {}", pert(mu, se_mu, -1.0, 2.0));
    let _ = writeln!(
        w,
        "# sigma = {sigma:.4} (se {se_sigma:.4}) per sqrt(year), same fit; it includes the\n\
         # calendar-Q1 seasonal dip, so it overstates the volatility of the trend."
    );
    let _ = writeln!(w, "volatility = {}\n", pert(sigma, se_sigma, 0.0, 2.0));
    let _ = writeln!(w, "[initial]");
    let _ = writeln!(
        w,
        "# Capex level: mean of the last {} reported quarters of {CAPEX} in {span},\n\
         # {capex_mean:.3} (se {capex_se:.3}, from their spread).\n\
         # The capex response to the demand gap (capex.response) is not identified by a\n\
         # few quarters of capex and stays a judgement.",
        recent.len()
    );
    let _ = writeln!(w, "capex = {}\n", pert(capex_mean, capex_se, 0.0, 1e5));
    let _ = writeln!(w, "[price_war]");
    let _ = writeln!(
        w,
        "# Cut-size law: gamma shape fitted to the {} reported sizes: {shape:.3} (se {}); the\n\
         # scale is set so that the mean blended cut is {BLENDED_CUT_MEAN} (judgement: the reported\n\
         # sizes are headline list-price cuts, mean {:.3}, not effects on blended ARPU).",
        sizes.len(),
        se_shape.map_or("none".to_owned(), |s| format!("{s:.3}")),
        sizes_fit.fit().value("mean")
    );
    let _ = writeln!(
        w,
        "cut_size = {{ kind = \"gamma\", shape = {shape:.6}, scale = {:.6} }}\n",
        BLENDED_CUT_MEAN / shape
    );
    let _ = writeln!(w, "[price_war.rivals]");
    let _ = writeln!(
        w,
        "# The firms that cut in {} ({start} to {end}), {FIRM} first. The single\n\
         # price-war process of the base case is replaced by this rival war.",
        events_path.display()
    );
    let quoted: Vec<String> = firms.iter().map(|f| format!("\"{f}\"")).collect();
    let _ = writeln!(w, "firms = [{}]", quoted.join(", "));
    let _ = writeln!(
        w,
        "# Shared rival Hawkes fit of the {} cuts, same-date rule {:?}, decay held at\n\
         # {} a year: baseline {base:.4} (se {se_base:.4}) cuts per firm and year.\n\
         # Time rescaling: KS D = {:.3}, p = {:.3} over {} intervals.",
        events.len(),
        args.same_date,
        args.decay,
        ks.statistic(),
        ks.p_value(),
        ks.increments().len()
    );
    let _ = writeln!(w, "baseline = {}", pert(base, se_base, 0.0, 100.0));
    let _ = writeln!(
        w,
        "# Judgement: the baseline by market regime (war, stable, constrained)."
    );
    let _ = writeln!(
        w,
        "regime_factor = [{}, {}, {}]",
        REGIME_FACTOR[0], REGIME_FACTOR[1], REGIME_FACTOR[2]
    );
    let _ = writeln!(
        w,
        "# Excitation a (a_self = a_cross, shared form): {excite:.4} (se {se_excite:.4}),\n\
         # spectral radius {:.3}; the law is capped at a radius of 0.95.",
        firm_count * excite / args.decay
    );
    let _ = writeln!(
        w,
        "excitation = {}",
        pert(excite, se_excite, 0.0, excite_cap)
    );
    let _ = writeln!(
        w,
        "# Judgement (not identified): self- and cross-excitation equal."
    );
    let _ = writeln!(w, "self_ratio = 1.0");
    let _ = writeln!(
        w,
        "# Judgement: held, the dates do not bound it (docs/calibration.md, section 6)."
    );
    let _ = writeln!(w, "decay = {}", args.decay);
    let _ = writeln!(
        w,
        "# {FIRM} cut within {} days after {} of {} rival cuts ({} more on a day {FIRM} cut too,\n\
         # left out): estimate {:.3} (se {:.3}); Beta(1 + matched, 1 + unmatched) law.",
        args.match_window,
        matching.matched,
        matching.rival_cuts,
        matching.same_day,
        matching.estimate(),
        matching.std_error()
    );
    let _ = writeln!(
        w,
        "match_probability = {{ dist = \"beta\", alpha = {alpha}, beta = {beta}, min = 0.0, max = 1.0 }}"
    );
    let _ = writeln!(
        w,
        "# Judgement: log volume lost per unit of unmatched log-price cut."
    );
    let _ = writeln!(w, "switching = {SWITCHING}");
    Ok(out)
}

/// The ceiling grid of the S-curve profile (RMB bn a quarter): from below the
/// smallest AI part the data allow to a hundred times the preset's.
const CEILING_GRID: (f64, f64, usize) = (4.0, 15_000.0, 25);
/// Level of the ceiling's likelihood-ratio interval.
const CEILING_LEVEL: f64 = 0.95;

/// The comment stating what the revenue data say about the S-curve's ceiling:
/// its profile-likelihood interval on [`CEILING_GRID`] (docs/calibration.md, 11).
fn ceiling_comment(window: &QuarterlySeries, span: &str) -> Result<String, Failure> {
    let (low, high, points) = CEILING_GRID;
    let grid = ceiling_grid(low, high, points)?;
    let profile = profile_ceiling(&window.column(REVENUE)?, &grid, CEILING_LEVEL)?;
    let bound = |b: GridBound| match b {
        GridBound::At(k) => format!("{k:.1}"),
        GridBound::Unbounded => "unbounded".to_owned(),
    };
    let verdict = if profile.bounded() {
        "bounded by the data"
    } else {
        "not identified, so `demand.ceiling` stays a judgement"
    };
    Ok(format!(
        "# S-curve ceiling: the {:.0}% profile-likelihood interval from {REVENUE} {span} is\n\
         # [{}, {}] RMB bn a quarter on a grid of {low}-{high} (docs/calibration.md, 11):\n\
         # {verdict}.",
        100.0 * CEILING_LEVEL,
        bound(profile.lower()),
        bound(profile.upper()),
    ))
}

/// Central interval levels of the backtest table.
const LEVELS: [f64; 3] = [0.5, 0.8, 0.9];

/// `outpace backtest`.
pub fn backtest(args: &BacktestArgs) -> Result<(), Failure> {
    if let Some(dir) = &args.out {
        files::check_report_dir(dir).map_err(crate::commands::out_failure)?;
    }
    let files = &args.files;
    let series = QuarterlySeries::read(files.quarterly(), &[args.column.as_str()])?;
    let cutoff = parse_quarter("--cutoff", &args.cutoff)?;
    let backtest = Backtest::gbm(
        &series,
        &args.column,
        files.first()?,
        cutoff,
        &LEVELS,
        args.paths,
        args.seed,
    )?;
    let report = backtest::text(&backtest);
    if let Some(dir) = &args.out {
        files::write_files(dir, &backtest::files(&backtest)?)?;
    }
    emit(&report)
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
