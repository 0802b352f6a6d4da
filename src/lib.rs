//! # mentormatch
//!
//! Exact, explainable, fair matching of people in labour-market integration
//! programmes (asylum seekers, refugees, other newcomers) with **mentors** and
//! with **company offers** (a discovery day, an internship, an apprenticeship,
//! a job).
//!
//! ```
//! use mentormatch::{Config, Instance, Matcher};
//!
//! let instance = Instance::from_json(r#"{
//!   "participants": [{
//!     "id": "p-001",
//!     "languages": [{"code": "ar", "level": "native"}, {"code": "fr", "level": "A2"}],
//!     "location": {"lat": 49.6116, "lon": 6.1319}, "max_travel_km": 25.0,
//!     "availability": ["mon 09:00-12:00", "tue-thu 14:00-18:00"],
//!     "goals": ["internship"], "work_permit": true
//!   }],
//!   "mentors": [{
//!     "id": "m-01",
//!     "languages": [{"code": "fr", "level": "C2"}, {"code": "ar", "level": "B1"}],
//!     "location": {"lat": 49.50, "lon": 5.98}, "max_travel_km": 30.0,
//!     "availability": ["mon-fri 08:00-18:00"], "capacity": 3
//!   }],
//!   "companies": [{
//!     "id": "c-01", "name": "Clinique du Parc", "sector": "health",
//!     "location": {"lat": 49.63, "lon": 6.17},
//!     "offers": [{"id": "c-01/intern-1", "kind": "internship", "slots": 2,
//!                 "required_languages": [{"code": "fr", "level": "A2"}],
//!                 "schedule": ["tue 14:00-18:00"], "needs_work_permit": true}]
//!   }]
//! }"#)?;
//!
//! let report = Matcher::new(Config::default()).run(&instance)?;
//! assert_eq!(report.mentor_of("p-001").map(|m| m.as_str()), Some("m-01"));
//! assert_eq!(report.offer_of("p-001").map(|o| o.as_str()), Some("c-01/intern-1"));
//! let pair = &report.mentor_matches[0];
//! assert_eq!(pair.breakdown.total(), pair.score); // every score is explained
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The pipeline
//!
//! Each stage produces the type the next consumes; no stage reaches back.
//!
//! 1. [`model`]: plain serde types as a user writes them (JSON format v1).
//! 2. [`Instance`]: validated and interned — every problem in the input is
//!    reported at once, naming record, field and value ([`Error::Invalid`]).
//!    Strings become dense ids, weekly availability a bitset.
//! 3. [`Candidates`]: the hard rules ([`Rules`]) remove pairs, the weighted
//!    criteria ([`Weights`]) score the rest in integers, with a
//!    [`Breakdown`] per pair. Evaluated in parallel with rayon; the
//!    result does not depend on the thread count.
//! 4. [`assign`]: the exact many-to-one assignment core, which knows nothing
//!    of people; one problem per side (mentors, offers).
//! 5. [`Report`]: pairs with breakdowns, every unmatched participant with the
//!    reason, alternatives, fairness metrics.
//!
//! Results are deterministic: the same for any input order, any thread count,
//! and any audit labels (labels such as origin or gender are read only by
//! the fairness metrics, never by a rule or a score). The library never logs
//! or prints on its own.

// Pure safe Rust; also enforced in Cargo.toml's [lints].
#![forbid(unsafe_code)]

pub mod assign;
mod control;
mod error;
mod instance;
mod matcher;
pub mod model;
mod report;
mod score;
pub mod synth;

pub use control::{CancelToken, Observer, Stage};
pub use error::{Error, InputError, InputErrors, Result};
pub use instance::{Instance, MAX_TRAVEL_KM, MAX_WAITING_DAYS};
pub use matcher::Matcher;
pub use report::{
    Alternative, Alternatives, Continuity, ContinuityStats, Fairness, GroupStats, Holder,
    LoadStats, MentorMatch, OfferMatch, Reason, Report, ScoreStats, Side, SideFairness, Summary,
    Unmatched,
};
pub use score::{
    Breakdown, CandidateExport, Candidates, Config, MAX_CRITERION_WEIGHT, MatchObjective, Previous,
    Rule, Rules, ScoredMentorPair, ScoredOfferPair, Weights,
};

// The README's examples are compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
