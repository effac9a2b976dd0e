//! Speed-up from 1 to 2 threads, measured so that a noisy machine disturbs it least:
//! every round runs each workload at 1 and then at 2 threads, back to back, and
//! the best time over the rounds is kept for each. Workloads: the floor on plain
//! threads with static halves (what the machine allows, without rayon), the floor,
//! the hand-written loop, W through outpace and the fan chart of W (see
//! `benches/support/workloads.rs`), and the Alibaba study of `benches/cloud.rs`.
//!
//! ```sh
//! cargo run --release --example scaling            # 5 rounds
//! cargo run --release --example scaling -- 9       # 9 rounds
//! ```

#[path = "../benches/support/workloads.rs"]
mod workloads;

use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::Scenario;
use std::hint::black_box;
use std::time::Instant;

const PATHS: usize = 1_000_000;
const CLOUD_PATHS: usize = 100_000;

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
    let workloads: [(&str, &(dyn Fn(usize) + Sync)); 6] = [
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
    let mut best = [[f64::INFINITY; 2]; 6];
    for _ in 0..rounds {
        for (w, (_, run)) in workloads.iter().enumerate() {
            for (t, pool) in pools.iter().enumerate() {
                let start = Instant::now();
                pool.install(|| run(t + 1));
                best[w][t] = best[w][t].min(start.elapsed().as_secs_f64());
            }
        }
    }
    println!("best of {rounds} rounds    1 thread   2 threads   speed-up");
    for ((name, _), [one, two]) in workloads.iter().zip(best) {
        println!(
            "{name:<14} {:>9.0} ms {:>8.0} ms {:>9.2}x",
            one * 1e3,
            two * 1e3,
            one / two
        );
    }
}
