//! `outpace`: simulate AI-cloud scenarios from the command line and report when
//! revenue outpaces spending.
//!
//! ```sh
//! outpace run --preset alibaba --out report/
//! outpace run my_scenario.toml --paths 200000 --seed 7 --format json
//! outpace compare --preset alibaba scenarios/price_war.toml preset:chip_ban
//! outpace validate my_scenario.toml
//! outpace presets
//! outpace calibrate --data data --out scenarios/alibaba_calibrated.toml
//! outpace backtest --cutoff 2024Q4
//! ```
//!
//! Exit codes: 0 success; 1 internal failure (a numerical failure, an output file
//! that cannot be written); 2 bad input (a missing or malformed file, an unknown
//! preset, an invalid parameter, a bad option); 130 interrupted by Ctrl-C. Errors
//! are printed on stderr, one line each. The full usage is in `docs/cli.md`.

mod calibrate;
mod commands;
mod export;
mod merge;
#[cfg(feature = "mpi")]
mod mpi;
mod precision;
mod progress;
mod sensitivity;
mod shard;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "outpace",
    version,
    about = "Monte Carlo scenarios of an AI-cloud business: will revenue outpace spending, and when?",
    after_help = "Exit codes: 0 success, 1 internal failure, 2 bad input, 130 interrupted (Ctrl-C).\n\
                  Scenario arguments are TOML files (JSON if they end in .json) or preset:NAME."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate one scenario: break-even tables, fan chart, NPV; files with --out.
    Run(RunArgs),
    /// Simulate scenarios on common random numbers and report paired differences
    /// against the first (the baseline).
    Compare(CompareArgs),
    /// List the built-in scenarios, or print one's TOML source.
    Presets {
        /// Print this preset's TOML source (a starting point for your own file).
        name: Option<String>,
    },
    /// Check scenario files and report every problem found.
    Validate(ValidateArgs),
    /// Which inputs drive break-even: tornado, sweep, Sobol indices or rank
    /// correlations; tables on stdout, CSV/JSON/SVG with --out.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Combine the state files of the shards of a run, comparison or sensitivity
    /// analysis (`--shard`) into its report, byte for byte the one a single
    /// process writes.
    Merge(merge::MergeArgs),
    /// Fit the data files and write a scenario whose fitted parameters carry
    /// their estimation uncertainty.
    Calibrate(calibrate::CalibrateArgs),
    /// Fit revenue up to a cut-off quarter and score the forecast of the
    /// quarters after it (PIT, interval coverage, CRPS).
    Backtest(calibrate::BacktestArgs),
}

/// Settings shared by `run` and `compare`.
#[derive(Debug, Args)]
struct Settings {
    /// Simulated paths per scenario.
    #[arg(long, default_value_t = 100_000, value_parser = count)]
    paths: u64,
    /// Run seed: the same seed and paths reproduce the results exactly.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Write summary.json, CSV tables and SVG charts into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// No progress bar or notes on stderr (errors are still printed).
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads (default: one per core; at most 1024).
    #[arg(long, value_parser = count)]
    threads: Option<u64>,
    #[command(flatten)]
    inputs: Overrides,
    /// Confidence level of every interval, e.g. 0.9 (default 0.95).
    #[arg(long, value_name = "LEVEL", value_parser = confidence)]
    confidence: Option<f64>,
    /// The break-even rules to evaluate, comma separated, each by title or key
    /// (case-insensitive), e.g. "cumulative payback,flow_crossover_8q" (default:
    /// the standard ones and the scenario's own); sustained variants such as
    /// `flow_crossover_8q` by key. `compare` shows these rules, in this order
    /// (default: flow crossover, cumulative payback, growth crossover 4q).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    definitions: Option<Vec<String>>,
    /// Extra quantile levels for fan_chart.csv and summary.json, comma separated,
    /// e.g. 0.01,0.99 (the charts' P5 ... P95 are always kept).
    #[arg(long, value_name = "LEVELS", value_delimiter = ',', value_parser = level)]
    quantiles: Option<Vec<f64>>,
    #[command(flatten)]
    precision: precision::PrecisionArgs,
    #[command(flatten)]
    shard: shard::ShardArgs,
}

/// Changes to the scenarios, shared by the commands that load them.
#[derive(Debug, Args)]
struct Overrides {
    /// Override one field: FIELD.PATH=VALUE, VALUE a number, a TOML value or a law
    /// such as pert(0.1, 0.2, 0.4); repeatable, applied in order, validated like the
    /// file.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// The horizon in years (the same as --set horizon_years=YEARS).
    #[arg(long, value_name = "YEARS", value_parser = count)]
    horizon: Option<u64>,
}

