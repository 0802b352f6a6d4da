//! The engine: candidates → exact assignment per side → report.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::assign::{self, Objective, Problem};
use crate::control::{CancelToken, Control, Observer, Stage};
use crate::error::Result;
use crate::instance::Instance;
use crate::report::{
    Alternative, Alternatives, Fairness, GroupStats, Holder, LoadStats, MentorMatch, OfferMatch,
    Reason, Report, Side, SideFairness, Summary, Unmatched, score_stats,
};
use crate::report::{Continuity, ContinuityStats};
use crate::score::{
    self, Breakdown, Cand, Candidates, Config, MatchObjective, Previous, Rule, RuleCounts,
};

/// Runs the pipeline on a validated [`Instance`] with a [`Config`].
///
/// The two sides are independent problems: each participant gets at most
/// one mentor (mentors take up to `capacity`) and at most one offer (offers
/// take up to `slots`). Pinned pairs are kept and use capacity; forbidden
/// pairs are never made. Under the default objective
/// [`MatchObjective::MaxCardinality`] everyone who can be matched is
/// matched, and among those matchings the total score is highest; the
/// solve is exact.
///
/// ```
/// use mentormatch::{Config, Instance, Matcher, MatchObjective};
/// let inst = Instance::from_json(r#"{
///   "participants": [
///     {"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
///      "languages": [{"code": "ar", "level": "native"}, {"code": "fr", "level": "A2"}],
///      "availability": ["mon 09:00-12:00"], "goals": ["internship"], "work_permit": true},
///     {"id": "p-2", "location": {"lat": 49.50, "lon": 5.98}, "max_travel_km": 30,
///      "languages": [{"code": "ar", "level": "native"}],
///      "availability": ["mon 09:00-12:00"]}
///   ],
///   "mentors": [{"id": "m-1", "location": {"lat": 49.55, "lon": 6.05}, "max_travel_km": 30,
///                "capacity": 1, "languages": [{"code": "ar", "level": "B1"}],
///                "availability": ["mon-fri 08:00-18:00"]}],
///   "companies": [{"id": "c-1", "sector": "health", "location": {"lat": 49.62, "lon": 6.14},
///     "offers": [{"id": "c-1/intern", "kind": "internship", "slots": 1, "schedule": ["mon 09:00-12:00"]}]}]
/// }"#)?;
/// let report = Matcher::new(Config::default()).run(&inst)?;
/// assert_eq!(report.summary.matched_mentor, 1); // one mentor place for two people
/// assert_eq!(report.offer_of("p-1").map(|o| o.as_str()), Some("c-1/intern"));
/// assert_eq!(report.unmatched.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    config: Config,
    previous: Previous,
    control: Control,
}

/// Result of one side: provider per canonical participant and pinned flags.
struct SideResult {
    assigned: Vec<Option<u32>>,
    pinned: Vec<bool>,
    /// The solver's answer with the vertex maps, for pricing pruned pairs
    /// (absent under `stable`).
    proof: Option<Proof>,
}

/// An assignment with its duals and the maps from people to its vertices.
struct Proof {
    assignment: assign::Assignment,
    /// Participant → left vertex (`u32::MAX`: not in the problem).
    left_of: Vec<u32>,
    /// Provider → right vertex (`u32::MAX`: no room left).
    right_of: Vec<u32>,
}

/// At most this many pairs of a participant enter per pricing pass (fewer
/// when `top_k` is smaller); the next `top_k` are kept aside. At a million
/// participants with `top_k` 16, entering 4 rather than 16 let 5.4 million
/// pairs in instead of 15.3 million, over 8 solves instead of 6, and solve +
/// price took 136 s instead of 150 s with a lower peak (one run each).
const ENTER_PER_PASS: usize = 4;

/// How a side's pruned candidates were priced.
#[derive(Debug, Clone, Copy, Default)]
struct Pricing {
    pruned: u64,
    entered: u64,
    rounds: u32,
    proven: bool,
}

