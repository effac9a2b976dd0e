//! Cutting a run into shards: contiguous ranges of path indices on block
//! boundaries, for runs spread over processes or machines.

use super::BLOCK_PATHS;
use crate::error::{Error, Result};
use std::ops::Range;

/// Shard `index` of `count` (0-based): the `index`-th of `count` contiguous ranges
/// of path indices that together cover a run, each a whole number of blocks of
/// [`BLOCK_PATHS`] paths (the last may end with the run's last, partial block).
///
/// The run's `B = ceil(paths / BLOCK_PATHS)` blocks are cut as evenly as whole
/// blocks allow: shard `i` gets blocks `floor(i B / count) .. floor((i + 1) B /
/// count)`, so shards differ by at most one block and a shard is empty only when
/// there are more shards than blocks. Run each range with
/// [`Simulation::path_range`](super::Simulation::path_range) and combine the
/// outcomes with [`Outcome::merge`](super::Outcome::merge).
///
/// ```
/// use outpace::engine::Shard;
/// let ranges: Vec<_> = (0..3).map(|i| Shard::new(i, 3).unwrap().range(1_000)).collect();
/// assert_eq!(ranges, [0..256, 256..512, 512..1_000]);
/// assert!(Shard::new(3, 3).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    /// Shard `index` of `count`: `count >= 1` and `index < count`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `shard.count` or `shard.index`.
    pub fn new(index: usize, count: usize) -> Result<Shard> {
        if count == 0 {
            return Err(Error::invalid("shard.count", 0, "must be at least 1"));
        }
        if index >= count {
            return Err(Error::invalid(
                "shard.index",
                index,
                format!("must be below the number of shards ({count}): shards are numbered from 0"),
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard's number, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The number of shards.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The path indices of this shard in a run of `paths` paths.
    pub fn range(&self, paths: usize) -> Range<usize> {
        let blocks = paths.div_ceil(BLOCK_PATHS) as u128;
        let cut = |i: usize| {
            let block = (i as u128 * blocks / self.count as u128) as usize;
            (block * BLOCK_PATHS).min(paths)
        };
        cut(self.index)..cut(self.index + 1)
    }
}

impl std::fmt::Display for Shard {
    /// `index/count`, as the command line writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_run_on_block_boundaries() {
        for paths in [1, 255, 256, 257, 1_000, 10 * BLOCK_PATHS, 12_345] {
            for count in 1..=12 {
                let ranges: Vec<_> = (0..count)
                    .map(|i| Shard::new(i, count).unwrap().range(paths))
                    .collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges[count - 1].end, paths);
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start, "{paths} paths, {count} shards");
                }
                let blocks: Vec<usize> = ranges
                    .iter()
                    .map(|r| r.len().div_ceil(BLOCK_PATHS))
                    .collect();
                let (lo, hi) = (blocks.iter().min(), blocks.iter().max());
                assert!(hi.unwrap() - lo.unwrap() <= 1, "{blocks:?}");
                for r in &ranges {
                    assert!(r.start.is_multiple_of(BLOCK_PATHS));
                    assert!(r.end.is_multiple_of(BLOCK_PATHS) || r.end == paths);
                }
            }
        }
    }

    #[test]
    fn bad_shards_are_refused_by_name() {
        let message = Shard::new(0, 0).unwrap_err().to_string();
        assert!(message.contains("shard.count"), "{message}");
        let message = Shard::new(4, 4).unwrap_err().to_string();
        assert!(message.contains("shard.index"), "{message}");
        assert_eq!(Shard::new(2, 5).unwrap().to_string(), "2/5");
    }
}
