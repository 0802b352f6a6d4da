//! Stopping a long solve from outside (the engine's cancellation token).

/// A request to stop, polled by the solvers between insertions (every
/// [`Stop::EVERY`] of them), so a stop takes effect within milliseconds.
#[derive(Clone, Copy)]
pub(crate) struct Stop<'a>(Option<&'a (dyn Fn() -> bool + Sync)>);

impl<'a> Stop<'a> {
    /// How many insertions pass between two polls.
    pub(crate) const EVERY: usize = 256;

    /// Never stops.
    pub(crate) const NEVER: Stop<'static> = Stop(None);

    /// Stops once `f` returns true.
    pub(crate) fn when(f: &'a (dyn Fn() -> bool + Sync)) -> Self {
        Stop(Some(f))
    }

    /// Whether the solve should stop now.
    pub(crate) fn requested(&self) -> bool {
        self.0.is_some_and(|f| f())
    }

    /// Polled at step `k`: true every [`Stop::EVERY`] steps if a stop was requested.
    pub(crate) fn at(&self, k: usize) -> bool {
        k.is_multiple_of(Self::EVERY) && self.requested()
    }
}
