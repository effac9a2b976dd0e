//! `outpace merge DIR... --out OUT`: combines the state files of every shard of a
//! `run`, `compare` or `sensitivity` into the report one process would have
//! written for all the paths, byte for byte.
//!
//! Every problem with the files is bad input (exit code 2) naming the file: one
//! that cannot be read or parsed, of another format or version, of another run
//! (scenario, seed, settings or build), a shard given twice, or a shard missing.

use crate::OutputFormat;
use crate::commands::{emit, json_text, shown_rules};
use crate::shard::{Kind, STATE_FORMAT, STATE_VERSION, StateFile};
use crate::{Failure, single_line};
use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::Outcome;
use outpace::report::files;
use outpace::report::json::{ComparisonSummary, Summary};
use outpace::report::text;
use std::path::{Path, PathBuf};

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Directories of state files (every `outpace-shard-*.json` in them) or state
    /// files, written by `run --shard`, `compare --shard` or `sensitivity --shard`.
    #[arg(value_name = "DIR", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write the report (summary.json, CSV tables, SVG charts) into this directory.
    #[arg(long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// No notes on stderr (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `outpace merge`: state files of a `run` or `compare`, or of a `sensitivity`
/// analysis (told apart by their `format`).
pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let files = state_files(&args.inputs)?;
    let mut runs = Vec::new();
    let mut analyses = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        match read_any(path)? {
            AnyState::Run(state) => runs.push((name, state)),
            AnyState::Sensitivity(state) => analyses.push((name, *state)),
        }
    }
    if let (Some((run, _)), Some((analysis, _))) = (runs.first(), analyses.first()) {
        return Err(Failure::Input(vec![format!(
            "{analysis}: a shard of a sensitivity analysis, but {run} is a shard of a run or \
             comparison; merge the shards of one run"
        )]));
    }
    if analyses.is_empty() {
        publish(runs, args.out.as_deref(), args.format, args.quiet)
    } else {
        crate::sensitivity::publish(analyses, args.out.as_deref(), args.format, args.quiet)
    }
}

/// A state file of either kind.
enum AnyState {
    /// Of `run --shard` or `compare --shard`.
    Run(StateFile),
    /// Of `sensitivity --shard`.
    Sensitivity(Box<crate::sensitivity::SensitivityState>),
}

/// Reads and parses a state file of either kind.
fn read_any(path: &Path) -> Result<AnyState, Failure> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(vec![format!("{name}: cannot read the state file: {e}")]))?;
    let parsed = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| format!("not a state file (invalid JSON: {e})"))
        .and_then(|value| {
            let format = value.get("format").and_then(|f| f.as_str());
            if format == Some(crate::sensitivity::SENSITIVITY_STATE_FORMAT) {
                crate::sensitivity::parse_state(value).map(|s| AnyState::Sensitivity(Box::new(s)))
            } else {
                parse_state_value(value).map(AnyState::Run)
            }
        });
    parsed.map_err(|problem| Failure::Input(vec![format!("{name}: {problem}")]))
}

/// The state files named by `inputs`: files as given, directories by their
/// `outpace-shard-*.json` files, in name order.
fn state_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let entries = std::fs::read_dir(input).map_err(|e| {
            Failure::Input(vec![format!(
                "cannot read the directory {}: {e}",
                input.display()
            )])
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("outpace-shard-") && n.ends_with(".json"))
            })
            .collect();
        if found.is_empty() {
            return Err(Failure::Input(vec![format!(
                "{}: no state file (outpace-shard-*.json) in this directory",
                input.display()
            )]));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// Checks a parsed state file's format, version and identity.
fn parse_state_value(value: serde_json::Value) -> Result<StateFile, String> {
    let format = value.get("format").and_then(|f| f.as_str());
    if format != Some(STATE_FORMAT) {
        return Err(format!("not a state file of outpace (format {format:?})"));
    }
    let version = value.get("version").and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(STATE_VERSION)) {
        return Err(format!(
            "state file version {version:?}, but this build reads version {STATE_VERSION}: \
             rerun every shard with one build"
        ));
    }
    let state: StateFile = serde_json::from_value(value)
        .map_err(|e| single_line(&format!("malformed state file: {e}")))?;
    if state.computed_run_id() != state.run_id {
        return Err("the run_id does not match the file's contents: the file was altered".into());
    }
    Ok(state)
}

