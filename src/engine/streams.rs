//! Random streams addressed by key: `(seed, path, component)`.

use crate::error::{Error, Result};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// The generator behind every stream: Xoshiro256++.
pub type PathRng = Xoshiro256PlusPlus;

/// A stable identifier for one source of randomness in a model.
///
/// Pick ids once and never renumber them: the id, not the order of use, decides
/// which random numbers a component receives.
///
/// **Key space.** A component is one 64-bit key, split in two halves so that no two
/// components ever share a key:
/// * a plain component [`Component::new`]`(id)` has `id < 2^63` (bit 63 clear):
///   [`MAX_ID`](Component::MAX_ID);
/// * a sub-component [`sub`](Component::sub)`(index)` of a plain parent with id
///   `p < 2^31` ([`MAX_PARENT`](Component::MAX_PARENT)) is
///   `2^63 | p << 32 | index` (bit 63 set), for any `index: u32`.
///
/// Every 64-bit key has exactly one reading, so two different components (plain or
/// sub, any parents and indices within those bounds) never collide. Anything
/// else (an id with bit 63 set, a parent at or above `2^31`, a sub-component of
/// a sub-component) has no key of its own: [`try_new`](Component::try_new) and
/// [`try_sub`](Component::try_sub) return an error for it, and
/// [`new`](Component::new) and [`sub`](Component::sub) panic, which in a `const`
/// item (the usual way of naming components) is a compile-time error.
///
/// ```
/// use outpace::engine::Component;
/// const DEMAND: Component = Component::new(1);
/// const PRICE_WAR: Component = Component::new(2);
/// assert_ne!(DEMAND, PRICE_WAR);
/// assert_ne!(DEMAND.sub(0), PRICE_WAR.sub(0));
/// assert!(Component::new(1 << 31).try_sub(0).is_err()); // parent too large
/// assert!(DEMAND.sub(0).try_sub(0).is_err()); // no sub-components of sub-components
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Component(u64);

/// Bit 63: set in sub-components, clear in plain components.
const SUB_BIT: u64 = 1 << 63;

impl Component {
    /// The largest id of a plain component, `2^63 - 1`.
    pub const MAX_ID: u64 = SUB_BIT - 1;

    /// The largest id of a component that can have sub-components, `2^31 - 1`.
    pub const MAX_PARENT: u64 = (1 << 31) - 1;

    /// A component with the given id.
    ///
    /// # Panics
    /// If `id` exceeds [`MAX_ID`](Component::MAX_ID) (a compile-time error in a
    /// `const` item); [`try_new`](Component::try_new) returns an error instead.
    pub const fn new(id: u64) -> Self {
        assert!(
            id <= Self::MAX_ID,
            "Component::new: ids must be < 2^63 (bit 63 marks sub-components)"
        );
        Component(id)
    }

    /// A component with the given id, or an error naming `id` if it exceeds
    /// [`MAX_ID`](Component::MAX_ID).
    pub fn try_new(id: u64) -> Result<Self> {
        if id <= Self::MAX_ID {
            Ok(Component(id))
        } else {
            Err(Error::invalid(
                "component",
                id,
                format!("must be <= {} (bit 63 marks sub-components)", Self::MAX_ID),
            ))
        }
    }

    /// The numeric id (the whole key, for a sub-component).
    pub const fn id(self) -> u64 {
        self.0
    }

    /// Whether this is a sub-component (made by [`sub`](Component::sub)).
    pub const fn is_sub(self) -> bool {
        self.0 & SUB_BIT != 0
    }

    /// The `index`-th sub-component, for families of like sources (one stream per
    /// rival, per region, ...): key `2^63 | id << 32 | index`. Sub-components of
    /// different parents, of one parent at different indices, and plain components
    /// never collide (see the key space above).
    ///
    /// # Panics
    /// If `self` is a sub-component or its id exceeds
    /// [`MAX_PARENT`](Component::MAX_PARENT) (a compile-time error in a `const`
    /// item); [`try_sub`](Component::try_sub) returns an error instead.
    pub const fn sub(self, index: u32) -> Self {
        assert!(
            self.0 <= Self::MAX_PARENT,
            "Component::sub: the parent must be a plain component with id < 2^31"
        );
        Component(SUB_BIT | self.0 << 32 | index as u64)
    }

