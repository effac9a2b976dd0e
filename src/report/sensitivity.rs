//! Reports of sensitivity analyses ([`crate::analysis::sensitivity`]): text tables
//! for a terminal, tidy CSV tables, JSON, and (feature `svg`) charts. The columns
//! are documented in `docs/cli.md`.

use super::csv::quoted as field;
use crate::analysis::sensitivity::{Estimates, Output, RankScreen, SobolAnalysis, Sweep, Tornado};
use crate::error::{Error, Result};
use crate::stats::Interval;
use serde_json::{Value, json};
use std::fmt::Write;

/// The tornado table (`tornado.csv`): one row per bar and rule.
pub const TORNADO_CSV: &str = "tornado.csv";
/// The sweep table (`sweep.csv`): one row per value and rule.
pub const SWEEP_CSV: &str = "sweep.csv";
/// The Sobol table (`sobol.csv`): one row per factor and output.
pub const SOBOL_CSV: &str = "sobol.csv";
/// The rank-correlation table (`ranks.csv`): one row per input and output.
pub const RANKS_CSV: &str = "ranks.csv";
/// The analysis as JSON.
pub const SENSITIVITY_JSON: &str = "sensitivity.json";
/// The text report.
pub const SENSITIVITY_TXT: &str = "sensitivity.txt";

fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

fn optional(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

fn interval_fields(i: Option<&Interval>) -> String {
    match i {
        Some(i) => format!(
            "{},{},{}",
            number(i.estimate),
            number(i.lower),
            number(i.upper)
        ),
        None => ",,".to_owned(),
    }
}

fn pp(x: f64) -> String {
    format!("{:+.1}", 100.0 * x)
}

fn label(labels: &[String], k: usize) -> String {
    labels.get(k).cloned().unwrap_or_else(|| k.to_string())
}

/// `tornado.csv`: `factor, inputs, low_values, high_values, rule, p_low, p_high,
/// swing, swing_lower, swing_upper, median_low, median_high, median_swing,
/// median_swing_lower, median_swing_upper, value_low, value_high, value_swing,
/// value_swing_lower, value_swing_upper` (inputs and values joined by `;`; medians
/// in periods; empty where undefined).
pub fn tornado_csv(tornado: &Tornado) -> String {
    let mut out = String::from(
        "factor,inputs,low_values,high_values,rule,p_low,p_high,swing,swing_lower,swing_upper,\
         median_low,median_high,median_swing,median_swing_lower,median_swing_upper,\
         value_low,value_high,value_swing,value_swing_lower,value_swing_upper\n",
    );
    let join = |xs: &[f64]| xs.iter().map(|x| number(*x)).collect::<Vec<_>>().join(";");
    for bar in &tornado.bars {
        for (rule, cmp) in tornado.rules.iter().zip(&bar.rules) {
            let p = cmp.probability();
            let median = cmp.median();
            let value = bar.value.as_ref();
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                field(&bar.name),
                field(&bar.inputs.join(";")),
                join(&bar.low_values),
                join(&bar.high_values),
                field(rule),
                number(p.baseline),
                number(p.alternative),
                interval_fields(Some(&p.difference)),
                optional(median.map(|m| m.baseline as f64)),
                optional(median.map(|m| m.alternative as f64)),
                interval_fields(median.map(|m| &m.difference)),
                optional(value.map(|v| v.baseline)),
                optional(value.map(|v| v.alternative)),
                interval_fields(value.map(|v| &v.difference)),
            );
        }
    }
    out
}

