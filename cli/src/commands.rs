//! The subcommands.

use crate::diagnose::{self, Format};
use crate::progress::{Progress, handle_interrupts};
use crate::{CompareArgs, Failure, OutputFormat, RunArgs, Settings, ValidateArgs};
use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{CloudModel, PRESETS, Scenario};
use outpace::engine::RunControl;
use outpace::report::files::{self, OutputFile};
use outpace::report::json::{ComparisonSummary, Summary};
use outpace::report::text;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Prefix that names a preset where a file is expected.
const PRESET_PREFIX: &str = "preset:";

/// Where a scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// A TOML or JSON file.
    File(PathBuf),
    /// A built-in preset.
    Preset(String),
}

impl Source {
    /// `preset:NAME` or a file path.
    fn parse(argument: &str) -> Source {
        match argument.strip_prefix(PRESET_PREFIX) {
            Some(name) => Source::Preset(name.to_owned()),
            None => Source::File(argument.into()),
        }
    }

    /// The source as the user wrote it.
    fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Preset(name) => format!("{PRESET_PREFIX}{name}"),
        }
    }

    /// Loads and validates the scenario; bad input lists every problem found.
    fn load(&self) -> Result<Scenario, Vec<String>> {
        match self {
            Source::Preset(name) => Scenario::preset(name).map_err(|e| vec![e.to_string()]),
            Source::File(path) => load_file(path),
        }
    }
}

fn load_file(path: &Path) -> Result<Scenario, Vec<String>> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = match path.to_str() {
            Some(name) if PRESETS.iter().any(|p| p.name == name) => {
                format!(" (for the built-in scenario, write `--preset {name}` or `preset:{name}`)")
            }
            _ => String::new(),
        };
        vec![format!("cannot read `{label}`: {e}{hint}")]
    })?;
    diagnose::load(&text, Format::of(path))
        .map_err(|problems| problems.iter().map(|p| p.render(&label)).collect())
}

/// Loads every source, reporting the problems of all of them.
fn load_all(sources: &[Source]) -> Result<Vec<Scenario>, Failure> {
    let mut problems = Vec::new();
    let mut scenarios = Vec::new();
    for source in sources {
        match source.load() {
            Ok(scenario) => scenarios.push(scenario),
            Err(lines) => problems.extend(lines),
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(Failure::Input(problems))
    }
}

impl Settings {
    fn options(&self, control: &Arc<RunControl>) -> StudyOptions {
        StudyOptions {
            paths: usize::try_from(self.paths).unwrap_or(usize::MAX),
            seed: self.seed,
            threads: self
                .threads
                .map(|t| usize::try_from(t).unwrap_or(usize::MAX)),
            control: Some(Arc::clone(control)),
            ..StudyOptions::default()
        }
    }

    /// Writes `files` into `--out`, if given, after a last check for Ctrl-C.
    fn write(&self, control: &RunControl, files: &[OutputFile]) -> Result<(), Failure> {
        if control.is_cancelled() {
            return Err(Failure::Interrupted);
        }
        let Some(dir) = &self.out else {
            return Ok(());
        };
        files::write_files(dir, files)?;
        if !self.quiet {
            eprintln!("wrote {} files to {}", files.len(), dir.display());
        }
        Ok(())
    }
}

/// A control shared by the runs of one command, cancelled by Ctrl-C.
fn control() -> Arc<RunControl> {
    let control = RunControl::new();
    handle_interrupts(&control);
    control
}

/// `outpace run`.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let source = match (&args.scenario, &args.preset) {
        (_, Some(name)) => Source::Preset(name.clone()),
        (Some(argument), None) => Source::parse(argument),
        (None, None) => {
            return Err(Failure::Input(vec![
                "give a scenario file or --preset NAME".into(),
            ]));
        }
    };
    let scenario = source.load().map_err(Failure::Input)?;
    let settings = &args.settings;
    let control = control();
    let study = {
        let progress = Progress::start(&control, settings.paths, settings.quiet);
        progress.message(format!("simulating {}", scenario.name));

        Study::run(&CloudModel::new(scenario)?, &settings.options(&control))?
    };
    let summary = Summary::from_study(&study);
    let report = text::study(&study);
    let files = match settings.out {
        Some(_) => files::study_files(&summary, Some(&report))?,
        None => Vec::new(),
    };
    settings.write(&control, &files)?;
    match settings.format {
        OutputFormat::Text => emit(&report),
        OutputFormat::Json => emit(&json(&summary)?),
    }
}