    /// The `index`-th sub-component (see [`sub`](Component::sub)), or an error
    /// naming the parent if it is a sub-component or its id exceeds
    /// [`MAX_PARENT`](Component::MAX_PARENT).
    pub fn try_sub(self, index: u32) -> Result<Self> {
        if self.0 <= Self::MAX_PARENT {
            Ok(self.sub(index))
        } else {
            Err(Error::invalid(
                "component",
                self.0,
                format!(
                    "a parent of sub-components must be a plain component with id <= {}",
                    Self::MAX_PARENT
                ),
            ))
        }
    }
}

impl From<Component> for u64 {
    fn from(component: Component) -> u64 {
        component.0
    }
}

/// The streams of one path: hands out one generator per [`Component`].
///
/// Every source of randomness in a model (demand shocks, price-war events, chip-policy
/// shocks, ...) is a [`Component`] with a stable numeric id. The random numbers a path
/// sees in one component come from a generator whose state is a fixed function of
/// `(seed, path index, component id)` only. Hence:
///
/// * results do not depend on how paths are split between threads or chunks;
/// * adding a component to a model leaves the draws of the existing ones unchanged;
/// * two scenarios run with the same seed see the same shocks path by path
///   (common random numbers), as long as they use the same component ids.
///
/// The generator is Xoshiro256++ ([`rand_xoshiro::Xoshiro256PlusPlus`]), a named,
/// portable algorithm whose output is fixed by its specification. The state
/// derivation below is part of outpace's value-stability contract and is pinned by
/// golden-value tests:
///
/// ```text
/// mix(z)  = SplitMix64 finaliser:
///           z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
///           z = (z ^ (z >> 27)) * 0x94d049bb133111eb
///           z ^ (z >> 31)                                  (wrapping arithmetic)
/// k1 = mix(seed ^ 0x6f75747061636521)        ("outpace!" in ASCII)
/// k2 = mix(k1 ^ path)
/// k3 = mix(k2 ^ component)
/// k4 = mix(k3 + 0x9e3779b97f4a7c15)
/// state = [k1, k2, k3, k4]  (little-endian words of the Xoshiro256++ seed)
/// ```
///
/// `mix` is a bijection, so `(k1, k2, k3)` determine `(seed, path, component)`: two
/// different keys never share a generator state.
///
/// The streams also carry the path's values of the model's uncertain inputs
/// ([`Model::inputs`](super::Model::inputs)), which the engine draws from its
/// design before the path starts: a model reads input `i` with
/// [`input`](PathStreams::input).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathStreams<'a> {
    seed: u64,
    path: u64,
    inputs: &'a [f64],
}

impl PathStreams<'static> {
    /// The streams of path `path` under run seed `seed`, without input values.
    pub const fn new(seed: u64, path: u64) -> Self {
        PathStreams {
            seed,
            path,
            inputs: &[],
        }
    }
}

impl<'a> PathStreams<'a> {
    /// The streams of path key `path` under run seed `seed`, with the path's input
    /// values.
    pub const fn with_inputs(seed: u64, path: u64, inputs: &'a [f64]) -> Self {
        PathStreams { seed, path, inputs }
    }

    /// The path's key: its index in the run, unless a design gives it another
    /// (Saltelli's scheme keys the within-path randomness of its matrices).
    pub const fn path(&self) -> u64 {
        self.path
    }

    /// The value of uncertain input `i` on this path, `None` when the streams
    /// carry no value for it (built with [`new`](PathStreams::new), as outside a
    /// simulation).
    #[inline]
    pub fn input(&self, i: usize) -> Option<f64> {
        self.inputs.get(i).copied()
    }

    /// Every input value of the path, in the model's order.
    pub fn inputs(&self) -> &'a [f64] {
        self.inputs
    }

    /// The run seed.
    pub const fn seed(&self) -> u64 {
        self.seed
    }

    /// A fresh generator for `component` on this path, always in the same state for
    /// the same `(seed, path, component)`.
    pub fn rng(&self, component: Component) -> PathRng {
        PathRng::from_seed(stream_state(self.seed, self.path, component.0))
    }
}

