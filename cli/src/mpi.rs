//! Feature `mpi`: `mpirun -np N outpace run ...` (or `compare`, or
//! `sensitivity`) runs shard `r/N`
//! on rank `r`, each with its own rayon threads; every rank sends its state to
//! rank 0 (one `MPI_Gatherv` of the serialised state files), which merges them
//! exactly as `outpace merge` does and alone writes and prints the report.
//!
//! A rank whose shard fails sends its error instead of a state, and rank 0
//! reports every failed rank and writes nothing: a failed rank is never merged
//! (and a merge of fewer shards than ranks is refused anyway). A rank that dies
//! (a crash, a kill) makes `mpirun` end the whole job with a non-zero status
//! before rank 0 can write anything.
//!
//! `OUTPACE_MPI_FAULT=RANK:error` or `RANK:abort` makes rank `RANK` fail (or
//! abort) instead of sending its state: the fault injection of the tests of
//! these two paths.

use crate::shard::{self, Kind};
use crate::{Failure, Settings};
use mpi::datatype::PartitionMut;
use mpi::traits::{Communicator, Root};
use outpace::cloud::CloudModel;
use outpace::engine::{RunControl, Shard};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The environment variable of the fault injection (see the module's documentation).
pub const FAULT_VARIABLE: &str = "OUTPACE_MPI_FAULT";

/// The rank that gathers, merges and writes.
const ROOT: i32 = 0;

/// Whether the process was started by an MPI launcher (Open MPI's `mpirun`, or a
/// PMI-based one such as Slurm's `srun --mpi`).
pub fn launched() -> bool {
    ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
}

/// What a rank sends to rank 0.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RankResult<T> {
    /// The rank's shard.
    State(T),
    /// Why the rank's shard failed.
    Error { message: String, input: bool },
}

/// Runs this rank's shard of `models`; on rank 0, merges every rank's and
/// publishes the report.
pub fn run(
    kind: Kind,
    settings: &Settings,
    models: &[CloudModel],
    control: &Arc<RunControl>,
) -> Result<(), Failure> {
    let gathered = gather(|rank, size| rank_result(kind, settings, models, control, rank, size))?;
    match gathered {
        Some(states) => crate::merge::publish(
            states.into_iter().map(|(name, s)| (name, *s)).collect(),
            settings.out.as_deref(),
            settings.format,
            settings.quiet,
        ),
        None => Ok(()),
    }
}

/// `mpirun -np N outpace sensitivity ...`: rank `r` simulates shard `r/N` of
/// every run of the analysis; rank 0 merges the rows as `outpace merge` does and
/// alone writes and prints the report.
pub fn sensitivity(
    settings: &Settings,
    spec: &crate::sensitivity::MethodSpec,
    model: &CloudModel,
    control: &Arc<RunControl>,
) -> Result<(), Failure> {
    let gathered = gather(|rank, size| {
        guarded(rank, size, |shard| {
            crate::sensitivity::state(settings, spec, model, control, shard).map(Box::new)
        })
    })?;
    match gathered {
        Some(states) => crate::sensitivity::publish(
            states.into_iter().map(|(name, s)| (name, *s)).collect(),
            settings.out.as_deref(),
            settings.format,
            settings.quiet,
        ),
        None => Ok(()),
    }
}

