//! How each path's uncertain inputs are drawn: plain Monte Carlo draws, a
//! sampling design, Saltelli's scheme for Sobol indices, a rank-correlation
//! copula, and fixed values.

use super::{Component, PathStreams};
use crate::error::{Error, Result};
use crate::inputs::Input;
use crate::inputs::design::{AnyDesign, Design, DesignKind, GaussianCopula};
use crate::stats::sensitivity::{Block, Groups, SaltelliPlan, mix_rows};
use ndarray::Array2;

/// Where each path's input vector comes from.
///
/// In every case the value of input `i` on a path is its law's quantile of a
/// uniform `u_i` ([`Param::quantile`](crate::inputs::Param::quantile)), except
/// under [`InputDesign::Draws`] without correlation, where it is `law.sample` of a
/// generator of the input's own stream: the model's historical draws, kept
/// bit-identical.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum InputDesign {
    /// Each input drawn from its law with a generator of its own stream
    /// ([`Input::stream`]) on the path (the default). With a rank correlation the
    /// uniforms come from plain Monte Carlo ([`DesignKind::MonteCarlo`]) instead.
    #[default]
    Draws,
    /// The uniforms of point `path` of a design over the run's paths (`paths`
    /// points of `p` dimensions), seeded by the run seed.
    Design {
        /// Which design.
        kind: DesignKind,
        /// Independent replicate of the design (a different scramble or
        /// permutation), for error bars.
        replicate: u32,
    },
    /// Saltelli's scheme for Sobol indices ([`SaltelliPlan`]): the run's
    /// `N (G + 2)` paths are the rows of `A`, `B` and `AB_g` for `N` base points of
    /// a `2p`-dimensional design. The within-path randomness is the extra group
    /// [`NOISE_GROUP`] when `noise` is set: rows of `A` and `AB_g` take the stream
    /// key of their base point `r`, rows of `B` and `AB_noise` the key `N + r`.
    Saltelli {
        /// Base points `N`.
        base: u64,
        /// The design of the base points.
        kind: DesignKind,
        /// Its replicate.
        replicate: u32,
        /// Groups of inputs, by name: `(group, [input names])`; every input must be
        /// in exactly one.
        groups: Vec<(String, Vec<String>)>,
        /// Whether the within-path randomness is a group of its own (the last).
        noise: bool,
    },
}

/// The name of the group of the within-path randomness (shocks, events, regime
/// switches) in Saltelli's scheme.
pub const NOISE_GROUP: &str = "within-path randomness";

/// A rank (Spearman) correlation between named inputs, applied through a
/// Gaussian copula ([`GaussianCopula`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RankCorrelation {
    /// The correlated inputs, in the order of the matrix.
    pub inputs: Vec<String>,
    /// The Spearman matrix.
    pub matrix: Array2<f64>,
}

/// Everything that decides a run's input vectors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputSettings {
    /// The design.
    pub design: InputDesign,
    /// A rank correlation between some inputs.
    pub correlation: Option<RankCorrelation>,
    /// Inputs fixed at a value on every path, by name.
    pub fixed: Vec<(String, f64)>,
}

/// The settings resolved against a model's inputs: what a worker needs to fill a
/// path's input vector.
#[derive(Debug, Clone)]
pub(crate) struct Sampler {
    seed: u64,
    laws: Vec<crate::inputs::Param>,
    streams: Vec<Component>,
    mode: Mode,
    copula: Option<(GaussianCopula, Vec<usize>)>,
    fixed: Vec<(usize, f64)>,
}

#[derive(Debug, Clone)]
enum Mode {
    Draws,
    Design(AnyDesign),
    Saltelli {
        plan: SaltelliPlan,
        design: AnyDesign,
        noise: Option<usize>,
    },
}