impl Matcher {
    /// A matcher with this configuration.
    ///
    /// ```
    /// use mentormatch::{Config, Matcher, MatchObjective};
    /// let m = Matcher::new(Config::default().objective(MatchObjective::Stable));
    /// assert_eq!(m.config().objective, MatchObjective::Stable);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(config: Config) -> Self {
        Matcher {
            config,
            previous: Previous::default(),
            control: Control::default(),
        }
    }

    /// Report progress by stage to `observer`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use mentormatch::{Config, Matcher, Observer, Stage};
    /// struct Quiet;
    /// impl Observer for Quiet {
    ///     fn progress(&self, _: Stage, _: u64, _: u64) {}
    /// }
    /// let report = Matcher::new(Config::default()).observer(Arc::new(Quiet)).run(&mentormatch::Instance::from_json("{}")?)?;
    /// assert_eq!(report.summary.participants, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.control.observer = Some(observer);
        self
    }

    /// Stop promptly with [`Error::Cancelled`](crate::Error::Cancelled) when
    /// `token` is tripped (checked per participant while scoring, and between
    /// stages).
    ///
    /// ```
    /// use mentormatch::{CancelToken, Config, Matcher};
    /// let token = CancelToken::new();
    /// let matcher = Matcher::new(Config::default()).cancel_token(token.clone());
    /// // Another thread may call `token.cancel()` while `matcher.run(..)` works.
    /// assert!(matcher.run(&mentormatch::Instance::from_json("{}")?).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn cancel_token(mut self, token: CancelToken) -> Self {
        self.control.cancel = Some(token);
        self
    }

    /// Prefer the pairs of a previous run: each still-feasible one gets the
    /// continuity bonus, and the report counts kept and changed pairs.
    ///
    /// ```
    /// use mentormatch::{Config, Instance, Matcher, Previous};
    /// let inst = Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///                     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [
    ///     {"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20, "capacity": 1,
    ///      "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]},
    ///     {"id": "m-2", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20, "capacity": 1,
    ///      "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// // Without history m-2 fits better; with m-1 as the previous mentor, the pair is kept.
    /// let fresh = Matcher::new(Config::default()).run(&inst)?;
    /// assert_eq!(fresh.mentor_of("p-1").map(|m| m.as_str()), Some("m-2"));
    /// let rerun = Matcher::new(Config::default()).previous(Previous::new().mentor("p-1", "m-1")).run(&inst)?;
    /// assert_eq!(rerun.mentor_of("p-1").map(|m| m.as_str()), Some("m-1"));
    /// assert_eq!(rerun.continuity.as_ref().map(|c| c.mentor.kept), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn previous(mut self, previous: Previous) -> Self {
        self.previous = previous;
        self
    }

    /// The candidates this matcher would solve (with the continuity bonus
    /// of [`Matcher::previous`]), for export or for
    /// [`Matcher::run_with_candidates`].
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an out-of-range configuration.
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
    ///     "capacity": 1, "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// let matcher = mentormatch::Matcher::new(mentormatch::Config::default());
    /// let cands = matcher.candidates(&inst)?;
    /// assert_eq!(cands.mentor_pair_count(), 1);
    /// let report = matcher.run_with_candidates(&inst, &cands)?;
    /// assert_eq!(report.summary.matched_mentor, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn candidates(&self, inst: &Instance) -> Result<Candidates> {
        Candidates::compute_controlled(inst, &self.config, &self.previous, &self.control)
    }

    /// The configuration.
    ///
    /// ```
    /// use mentormatch::{Config, Matcher};
    /// assert_eq!(Matcher::new(Config::default()).config(), &Config::default());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Run the whole pipeline.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an out-of-range
    /// configuration; solver errors cannot occur on a validated instance but
    /// are passed on rather than hidden.
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run(&self, inst: &Instance) -> Result<Report> {
        let cands = self.candidates(inst)?;
        self.run_with_candidates(inst, &cands)
    }

    /// Run with candidates computed before (by [`Matcher::candidates`] or
    /// [`Candidates::compute`] with the same configuration), for example to
    /// compare objectives without re-scoring. The previous pairs are those
    /// the candidates were computed with.
    ///
    /// # Errors
    /// As [`Matcher::run`].
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
    ///     "capacity": 1, "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// use mentormatch::{Candidates, Config, MatchObjective, Matcher};
    /// let cands = Candidates::compute(&inst, &Config::default())?;
    /// for objective in [MatchObjective::MaxCardinality, MatchObjective::Stable] {
    ///     let report = Matcher::new(Config::default().objective(objective)).run_with_candidates(&inst, &cands)?;
    ///     assert_eq!(report.summary.matched_mentor, 1);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_with_candidates(&self, inst: &Instance, cands: &Candidates) -> Result<Report> {
        self.config.validate()?;
        let mentor_caps: Vec<u32> = inst.mentors.iter().map(|m| m.capacity).collect();
        let offer_caps: Vec<u32> = inst.offers.iter().map(|o| o.slots).collect();
        let ctl = &self.control;
        ctl.check(Stage::SolveMentors)?;
        // Lowest score among pinned pairs (as the report shows them), for Egalitarian.
        let cfg = &self.config;
        let pinned_min_m = inst
            .pinned_mentor
            .iter()
            .map(|&(p, q)| {
                score::mentor_breakdown_any(inst, cfg, p, q).total()
                    + score::continuity(cfg, cands.prev_mentor[p as usize], q)
            })
            .min();
        let pinned_min_o = inst
            .pinned_offer
            .iter()
            .map(|&(p, q)| {
                score::offer_breakdown_any(inst, cfg, p, q).total()
                    + score::continuity(cfg, cands.prev_offer[p as usize], q)
            })
            .min();
        // A cancelled solve stops between insertions and names its side.
        let stopped = || ctl.cancelled();
        let stop = assign::Stop::when(&stopped);
        let in_stage = |stage: Stage| {
            move |e: crate::Error| match e {
                crate::Error::Cancelled { .. } => crate::Error::Cancelled {
                    stage: stage.to_string(),
                },
                e => e,
            }
        };
        // Each participant's place in grid order, for the solvers (see
        // `solve_side`), worked out once for both sides.
        let mut rank = vec![0u32; inst.participants.len()];
        for (i, p) in score::spatial_order(inst).into_iter().enumerate() {
            rank[p as usize] = i as u32;
        }
        // The two sides are independent problems: solve them side by side.
        // Once the offers are solved, their part of the report is built
        // beside the mentor side's next solve, which keeps one core busy
        // (`beside`); at a million participants the offers are solved long
        // before the mentors. The report is the same wherever it is built.
        let offers_done: OnceLock<(SideResult, Pricing, Option<Csr>)> = OnceLock::new();
        let offer_part: OnceLock<SidePart<OfferMatch>> = OnceLock::new();
        let build_offer_part = |(res, _, lists): &(SideResult, Pricing, Option<Csr>)| {
            let input = SideIn::new(Side::Offer, cands, res, lists.as_ref(), &offer_caps);
            self.offer_part(inst, cands, &input)
        };
        let beside = || {
            if let Some(done) = offers_done.get().filter(|_| !ctl.cancelled()) {
                offer_part.get_or_init(|| build_offer_part(done));
            }
        };
        let (m_side, o_side) = rayon::join(
            || {
                ctl.progress(Stage::SolveMentors, 0, 1);
                let r = solve_priced(
                    inst,
                    cfg,
                    cands,
                    true,
                    &mentor_caps,
                    &inst.pinned_mentor,
                    pinned_min_m,
                    (&rank, stop, &beside),
                    (ctl, Stage::PriceMentors),
                )
                .map_err(in_stage(Stage::SolveMentors));
                ctl.progress(Stage::SolveMentors, 1, 1);
                r
            },
            || {
                ctl.progress(Stage::SolveOffers, 0, 1);
                let r = solve_priced(
                    inst,
                    cfg,
                    cands,
                    false,
                    &offer_caps,
                    &inst.pinned_offer,
                    pinned_min_o,
                    (&rank, stop, &|| {}),
                    (ctl, Stage::PriceOffers),
                )
                .map_err(in_stage(Stage::SolveOffers));
                ctl.progress(Stage::SolveOffers, 1, 1);
                // Set here only, once.
                offers_done.set(r?).ok();
                Ok(())
            },
        );
        let ((m_side, m_pricing, m_lists), ()) = (m_side?, o_side?);
        ctl.check(Stage::Report)?;
        ctl.progress(Stage::Report, 0, 1);
        let m_input = SideIn::new(Side::Mentor, cands, &m_side, m_lists.as_ref(), &mentor_caps);
        let o_done = offers_done
            .get()
            .expect("the offer side is solved when it returns Ok");
        let (m_part, _) = rayon::join(
            || self.mentor_part(inst, cands, &m_input),
            || offer_part.get_or_init(|| build_offer_part(o_done)),
        );
        let (o_part, o_done) = (
            offer_part.into_inner().expect("built above"),
            offers_done.into_inner().expect("set above"),
        );
        let (o_side, o_pricing) = (&o_done.0, o_done.1);
        let mut report = self.assemble(inst, cands, (&m_side, m_part), (o_side, o_part));
        report.summary.pruned_pairs = m_pricing.pruned + o_pricing.pruned;
        report.summary.priced_in = m_pricing.entered + o_pricing.entered;
        report.summary.pricing_rounds = m_pricing.rounds.max(o_pricing.rounds);
        report.summary.proven_optimal = m_pricing.proven && o_pricing.proven;
        ctl.progress(Stage::Report, 1, 1);
        Ok(report)
    }

    /// The mentor side's part of the report.
    fn mentor_part(
        &self,
        inst: &Instance,
        cands: &Candidates,
        input: &SideIn<'_>,
    ) -> SidePart<MentorMatch> {
        side_part(
            inst,
            &self.config,
            cands,
            input,
            |p, m, pinned, b, violations| MentorMatch {
                participant: inst.participant(p).id.clone(),
                mentor: inst.mentor(m).id.clone(),
                score: b.total(),
                breakdown: b,
                pinned,
                violations,
            },
        )
    }

    /// The offer side's part of the report.
    fn offer_part(
        &self,
        inst: &Instance,
        cands: &Candidates,
        input: &SideIn<'_>,
    ) -> SidePart<OfferMatch> {
        side_part(
            inst,
            &self.config,
            cands,
            input,
            |p, o, pinned, b, violations| {
                let (company, offer) = inst.offer(o);
                OfferMatch {
                    participant: inst.participant(p).id.clone(),
                    offer: offer.id.clone(),
                    company: company.id.clone(),
                    score: b.total(),
                    breakdown: b,
                    pinned,
                    violations,
                }
            },
        )
    }

    /// The report from both sides' parts: entries by participant, the
    /// mentor side's first.
    fn assemble(
        &self,
        inst: &Instance,
        cands: &Candidates,
        (m_side, m): (&SideResult, SidePart<MentorMatch>),
        (o_side, o): (&SideResult, SidePart<OfferMatch>),
    ) -> Report {
        let summary = Summary {
            participants: inst.participants.len() as u32,
            mentors: inst.mentors.len() as u32,
            offers: inst.offers.len() as u32,
            mentor_candidates: m.pairs,
            offer_candidates: o.pairs,
            seeking_mentor: m.fairness.seeking,
            matched_mentor: m.matches.len() as u32,
            seeking_offer: o.fairness.seeking,
            matched_offer: o.matches.len() as u32,
            mentor_total_score: m.total,
            offer_total_score: o.total,
            pinned: m.pinned + o.pinned,
            pinned_with_violations: m.pinned_with_violations + o.pinned_with_violations,
            ..Summary::default()
        };
        let (given_m, given_o) = cands.prev_given;
        let continuity = (given_m + given_o > 0).then(|| Continuity {
            mentor: continuity_stats(&cands.prev_mentor, &m_side.assigned, given_m),
            offer: continuity_stats(&cands.prev_offer, &o_side.assigned, given_o),
        });
        Report {
            continuity,
            objective: self.config.objective,
            mentor_matches: m.matches,
            offer_matches: o.matches,
            unmatched: by_participant(m.unmatched, o.unmatched),
            alternatives: by_participant(m.alternatives, o.alternatives),
            fairness: Fairness {
                mentor: m.fairness,
                offer: o.fairness,
            },
            summary,
        }
    }
}