/// Initialises MPI, computes this rank's result with `compute(rank, size)` and
/// gathers every rank's on rank 0: `Some` of every rank's state (labelled
/// `rank r`) on rank 0, `None` on the others; every failed rank reported.
fn gather<T: Serialize + DeserializeOwned>(
    compute: impl FnOnce(i32, i32) -> RankResult<T>,
) -> Result<Option<Vec<(String, T)>>, Failure> {
    let threading = mpi::Threading::Funneled;
    let (universe, _) = mpi::initialize_with_threading(threading)
        .ok_or_else(|| Failure::Internal("MPI is already initialised".into()))?;
    let world = universe.world();
    let (rank, size) = (world.rank(), world.size());
    let result = compute(rank, size);
    let payload = serde_json::to_vec(&result)
        .map_err(|e| Failure::Internal(format!("cannot serialise rank {rank}'s state: {e}")))?;
    let length = i32::try_from(payload.len()).map_err(|_| {
        Failure::Internal(format!("rank {rank}'s state is above 2 GiB, the MPI limit"))
    })?;
    let root = world.process_at_rank(ROOT);
    if rank != ROOT {
        root.gather_into(&length);
        root.gather_varcount_into(&payload[..]);
        return Ok(None);
    }
    let mut lengths = vec![0i32; size as usize];
    root.gather_into_root(&length, &mut lengths[..]);
    let displacements: Vec<i32> = lengths
        .iter()
        .scan(0i32, |at, &l| {
            let start = *at;
            *at = at.saturating_add(l);
            Some(start)
        })
        .collect();
    let total: usize = lengths.iter().map(|&l| l as usize).sum();
    let mut buffer = vec![0u8; total];
    {
        let mut partition = PartitionMut::new(&mut buffer[..], &lengths[..], &displacements[..]);
        root.gather_varcount_into_root(&payload[..], &mut partition);
    }
    let mut states = Vec::with_capacity(size as usize);
    let mut failures = Vec::new();
    let mut input = false;
    for (r, (&start, &len)) in displacements.iter().zip(&lengths).enumerate() {
        let bytes = &buffer[start as usize..(start + len) as usize];
        match serde_json::from_slice::<RankResult<T>>(bytes) {
            Ok(RankResult::State(state)) => states.push((format!("rank {r}"), state)),
            Ok(RankResult::Error {
                message,
                input: bad,
            }) => {
                input |= bad;
                failures.push(format!("rank {r} of {size} failed: {message}"));
            }
            Err(e) => failures.push(format!("rank {r} of {size} sent an unreadable state: {e}")),
        }
    }
    if !failures.is_empty() {
        failures.push("no report was written: every rank must succeed".into());
        return Err(if input {
            Failure::Input(failures)
        } else {
            Failure::Internal(failures.join("; "))
        });
    }
    Ok(Some(states))
}

/// The result of `work` on this rank's shard, or why it failed (the injected
/// fault first).
fn guarded<T>(
    rank: i32,
    size: i32,
    work: impl FnOnce(Shard) -> Result<T, Failure>,
) -> RankResult<T> {
    match injected_fault(rank) {
        Some("abort") => std::process::abort(),
        Some(_) => return failed(Failure::Internal("injected failure".into())),
        None => {}
    }
    match Shard::new(rank as usize, size as usize)
        .map_err(Failure::from)
        .and_then(work)
    {
        Ok(state) => RankResult::State(state),
        Err(failure) => failed(failure),
    }
}

/// A failure as a rank's result.
fn failed<T>(failure: Failure) -> RankResult<T> {
    match failure {
        Failure::Input(lines) => RankResult::Error {
            message: lines.join("; "),
            input: true,
        },
        Failure::Internal(message) => RankResult::Error {
            message,
            input: false,
        },
        Failure::Interrupted => RankResult::Error {
            message: "interrupted".into(),
            input: false,
        },
    }
}

/// This rank's shard of a `run` or `compare`, or why it failed.
fn rank_result(
    kind: Kind,
    settings: &Settings,
    models: &[CloudModel],
    control: &Arc<RunControl>,
    rank: i32,
    size: i32,
) -> RankResult<Box<shard::StateFile>> {
    guarded(rank, size, |shard| {
        let studies = models
            .iter()
            .map(|m| Ok((m, settings.options(m, control)?)))
            .collect::<Result<Vec<_>, Failure>>()?;
        shard::state(kind, settings, &studies, shard).map(Box::new)
    })
}

/// The fault [`FAULT_VARIABLE`] injects into `rank`, if any.
fn injected_fault(rank: i32) -> Option<&'static str> {
    let value = std::env::var(FAULT_VARIABLE).ok()?;
    let (at, what) = value.split_once(':')?;
    if at.trim().parse::<i32>().ok()? != rank {
        return None;
    }
    Some(if what.trim() == "abort" {
        "abort"
    } else {
        "error"
    })
}
