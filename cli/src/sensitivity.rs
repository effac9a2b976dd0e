//! `outpace sensitivity`: which inputs drive break-even; with `--shard I/N`, the
//! rows of shard `I` of every run of the analysis, written as a state file that
//! `outpace merge` combines into the single run's report, byte for byte (see
//! `docs/scale-out.md`).
//!
//! A sensitivity state file holds the scenario, the settings that decide the
//! numbers (paths, seed, confidence, rules), the method and its settings, and
//! the shard's [`Rows`]: per run and row, the break-even period of every rule
//! and the NPV (and the inputs for rank correlations). Its identity (`run_id`)
//! is a hash of all of it but the shard and the rows.

use crate::commands::{control, emit, json_text, load_source};
use crate::progress::Progress;
use crate::shard::{StateFile, fnv1a, identity, write_json};
use crate::{Failure, OutputFormat, Settings, single_line};
use clap::{Args, ValueEnum};
use outpace::analysis::sensitivity::{Estimates, Grouping, Rows, SobolSettings, TornadoOptions};
use outpace::analysis::{StudyModel, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{Model, RunControl, Shard};
use outpace::inputs::design::DesignKind;
use outpace::report::files::OutputFile;
use outpace::report::sensitivity::Analysis;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Write one CSV row per row of every run of the analysis: the run, the
    /// row's inputs, its break-even period under every rule and its NPV (see
    /// docs/sensitivity.md for the rows of a Sobol design).
    #[arg(long, value_name = "FILE.csv")]
    export_paths: Option<PathBuf>,
    #[command(flatten)]
    settings: Settings,
}

/// The analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// One per input.
    Inputs,
    /// One per group.
    Groups,
}

/// Designs of a Sobol analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
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

/// The method and its settings as given on the command line: part of a state
/// file's identity, and how `merge` rebuilds the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodSpec {
    /// `--method`.
    pub method: Method,
    /// `--by`.
    pub by: By,
    /// `--sweep`, parsed: the input and its values.
    pub sweep: Option<(String, Vec<f64>)>,
    /// `--rule`.
    pub rule: Option<String>,
    /// `--low`.
    pub low: f64,
    /// `--high`.
    pub high: f64,
    /// `--base`.
    pub base: u64,
    /// `--design`.
    pub design: Design,
    /// Not `--no-noise`.
    pub noise: bool,
}

impl MethodSpec {
    /// The method of `args`, its `--sweep` checked.
    fn of(args: &SensitivityArgs) -> Result<MethodSpec, Failure> {
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
        Ok(MethodSpec {
            method: args.method,
            by: args.by,
            sweep,
            rule: args.rule.clone(),
            low: args.low,
            high: args.high,
            base: args.base,
            design: args.design,
            noise: !args.no_noise,
        })
    }

    /// The library's method.
    fn method(&self) -> outpace::analysis::sensitivity::Method {
        use outpace::analysis::sensitivity::Method as M;
        let by = match self.by {
            By::Inputs => Grouping::Inputs,
            By::Groups => Grouping::Groups,
        };
        match self.method {
            Method::Tornado => M::Tornado(TornadoOptions {
                by,
                low: self.low,
                high: self.high,
                sort_by: self.rule.clone(),
                ..TornadoOptions::default()
            }),
            Method::Sweep => {
                let (input, values) = self.sweep.clone().unwrap_or_default();
                M::Sweep { input, values }
            }
            Method::Sobol => M::Sobol(SobolSettings {
                base: self.base,
                kind: match self.design {
                    Design::Sobol => DesignKind::Sobol,
                    Design::Lhs => DesignKind::LatinHypercube,
                    Design::Mc => DesignKind::MonteCarlo,
                },
                by,
                noise: self.noise,
                curve: self.rule.clone(),
                ..SobolSettings::default()
            }),
            Method::Ranks => M::Ranks,
        }
    }
}

/// The `format` field of a sensitivity state file.
pub const SENSITIVITY_STATE_FORMAT: &str = "outpace-sensitivity-state";
/// The version of the sensitivity state file's layout (see `docs/scale-out.md`):
/// a file of another version is refused.
pub const SENSITIVITY_STATE_VERSION: u32 = 1;

/// The settings that decide the numbers of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSettings {
    /// `--paths` (the paths of each run; a Sobol design fixes its own).
    pub paths: usize,
    /// Run seed.
    pub seed: u64,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// `--definitions`, the rule keys, if given.
    pub definitions: Option<Vec<String>>,
}

