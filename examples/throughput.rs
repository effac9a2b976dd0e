//! The bench workloads timed so that a noisy machine disturbs their ratios least.
//! Every round runs each workload at 1 and then at 2 threads, back to back, and
//! then as two independent 1-thread runs of half the paths each, at the same time
//! (the halves).
//!
//! Two tables are printed:
//! - the best time of each over the rounds, its ratio to the floor's best time at
//!   the same thread count, and the speed-up from 1 to 2 threads of the best times;
//! - medians over the rounds of ratios formed within each round: the time against
//!   the floor's in the same round, the 1-thread time against the 2-thread time
//!   (the speed-up, with its quartiles), and the 2-thread time against what the
//!   halves achieved (their paths at the sum of their two rates, the harmonic mean
//!   of their times). The last ratio separates the engine's parallel overhead from
//!   the machine: 1.00 means the 2-thread run did as well as two separate
//!   processes would have on the two vCPUs as they were at that moment.
//!
//! Why both: on the shared VM these figures come from, each vCPU switches every
//! few seconds between a fast and a slow state (W through outpace took about 51
//! or 79 ms for 100,000 paths on one pinned vCPU, the floor 53 or 61 ms), and the
//! two vCPUs switch independently. A best 1-thread time then comes from a fast
//! vCPU, while a 2-thread run has both vCPUs fast far more rarely, so best-of
//! speed-ups come out low; ratios within a round compare like with like more
//! often, but mix the states too. See `docs/performance.md`.
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
//! cargo run --release --example throughput -- 60 scale=0.1    # 60 rounds of a tenth of the paths
//! ```
//!
//! `scale=0.1` runs 100,000 paths of W and 10,000 of the cloud study: many short
//! rounds sample the machine's states more evenly than a few long ones.

#[path = "../benches/support/workloads.rs"]
mod workloads;

use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use std::hint::black_box;
use std::time::Instant;

const WORKLOADS: usize = 7;
/// Index of the rayon floor in the table.
const FLOOR: usize = 1;

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = match args.next().map(|r| r.parse()) {
        None => 5,
        Some(Ok(rounds)) if rounds > 0 => rounds,
        Some(_) => usage("the number of rounds must be a whole number > 0"),
    };
    // Workloads named after the number of rounds; the floor always runs, as the
    // reference of the ratios.
    let (scales, chosen): (Vec<String>, Vec<String>) = args.partition(|a| a.starts_with("scale="));
    let scale: f64 = match scales.last().map(|s| s["scale=".len()..].parse()) {
        None => 1.0,
        // The halves of the cloud study need at least one path each.
        Some(Ok(scale)) if (2e-5..=1e3).contains(&scale) => scale,
        Some(_) => usage("scale=<factor> takes a number from 0.00002 to 1000"),
    };
    let paths = (1_000_000.0 * scale) as usize;
    let cloud_paths = (100_000.0 * scale) as usize;
    let runs =
        |name: &str| name == "floor" || chosen.is_empty() || chosen.iter().any(|c| c == name);
    let model = CloudModel::new(Scenario::alibaba()).unwrap();
    // Each workload runs `paths / part` paths (part 2: half the paths, for the
    // independent halves below).
    let cloud = |threads, part: usize| {
        let options = StudyOptions {
            paths: cloud_paths / part,
            threads: Some(threads),
            ..StudyOptions::default()
        };
        black_box(Study::run(&model, &options).unwrap().breakevens().len());
    };
    let workloads: [(&str, &Workload<'_>); WORKLOADS] = [
        ("floor_static", &|threads, part| {
            black_box(workloads::floor_static(paths / part, threads));
        }),
        ("floor", &|_, part| {
            black_box(workloads::floor(paths / part));
        }),
        ("hand", &|_, part| {
            black_box(workloads::hand(paths / part));
        }),
        ("outpace", &|_, part| {
            black_box(workloads::outpace_w(paths / part));
        }),
        ("outpace_level", &|_, part| {
            black_box(workloads::outpace_level(paths / part));
        }),
        ("outpace_fan", &|_, part| {
            black_box(workloads::outpace_fan(paths / part));
        }),
        ("cloud_study", &cloud),
    ];
    let pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
    };
    let pools = [pool(1), pool(2)];
    let halves = [pool(1), pool(1)];
    let timed = |f: &dyn Fn()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    let mut times = vec![Times::default(); WORKLOADS];
    for _ in 0..rounds {
        for (w, (name, run)) in workloads.iter().enumerate() {
            if !runs(name) {
                continue;
            }
            for (t, pool) in pools.iter().enumerate() {
                times[w].threads[t].push(timed(&|| pool.install(|| run(t + 1, 1))));
            }
            let [a, b] = std::thread::scope(|scope| {
                halves
                    .each_ref()
                    .map(|pool| scope.spawn(|| timed(&|| pool.install(|| run(1, 2)))))
                    .map(|half| half.join().expect("a half"))
            });
            // Both halves' paths at their two rates: the harmonic mean of the times.
            times[w].halves.push(2.0 * a * b / (a + b));
        }
    }
    report(rounds, &workloads.map(|(name, _)| name), &times, runs);
}

