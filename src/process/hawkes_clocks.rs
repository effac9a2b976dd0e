//! The exact step shared by [`Hawkes`](super::Hawkes) and
//! [`RivalHawkes`](super::RivalHawkes): a race between two exponential clocks.
//!
//! An exponentially decaying excess `x` (decay rate `beta`) and a constant
//! baseline rate `mu` are two candidate sources of the next event (Dassios & Zhao,
//! 2013). Each keeps a residual `Exp(1)` clock, `e_excited` and `e_baseline`,
//! consumed by its integrated intensity:
//! - the excess integrates to `x (1 - e^{-beta s}) / beta` over a wait `s`, so its
//!   clock rings after `s_1 = -ln(1 - beta e_excited / x) / beta` when
//!   `beta e_excited < x`, and never otherwise;
//! - the baseline integrates to `mu s`, so its clock rings after `s_2 = e_baseline / mu`.
//!
//! The earlier of the two fires if it falls inside the step; the fired clock is
//! redrawn, the other is reduced by what the wait consumed, and the caller adds the
//! event's jump to the excess ([`Events`]). Clocks carry over between steps, which makes the
//! step exact for any `dt`. The two processes differ only in what an event does
//! (one jump, or a firm drawn and a jump per firm), which the caller supplies.

use super::standard_exponential;
use crate::math;
use rand::Rng;

/// What an event does, by the clock that rang. Each method gets the excess just
/// before the event and the event's offset in `[0, dt]` from the start of the
/// step (its clock already redrawn), and returns the excess just after it.
pub(super) trait Events<R: ?Sized> {
    /// An event of the excess's clock: one triggered by earlier events.
    fn excited(&mut self, rng: &mut R, excess: f64, offset: f64) -> f64;
    /// An event of the baseline's clock.
    fn baseline(&mut self, rng: &mut R, excess: f64, offset: f64) -> f64;
}

/// The constants of one step: decay rate `beta`, baseline rate `mu`, step length
/// and `e^{-beta dt}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ClockRace {
    pub(super) beta: f64,
    pub(super) baseline: f64,
    pub(super) dt: f64,
    pub(super) decay: f64,
}

/// The state the race carries between steps: the excess and the two residual
/// clocks (NaN until first drawn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Clocks {
    pub(super) excess: f64,
    pub(super) excited: f64,
    pub(super) baseline: f64,
}

impl ClockRace {
    /// Runs the race over one step, handing each event, in time order, to
    /// `events`.
    ///
    /// The loop ends when neither clock rings before the step's end, or when an
    /// event leaves no time in the step (with a non-finite excess the first test
    /// would never end it).
    #[inline(always)]
    pub(super) fn run<R, E>(&self, clocks: &mut Clocks, rng: &mut R, events: &mut E)
    where
        R: Rng + ?Sized,
        E: Events<R>,
    {
        let Clocks {
            mut excess,
            excited: mut e1,
            baseline: mut e2,
        } = *clocks;
        if e1.is_nan() {
            e1 = standard_exponential(rng);
        }
        if e2.is_nan() {
            e2 = standard_exponential(rng);
        }
        let (mut remaining, mut decay) = (self.dt, self.decay);
        loop {
            let excited = excess * (1.0 - decay) / self.beta;
            let baseline = self.baseline * remaining;
            if e1 > excited && e2 > baseline {
                // Neither clock rings before the step ends.
                e1 -= excited;
                e2 -= baseline;
                excess *= decay;
                break;
            }
            let s1 = if self.beta * e1 < excess {
                -libm::log1p(-self.beta * e1 / excess) / self.beta
            } else {
                f64::INFINITY
            };
            let s2 = e2 / self.baseline;
            excess = if s1 <= s2 {
                // The excitation fires: just before it, the excess is x - beta E1.
                let wait = s1.min(remaining);
                excess -= self.beta * e1;
                e1 = standard_exponential(rng);
                e2 -= self.baseline * wait;
                remaining -= wait;
                events.excited(rng, excess, self.dt - remaining)
            } else {
                let wait = s2.min(remaining);
                let decay_wait = math::exp(-self.beta * wait);
                e1 -= excess * (1.0 - decay_wait) / self.beta;
                e2 = standard_exponential(rng);
                excess *= decay_wait;
                remaining -= wait;
                events.baseline(rng, excess, self.dt - remaining)
            };
            decay = math::exp(-self.beta * remaining);
            if remaining <= 0.0 || remaining.is_nan() {
                // The event closed the step: no time is left for another. (With a
                // finite state the next pass would break with nothing to subtract;
                // with a non-finite excess it would never break.)
                break;
            }
        }
        *clocks = Clocks {
            excess,
            excited: e1,
            baseline: e2,
        };
    }
}