/// Checks that `states` (labelled by file name) are every shard of one run, exactly once.
fn check_shards(states: &[(String, StateFile)]) -> Result<(), Failure> {
    let (first_name, first) = &states[0];
    for (name, state) in states {
        let foreign = |what: String| {
            Failure::Input(vec![format!(
                "{name}: a shard of another run than {first_name} ({what}); merge the shards of one run"
            )])
        };
        if state.outpace_version != first.outpace_version {
            return Err(foreign(format!(
                "outpace {} against {}",
                state.outpace_version, first.outpace_version
            )));
        }
        if state.kind != first.kind {
            return Err(foreign(format!(
                "{:?} against {:?}",
                state.kind, first.kind
            )));
        }
        let hashes = |s: &StateFile| -> Vec<String> {
            s.scenarios
                .iter()
                .map(|s| s.scenario_hash.clone())
                .collect()
        };
        if hashes(state) != hashes(first) {
            return Err(foreign(format!(
                "scenarios {:?} against {:?}",
                hashes(state),
                hashes(first)
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
        if state.shards != first.shards {
            return Err(foreign(format!(
                "one of {} shards, against {}",
                state.shards, first.shards
            )));
        }
    }
    let shards: Vec<(&str, usize, usize)> = states
        .iter()
        .map(|(name, s)| (name.as_str(), s.shard, s.shards))
        .collect();
    check_coverage(&shards)
}

/// Checks that `shards` (file name, shard, shard count) are every shard of a
/// run of `shards[0]`'s count exactly once: a shard of another count or out of
/// range is foreign, one given twice or missing is named.
pub fn check_coverage(shards: &[(&str, usize, usize)]) -> Result<(), Failure> {
    let (first_name, _, count) = shards[0];
    let mut seen: Vec<Option<&str>> = vec![None; count];
    for &(name, shard, of) in shards {
        if of != count {
            return Err(Failure::Input(vec![format!(
                "{name}: a shard of another run than {first_name} (one of {of} shards, against \
                 {count}); merge the shards of one run"
            )]));
        }
        match seen.get(shard).copied() {
            None => {
                return Err(Failure::Input(vec![format!(
                    "{name}: a shard of another run than {first_name} (shard {shard} of {of}); \
                     merge the shards of one run"
                )]));
            }
            Some(Some(other)) => {
                return Err(Failure::Input(vec![format!(
                    "{name}: shard {shard}/{of} is given twice (also {other})"
                )]));
            }
            Some(None) => seen[shard] = Some(name),
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|&i| seen[i].is_none())
        .map(|i| format!("{i}/{count} ({})", StateFile::file_name(i, count)))
        .collect();
    if !missing.is_empty() {
        return Err(Failure::Input(vec![format!(
            "missing shard {}: every shard of the run must be merged",
            missing.join(", ")
        )]));
    }
    Ok(())
}

/// The model of a stored scenario, validated like a scenario file.
fn model_of(name: &str, scenario: &serde_json::Value) -> Result<CloudModel, Failure> {
    let scenario = Scenario::from_json_str(&scenario.to_string()).map_err(|e| {
        Failure::Input(vec![format!(
            "{name}: the stored scenario is invalid: {}",
            single_line(&e.to_string())
        )])
    })?;
    Ok(CloudModel::new(scenario)?)
}

/// The study options the shards ran with.
fn options_of(model: &CloudModel, state: &StateFile) -> Result<StudyOptions, Failure> {
    let settings = &state.settings;
    let rules = crate::commands::rules_named(model, settings.definitions.as_deref())?;
    Ok(StudyOptions {
        paths: settings.paths,
        seed: settings.seed,
        confidence: settings.confidence,
        rules,
        fan_levels: settings.fan_levels.clone(),
        threads: None,
        control: None,
        keep_paths: false,
    })
}

/// Merges checked states (labelled by file name) into one study per scenario,
/// with the options of the first (the baseline's, which decide the rules shown).
fn studies(states: Vec<(String, StateFile)>) -> Result<(Vec<Study>, StudyOptions), Failure> {
    let (first_name, first) = &states[0];
    let mut studies = Vec::with_capacity(first.scenarios.len());
    let mut baseline_options = None;
    for (i, scenario) in first.scenarios.iter().enumerate() {
        let model = model_of(first_name, &scenario.scenario)?;
        let options = options_of(&model, first)?;
        let parts = states
            .iter()
            .map(|(name, state)| {
                Outcome::from_state(state.scenarios[i].outcome.clone()).map_err(|e| {
                    Failure::Input(vec![format!(
                        "{name}: {}",
                        single_line(&e.within(&format!("scenarios[{i}].outcome")).to_string())
                    )])
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        let merged = Outcome::merge(&parts).map_err(|e| {
            let message = single_line(&e.to_string());
            // `parts[k]` names the k-th file.
            let named = (0..states.len()).rev().fold(message, |m, k| {
                m.replace(&format!("parts[{k}]"), &states[k].0)
            });
            Failure::Input(vec![named])
        })?;
        studies.push(Study::from_outcome(&model, &options, merged)?);
        baseline_options.get_or_insert(options);
    }
    let options = baseline_options.ok_or_else(|| {
        Failure::Input(vec![format!("{first_name}: the state holds no scenario")])
    })?;
    Ok((studies, options))
}

/// Merges `states` (labelled by file name), then writes and prints the report of
/// the run they are shards of, as `run` or `compare` would have.
pub fn publish(
    mut states: Vec<(String, StateFile)>,
    out: Option<&Path>,
    format: OutputFormat,
    quiet: bool,
) -> Result<(), Failure> {
    if states.is_empty() {
        return Err(Failure::Input(vec!["no state file to merge".into()]));
    }
    check_shards(&states)?;
    states.sort_by_key(|(_, s)| s.shard);
    let kind = states[0].1.kind;
    let (mut studies, baseline_options) = studies(states)?;
    let (files, shown) = match kind {
        Kind::Run => {
            let study = &studies[0];
            let summary = Summary::from_study(study);
            let report = text::study(study);
            let files = files::study_files(&summary, Some(&report))?;
            let shown = match format {
                OutputFormat::Text => report,
                OutputFormat::Json => json_text(&summary)?,
            };
            (files, shown)
        }
        Kind::Compare => {
            let baseline = studies.remove(0);
            let alternatives = studies
                .into_iter()
                .map(|study| {
                    let comparisons = baseline.compare(&study)?;
                    Ok((study, comparisons))
                })
                .collect::<Result<Vec<_>, outpace::Error>>()?;
            let pairs: Vec<_> = alternatives.iter().map(|(s, c)| (s, c.clone())).collect();
            let shown = shown_rules(&baseline, &baseline_options);
            let report = text::comparisons(&baseline, &pairs, &shown);
            let borrowed: Vec<_> = alternatives
                .iter()
                .map(|(s, c)| (s, c.as_slice()))
                .collect();
            let summary = ComparisonSummary::new(&baseline, &borrowed);
            let files = files::comparison_files(&summary, Some(&report), &shown)?;
            let printed = match format {
                OutputFormat::Text => report,
                OutputFormat::Json => json_text(&summary)?,
            };
            (files, printed)
        }
    };
    if let Some(dir) = out {
        files::write_files(dir, &files)?;
        if !quiet {
            eprintln!("wrote {} files to {}", files.len(), dir.display());
        }
    }
    emit(&shown)
}
