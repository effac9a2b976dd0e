//! `--shard I/N`: simulate one shard of a `run` or `compare` and write its state
//! file, for `outpace merge` (see `docs/scale-out.md`).
//!
//! A state file holds everything the merge needs and nothing it could get
//! wrong: the scenarios themselves (so `merge` takes no scenario argument), the
//! settings that decide the numbers (paths, seed, confidence, rules, quantile
//! levels), the shard and its range of paths, and each scenario's mergeable
//! [`OutcomeState`]. Its identity (`run_id`) is a hash of all of it but the
//! shard and the outcomes: files of one run share it, a file of another run
//! (another scenario, seed, setting or build) does not.

use crate::{Failure, Settings};
use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{OutcomeState, RunControl, Shard};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The `format` field of a state file.
pub const STATE_FORMAT: &str = "outpace-shard-state";
/// The version of the state file's layout (see `docs/scale-out.md`): a file of
/// another version is refused.
pub const STATE_VERSION: u32 = 1;

/// The `--shard` option, shared by `run`, `compare` and `sensitivity`.
#[derive(Debug, clap::Args)]
pub struct ShardArgs {
    /// Simulate only shard I of N (I from 0 to N-1: contiguous ranges of whole
    /// blocks of 256 paths) and write its state file into --out DIR, to be
    /// combined by `outpace merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

/// `I/N` with `0 <= I < N`.
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
    let Some((index, count)) = parsed else {
        return Err(format!(
            "`{text}` is not I/N, e.g. 0/4 for the first of four shards"
        ));
    };
    Shard::new(index, count).map_err(|e| e.to_string())
}

/// Which report the merge produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The report of `outpace run`.
    Run,
    /// The report of `outpace compare`, the first scenario the baseline.
    Compare,
}

/// The settings that decide the numbers of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// Paths of each scenario's run.
    pub paths: usize,
    /// Run seed.
    pub seed: u64,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// `--definitions`, the rule keys, if given.
    pub definitions: Option<Vec<String>>,
    /// Quantile levels of the fan charts.
    pub fan_levels: Vec<f64>,
}

/// One scenario of the run and the state of this shard's paths of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioState {
    /// FNV-1a hash of the scenario's JSON.
    pub scenario_hash: String,
    /// The scenario, as loaded (overrides applied).
    pub scenario: serde_json::Value,
    /// The shard's paths of it.
    pub outcome: OutcomeState,
}

/// A shard's state file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateFile {
    /// [`STATE_FORMAT`].
    pub format: String,
    /// [`STATE_VERSION`].
    pub version: u32,
    /// The version of outpace that wrote it.
    pub outpace_version: String,
    /// Hash of everything but the shard and the outcomes.
    pub run_id: String,
    /// `run` or `compare`.
    pub kind: Kind,
    /// The shard's number, from 0.
    pub shard: usize,
    /// The number of shards.
    pub shards: usize,
    /// The paths of the shard.
    pub path_range: [usize; 2],
    /// What decides the numbers.
    pub settings: RunSettings,
    /// Every scenario, the baseline first.
    pub scenarios: Vec<ScenarioState>,
}

impl StateFile {
    /// The identity of a run of `kind` over `scenarios` with `settings`.
    fn run_id(kind: Kind, settings: &RunSettings, scenarios: &[ScenarioState]) -> String {
        let hashes: Vec<&str> = scenarios.iter().map(|s| s.scenario_hash.as_str()).collect();
        identity(
            STATE_FORMAT,
            STATE_VERSION,
            serde_json::json!({ "kind": kind, "settings": settings, "scenarios": hashes }),
        )
    }

    /// The run id this file's contents give: a file whose stored id differs was
    /// altered.
    pub fn computed_run_id(&self) -> String {
        Self::run_id(self.kind, &self.settings, &self.scenarios)
    }

    /// The file name of shard `shard` of `shards`.
    pub fn file_name(shard: usize, shards: usize) -> String {
        format!("outpace-shard-{shard}-of-{shards}.json")
    }
}

/// The identity of a state file's run: the FNV-1a hash of the JSON object of
/// `fields` (an object) with the file's `format`, `version` and the build's
/// `outpace_version` added, keys sorted. Shards of one run share it; any change
/// of format, build, scenario or setting changes it.
pub fn identity(format: &str, version: u32, fields: serde_json::Value) -> String {
    let mut object = match fields {
        serde_json::Value::Object(object) => object,
        other => serde_json::Map::from_iter([("fields".to_owned(), other)]),
    };
    object.insert("format".into(), format.into());
    object.insert("version".into(), version.into());
    object.insert("outpace_version".into(), env!("CARGO_PKG_VERSION").into());
    fnv1a(serde_json::Value::Object(object).to_string().as_bytes())
}

/// 64-bit FNV-1a, as 16 hex digits: an identity, not a security measure.
pub fn fnv1a(bytes: &[u8]) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{hash:016x}")
}

/// The scenario as JSON and its hash.
fn scenario_json(scenario: &Scenario) -> Result<(serde_json::Value, String), Failure> {
    let value = serde_json::to_value(scenario)
        .map_err(|e| Failure::Internal(format!("cannot serialise the scenario: {e}")))?;
    let hash = fnv1a(value.to_string().as_bytes());
    Ok((value, hash))
}

