//! The engine's configuration: objective, hard-rule thresholds, criterion weights.

use crate::error::{Error, Result};
use crate::model::Cefr;

/// What the engine optimises at the people level.
///
/// ```
/// use mentormatch::MatchObjective;
/// let o: MatchObjective = serde_json::from_str("\"egalitarian\"")?;
/// assert_eq!(o, MatchObjective::Egalitarian);
/// assert_eq!(MatchObjective::default(), MatchObjective::MaxCardinality);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchObjective {
    /// Everyone who can be matched is matched; among those matchings, the
    /// highest total score. The default.
    #[default]
    MaxCardinality,
    /// The highest total score; someone may be left out if that scores higher.
    MaxWeight,
    /// Maximum cardinality, then the worst-off matched participant's score as
    /// high as possible, then the highest total. Pinned participants count
    /// as matched: when a pinned pair is the worst off whatever the solver
    /// does, no total is given up to raise the others above it.
    Egalitarian,
    /// Participant-proposing deferred acceptance with capacities: no
    /// participant and provider would both rather be together.
    Stable,
}

/// The hard rules. A pair breaking an enabled rule is never made (unless pinned).
///
/// Defaults are the rules of the design: a shared language at `A2` or above,
/// distance within both radii, 60 common minutes a week, mentor requirements
/// met; for offers, kind among the goals, required languages and skills met,
/// distance within the participant's radius, available for the whole
/// schedule, work permit where needed. Forbidden pairs are always excluded.
///
/// ```
/// use mentormatch::{Rules, model::Cefr};
/// let r = Rules::default().min_shared_language(Some(Cefr::B1)).min_common_minutes(120);
/// assert_eq!(r.min_common_minutes, 120);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Mentor rule 1: a language both speak at least at this level; `None` turns the rule off.
    pub min_shared_language: Option<Cefr>,
    /// Mentor rule 2: distance within both travel radii.
    pub mentor_distance: bool,
    /// Mentor rule 3: at least this many minutes a week in both availabilities (0 turns it off).
    pub min_common_minutes: u32,
    /// Mentor rule 4: every one of the participant's `mentor_requirements` among the mentor's tags.
    pub mentor_requirements: bool,
    /// Offer rule 1: the offer's kind among the participant's goals.
    pub offer_goals: bool,
    /// Offer rule 2: required languages and skills met at their levels.
    pub offer_requirements: bool,
    /// Offer rule 3: distance to the company within the participant's radius.
    pub offer_distance: bool,
    /// Offer rule 4: available during the whole schedule.
    pub offer_schedule: bool,
    /// Offer rule 5: work permit when the offer needs one.
    pub offer_work_permit: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_shared_language: Some(Cefr::A2),
            mentor_distance: true,
            min_common_minutes: 60,
            mentor_requirements: true,
            offer_goals: true,
            offer_requirements: true,
            offer_distance: true,
            offer_schedule: true,
            offer_work_permit: true,
        }
    }
}

impl Rules {
    /// Set the minimum shared language level (`None`: no language rule).
    ///
    /// ```
    /// use mentormatch::{Rules, model::Cefr};
    /// assert_eq!(Rules::default().min_shared_language(None).min_shared_language, None);
    /// assert_eq!(Rules::default().min_shared_language, Some(Cefr::A2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn min_shared_language(mut self, level: Option<Cefr>) -> Self {
        self.min_shared_language = level;
        self
    }

    /// Set the minimum common minutes a week.
    ///
    /// ```
    /// assert_eq!(mentormatch::Rules::default().min_common_minutes(0).min_common_minutes, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn min_common_minutes(mut self, minutes: u32) -> Self {
        self.min_common_minutes = minutes;
        self
    }
}

