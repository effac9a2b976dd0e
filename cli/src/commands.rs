//! The subcommands.

use crate::precision;
use crate::progress::{self, Progress, handle_interrupts};
use crate::shard::Kind;
use crate::{CompareArgs, Failure, OutputFormat, Overrides, RunArgs, Settings, ValidateArgs};
use outpace::analysis::{FAN_LEVELS, Rule, Study, StudyModel, StudyOptions};
use outpace::cloud::{CloudModel, Override, PRESETS, Scenario, Source, preset_names};
use outpace::engine::RunControl;
use outpace::report::files::{self, OutputFile};
use outpace::report::json::{ComparisonSummary, Summary};
use outpace::report::text;
use std::io::Write;
use std::sync::Arc;

/// Loads and validates a scenario with the command's overrides; bad input lists
/// every problem found, one line each, located.
fn load(source: &Source, overrides: &[Override]) -> Result<Scenario, Vec<String>> {
    Scenario::load(source, overrides).map_err(|problems| {
        let mut lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        if let Source::File(path) = source
            && !path.exists()
            && let Some(name) = path.to_str()
            && PRESETS.iter().any(|p| p.name == name)
        {
            lines[0].push_str(&format!(
                " (for the built-in scenario, write `--preset {name}` or `preset:{name}`)"
            ));
        }
        lines
    })
}

