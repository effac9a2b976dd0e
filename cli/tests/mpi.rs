//! Feature `mpi` (issue 17): `mpirun -np N outpace run|compare|sensitivity ... --out DIR`
//! writes the report of one process, byte for byte, for 2 and 3 ranks (more
//! ranks than cores: `--oversubscribe`; CI runs as root: `--allow-run-as-root`);
//! a failed rank is reported and a crashed one ends the job, and neither writes
//! a report. Needs Open MPI's `mpirun` on the PATH.
#![cfg(feature = "mpi")]

mod support;

use std::fs;
use std::process::{Command, Output};
use support::{root, same_files, scratch};

const BINARY: &str = env!("CARGO_BIN_EXE_outpace");
const PATHS: &str = "2000";

/// `mpirun -np ranks outpace args...`, with `fault` as the injected fault.
fn mpirun(ranks: usize, args: &[&str], fault: Option<&str>) -> Output {
    let mut command = Command::new("mpirun");
    command
        .args([
            "--allow-run-as-root",
            "--oversubscribe",
            "-np",
            &ranks.to_string(),
        ])
        .arg(BINARY)
        .args(args)
        .current_dir(root())
        .env_remove("OUTPACE_MPI_FAULT");
    if let Some(fault) = fault {
        command.env("OUTPACE_MPI_FAULT", fault);
    }
    command.output().expect("mpirun runs")
}

/// One process, not under an MPI launcher.
fn single(args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(args)
        .current_dir(root())
        .env_remove("OMPI_COMM_WORLD_SIZE")
        .env_remove("PMI_SIZE")
        .env_remove("PMIX_RANK")
        .output()
        .unwrap()
}

#[track_caller]
fn succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn ranks_write_the_single_process_report(name: &str, args: &[&str]) {
    let dir = scratch(name);
    let common = [args, &["--paths", PATHS, "--seed", "7", "-q"]].concat();
    let one = dir.join("single");
    let expected = single(&[&common[..], &["--out", one.to_str().unwrap()]].concat());
    succeeded(&expected);
    for ranks in [2, 3] {
        let out = dir.join(format!("ranks-{ranks}"));
        let output = mpirun(
            ranks,
            &[&common[..], &["--out", out.to_str().unwrap()]].concat(),
            None,
        );
        succeeded(&output);
        same_files(&one, &out);
        // Rank 0 alone prints the report.
        assert!(
            output.stdout == expected.stdout,
            "{ranks} ranks: stdout differs"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ranks_merge_into_the_single_process_run() {
    ranks_write_the_single_process_report("run", &["run", "--preset", "alibaba"]);
}

#[test]
fn ranks_merge_into_the_single_process_comparison() {
    ranks_write_the_single_process_report(
        "compare",
        &["compare", "--preset", "alibaba", "scenarios/chip_ban.toml"],
    );
}

#[test]
fn ranks_merge_into_the_single_process_sensitivity_analyses() {
    let sensitivity = ["sensitivity", "--preset", "alibaba"];
    // 96 base points, 6 factors (5 groups and the noise): 8 blocks, 768 rows,
    // so that each of 3 ranks has 256 rows. The
    // tornado shares the gather and the merge; its rows are checked in
    // `sensitivity_shards.rs`.
    let sobol = [
        &sensitivity[..],
        &["--method", "sobol", "--base", "96", "--by", "groups"],
    ]
    .concat();
    ranks_write_the_single_process_report("sobol", &sobol);
    let out = scratch("sensitivity-fault").join("out");
    let args = [&sobol[..], &["-q", "--out", out.to_str().unwrap()]].concat();
    let output = mpirun(2, &args, Some("1:error"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("rank 1 of 2 failed"));
    assert!(!out.exists(), "a report was written");
}

#[test]
fn a_failed_or_crashed_rank_is_reported_and_nothing_is_written() {
    let dir = scratch("faults");
    for (ranks, fault, needle) in [
        (2, "1:error", "rank 1 of 2 failed: injected failure"),
        (3, "0:error", "rank 0 of 3 failed"),
        (3, "2:abort", "rank 2"),
    ] {
        let out = dir.join(fault.replace(':', "-"));
        let args = [
            "run",
            "--preset",
            "alibaba",
            "--paths",
            PATHS,
            "-q",
            "--out",
            out.to_str().unwrap(),
        ];
        let output = mpirun(ranks, &args, Some(fault));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{fault}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{fault}: `{needle}` not in {stderr}"
        );
        assert!(!out.exists(), "{fault}: a report was written");
    }
    let out = dir.join("with-shard");
    let args = [
        "run",
        "--preset",
        "alibaba",
        "--shard",
        "0/2",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ];
    let output = mpirun(2, &args, None);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("every rank is a shard already"));
    assert!(!out.exists());
    fs::remove_dir_all(&dir).unwrap();
}
