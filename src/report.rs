//! What a run produces: pairs with explanations, unmatched reasons, fairness.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::model::{CompanyId, MentorId, OfferId, ParticipantId};
use crate::score::{Breakdown, MatchObjective, Rule};

/// Which kind of provider a participant sought.
///
/// ```
/// use mentormatch::Side;
/// assert_eq!(serde_json::to_string(&Side::Offer)?, "\"offer\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A mentor.
    Mentor,
    /// A company offer.
    Offer,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Mentor => "mentor",
            Side::Offer => "offer",
        })
    }
}

/// A participant paired with a mentor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentorMatch {
    /// The participant.
    pub participant: ParticipantId,
    /// The mentor.
    pub mentor: MentorId,
    /// The pair's score: the sum of the breakdown.
    pub score: i64,
    /// Score per criterion.
    pub breakdown: Breakdown,
    /// True when the pair was pinned by the coordinator.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// Hard rules a pinned pair breaks (kept anyway, and flagged here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Rule>,
}

/// A participant paired with a company offer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferMatch {
    /// The participant.
    pub participant: ParticipantId,
    /// The offer.
    pub offer: OfferId,
    /// The company making the offer.
    pub company: CompanyId,
    /// The pair's score: the sum of the breakdown.
    pub score: i64,
    /// Score per criterion.
    pub breakdown: Breakdown,
    /// True when the pair was pinned by the coordinator.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// Hard rules a pinned pair breaks (kept anyway, and flagged here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Rule>,
}

fn no_holders(h: &Arc<[Holder]>) -> bool {
    h.is_empty()
}

/// A participant and a provider score, used in explanations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    /// Who holds the place.
    pub participant: ParticipantId,
    /// Their score with the provider.
    pub score: i64,
}

/// Why a participant did not get what they sought.
///
/// ```
/// use mentormatch::{Reason, Rule};
/// let r = Reason::NoFeasibleCandidate { removed_by: [(Rule::TooFar, 3)].into_iter().collect() };
/// assert_eq!(r.to_string(), "no feasible candidate: too far (beyond a travel radius) (3)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Reason {
    /// Every provider was removed by a hard rule; how many by each (the
    /// first rule each provider broke, in checking order).
    NoFeasibleCandidate {
        /// Rule → number of providers it removed.
        removed_by: BTreeMap<Rule, u32>,
    },
    /// Feasible providers exist but all were full; the best one is named
    /// with who holds its places.
    AllTaken {
        /// Number of feasible providers.
        feasible: u32,
        /// The feasible provider with the highest score for this participant.
        best: String,
        /// That score.
        best_score: i64,
        /// Who holds the best provider's places, with their scores, best
        /// first (one list per provider, shared by every explanation that
        /// names it).
        taken_by: Arc<[Holder]>,
    },
    /// A feasible provider had room, but the objective (max weight or
    /// stable) left the participant out.
    NotChosen {
        /// Number of feasible providers.
        feasible: u32,
        /// The best feasible provider with room.
        best: String,
        /// That score.
        best_score: i64,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NoFeasibleCandidate { removed_by } => {
                f.write_str("no feasible candidate: ")?;
                for (i, (r, n)) in removed_by.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{r} ({n})")?;
                }
                Ok(())
            }
            Reason::AllTaken {
                feasible,
                best,
                best_score,
                taken_by,
            } => write!(
                f,
                "all {feasible} feasible providers are full; the best, {best} (score {best_score}), went to {}",
                taken_by
                    .iter()
                    .map(|h| format!("{} ({})", h.participant, h.score))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Reason::NotChosen {
                feasible,
                best,
                best_score,
            } => write!(
                f,
                "not chosen by the objective although {best} (score {best_score}) had room ({feasible} feasible)"
            ),
        }
    }
}

/// A participant who did not get a mentor or an offer they sought.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unmatched {
    /// The participant.
    pub participant: ParticipantId,
    /// What they did not get.
    pub side: Side,
    /// Why.
    pub reason: Reason,
}

/// One ranked alternative for a participant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// The provider's id (mentor or offer).
    pub provider: String,
    /// The pair's score.
    pub score: i64,
    /// True when this is the provider the participant got.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chosen: bool,
    /// Why not chosen: who holds its places, best first (empty when it had
    /// room; one list per provider, shared by every alternative naming it,
    /// so a report on a million participants stays small).
    #[serde(default, skip_serializing_if = "no_holders")]
    pub taken_by: Arc<[Holder]>,
}

