//! The progress bar on stderr and Ctrl-C handling.
//!
//! Runs share one [`RunControl`]: its count of finished paths drives the bar, and
//! the first Ctrl-C cancels through it (the run stops after the blocks in flight and
//! nothing is written); a second Ctrl-C exits at once with code 130, after the
//! output directory, if it is being written, has been undone.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use outpace::engine::RunControl;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// Exit code after Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// How long a run goes before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// How often the bar refreshes.
const TICK: Duration = Duration::from_millis(100);

/// Held while the output directory is written: a second Ctrl-C waits for it, so
/// the writer can undo its work (it sees the first press) before the process exits.
static WRITING: Mutex<()> = Mutex::new(());

/// Marks the output as being written until the guard is dropped.
pub fn writing() -> MutexGuard<'static, ()> {
    WRITING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Routes Ctrl-C to `control`: the first press cancels the run, the second exits
/// with [`INTERRUPTED`]. Without a handler (it could not be installed), Ctrl-C
/// ends the process the usual way, which atomic writes make safe too.
pub fn handle_interrupts(control: &Arc<RunControl>) {
    let control = Arc::clone(control);
    let pressed = AtomicBool::new(false);
    let _ = ctrlc::set_handler(move || {
        if pressed.swap(true, Ordering::SeqCst) {
            drop(writing());
            std::process::exit(i32::from(INTERRUPTED));
        }
        eprintln!("\ninterrupted: stopping (press Ctrl-C again to quit at once)");
        control.cancel();
    });
}

/// A progress bar over `total` paths, drawn on stderr once the work has lasted
/// [`SHOW_AFTER`], if stderr is a terminal and `quiet` is off.
pub struct Progress {
    bar: ProgressBar,
    stop: Option<mpsc::Sender<()>>,
    ticker: Option<thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts following `control` towards `total` paths.
    pub fn start(control: &Arc<RunControl>, total: u64, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{wide_bar}] {human_pos}/{human_len} paths, eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        if quiet || !std::io::stderr().is_terminal() {
            return Progress {
                bar,
                stop: None,
                ticker: None,
            };
        }
        let (stop, stopped) = mpsc::channel();
        let (watched, shown) = (Arc::clone(control), bar.clone());
        let ticker = thread::spawn(move || {
            let started = Instant::now();
            let mut visible = false;
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                if !visible && started.elapsed() >= SHOW_AFTER {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    visible = true;
                }
                shown.set_position(watched.done());
            }
        });
        Progress {
            bar,
            stop: Some(stop),
            ticker: Some(ticker),
        }
    }

    /// Names the current step, e.g. the scenario being simulated.
    pub fn message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
        self.bar.finish_and_clear();
    }
}