/// What one side's part of the report reads.
struct SideIn<'a> {
    side: Side,
    /// The side's lists (with the pairs priced in) and their starts.
    lists: (&'a [Cand], &'a [usize]),
    res: &'a SideResult,
    caps: &'a [u32],
}

impl<'a> SideIn<'a> {
    /// Side `side` as solved (`res`), with its final lists when pairs
    /// were priced in, else the candidates' own.
    fn new(
        side: Side,
        cands: &'a Candidates,
        res: &'a SideResult,
        lists: Option<&'a Csr>,
        caps: &'a [u32],
    ) -> Self {
        let own = match side {
            Side::Mentor => (&cands.mentor[..], &cands.mentor_start[..]),
            Side::Offer => (&cands.offer[..], &cands.offer_start[..]),
        };
        let lists = lists.map_or(own, |(l, s)| (&l[..], &s[..]));
        SideIn {
            side,
            lists,
            res,
            caps,
        }
    }
}

/// One side's part of the report (see [`side_part`]).
struct SidePart<M> {
    /// By participant.
    matches: Vec<M>,
    /// By participant, with its index.
    unmatched: Vec<(u32, Unmatched)>,
    /// By participant, with its index.
    alternatives: Vec<(u32, Alternatives)>,
    fairness: SideFairness,
    /// Candidate pairs (with those priced in).
    pairs: u64,
    total: i64,
    pinned: u32,
    pinned_with_violations: u32,
}

/// One side's matches (`matched(p, q, pinned, breakdown, violations)`
/// makes one from the pair's breakdown with its continuity, and the rules
/// a pinned pair breaks), its unmatched participants among those who seek
/// it, with the reason, alternatives and fairness. Each is built in
/// parallel over participants and collected in participant order, so the
/// part does not depend on the threads.
fn side_part<M: Send>(
    inst: &Instance,
    cfg: &Config,
    cands: &Candidates,
    s: &SideIn<'_>,
    matched: impl Fn(u32, u32, bool, Breakdown, Vec<Rule>) -> M + Sync,
) -> SidePart<M> {
    let mentors = s.side == Side::Mentor;
    let (rejected, prev) = if mentors {
        (&cands.mentor_rejected, &cands.prev_mentor)
    } else {
        (&cands.offer_rejected, &cands.prev_offer)
    };
    let seeks = |p: u32| {
        let pc = &inst.participants[p as usize];
        (if mentors {
            pc.seeks_mentor
        } else {
            pc.goals != 0
        }) || s.res.pinned[p as usize]
    };
    let name = |q: u32| {
        if mentors {
            inst.mentor(q).id.to_string()
        } else {
            inst.offer(q).1.id.to_string()
        }
    };
    // A pinned pair may break a rule: its breakdown then ignores them.
    let breakdown = |p: u32, q: u32| {
        let checked = if mentors {
            score::evaluate_mentor(inst, cfg, p, q, false)
        } else {
            score::evaluate_offer(inst, cfg, p, q, false)
        };
        let (mut b, violations) = match checked {
            Ok(b) => (b, Vec::new()),
            Err(mask) if mentors => (
                score::mentor_breakdown_any(inst, cfg, p, q),
                score::rules_of(mask),
            ),
            Err(mask) => (
                score::offer_breakdown_any(inst, cfg, p, q),
                score::rules_of(mask),
            ),
        };
        b.continuity = score::continuity(cfg, prev[p as usize], q);
        (b, violations)
    };
    let n = inst.participants.len() as u32;
    let (list, start) = s.lists;
    let (res, caps) = (s.res, s.caps);
    let list_of = |p: u32| &list[start[p as usize]..start[p as usize + 1]];
    let hold = holders(
        &res.assigned,
        caps.len(),
        |p, q| score_of(list_of(p), q),
        inst,
    );
    // Each match with its score and whether it is pinned, and pinned
    // against a rule.
    let made: Vec<(M, i64, bool, bool)> = (0..n)
        .into_par_iter()
        .filter_map(|p| {
            let q = res.assigned[p as usize]?;
            let pinned = res.pinned[p as usize];
            let (b, violations) = breakdown(p, q);
            let (score, violated) = (b.total(), !violations.is_empty());
            Some((
                matched(p, q, pinned, b, violations),
                score,
                pinned,
                pinned && violated,
            ))
        })
        .collect();
    let unmatched = (0..n)
        .into_par_iter()
        .filter(|&p| res.assigned[p as usize].is_none() && seeks(p))
        .map(|p| {
            let reason = unmatched_reason(list_of(p), &rejected[p as usize], &hold, caps, &name);
            let participant = inst.participant(p).id.clone();
            let side = s.side;
            (
                p,
                Unmatched {
                    participant,
                    side,
                    reason,
                },
            )
        })
        .collect();
    let alternatives = if cfg.alternatives == 0 {
        Vec::new()
    } else {
        (0..n)
            .into_par_iter()
            .filter(|&p| !list_of(p).is_empty())
            .map(|p| {
                let ranked = top_ranked(list_of(p), cfg.alternatives as usize)
                    .into_iter()
                    .map(|c| {
                        let chosen = res.assigned[p as usize] == Some(c.q);
                        Alternative {
                            provider: name(c.q),
                            score: c.score,
                            chosen,
                            taken_by: if chosen {
                                Arc::default()
                            } else {
                                hold[c.q as usize].clone()
                            },
                        }
                    })
                    .collect();
                let participant = inst.participant(p).id.clone();
                let side = s.side;
                (
                    p,
                    Alternatives {
                        participant,
                        side,
                        ranked,
                    },
                )
            })
            .collect()
    };
    let (mut total, mut pinned, mut pinned_with_violations) = (0, 0, 0);
    let mut matches = Vec::with_capacity(made.len());
    let mut scores = Vec::with_capacity(made.len());
    for (m, score, is_pinned, violated) in made {
        matches.push(m);
        total += score;
        scores.push(score);
        pinned += u32::from(is_pinned);
        pinned_with_violations += u32::from(violated);
    }
    let fairness = side_fairness(inst, list, start, res, caps, &scores, seeks);
    SidePart {
        matches,
        unmatched,
        alternatives,
        fairness,
        pairs: list.len() as u64,
        total,
        pinned,
        pinned_with_violations,
    }
}