/// The top feasible providers of a participant on one side, best first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternatives {
    /// The participant.
    pub participant: ParticipantId,
    /// Which side.
    pub side: Side,
    /// Ranked by score, then id.
    pub ranked: Vec<Alternative>,
}

/// Match rate and mean score of one audit group.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupStats {
    /// Participants of the group seeking this side.
    pub seeking: u32,
    /// Of those, matched.
    pub matched: u32,
    /// matched / seeking (0 when nobody seeks).
    pub match_rate: f64,
    /// Mean score of the group's matched pairs (0 when none).
    pub mean_score: f64,
}

/// Distribution of matched scores.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreStats {
    /// Lowest.
    pub min: i64,
    /// 10th percentile (nearest rank).
    pub p10: i64,
    /// Median (nearest rank).
    pub median: i64,
    /// Mean.
    pub mean: f64,
    /// Gini coefficient, 0 (all equal) to 1.
    pub gini: f64,
}

/// Provider utilisation: assigned / capacity.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadStats {
    /// Number of providers.
    pub providers: u32,
    /// Lowest utilisation.
    pub min: f64,
    /// Mean utilisation.
    pub mean: f64,
    /// Highest utilisation.
    pub max: f64,
}

/// Fairness metrics of one side.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SideFairness {
    /// Participants seeking this side.
    pub seeking: u32,
    /// Of those, matched.
    pub matched: u32,
    /// matched / seeking.
    pub match_rate: f64,
    /// Audit key → group value → statistics.
    pub groups: BTreeMap<String, BTreeMap<String, GroupStats>>,
    /// Audit key → lowest group match rate / highest (1 is parity).
    pub match_rate_ratio: BTreeMap<String, f64>,
    /// Matched scores.
    pub scores: ScoreStats,
    /// Provider utilisation.
    pub load: LoadStats,
    /// Pairs (participant, provider), feasible and not matched together,
    /// who would both rather be together than with what they got.
    pub blocking_pairs: u64,
    /// Participants left without although a feasible provider has room.
    pub wasteful_gaps: u64,
}

/// Fairness metrics for both sides. Audit labels are read only here.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fairness {
    /// Mentor side.
    pub mentor: SideFairness,
    /// Offer side.
    pub offer: SideFairness,
}

/// How a rerun relates to the previous run, for one side.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContinuityStats {
    /// Pairs in the previous run.
    pub previous: u32,
    /// Previous pairs whose participant or provider is no longer in the instance.
    pub ended: u32,
    /// Participants who kept their provider.
    pub kept: u32,
    /// Participants who got a different provider.
    pub changed: u32,
    /// Participants who had a provider and now have none.
    pub lost: u32,
    /// Participants who had none and now have one.
    pub new: u32,
}

/// How a rerun relates to the previous run (present when one was given).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Continuity {
    /// Mentor side.
    pub mentor: ContinuityStats,
    /// Offer side.
    pub offer: ContinuityStats,
}

/// Headline counts of a run.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Participants in the instance.
    pub participants: u32,
    /// Mentors in the instance.
    pub mentors: u32,
    /// Offers in the instance.
    pub offers: u32,
    /// Feasible participant–mentor pairs.
    pub mentor_candidates: u64,
    /// Feasible participant–offer pairs.
    pub offer_candidates: u64,
    /// Participants seeking a mentor.
    pub seeking_mentor: u32,
    /// Of those, matched.
    pub matched_mentor: u32,
    /// Participants seeking an offer.
    pub seeking_offer: u32,
    /// Of those, matched.
    pub matched_offer: u32,
    /// Sum of the scores of all mentor pairs.
    pub mentor_total_score: i64,
    /// Sum of the scores of all offer pairs.
    pub offer_total_score: i64,
    /// Pinned pairs kept.
    pub pinned: u32,
    /// Pinned pairs that break a hard rule.
    pub pinned_with_violations: u32,
    /// Pairs left out of the solver by `top_k` (0 without pruning): the
    /// feasible ones, and pairs left before their rules were checked
    /// because a bound on their score could not reach the participant's
    /// best `top_k` (some of those may be infeasible).
    #[serde(default)]
    pub pruned_pairs: u64,
    /// Pruned pairs that entered because pricing showed they could improve the optimum.
    #[serde(default)]
    pub priced_in: u64,
    /// Solves needed by the side that needed most (1 without pruning; see
    /// [`Config::top_k`](crate::Config::top_k)).
    #[serde(default)]
    pub pricing_rounds: u32,
    /// True when the result is proven optimal over the whole feasible graph
    /// for the objective (always, without pruning; with pruning, after pricing).
    #[serde(default)]
    pub proven_optimal: bool,
}

