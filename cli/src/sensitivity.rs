//! `outpace sensitivity`: which inputs drive break-even.

use crate::commands::{control, emit, json_text, load_source};
use crate::progress::Progress;
use crate::{Failure, OutputFormat, Settings};
use clap::{Args, ValueEnum};
use outpace::analysis::StudyModel;
use outpace::analysis::sensitivity::{
    Grouping, RankScreen, SobolAnalysis, SobolSettings, Sweep, Tornado, TornadoOptions,
};
use outpace::cloud::CloudModel;
use outpace::engine::Model;
use outpace::inputs::design::DesignKind;
use outpace::report::sensitivity::Analysis;

/// Arguments of `sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML, or JSON if it ends in .json), or preset:NAME.
    #[arg(required_unless_present = "preset", conflicts_with = "preset")]
    scenario: Option<String>,
    /// A built-in scenario (see `outpace presets`).
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// The analysis.
    #[arg(long, value_enum, default_value_t = Method::Tornado)]
    method: Method,
    /// One bar or index per input, or per group of inputs (demand, price war, ...).
    #[arg(long, value_enum, default_value_t = By::Inputs)]
    by: By,
    /// The input and values of a sweep: FIELD=V1,V2,... (e.g. demand.ceiling=120,150,200).
    #[arg(long, value_name = "FIELD=VALUES")]
    sweep: Option<String>,
    /// The rule the tornado is sorted by and the Sobol curve follows (default: the first).
    #[arg(long, value_name = "RULE")]
    rule: Option<String>,
    /// Tornado: the low quantile of each input.
    #[arg(long, default_value_t = 0.1, value_parser = crate::level)]
    low: f64,
    /// Tornado: the high quantile of each input.
    #[arg(long, default_value_t = 0.9, value_parser = crate::level)]
    high: f64,
    /// Sobol: base points N (the run has N (G + 2) paths; --paths is not used).
    #[arg(long, default_value_t = 1024, value_parser = crate::count)]
    base: u64,
    /// Sobol: the design of the base points.
    #[arg(long, value_enum, default_value_t = Design::Sobol)]
    design: Design,
    /// Sobol: leave the within-path randomness out of the factors (it then stays
    /// paired with the base point; see docs/sensitivity.md).
    #[arg(long)]
    no_noise: bool,
    #[command(flatten)]
    settings: Settings,
}

/// The analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Method {
    /// Each input at its low and high quantile, everything else as drawn.
    Tornado,
    /// One input over several values (needs --sweep).
    Sweep,
    /// First-order and total Sobol indices, over the horizon.
    Sobol,
    /// Rank correlations and standardised rank regression of one ordinary run.
    Ranks,
}

/// Factors of an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum By {
    /// One per input.
    Inputs,
    /// One per group.
    Groups,
}

/// Designs of a Sobol analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Design {
    /// Scrambled Sobol points (randomized quasi-Monte Carlo).
    Sobol,
    /// Latin hypercube.
    Lhs,
    /// Plain Monte Carlo.
    Mc,
}

/// `FIELD=V1,V2,...` as the field and its values.
fn sweep_values(text: &str) -> Result<(String, Vec<f64>), Failure> {
    let bad = |rule: &str| Failure::Input(vec![format!("--sweep \"{text}\": {rule}")]);
    let (field, values) = text
        .split_once('=')
        .ok_or_else(|| bad("must be FIELD=V1,V2,..., e.g. demand.ceiling=120,150,200"))?;
    let values = values
        .split(',')
        .map(|v| {
            v.trim()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
        })
        .collect::<Option<Vec<f64>>>()
        .ok_or_else(|| bad("every value must be a finite number"))?;
    Ok((field.trim().to_owned(), values))
}

/// Paths the analysis runs, for the progress bar.
fn total_paths(args: &SensitivityArgs, factors: u64) -> u64 {
    let paths = args.settings.paths;
    match args.method {
        Method::Tornado => paths.saturating_mul(2 * factors + 1),
        Method::Sweep => paths.saturating_mul(
            args.sweep
                .as_deref()
                .map_or(0, |s| s.split(',').count() as u64),
        ),
        Method::Sobol => args
            .base
            .saturating_mul(factors + 2 + u64::from(!args.no_noise)),
        Method::Ranks => paths,
    }
}

/// `outpace sensitivity`.
pub fn sensitivity(args: &SensitivityArgs) -> Result<(), Failure> {
    let settings = &args.settings;
    for (given, option) in [
        (settings.precision.precision.is_some(), "--precision"),
        (settings.shard.shard.is_some(), "--shard"),
    ] {
        if given {
            return Err(Failure::Input(vec![format!(
                "{option} is not available for `sensitivity` (it is for `run` and `compare`)"
            )]));
        }
    }
    let scenario = load_source(args.scenario.as_deref(), args.preset.as_deref(), settings)?;
    settings.check_out()?;
    let control = control();
    let model = CloudModel::new(scenario)?;
    let options = settings.options(&model, &control)?;
    let by = match args.by {
        By::Inputs => Grouping::Inputs,
        By::Groups => Grouping::Groups,
    };
    let sweep = match (args.method, &args.sweep) {
        (Method::Sweep, Some(text)) => Some(sweep_values(text)?),
        (Method::Sweep, None) => {
            return Err(Failure::Input(vec![
                "--method sweep needs --sweep FIELD=V1,V2,...".into(),
            ]));
        }
        (_, Some(_)) => {
            return Err(Failure::Input(vec![
                "--sweep is only for --method sweep".into(),
            ]));
        }
        _ => None,
    };
    let factors = by.factors(model.inputs()).len() as u64;
    let progress = Progress::start(&control, total_paths(args, factors), settings.quiet);
    progress
        .message(format!("{:?} analysis of {}", args.method, model.scenario().name).to_lowercase());
    let tornado;
    let swept;
    let sobol;
    let ranks;
    let analysis = match args.method {
        Method::Tornado => {
            let tornado_options = TornadoOptions {
                by,
                low: args.low,
                high: args.high,
                sort_by: args.rule.clone(),
                ..TornadoOptions::default()
            };
            tornado = Tornado::run(&model, &options, &tornado_options)?;
            Analysis::Tornado(&tornado)
        }
        Method::Sweep => {
            let (field, values) = sweep.unwrap_or_default();
            swept = Sweep::run(&model, &options, &field, &values)?;
            Analysis::Sweep(&swept)
        }
        Method::Sobol => {
            let kind = match args.design {
                Design::Sobol => DesignKind::Sobol,
                Design::Lhs => DesignKind::LatinHypercube,
                Design::Mc => DesignKind::MonteCarlo,
            };
            let sobol_settings = SobolSettings {
                base: args.base,
                kind,
                by,
                noise: !args.no_noise,
                curve: args.rule.clone(),
                ..SobolSettings::default()
            };
            sobol = SobolAnalysis::run(&model, &options, &sobol_settings)?;
            Analysis::Sobol(&sobol)
        }
        Method::Ranks => {
            ranks = RankScreen::run(&model, &options)?;
            Analysis::Ranks(&ranks)
        }
    };
    drop(progress);
    let context = serde_json::json!({
        "model": model.name(),
        "seed": options.seed,
        "scenario": StudyModel::scenario(&model),
    });
    let files = match settings.out {
        Some(_) => analysis.files(&context)?,
        None => Vec::new(),
    };
    settings.write(&control, &files)?;
    match settings.format {
        OutputFormat::Text => emit(&analysis.text()),
        OutputFormat::Json => emit(&json_text(&analysis.json(&context)?)?),
    }
}
