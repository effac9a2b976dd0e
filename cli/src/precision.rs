//! `--precision`, `--on` and `--max-paths`: run until the interval on the
//! probability of breaking even within the horizon is narrow enough, instead of
//! a fixed `--paths` (see `analysis::PrecisionTarget` for the schedule, the
//! stopping rule and its coverage).

use crate::Failure;
use clap::Args;
use outpace::analysis::{
    DEFAULT_MAX_PATHS, Precision, PrecisionTarget, Study, StudyModel, StudyOptions,
};
use outpace::cloud::CloudModel;
use std::fmt::Write;

/// The precision options of `run` and `compare`.
#[derive(Debug, Args)]
pub struct PrecisionArgs {
    /// Add paths in batches (each about 1.25 times the paths so far) until the confidence interval on the
    /// probability of breaking even within the horizon has at most this
    /// half-width: in percentage points (0.25pp) or as a probability (0.0025).
    /// Replaces --paths.
    #[arg(long, value_name = "HALF_WIDTH", value_parser = half_width, conflicts_with = "paths", allow_hyphen_values = true)]
    pub precision: Option<f64>,
    /// The rule the precision target is on, by key (default: every rule
    /// evaluated, the widest interval decides).
    #[arg(long, value_name = "RULE", requires = "precision")]
    pub on: Option<String>,
    /// The most paths a --precision run simulates per scenario (default
    /// 2,097,152).
    #[arg(long, value_name = "N", value_parser = crate::count, requires = "precision")]
    pub max_paths: Option<u64>,
}

/// A half-width: `0.25pp` (percentage points) or `0.0025`, strictly between 0
/// and 0.5.
fn half_width(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    // Points are divided by 100 (correctly rounded: 0.25pp is exactly 0.0025).
    let (number, per) = match trimmed.strip_suffix("pp") {
        Some(points) => (points.trim(), 100.0),
        None => (trimmed, 1.0),
    };
    match number.parse::<f64>().map(|x| x / per) {
        Ok(h) if h > 0.0 && h < 0.5 => Ok(h),
        _ => Err(format!(
            "`{text}` is not a half-width strictly between 0 and 0.5 (50pp), \
             e.g. 0.25pp or 0.0025"
        )),
    }
}

impl PrecisionArgs {
    /// The target, if `--precision` was given, with `--on` checked against the
    /// rules `options` evaluates for `model`.
    pub fn target(
        &self,
        model: &CloudModel,
        options: &StudyOptions,
    ) -> Result<Option<PrecisionTarget>, Failure> {
        let Some(half_width) = self.precision else {
            return Ok(None);
        };
        let mut target = PrecisionTarget::new(half_width)?;
        if let Some(max) = self.max_paths {
            let max = usize::try_from(max).unwrap_or(usize::MAX);
            target = target
                .max_paths(max)
                .map_err(|e| rename(e, "--max-paths"))?;
        }
        if let Some(key) = &self.on {
            let rules = options.rules.clone().unwrap_or_else(|| model.rules());
            if !rules.iter().any(|r| r.key() == key) {
                let keys: Vec<&str> = rules.iter().map(|r| r.key()).collect();
                return Err(outpace::Error::invalid(
                    "--on",
                    key,
                    format!(
                        "is not a rule evaluated (rules: {}; add others with --definitions)",
                        keys.join(", ")
                    ),
                )
                .into());
            }
            target = target.on(key.clone());
        }
        Ok(Some(target))
    }

    /// The most paths a `--precision` run of one scenario simulates (each path
    /// once), for the progress bar; `None` without `--precision`.
    pub fn max_run_total(&self) -> Option<u64> {
        self.precision?;
        Some(self.max_paths.unwrap_or(DEFAULT_MAX_PATHS as u64))
    }

    /// The most paths a `--precision` comparison simulates per scenario (each
    /// path once in the search, once in the study at the common count), for the
    /// progress bar; `None` without `--precision`.
    pub fn max_total(&self) -> Option<u64> {
        self.precision?;
        let cap = self.max_paths.unwrap_or(DEFAULT_MAX_PATHS as u64);
        Some(cap.saturating_mul(2))
    }

    /// The largest path count any of `models` needs to meet the target (each
    /// scenario searched on its own paths), with every scenario's search; `None`
    /// without `--precision`.
    pub fn paths_for(
        &self,
        models: &[CloudModel],
        options: &[StudyOptions],
    ) -> Result<Option<(usize, Vec<Precision>)>, Failure> {
        let mut searches = Vec::with_capacity(models.len());
        for (model, options) in models.iter().zip(options) {
            let Some(target) = self.target(model, options)? else {
                return Ok(None);
            };
            searches.push(target.search(model, options)?);
        }
        let paths = searches.iter().map(|s| s.paths).max().unwrap_or(1);
        Ok(Some((paths, searches)))
    }
}

/// The study of `model`: at `options.paths`, or run to `target`, with the
/// report of the search.
pub fn study(
    model: &CloudModel,
    options: &StudyOptions,
    target: Option<PrecisionTarget>,
) -> Result<(Study, Option<Precision>), Failure> {
    match target {
        None => Ok((Study::run(model, options)?, None)),
        Some(target) => {
            let run = target.run(model, options)?;
            Ok((run.study, Some(run.report)))
        }
    }
}

/// A [`Failure`] for an option the library names by its own field.
fn rename(error: outpace::Error, option: &str) -> Failure {
    match error {
        outpace::Error::InvalidParameter { value, rule, .. } => outpace::Error::InvalidParameter {
            name: option.to_owned(),
            value,
            rule,
        }
        .into(),
        other => other.into(),
    }
}

/// Whether every targeted interval of `study` has at most the target half-width.
pub fn met(study: &Study, search: &Precision) -> bool {
    study
        .breakevens()
        .iter()
        .filter(|b| {
            search
                .rule
                .as_deref()
                .is_none_or(|key| b.rule().key() == key)
        })
        .all(|b| {
            let i = b.within_horizon();
            (i.upper - i.lower) / 2.0 <= search.target
        })
}

/// A paragraph for the text report: the target, the paths used, whether the
/// target was met and the widest interval at each step.
pub fn describe(name: &str, study: &Study, search: &Precision) -> String {
    let pp = |x: f64| format!("{:.3}pp", x * 100.0);
    let on = search
        .rule
        .as_deref()
        .map_or_else(|| "every rule".to_owned(), |key| format!("rule {key}"));
    let paths = study.outcome().paths();
    let mut out = format!(
        "Precision target ({name}): half-width <= {} on P(break even within the horizon), {on}, \
         at {:.0}% confidence: {} with {paths} paths.\n",
        pp(search.target),
        search.confidence * 100.0,
        if met(study, search) {
            "met"
        } else {
            "NOT met (path cap reached)"
        },
    );
    for step in &search.steps {
        let _ = writeln!(
            out,
            "  {:>9} paths: widest {} (p = {:.4}), half-width {}",
            step.paths,
            step.rule,
            step.probability,
            pp(step.half_width)
        );
    }
    if paths != search.paths {
        let _ = writeln!(
            out,
            "  run at {paths} paths, the most any compared scenario needed"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_widths_parse_in_points_or_as_probabilities() {
        assert_eq!(half_width("0.25pp"), Ok(0.0025));
        assert_eq!(half_width("0.0025"), Ok(0.0025));
        assert_eq!(half_width(" 1 pp"), Ok(0.01));
        for bad in ["0", "-0.01", "abc", "0pp", "50pp", "0.5", "nan", "pp", ""] {
            assert!(half_width(bad).is_err(), "{bad}");
        }
    }
}
