//! The bench workloads timed so that a noisy machine disturbs their ratios least:
//! every round runs each workload at 1 and then at 2 threads, back to back, and the
//! best time over the rounds is kept for each. Prints each time, its ratio to the
//! floor at the same thread count, and the speed-up from 1 to 2 threads.
//!
//! Workloads: the floor on plain threads with static halves (what the machine
//! allows, without rayon), the floor, the hand-written loop, W through outpace, W
//! observing the level, the fan chart of W (see `benches/support/workloads.rs`),
//! and the Alibaba study of `benches/cloud.rs` (whose ratio is to the floor of W,
//! not of its own path-steps).
//!
//! ```sh
//! cargo run --release --example throughput                    # 5 rounds
//! cargo run --release --example throughput -- 9               # 9 rounds
//! cargo run --release --example throughput -- 9 outpace_fan   # the floor and the fan chart
//! cargo run --release --example throughput -- 40 scale=0.1     # 40 rounds of a tenth of the paths
//! ```
//!
//! On a shared machine a disturbance lasts seconds; with many short rounds
//! (`scale=0.1`: 100,000 paths of W, 10,000 of the cloud study) each workload's best
//! time is more likely to come from an undisturbed stretch.

#[path = "../benches/support/workloads.rs"]
mod workloads;

use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::Scenario;
use std::hint::black_box;
use std::time::Instant;

const WORKLOADS: usize = 7;
/// Index of the rayon floor in the table.
const FLOOR: usize = 1;

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("a number of rounds"));
    // Workloads named after the number of rounds; the floor always runs, as the
    // reference of the ratios.
    let (scales, chosen): (Vec<String>, Vec<String>) = args.partition(|a| a.starts_with("scale="));
    let scale: f64 = scales.last().map_or(1.0, |s| {
        s["scale=".len()..].parse().expect("scale=<factor>")
    });
    let paths = (1_000_000.0 * scale) as usize;
    let cloud_paths = (100_000.0 * scale) as usize;
    let runs =
        |name: &str| name == "floor" || chosen.is_empty() || chosen.iter().any(|c| c == name);
    let scenario = Scenario::alibaba();
    let cloud = |threads| {
        let options = StudyOptions {
            paths: cloud_paths,
            threads: Some(threads),
            ..StudyOptions::default()
        };
        black_box(Study::run(&scenario, &options).unwrap().breakevens().len());
    };
    let workloads: [(&str, &(dyn Fn(usize) + Sync)); WORKLOADS] = [
        ("floor_static", &|threads| {
            black_box(workloads::floor_static(paths, threads));
        }),
        ("floor", &|_| {
            black_box(workloads::floor(paths));
        }),
        ("hand", &|_| {
            black_box(workloads::hand(paths));
        }),
        ("outpace", &|_| {
            black_box(workloads::outpace_w(paths));
        }),
        ("outpace_level", &|_| {
            black_box(workloads::outpace_level(paths));
        }),
        ("outpace_fan", &|_| {
            black_box(workloads::outpace_fan(paths));
        }),
        ("cloud_study", &cloud),
    ];
    let pools = [1, 2].map(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a thread pool")
    });
    // times[w][t][r]: workload w at t + 1 threads in round r.
    let mut times = vec![[Vec::with_capacity(rounds), Vec::with_capacity(rounds)]; WORKLOADS];
    for _ in 0..rounds {
        for (w, (name, run)) in workloads.iter().enumerate() {
            if !runs(name) {
                continue;
            }
            for (t, pool) in pools.iter().enumerate() {
                let start = Instant::now();
                pool.install(|| run(t + 1));
                times[w][t].push(start.elapsed().as_secs_f64());
            }
        }
    }
    println!(
        "{rounds} rounds        best: 1 thread 2 threads  / floor (1t, 2t) speed-up \
         | paired medians: / floor (1t, 2t)  speed-up (quartiles)"
    );
    let floor = &times[FLOOR];
    for ((name, _), [one, two]) in workloads.iter().zip(&times) {
        if !runs(name) {
            continue;
        }
        let (best_one, best_two) = (min(one), min(two));
        let speed_up = Summary::of(one.iter().zip(two).map(|(a, b)| a / b));
        println!(
            "{name:<14} {:>10.1} ms {:>6.1} ms {:>8.2} {:>6.2} {:>7.2}x \
             | {:>16.2} {:>6.2} {:>9.2}x ({:.2}-{:.2})",
            best_one * 1e3,
            best_two * 1e3,
            best_one / min(&floor[0]),
            best_two / min(&floor[1]),
            best_one / best_two,
            paired_ratio(one, &floor[0]),
            paired_ratio(two, &floor[1]),
            speed_up.median,
            speed_up.lower_quartile,
            speed_up.upper_quartile,
        );
    }
}

/// The shortest of `times`.
fn min(times: &[f64]) -> f64 {
    times.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Median over rounds of `times[r] / reference[r]`: each round's time against the
/// reference's time in the same round, so that a slow stretch of the machine that
/// slows both cancels.
fn paired_ratio(times: &[f64], reference: &[f64]) -> f64 {
    Summary::of(times.iter().zip(reference).map(|(a, b)| a / b)).median
}

/// Median and quartiles of a sample.
struct Summary {
    lower_quartile: f64,
    median: f64,
    upper_quartile: f64,
}

impl Summary {
    fn of(values: impl Iterator<Item = f64>) -> Summary {
        let mut sorted: Vec<f64> = values.collect();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        Summary {
            lower_quartile: at(0.25),
            median: at(0.5),
            upper_quartile: at(0.75),
        }
    }
}