/// Criterion weights. Each criterion yields a fraction in thousandths
/// (0..=1000); a pair's score is the sum of weight × fraction, an integer.
///
/// | criterion | mentor pair | offer pair |
/// |---|---|---|
/// | `skills` | share of the participant's skills the mentor has at the same or a higher level (a lower level counts half) | mean over required skills of the surplus: met exactly ⅓, one level above ⅔, two or more 1; no requirement 0 |
/// | `sector` | 1 if they share a sector | 1 if the company's sector is among the participant's |
/// | `language` | best shared language: `A2` 0 … `native` 1 (min of both levels) | as `skills`, over required languages; none required 0 |
/// | `distance` | 1 − distance / min(radii) | 1 − distance / participant's radius |
/// | `time` | common minutes, saturating at [`Weights::time_saturation_minutes`] | share of the schedule the participant is available for |
/// | `waiting` | waiting days, saturating at [`Weights::waiting_saturation_days`] | the same |
///
/// ```
/// use mentormatch::Weights;
/// let w = Weights::default().skills(50).waiting(0);
/// assert_eq!(w.skills, 50);
/// assert_eq!(Weights::default().max_score(), 100_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Skill fit.
    pub skills: u32,
    /// Sector fit.
    pub sector: u32,
    /// Language quality.
    pub language: u32,
    /// Nearness.
    pub distance: u32,
    /// Common time.
    pub time: u32,
    /// Waiting time: the longer someone has waited, the higher all their pairs
    /// score, so among equals the longest-waiting go first.
    pub waiting: u32,
    /// Continuity bonus, in thousandths like the others: a pair that existed
    /// in the previous run (see [`Matcher::previous`](crate::Matcher::previous))
    /// gets weight × 1000 extra, so a rerun keeps working pairs unless a
    /// clearly better assignment exists.
    pub continuity: u32,
    /// Common minutes a week at which the time criterion reaches 1 (≥ 15).
    pub time_saturation_minutes: u32,
    /// Waiting days at which the waiting criterion reaches 1 (≥ 1).
    pub waiting_saturation_days: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            skills: 30,
            sector: 15,
            language: 20,
            distance: 15,
            time: 10,
            waiting: 10,
            continuity: 20,
            time_saturation_minutes: 240,
            waiting_saturation_days: 365,
        }
    }
}

/// Largest accepted weight of one criterion; keeps every score below 2^32.
pub const MAX_CRITERION_WEIGHT: u32 = 100_000;

macro_rules! setters {
    ($($f:ident),*) => {
        impl Weights {
            $(
                #[doc = concat!("Set the `", stringify!($f), "` weight.")]
                #[must_use]
                pub fn $f(mut self, w: u32) -> Self {
                    self.$f = w;
                    self
                }
            )*
        }
    };
}
setters!(
    skills, sector, language, distance, time, waiting, continuity
);

impl Weights {
    /// The largest score any pair can reach without the continuity bonus:
    /// 1000 × the sum of the criterion weights.
    ///
    /// ```
    /// assert_eq!(mentormatch::Weights::default().sector(0).max_score(), 85_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_score(&self) -> i64 {
        1000 * (i64::from(self.skills)
            + i64::from(self.sector)
            + i64::from(self.language)
            + i64::from(self.distance)
            + i64::from(self.time)
            + i64::from(self.waiting))
    }
}

/// Everything the engine can be told.
///
/// Reads and writes JSON; every field is optional and unknown fields are
/// rejected, so a typo in a configuration file is an error, not a default.
///
/// ```
/// use mentormatch::{Config, MatchObjective};
/// let c = Config::from_json(r#"{"objective": "max_weight", "weights": {"waiting": 40}}"#)?;
/// assert_eq!(c.objective, MatchObjective::MaxWeight);
/// assert_eq!(c.weights.waiting, 40);
/// assert_eq!(c.weights.skills, 30); // the rest keep their defaults
/// assert!(Config::from_json(r#"{"objective": "max_weight", "wieghts": {}}"#).is_err());
/// let fluent = Config::default().objective(MatchObjective::Egalitarian);
/// assert_eq!(fluent.objective, MatchObjective::Egalitarian);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// What to optimise.
    pub objective: MatchObjective,
    /// Hard rules.
    pub rules: Rules,
    /// Criterion weights.
    pub weights: Weights,
    /// How many alternatives per participant and side the report lists
    /// (default 3; 0 for none).
    pub alternatives: u32,
    /// Keep only each participant's best `top_k` candidates per side for the
    /// solver (0, the default, keeps every feasible pair), and each
    /// provider's best `capacity + top_k` (a mentor's or an offer's best
    /// applicants, which its dual depends on). The result stays
    /// exact: after solving, every pruned feasible pair is priced with the
    /// solver's duals, pairs that could improve the optimum enter, and the
    /// solve repeats until none can ([`Summary::proven_optimal`](crate::Summary::proven_optimal)).
    /// Applies to `max_cardinality` and `max_weight`; `egalitarian` and
    /// `stable` always use every pair. With pruning, alternatives, blocking
    /// pairs, `all_taken` counts and [`Candidates::export`](crate::Candidates::export)
    /// consider the kept candidates (and those priced back in).
    pub top_k: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            objective: MatchObjective::default(),
            rules: Rules::default(),
            weights: Weights::default(),
            alternatives: 3,
            top_k: 0,
        }
    }
}