/// Two lists by participant merged into one, `a`'s entry first where both
/// have one.
fn by_participant<T>(a: Vec<(u32, T)>, b: Vec<(u32, T)>) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for (p, x) in a {
        while let Some((_, y)) = b.next_if(|(q, _)| *q < p) {
            out.push(y);
        }
        out.push(x);
    }
    out.extend(b.map(|(_, y)| y));
    out
}

/// The best `k` candidates, by score (ties: lower provider index first).
fn top_ranked(list: &[Cand], k: usize) -> Vec<&Cand> {
    let key = |c: &&Cand| (Reverse(c.score), c.q);
    let mut ranked: Vec<&Cand> = list.iter().collect();
    if ranked.len() > k {
        ranked.select_nth_unstable_by_key(k - 1, key);
        ranked.truncate(k);
    }
    ranked.sort_unstable_by_key(key);
    ranked
}

/// Kept, changed, lost and new pairs of one side.
fn continuity_stats(prev: &[Option<u32>], now: &[Option<u32>], given: usize) -> ContinuityStats {
    let mut c = ContinuityStats {
        previous: given as u32,
        ..ContinuityStats::default()
    };
    let resolved = prev.iter().flatten().count();
    c.ended = (given - resolved) as u32;
    for (a, b) in prev.iter().zip(now) {
        match (a, b) {
            (Some(x), Some(y)) if x == y => c.kept += 1,
            (Some(_), Some(_)) => c.changed += 1,
            (Some(_), None) => c.lost += 1,
            (None, Some(_)) => c.new += 1,
            (None, None) => {}
        }
    }
    c
}

/// Score of `p`'s candidate `q`, if feasible.
fn score_of(list: &[Cand], q: u32) -> Option<i64> {
    list.binary_search_by_key(&q, |c| c.q)
        .ok()
        .map(|i| list[i].score)
}

/// Per provider: who holds its places with their scores, best first, as
/// one shared list.
fn holders(
    assigned: &[Option<u32>],
    n_providers: usize,
    score: impl Fn(u32, u32) -> Option<i64> + Sync,
    inst: &Instance,
) -> Vec<Arc<[Holder]>> {
    let mut h: Vec<Vec<u32>> = vec![Vec::new(); n_providers];
    for (p, q) in assigned.iter().enumerate() {
        if let Some(q) = q {
            h[*q as usize].push(p as u32);
        }
    }
    h.into_par_iter()
        .enumerate()
        .map(|(q, v)| {
            let mut v: Vec<(u32, Option<i64>)> =
                v.into_iter().map(|p| (p, score(p, q as u32))).collect();
            v.sort_by_key(|&(p, s)| (Reverse(s), p));
            v.into_iter()
                .map(|(p, s)| Holder {
                    participant: inst.participant(p).id.clone(),
                    // A pinned pair that breaks a rule has no candidate score; report 0.
                    score: s.unwrap_or(0),
                })
                .collect()
        })
        .collect()
}

fn unmatched_reason(
    list: &[Cand],
    rejected: &RuleCounts,
    hold: &[Arc<[Holder]>],
    caps: &[u32],
    name: &dyn Fn(u32) -> String,
) -> Reason {
    if list.is_empty() {
        let removed_by: BTreeMap<Rule, u32> = Rule::ALL
            .into_iter()
            .filter(|r| rejected[*r as usize] > 0)
            .map(|r| (r, rejected[r as usize]))
            .collect();
        return Reason::NoFeasibleCandidate { removed_by };
    }
    let best_with_room = list
        .iter()
        .filter(|c| (hold[c.q as usize].len() as u32) < caps[c.q as usize])
        .min_by_key(|c| (Reverse(c.score), c.q));
    if let Some(c) = best_with_room {
        return Reason::NotChosen {
            feasible: list.len() as u32,
            best: name(c.q),
            best_score: c.score,
        };
    }
    let best = list
        .iter()
        .min_by_key(|c| (Reverse(c.score), c.q))
        .expect("non-empty");
    Reason::AllTaken {
        feasible: list.len() as u32,
        best: name(best.q),
        best_score: best.score,
        taken_by: hold[best.q as usize].clone(),
    }
}