/// The tornado as text: the bars under the rule they are sorted by, largest
/// swing first.
pub fn tornado_text(tornado: &Tornado) -> String {
    let mut out = String::new();
    let (lo, hi) = tornado.quantiles;
    let _ = writeln!(
        out,
        "Tornado: each input at its P{:.0} and P{:.0}, everything else as drawn ({} paths per run, {:.0}% paired intervals)",
        100.0 * lo,
        100.0 * hi,
        tornado.paths,
        100.0 * tornado.confidence
    );
    let _ = writeln!(
        out,
        "Rule: {} (with every input drawn: {:.1}% within the horizon)\n",
        tornado.titles[tornado.sorted_by],
        100.0 * tornado.base[tornado.sorted_by]
    );
    let _ = writeln!(
        out,
        "{:<34} {:>17} {:>17}  {:>22}  {:>14}  {:>24}",
        "input", "low", "high", "swing in P (pp)", "median period", "median value swing"
    );
    for bar in &tornado.bars {
        let cmp = &bar.rules[tornado.sorted_by];
        let p = cmp.probability();
        let median = cmp
            .median()
            .map(|m| {
                format!(
                    "{} -> {}",
                    label(&tornado.labels, m.baseline),
                    label(&tornado.labels, m.alternative)
                )
            })
            .unwrap_or_else(|| "-".into());
        let value = bar
            .value
            .map(|v| {
                format!(
                    "{:+.2} [{:+.2}, {:+.2}]",
                    v.difference.estimate, v.difference.lower, v.difference.upper
                )
            })
            .unwrap_or_else(|| "-".into());
        let values = |xs: &[f64]| {
            if xs.len() == 1 {
                format!("{:.4}", xs[0])
            } else {
                format!("{} inputs", xs.len())
            }
        };
        let _ = writeln!(
            out,
            "{:<34} {:>17} {:>17}  {:>6} [{:>6}, {:>6}]  {:>14}  {:>24}",
            bar.name,
            values(&bar.low_values),
            values(&bar.high_values),
            pp(p.difference.estimate),
            pp(p.difference.lower),
            pp(p.difference.upper),
            median,
            value
        );
    }
    out
}

/// `sweep.csv`: `input, value, rule, probability, lower, upper, difference,
/// difference_lower, difference_upper, value_median, value_difference,
/// value_difference_lower, value_difference_upper` (differences against the first
/// value, paired).
pub fn sweep_csv(sweep: &Sweep) -> String {
    let mut out = String::from(
        "input,value,rule,probability,lower,upper,difference,difference_lower,difference_upper,\
         value_median,value_difference,value_difference_lower,value_difference_upper\n",
    );
    for point in &sweep.points {
        for (r, rule) in sweep.rules.iter().enumerate() {
            let v = point.value_difference.as_ref();
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{}",
                field(&sweep.input),
                number(point.value),
                field(rule),
                interval_fields(Some(&point.within[r])),
                interval_fields(Some(&point.against_first[r].probability().difference)),
                optional(v.map(|v| v.alternative)),
                interval_fields(v.map(|v| &v.difference)),
            );
        }
    }
    out
}

/// The sweep as text, one line per value, for the first rule.
pub fn sweep_text(sweep: &Sweep) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Sweep of {} ({} paths per value, {:.0}% intervals; differences paired against the first value)",
        sweep.input,
        sweep.paths,
        100.0 * sweep.confidence
    );
    let _ = writeln!(out, "Rule: {}\n", sweep.titles[0]);
    let _ = writeln!(
        out,
        "{:>14}  {:>22}  {:>26}  {:>12}",
        "value", "P within (%)", "difference (pp)", "median value"
    );
    for point in &sweep.points {
        let w = point.within[0];
        let d = point.against_first[0].probability().difference;
        let median = point
            .value_difference
            .map(|v| format!("{:.2}", v.alternative))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{:>14.4}  {:>6.1} [{:>5.1}, {:>5.1}]  {:>8} [{:>6}, {:>6}]  {:>12}",
            point.value,
            100.0 * w.estimate,
            100.0 * w.lower,
            100.0 * w.upper,
            pp(d.estimate),
            pp(d.lower),
            pp(d.upper),
            median
        );
    }
    out
}

/// The output's name in tables: `reached:RULE:LABEL`, `censored_period:RULE`,
/// `value`.
pub fn output_name(output: &Output, labels: &[String]) -> String {
    match output {
        Output::Reached { rule, period } => format!("reached:{rule}:{}", label(labels, *period)),
        Output::Censored { rule } => format!("censored_period:{rule}"),
        Output::Value => "value".to_owned(),
    }
}

/// `sobol.csv`: `factor, output, rule, period, label, mean, variance, first,
/// first_lower, first_upper, total, total_lower, total_upper` (`period` and
/// `label` for the break-even indicators, empty otherwise; indices empty where
/// the output does not vary).
pub fn sobol_csv(sobol: &SobolAnalysis) -> String {
    let mut out = String::from(
        "factor,output,rule,period,label,mean,variance,first,first_lower,first_upper,total,total_lower,total_upper\n",
    );
    for (g, factor) in sobol.factors.iter().enumerate() {
        for (t, output) in sobol.outputs.iter().enumerate() {
            let (kind, rule, period) = match output {
                Output::Reached { rule, period } => ("reached", rule.as_str(), Some(*period)),
                Output::Censored { rule } => ("censored_period", rule.as_str(), None),
                Output::Value => ("value", "", None),
            };
            let _ = writeln!(
                out,
                "{},{kind},{},{},{},{},{},{},{}",
                field(factor),
                field(rule),
                period.map(|k| k.to_string()).unwrap_or_default(),
                period.map(|k| label(&sobol.labels, k)).unwrap_or_default(),
                number(sobol.indices.mean[t]),
                number(sobol.indices.variance[t]),
                interval_fields(sobol.indices.first[[g, t]].as_ref()),
                interval_fields(sobol.indices.total[[g, t]].as_ref()),
            );
        }
    }
    out
}

