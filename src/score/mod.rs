//! Hard rules, weighted criteria and the sparse candidate graph.
//!
//! Every (participant, provider) pair is first checked against the hard rules
//! in a fixed order; the first rule it breaks is counted (so a coordinator can
//! see *why* someone has no candidate). Pairs that pass are scored in integer
//! fixed point, with a [`Breakdown`] that sums exactly to the score. Only the
//! feasible pairs are kept: no participant × provider matrix is built. The
//! evaluation runs in parallel with rayon, one participant per task, and
//! results are collected in participant order, so they are the same with any
//! thread count.

mod candidates;
mod config;
mod grid;

pub(crate) use candidates::{
    Cand, CellFilter, Duals, Entering, RuleCounts, all_mentor_pairs, all_offer_pairs, continuity,
    entering_pairs, evaluate_mentor, evaluate_offer, mentor_breakdown_any, offer_breakdown_any,
    pruning, rules_of, spatial_order,
};
pub use candidates::{CandidateExport, Candidates, Previous, ScoredMentorPair, ScoredOfferPair};
pub use config::{Config, MAX_CRITERION_WEIGHT, MatchObjective, Rules, Weights};

use std::fmt;

/// A hard rule, as named in reports.
///
/// The order of the variants is the order in which rules are checked; a pair
/// is attributed to the first rule it breaks. Distance comes early (after
/// seeking a mentor, or the offer kind being among the goals) because a
/// spatial index answers it for every far provider at once.
///
/// ```
/// use mentormatch::Rule;
/// assert_eq!(serde_json::to_string(&Rule::NoSharedLanguage)?, "\"no_shared_language\"");
/// assert_eq!(Rule::TooFar.to_string(), "too far (beyond a travel radius)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// The participant does not seek a mentor this round.
    NotSeekingMentor,
    /// The offer's kind is not among the participant's goals.
    KindNotInGoals,
    /// Beyond a travel radius.
    TooFar,
    /// No language both speak at the required level.
    NoSharedLanguage,
    /// Too little common time in the week.
    TooLittleCommonTime,
    /// The mentor lacks a tag the participant requires.
    MentorRequirementUnmet,
    /// The participant lacks a required language at its level.
    MissingLanguage,
    /// The participant lacks a required skill at its level.
    MissingSkill,
    /// The participant is not available during the whole schedule.
    ScheduleNotCovered,
    /// The offer needs a work permit the participant does not have.
    NoWorkPermit,
    /// The pair is forbidden.
    Forbidden,
}

impl Rule {
    /// Number of rules.
    pub const COUNT: usize = 11;

    /// All rules in checking order.
    pub const ALL: [Rule; Rule::COUNT] = [
        Rule::NotSeekingMentor,
        Rule::KindNotInGoals,
        Rule::TooFar,
        Rule::NoSharedLanguage,
        Rule::TooLittleCommonTime,
        Rule::MentorRequirementUnmet,
        Rule::MissingLanguage,
        Rule::MissingSkill,
        Rule::ScheduleNotCovered,
        Rule::NoWorkPermit,
        Rule::Forbidden,
    ];

    /// A short explanation, lower case.
    ///
    /// ```
    /// assert_eq!(mentormatch::Rule::NoWorkPermit.describe(), "work permit required");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Rule::NotSeekingMentor => "does not seek a mentor",
            Rule::NoSharedLanguage => "no shared language at the required level",
            Rule::TooFar => "too far (beyond a travel radius)",
            Rule::TooLittleCommonTime => "too little common time per week",
            Rule::MentorRequirementUnmet => "mentor requirement not met",
            Rule::KindNotInGoals => "offer kind not among the goals",
            Rule::MissingLanguage => "required language missing or below level",
            Rule::MissingSkill => "required skill missing or below level",
            Rule::ScheduleNotCovered => "not available for the whole schedule",
            Rule::NoWorkPermit => "work permit required",
            Rule::Forbidden => "pair forbidden by the coordinator",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A score split by criterion; the fields sum to [`Breakdown::total`].
///
/// Each field is weight × fraction in thousandths (see [`Weights`]).
///
/// ```
/// use mentormatch::Breakdown;
/// let b = Breakdown { skills: 30_000, language: 12_000, ..Breakdown::default() };
/// assert_eq!(b.total(), 42_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    /// Skill fit.
    pub skills: i64,
    /// Sector fit.
    pub sector: i64,
    /// Language quality.
    pub language: i64,
    /// Nearness.
    pub distance: i64,
    /// Common time.
    pub time: i64,
    /// Waiting time.
    pub waiting: i64,
    /// Continuity: the pair existed in the previous run.
    #[serde(default)]
    pub continuity: i64,
}

impl Breakdown {
    /// The score: the sum of the criteria.
    ///
    /// ```
    /// let b = mentormatch::Breakdown { waiting: 5_000, continuity: 20_000, ..Default::default() };
    /// assert_eq!(b.total(), 25_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total(&self) -> i64 {
        self.skills
            + self.sector
            + self.language
            + self.distance
            + self.time
            + self.waiting
            + self.continuity
    }
}
