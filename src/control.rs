//! Embedding long runs: progress by stage, and cancellation.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A stage of a run, as reported to an [`Observer`].
///
/// ```
/// use mentormatch::Stage;
/// assert_eq!(Stage::Candidates.to_string(), "candidates");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Checking rules and scoring pairs, participant by participant.
    Candidates,
    /// Solving the mentor side.
    SolveMentors,
    /// Solving the offer side.
    SolveOffers,
    /// One pricing pass over the mentor side's pruned pairs (with
    /// [`Config::top_k`](crate::Config::top_k)), inside
    /// [`Stage::SolveMentors`]: reported `0 of 1` when a pass starts and
    /// `1 of 1` when it ends, once per pass.
    PriceMentors,
    /// One pricing pass over the offer side's pruned pairs, as
    /// [`Stage::PriceMentors`].
    PriceOffers,
    /// Building the report, once both sides are solved. (A side solved
    /// while the other still solves may have its part of the report built
    /// then, inside the other side's solve stage.)
    Report,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Candidates => "candidates",
            Stage::SolveMentors => "solve mentors",
            Stage::SolveOffers => "solve offers",
            Stage::PriceMentors => "price mentors",
            Stage::PriceOffers => "price offers",
            Stage::Report => "report",
        })
    }
}

/// Receives progress from a run. Called from worker threads, so it must be
/// `Send + Sync`; keep it cheap. It is never given personal data.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use mentormatch::{Config, Instance, Matcher, Observer, Stage};
///
/// #[derive(Default)]
/// struct Log(Mutex<Vec<Stage>>);
/// impl Observer for Log {
///     fn progress(&self, stage: Stage, done: u64, total: u64) {
///         if done == total {
///             self.0.lock().unwrap().push(stage);
///         }
///     }
/// }
///
/// let log = Arc::new(Log::default());
/// let inst = Instance::from_json("{}")?;
/// Matcher::new(Config::default()).observer(log.clone()).run(&inst)?;
/// assert_eq!(log.0.lock().unwrap().last(), Some(&Stage::Report));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Observer: Send + Sync {
    /// `done` of `total` units of `stage` are finished (participants for
    /// [`Stage::Candidates`], 0 or 1 for the others). Each stage ends with
    /// `done == total`; the pricing stages start and end once per pass.
    fn progress(&self, stage: Stage, done: u64, total: u64);
}

/// A flag an embedding service trips to stop a run; the run then returns
/// [`Error::Cancelled`](crate::Error::Cancelled) promptly. Clones share the flag.
///
/// ```
/// use mentormatch::{CancelToken, Config, Error, Instance, Matcher};
/// let token = CancelToken::new();
/// token.cancel();
/// let inst = Instance::from_json("{}")?;
/// let err = Matcher::new(Config::default()).cancel_token(token).run(&inst).unwrap_err();
/// assert!(matches!(err, Error::Cancelled { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A fresh, untripped token.
    ///
    /// ```
    /// assert!(!mentormatch::CancelToken::new().is_cancelled());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        CancelToken::default()
    }

    /// Ask every run holding this token (or a clone) to stop.
    ///
    /// ```
    /// let t = mentormatch::CancelToken::new();
    /// let shared = t.clone();
    /// shared.cancel();
    /// assert!(t.is_cancelled()); // clones share the flag
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`CancelToken::cancel`] was called.
    ///
    /// ```
    /// assert!(!mentormatch::CancelToken::default().is_cancelled());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a run carries for its embedder.
#[derive(Clone, Default)]
pub(crate) struct Control {
    pub cancel: Option<CancelToken>,
    pub observer: Option<Arc<dyn Observer>>,
}

impl fmt::Debug for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Control")
            .field("cancel", &self.cancel)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

impl Control {
    pub fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(CancelToken::is_cancelled)
    }

    /// `Err(Cancelled)` when the token is tripped.
    pub fn check(&self, stage: Stage) -> crate::Result<()> {
        if self.cancelled() {
            Err(crate::Error::Cancelled {
                stage: stage.to_string(),
            })
        } else {
            Ok(())
        }
    }

    pub fn progress(&self, stage: Stage, done: u64, total: u64) {
        if let Some(o) = &self.observer {
            o.progress(stage, done, total);
        }
    }
}
