//! Saltelli's sampling scheme: the rows `A`, `B` and `AB_g` of a sensitivity study.

use crate::error::{Error, Result};
use ndarray::{ArrayView2, ArrayView3};

/// Named groups of input columns, whose indices are estimated together (a group's
/// first-order index is the closed index of its inputs jointly).
///
/// ```
/// use outpace::stats::sensitivity::Groups;
/// let groups = Groups::new(4, vec![("demand".into(), vec![0, 1]), ("capex".into(), vec![2, 3])])?;
/// assert_eq!(groups.columns(1), &[2, 3]);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    inputs: usize,
    names: Vec<String>,
    columns: Vec<Vec<usize>>,
}

impl Groups {
    /// One group per input, named after it.
    pub fn singletons<S: AsRef<str>>(names: &[S]) -> Result<Self> {
        let groups = names
            .iter()
            .enumerate()
            .map(|(j, name)| (name.as_ref().to_owned(), vec![j]))
            .collect();
        Groups::new(names.len(), groups)
    }

    /// Groups of the columns `0..inputs`: each non-empty, with distinct columns below
    /// `inputs`, and distinct names. Groups may overlap and need not cover every input
    /// (an input in no group is never swapped).
    pub fn new(inputs: usize, groups: Vec<(String, Vec<usize>)>) -> Result<Self> {
        if inputs == 0 {
            return Err(Error::invalid("inputs", 0, "must be > 0"));
        }
        if groups.is_empty() {
            return Err(Error::invalid(
                "groups",
                "none",
                "must hold at least one group",
            ));
        }
        for (g, (name, columns)) in groups.iter().enumerate() {
            let field = format!("groups[{name}]");
            if groups[..g].iter().any(|(other, _)| other == name) {
                return Err(Error::invalid(field, name, "must be named once"));
            }
            if columns.is_empty() {
                return Err(Error::invalid(
                    field,
                    "no columns",
                    "must hold at least one input",
                ));
            }
            for (k, &c) in columns.iter().enumerate() {
                if c >= inputs {
                    return Err(Error::invalid(
                        field,
                        c,
                        format!("columns must be < the number of inputs ({inputs})"),
                    ));
                }
                if columns[..k].contains(&c) {
                    return Err(Error::invalid(field, c, "must list each column once"));
                }
            }
        }
        let (names, columns) = groups.into_iter().unzip();
        Ok(Groups {
            inputs,
            names,
            columns,
        })
    }

    /// The groups with one more, `name`, that holds no input column: its `AB`
    /// block equals `A` in the inputs, and the caller swaps something else for it
    /// (the engine swaps the within-path randomness,
    /// [`InputDesign::Saltelli`](crate::engine::InputDesign::Saltelli)).
    ///
    /// # Errors
    /// If a group is already named `name`.
    pub fn with_external(mut self, name: &str) -> Result<Self> {
        if self.names.iter().any(|n| n == name) {
            return Err(Error::invalid(
                format!("groups[{name}]"),
                name,
                "must be named once",
            ));
        }
        self.names.push(name.to_owned());
        self.columns.push(Vec::new());
        Ok(self)
    }

    /// The number of inputs `p`.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The number of groups `G`.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Always false: a `Groups` holds at least one group.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The group names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The input columns of group `g`.
    ///
    /// # Panics
    /// If `g >= len()`.
    pub fn columns(&self, g: usize) -> &[usize] {
        &self.columns[g]
    }
}

/// A block of Saltelli's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Block {
    /// The matrix `A`.
    A,
    /// The matrix `B`.
    B,
    /// `AB_g`: `A` with the columns of group `g` from `B`.
    Mixed(usize),
}

/// Saltelli's scheme for `N` base points and the given groups: `N (G + 2)` rows in
/// `G + 2` blocks, ordered `A, B, AB_0, ..., AB_{G-1}` (block index `0`, `1`, `2 + g`).
///
/// Row `r` of the study is point `r mod N` of block `r / N` (block-major), so its
/// outputs, an `N (G + 2) x T` matrix, reshape without copying to the
/// `(G + 2) x N x T` array [`sobol_indices`](super::sobol_indices) reads (see
/// [`outputs`](SaltelliPlan::outputs)). Base point `i` is one point of a
/// `2p`-dimensional design: its first `p` coordinates are row `i` of `A`, the last
/// `p` row `i` of `B`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaltelliPlan {
    base_points: u64,
    groups: Groups,
}