/// The result of [`Matcher::run`](crate::Matcher::run).
///
/// Serialises to the report JSON of the design (`mentor_matches`,
/// `offer_matches`, `unmatched`, `fairness`, plus `alternatives` and
/// `summary`). `Display` prints a summary for a coordinator: counts and
/// reasons, no personal data.
///
/// ```
/// use mentormatch::{Config, Instance, Matcher};
/// let inst = Instance::from_json(r#"{
///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
///                     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
///                "capacity": 2, "languages": [{"code": "fr", "level": "native"}],
///                "availability": ["mon-fri 08:00-18:00"]}]
/// }"#)?;
/// let report = Matcher::new(Config::default()).run(&inst)?;
/// assert_eq!(report.mentor_of("p-1").map(|m| m.as_str()), Some("m-1"));
/// assert!(report.to_string().contains("mentors: 1 of 1 matched"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The objective used.
    pub objective: MatchObjective,
    /// Mentor pairs, by participant id.
    pub mentor_matches: Vec<MentorMatch>,
    /// Offer pairs, by participant id.
    pub offer_matches: Vec<OfferMatch>,
    /// One entry per participant and side sought and not obtained.
    pub unmatched: Vec<Unmatched>,
    /// Top alternatives per participant and side (as many as configured).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternatives>,
    /// Fairness metrics.
    pub fairness: Fairness,
    /// Headline counts.
    pub summary: Summary,
    /// Kept and changed pairs relative to a previous run, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuity: Option<Continuity>,
}