/// Solve one side: pinned pairs first, then the exact assignment of the rest.
#[allow(clippy::too_many_arguments)]
fn solve_side(
    n: usize,
    caps: &[u32],
    cands: &[Cand],
    start: &[usize],
    pinned: &[(u32, u32)],
    pinned_min: Option<i64>,
    objective: MatchObjective,
    (min_offset, warm): (i64, Option<&PrevSolve>),
    rank: &[u32],
    stop: assign::Stop<'_>,
    spare: &mut Option<assign::Graph>,
) -> Result<SideResult> {
    let mut assigned = vec![None; n];
    let mut is_pinned = vec![false; n];
    let mut remaining: Vec<u32> = caps.to_vec();
    for &(p, q) in pinned {
        assigned[p as usize] = Some(q);
        is_pinned[p as usize] = true;
        remaining[q as usize] -= 1;
    }
    // Right vertices: providers with room; left: unpinned participants with a candidate there.
    let mut right_of_provider = vec![u32::MAX; caps.len()];
    let mut right_caps = Vec::new();
    let mut providers = Vec::new();
    for (q, &r) in remaining.iter().enumerate() {
        if r > 0 {
            right_of_provider[q] = right_caps.len() as u32;
            right_caps.push(r);
            providers.push(q as u32);
        }
    }
    let mut lefts: Vec<u32> = (0..n as u32)
        .into_par_iter()
        .filter(|&p| {
            let p = p as usize;
            !is_pinned[p]
                && cands[start[p]..start[p + 1]]
                    .iter()
                    .any(|c| right_of_provider[c.q as usize] != u32::MAX)
        })
        .collect();
    // For the assignment solvers, neighbours next to each other: a
    // provider's participants then sit close together in the solver's
    // arrays, which its searches read faster than indices spread over the
    // whole map (at 300,000 participants the mentor side's solves took a
    // sixth less time). Only ties between equally good assignments depend
    // on this order, and it depends on the instance alone. Deferred
    // acceptance breaks ties by participant index, so keeps that order.
    if objective != MatchObjective::Stable {
        // Ranks are distinct: an unstable sort gives the same order.
        lefts.par_sort_unstable_by_key(|&p| rank[p as usize]);
    }
    let rop = &right_of_provider;
    let edges = || {
        lefts.iter().enumerate().flat_map(|(l, &p)| {
            cands[start[p as usize]..start[p as usize + 1]]
                .iter()
                .filter(move |c| rop[c.q as usize] != u32::MAX)
                .map(move |c| (l, rop[c.q as usize] as usize, c.score))
        })
    };
    let mut assignment = None;
    let chosen: Vec<Option<usize>> = if objective == MatchObjective::Stable {
        deferred_acceptance(lefts.len(), &right_caps, edges())
    } else {
        // The graph straight from the lists (each sorted by provider, so
        // each row by right vertex), without an edge list to sort.
        let row = |l: usize| {
            let p = lefts[l] as usize;
            cands[start[p]..start[p + 1]]
                .iter()
                .filter(|c| rop[c.q as usize] != u32::MAX)
                .map(|c| (rop[c.q as usize], c.score))
        };
        let graph = assign::Graph::from_rows(
            lefts.len(),
            right_caps.clone(),
            row,
            spare.take().unwrap_or_default(),
        )?;
        let prob = Problem::new(lefts.len(), right_caps.clone());
        let obj = match objective {
            MatchObjective::MaxWeight => Objective::MaxWeight,
            MatchObjective::Egalitarian => Objective::Egalitarian,
            _ => Objective::MaxCardinality,
        };
        // The previous round's solution, in this round's vertices (the
        // same providers; participants new to the graph start free at 0).
        let warm = warm.map(|w| assign::Warm {
            offset: w.offset,
            sol: assign::Solution {
                right_of: lefts
                    .iter()
                    .map(|&p| match w.assigned[p as usize] {
                        u32::MAX => u32::MAX,
                        q => rop[q as usize],
                    })
                    .collect(),
                u: lefts.iter().map(|&p| w.u[p as usize]).collect(),
                v: providers.iter().map(|&q| w.v[q as usize]).collect(),
            },
        });
        let mut a: assign::Assignment =
            prob.solve_graph_at_least(&graph, obj, min_offset, warm.as_ref(), stop)?;
        // Its arrays serve the next round's graph.
        *spare = Some(graph);
        if objective == MatchObjective::Egalitarian {
            // The worst-off matched participant may be a pinned one, whatever
            // the solver does. Then any maximum matching whose free pairs all
            // score at least that pinned score is equally egalitarian, and
            // the best total among them is the answer. (It is still of
            // maximum cardinality: the egalitarian matching is one of them.)
            let free_min = a.pairs().map(|(_, _, w)| w).min();
            if let (Some(pm), Some(fm)) = (pinned_min, free_min)
                && pm < fm
            {
                let mut relaxed = Problem::new(lefts.len(), right_caps.clone());
                for (l, r, w) in edges().filter(|e| e.2 >= pm) {
                    relaxed.add_edge(l, r, w)?;
                }
                a = relaxed.solve_until(Objective::MaxCardinality, stop)?;
            }
        }
        let chosen = (0..lefts.len()).map(|l| a.right_of(l)).collect();
        assignment = Some(a);
        chosen
    };
    for (l, r) in chosen.into_iter().enumerate() {
        if let Some(r) = r {
            assigned[lefts[l] as usize] = Some(providers[r]);
        }
    }
    let proof = assignment.map(|assignment| {
        let mut left_of = vec![u32::MAX; n];
        for (l, &p) in lefts.iter().enumerate() {
            left_of[p as usize] = l as u32;
        }
        Proof {
            assignment,
            left_of,
            right_of: right_of_provider,
        }
    });
    Ok(SideResult {
        assigned,
        pinned: is_pinned,
        proof,
    })
}