impl SaltelliPlan {
    /// The scheme for `base_points >= 2` base points.
    pub fn new(base_points: u64, groups: Groups) -> Result<Self> {
        if base_points < 2 {
            return Err(Error::invalid("base_points", base_points, "must be >= 2"));
        }
        Ok(SaltelliPlan {
            base_points,
            groups,
        })
    }

    /// `N`.
    pub fn base_points(&self) -> u64 {
        self.base_points
    }

    /// The groups.
    pub fn groups(&self) -> &Groups {
        &self.groups
    }

    /// The number of blocks, `G + 2`.
    pub fn blocks(&self) -> usize {
        self.groups.len() + 2
    }

    /// The blocks in order: `A`, `B`, then `AB_g` for each group.
    pub fn block_list(&self) -> impl Iterator<Item = Block> + '_ {
        [Block::A, Block::B]
            .into_iter()
            .chain((0..self.groups.len()).map(Block::Mixed))
    }

    /// The number of rows (paths), `N (G + 2)`.
    pub fn rows(&self) -> u64 {
        self.base_points * self.blocks() as u64
    }

    /// The dimension of the base design, `2p`.
    pub fn design_dims(&self) -> usize {
        2 * self.groups.inputs()
    }

    /// The block and base point of study row `row` (`row < rows()`, else an error).
    pub fn locate(&self, row: u64) -> Result<(Block, u64)> {
        if row >= self.rows() {
            return Err(Error::invalid(
                "row",
                row,
                format!("must be < the study's rows ({})", self.rows()),
            ));
        }
        let (block, point) = (row / self.base_points, row % self.base_points);
        let block = match block {
            0 => Block::A,
            1 => Block::B,
            b => Block::Mixed(b as usize - 2),
        };
        Ok((block, point))
    }

    /// Writes the inputs (uniforms) of `block` for a base point `base` (its `2p`
    /// coordinates) into `inputs` (length `p`).
    pub fn fill(&self, block: Block, base: &[f64], inputs: &mut [f64]) -> Result<()> {
        let p = self.groups.inputs();
        if base.len() != 2 * p {
            return Err(Error::invalid(
                "base",
                format!("a row of length {}", base.len()),
                format!("must have the base design's dimension 2p = {}", 2 * p),
            ));
        }
        if inputs.len() != p {
            return Err(Error::invalid(
                "inputs",
                format!("a row of length {}", inputs.len()),
                format!("must have one entry per input ({p})"),
            ));
        }
        let (a, b) = base.split_at(p);
        match block {
            Block::A => inputs.copy_from_slice(a),
            Block::B => inputs.copy_from_slice(b),
            Block::Mixed(g) => {
                if g >= self.groups.len() {
                    return Err(Error::invalid(
                        "block",
                        format!("AB_{g}"),
                        format!("must name one of the {} groups", self.groups.len()),
                    ));
                }
                mix_rows(a, b, self.groups.columns(g), inputs);
            }
        }
        Ok(())
    }

    /// The study's `N (G + 2) x T` output matrix (block-major rows, standard layout)
    /// seen as the `(G + 2) x N x T` array of [`sobol_indices`](super::sobol_indices).
    pub fn outputs<'a>(&self, outputs: ArrayView2<'a, f64>) -> Result<ArrayView3<'a, f64>> {
        let (rows, t) = outputs.dim();
        if rows as u64 != self.rows() {
            return Err(Error::invalid(
                "outputs",
                format!("{rows} rows"),
                format!("must have one row per study row ({})", self.rows()),
            ));
        }
        outputs
            .into_shape_with_order((self.blocks(), self.base_points as usize, t))
            .map_err(|e| {
                Error::invalid(
                    "outputs",
                    "the matrix",
                    format!("must be in standard (row-major) layout: {e}"),
                )
            })
    }
}

/// The row `AB`: `a` with the entries `columns` taken from `b`, written to `out`.
///
/// ```
/// let mut out = [0.0; 3];
/// outpace::stats::sensitivity::mix_rows(&[1.0, 2.0, 3.0], &[7.0, 8.0, 9.0], &[0, 2], &mut out);
/// assert_eq!(out, [7.0, 2.0, 9.0]);
/// ```
///
/// # Panics
/// If the slices differ in length or a column is out of range.
pub fn mix_rows(a: &[f64], b: &[f64], columns: &[usize], out: &mut [f64]) {
    assert!(a.len() == b.len() && a.len() == out.len(), "row lengths");
    out.copy_from_slice(a);
    for &c in columns {
        out[c] = b[c];
    }
}
