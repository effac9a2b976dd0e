//! Shards of a run and their exact merge (issue 17): any cut of a run into shards
//! on block boundaries, merged in any grouping and order, gives the outcome of the
//! whole run bit for bit (moments, sketches and so quantiles, passage times, kept
//! scalars, recorded paths and inputs), under every input design; mismatched parts
//! are refused by name; a state read back merges like the outcome it came from.
//!
//! Outcomes are compared through their serialised state (`to_state`, JSON): every
//! `f64` written with its shortest round-trip form and the exact sums in canonical
//! form, so equal bytes mean equal bits of every accumulator.

use outpace::Error;
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{
    BLOCK_PATHS, Barrier, FirstPassage, InputDesign, Model, Outcome, OutcomeState, Selection,
    Shard, Simulation,
};
use outpace::inputs::design::DesignKind;
use proptest::prelude::*;
use std::sync::OnceLock;

/// Five whole blocks and a partial one.
const PATHS: usize = 5 * BLOCK_PATHS + 77;
const STEPS: usize = 12;
const SEED: u64 = 17;

fn model() -> CloudModel {
    CloudModel::new(Scenario::alibaba()).unwrap()
}

/// A run that exercises every output: sketches of every series, passage rules,
/// kept scalars, recorded paths of two series, recorded inputs.
fn simulation(design: InputDesign, paths: usize) -> Simulation<CloudModel> {
    Simulation::new(model())
        .paths(paths)
        .steps(STEPS)
        .dt(0.25)
        .seed(SEED)
        .design(design)
        .quantiles(true)
        .record_paths_for(Selection::only(&["revenue", "spending"]))
        .record_inputs(true)
        .first_passage(
            "revenue_above_spending",
            FirstPassage::above("revenue", Barrier::Series("spending".into())),
        )
        .first_passage(
            "payback",
            FirstPassage::above("cumulative_fcf", Barrier::Level(0.0)).starting_at(1),
        )
}

/// The bytes of an outcome's state: equal bytes, equal bits.
fn bytes(outcome: &Outcome) -> String {
    serde_json::to_string(&outcome.to_state()).unwrap()
}

fn whole() -> &'static (Outcome, String) {
    static WHOLE: OnceLock<(Outcome, String)> = OnceLock::new();
    WHOLE.get_or_init(|| {
        let outcome = simulation(InputDesign::Draws, PATHS).run().unwrap();
        let bytes = bytes(&outcome);
        (outcome, bytes)
    })
}

/// One outcome per block of the run, simulated as shards of one block.
fn blocks() -> &'static Vec<Outcome> {
    static BLOCKS: OnceLock<Vec<Outcome>> = OnceLock::new();
    BLOCKS.get_or_init(|| {
        let count = PATHS.div_ceil(BLOCK_PATHS);
        (0..count)
            .map(|b| {
                let range = b * BLOCK_PATHS..((b + 1) * BLOCK_PATHS).min(PATHS);
                simulation(InputDesign::Draws, PATHS)
                    .path_range(range)
                    .run()
                    .unwrap()
            })
            .collect()
    })
}

fn sharded(design: InputDesign, paths: usize, count: usize) -> Vec<Outcome> {
    (0..count)
        .map(|i| {
            let range = Shard::new(i, count).unwrap().range(paths);
            simulation(design.clone(), paths)
                .path_range(range)
                .threads(1 + i % 2)
                .run()
                .unwrap()
        })
        .collect()
}

#[test]
fn shards_of_every_count_merge_to_the_whole_run() {
    let (whole, expected) = whole();
    // 7 and 8 shards leave some empty: more shards than the 6 blocks.
    for count in [1, 2, 3, 4, 6, 7, 8] {
        let mut parts = sharded(InputDesign::Draws, PATHS, count);
        parts.reverse();
        let merged = Outcome::merge(&parts).unwrap();
        assert!(merged.is_complete());
        assert_eq!(&bytes(&merged), expected, "{count} shards");
        let (a, b) = (
            merged.series("revenue").unwrap(),
            whole.series("revenue").unwrap(),
        );
        for k in [0, STEPS / 2, STEPS] {
            for q in [0.01, 0.5, 0.99] {
                assert_eq!(
                    a.quantile(k, q).unwrap().to_bits(),
                    b.quantile(k, q).unwrap().to_bits()
                );
            }
        }
    }
}