/// The settings of `options` that decide the numbers.
fn run_settings(settings: &Settings, options: &StudyOptions) -> RunSettings {
    RunSettings {
        paths: options.paths,
        seed: options.seed,
        confidence: options.confidence,
        definitions: settings
            .definitions
            .as_ref()
            .map(|keys| keys.iter().map(|k| k.trim().to_owned()).collect()),
        fan_levels: options.fan_levels.clone(),
    }
}

/// Simulates `shard` of every model (with its options) into a state file.
pub fn state(
    kind: Kind,
    settings: &Settings,
    studies: &[(&CloudModel, StudyOptions)],
    shard: Shard,
) -> Result<StateFile, Failure> {
    let (_, first) = studies.first().expect("a command has a scenario");
    let range = shard.range(first.paths);
    let mut scenarios = Vec::with_capacity(studies.len());
    for (model, options) in studies {
        let outcome = Study::simulate_paths(*model, options, range.clone())?;
        let (scenario, scenario_hash) = scenario_json(model.scenario())?;
        scenarios.push(ScenarioState {
            scenario_hash,
            scenario,
            outcome: outcome.to_state(),
        });
    }
    let settings = run_settings(settings, first);
    Ok(StateFile {
        format: STATE_FORMAT.to_owned(),
        version: STATE_VERSION,
        outpace_version: env!("CARGO_PKG_VERSION").to_owned(),
        run_id: StateFile::run_id(kind, &settings, &scenarios),
        kind,
        shard: shard.index(),
        shards: shard.count(),
        path_range: [range.start, range.end],
        settings,
        scenarios,
    })
}

/// Writes `state` into `dir` (created if missing) as its shard's file, through a
/// temporary file renamed into place, so a reader never sees half a file.
pub fn write_state(dir: &Path, state: &StateFile) -> Result<PathBuf, Failure> {
    write_json(dir, &StateFile::file_name(state.shard, state.shards), state)
}

/// Writes `value` as JSON into `dir/name` (the directory created if missing),
/// through a temporary file renamed into place.
pub fn write_json<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::Internal(format!(
            "cannot create the directory {}: {e}",
            dir.display()
        ))
    })?;
    let path = dir.join(name);
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let json = serde_json::to_string(value)
        .map_err(|e| Failure::Internal(format!("cannot serialise the state: {e}")))?;
    let written =
        std::fs::write(&temporary, json + "\n").and_then(|()| std::fs::rename(&temporary, &path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Failure::Internal(format!("cannot write {}: {e}", path.display()))
    })?;
    Ok(path)
}

/// The sharded forms of `run` and `compare`: under `mpirun` (feature `mpi`),
/// every rank's shard merged by rank 0; with `--shard`, one shard's state file;
/// otherwise `None`, and the command runs as usual.
pub fn intercept(
    kind: Kind,
    settings: &Settings,
    scenarios: &[Scenario],
    control: &Arc<RunControl>,
) -> Option<Result<(), Failure>> {
    let models = || -> Result<Vec<CloudModel>, Failure> {
        let models = scenarios.iter().map(|s| CloudModel::new(s.clone()));
        Ok(models.collect::<Result<Vec<_>, _>>()?)
    };
    #[cfg(feature = "mpi")]
    if crate::mpi::launched() {
        if settings.shard.shard.is_some() {
            return Some(Err(Failure::Input(vec![
                "--shard is for separate processes; under mpirun every rank is a shard already"
                    .into(),
            ])));
        }
        return Some(models().and_then(|m| crate::mpi::run(kind, settings, &m, control)));
    }
    let shard = settings.shard.shard?;
    Some(models().and_then(|m| run(kind, settings, &m, control, shard)))
}

/// `run --shard` or `compare --shard`: simulates the shard of every model and
/// writes its state file into `--out`.
pub fn run(
    kind: Kind,
    settings: &Settings,
    models: &[CloudModel],
    control: &Arc<RunControl>,
    shard: Shard,
) -> Result<(), Failure> {
    let Some(dir) = &settings.out else {
        return Err(Failure::Input(vec![
            "--shard needs --out DIR, the directory of the shards' state files".into(),
        ]));
    };
    let studies = models
        .iter()
        .map(|m| Ok((m, settings.options(m, control)?)))
        .collect::<Result<Vec<_>, Failure>>()?;
    let range = shard.range(studies[0].1.paths);
    let state = {
        let total = (range.len() * models.len()) as u64;
        let progress = crate::progress::Progress::start(control, total, settings.quiet);
        progress.message(format!("simulating shard {shard} (paths {range:?})"));
        state(kind, settings, &studies, shard)?
    };
    if control.is_cancelled() {
        return Err(Failure::Interrupted);
    }
    let path = write_state(dir, &state)?;
    if !settings.quiet {
        eprintln!(
            "wrote shard {shard} (paths {}..{}) to {}",
            range.start,
            range.end,
            path.display()
        );
    }
    Ok(())
}