/// "outpace!" read as a big-endian ASCII word.
const SEED_DOMAIN: u64 = 0x6f75_7470_6163_6521;
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function: a bijective 64-bit mixer.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The 32-byte Xoshiro256++ seed of stream `(seed, path, component)`.
fn stream_state(seed: u64, path: u64, component: u64) -> [u8; 32] {
    let k1 = mix(seed ^ SEED_DOMAIN);
    let k2 = mix(k1 ^ path);
    let k3 = mix(k2 ^ component);
    let k4 = mix(k3.wrapping_add(GOLDEN_GAMMA));
    let mut bytes = [0u8; 32];
    for (chunk, word) in bytes.chunks_exact_mut(8).zip([k1, k2, k3, k4]) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn seed_domain_spells_outpace() {
        assert_eq!(&SEED_DOMAIN.to_be_bytes(), b"outpace!");
    }

    #[test]
    fn same_key_same_stream_different_key_different_stream() {
        let a = PathStreams::new(7, 3);
        let c = Component::new(1);
        assert_eq!(a.rng(c).next_u64(), a.rng(c).next_u64());
        assert_ne!(a.rng(c).next_u64(), a.rng(Component::new(2)).next_u64());
        assert_ne!(
            a.rng(c).next_u64(),
            PathStreams::new(7, 4).rng(c).next_u64()
        );
        assert_ne!(
            a.rng(c).next_u64(),
            PathStreams::new(8, 3).rng(c).next_u64()
        );
    }

    #[test]
    fn sub_components_are_distinct() {
        let base = Component::new(5);
        assert_ne!(base.sub(0), base.sub(1));
        assert_ne!(base.sub(0), Component::new(6).sub(0));
        assert_ne!(base.sub(0), base);
    }

    /// The keys the cloud model uses (drivers `1.sub(0..4)`, parameters
    /// `7.sub(id)`) keep their bits: they decide every draw of the golden outputs.
    #[test]
    fn existing_keys_keep_their_bits() {
        for i in 0..4 {
            let key = Component::new(1).sub(i).id();
            assert_eq!(key, 0x8000_0001_0000_0000 | u64::from(i));
        }
        assert_eq!(Component::new(7).sub(90).id(), 0x8000_0007_0000_005a);
        assert_eq!(Component::new(7).sub(0).id(), 0x8000_0007_0000_0000);
    }

    /// Before the bound, parents `p` and `p + 2^31` made the same keys (bit 31 of
    /// the parent landed on the marker bit 63): the wider parent is now refused,
    /// and every admissible key reads back as one (parent, index) or one plain id.
    #[test]
    fn parents_beyond_the_bound_are_refused_not_aliased() {
        let p = 3;
        let wide = Component::new(p + (1 << 31));
        assert!(wide.try_sub(0).is_err());
        assert!(std::panic::catch_unwind(|| wide.sub(0)).is_err());
        let message = wide.try_sub(0).unwrap_err().to_string();
        assert!(
            message.contains("`component`") && message.contains("2147483647"),
            "{message}"
        );
        assert!(Component::new(p).sub(0).try_sub(1).is_err());
        assert!(Component::try_new(1 << 63).is_err());
        assert!(std::panic::catch_unwind(|| Component::new(u64::MAX)).is_err());
        assert_eq!(
            Component::try_new(Component::MAX_ID),
            Ok(Component::new(Component::MAX_ID))
        );

        // Parents on both sides of the bound: every sub-component that is made must
        // have a key of its own (with a bound of 2^32, `p + 2^31` would alias `p`).
        let parents = [0, 1, 2, p, 7, (1 << 30) + 5, Component::MAX_PARENT];
        let beyond = [p + (1 << 31), Component::MAX_PARENT + 1, u32::MAX.into()];
        let indices = [0, 1, 90, 1 << 31, u32::MAX];
        let mut keys = std::collections::HashSet::new();
        for &parent in parents.iter().chain(&beyond) {
            let plain = Component::new(parent);
            assert!(!plain.is_sub());
            assert!(keys.insert(plain.id()));
            for &index in &indices {
                let Ok(sub) = plain.try_sub(index) else {
                    assert!(beyond.contains(&parent), "{parent} refused");
                    continue;
                };
                assert!(sub.is_sub());
                assert_eq!((sub.id() & !SUB_BIT) >> 32, parent);
                assert_eq!(sub.id() as u32, index);
                assert!(
                    keys.insert(sub.id()),
                    "parent {parent}, index {index}: key taken"
                );
            }
        }
        assert!(keys.insert(Component::MAX_ID));
    }

    #[test]
    fn serde_keeps_the_key() {
        let sub = Component::new(7).sub(3);
        let json = serde_json::to_string(&sub).unwrap();
        assert_eq!(json, sub.id().to_string());
        assert_eq!(serde_json::from_str::<Component>(&json).unwrap(), sub);
        assert_eq!(u64::from(Component::new(12)), 12);
    }
}