/// The Sobol indices as text: for the censored break-even periods and the
/// value, each factor's first and total index.
pub fn sobol_text(sobol: &SobolAnalysis) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Sobol indices: {} base points, {} paths, {:.0}% intervals (first order: Saltelli 2010; total: Jansen)\n",
        sobol.base,
        sobol.paths,
        100.0 * sobol.confidence
    );
    let shown: Vec<usize> = (0..sobol.outputs.len())
        .filter(|&t| !matches!(sobol.outputs[t], Output::Reached { .. }))
        .collect();
    for &t in &shown {
        let _ = writeln!(out, "{}", output_name(&sobol.outputs[t], &sobol.labels));
        for (g, factor) in sobol.factors.iter().enumerate() {
            let show = |i: Option<Interval>| match i {
                Some(i) => format!("{:>6.3} [{:>6.3}, {:>6.3}]", i.estimate, i.lower, i.upper),
                None => "     - (no variance)".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {:<34} first {}   total {}",
                factor,
                show(sobol.indices.first[[g, t]]),
                show(sobol.indices.total[[g, t]])
            );
        }
    }
    out
}

/// `ranks.csv`: `input, output, spearman, srrc, r_squared`.
pub fn ranks_csv(screen: &RankScreen) -> String {
    let mut out = String::from("input,output,spearman,srrc,r_squared\n");
    for (j, input) in screen.inputs.iter().enumerate() {
        for (t, output) in screen.outputs.iter().enumerate() {
            let _ = writeln!(
                out,
                "{},{},{},{},{}",
                field(input),
                field(output),
                optional(screen.spearman[[j, t]]),
                optional(screen.regression.coefficients[[j, t]]),
                optional(screen.regression.r_squared[t]),
            );
        }
    }
    out
}

/// The rank screen as text: Spearman correlations, inputs by rows.
pub fn ranks_text(screen: &RankScreen) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Rank correlations (Spearman; SRRC in brackets) of {} paths: outputs are the censored break-even period of each rule, and the value\n",
        screen.paths
    );
    let _ = write!(out, "{:<34}", "input");
    for output in &screen.outputs {
        let _ = write!(out, " {:>22}", output);
    }
    out.push('\n');
    for (j, input) in screen.inputs.iter().enumerate() {
        let _ = write!(out, "{input:<34}");
        for t in 0..screen.outputs.len() {
            let cell = match (
                screen.spearman[[j, t]],
                screen.regression.coefficients[[j, t]],
            ) {
                (Some(r), Some(b)) => format!("{r:+.3} [{b:+.3}]"),
                _ => "-".into(),
            };
            let _ = write!(out, " {cell:>22}");
        }
        out.push('\n');
    }
    out
}

/// A Sobol analysis as JSON (the indices as arrays of `{estimate, lower,
/// upper}` or null, factor by output).
///
/// # Errors
/// Never in practice (serialisation of plain data).
pub fn sobol_json(sobol: &SobolAnalysis) -> Result<Value> {
    let table = |m: &ndarray::Array2<Option<Interval>>| -> Result<Value> {
        let rows: Vec<Vec<Option<Interval>>> = m.outer_iter().map(|r| r.to_vec()).collect();
        serde_json::to_value(rows).map_err(|e| Error::Engine(e.to_string()))
    };
    Ok(json!({
        "method": "sobol",
        "base": sobol.base,
        "paths": sobol.paths,
        "confidence": sobol.confidence,
        "factors": sobol.factors,
        "outputs": sobol.outputs.iter().map(|o| output_name(o, &sobol.labels)).collect::<Vec<_>>(),
        "mean": sobol.indices.mean.to_vec(),
        "variance": sobol.indices.variance.to_vec(),
        "first": table(&sobol.indices.first)?,
        "total": table(&sobol.indices.total)?,
    }))
}

/// A rank screen as JSON.
pub fn ranks_json(screen: &RankScreen) -> Value {
    let rows = |m: &ndarray::Array2<Option<f64>>| -> Vec<Vec<Option<f64>>> {
        m.outer_iter().map(|r| r.to_vec()).collect()
    };
    json!({
        "method": "ranks",
        "paths": screen.paths,
        "inputs": screen.inputs,
        "outputs": screen.outputs,
        "spearman": rows(&screen.spearman),
        "srrc": rows(&screen.regression.coefficients),
        "r_squared": screen.regression.r_squared.to_vec(),
    })
}