/// Solve one side; when its candidate lists were pruned to the best `k`,
/// price every pruned feasible pair with the duals, let those that could
/// improve the optimum enter, and solve again until none can.
///
/// Why this is exact: if no feasible pair has a positive reduced cost
/// `w + B − u − v`, the duals are feasible for the whole feasible graph, so
/// the assignment maximises `Σ (w + B)` over it (LP duality). For
/// `max_weight` (`B = 0`) that is the claim. For `max_cardinality` it also
/// needs `B > k·M` (k pairs assigned, M the largest score of any feasible
/// pair to a provider with room; scores are never negative): then one more
/// pair always outweighs any score difference. The solver's `B` is checked
/// against an upper bound on the whole graph's `M` (the kept scores, and
/// each participant's cut for the pruned ones); if it falls short, the side
/// is solved again over every feasible pair.
///
/// Pricing does not score every pruned pair. Each pruned pair of `p` scores
/// at most `p`'s cut (the best score left out) and `v ≥ 0`, so its reduced
/// cost is at most `cut + B − u_p − v_q`: a participant with
/// `cut + B − u_p ≤ 0` is skipped, and a provider whose `v` reaches that
/// bound is not evaluated (each grid cell's providers are sorted by `v`
/// for the pass, so a scan stops at the bound). The lists also hold each
/// provider's best pairs, so a pair outside them scores at most its
/// provider's cut too, and `u ≥ 0`: a provider whose `v` reaches its own
/// cut `+ B` is closed for the pass, never scanned (at a million
/// participants most offers are: their best applicants are what their
/// duals are made of), and a provider whose `v` less its cut reaches
/// `B − u_p` is passed over in `p`'s scan: the pair's reduced cost is at
/// most `cut_q + B − u_p − v_q`. Only the pairs left can have a positive reduced
/// cost; a pair whose reduced cost, with its
/// distance bounded from the chord, cannot be positive or among the `k`
/// largest is not scored to the end, the others are scored and priced
/// exactly. At most `k` pairs enter per
/// participant and round, those of largest reduced cost (partial pricing),
/// and the next `k` are kept aside; the rounds go on until none has a
/// positive reduced cost. After the first pass, a participant whose
/// positive pairs all entered or were kept aside last pass, and whose `u`
/// has not fallen, is priced only on its pairs aside and against providers
/// whose `v` has fallen (same offset): every other pair's reduced cost was
/// at most 0 and can only have gone down.
#[allow(clippy::too_many_arguments)]
fn solve_priced(
    inst: &Instance,
    cfg: &Config,
    cands: &Candidates,
    mentors: bool,
    caps: &[u32],
    pinned: &[(u32, u32)],
    pinned_min: Option<i64>,
    (rank, stop, beside): (&[u32], assign::Stop<'_>, &(dyn Fn() + Sync)),
    (ctl, price_stage): (&Control, Stage),
) -> Result<(SideResult, Pricing, Option<Csr>)> {
    let n = inst.participants.len();
    let objective = cfg.objective;
    let (list, start, pruned) = if mentors {
        (&cands.mentor, &cands.mentor_start, cands.pruned.0)
    } else {
        (&cands.offer, &cands.offer_start, cands.pruned.1)
    };
    if score::pruning(cfg).is_none() || pruned == 0 {
        let res = solve_side(
            n,
            caps,
            list,
            start,
            pinned,
            pinned_min,
            objective,
            (0, None),
            rank,
            stop,
            &mut None,
        )?;
        let pricing = Pricing {
            rounds: 1,
            proven: true,
            ..Pricing::default()
        };
        return Ok((res, pricing, None));
    }
    let all_pairs = |p: u32| {
        if mentors {
            score::all_mentor_pairs(inst, cfg, cands, p)
        } else {
            score::all_offer_pairs(inst, cfg, cands, p)
        }
    };
    let mut pricing = Pricing {
        pruned,
        ..Pricing::default()
    };
    let k = score::pruning(cfg).unwrap_or(1).max(1);
    let cut = if mentors { &cands.cut.0 } else { &cands.cut.1 };
    let b_all = whole_graph_offset(caps, pinned, list, start, cut);
    let (given, given_start) = (list, start);
    // The lists of the last round: the candidates' own (not copied) until
    // pairs enter. The lists of the round before are kept as `spare_lists`, and
    // the next merge writes into them: at a million participants a fresh
    // array of 15 million pairs is some 60,000 pages, each faulted in on
    // its first write, and those faults cost more than the copy itself.
    let mut owned: Option<Csr> = None;
    let mut spare_lists: Option<Csr> = None;
    // The last round's solver graph, whose arrays the next one reuses.
    let mut graph_spare: Option<assign::Graph> = None;
    // One restricted solve at the whole graph's offset, with `beside` on
    // the other core (the solve keeps one busy).
    let solve_round = |list: &[Cand],
                       start: &[usize],
                       warm: Option<&PrevSolve>,
                       spare: &mut Option<assign::Graph>| {
        let solve = || {
            solve_side(
                n,
                caps,
                list,
                start,
                pinned,
                pinned_min,
                objective,
                (b_all, warm),
                rank,
                stop,
                spare,
            )
        };
        rayon::join(solve, beside).0
    };
    // What the last pass priced against, for incremental passes.
    let mut last: Option<LastPass> = None;
    // The last solve, to start the next one from.
    let mut prev: Option<PrevSolve> = None;
    loop {
        if stop.requested() {
            return Err(crate::Error::Cancelled {
                stage: "solve".to_owned(),
            });
        }
        let (list, start): (&[Cand], &[usize]) = match &owned {
            Some((l, s)) => (l, s),
            None => (given, given_start),
        };
        let res = solve_round(list, start, prev.as_ref(), &mut graph_spare)?;
        pricing.rounds += 1;
        let proof = res
            .proof
            .as_ref()
            .expect("pruning applies to max_cardinality and max_weight only");
        let a = &proof.assignment;
        let offset = a.certificate().offset();
        let room = |q: u32| proof.right_of[q as usize] != u32::MAX;
        let v_of = |q: u32| {
            let r = proof.right_of[q as usize];
            if r == u32::MAX {
                i64::MAX // no room: never enters
            } else {
                a.right_dual(r as usize).unwrap_or(0)
            }
        };
        // The duals, sorted by cell: a scan for `p` stops at the first
        // provider whose `v` is at least `cut + B − u`.
        ctl.progress(price_stage, 0, 1);
        let values: Vec<i64> = (0..caps.len() as u32).map(v_of).collect();
        // A provider whose dual reaches its cut plus `B` gains no pair:
        // every pair outside the graph scores at most the cut, and
        // `u ≥ 0`. Its dual counts as out of reach for this pass.
        let provider_cut = if mentors {
            &cands.provider_cut.0
        } else {
            &cands.provider_cut.1
        };
        let priced_values: Vec<i64> = if provider_cut.len() == values.len() {
            values
                .iter()
                .zip(provider_cut)
                .map(|(&v, &c)| {
                    if c == i64::MIN || i128::from(v) >= i128::from(c) + i128::from(offset) {
                        i64::MAX
                    } else {
                        v
                    }
                })
                .collect()
        } else {
            values.clone()
        };
        let u_of = |p: usize| {
            let l = proof.left_of[p];
            if l == u32::MAX {
                0
            } else {
                a.left_dual(l as usize).unwrap_or(0)
            }
        };
        let us: Vec<i64> = (0..n).map(u_of).collect();
        let duals = score::Duals::new(cands, mentors, priced_values);
        let all_duals = &duals;
        // Incremental pass: a participant whose pruned pairs all had
        // `rc ≤ 0` last pass, apart from those that entered or were kept
        // aside (none left out), and whose `u` has not decreased can only
        // gain a positive pair through a provider whose `v` decreased
        // (same offset): `rc` is `w + B − u − v`. Those participants are
        // priced on their pairs aside and against the providers whose `v`
        // decreased only.
        let inc = last.as_ref().filter(|l| l.offset == offset).map(|l| {
            let dropped: Vec<i64> = duals
                .by_id
                .iter()
                .zip(&l.values)
                .map(|(&v, &old)| if v < old { v } else { i64::MAX })
                .collect();
            (l, score::Duals::new(cands, mentors, dropped))
        });
        // Per participant: pairs that enter, and an upper bound on the best
        // score to a provider with room (kept pairs exactly, pruned ones by
        // the cut).
        #[allow(clippy::type_complexity)]
        let mut priced: Vec<(Vec<Cand>, i64, bool, Vec<Cand>)> = (0..n as u32)
            .into_par_iter()
            .map(|p| {
                let none = |best| (Vec::new(), best, false, Vec::new());
                if res.pinned[p as usize] {
                    return none(0);
                }
                let kept = &list[start[p as usize]..start[p as usize + 1]];
                let mut best = kept
                    .iter()
                    .filter(|c| room(c.q))
                    .map(|c| c.score)
                    .max()
                    .unwrap_or(0);
                let cut_p = cut[p as usize];
                if cut_p == i64::MIN {
                    return none(best);
                }
                best = best.max(cut_p);
                let u = us[p as usize];
                // Every pruned pair scores at most `cut_p`, and `v ≥ 0`.
                let bound = cut_p + offset - u;
                if bound <= 0 {
                    return none(best);
                }
                // Partial pricing: at most `k` pairs per participant and
                // round, those of largest reduced cost (ties: lower
                // provider). Exactness needs only that the loop ends when
                // none is left; admitting every positive pair at once let
                // 150 million pairs in at a million participants. The next
                // `k` are kept aside, so that the next pass need not look
                // for them again.
                let (duals, aside): (_, &[Cand]) = match &inc {
                    Some((l, dropped)) if !l.left_out[p as usize] && u >= l.us[p as usize] => {
                        (dropped, &l.aside[p as usize])
                    }
                    _ => (&duals, &[]),
                };
                let filter = score::CellFilter {
                    duals,
                    bound,
                    base: offset - u,
                    k: k.min(ENTER_PER_PASS),
                    spare: k,
                    aside,
                    dual_of: &all_duals.by_id,
                };
                let score::Entering {
                    mut enter,
                    aside,
                    left_out,
                } = score::entering_pairs(inst, cfg, cands, mentors, p, &filter);
                // The duals are feasible on the kept pairs: none can enter
                // again (checked, as a pair twice in the graph would be wrong).
                let before = enter.len();
                enter.retain(|c| kept.binary_search_by_key(&c.q, |k| k.q).is_err());
                debug_assert_eq!(enter.len(), before, "a kept pair priced positive");
                (enter, best, left_out, aside)
            })
            .collect();
        let entering: usize = priced.iter().map(|x| x.0.len()).sum();
        ctl.progress(price_stage, 1, 1);
        if entering == 0 {
            let max_w = priced.iter().map(|x| x.1).max().unwrap_or(0);
            let k = a.matched() as i128;
            pricing.proven = objective == MatchObjective::MaxWeight
                || i128::from(offset) > k * i128::from(max_w);
            if pricing.proven {
                return Ok((res, pricing, owned));
            }
            // The offset is too small for the whole graph: solve over every pair.
            let full: Vec<Vec<Cand>> = (0..n as u32).into_par_iter().map(all_pairs).collect();
            let (list, start) = csr(full);
            let res = solve_round(&list, &start, None, &mut graph_spare)?;
            pricing.rounds += 1;
            pricing.entered = list.len() as u64 - (cands_len(mentors, cands) as u64);
            pricing.proven = true;
            return Ok((res, pricing, Some((list, start))));
        }
        pricing.entered += entering as u64;
        // Many new pairs at once (more than half the graph: 9 million
        // into 14.5 million at a million participants) free most
        // participants in a warm start, each re-inserted by its own search;
        // a cold solve inserts from the scarce side and is then faster.
        let warm_pays = entering <= list.len() / 2;
        prev = warm_pays.then(|| PrevSolve {
            offset,
            assigned: res.assigned.iter().map(|q| q.unwrap_or(u32::MAX)).collect(),
            u: us.clone(),
            v: values,
        });
        last = Some(LastPass {
            offset,
            values: duals.by_id,
            us,
            left_out: priced.iter().map(|x| x.2).collect(),
            aside: priced
                .iter_mut()
                .map(|x| std::mem::take(&mut x.3))
                .collect(),
        });
        // The kept pairs and those that enter, straight into one new array
        // (no list per participant: at a million that copy was the peak).
        let (mut merged, mut merged_start) = spare_lists.take().unwrap_or_default();
        merged_start.clear();
        merged_start.reserve(n + 1);
        merged_start.push(0);
        for (p, x) in priced.iter().enumerate() {
            merged_start.push(merged_start[p] + (start[p + 1] - start[p]) + x.0.len());
        }
        merged.clear();
        merged.resize(
            merged_start[n],
            Cand {
                p: 0,
                q: 0,
                score: 0,
            },
        );
        // Each participant's part of the array, filled on both threads.
        let mut parts = Vec::with_capacity(n);
        let mut rest = &mut merged[..];
        for w in merged_start.windows(2) {
            let (part, tail) = rest.split_at_mut(w[1] - w[0]);
            parts.push(part);
            rest = tail;
        }
        parts
            .into_par_iter()
            .zip(priced)
            .enumerate()
            .for_each(|(p, (part, (enter, _, _, _)))| {
                let own = &list[start[p]..start[p + 1]];
                part[..own.len()].copy_from_slice(own);
                part[own.len()..].copy_from_slice(&enter);
                part.sort_unstable_by_key(|c| c.q);
            });
        spare_lists = owned.replace((merged, merged_start));
    }
}

/// An offset `B` for the whole feasible graph of one side: `2·M·K + 1`,
/// with `M` a bound on every feasible pair's score (kept scores and each
/// participant's cut; scores are never negative) and `K` a bound on the
/// number of pairs (unpinned participants with a candidate, and the
/// places left after pinning). Each restricted solve is a subgraph, whose
/// own `2·M·K + 1` is no larger, so every pricing round works at this one
/// offset: the duals of successive rounds compare, and the incremental
/// passes apply. 0 (the solver's own) if it exceeds `2^60 + 1`.
fn whole_graph_offset(
    caps: &[u32],
    pinned: &[(u32, u32)],
    list: &[Cand],
    start: &[usize],
    cut: &[i64],
) -> i64 {
    let mut is_pinned = vec![false; start.len().saturating_sub(1)];
    let mut places: u64 = caps.iter().map(|&c| u64::from(c)).sum();
    for &(p, _) in pinned {
        is_pinned[p as usize] = true;
        places = places.saturating_sub(1);
    }
    let mut m = 0i64;
    let mut lefts = 0u64;
    for (p, w) in start.windows(2).enumerate() {
        let kept = &list[w[0]..w[1]];
        m = kept.iter().map(|c| c.score).fold(m.max(cut[p]), i64::max);
        if !is_pinned[p] && !kept.is_empty() {
            lefts += 1;
        }
    }
    let b = 2 * i128::from(m) * i128::from(lefts.min(places)) + 1;
    // The solver's own offsets stay within 2^60 + 1; so does this one.
    if b > (1i128 << 60) + 1 {
        return 0;
    }
    i64::try_from(b).unwrap_or(0)
}

/// One side's solution of the last round, by participant and provider:
/// the next round (a supergraph: the same pairs and those that entered)
/// starts from it instead of from scratch.
struct PrevSolve {
    offset: i64,
    /// Per participant: the provider, or `u32::MAX`.
    assigned: Vec<u32>,
    /// Per participant: `u` (0 outside the graph).
    u: Vec<i64>,
    /// Per provider: `v` (`i64::MAX` without room, never read).
    v: Vec<i64>,
}

/// The duals one pricing pass used, and who had positive pairs left out.
struct LastPass {
    offset: i64,
    /// Per provider: `v` (`i64::MAX` without room).
    values: Vec<i64>,
    /// Per participant: `u`.
    us: Vec<i64>,
    /// Per participant: more positive pairs than partial pricing let in
    /// and kept aside.
    left_out: Vec<bool>,
    /// Per participant: the positive pairs kept aside (sorted by provider).
    aside: Vec<Vec<Cand>>,
}

fn cands_len(mentors: bool, cands: &Candidates) -> usize {
    if mentors {
        cands.mentor.len()
    } else {
        cands.offer.len()
    }
}

/// Candidate pairs of all participants in one array, with per-participant offsets.
type Csr = (Vec<Cand>, Vec<usize>);

/// Per-participant lists into one CSR array with offsets.
fn csr(lists: Vec<Vec<Cand>>) -> Csr {
    let mut start = Vec::with_capacity(lists.len() + 1);
    let mut flat = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    for v in lists {
        start.push(flat.len());
        flat.extend(v);
    }
    start.push(flat.len());
    (flat, start)
}

/// Proposals a provider holds: a min-heap whose top is the worst held.
type Held = BinaryHeap<Reverse<(i64, Reverse<usize>)>>;

/// Participant-proposing deferred acceptance (Gale–Shapley) with capacities.
///
/// Both sides rank by the pair's score; ties are broken by index (lower
/// first), so preferences are strict and the result has no blocking pair.
fn deferred_acceptance(
    n_left: usize,
    caps: &[u32],
    edges: impl Iterator<Item = (usize, usize, i64)>,
) -> Vec<Option<usize>> {
    let mut prefs: Vec<Vec<(i64, usize)>> = vec![Vec::new(); n_left];
    for (l, r, w) in edges {
        prefs[l].push((w, r));
    }
    for p in &mut prefs {
        p.sort_by_key(|&(w, r)| (Reverse(w), r));
    }
    let mut next = vec![0usize; n_left];
    // Per provider a min-heap of held proposals: worst = lowest score, then highest index.
    let mut held: Vec<Held> = vec![BinaryHeap::new(); caps.len()];
    let mut assigned = vec![None; n_left];
    let mut free: Vec<usize> = (0..n_left).rev().collect();
    while let Some(l) = free.pop() {
        let Some(&(w, r)) = prefs[l].get(next[l]) else {
            continue;
        };
        next[l] += 1;
        held[r].push(Reverse((w, Reverse(l))));
        assigned[l] = Some(r);
        if held[r].len() > caps[r] as usize {
            let Reverse((_, Reverse(out))) = held[r].pop().expect("over capacity");
            assigned[out] = None;
            free.push(out);
        }
    }
    assigned
}

/// Fairness counts of one side, summed over participants: seeking, matched,
/// wasteful gaps, blocking pairs, and per audit key and group (seeking,
/// matched, score sum).
#[derive(Default)]
struct Tally<'a> {
    seeking: u32,
    matched: u32,
    gaps: u64,
    blocking: u64,
    groups: BTreeMap<&'a str, BTreeMap<&'a str, (u32, u32, i128)>>,
}