/// Loads every source, reporting the problems of all of them.
fn load_all(sources: &[Source], overrides: &[Override]) -> Result<Vec<Scenario>, Failure> {
    let mut problems = Vec::new();
    let mut scenarios = Vec::new();
    for source in sources {
        match load(source, overrides) {
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

impl Overrides {
    /// `--set` and `--horizon` as overrides, in order (`--horizon` last).
    fn parse(&self) -> Result<Vec<Override>, Failure> {
        let mut problems = Vec::new();
        let mut overrides = Vec::new();
        let horizon = self.horizon.map(|h| format!("horizon_years={h}"));
        for text in self.set.iter().chain(horizon.as_ref()) {
            match Override::parse(text) {
                Ok(o) => overrides.push(o),
                Err(e) => problems.push(e.to_string()),
            }
        }
        if problems.is_empty() {
            Ok(overrides)
        } else {
            Err(Failure::Input(problems))
        }
    }
}

/// The rules `--definitions` names, by key or title (`None`: the model's own),
/// for a run and for the merge of its shards alike.
pub(crate) fn rules_named(
    model: &CloudModel,
    names: Option<&[String]>,
) -> Result<Option<Vec<Rule>>, Failure> {
    let Some(names) = names else {
        return Ok(None);
    };
    let rules = names
        .iter()
        .map(|name| {
            model
                .rule_named(name)
                .map_err(|e| e.within("--definitions"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(rules))
}

impl Settings {
    /// The study options for `model`: paths, seed, threads, confidence, rules,
    /// quantile levels.
    pub(crate) fn options(
        &self,
        model: &CloudModel,
        control: &Arc<RunControl>,
    ) -> Result<StudyOptions, Failure> {
        let rules = rules_named(model, self.definitions.as_deref())?;
        let mut fan_levels = FAN_LEVELS.to_vec();
        fan_levels.extend(self.quantiles.iter().flatten());
        fan_levels.sort_by(f64::total_cmp);
        fan_levels.dedup();
        Ok(StudyOptions {
            paths: usize::try_from(self.paths).unwrap_or(usize::MAX),
            seed: self.seed,
            confidence: self.confidence.unwrap_or(0.95),
            rules,
            fan_levels,
            threads: self
                .threads
                .map(|t| usize::try_from(t).unwrap_or(usize::MAX)),
            control: Some(Arc::clone(control)),
            keep_paths: false,
        })
    }

    /// Refuses an `--out` directory that a report may not replace (see
    /// [`files::write_report_dir`]), before any time is spent simulating.
    pub(crate) fn check_out(&self) -> Result<(), Failure> {
        match &self.out {
            Some(dir) => files::check_report_dir(dir).map_err(out_failure),
            None => Ok(()),
        }
    }

    /// Writes `files` as the `--out` directory, if given, all or nothing: Ctrl-C
    /// before the report is in place leaves nothing new (exit 130).
    pub(crate) fn write(&self, control: &RunControl, files: &[OutputFile]) -> Result<(), Failure> {
        if control.is_cancelled() {
            return Err(Failure::Interrupted);
        }
        let Some(dir) = &self.out else {
            return Ok(());
        };
        {
            let _writing = progress::writing();
            files::write_report_dir(dir, files, &|| control.is_cancelled()).map_err(out_failure)?;
        }
        if !self.quiet {
            eprintln!("wrote {} files to {}", files.len(), dir.display());
        }
        Ok(())
    }
}

/// The failure of writing `--out`: a refused directory is bad input.
pub(crate) fn out_failure(error: files::WriteError) -> Failure {
    match error {
        files::WriteError::Refused(why) => Failure::Input(vec![format!("--out: {why}")]),
        files::WriteError::Cancelled => Failure::Interrupted,
        files::WriteError::Io(e) => Failure::Internal(e.to_string()),
    }
}

/// A control shared by the runs of one command, cancelled by Ctrl-C.
pub(crate) fn control() -> Arc<RunControl> {
    let control = RunControl::new();
    handle_interrupts(&control);
    control
}

/// The scenario of a one-scenario command: a file or `preset:NAME` argument, or
/// `--preset NAME`, with the command's overrides.
pub(crate) fn load_source(
    argument: Option<&str>,
    preset: Option<&str>,
    settings: &Settings,
) -> Result<Scenario, Failure> {
    let source = match (argument, preset) {
        (_, Some(name)) => Source::Preset(name.to_owned()),
        (Some(argument), None) => Source::parse(argument),
        (None, None) => {
            return Err(Failure::Input(vec![
                "give a scenario file or --preset NAME".into(),
            ]));
        }
    };
    load(&source, &settings.inputs.parse()?).map_err(Failure::Input)
}

/// `outpace run`.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let settings = &args.settings;
    let scenario = load_source(args.scenario.as_deref(), args.preset.as_deref(), settings)?;
    let control = control();
    let one = std::slice::from_ref(&scenario);
    if let Some(done) = crate::shard::intercept(Kind::Run, settings, one, &control) {
        return done;
    }
    // After the shard hook: a shard writes its state file beside the other
    // shards', not a report.
    settings.check_out()?;
    let model = CloudModel::new(scenario)?;
    let mut options = settings.options(&model, &control)?;
    options.keep_paths = args.export.wanted();
    let target = settings.precision.target(&model, &options)?;
    let (study, search) = {
        let total = settings.precision.max_run_total().unwrap_or(settings.paths);
        let progress = Progress::start(&control, total, settings.quiet);
        progress.message(format!("simulating {}", model.scenario().name));
        precision::study(&model, &options, target)?
    };
    let summary = Summary::from_study(&study);
    let mut report = text::study(&study);
    if let Some(search) = &search {
        report.push_str(&precision::describe(study.name(), &study, search));
    }
    let files = match settings.out {
        Some(_) => files::study_files(&summary, Some(&report))?,
        None => Vec::new(),
    };
    settings.write(&control, &files)?;
    args.export.write(&study, settings.quiet)?;
    match settings.format {
        OutputFormat::Text => emit(&report),
        OutputFormat::Json => emit(&json_text(&summary)?),
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
    let settings = &args.settings;
    let scenarios = load_all(&sources, &settings.inputs.parse()?)?;
    let control = control();
    if let Some(done) = crate::shard::intercept(Kind::Compare, settings, &scenarios, &control) {
        return done;
    }
    // After the shard hook: a shard writes its state file beside the other
    // shards', not a report.
    settings.check_out()?;
    let models = scenarios
        .iter()
        .map(|s| CloudModel::new(s.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut all_options = models
        .iter()
        .map(|m| settings.options(m, &control))
        .collect::<Result<Vec<_>, _>>()?;
    let (baseline, alternatives, searches) = {
        let per_scenario = settings.precision.max_total().unwrap_or(settings.paths);
        let total = per_scenario.saturating_mul(scenarios.len() as u64);
        let progress = Progress::start(&control, total, settings.quiet);
        if settings.precision.precision.is_some() {
            progress.message("precision search");
        }
        let searches = settings.precision.paths_for(&models, &all_options)?;
        if let Some((paths, _)) = &searches {
            all_options.iter_mut().for_each(|o| o.paths = *paths);
        }
        let mut studies = Vec::with_capacity(scenarios.len());
        for (i, (model, options)) in models.iter().zip(&all_options).enumerate() {
            progress.message(format!(
                "simulating {} ({}/{})",
                model.scenario().name,
                i + 1,
                scenarios.len()
            ));
            studies.push(Study::run(model, options)?);
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
        (baseline, alternatives, searches)
    };
    let pairs: Vec<_> = alternatives.iter().map(|(s, c)| (s, c.clone())).collect();
    let shown = shown_rules(&baseline, &all_options[0]);
    let mut report = text::comparisons(&baseline, &pairs, &shown);
    if let Some((_, searches)) = &searches {
        let studies = std::iter::once(&baseline).chain(alternatives.iter().map(|(s, _)| s));
        for (study, search) in studies.zip(searches) {
            report.push_str(&precision::describe(study.name(), study, search));
        }
    }
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
        OutputFormat::Json => emit(&json_text(&summary)?),
    }
}

/// The keys of the rules a comparison shows: those of `--definitions`, in the
/// order given, else the model's default ones ([`StudyModel::compared`]).
pub(crate) fn shown_rules(baseline: &Study, options: &StudyOptions) -> Vec<String> {
    match &options.rules {
        Some(rules) => rules.iter().map(|r| r.key().to_owned()).collect(),
        None => baseline.info().compared.clone(),
    }
}

/// `outpace presets [NAME]`.
pub fn presets(name: Option<&str>) -> Result<(), Failure> {
    match name {
        Some(name) => {
            let preset = PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
                Failure::Input(vec![format!(
                    "unknown preset `{name}`; known presets: {}",
                    preset_names()
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
    let overrides = args.inputs.parse()?;
    let mut problems = Vec::new();
    for source in &sources {
        match load(source, &overrides) {
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
pub(crate) fn json_text<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Failure::Internal(format!("cannot serialise the summary: {e}")))
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
pub(crate) fn emit(text: &str) -> Result<(), Failure> {
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
        let err = load(&Source::parse("alibaba"), &[]).unwrap_err();
        assert!(err[0].contains("cannot read `alibaba`") && err[0].contains("--preset alibaba"));
        let err = load(&Source::parse("preset:nope"), &[]).unwrap_err();
        assert!(err[0].contains("unknown preset"), "{err:?}");
    }
}
