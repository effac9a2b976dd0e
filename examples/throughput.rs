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
//! cargo run --release --example throughput            # 5 rounds
//! cargo run --release --example throughput -- 9       # 9 rounds
//! ```

#[path = "../benches/support/workloads.rs"]
mod workloads;

use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::Scenario;
use std::hint::black_box;
use std::time::Instant;

const PATHS: usize = 1_000_000;
const CLOUD_PATHS: usize = 100_000;
const WORKLOADS: usize = 7;
/// Index of the rayon floor in the table.
const FLOOR: usize = 1;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(5, |r| r.parse().expect("a number of rounds"));
    let scenario = Scenario::alibaba();
    let cloud = |threads| {
        let options = StudyOptions {
            paths: CLOUD_PATHS,
            threads: Some(threads),
            ..StudyOptions::default()
        };
        black_box(Study::run(&scenario, &options).unwrap().breakevens().len());
    };
    let workloads: [(&str, &(dyn Fn(usize) + Sync)); WORKLOADS] = [
        ("floor_static", &|threads| {
            black_box(workloads::floor_static(PATHS, threads));
        }),
        ("floor", &|_| {
            black_box(workloads::floor(PATHS));
        }),
        ("hand", &|_| {
            black_box(workloads::hand(PATHS));
        }),
        ("outpace", &|_| {
            black_box(workloads::outpace_w(PATHS));
        }),
        ("outpace_level", &|_| {
            black_box(workloads::outpace_level(PATHS));
        }),
        ("outpace_fan", &|_| {
            black_box(workloads::outpace_fan(PATHS));
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
        println!(
            "{name:<14} {:>7.0} ms {:>7.0} ms {:>9.2} {:>6.2} {:>12.2}x",
            one * 1e3,
            two * 1e3,
            one / floor[0],
            two / floor[1],
            one / two
        );
    }
}