impl Report {
    /// The mentor assigned to a participant, if any.
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
    ///     "capacity": 1, "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// let report = mentormatch::Matcher::new(mentormatch::Config::default()).run(&inst)?;
    /// assert_eq!(report.mentor_of("p-1").map(|m| m.as_str()), Some("m-1"));
    /// assert_eq!(report.mentor_of("p-2"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mentor_of(&self, participant: &str) -> Option<&MentorId> {
        self.mentor_matches
            .binary_search_by(|m| m.participant.as_str().cmp(participant))
            .ok()
            .map(|i| &self.mentor_matches[i].mentor)
    }

    /// The offer assigned to a participant, if any.
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
    ///     "capacity": 1, "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// let report = mentormatch::Matcher::new(mentormatch::Config::default()).run(&inst)?;
    /// assert_eq!(report.offer_of("p-1"), None); // p-1 seeks no offer
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offer_of(&self, participant: &str) -> Option<&OfferId> {
        self.offer_matches
            .binary_search_by(|m| m.participant.as_str().cmp(participant))
            .ok()
            .map(|i| &self.offer_matches[i].offer)
    }

    /// Unmatched entries counted by reason kind and side, for summaries.
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{"participants": [{"id": "p-1",
    ///   "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20}]}"#)?;
    /// let report = mentormatch::Matcher::new(mentormatch::Config::default()).run(&inst)?;
    /// let by = report.unmatched_by_reason();
    /// assert_eq!(by.values().sum::<u32>(), 1); // p-1 sought a mentor and there is none
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unmatched_by_reason(&self) -> BTreeMap<(Side, String), u32> {
        let mut m = BTreeMap::new();
        for u in &self.unmatched {
            let key = match &u.reason {
                Reason::NoFeasibleCandidate { removed_by } => {
                    // The last rule in checking order that removed anyone is
                    // the decisive one: the providers that passed every earlier
                    // rule (within reach, of a sought kind...) all failed it.
                    let top = removed_by
                        .keys()
                        .next_back()
                        .map_or("none", |r| r.describe());
                    format!("no feasible candidate, decisive rule: {top}")
                }
                Reason::AllTaken { .. } => "all feasible providers full".to_owned(),
                Reason::NotChosen { .. } => "not chosen by the objective".to_owned(),
            };
            *m.entry((u.side, key)).or_insert(0) += 1;
        }
        m
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.summary;
        writeln!(
            f,
            "instance: {} participants, {} mentors, {} offers; {} feasible mentor pairs, {} feasible offer pairs",
            s.participants, s.mentors, s.offers, s.mentor_candidates, s.offer_candidates
        )?;
        writeln!(f, "objective: {:?}", self.objective)?;
        let pct = |a: u32, b: u32| {
            if b == 0 {
                0.0
            } else {
                100.0 * f64::from(a) / f64::from(b)
            }
        };
        writeln!(
            f,
            "mentors: {} of {} matched ({:.1} %), total score {}",
            s.matched_mentor,
            s.seeking_mentor,
            pct(s.matched_mentor, s.seeking_mentor),
            s.mentor_total_score
        )?;
        writeln!(
            f,
            "offers: {} of {} matched ({:.1} %), total score {}",
            s.matched_offer,
            s.seeking_offer,
            pct(s.matched_offer, s.seeking_offer),
            s.offer_total_score
        )?;
        if let Some(c) = &self.continuity {
            for (name, x) in [("mentor", &c.mentor), ("offer", &c.offer)] {
                writeln!(
                    f,
                    "continuity ({name}s): {} previous pairs: {} kept, {} changed, {} lost, {} ended; {} new",
                    x.previous, x.kept, x.changed, x.lost, x.ended, x.new
                )?;
            }
        }
        if s.pruned_pairs > 0 {
            writeln!(
                f,
                "top-k pruning: {} pairs left out, {} priced back in, {} solves; proven optimal: {}",
                s.pruned_pairs,
                s.priced_in,
                s.pricing_rounds,
                if s.proven_optimal { "yes" } else { "no" }
            )?;
        }
        if s.pinned > 0 {
            writeln!(
                f,
                "pinned pairs kept: {} ({} break a hard rule)",
                s.pinned, s.pinned_with_violations
            )?;
        }
        let by = self.unmatched_by_reason();
        if !by.is_empty() {
            writeln!(f, "unmatched by reason:")?;
            for ((side, why), n) in by {
                writeln!(f, "  {side:<6} {n:>5}  {why}")?;
            }
        }
        for (name, side) in [
            ("mentor", &self.fairness.mentor),
            ("offer", &self.fairness.offer),
        ] {
            if side.seeking == 0 {
                continue;
            }
            write!(
                f,
                "fairness ({name}s): scores min {} / p10 {} / median {} / mean {:.0}, gini {:.3}; load {:.2}..{:.2} (mean {:.2}); blocking pairs {}; wasteful gaps {}",
                side.scores.min,
                side.scores.p10,
                side.scores.median,
                side.scores.mean,
                side.scores.gini,
                side.load.min,
                side.load.max,
                side.load.mean,
                side.blocking_pairs,
                side.wasteful_gaps
            )?;
            for (key, ratio) in &side.match_rate_ratio {
                write!(f, "; match-rate ratio by {key} {ratio:.2}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Score distribution of `scores` (any order).
pub(crate) fn score_stats(scores: &mut [i64]) -> ScoreStats {
    if scores.is_empty() {
        return ScoreStats::default();
    }
    scores.sort_unstable();
    let n = scores.len();
    let rank = |q: f64| scores[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
    let sum: i128 = scores.iter().map(|&x| i128::from(x)).sum();
    let mean = sum as f64 / n as f64;
    // Gini over sorted values: Σ (2i − n − 1) x_i / (n Σ x), i from 1.
    let gini = if sum <= 0 {
        0.0
    } else {
        let num: i128 = scores
            .iter()
            .enumerate()
            .map(|(i, &x)| (2 * (i as i128 + 1) - n as i128 - 1) * i128::from(x))
            .sum();
        num as f64 / (n as f64 * sum as f64)
    };
    ScoreStats {
        min: scores[0],
        p10: rank(0.10),
        median: rank(0.50),
        mean,
        gini,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_known_values() {
        let s = score_stats(&mut [4, 1, 3, 2, 10, 6, 7, 8, 9, 5]);
        assert_eq!(s.min, 1);
        assert_eq!(s.p10, 1);
        assert_eq!(s.median, 5);
        assert!((s.mean - 5.5).abs() < 1e-12);
        // Gini of 1..=10 is 0.3.
        assert!((s.gini - 0.3).abs() < 1e-12, "{}", s.gini);
        let e = score_stats(&mut [7, 7, 7]);
        assert!(e.gini.abs() < 1e-12);
        assert_eq!(score_stats(&mut []), ScoreStats::default());
    }
}