impl Tally<'_> {
    fn merge(mut self, other: Self) -> Self {
        self.seeking += other.seeking;
        self.matched += other.matched;
        self.gaps += other.gaps;
        self.blocking += other.blocking;
        for (k, vs) in other.groups {
            let mine = self.groups.entry(k).or_default();
            for (v, (s, m, sum)) in vs {
                let e = mine.entry(v).or_insert((0, 0, 0));
                e.0 += s;
                e.1 += m;
                e.2 += sum;
            }
        }
        self
    }
}

/// Fairness metrics of one side; audit labels are read here and nowhere else.
fn side_fairness(
    inst: &Instance,
    cands: &[Cand],
    start: &[usize],
    res: &SideResult,
    caps: &[u32],
    matched_scores: &[i64],
    seeks: impl Fn(u32) -> bool + Sync,
) -> SideFairness {
    let n = inst.participants.len();
    let mut load = vec![0u32; caps.len()];
    for q in res.assigned.iter().flatten() {
        load[*q as usize] += 1;
    }
    // Current score of each participant on this side (None: unmatched or rule-breaking pin).
    let current: Vec<Option<i64>> = (0..n)
        .map(|p| res.assigned[p].and_then(|q| score_of(&cands[start[p]..start[p + 1]], q)))
        .collect();
    // Each provider's worst held score (for blocking pairs). Pinned holders
    // cannot be displaced, so only the others count.
    let mut worst: Vec<Option<i64>> = vec![None; caps.len()];
    for p in 0..n {
        if res.pinned[p] {
            continue;
        }
        if let Some(q) = res.assigned[p] {
            let s = current[p].unwrap_or(i64::MIN);
            let w = &mut worst[q as usize];
            *w = Some(w.map_or(s, |x: i64| x.min(s)));
        }
    }
    // Per-participant counts, folded in parallel; every sum is exact and
    // order-free, so the result does not depend on the thread count.
    let tally = (0..n)
        .into_par_iter()
        .filter(|&p| seeks(p as u32))
        .fold(Tally::default, |mut t, p| {
            t.seeking += 1;
            let got = res.assigned[p].is_some();
            t.matched += u32::from(got);
            let list = &cands[start[p]..start[p + 1]];
            if !got && list.iter().any(|c| load[c.q as usize] < caps[c.q as usize]) {
                t.gaps += 1;
            }
            if !res.pinned[p] {
                for c in list {
                    if res.assigned[p] == Some(c.q) {
                        continue;
                    }
                    let p_prefers =
                        current[p].is_none_or(|s| c.score > s) && !(got && current[p].is_none());
                    let q_prefers = load[c.q as usize] < caps[c.q as usize]
                        || worst[c.q as usize].is_some_and(|w| w < c.score);
                    if p_prefers && q_prefers {
                        t.blocking += 1;
                    }
                }
            }
            let score = current[p].unwrap_or(0);
            for (k, v) in &inst.participant(p as u32).audit {
                let e = t
                    .groups
                    .entry(k.as_str())
                    .or_default()
                    .entry(v.as_str())
                    .or_insert((0, 0, 0));
                e.0 += 1;
                if got {
                    e.1 += 1;
                    e.2 += i128::from(score);
                }
            }
            t
        })
        .reduce(Tally::default, Tally::merge);
    let Tally {
        seeking,
        matched,
        gaps,
        blocking,
        groups,
    } = tally;
    let rate = |m: u32, s: u32| {
        if s == 0 {
            0.0
        } else {
            f64::from(m) / f64::from(s)
        }
    };
    let groups: BTreeMap<String, BTreeMap<String, GroupStats>> = groups
        .into_iter()
        .map(|(k, vs)| {
            let vs = vs
                .into_iter()
                .map(|(v, (s, m, sum))| {
                    (
                        v.to_owned(),
                        GroupStats {
                            seeking: s,
                            matched: m,
                            match_rate: rate(m, s),
                            mean_score: if m == 0 {
                                0.0
                            } else {
                                sum as f64 / f64::from(m)
                            },
                        },
                    )
                })
                .collect();
            (k.to_owned(), vs)
        })
        .collect();
    let match_rate_ratio = groups
        .iter()
        .map(|(k, vs)| {
            let rates: Vec<f64> = vs.values().map(|g| g.match_rate).collect();
            let max = rates.iter().copied().fold(0.0, f64::max);
            let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
            (k.clone(), if max > 0.0 { min / max } else { 1.0 })
        })
        .collect();
    let utils: Vec<f64> = load
        .iter()
        .zip(caps)
        .map(|(&l, &c)| f64::from(l) / f64::from(c))
        .collect();
    let load_stats = if utils.is_empty() {
        LoadStats::default()
    } else {
        LoadStats {
            providers: utils.len() as u32,
            min: utils.iter().copied().fold(f64::INFINITY, f64::min),
            mean: utils.iter().sum::<f64>() / utils.len() as f64,
            max: utils.iter().copied().fold(0.0, f64::max),
        }
    };
    SideFairness {
        seeking,
        matched,
        match_rate: rate(matched, seeking),
        groups,
        match_rate_ratio,
        scores: score_stats(&mut matched_scores.to_vec()),
        load: load_stats,
        blocking_pairs: blocking,
        wasteful_gaps: gaps,
    }
}
