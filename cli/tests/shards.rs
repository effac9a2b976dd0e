//! `--shard I/N` and `outpace merge` (issue 17): the merged report is the single
//! run's, byte for byte (every file and stdout), for 1, 2 and 3 shards, for `run`
//! and `compare`; a missing, duplicated, foreign or altered shard is refused with
//! exit code 2 naming the file; the Slurm array script runs the shards from the
//! scheduler's environment variables (set here by hand).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{
    merged_equals_single as merged, ok, outpace, refused, root, same_files, scratch, text,
};

const PATHS: &str = "2000";
const SEED: &str = "7";

/// Runs `command` (its scenario arguments in `args`) once whole and as 1, 2 and
/// 3 shards merged; every report must be the whole run's.
#[track_caller]
fn merged_equals_single(name: &str, command: &str, args: &[&str]) {
    let common = [
        &[command][..],
        args,
        &["--paths", PATHS, "--seed", SEED, "-q"],
    ]
    .concat();
    merged(name, &common);
}

#[test]
fn merged_runs_are_the_single_run_byte_for_byte() {
    merged_equals_single("run", "run", &["--preset", "alibaba"]);
}

#[test]
fn merged_comparisons_are_the_single_comparison_byte_for_byte() {
    merged_equals_single(
        "compare",
        "compare",
        &["--preset", "alibaba", "scenarios/price_war.toml"],
    );
}

#[test]
fn merged_comparisons_keep_the_rules_named_by_title() {
    merged_equals_single(
        "titles",
        "compare",
        &[
            "--preset",
            "alibaba",
            "scenarios/price_war.toml",
            "--definitions",
            "Cumulative payback, flow_crossover_8q",
        ],
    );
}

#[test]
fn missing_duplicated_foreign_and_altered_shards_are_refused_naming_the_file() {
    let dir = scratch("refusals");
    let shard = |dir: &Path, i: usize, extra: &[&str]| -> PathBuf {
        let spec = format!("{i}/3");
        let args = [
            &["run", "--preset", "alibaba", "--paths", PATHS, "-q"][..],
            extra,
            &["--shard", &spec, "--out", text(dir)],
        ]
        .concat();
        ok(&args);
        dir.join(format!("outpace-shard-{i}-of-3.json"))
    };
    let states = dir.join("states");
    let files: Vec<PathBuf> = (0..3)
        .map(|i| shard(&states, i, &["--seed", SEED]))
        .collect();
    refused(
        &[&files[0], &files[2]],
        &["missing shard 1/3", "outpace-shard-1-of-3.json"],
    );
    let copy = dir.join("copy");
    fs::create_dir_all(&copy).unwrap();
    let duplicate = copy.join("outpace-shard-2-of-3.json");
    fs::copy(&files[2], &duplicate).unwrap();
    refused(&[&states, &copy], &["given twice", text(&duplicate)]);
    let other_seed = shard(&dir.join("seed"), 1, &["--seed", "8"]);
    refused(
        &[&files[0], &other_seed, &files[2]],
        &[text(&other_seed), "another run", "seed 8 against 7"],
    );
    let other_scenario = shard(
        &dir.join("scenario"),
        1,
        &["--seed", SEED, "--set", "opex.tax_rate=0.3"],
    );
    refused(
        &[&files[0], &other_scenario, &files[2]],
        &[text(&other_scenario), "another run", "scenarios"],
    );
    let other_version = dir.join("version.json");
    let body = fs::read_to_string(&files[1]).unwrap();
    fs::write(
        &other_version,
        body.replacen("\"version\":1", "\"version\":2", 1),
    )
    .unwrap();
    refused(
        &[&files[0], &other_version, &files[2]],
        &[text(&other_version), "version"],
    );
    let altered = dir.join("altered.json");
    fs::write(&altered, body.replacen("\"seed\":7", "\"seed\":9", 1)).unwrap();
    refused(&[&altered], &[text(&altered), "altered"]);
    let garbage = dir.join("garbage.json");
    fs::write(&garbage, "{ not json").unwrap();
    refused(&[&garbage], &[text(&garbage), "invalid JSON"]);
    refused(&[&dir.join("nowhere")], &["nowhere", "cannot read"]);
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();
    refused(&[&empty], &[text(&empty), "no state file"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_shard_options_are_input_errors() {
    for spec in ["3/3", "1/0", "x", "1/2/3", "-1/2"] {
        let output = outpace(&["run", "--preset", "alibaba", "--shard", spec, "--out", "x"]);
        assert_eq!(output.status.code(), Some(2), "--shard {spec}");
    }
    let output = outpace(&[
        "run", "--preset", "alibaba", "--paths", PATHS, "--shard", "0/2",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--shard needs --out"));
}

/// The Slurm array script with the variables Slurm sets for the tasks of
/// `sbatch --array=MIN-MAX --cpus-per-task=2`, set by hand, then the merge.
/// Runs `args` once whole, then as the tasks of Slurm arrays numbered from 0
/// (3 tasks) and from 1 (2 tasks) through `scripts/slurm_array.sh`, with the
/// scheduler's variables set by hand; each array's merge must be the whole run.
fn slurm_tasks_merge_into_the_single_run(name: &str, args: &[&str]) {
    let dir = scratch(name);
    let single = dir.join("single");
    ok(&[args, &["-q", "--out", text(&single)]].concat());
    // The shard is the task id minus the first.
    for (first, count) in [(0, 3), (1, 2)] {
        let states = dir.join(format!("states-{first}"));
        for task in first..first + count {
            let output = Command::new("bash")
                .arg("scripts/slurm_array.sh")
                .arg(text(&states))
                .args(args)
                .current_dir(root())
                .env("OUTPACE", env!("CARGO_BIN_EXE_outpace"))
                .env("SLURM_ARRAY_TASK_ID", task.to_string())
                .env("SLURM_ARRAY_TASK_MIN", first.to_string())
                .env("SLURM_ARRAY_TASK_MAX", (first + count - 1).to_string())
                .env("SLURM_ARRAY_TASK_COUNT", count.to_string())
                .env("SLURM_CPUS_PER_TASK", "2")
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let expected: Vec<String> = (0..count)
            .map(|i| format!("outpace-shard-{i}-of-{count}.json"))
            .collect();
        assert_eq!(support::names(&states), expected);
        let merged = dir.join(format!("merged-{first}"));
        ok(&["merge", text(&states), "--out", text(&merged), "-q"]);
        same_files(&single, &merged);
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_slurm_array_script_runs_each_task_as_its_shard() {
    let run = [
        "run", "--preset", "alibaba", "--paths", PATHS, "--seed", SEED,
    ];
    slurm_tasks_merge_into_the_single_run("slurm-run", &run);
    let sensitivity = [
        "sensitivity",
        "--preset",
        "alibaba",
        "--method",
        "tornado",
        "--by",
        "groups",
        "--paths",
        "300",
        "--seed",
        SEED,
    ];
    slurm_tasks_merge_into_the_single_run("slurm-sensitivity", &sensitivity);
    let dir = scratch("slurm");
    let outside = Command::new("bash")
        .args(["scripts/slurm_array.sh", "x", "run"])
        .current_dir(root())
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert!(!outside.status.success());
    assert!(String::from_utf8_lossy(&outside.stderr).contains("not a Slurm array task"));
    fs::remove_dir_all(&dir).unwrap();
}
