//! A Sobol analysis of the Alibaba preset with every numeric parameter uncertain
//! (about 40 inputs, each its own factor, and the within-path randomness), at a
//! base sample of 2^13 by default: N (p + 3) paths, the estimators and intervals
//! included, timed.
//!
//! ```sh
//! cargo run --release --example sobol_cloud            # N = 8192
//! cargo run --release --example sobol_cloud -- 1024    # a quicker look
//! ```

#[path = "../benches/support/all_uncertain.rs"]
mod all_uncertain;

use outpace::analysis::StudyOptions;
use outpace::analysis::sensitivity::{Output, SobolAnalysis, SobolSettings};
use outpace::cloud::CloudModel;
use outpace::engine::Model;
use std::time::Instant;

fn main() -> outpace::Result<()> {
    let base: u64 = std::env::args()
        .nth(1)
        .map_or(1 << 13, |a| a.parse().expect("a base sample size"));
    let model = CloudModel::new(all_uncertain::all_uncertain())?;
    let inputs = model.inputs().len();
    let start = Instant::now();
    let sobol = SobolAnalysis::run(
        &model,
        &StudyOptions::default(),
        &SobolSettings {
            base,
            ..SobolSettings::default()
        },
    )?;
    let elapsed = start.elapsed();
    println!(
        "{inputs} inputs, N = {base}: {} paths in {:.1} s ({} threads), estimators and intervals included",
        sobol.paths,
        elapsed.as_secs_f64(),
        rayon::current_num_threads()
    );
    let column = sobol
        .column(&Output::Value)
        .expect("the cloud model has an NPV");
    let mut order: Vec<usize> = (0..sobol.factors.len()).collect();
    let total = |g: usize| sobol.indices.total[[g, column]].map_or(0.0, |i| i.estimate);
    order.sort_by(|&a, &b| total(b).total_cmp(&total(a)));
    println!("largest total indices of the NPV:");
    for &g in order.iter().take(10) {
        let (first, total) = (
            sobol.indices.first[[g, column]].unwrap(),
            sobol.indices.total[[g, column]].unwrap(),
        );
        println!(
            "  {:<34} first {:>6.3} [{:>6.3}, {:>6.3}]  total {:>6.3} [{:>6.3}, {:>6.3}]",
            sobol.factors[g],
            first.estimate,
            first.lower,
            first.upper,
            total.estimate,
            total.lower,
            total.upper
        );
    }
    Ok(())
}