/// A confidence level strictly between 0 and 1.
fn confidence(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(c) if c > 0.0 && c < 1.0 => Ok(c),
        _ => Err(format!(
            "`{text}` is not a level strictly between 0 and 1, e.g. 0.95"
        )),
    }
}

/// A quantile level in [0, 1].
fn level(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(q) if (0.0..=1.0).contains(&q) => Ok(q),
        _ => Err(format!(
            "`{text}` is not a quantile level in [0, 1], e.g. 0.99"
        )),
    }
}

/// A whole number `>= 1`; `_` may group digits (`100_000`).
fn count(text: &str) -> Result<u64, String> {
    let digits = text.replace('_', "");
    match digits.parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a whole number")),
    }
}

/// Output on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// The text report.
    Text,
    /// The summary as JSON (the contents of summary.json or comparison.json).
    Json,
}

/// Arguments of `run`.
#[derive(Debug, Args)]
struct RunArgs {
    /// Scenario file (TOML, or JSON if it ends in .json), or preset:NAME.
    #[arg(required_unless_present = "preset", conflicts_with = "preset")]
    scenario: Option<String>,
    /// A built-in scenario (see `outpace presets`).
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    #[command(flatten)]
    settings: Settings,
    #[command(flatten)]
    export: export::ExportArgs,
}

/// Arguments of `compare`.
#[derive(Debug, Args)]
struct CompareArgs {
    /// Scenario files or preset:NAME, the baseline first.
    #[arg(value_name = "SCENARIO")]
    scenarios: Vec<String>,
    /// A built-in scenario; repeatable, taken in command-line order with the files.
    #[arg(long, value_name = "NAME")]
    preset: Vec<String>,
    #[command(flatten)]
    settings: Settings,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
struct ValidateArgs {
    /// Scenario files or preset:NAME.
    #[arg(value_name = "SCENARIO", required_unless_present = "preset")]
    scenarios: Vec<String>,
    /// A built-in scenario; repeatable.
    #[arg(long, value_name = "NAME")]
    preset: Vec<String>,
    #[command(flatten)]
    inputs: Overrides,
}

/// Why a command failed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input (exit code 2): one line per problem.
    Input(Vec<String>),
    /// Internal failure (exit code 1).
    Internal(String),
    /// Interrupted by Ctrl-C (exit code 130).
    Interrupted,
}

impl From<outpace::Error> for Failure {
    fn from(error: outpace::Error) -> Self {
        use outpace::Error;
        match error {
            Error::Cancelled => Failure::Interrupted,
            Error::InvalidParameter { .. }
            | Error::Parse(_)
            | Error::UnknownSeries { .. }
            | Error::MemoryCap { .. } => Failure::Input(vec![single_line(&error.to_string())]),
            other => Failure::Internal(single_line(&other.to_string())),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Internal(error.to_string())
    }
}

/// A message on one line.
fn single_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal failure: {}{place}", single_line(&message));
    }));
    std::panic::catch_unwind(run).unwrap_or(ExitCode::from(1))
}

/// Parses the arguments, runs the command and turns its result into an exit code.
fn run() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Run(args) => commands::run(&args),
        Command::Compare(args) => {
            let order = matches
                .subcommand_matches("compare")
                .map(|m| command_line_order(m, &args))
                .unwrap_or_default();
            commands::compare(&args, &order)
        }
        Command::Presets { name } => commands::presets(name.as_deref()),
        Command::Validate(args) => commands::validate(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Backtest(args) => calibrate::backtest(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure),
    }
}

/// The scenarios of `compare` in command-line order: positional arguments and
/// `--preset NAME` (as `preset:NAME`) interleaved as given.
fn command_line_order(matches: &clap::ArgMatches, args: &CompareArgs) -> Vec<String> {
    let indexed = |id: &str, values: Vec<String>| -> Vec<(usize, String)> {
        matches
            .indices_of(id)
            .map(|indices| indices.zip(values).collect())
            .unwrap_or_default()
    };
    let mut all = indexed("scenarios", args.scenarios.clone());
    all.extend(indexed(
        "preset",
        args.preset.iter().map(|p| format!("preset:{p}")).collect(),
    ));
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, s)| s).collect()
}

/// Prints a failure on stderr and returns its exit code.
fn report(failure: Failure) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let code = match failure {
        Failure::Input(lines) => {
            for line in lines {
                let _ = writeln!(stderr, "error: {line}");
            }
            2
        }
        Failure::Internal(message) => {
            let _ = writeln!(stderr, "error: {message}");
            1
        }
        Failure::Interrupted => {
            let _ = writeln!(stderr, "error: interrupted (Ctrl-C); no file was written");
            progress::INTERRUPTED
        }
    };
    ExitCode::from(code)
}