impl Config {
    /// Parse a configuration from JSON.
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON or unknown fields; [`Error::Config`]
    /// for values out of range (see [`Config::validate`]).
    ///
    /// ```
    /// use mentormatch::Config;
    /// assert_eq!(Config::from_json("{}")?, Config::default());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let c: Config = serde_json::from_str(text).map_err(|e| Error::Parse {
            context: "config JSON".into(),
            message: e.to_string(),
        })?;
        c.validate()?;
        Ok(c)
    }

    /// Set the objective.
    ///
    /// ```
    /// use mentormatch::{Config, MatchObjective};
    /// assert_eq!(Config::default().objective(MatchObjective::MaxWeight).objective, MatchObjective::MaxWeight);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn objective(mut self, objective: MatchObjective) -> Self {
        self.objective = objective;
        self
    }

    /// Set the hard rules.
    ///
    /// ```
    /// use mentormatch::{Config, Rules};
    /// let c = Config::default().rules(Rules::default().min_common_minutes(120));
    /// assert_eq!(c.rules.min_common_minutes, 120);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    /// Set the weights.
    ///
    /// ```
    /// use mentormatch::{Config, Weights};
    /// assert_eq!(Config::default().weights(Weights::default().waiting(40)).weights.waiting, 40);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn weights(mut self, weights: Weights) -> Self {
        self.weights = weights;
        self
    }

    /// Keep only the best `k` candidates per participant and side (and
    /// each provider's best `capacity + k`) for the solver, pricing the
    /// rest exactly (0 keeps all).
    ///
    /// ```
    /// let c = mentormatch::Config::default().top_k(16);
    /// assert_eq!(c.top_k, 16);
    /// c.validate()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn top_k(mut self, k: u32) -> Self {
        self.top_k = k;
        self
    }

    /// Set how many alternatives per participant and side the report lists.
    ///
    /// ```
    /// assert_eq!(mentormatch::Config::default().alternatives(5).alternatives, 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn alternatives(mut self, k: u32) -> Self {
        self.alternatives = k;
        self
    }

    /// Check every value is within its documented range.
    ///
    /// # Errors
    /// [`Error::Config`] naming the field: a weight above
    /// [`MAX_CRITERION_WEIGHT`], `time_saturation_minutes` below 15 or above a
    /// week, `waiting_saturation_days` of 0, `min_common_minutes` above a
    /// week, `alternatives` above 100.
    ///
    /// ```
    /// use mentormatch::{Config, Weights};
    /// let bad = Config::default().weights(Weights::default().skills(1_000_000));
    /// assert!(bad.validate().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<()> {
        let w = &self.weights;
        for (name, v) in [
            ("weights.skills", w.skills),
            ("weights.sector", w.sector),
            ("weights.language", w.language),
            ("weights.distance", w.distance),
            ("weights.time", w.time),
            ("weights.waiting", w.waiting),
            ("weights.continuity", w.continuity),
        ] {
            if v > MAX_CRITERION_WEIGHT {
                return Err(config_err(
                    name,
                    v,
                    format!("at most {MAX_CRITERION_WEIGHT}"),
                ));
            }
        }
        let week = 7 * 24 * 60;
        if !(15..=week).contains(&w.time_saturation_minutes) {
            return Err(config_err(
                "weights.time_saturation_minutes",
                w.time_saturation_minutes,
                format!("within 15..={week}"),
            ));
        }
        if w.waiting_saturation_days == 0 {
            return Err(config_err(
                "weights.waiting_saturation_days",
                0,
                "at least 1",
            ));
        }
        if self.rules.min_common_minutes > week {
            return Err(config_err(
                "rules.min_common_minutes",
                self.rules.min_common_minutes,
                format!("at most {week} (a week)"),
            ));
        }
        if self.alternatives > 100 {
            return Err(config_err("alternatives", self.alternatives, "at most 100"));
        }
        Ok(())
    }
}

fn config_err(field: &str, value: impl std::fmt::Display, message: impl Into<String>) -> Error {
    Error::Config {
        field: field.into(),
        value: value.to_string(),
        message: message.into(),
    }
}