/// A shard's sensitivity state file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityState {
    /// [`SENSITIVITY_STATE_FORMAT`].
    pub format: String,
    /// [`SENSITIVITY_STATE_VERSION`].
    pub version: u32,
    /// The version of outpace that wrote it.
    pub outpace_version: String,
    /// Hash of everything but the shard and the rows.
    pub run_id: String,
    /// The shard's number, from 0.
    pub shard: usize,
    /// The number of shards.
    pub shards: usize,
    /// What decides the numbers.
    pub settings: AnalysisSettings,
    /// The method and its settings.
    pub method: MethodSpec,
    /// FNV-1a hash of the scenario's JSON.
    pub scenario_hash: String,
    /// The scenario, as loaded (overrides applied).
    pub scenario: serde_json::Value,
    /// The shard's rows of every run.
    pub rows: Rows,
}

impl SensitivityState {
    /// The identity of an analysis.
    fn run_id(settings: &AnalysisSettings, method: &MethodSpec, scenario_hash: &str) -> String {
        identity(
            SENSITIVITY_STATE_FORMAT,
            SENSITIVITY_STATE_VERSION,
            serde_json::json!({ "settings": settings, "method": method, "scenario": scenario_hash }),
        )
    }

    /// The run id this file's contents give.
    fn computed_run_id(&self) -> String {
        Self::run_id(&self.settings, &self.method, &self.scenario_hash)
    }
}

/// Parses a sensitivity state file (its `format` already read): checks its
/// version and identity.
pub fn parse_state(value: serde_json::Value) -> Result<SensitivityState, String> {
    let version = value.get("version").and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(SENSITIVITY_STATE_VERSION)) {
        return Err(format!(
            "sensitivity state file version {version:?}, but this build reads version \
             {SENSITIVITY_STATE_VERSION}: rerun every shard with one build"
        ));
    }
    let state: SensitivityState = serde_json::from_value(value)
        .map_err(|e| single_line(&format!("malformed sensitivity state file: {e}")))?;
    if state.computed_run_id() != state.run_id {
        return Err("the run_id does not match the file's contents: the file was altered".into());
    }
    Ok(state)
}

/// The settings of `options` that decide the numbers.
fn analysis_settings(settings: &Settings, options: &StudyOptions) -> AnalysisSettings {
    AnalysisSettings {
        paths: options.paths,
        seed: options.seed,
        confidence: options.confidence,
        definitions: settings
            .definitions
            .as_ref()
            .map(|keys| keys.iter().map(|k| k.trim().to_owned()).collect()),
    }
}

/// Paths the analysis runs, for the progress bar.
fn total_paths(spec: &MethodSpec, paths: u64, factors: u64) -> u64 {
    match spec.method {
        Method::Tornado => paths.saturating_mul(2 * factors + 1),
        Method::Sweep => paths.saturating_mul(spec.sweep.as_ref().map_or(0, |s| s.1.len() as u64)),
        Method::Sobol => spec
            .base
            .saturating_mul(factors + 2 + u64::from(spec.noise)),
        Method::Ranks => paths,
    }
}