/// `outpace compare`: `order` lists the scenarios in command-line order.
pub fn compare(args: &CompareArgs, order: &[String]) -> Result<(), Failure> {
    let sources: Vec<Source> = order.iter().map(|a| Source::parse(a)).collect();
    if sources.len() < 2 {
        return Err(Failure::Input(vec![format!(
            "compare needs at least two scenarios (got {}): the baseline first, then the alternatives",
            sources.len()
        )]));
    }
    let scenarios = load_all(&sources)?;
    let settings = &args.settings;
    let control = control();
    let options = settings.options(&control);
    let (baseline, alternatives) = {
        let total = settings.paths.saturating_mul(scenarios.len() as u64);
        let progress = Progress::start(&control, total, settings.quiet);
        let mut studies = Vec::with_capacity(scenarios.len());
        for (i, scenario) in scenarios.iter().enumerate() {
            progress.message(format!(
                "simulating {} ({}/{})",
                scenario.name,
                i + 1,
                scenarios.len()
            ));
            studies.push(Study::run(&CloudModel::new(scenario.clone())?, &options)?);
        }
        progress.message("paired comparisons");
        let baseline = studies.remove(0);
        let alternatives = studies
            .into_iter()
            .map(|study| {
                let comparisons = baseline.compare(&study)?;
                Ok((study, comparisons))
            })
            .collect::<Result<Vec<_>, outpace::Error>>()?;
        (baseline, alternatives)
    };
    let pairs: Vec<_> = alternatives.iter().map(|(s, c)| (s, c.clone())).collect();
    let shown = baseline.info().compared.clone();
    let report = text::comparisons(&baseline, &pairs, &shown);
    let borrowed: Vec<_> = alternatives
        .iter()
        .map(|(s, c)| (s, c.as_slice()))
        .collect();
    let summary = ComparisonSummary::new(&baseline, &borrowed);
    let files = match settings.out {
        Some(_) => files::comparison_files(&summary, Some(&report), &shown)?,
        None => Vec::new(),
    };
    settings.write(&control, &files)?;
    match settings.format {
        OutputFormat::Text => emit(&report),
        OutputFormat::Json => emit(&json(&summary)?),
    }
}

/// `outpace presets [NAME]`.
pub fn presets(name: Option<&str>) -> Result<(), Failure> {
    match name {
        Some(name) => {
            let preset = PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
                Failure::Input(vec![format!(
                    "unknown preset `{name}`; known presets: {}",
                    diagnose::preset_names()
                )])
            })?;
            emit(preset.source())
        }
        None => {
            let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
            let list: String = PRESETS
                .iter()
                .map(|p| format!("{:<width$}  {}\n", p.name, p.summary))
                .collect();
            emit(&list)
        }
    }
}

/// `outpace validate`.
pub fn validate(args: &ValidateArgs) -> Result<(), Failure> {
    let sources: Vec<Source> = args
        .scenarios
        .iter()
        .map(|a| Source::parse(a))
        .chain(args.preset.iter().map(|p| Source::Preset(p.clone())))
        .collect();
    let mut problems = Vec::new();
    for source in &sources {
        match source.load() {
            Ok(scenario) => emit(&format!(
                "ok: {}: scenario `{}`, {} quarters from {} to {}\n",
                source.label(),
                scenario.name,
                scenario.quarters(),
                scenario.quarter(1),
                scenario.quarter(scenario.quarters())
            ))?,
            Err(lines) => problems.extend(lines),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Input(problems))
    }
}

/// Pretty JSON with a final newline.
fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Failure::Internal(format!("cannot serialise the summary: {e}")))
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
fn emit(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse() {
        assert_eq!(
            Source::parse("preset:chip_ban"),
            Source::Preset("chip_ban".into())
        );
        assert_eq!(Source::parse("a/b.toml"), Source::File("a/b.toml".into()));
        assert_eq!(Source::parse("preset:x").label(), "preset:x");
    }

    #[test]
    fn missing_file_hints_at_presets() {
        let err = Source::parse("alibaba").load().unwrap_err();
        assert!(err[0].contains("cannot read `alibaba`") && err[0].contains("--preset alibaba"));
        let err = Source::parse("preset:nope").load().unwrap_err();
        assert!(err[0].contains("unknown preset"), "{err:?}");
    }
}