impl Sampler {
    /// Resolves `settings` for a run of `paths` paths of a model with `inputs`.
    pub fn new(settings: &InputSettings, inputs: &[Input], seed: u64, paths: u64) -> Result<Self> {
        check_unique(inputs)?;
        let p = inputs.len();
        let index = |name: &str, what: &str| -> Result<usize> {
            inputs.iter().position(|i| i.name() == name).ok_or_else(|| {
                let known: Vec<&str> = inputs.iter().map(Input::name).collect();
                Error::invalid(
                    what,
                    name,
                    format!(
                        "is not an uncertain input of the model (its inputs: {})",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                )
            })
        };
        let fixed = settings
            .fixed
            .iter()
            .map(|(name, value)| {
                let i = index(name, "fixed")?;
                Ok((i, inputs[i].check_value(*value)?))
            })
            .collect::<Result<Vec<_>>>()?;
        let copula = match &settings.correlation {
            None => None,
            Some(c) => {
                let columns = c
                    .inputs
                    .iter()
                    .map(|n| index(n, "rank_correlation"))
                    .collect::<Result<Vec<_>>>()?;
                Some((
                    GaussianCopula::new(c.inputs.clone(), c.matrix.view())?,
                    columns,
                ))
            }
        };
        let dims = p.max(1);
        let mode = match &settings.design {
            InputDesign::Draws if copula.is_none() => Mode::Draws,
            InputDesign::Draws => Mode::Design(AnyDesign::new(
                DesignKind::MonteCarlo,
                seed,
                0,
                paths,
                dims,
            )?),
            InputDesign::Design { kind, replicate } => {
                Mode::Design(AnyDesign::new(*kind, seed, *replicate, paths, dims)?)
            }
            InputDesign::Saltelli {
                base,
                kind,
                replicate,
                groups,
                noise,
            } => saltelli(
                inputs, groups, *noise, *base, *kind, *replicate, seed, paths,
            )?,
        };
        Ok(Sampler {
            seed,
            laws: inputs.iter().map(|i| *i.law()).collect(),
            streams: inputs.iter().map(Input::stream).collect(),
            mode,
            copula,
            fixed,
        })
    }

    /// Scratch values [`fill`](Self::fill) needs.
    pub fn scratch_len(&self) -> usize {
        match &self.mode {
            Mode::Saltelli { design, .. } => design.dims(),
            _ => 0,
        }
    }

    /// Writes the inputs of run path `path` into `out` (one per input) and returns
    /// the key of its random streams.
    #[inline]
    pub fn fill(&self, path: u64, out: &mut [f64], scratch: &mut [f64]) -> u64 {
        if out.is_empty() {
            return self.key(path);
        }
        let key = match &self.mode {
            Mode::Draws => {
                let streams = PathStreams::new(self.seed, path);
                for ((o, law), stream) in out.iter_mut().zip(&self.laws).zip(&self.streams) {
                    *o = law.sample(&mut streams.rng(*stream));
                }
                self.apply_fixed(out);
                return path;
            }
            Mode::Design(design) => {
                design.point(path, out);
                path
            }
            Mode::Saltelli {
                plan,
                design,
                noise,
            } => {
                let (block, base) = plan.locate(path).expect("paths = rows, checked at start");
                design.point(base, scratch);
                if let Some((copula, columns)) = &self.copula {
                    let (a, b) = scratch.split_at_mut(out.len());
                    copula.correlate_columns(a, columns);
                    copula.correlate_columns(b, columns);
                }
                let (a, b) = scratch.split_at(out.len());
                let own = |g: usize| Some(g) == *noise;
                match block {
                    Block::A => out.copy_from_slice(a),
                    Block::B => out.copy_from_slice(b),
                    Block::Mixed(g) if own(g) => out.copy_from_slice(a),
                    Block::Mixed(g) => mix_rows(a, b, plan.groups().columns(g), out),
                }
                let second =
                    matches!(block, Block::B) || matches!(block, Block::Mixed(g) if own(g));
                let n = plan.base_points();
                let key = if second { n + base } else { base };
                self.to_values(out);
                self.apply_fixed(out);
                return key;
            }
        };
        if let Some((copula, columns)) = &self.copula {
            copula.correlate_columns(out, columns);
        }
        self.to_values(out);
        self.apply_fixed(out);
        key
    }

    /// The stream key of run path `path` when the model has no inputs.
    fn key(&self, path: u64) -> u64 {
        match &self.mode {
            Mode::Saltelli { plan, noise, .. } => {
                let (block, base) = plan.locate(path).expect("paths = rows, checked at start");
                let second = matches!(block, Block::B)
                    || matches!(block, Block::Mixed(g) if Some(g) == *noise);
                if second {
                    plan.base_points() + base
                } else {
                    base
                }
            }
            _ => path,
        }
    }

    fn to_values(&self, uniforms: &mut [f64]) {
        for (u, law) in uniforms.iter_mut().zip(&self.laws) {
            *u = law.quantile(*u);
        }
    }

    fn apply_fixed(&self, out: &mut [f64]) {
        for &(i, value) in &self.fixed {
            out[i] = value;
        }
    }
}

fn check_unique(inputs: &[Input]) -> Result<()> {
    for (i, input) in inputs.iter().enumerate() {
        if inputs[..i].iter().any(|j| j.name() == input.name()) {
            return Err(Error::invalid(
                "inputs",
                input.name(),
                "input names must be unique",
            ));
        }
    }
    Ok(())
}

/// Saltelli's scheme over `inputs` grouped by name, with the noise group last.
#[allow(clippy::too_many_arguments)]
fn saltelli(
    inputs: &[Input],
    groups: &[(String, Vec<String>)],
    noise: bool,
    base: u64,
    kind: DesignKind,
    replicate: u32,
    seed: u64,
    paths: u64,
) -> Result<Mode> {
    let mut resolved = Vec::with_capacity(groups.len() + 1);
    for (group, names) in groups {
        let columns = names
            .iter()
            .map(|name| {
                inputs.iter().position(|i| i.name() == name).ok_or_else(|| {
                    Error::invalid(
                        format!("groups[{group}]"),
                        name,
                        "is not an uncertain input of the model",
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        resolved.push((group.clone(), columns));
    }
    let mut groups = Groups::new(inputs.len(), resolved)?;
    if noise {
        groups = groups.with_external(NOISE_GROUP)?;
    }
    let plan = SaltelliPlan::new(base, groups)?;
    if plan.rows() != paths {
        return Err(Error::invalid(
            "paths",
            paths,
            format!(
                "Saltelli's scheme of {base} base points and {} groups needs exactly {} paths",
                plan.groups().len(),
                plan.rows()
            ),
        ));
    }
    let design = AnyDesign::new(kind, seed, replicate, base, plan.design_dims().max(1))?;
    let noise = noise.then(|| plan.groups().len() - 1);
    Ok(Mode::Saltelli {
        plan,
        design,
        noise,
    })
}