/// `outpace sensitivity`.
pub fn sensitivity(args: &SensitivityArgs) -> Result<(), Failure> {
    let settings = &args.settings;
    if settings.precision.precision.is_some() {
        return Err(Failure::Input(vec![
            "--precision is not available for `sensitivity` (it is for `run` and `compare`)".into(),
        ]));
    }
    let scenario = load_source(args.scenario.as_deref(), args.preset.as_deref(), settings)?;
    let spec = MethodSpec::of(args)?;
    let control = control();
    #[cfg(feature = "mpi")]
    if crate::mpi::launched() {
        if settings.shard.shard.is_some() || args.export_paths.is_some() {
            return Err(Failure::Input(vec![
                "--shard and --export-paths are for separate processes; under mpirun every \
                 rank is a shard already"
                    .into(),
            ]));
        }
        let model = CloudModel::new(scenario)?;
        return crate::mpi::sensitivity(settings, &spec, &model, &control);
    }
    if let Some(shard) = settings.shard.shard {
        if args.export_paths.is_some() {
            return Err(Failure::Input(vec![
                "--export-paths is not available with --shard: export from a single run".into(),
            ]));
        }
        return run_shard(settings, &spec, scenario, &control, shard);
    }
    // After the shard hook: a shard writes its state file, not a report.
    settings.check_out()?;
    let model = CloudModel::new(scenario)?;
    let mut options = settings.options(&model, &control)?;
    options.keep_paths = args.export_paths.is_some();
    let method = spec.method();
    let factors = spec_factors(&spec, &model);
    let (rows, estimates) = {
        let progress = Progress::start(
            &control,
            total_paths(&spec, settings.paths, factors),
            settings.quiet,
        );
        progress.message(
            format!("{:?} analysis of {}", spec.method, model.scenario().name).to_lowercase(),
        );
        let rows = method.simulate(&model, &options, 0..method.rows(&model, &options)?)?;
        let estimates = method.estimate(&model, &options, &rows)?;
        (rows, estimates)
    };
    let (files, shown) = report(
        &model,
        &options,
        &estimates,
        settings.out.is_some(),
        settings.format,
    )?;
    settings.write(&control, &files)?;
    if let Some(file) = &args.export_paths {
        let blocks = method.blocks(&model, &options)?;
        outpace::report::paths::write_rows_file(&model, &rows, blocks.as_deref(), file)
            .map_err(|e| Failure::Internal(single_line(&e.to_string())))?;
        if !settings.quiet {
            let count: usize = rows.runs().len() * rows.rows();
            eprintln!("wrote {count} rows to {}", file.display());
        }
    }
    emit(&shown)
}

/// The number of factors of the analysis, for the progress bar.
fn spec_factors(spec: &MethodSpec, model: &CloudModel) -> u64 {
    let by = match spec.by {
        By::Inputs => Grouping::Inputs,
        By::Groups => Grouping::Groups,
    };
    by.factors(model.inputs()).len() as u64
}

/// The report of `estimates`: the files of `--out` (if `files`) and what
/// stdout shows.
fn report(
    model: &CloudModel,
    options: &StudyOptions,
    estimates: &Estimates,
    files: bool,
    format: OutputFormat,
) -> Result<(Vec<OutputFile>, String), Failure> {
    let analysis = Analysis::from(estimates);
    let context = serde_json::json!({
        "model": model.name(),
        "seed": options.seed,
        "scenario": StudyModel::scenario(model),
    });
    let written = if files {
        analysis.files(&context)?
    } else {
        Vec::new()
    };
    let shown = match format {
        OutputFormat::Text => analysis.text(),
        OutputFormat::Json => json_text(&analysis.json(&context)?)?,
    };
    Ok((written, shown))
}

/// The state file of shard `shard` of the analysis of `model`.
pub fn state(
    settings: &Settings,
    spec: &MethodSpec,
    model: &CloudModel,
    control: &Arc<RunControl>,
    shard: Shard,
) -> Result<SensitivityState, Failure> {
    let options = settings.options(model, control)?;
    let method = spec.method();
    let range = shard.range(method.rows(model, &options)?);
    let rows = method.simulate(model, &options, range)?;
    let scenario = serde_json::to_value(model.scenario())
        .map_err(|e| Failure::Internal(format!("cannot serialise the scenario: {e}")))?;
    let scenario_hash = fnv1a(scenario.to_string().as_bytes());
    let settings = analysis_settings(settings, &options);
    Ok(SensitivityState {
        format: SENSITIVITY_STATE_FORMAT.to_owned(),
        version: SENSITIVITY_STATE_VERSION,
        outpace_version: env!("CARGO_PKG_VERSION").to_owned(),
        run_id: SensitivityState::run_id(&settings, spec, &scenario_hash),
        shard: shard.index(),
        shards: shard.count(),
        settings,
        method: spec.clone(),
        scenario_hash,
        scenario,
        rows,
    })
}

/// `sensitivity --shard I/N`: simulates the shard's rows of every run and
/// writes its state file into `--out`.
fn run_shard(
    settings: &Settings,
    spec: &MethodSpec,
    scenario: Scenario,
    control: &Arc<RunControl>,
    shard: Shard,
) -> Result<(), Failure> {
    let Some(dir) = &settings.out else {
        return Err(Failure::Input(vec![
            "--shard needs --out DIR, the directory of the shards' state files".into(),
        ]));
    };
    let model = CloudModel::new(scenario)?;
    let state = {
        let options = settings.options(&model, control)?;
        let method = spec.method();
        let rows = method.rows(&model, &options)?;
        let runs = method.runs(&model, &options)?.len();
        let range = shard.range(rows);
        let progress = Progress::start(control, (range.len() * runs) as u64, settings.quiet);
        progress.message(format!(
            "simulating shard {shard} (rows {range:?} of {runs} runs)"
        ));
        state(settings, spec, &model, control, shard)?
    };
    if control.is_cancelled() {
        return Err(Failure::Interrupted);
    }
    let path = write_json(
        dir,
        &StateFile::file_name(state.shard, state.shards),
        &state,
    )?;
    if !settings.quiet {
        let range = state.rows.range();
        eprintln!(
            "wrote shard {shard} (rows {}..{}) to {}",
            range.start,
            range.end,
            path.display()
        );
    }
    Ok(())
}

