//! Peak memory of summary mode: runs workload W, the fan chart and the fan chart
//! without a passage rule (see `benches/support/workloads.rs`) at 10,000, 1,000,000
//! and 10,000,000 paths, each in a fresh child process, and prints the peak resident
//! set size the operating system reports (`getrusage`).
//!
//! ```sh
//! cargo run --release --example memory
//! ```

#[path = "../benches/support/workloads.rs"]
mod workloads;

use std::process::{Command, ExitCode};

const SIZES: [usize; 3] = [10_000, 1_000_000, 10_000_000];
const WORKLOADS: [&str; 3] = ["w", "fan", "summary"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, workload, paths] = args.as_slice()
        && flag == "--child"
    {
        return child(workload, paths.parse().expect("a path count"));
    }
    println!("workload  paths      peak RSS (MiB)");
    for workload in WORKLOADS {
        let mut peaks = Vec::new();
        for paths in SIZES {
            let output = Command::new(&args[0])
                .args(["--child", workload, &paths.to_string()])
                .output()
                .expect("the example can run itself");
            let text = String::from_utf8_lossy(&output.stdout);
            let peak: f64 = text.trim().parse().expect("the child prints its peak RSS");
            println!("{workload:<9} {paths:>9}  {peak:>8.1}");
            peaks.push(peak);
        }
        println!(
            "{workload:<9} growth 10k -> 1M: {:.1} MiB, 10k -> 10M: {:.1} MiB\n",
            peaks[1] - peaks[0],
            peaks[2] - peaks[0]
        );
    }
    println!(
        "W and the fan chart keep 4 bytes per path for their passage rule (38 MiB at \
         10M paths); the summary keeps nothing per path."
    );
    ExitCode::SUCCESS
}

/// Runs one workload and prints the process's peak RSS in MiB.
fn child(workload: &str, paths: usize) -> ExitCode {
    let result = match workload {
        "w" => workloads::outpace_w(paths),
        "fan" => workloads::outpace_fan(paths),
        _ => workloads::outpace_summary(paths),
    };
    std::hint::black_box(result);
    println!("{:.2}", peak_rss_mib());
    ExitCode::SUCCESS
}

/// Peak resident set size of this process, from `getrusage(RUSAGE_SELF)`.
fn peak_rss_mib() -> f64 {
    // SAFETY: getrusage only writes into the zero-initialised struct we pass.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    // Linux reports kibibytes, macOS bytes.
    let bytes = if cfg!(target_os = "macos") {
        usage.ru_maxrss as f64
    } else {
        usage.ru_maxrss as f64 * 1024.0
    };
    bytes / (1024.0 * 1024.0)
}