/// One sensitivity analysis, for the writers that take any of them.
#[derive(Debug, Clone, Copy)]
pub enum Analysis<'a> {
    /// A tornado.
    Tornado(&'a Tornado),
    /// A one-way sweep.
    Sweep(&'a Sweep),
    /// Sobol indices.
    Sobol(&'a SobolAnalysis),
    /// Rank correlations.
    Ranks(&'a RankScreen),
}

impl<'a> From<&'a Estimates> for Analysis<'a> {
    /// The analysis of a [`Method`](crate::analysis::sensitivity::Method)'s
    /// estimates.
    fn from(estimates: &'a Estimates) -> Self {
        match estimates {
            Estimates::Tornado(t) => Analysis::Tornado(t),
            Estimates::Sweep(s) => Analysis::Sweep(s),
            Estimates::Sobol(s) => Analysis::Sobol(s),
            Estimates::Ranks(r) => Analysis::Ranks(r),
        }
    }
}

/// The version of `sensitivity.json`'s layout.
pub const SENSITIVITY_SCHEMA: u32 = 1;

impl Analysis<'_> {
    /// The text report.
    pub fn text(&self) -> String {
        match self {
            Analysis::Tornado(t) => tornado_text(t),
            Analysis::Sweep(s) => sweep_text(s),
            Analysis::Sobol(s) => sobol_text(s),
            Analysis::Ranks(r) => ranks_text(r),
        }
    }

    /// The analysis as JSON: `{"schema": 1, "method": ..., ...context, ...}` with
    /// the entries of `context` (an object: model name, seed, scenario) added.
    ///
    /// # Errors
    /// Never in practice.
    pub fn json(&self, context: &Value) -> Result<Value> {
        let to = |v: std::result::Result<Value, serde_json::Error>| {
            v.map_err(|e| Error::Engine(e.to_string()))
        };
        let mut value = match self {
            Analysis::Tornado(t) => {
                let mut v = to(serde_json::to_value(t))?;
                v["method"] = json!("tornado");
                v
            }
            Analysis::Sweep(s) => {
                let mut v = to(serde_json::to_value(s))?;
                v["method"] = json!("sweep");
                v
            }
            Analysis::Sobol(s) => sobol_json(s)?,
            Analysis::Ranks(r) => ranks_json(r),
        };
        value["schema"] = json!(SENSITIVITY_SCHEMA);
        if let (Some(object), Some(extra)) = (value.as_object_mut(), context.as_object()) {
            for (k, v) in extra {
                object.insert(k.clone(), v.clone());
            }
        }
        Ok(value)
    }

    /// The files of the report: [`SENSITIVITY_JSON`], [`SENSITIVITY_TXT`], the
    /// method's CSV table and, with the `svg` feature, its chart (none for rank
    /// correlations).
    ///
    /// # Errors
    /// If a chart cannot be drawn.
    pub fn files(&self, context: &Value) -> Result<Vec<super::files::OutputFile>> {
        use super::files::OutputFile;
        let json = serde_json::to_string_pretty(&self.json(context)?)
            .map_err(|e| Error::Engine(e.to_string()))?;
        let mut files = vec![
            OutputFile::new(SENSITIVITY_JSON, json + "\n"),
            OutputFile::new(SENSITIVITY_TXT, self.text()),
        ];
        files.push(match self {
            Analysis::Tornado(t) => OutputFile::new(TORNADO_CSV, tornado_csv(t)),
            Analysis::Sweep(s) => OutputFile::new(SWEEP_CSV, sweep_csv(s)),
            Analysis::Sobol(s) => OutputFile::new(SOBOL_CSV, sobol_csv(s)),
            Analysis::Ranks(r) => OutputFile::new(RANKS_CSV, ranks_csv(r)),
        });
        #[cfg(feature = "svg")]
        {
            use super::sensitivity_svg as svg;
            match self {
                Analysis::Tornado(t) => {
                    files.push(OutputFile::new(svg::TORNADO_SVG, svg::tornado(t)?))
                }
                Analysis::Sweep(s) => files.push(OutputFile::new(svg::SWEEP_SVG, svg::sweep(s)?)),
                Analysis::Sobol(s) => files.push(OutputFile::new(svg::SOBOL_SVG, svg::sobol(s)?)),
                Analysis::Ranks(_) => {}
            }
        }
        Ok(files)
    }
}