/// Checks that `states` (labelled by file name) are every shard of one
/// analysis, exactly once.
fn check_shards(states: &[(String, SensitivityState)]) -> Result<(), Failure> {
    let (first_name, first) = &states[0];
    for (name, state) in states {
        let foreign = |what: String| {
            Failure::Input(vec![format!(
                "{name}: a shard of another analysis than {first_name} ({what}); merge the \
                 shards of one analysis"
            )])
        };
        if state.outpace_version != first.outpace_version {
            return Err(foreign(format!(
                "outpace {} against {}",
                state.outpace_version, first.outpace_version
            )));
        }
        if state.scenario_hash != first.scenario_hash {
            return Err(foreign(format!(
                "scenario {} against {}",
                state.scenario_hash, first.scenario_hash
            )));
        }
        if state.method != first.method {
            return Err(foreign(format!(
                "method {:?} against {:?}",
                state.method, first.method
            )));
        }
        if state.settings.seed != first.settings.seed {
            return Err(foreign(format!(
                "seed {} against {}",
                state.settings.seed, first.settings.seed
            )));
        }
        if state.settings != first.settings || state.run_id != first.run_id {
            return Err(foreign(format!(
                "settings {:?} against {:?}",
                state.settings, first.settings
            )));
        }
    }
    let shards: Vec<(&str, usize, usize)> = states
        .iter()
        .map(|(name, s)| (name.as_str(), s.shard, s.shards))
        .collect();
    crate::merge::check_coverage(&shards)
}

/// Merges the shards' `states` (labelled by file name) and writes and prints
/// the report the single analysis would have.
pub fn publish(
    mut states: Vec<(String, SensitivityState)>,
    out: Option<&Path>,
    format: OutputFormat,
    quiet: bool,
) -> Result<(), Failure> {
    if states.is_empty() {
        return Err(Failure::Input(vec!["no state file to merge".into()]));
    }
    check_shards(&states)?;
    states.sort_by_key(|(_, s)| s.shard);
    let (first_name, first) = &states[0];
    let scenario = Scenario::from_json_str(&first.scenario.to_string()).map_err(|e| {
        Failure::Input(vec![format!(
            "{first_name}: the stored scenario is invalid: {}",
            single_line(&e.to_string())
        )])
    })?;
    let model = CloudModel::new(scenario)?;
    let options = options_of(&model, &first.settings)?;
    let method = first.method.method();
    let parts: Vec<Rows> = states.iter().map(|(_, s)| s.rows.clone()).collect();
    let merged = Rows::merge(&parts).map_err(|e| {
        let message = single_line(&e.to_string());
        // `parts[k]` names the k-th file.
        let named = (0..states.len()).rev().fold(message, |m, k| {
            m.replace(&format!("parts[{k}]"), &states[k].0)
        });
        Failure::Input(vec![named])
    })?;
    let estimates = method.estimate(&model, &options, &merged).map_err(|e| {
        Failure::Input(vec![format!(
            "{first_name}: {}",
            single_line(&e.to_string())
        )])
    })?;
    let (files, shown) = report(&model, &options, &estimates, out.is_some(), format)?;
    if let Some(dir) = out {
        outpace::report::files::write_files(dir, &files)?;
        if !quiet {
            eprintln!("wrote {} files to {}", files.len(), dir.display());
        }
    }
    emit(&shown)
}

/// The study options the shards ran with.
fn options_of(model: &CloudModel, settings: &AnalysisSettings) -> Result<StudyOptions, Failure> {
    let rules = crate::commands::rules_named(model, settings.definitions.as_deref())?;
    Ok(StudyOptions {
        paths: settings.paths,
        seed: settings.seed,
        confidence: settings.confidence,
        rules,
        ..StudyOptions::default()
    })
}