/// A workload run with `threads` threads (those of the pool it runs in, except for
/// the floor on plain threads and the cloud study, which build their own) on
/// `paths / part` of its paths.
type Workload<'a> = dyn Fn(usize, usize) + Sync + 'a;

/// One workload's times over the rounds, in seconds.
#[derive(Clone, Default)]
struct Times {
    /// At 1 and at 2 threads.
    threads: [Vec<f64>; 2],
    /// What the two vCPUs did with half the paths each, as two independent
    /// 1-thread runs at the same time: the time of all the paths at the sum of
    /// their rates.
    halves: Vec<f64>,
}

fn report(rounds: usize, names: &[&str], times: &[Times], runs: impl Fn(&str) -> bool) {
    let floor = &times[FLOOR].threads;
    println!("best of {rounds} rounds   1 thread  2 threads   / floor (1t, 2t)   speed-up");
    for (name, Times { threads, .. }) in names.iter().zip(times) {
        if runs(name) {
            let [one, two] = threads.each_ref().map(|t| min(t));
            println!(
                "{name:<14} {:>7.1} ms {:>7.1} ms {:>9.2} {:>6.2} {:>12.2}x",
                one * 1e3,
                two * 1e3,
                one / min(&floor[0]),
                two / min(&floor[1]),
                one / two
            );
        }
    }
    println!(
        "\nmedians over rounds of ratios within a round:\n\
         {:14} / floor (1t, 2t)   speed-up (quartiles)   2t / halves (quartiles)",
        ""
    );
    for (name, Times { threads, halves }) in names.iter().zip(times) {
        if runs(name) {
            let speed_up = Summary::of(ratios(&threads[0], &threads[1]));
            let halves = Summary::of(ratios(&threads[1], halves));
            println!(
                "{name:<14} {:>9.2} {:>6.2} {:>9.2}x ({:.2}-{:.2}) {:>10.2} ({:.2}-{:.2})",
                Summary::of(ratios(&threads[0], &floor[0])).median,
                Summary::of(ratios(&threads[1], &floor[1])).median,
                speed_up.median,
                speed_up.lower_quartile,
                speed_up.upper_quartile,
                halves.median,
                halves.lower_quartile,
                halves.upper_quartile,
            );
        }
    }
}

/// The shortest of `times`.
fn min(times: &[f64]) -> f64 {
    times.iter().copied().fold(f64::INFINITY, f64::min)
}

/// `a[r] / b[r]` for each round `r`: times against times of the same round, so that
/// a slow stretch of the machine that slows both cancels.
fn ratios<'a>(a: &'a [f64], b: &'a [f64]) -> impl Iterator<Item = f64> + 'a {
    a.iter().zip(b).map(|(a, b)| a / b)
}

/// Prints what was wrong with the arguments and how to call, and exits.
fn usage(problem: &str) -> ! {
    eprintln!("{problem}\nusage: throughput [ROUNDS] [scale=FACTOR] [WORKLOAD ...]");
    std::process::exit(2)
}

/// Median and quartiles of a sample, each the value of nearest rank (rank
/// `(n - 1) q` rounded half up: the upper of the two middle values for an even
/// number of rounds).
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
