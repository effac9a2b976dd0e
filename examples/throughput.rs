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
    let mut best = [[f64::INFINITY; 2]; WORKLOADS];
    for _ in 0..rounds {
        for (w, (_, run)) in workloads.iter().enumerate() {
            if !runs(workloads[w].0) {
                continue;
            }
            for (t, pool) in pools.iter().enumerate() {
                let start = Instant::now();
                pool.install(|| run(t + 1));
                best[w][t] = best[w][t].min(start.elapsed().as_secs_f64());
            }
        }
    }
    println!("best of {rounds} rounds   1 thread  2 threads   / floor (1t, 2t)   speed-up");
    let floor = best[FLOOR];
    for ((name, _), [one, two]) in workloads.iter().zip(best) {
        if !runs(name) {
            continue;
        }
        println!(
            "{name:<14} {:>7.1} ms {:>7.1} ms {:>9.2} {:>6.2} {:>12.2}x",
            one * 1e3,
            two * 1e3,
            one / floor[0],
            two / floor[1],
            one / two
        );
    }
}