/// Merges `parts` (in path order) along a random binary tree: each draw of
/// `splits` picks where a group is cut in two and whether its halves are passed
/// to the merge swapped. (Only groups of adjacent shards merge: the union of two
/// shards with a gap between them is refused, see below.)
fn tree_merge(parts: &[Outcome], splits: &mut impl Iterator<Item = usize>) -> Outcome {
    if parts.len() == 1 {
        return parts[0].clone();
    }
    let draw = splits.next().unwrap_or(0);
    let cut = 1 + (draw / 2) % (parts.len() - 1);
    let (left, right) = parts.split_at(cut);
    let mut halves = [tree_merge(left, splits), tree_merge(right, splits)];
    if draw % 2 == 1 {
        halves.swap(0, 1);
    }
    Outcome::merge(&halves).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any cut of the run's blocks into shards, each merged from its blocks in
    /// any order, the shards merged all at once in any order or along any tree,
    /// gives the whole run's bits.
    #[test]
    fn any_grouping_and_order_gives_the_same_bits(
        cuts in prop::collection::vec(any::<bool>(), 5),
        order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        splits in prop::collection::vec(any::<usize>(), 16),
    ) {
        let blocks = blocks();
        let mut groups = vec![vec![0]];
        for (b, &cut) in cuts.iter().enumerate() {
            if cut {
                groups.push(Vec::new());
            }
            groups.last_mut().unwrap().push(b + 1);
        }
        // Each shard from its blocks, taken in the shuffled order.
        let shards: Vec<Outcome> = groups
            .iter()
            .map(|g| {
                let shuffled: Vec<Outcome> =
                    order.iter().filter(|i| g.contains(i)).map(|&i| blocks[i].clone()).collect();
                Outcome::merge(&shuffled).unwrap()
            })
            .collect();
        let at_once: Vec<Outcome> = order
            .iter()
            .filter(|&&i| i < shards.len())
            .map(|&i| shards[i].clone())
            .collect();
        prop_assert_eq!(&bytes(&Outcome::merge(&at_once).unwrap()), &whole().1);
        let merged = tree_merge(&shards, &mut splits.into_iter());
        prop_assert_eq!(&bytes(&merged), &whole().1);
    }
}

#[test]
fn every_input_design_shards_exactly() {
    let inputs: Vec<String> = model()
        .inputs()
        .iter()
        .map(|i| i.name().to_owned())
        .collect();
    let base = 40;
    // One group per input, and the within-path randomness: N (G + 2) paths.
    let groups: Vec<(String, Vec<String>)> = inputs
        .iter()
        .map(|n| (n.clone(), vec![n.clone()]))
        .collect();
    let saltelli = InputDesign::Saltelli {
        base,
        kind: DesignKind::Sobol,
        replicate: 0,
        groups,
        noise: true,
    };
    let saltelli_paths = base as usize * (inputs.len() + 3);
    let designs = [
        (
            InputDesign::Design {
                kind: DesignKind::LatinHypercube,
                replicate: 1,
            },
            1_000,
        ),
        (
            InputDesign::Design {
                kind: DesignKind::Sobol,
                replicate: 0,
            },
            1_000,
        ),
        (saltelli, saltelli_paths),
    ];
    for (design, paths) in designs {
        let expected = bytes(&simulation(design.clone(), paths).run().unwrap());
        for count in [2, 3] {
            let merged = Outcome::merge(&sharded(design.clone(), paths, count)).unwrap();
            assert_eq!(bytes(&merged), expected, "{design:?} in {count} shards");
        }
    }
}

#[test]
fn a_state_read_back_merges_like_its_outcome() {
    let parts = sharded(InputDesign::Draws, PATHS, 3);
    let read: Vec<Outcome> = parts
        .iter()
        .map(|p| {
            let json = serde_json::to_string(&p.to_state()).unwrap();
            let state: OutcomeState = serde_json::from_str(&json).unwrap();
            Outcome::from_state(state).unwrap()
        })
        .collect();
    for (a, b) in parts.iter().zip(&read) {
        assert_eq!(bytes(a), bytes(b));
    }
    assert_eq!(bytes(&Outcome::merge(&read).unwrap()), whole().1);
}

fn invalid_name(error: Error) -> String {
    match error {
        Error::InvalidParameter { name, .. } => name,
        other => panic!("expected an invalid parameter, got {other}"),
    }
}

#[test]
fn parts_of_other_runs_gaps_and_overlaps_are_refused_by_name() {
    let parts = sharded(InputDesign::Draws, PATHS, 3);
    let merge = |p: &[Outcome]| invalid_name(Outcome::merge(p).unwrap_err());
    assert_eq!(merge(&[]), "parts");
    assert_eq!(
        merge(&[parts[0].clone(), parts[2].clone()]),
        "parts[1].path_range"
    );
    assert_eq!(
        merge(&[parts[0].clone(), parts[1].clone(), parts[1].clone()]),
        "parts[2].path_range"
    );
    let range = Shard::new(1, 3).unwrap().range(PATHS);
    let run = |s: Simulation<CloudModel>| s.path_range(range.clone()).run().unwrap();
    let other_seed = run(simulation(InputDesign::Draws, PATHS).seed(SEED + 1));
    assert_eq!(merge(&[parts[0].clone(), other_seed]), "parts[1].seed");
    let other_paths = run(simulation(InputDesign::Draws, PATHS + 1));
    assert_eq!(
        merge(&[parts[0].clone(), other_paths]),
        "parts[1].run_paths"
    );
    let other_steps = run(simulation(InputDesign::Draws, PATHS).steps(STEPS + 1));
    assert_eq!(merge(&[parts[0].clone(), other_steps]), "parts[1].steps");
    let scenario = Scenario::preset("price_war").unwrap();
    let other_model = Simulation::new(CloudModel::new(scenario).unwrap());
    let other_model = run(other_model
        .paths(PATHS)
        .steps(STEPS)
        .dt(0.25)
        .seed(SEED)
        .quantiles(true)
        .record_paths_for(Selection::only(&["revenue", "spending"]))
        .record_inputs(true)
        .first_passage(
            "revenue_above_spending",
            FirstPassage::above("revenue", Barrier::Series("spending".into())),
        )
        .first_passage(
            "payback",
            FirstPassage::above("cumulative_fcf", Barrier::Level(0.0)).starting_at(1),
        ));
    assert_eq!(
        merge(&[parts[0].clone(), other_model]),
        "parts[1].moments.shift"
    );
    let fewer_rules = run(simulation(InputDesign::Draws, PATHS).quantiles(false));
    assert_eq!(merge(&[parts[0].clone(), fewer_rules]), "parts[1].series");
}

#[test]
fn a_range_off_the_block_boundaries_is_refused() {
    for range in [1..256, 0..300, 256..PATHS + 1] {
        let error = simulation(InputDesign::Draws, PATHS)
            .path_range(range)
            .run()
            .unwrap_err();
        assert_eq!(invalid_name(error), "path_range");
    }
}

#[test]
fn a_tampered_state_is_refused_by_field() {
    let state = serde_json::to_value(sharded(InputDesign::Draws, PATHS, 2)[1].to_state()).unwrap();
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = state.clone();
        edit(&mut v);
        match serde_json::from_value::<OutcomeState>(v) {
            Ok(s) => invalid_name(Outcome::from_state(s).unwrap_err()),
            Err(e) => format!("serde: {e}"),
        }
    };
    assert_eq!(refused(&|v| v["version"] = 99.into()), "version");
    assert_eq!(refused(&|v| v["format"] = "x".into()), "format");
    assert_eq!(
        refused(&|v| v["path_range"][1] = (PATHS + 1).into()),
        "path_range"
    );
    assert_eq!(
        refused(&|v| v["series"][0]["moments"][3]["count"] = 1.into()),
        "series[0].moments[3].count"
    );
    assert_eq!(
        refused(&|v| v["series"][0]["moments"][3]["sum"]["limbs"][0] = (-1).into()),
        "series[0].moments[3].sum"
    );
    assert_eq!(
        refused(&|v| v["passages"][0]["times"]
            .as_array_mut()
            .unwrap()
            .truncate(3)),
        "passages[0].times"
    );
    assert_eq!(
        refused(&|v| v["scalars"][0]["values"]
            .as_array_mut()
            .unwrap()
            .pop()
            .map(drop)
            .unwrap()),
        "scalars[0].values"
    );
    assert!(refused(&|v| v["extra"] = 1.into()).starts_with("serde: unknown field"));
}
