//! Rule checks, scoring and the sparse candidate lists.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering as AtomicOrdering};

use rayon::prelude::*;

use super::grid::Grid;
use super::{Breakdown, Config, Rule};
use crate::control::{Control, Stage};
use crate::error::Result;
use crate::instance::{Geo, Instance, MentC, OfferC, PartC};
use crate::model::{BLOCK_MINUTES, WeekMask};
use crate::model::{MentorId, OfferId, ParticipantId};
use crate::report::Side;

/// Counts of providers removed per rule (indexed by `Rule as usize`).
pub(crate) type RuleCounts = [u32; Rule::COUNT];

/// One feasible pair: canonical participant and provider indices and the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cand {
    pub p: u32,
    pub q: u32,
    pub score: i64,
}

/// Every feasible scored pair of an instance, for mentors and for offers.
///
/// Computed once by [`Candidates::compute`] (or inside
/// [`Matcher::run`](crate::Matcher::run)); pass it to
/// [`Matcher::run_with_candidates`](crate::Matcher::run_with_candidates) to
/// solve again under another objective without re-scoring, or export it
/// with [`Candidates::export`] so anyone can re-solve and check the optimum.
///
/// ```
/// use mentormatch::{Candidates, Config, Instance};
/// let inst = Instance::from_json(r#"{
///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
///                     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
///                "capacity": 2, "languages": [{"code": "fr", "level": "native"}],
///                "availability": ["mon-fri 08:00-18:00"]}]
/// }"#)?;
/// let c = Candidates::compute(&inst, &Config::default())?;
/// assert_eq!(c.mentor_pair_count(), 1);
/// let export = c.export(&inst);
/// assert_eq!(export.mentor_pairs[0].mentor.as_str(), "m-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Candidates {
    /// Mentor pairs, sorted by (participant, mentor).
    pub(crate) mentor: Vec<Cand>,
    /// `mentor[mentor_start[p]..mentor_start[p + 1]]` are participant p's.
    pub(crate) mentor_start: Vec<usize>,
    /// Offer pairs, sorted by (participant, offer).
    pub(crate) offer: Vec<Cand>,
    /// As `mentor_start`, for offers.
    pub(crate) offer_start: Vec<usize>,
    /// Per participant: mentors removed by each rule.
    pub(crate) mentor_rejected: Vec<RuleCounts>,
    /// Per participant: offers removed by each rule.
    pub(crate) offer_rejected: Vec<RuleCounts>,
    /// Per participant: the mentor of the previous run, if still present.
    pub(crate) prev_mentor: Vec<Option<u32>>,
    /// Per participant: the offer of the previous run, if still present.
    pub(crate) prev_offer: Vec<Option<u32>>,
    /// Number of previous (mentor, offer) pairs given, resolvable or not.
    pub(crate) prev_given: (usize, usize),
    /// Feasible (mentor, offer) pairs left out by `top_k`.
    pub(crate) pruned: (u64, u64),
    /// With `top_k`: per participant, an upper bound on the score of every
    /// (mentor, offer) pair left out (`i64::MIN` if none): the best score
    /// among them, or the bound of a pair that was never scored to the end
    /// because its bound could not reach the `k`-th best; at most the
    /// `k`-th kept score. Empty without `top_k`.
    pub(crate) cut: (Vec<i64>, Vec<i64>),
    /// With `top_k`: per (mentor, offer), a bound on the score of every
    /// feasible pair with it that is in none of the lists (`i64::MIN` if
    /// none): each provider's best `top_k + capacity` pairs are in the
    /// lists too ([`ProviderTop`]), and this is the next one's score; a
    /// mentor's is raised to the bound of the pairs a walk left unread
    /// with the rest of its group ([`group_walk`]). Empty without
    /// `top_k`.
    pub(crate) provider_cut: (Vec<i64>, Vec<i64>),
    /// The spatial index, kept for pricing pruned pairs.
    pub(crate) index: std::sync::Arc<Index>,
}

/// The pairs of an earlier run, so that a rerun prefers keeping them.
///
/// Each pair that is still feasible gets the continuity bonus
/// ([`Weights::continuity`](crate::Weights::continuity)) in its score. Pairs
/// naming a participant or provider no longer in the instance are ignored
/// (and counted as ended in the report).
///
/// ```
/// use mentormatch::Previous;
/// let prev = Previous::new().mentor("p-1", "m-1").offer("p-1", "c-1/job");
/// assert_eq!(prev.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Previous {
    mentor: HashMap<String, String>,
    offer: HashMap<String, String>,
}

impl Previous {
    /// No previous pairs.
    ///
    /// ```
    /// assert!(mentormatch::Previous::new().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        Previous::default()
    }

    /// The pairs of a previous report (pinned ones included).
    ///
    /// ```
    /// use mentormatch::{Config, Instance, Matcher, Previous};
    /// let inst = Instance::from_json("{}")?;
    /// let report = Matcher::new(Config::default()).run(&inst)?;
    /// assert!(Previous::from_report(&report).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_report(report: &crate::Report) -> Self {
        Previous {
            mentor: report
                .mentor_matches
                .iter()
                .map(|m| (m.participant.0.clone(), m.mentor.0.clone()))
                .collect(),
            offer: report
                .offer_matches
                .iter()
                .map(|m| (m.participant.0.clone(), m.offer.0.clone()))
                .collect(),
        }
    }

    /// Add a participant–mentor pair.
    ///
    /// ```
    /// assert_eq!(mentormatch::Previous::new().mentor("p-1", "m-1").len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn mentor(mut self, participant: &str, mentor: &str) -> Self {
        self.mentor
            .insert(participant.to_owned(), mentor.to_owned());
        self
    }

    /// Add a participant–offer pair.
    ///
    /// ```
    /// assert_eq!(mentormatch::Previous::new().offer("p-1", "c-1/day").len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn offer(mut self, participant: &str, offer: &str) -> Self {
        self.offer.insert(participant.to_owned(), offer.to_owned());
        self
    }

    /// Number of pairs.
    ///
    /// ```
    /// assert_eq!(mentormatch::Previous::new().mentor("p", "m").offer("p", "o").len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn len(&self) -> usize {
        self.mentor.len() + self.offer.len()
    }

    /// True when there are no pairs.
    ///
    /// ```
    /// assert!(!mentormatch::Previous::new().mentor("p", "m").is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of mentor pairs and offer pairs.
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.mentor.len(), self.offer.len())
    }

    /// Per canonical participant, the previous provider's canonical index.
    fn resolve(&self, inst: &Instance) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
        let n = inst.participants.len();
        let mut m = vec![None; n];
        let mut o = vec![None; n];
        for (p, q) in &self.mentor {
            if let (Some(p), Some(q)) = (inst.participant_index(p), inst.mentor_index(q)) {
                m[p as usize] = Some(q);
            }
        }
        for (p, q) in &self.offer {
            if let (Some(p), Some(q)) = (inst.participant_index(p), inst.offer_index(q)) {
                o[p as usize] = Some(q);
            }
        }
        (m, o)
    }
}

/// Spatial indexes of the providers: mentors, and offers per kind.
#[derive(Debug, Clone)]
pub(crate) struct Index {
    mentors: Layer<MentC, MentUb>,
    offers_by_kind: [Layer<OfferC, OfferUb>; 4],
    /// The most frequent weekly masks of the mentors and of the offers.
    mentor_shapes: Shapes,
    offer_shapes: Shapes,
    /// Each participant's mask's id among the participants' [`Shapes`]
    /// (those with a row in the mentors' and the offers').
    part_shapes: Vec<u8>,
    /// The CEFR rank the mentors' language sets were built for (see
    /// [`Hot::langs`]); `None` when the configuration asked for no shared
    /// language, and the sets are not used.
    mentor_lang_rank: Option<u8>,
}

/// One grid of providers with copies of their records in the grid's cell
/// order, so that a participant's pass reads the providers near it from a
/// few contiguous ranges instead of from all over the heap. The scan first
/// tests the distance and the language buckets on `at` alone (40 bytes
/// per provider), then reads the record of those in reach that the
/// buckets do not rule out.
#[derive(Debug, Clone, Default)]
struct Layer<T, U> {
    grid: Grid,
    /// Per position: unit vector and [`Geo::reach`] of the provider's own
    /// radius (`+∞` when only the participant's radius counts).
    at: Vec<Hot>,
    /// Per position: what bounds a pair's score without the record
    /// ([`MentUb`], [`OfferUb`]), read for the providers in reach.
    ub: Vec<U>,
    /// Per position: the provider's record.
    recs: Vec<T>,
    /// Where this layer's positions start among its side's slots (the
    /// layers of one side one after another; see [`ProviderTop`]).
    base: u32,
    /// Offers only (else empty): per position, where the runs holding it
    /// end, one per [`RunLevel`] (see [`Layer::new`]).
    runs: Vec<[u32; RUN_LEVELS]>,
    /// Mentors only (else empty): the cells cut into [`Groups`], bounded
    /// together by the walk.
    groups: Groups,
}

/// Most positions in one of [`Groups`]: one bit each in a `u32`.
const GROUP: usize = 32;

/// Most shared skill buckets [`group_walk`] counts per member (more count
/// as this many).
const COUNTED: usize = 8;

/// A layer's cells cut into runs of at most [`GROUP`] positions (each
/// cell's positions in Morton order, so that a group's members are near
/// one another), with what bounds a pair with any of them: per member, the
/// skill and sector buckets as bit masks by bucket, so that a walk counts
/// a participant's shared buckets with all members at once; for the whole
/// group, a ball holding its members and the union of the rest (see
/// [`GroupHead`]). The walk leaves the members whose bound cannot reach a
/// participant's `k`-th best so far unread ([`group_walk`]).
#[derive(Debug, Clone, Default)]
struct Groups {
    /// Per group its first position, and the layer's length last.
    start: Vec<u32>,
    /// Per position: its group.
    of: Vec<u32>,
    head: Vec<GroupHead>,
    /// Per group, per skill bucket: the members with a skill in it (bit
    /// `i`: position `start + i`).
    skills: Vec<[u32; 64]>,
    /// Per group, per sector bucket: the members with a sector in it.
    sectors: Vec<[u32; 64]>,
}

/// What bounds a pair with any member of one of [`Groups`].
#[derive(Debug, Clone, Copy, Default)]
struct GroupHead {
    /// A point and the largest chord from it to a member's unit vector
    /// (rounded up), so that the chord to any member is at least that to
    /// the point less `radius`.
    center: [f64; 3],
    radius: f64,
    /// The largest `max_travel_km`.
    travel: f64,
    /// The union of the members' [`MentUb::langs`].
    langs: u64,
    /// The best language rank.
    top_rank: u8,
    /// The members' [`Shapes`] ids, as a set.
    shapes: u64,
    /// Whether a member's mask has no id; then `blocks` and `minutes`
    /// bound those members' time (their union, their most).
    loose: bool,
    blocks: u32,
    minutes: u32,
}

impl Groups {
    /// The groups of a mentor layer's positions (`ub`, `at` by position).
    fn mentors(grid: &Grid, ub: &[MentUb], at: &[Hot]) -> Self {
        let mut g = Groups {
            of: vec![0; ub.len()],
            ..Groups::default()
        };
        for cell in grid.cells() {
            let mut a = cell.start;
            while a < cell.end {
                let b = (a + GROUP).min(cell.end);
                let id = g.head.len() as u32;
                g.start.push(a as u32);
                g.of[a..b].fill(id);
                let (mut skills, mut sectors) = ([0u32; 64], [0u32; 64]);
                let mut head = GroupHead::default();
                for (i, u) in ub[a..b].iter().enumerate() {
                    for (bucket, (s, t)) in skills.iter_mut().zip(&mut sectors).enumerate() {
                        *s |= u32::from(u.skills >> bucket & 1 == 1) << i;
                        *t |= u32::from(u.sectors >> bucket & 1 == 1) << i;
                    }
                    head.travel = head.travel.max(u.max_travel_km);
                    head.langs |= u.langs;
                    head.top_rank = head.top_rank.max(u.top_rank);
                    if u.shape == NO_SHAPE {
                        head.loose = true;
                        head.blocks |= u.blocks;
                        head.minutes = head.minutes.max(u.minutes);
                    } else {
                        head.shapes |= 1 << u.shape;
                    }
                }
                let n = (b - a) as f64;
                for (d, c) in head.center.iter_mut().enumerate() {
                    *c = at[a..b].iter().map(|h| h.xyz[d]).sum::<f64>() / n;
                }
                let far = at[a..b]
                    .iter()
                    .map(|h| chord(&head.center, &h.xyz))
                    .fold(0.0, f64::max);
                head.radius = far * (1.0 + 1e-12) + 1e-15;
                g.head.push(head);
                g.skills.push(skills);
                g.sectors.push(sectors);
                a = b;
            }
        }
        g.start.push(ub.len() as u32);
        g
    }

    /// The positions of group `g`.
    fn range(&self, g: usize) -> std::ops::Range<usize> {
        self.start[g] as usize..self.start[g + 1] as usize
    }
}

/// The euclidean distance of two points.
fn chord(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The indices of the bits set in `set`, lowest first.
fn set_bits(set: u64) -> impl Iterator<Item = usize> {
    let mut rest = set;
    std::iter::from_fn(move || {
        (rest != 0).then(|| {
            let b = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            b
        })
    })
}

/// Bits `0..n` set.
fn low_bits(n: usize) -> u32 {
    if n >= 32 { u32::MAX } else { (1u32 << n) - 1 }
}

/// A location's key along a Morton (Z-order) curve, latitude and
/// longitude at 2^-24 of their range, so that providers near one another
/// mostly sort next to one another.
fn morton(g: &Geo) -> u64 {
    let bits = |x: f64| (x.clamp(0.0, 1.0) * f64::from(1u32 << 24)) as u64 & 0xff_ffff;
    let (y, x) = (
        bits(g.lat.to_degrees() / 180.0 + 0.5),
        bits(g.lon.to_degrees() / 360.0 + 0.5),
    );
    (0..24).fold(0u64, |key, i| {
        key | (y >> i & 1) << (2 * i + 1) | (x >> i & 1) << (2 * i)
    })
}

/// The rules an offer layer's runs are cut by, in the order of the key
/// its cells are sorted by ([`offer_class`]): a participant failing the
/// rule of a level at a run's first position fails it for the whole run
/// of that level, whose positions are then left unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunLevel {
    /// The work permit.
    Permit = 0,
    /// The first required language and its level.
    Language = 1,
    /// The schedule (its [`Shapes`] id, or its six-hour blocks).
    Schedule = 2,
    /// The first required skill and its level.
    Skill = 3,
}

/// Which members of one of a layer's [`Groups`] a walk reads
/// ([`scan`]), from the walk's state.
type GroupTest<'a, S> = dyn Fn(&mut S, usize) -> GroupWalk + 'a;

/// What [`scan`] does with one of a layer's [`Groups`].
#[derive(Debug, Clone, Copy)]
struct GroupWalk {
    /// The members to read (bit `i`: the group's position `i`).
    visit: u32,
    /// Whether the others count as seen in reach (left on a bound), or
    /// as beyond it.
    rest_seen: bool,
}

/// How many [`RunLevel`]s there are.
const RUN_LEVELS: usize = 4;

/// A provider's keys per [`RunLevel`], from its bound data ([`offer_class`]).
type ClassOf<U> = dyn Fn(&U) -> [u64; RUN_LEVELS];

/// The first [`RunLevel`] a participant surely fails with a provider, from
/// its bound data ([`run_fails`]).
type RunTest<'a, U> = dyn Fn(&U) -> Option<RunLevel> + 'a;

impl RunLevel {
    const ALL: [RunLevel; RUN_LEVELS] = [
        RunLevel::Permit,
        RunLevel::Language,
        RunLevel::Schedule,
        RunLevel::Skill,
    ];

    /// The rule a pair left with its run is counted under.
    fn rule(self) -> Rule {
        match self {
            RunLevel::Permit => Rule::NoWorkPermit,
            RunLevel::Language => Rule::MissingLanguage,
            RunLevel::Schedule => Rule::ScheduleNotCovered,
            RunLevel::Skill => Rule::MissingSkill,
        }
    }
}

/// An offer's key per [`RunLevel`], read from its [`OfferUb`]: offers
/// with the same keys up to a level pass or fail that level's rule alike
/// for any participant ([`run_fails`]).
fn offer_class(u: &OfferUb) -> [u64; RUN_LEVELS] {
    let req =
        |n: u32, (id, lvl): (u32, u8)| u64::from(n > 0) << 40 | u64::from(id) << 8 | u64::from(lvl);
    let blocks = if u.shape == NO_SHAPE { u.blocks } else { 0 };
    [
        u64::from(u.permit),
        req(u.langs, u.lang),
        u64::from(u.shape) << 32 | u64::from(blocks),
        req(u.skills, u.skill),
    ]
}

/// The first [`RunLevel`] whose rule participant `pc` (`key`) surely
/// fails with the offer `u`, reading only what [`offer_class`] keys that
/// level by.
fn run_fails(
    pc: &PartC,
    key: &PartKey,
    u: &OfferUb,
    cfg: &Config,
    shapes: &Shapes,
) -> Option<RunLevel> {
    let rules = &cfg.rules;
    let lacks = |levels: &[u8], first, n| {
        first_requirement_credit(levels, first, n, rules.offer_requirements).is_none()
    };
    if rules.offer_work_permit && u.permit && !pc.work_permit {
        return Some(RunLevel::Permit);
    }
    if lacks(&key.lang_level, u.lang, u.langs) {
        return Some(RunLevel::Language);
    }
    if rules.offer_schedule && schedule_uncovered(key, u, shapes) {
        return Some(RunLevel::Schedule);
    }
    lacks(&key.skill_level, u.skill, u.skills).then_some(RunLevel::Skill)
}

/// Whether participant `key`'s time surely does not cover the schedule of
/// offer `u`: exactly when the schedule has a [`Shapes`] id, else from the
/// six-hour blocks.
fn schedule_uncovered(key: &PartKey, u: &OfferUb, shapes: &Shapes) -> bool {
    match key.common.get(usize::from(u.shape)) {
        Some(&common) => common < shapes.minutes[usize::from(u.shape)],
        None => u.blocks & !key.blocks != 0,
    }
}

#[derive(Debug, Clone, Copy)]
struct Hot {
    xyz: [f64; 3],
    reach: f64,
    /// Language buckets ([`lang_set`]): for a mentor, the languages spoken
    /// at [`Index::mentor_lang_rank`] or better; for an offer, the
    /// languages it requires.
    langs: u64,
}

/// Languages as a set of 64 buckets (language id mod 64). Different
/// languages may share a bucket, so the set can only prove absence: two
/// sets without a common bucket share no language, and a required bucket
/// the participant lacks is a required language it does not speak.
fn lang_set(langs: &[(u32, u8)], min_rank: u8) -> u64 {
    langs
        .iter()
        .filter(|l| l.1 >= min_rank)
        .fold(0, |set, l| set | 1u64 << (l.0 % 64))
}

/// Ids as a set of 64 buckets (id mod 64), which can only prove absence
/// (as [`lang_set`]).
fn id_set(ids: impl IntoIterator<Item = u32>) -> u64 {
    ids.into_iter().fold(0, |set, id| set | 1u64 << (id % 64))
}

/// Up to [`SHAPES`] distinct weekly masks of one side's providers, the
/// most frequent (ties: first seen), each with an id below 64. A
/// participant's common time with each is read from `rows` when its own
/// mask has an id too, else counted once per pass ([`PartKey::common`]),
/// so the bound of a pair with a provider whose mask has an id is exact on
/// the time, at the cost of a table read. A
/// provider whose mask has no id ([`NO_SHAPE`]) is bounded from the
/// six-hour blocks.
#[derive(Debug, Clone, Default)]
struct Shapes {
    masks: Vec<WeekMask>,
    minutes: Vec<u32>,
    ids: HashMap<WeekMask, u8>,
    /// Per participant mask with an id in [`Index::part_shapes`]: its
    /// common minutes with each of `masks`, so that a participant with
    /// such a mask need not count them on each pass.
    rows: Vec<[u32; SHAPES]>,
}

/// Most masks a [`Shapes`] gives an id.
const SHAPES: usize = 64;

/// The id of a mask without one in [`Shapes`].
const NO_SHAPE: u8 = u8::MAX;

impl Shapes {
    fn new<'a>(all: impl Iterator<Item = &'a WeekMask>, limit: usize) -> Self {
        let mut seen: HashMap<WeekMask, (usize, usize)> = HashMap::new();
        for (i, m) in all.enumerate() {
            seen.entry(*m).or_insert((0, i)).0 += 1;
        }
        let mut ranked: Vec<(WeekMask, (usize, usize))> = seen.into_iter().collect();
        ranked.sort_unstable_by_key(|&(_, (n, first))| (Reverse(n), first));
        ranked.truncate(limit.min(SHAPES));
        let masks: Vec<WeekMask> = ranked.into_iter().map(|(m, _)| m).collect();
        Shapes {
            minutes: masks.iter().map(WeekMask::minutes).collect(),
            ids: masks
                .iter()
                .enumerate()
                .map(|(i, m)| (*m, i as u8))
                .collect(),
            masks,
            rows: Vec::new(),
        }
    }

    fn id(&self, m: &WeekMask) -> u8 {
        self.ids.get(m).copied().unwrap_or(NO_SHAPE)
    }

    /// These shapes with the common minutes of each of `part`'s masks.
    fn with_rows(mut self, part: &Shapes) -> Self {
        self.rows = part.masks.iter().map(|p| self.common_with(p)).collect();
        self
    }

    /// The minutes `avail` has in common with each mask.
    fn common_with(&self, avail: &WeekMask) -> [u32; SHAPES] {
        let mut common = [0; SHAPES];
        for (c, m) in common.iter_mut().zip(&self.masks) {
            *c = avail.common_minutes(m);
        }
        common
    }
}

/// What bounds the score of a pair with a mentor, read without its record
/// (see [`mentor_upper`]).
#[derive(Debug, Clone, Copy)]
struct MentUb {
    skills: u64,
    sectors: u64,
    /// Languages at any level.
    langs: u64,
    tags: u64,
    blocks: u32,
    minutes: u32,
    /// Its best language rank.
    top_rank: u8,
    /// Its weekly mask's id in [`Index::mentor_shapes`].
    shape: u8,
    max_travel_km: f64,
}

impl MentUb {
    fn new(m: &MentC, shapes: &Shapes) -> Self {
        MentUb {
            skills: id_set(m.skills.iter().map(|s| s.0)),
            sectors: id_set(m.sectors.iter().copied()),
            langs: lang_set(&m.langs, 0),
            tags: id_set(m.tags.iter().copied()),
            blocks: m.avail.blocks(),
            minutes: m.avail.minutes(),
            top_rank: m.langs.iter().map(|l| l.1).max().unwrap_or(0),
            shape: shapes.id(&m.avail),
            max_travel_km: m.max_travel_km,
        }
    }
}

/// What bounds the score of a pair with an offer, read without its record
/// (see [`offer_upper`]): the first required skill and language (most
/// offers require at most one of each) and how many there are.
#[derive(Debug, Clone, Copy)]
struct OfferUb {
    sector: u64,
    skill: (u32, u8),
    lang: (u32, u8),
    skills: u32,
    langs: u32,
    blocks: u32,
    /// Its schedule's id in [`Index::offer_shapes`].
    shape: u8,
    permit: bool,
}

impl OfferUb {
    fn new(o: &OfferC, shapes: &Shapes) -> Self {
        let first = |v: &[(u32, u8)]| v.first().copied().unwrap_or((0, 0));
        let count = |v: &[(u32, u8)]| u32::try_from(v.len()).unwrap_or(u32::MAX);
        OfferUb {
            sector: o.sector.map_or(0, |s| id_set([s])),
            skill: first(&o.req_skills),
            lang: first(&o.req_langs),
            skills: count(&o.req_skills),
            langs: count(&o.req_langs),
            blocks: o.schedule.blocks(),
            shape: shapes.id(&o.schedule),
            permit: o.needs_work_permit,
        }
    }
}

/// A participant as [`mentor_upper`] and [`offer_upper`] read it.
struct PartKey {
    skills: u64,
    /// The most skills of the participant in one bucket of `skills`.
    skill_mult: u32,
    /// The skills credit (thousandths) of `h` skills found, for `h` up to
    /// the participant's count (more count as all).
    skill_credit: Vec<i64>,
    sectors: u64,
    /// Per CEFR rank `r`: the buckets of its languages at `r` or better.
    lang_at: [u64; 7],
    top_rank: u8,
    requirements: u64,
    blocks: u32,
    minutes: u32,
    /// Per mask of the side's [`Shapes`]: the minutes in common with it.
    common: [u32; SHAPES],
    /// Per mask of the side's [`Shapes`]: the time criterion's credit
    /// (thousandths, unweighted) of a provider with that mask, so that a
    /// bound divides nothing.
    time: [i64; SHAPES],
    /// The waiting criterion, the same for every pair.
    waiting: i64,
    /// The participant's languages and skills, [`level_table`]s.
    lang_level: Vec<u8>,
    skill_level: Vec<u8>,
}

impl PartKey {
    /// `shape`: the id of the participant's mask in
    /// [`Index::part_shapes`] ([`NO_SHAPE`] if none).
    fn new(pc: &PartC, cfg: &Config, shapes: &Shapes, shape: u8, side: Side) -> Self {
        let common = match shapes.rows.get(usize::from(shape)) {
            Some(row) => *row,
            None => shapes.common_with(&pc.avail),
        };
        let mut time = [0i64; SHAPES];
        let sat = i64::from(cfg.weights.time_saturation_minutes);
        for ((t, &c), &m) in time.iter_mut().zip(&common).zip(&shapes.minutes) {
            *t = match side {
                Side::Mentor => time_permille(c, sat),
                Side::Offer => schedule_permille(c, m),
            };
        }
        let mut per_bucket = [0u8; 64];
        for s in &pc.skills {
            per_bucket[(s.0 % 64) as usize] += 1;
        }
        let mut lang_at = [0u64; 7];
        for (r, set) in lang_at.iter_mut().enumerate() {
            *set = lang_set(&pc.langs, r as u8);
        }
        PartKey {
            skills: id_set(pc.skills.iter().map(|s| s.0)),
            skill_mult: u32::from(per_bucket.iter().copied().max().unwrap_or(0)),
            skill_credit: match pc.skills.len() as i64 {
                0 => vec![0],
                n => (0..=n).map(|h| h * 1000 / n).collect(),
            },
            sectors: id_set(pc.sectors.iter().copied()),
            lang_at,
            top_rank: pc.langs.iter().map(|l| l.1).max().unwrap_or(0).min(6),
            requirements: id_set(pc.requirements.iter().copied()),
            blocks: pc.avail.blocks(),
            minutes: pc.avail.minutes(),
            common,
            time,
            waiting: i64::from(cfg.weights.waiting) * waiting_permille(pc, cfg),
            lang_level: level_table(&pc.langs),
            skill_level: level_table(&pc.skills),
        }
    }
}

/// A pair's bound read without the provider's record: `Ok` with an upper
/// bound on its score without continuity and distance, and the radius the
/// distance criterion counts from; `Err` when some rule surely removes the
/// pair, with the first rule it breaks (in checking order, the kind and
/// the distance passed) when that is known too.
type Upper = std::result::Result<(i64, f64), Option<Rule>>;

/// The [`Upper`] of participant `pc` with mentor `u` (the first broken
/// rule never known). Read from the buckets alone: at
/// most the skills whose bucket the mentor has, a shared sector if a
/// bucket is shared, the participant's best rank in a language whose
/// bucket the mentor has (up to the mentor's best), and the common time:
/// exact when the mentor's mask has a [`Shapes`] id, else that of the
/// six-hour blocks both have.
fn mentor_upper(pc: &PartC, key: &PartKey, u: &MentUb, cfg: &Config) -> Upper {
    let (w, rules) = (&cfg.weights, &cfg.rules);
    if rules.mentor_requirements && key.requirements & !u.tags != 0 {
        return Err(None);
    }
    let sat = w.time_saturation_minutes;
    let (common, time) = if let Some(&c) = key.common.get(usize::from(u.shape)) {
        (c, key.time[usize::from(u.shape)])
    } else {
        let c = common_from_blocks(key, u.blocks, u.minutes);
        (c, time_permille(c, i64::from(sat)))
    };
    if rules.min_common_minutes > 0 && common < rules.min_common_minutes {
        return Err(None);
    }
    let hits = (key.skills & u.skills).count_ones() * key.skill_mult;
    let skills = key.skill_credit[(hits as usize).min(key.skill_credit.len() - 1)];
    let sector = if key.sectors & u.sectors != 0 {
        1000
    } else {
        0
    };
    let language = rank_permille(shared_rank(key, u.top_rank, u.langs));
    let limit = pc.max_travel_km.min(u.max_travel_km);
    Ok((
        i64::from(w.skills) * skills
            + i64::from(w.sector) * sector
            + i64::from(w.language) * language
            + i64::from(w.time) * time
            + key.waiting,
        limit,
    ))
}

/// The best CEFR rank a participant (`key`) may share with a mentor
/// whose best rank is `top_rank` and whose languages are in the buckets
/// `langs` (or with any of mentors whose union these are).
fn shared_rank(key: &PartKey, top_rank: u8, langs: u64) -> u8 {
    let mut r = key.top_rank.min(top_rank);
    while r > 0 && key.lang_at[usize::from(r)] & langs == 0 {
        r -= 1;
    }
    r
}

/// A bound on the minutes a participant (`key`) has in common with a
/// mask of six-hour `blocks` and `minutes` (or with any of masks whose
/// union and most these are).
fn common_from_blocks(key: &PartKey, blocks: u32, minutes: u32) -> u32 {
    key.minutes
        .min(minutes)
        .min(BLOCK_MINUTES * (key.blocks & blocks).count_ones())
}

/// A bound on the score, without continuity, of a participant (`key`)
/// with any mentor that shares none of its skill and sector buckets: no
/// skills or sector credit, its best language rank and its time, in full
/// the distance.
fn unrelated_bound(key: &PartKey, cfg: &Config) -> i64 {
    let w = &cfg.weights;
    let sat = i64::from(w.time_saturation_minutes);
    let language = rank_permille(key.top_rank);
    i64::from(w.language) * language
        + i64::from(w.time) * time_permille(key.minutes, sat)
        + i64::from(w.distance) * 1000
        + key.waiting
}

/// The credit of [`requirement_fit`] bounded from the first requirement
/// `(id, level)` of `n`: exact for it, full for the others; `None` when
/// the participant lacks it and `rule` removes such pairs. `levels` is
/// the participant's [`level_table`].
fn first_requirement_credit(
    levels: &[u8],
    (id, lvl): (u32, u8),
    n: u32,
    rule: bool,
) -> Option<i64> {
    if n == 0 {
        return Some(0);
    }
    let first = match levels.get(id as usize) {
        Some(&have) if have > lvl => level_credit(have - 1 - lvl),
        _ if rule => return None,
        _ => 0,
    };
    Some(if n == 1 {
        first
    } else {
        (first + 1000 * (i64::from(n) - 1)) / i64::from(n)
    })
}

/// Levels by id, each plus one (0: not held), so that a requirement's
/// level is read without a search.
fn level_table(have: &[(u32, u8)]) -> Vec<u8> {
    let mut table = vec![0u8; have.iter().map(|h| h.0 as usize + 1).max().unwrap_or(0)];
    for &(id, lvl) in have {
        table[id as usize] = lvl.saturating_add(1);
    }
    table
}

/// The [`Upper`] of participant `pc` with offer `u`: the first required
/// skill and language exactly, full credit for the others, a sector if its
/// bucket is shared, and the time exactly when the schedule has a
/// [`Shapes`] id (else in full, and the schedule rule from the six-hour
/// blocks). The rules in the order of [`offer_rules`]: one that surely
/// fails is the first broken while every one before it surely passes
/// (`sure`), which leaves the record unread for most pairs that no offer
/// of a participant's would pass.
fn offer_upper(pc: &PartC, key: &PartKey, u: &OfferUb, cfg: &Config, shapes: &Shapes) -> Upper {
    let (w, rules) = (&cfg.weights, &cfg.rules);
    let req = rules.offer_requirements;
    let broken = |sure: bool, rule| Err(sure.then_some(rule));
    // A first required language the participant lacks is a missing one.
    let Some(language) = first_requirement_credit(&key.lang_level, u.lang, u.langs, req) else {
        return broken(true, Rule::MissingLanguage);
    };
    let mut sure = !req || u.langs <= 1;
    let Some(skills) = first_requirement_credit(&key.skill_level, u.skill, u.skills, req) else {
        return broken(sure, Rule::MissingSkill);
    };
    sure &= !req || u.skills <= 1;
    if rules.offer_schedule && schedule_uncovered(key, u, shapes) {
        return broken(sure, Rule::ScheduleNotCovered);
    }
    let time = if let Some(&time) = key.time.get(usize::from(u.shape)) {
        time
    } else {
        sure &= !rules.offer_schedule;
        1000
    };
    if rules.offer_work_permit && u.permit && !pc.work_permit {
        return broken(sure, Rule::NoWorkPermit);
    }
    let sector = if key.sectors & u.sector != 0 { 1000 } else { 0 };
    Ok((
        i64::from(w.skills) * skills
            + i64::from(w.sector) * sector
            + i64::from(w.language) * language
            + i64::from(w.time) * time
            + key.waiting,
        pc.max_travel_km,
    ))
}

impl<T: Clone, U> Layer<T, U> {
    /// The layer of the providers of `all` that `keep` keeps. With
    /// `class`, each cell's providers are sorted by their keys (then
    /// index), and `runs` notes for each position where the run of the
    /// positions of its cell sharing its keys up to each level ends.
    fn new(
        all: &[T],
        keep: impl Fn(&T) -> bool,
        hot: impl Fn(&T) -> Hot,
        ub: impl Fn(&T) -> U,
        class: Option<&ClassOf<U>>,
    ) -> Self
    where
        T: HasGeo,
    {
        let mut grid = Grid::new(
            all.iter()
                .enumerate()
                .filter(|(_, r)| keep(r))
                .map(|(i, r)| (i as u32, *r.geo())),
        );
        match class {
            Some(class) => grid.sort_cells_by(|q| class(&ub(&all[q as usize]))),
            None => grid.sort_cells_by(|q| morton(all[q as usize].geo())),
        }
        let recs: Vec<T> = grid
            .ids()
            .iter()
            .map(|&q| all[q as usize].clone())
            .collect();
        let at = recs.iter().map(hot).collect();
        let ub: Vec<U> = recs.iter().map(ub).collect();
        let mut runs = Vec::new();
        if let Some(class) = class {
            let keys: Vec<_> = ub.iter().map(class).collect();
            runs = vec![[0; RUN_LEVELS]; keys.len()];
            for cell in grid.cells() {
                // From the cell's end back: a run goes on while the keys
                // up to its level stay the same.
                for pos in cell.clone().rev() {
                    let next = pos + 1;
                    for l in 0..RUN_LEVELS {
                        runs[pos][l] = if next < cell.end && keys[next][..=l] == keys[pos][..=l] {
                            runs[next][l]
                        } else {
                            next as u32
                        };
                    }
                }
            }
        }
        Layer {
            grid,
            at,
            ub,
            recs,
            base: 0,
            runs,
            groups: Groups::default(),
        }
    }
}

/// Records placed on the map.
trait HasGeo {
    fn geo(&self) -> &Geo;
}

impl HasGeo for MentC {
    fn geo(&self) -> &Geo {
        &self.geo
    }
}

impl HasGeo for OfferC {
    fn geo(&self) -> &Geo {
        &self.geo
    }
}

impl Index {
    fn new(inst: &Instance, cfg: &Config) -> Self {
        let part = Shapes::new(inst.participants.iter().map(|p| &p.avail), SHAPES);
        let part_shapes = inst
            .participants
            .iter()
            .map(|p| part.id(&p.avail))
            .collect();
        let mentor_shapes =
            Shapes::new(inst.mentors.iter().map(|m| &m.avail), SHAPES).with_rows(&part);
        let offer_shapes =
            Shapes::new(inst.offers.iter().map(|o| &o.schedule), SHAPES).with_rows(&part);
        let offers_of = |kind: crate::model::OfferKind| {
            Layer::new(
                &inst.offers,
                |o| o.kind == kind,
                |o| Hot {
                    xyz: o.geo.xyz(),
                    reach: f64::INFINITY,
                    langs: lang_set(&o.req_langs, 0),
                },
                |o| OfferUb::new(o, &offer_shapes),
                Some(&offer_class),
            )
        };
        let rank = cfg.rules.min_shared_language.map(crate::model::Cefr::rank);
        let [a, b, c, d] = crate::model::OfferKind::ALL;
        Index {
            mentors: {
                let mut layer = Layer::new(
                    &inst.mentors,
                    |_| true,
                    |m| Hot {
                        xyz: m.geo.xyz(),
                        reach: m.reach,
                        langs: lang_set(&m.langs, rank.unwrap_or(0)),
                    },
                    |m| MentUb::new(m, &mentor_shapes),
                    None,
                );
                layer.groups = Groups::mentors(&layer.grid, &layer.ub, &layer.at);
                layer
            },
            offers_by_kind: {
                let mut kinds = [offers_of(a), offers_of(b), offers_of(c), offers_of(d)];
                let mut base = 0;
                for layer in &mut kinds {
                    layer.base = base;
                    base += layer.recs.len() as u32;
                }
                kinds
            },
            mentor_shapes,
            offer_shapes,
            part_shapes,
            mentor_lang_rank: rank,
        }
    }
}

/// `Some(k)` when the configuration prunes candidate lists to the best `k`.
pub(crate) fn pruning(cfg: &Config) -> Option<usize> {
    use super::MatchObjective::{MaxCardinality, MaxWeight};
    (cfg.top_k > 0 && matches!(cfg.objective, MaxCardinality | MaxWeight))
        .then_some(cfg.top_k as usize)
}

/// Participant indices sorted by grid cell (then index).
pub(crate) fn spatial_order(inst: &Instance) -> Vec<u32> {
    let mut keyed: Vec<((i32, i32), u32)> = inst
        .participants
        .iter()
        .enumerate()
        .map(|(p, pc)| (super::grid::cell_key(&pc.geo), p as u32))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, p)| p).collect()
}

/// Keep the `k` best candidates (score, then provider index), in provider
/// order; returns the best score left out (`i64::MIN` if none).
fn keep_best(list: &mut Vec<Cand>, k: usize) -> i64 {
    if list.len() <= k {
        list.sort_unstable_by_key(|c| c.q);
        return i64::MIN;
    }
    let key = |c: &Cand| (std::cmp::Reverse(c.score), c.q);
    if k == 0 {
        let cut = list.iter().map(|c| c.score).max().unwrap_or(i64::MIN);
        *list = Vec::new();
        return cut;
    }
    list.select_nth_unstable_by_key(k, key);
    let cut = list[k].score;
    list.truncate(k);
    list.sort_unstable_by_key(|c| c.q);
    list.shrink_to_fit();
    cut
}

/// One pricing pass's duals of one side's providers: per provider
/// (`i64::MAX`: no room, never priced), and per grid (mentors: one;
/// offers: one per kind) each cell's positions sorted by dual, so that a
/// scan reads only the providers below a participant's bound, from a few
/// short runs.
pub(crate) struct Duals {
    pub by_id: Vec<i64>,
    layers: Vec<LayerDuals>,
}

/// The duals of one grid: within each cell's positions
/// `start[c]..start[c + 1]`, `order` lists the cell's positions by
/// increasing dual (ties: position), `sorted` their duals, `slack` each
/// one's dual less its provider's cut, and `hot` their distance records.
struct LayerDuals {
    order: Vec<u32>,
    sorted: Vec<i64>,
    /// `v − cut` of each provider, in the order of `order` (`i64::MIN`
    /// without provider cuts). A pair outside the lists scores at most its
    /// provider's cut, so its reduced cost is at most `B − u − slack`: a
    /// provider whose slack reaches `B − u` gains nothing from `p`.
    slack: Vec<i64>,
    /// The [`Hot`] records in the order of `order`, so that a scan in dual
    /// order reads them one after another.
    hot: Vec<Hot>,
}

impl Duals {
    pub(crate) fn new(cands: &Candidates, mentors: bool, by_id: Vec<i64>) -> Self {
        let cut = if mentors {
            &cands.provider_cut.0
        } else {
            &cands.provider_cut.1
        };
        let with_cuts = cut.len() == by_id.len();
        let slack_of = |q: usize| {
            if with_cuts {
                by_id[q].saturating_sub(cut[q])
            } else {
                i64::MIN
            }
        };
        let grids: Vec<(&Grid, &[Hot])> = if mentors {
            let l = &cands.index.mentors;
            vec![(&l.grid, &l.at)]
        } else {
            let kinds = cands.index.offers_by_kind.iter();
            kinds.map(|l| (&l.grid, &l.at[..])).collect()
        };
        let layers = grids
            .iter()
            .map(|&(g, at)| {
                let ids = g.ids();
                let dual = |pos: u32| by_id[ids[pos as usize] as usize];
                let mut order: Vec<u32> = (0..ids.len() as u32).collect();
                for cell in g.cells() {
                    order[cell].sort_unstable_by_key(|&pos| (dual(pos), pos));
                }
                let sorted = order.iter().map(|&pos| dual(pos)).collect();
                let slack = order
                    .iter()
                    .map(|&pos| slack_of(ids[pos as usize] as usize))
                    .collect();
                let hot = order.iter().map(|&pos| at[pos as usize]).collect();
                LayerDuals {
                    order,
                    sorted,
                    slack,
                    hot,
                }
            })
            .collect();
        Duals { by_id, layers }
    }
}

/// What a pricing pass evaluates for one participant, and how: providers
/// whose dual is below `bound`; a pair enters when its reduced cost
/// `score + base − v` is positive, at most `k` of them (the largest
/// reduced costs, ties to the lower provider), and the next `spare` are
/// kept aside for the next pass.
pub(crate) struct CellFilter<'a> {
    pub duals: &'a Duals,
    pub bound: i64,
    /// `B − u` of the participant.
    pub base: i64,
    pub k: usize,
    pub spare: usize,
    /// Pairs kept aside last pass (scored; sorted by provider), priced
    /// again at `dual_of`, and skipped by the scan.
    pub aside: &'a [Cand],
    /// Every provider's dual, for the pairs aside.
    pub dual_of: &'a [i64],
}

impl CellFilter<'_> {
    /// The duals of grid `layer`, the bound, and `B − u`.
    fn layer(&self, layer: usize) -> (&LayerDuals, i64, i64) {
        (&self.duals.layers[layer], self.bound, self.base)
    }

    /// Whether some cell of `ranges` (one per cell, in grid `layer`) has a
    /// provider whose dual is below the bound: its lowest, first in the
    /// cell's dual order.
    fn any_below(&self, layer: usize, ranges: &[(u32, u32)]) -> bool {
        let sorted = &self.duals.layers[layer].sorted;
        ranges
            .iter()
            .any(|&(a, b)| a < b && sorted[a as usize] < self.bound)
    }
}

/// The dual of provider `q` when it is priced, `None` when a pricing
/// filter says its dual is too high for any pair with it to enter (without
/// a filter: always evaluated, at 0).
fn priced(cells: Option<&CellFilter<'_>>, q: u32) -> Option<i64> {
    match cells {
        None => Some(0),
        Some(f) => Some(f.duals.by_id[q as usize]).filter(|&v| v < f.bound),
    }
}

/// The pairs of positive reduced cost of `p` in a pricing pass, among the
/// pairs aside and the providers whose dual is below the filter's bound.
pub(crate) struct Entering {
    /// At most `k`, those of largest reduced cost (ties: lower provider),
    /// sorted by provider.
    pub enter: Vec<Cand>,
    /// The next `spare` of them, sorted by provider.
    pub aside: Vec<Cand>,
    /// Whether there were more than `k + spare`.
    pub left_out: bool,
}

/// The pairs of `p` that enter in a pricing pass (see [`Entering`]). A
/// pair that cannot reach the `k + spare`-th largest reduced cost is only
/// bounded. Kept pairs have reduced cost `≤ 0` under the duals of a solve
/// over them, so they never enter.
pub(crate) fn entering_pairs(
    inst: &Instance,
    cfg: &Config,
    cands: &Candidates,
    mentors: bool,
    p: u32,
    cells: &CellFilter<'_>,
) -> Entering {
    let found = if mentors {
        mentor_candidates(
            inst,
            cfg,
            &cands.index,
            p,
            cands.prev_mentor[p as usize],
            Some(cells),
            (None, None),
        )
    } else {
        offer_candidates(
            inst,
            cfg,
            &cands.index,
            p,
            cands.prev_offer[p as usize],
            Some(cells),
            (None, None),
        )
    };
    let price = found.price.expect("a pricing filter prices");
    let ranked = price.heap.into_sorted_vec();
    let pair = |e: &Reverse<(i128, Reverse<u32>, i64)>| Cand {
        p,
        q: (e.0).1.0,
        score: (e.0).2,
    };
    // Sorted ascending in `Reverse`: the largest reduced cost first.
    let cut = ranked.len().min(cells.k);
    let mut enter: Vec<Cand> = ranked[..cut].iter().map(pair).collect();
    let mut aside: Vec<Cand> = ranked[cut..].iter().map(pair).collect();
    enter.sort_unstable_by_key(|c| c.q);
    aside.sort_unstable_by_key(|c| c.q);
    Entering {
        enter,
        aside,
        left_out: price.left_out,
    }
}

/// Pairs by participant, and where each participant's begin (one more
/// than participants, the last the end).
type Csr = (Vec<Cand>, Vec<usize>);

/// Each provider's best pairs (`held[q]`: participant, score) by
/// participant, `n` of them: `(pairs, start)`, participant `p`'s
/// `pairs[start[p]..start[p + 1]]`, sorted by provider.
fn by_participant(held: Vec<Vec<(u32, i64)>>, n: usize) -> Csr {
    let mut start = vec![0usize; n + 1];
    for h in &held {
        for &(p, _) in h {
            start[p as usize + 1] += 1;
        }
    }
    for p in 0..n {
        start[p + 1] += start[p];
    }
    let mut at = start.clone();
    let mut pairs = vec![
        Cand {
            p: 0,
            q: 0,
            score: 0
        };
        start[n]
    ];
    for (q, h) in held.into_iter().enumerate() {
        for (p, score) in h {
            let i = &mut at[p as usize];
            pairs[*i] = Cand {
                p,
                q: q as u32,
                score,
            };
            *i += 1;
        }
    }
    (pairs, start)
}

/// Participants `0..n`'s lists (`own(p)`, sorted by provider) joined with
/// their providers' best pairs (`held`, as [`by_participant`]) where these
/// are not in them yet, into one array with its starts; and how many were
/// added. Built in parallel by blocks of participants.
fn joined_lists<'a>(
    n: usize,
    own: impl Fn(usize) -> &'a [Cand] + Sync,
    held: &Csr,
) -> (Vec<Cand>, Vec<usize>, u64) {
    const BLOCK: usize = 4096;
    let (extra, extra_start) = held;
    let blocks: Vec<(Vec<Cand>, Vec<usize>, usize)> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let (mut list, mut lens, mut kept) = (Vec::new(), Vec::with_capacity(BLOCK), 0);
            for p in b * BLOCK..n.min((b + 1) * BLOCK) {
                let from = list.len();
                let own = own(p);
                kept += own.len();
                let extra = extra_start
                    .get(p..p + 2)
                    .map_or(&[][..], |s| &extra[s[0]..s[1]]);
                let mut i = 0;
                for c in extra {
                    while i < own.len() && own[i].q < c.q {
                        list.push(own[i]);
                        i += 1;
                    }
                    if own.get(i).is_some_and(|o| o.q == c.q) {
                        debug_assert_eq!(own[i].score, c.score, "one pair, one score");
                    } else {
                        list.push(*c);
                    }
                }
                list.extend_from_slice(&own[i..]);
                lens.push(list.len() - from);
            }
            (list, lens, kept)
        })
        .collect();
    let mut start = Vec::with_capacity(n + 1);
    start.push(0);
    let mut kept = 0;
    for (_, lens, k) in &blocks {
        for len in lens {
            start.push(start[start.len() - 1] + len);
        }
        kept += k;
    }
    // The blocks into one array, on both threads: its pages are fresh, and
    // faulting in some 60,000 of them (a million participants' mentor
    // pairs) one after another took longer than the copy.
    let zero = Cand {
        p: 0,
        q: 0,
        score: 0,
    };
    let mut list: Vec<Cand> = (0..start[n]).into_par_iter().map(|_| zero).collect();
    let mut parts = Vec::with_capacity(blocks.len());
    let mut rest = &mut list[..];
    for (b, _, _) in &blocks {
        let (part, tail) = rest.split_at_mut(b.len());
        parts.push(part);
        rest = tail;
    }
    parts
        .into_par_iter()
        .zip(blocks)
        .for_each(|(part, (b, _, _))| part.copy_from_slice(&b));
    let added = (list.len() - kept) as u64;
    (list, start, added)
}

/// Feasible providers: all of them less those some rule removed.
fn count_feasible(rejected: &RuleCounts, providers: usize) -> u32 {
    providers as u32 - rejected.iter().sum::<u32>()
}

/// Every feasible mentor pair of participant `p` (for pricing pruned pairs).
pub(crate) fn all_mentor_pairs(
    inst: &Instance,
    cfg: &Config,
    cands: &Candidates,
    p: u32,
) -> Vec<Cand> {
    let mut list = mentor_candidates(
        inst,
        cfg,
        &cands.index,
        p,
        cands.prev_mentor[p as usize],
        None,
        (None, None),
    )
    .out;
    list.sort_unstable_by_key(|c| c.q);
    list
}

/// Every feasible offer pair of participant `p` (for pricing pruned pairs).
pub(crate) fn all_offer_pairs(
    inst: &Instance,
    cfg: &Config,
    cands: &Candidates,
    p: u32,
) -> Vec<Cand> {
    let mut list = offer_candidates(
        inst,
        cfg,
        &cands.index,
        p,
        cands.prev_offer[p as usize],
        None,
        (None, None),
    )
    .out;
    list.sort_unstable_by_key(|c| c.q);
    list
}

/// The continuity bonus of a pair.
pub(crate) fn continuity(cfg: &Config, prev: Option<u32>, q: u32) -> i64 {
    if prev == Some(q) {
        i64::from(cfg.weights.continuity) * 1000
    } else {
        0
    }
}

/// All feasible scored pairs by id, as written by `--candidates`.
///
/// ```
/// use mentormatch::CandidateExport;
/// let e: CandidateExport = serde_json::from_str(r#"{"mentor_pairs": [], "offer_pairs": []}"#)?;
/// assert!(e.mentor_pairs.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateExport {
    /// Feasible participant–mentor pairs.
    pub mentor_pairs: Vec<ScoredMentorPair>,
    /// Feasible participant–offer pairs.
    pub offer_pairs: Vec<ScoredOfferPair>,
}

/// A feasible participant–mentor pair and its score.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoredMentorPair {
    /// The participant.
    pub participant: ParticipantId,
    /// The mentor.
    pub mentor: MentorId,
    /// The pair's score.
    pub score: i64,
}

/// A feasible participant–offer pair and its score.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoredOfferPair {
    /// The participant.
    pub participant: ParticipantId,
    /// The offer.
    pub offer: OfferId,
    /// The pair's score.
    pub score: i64,
}

impl Candidates {
    /// Check every pair against the hard rules and score the feasible ones.
    ///
    /// Runs in parallel (rayon, one participant per task); the result is
    /// the same with any number of threads.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) when the configuration is out of range.
    ///
    /// ```
    /// use mentormatch::{Candidates, Config, Instance};
    /// let inst = Instance::from_json("{}")?;
    /// assert_eq!(Candidates::compute(&inst, &Config::default())?.offer_pair_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compute(inst: &Instance, cfg: &Config) -> Result<Self> {
        Self::compute_with_previous(inst, cfg, &Previous::default())
    }

    /// As [`Candidates::compute`], with the continuity bonus for the pairs
    /// of a previous run.
    ///
    /// # Errors
    /// As [`Candidates::compute`].
    ///
    /// ```
    /// use mentormatch::{Candidates, Config, Instance, Previous};
    /// let inst = Instance::from_json("{}")?;
    /// let prev = Previous::new().mentor("p-gone", "m-gone"); // ignored: not in the instance
    /// assert_eq!(Candidates::compute_with_previous(&inst, &Config::default(), &prev)?.mentor_pair_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compute_with_previous(
        inst: &Instance,
        cfg: &Config,
        previous: &Previous,
    ) -> Result<Self> {
        Self::compute_controlled(inst, cfg, previous, &Control::default())
    }

    pub(crate) fn compute_controlled(
        inst: &Instance,
        cfg: &Config,
        previous: &Previous,
        ctl: &Control,
    ) -> Result<Self> {
        cfg.validate()?;
        ctl.check(Stage::Candidates)?;
        let total = inst.participants.len() as u64;
        let done = AtomicU64::new(0);
        // Report progress about a hundred times, whatever the size.
        let step = (total / 100).max(1);
        let (prev_mentor, prev_offer) = previous.resolve(inst);
        let index = Index::new(inst, cfg);
        let keep = pruning(cfg);
        // With a `k`, each provider's best pairs join the lists too.
        let mentor_caps: Vec<u32> = inst.mentors.iter().map(|m| m.capacity).collect();
        let offer_caps: Vec<u32> = inst.offers.iter().map(|o| o.slots).collect();
        let offer_layers: Vec<_> = index.offers_by_kind.iter().collect();
        let tops = keep.filter(|&k| k > 0).map(|k| {
            (
                ProviderTop::new(&[&index.mentors], &mentor_caps, k),
                ProviderTop::new(&offer_layers, &offer_caps, k),
            )
        });
        let (mtop, otop) = (tops.as_ref().map(|t| &t.0), tops.as_ref().map(|t| &t.1));
        // Participants are scored in grid-cell order, so that neighbours
        // (who share most providers) are scored one after another and the
        // providers' data stays in cache; results go back to index order.
        #[allow(clippy::type_complexity)]
        let scored: Vec<(
            u32,
            (Vec<Cand>, RuleCounts, Vec<Cand>, RuleCounts, i64, i64),
        )> = spatial_order(inst)
            .into_par_iter()
            .map(|p| {
                if ctl.cancelled() {
                    // Skip the work; the error is returned below.
                    return (
                        p,
                        (
                            Vec::new(),
                            [0; Rule::COUNT],
                            Vec::new(),
                            [0; Rule::COUNT],
                            i64::MIN,
                            i64::MIN,
                        ),
                    );
                }
                let prev = (prev_mentor[p as usize], prev_offer[p as usize]);
                let m = mentor_candidates(inst, cfg, &index, p, prev.0, None, (keep, mtop));
                let o = offer_candidates(inst, cfg, &index, p, prev.1, None, (keep, otop));
                let (mut mc, mr, mut oc, or) = (m.out, m.counts, o.out, o.counts);
                let (mut mcut, mut ocut) = (i64::MIN, i64::MIN);
                if let Some(k) = keep {
                    // Pairs left unscored are bounded, and were never among the best.
                    mcut = keep_best(&mut mc, k).max(m.skipped);
                    ocut = keep_best(&mut oc, k).max(o.skipped);
                } else {
                    mc.sort_unstable_by_key(|c| c.q);
                    oc.sort_unstable_by_key(|c| c.q);
                }
                let d = done.fetch_add(1, AtomicOrdering::Relaxed) + 1;
                if d.is_multiple_of(step) && d < total {
                    ctl.progress(Stage::Candidates, d, total);
                }
                (p, (mc, mr, oc, or, mcut, ocut))
            })
            .collect();
        // `scored` is in the walk's order: each participant's place in it.
        let n = scored.len();
        let mut place = vec![0u32; n];
        for (i, (p, _)) in scored.iter().enumerate() {
            place[*p as usize] = i as u32;
        }
        ctl.check(Stage::Candidates)?;
        ctl.progress(Stage::Candidates, total, total);
        let of = |p: usize| &scored[place[p] as usize].1;
        // With a `k`, each provider's best pairs join the lists too.
        let (held, provider_cut) = match tops {
            Some((mtop, otop)) => {
                let ((mh, mc), (oh, oc)) = (mtop.finish(), otop.finish());
                ((by_participant(mh, n), by_participant(oh, n)), (mc, oc))
            }
            None => Default::default(),
        };
        let (mentor, mentor_start, m_added) = joined_lists(n, |p| &of(p).0, &held.0);
        let (offer, offer_start, o_added) = joined_lists(n, |p| &of(p).2, &held.1);
        // Feasible pairs less those kept.
        let (m_all, o_all) = (inst.mentors.len(), inst.offers.len());
        let pruned = (0..n)
            .into_par_iter()
            .map(|p| {
                let x = of(p);
                (
                    u64::from(count_feasible(&x.1, m_all)) - x.0.len() as u64,
                    u64::from(count_feasible(&x.3, o_all)) - x.2.len() as u64,
                )
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        let cut = if keep.is_some() {
            (
                (0..n).into_par_iter().map(|p| of(p).4).collect(),
                (0..n).into_par_iter().map(|p| of(p).5).collect(),
            )
        } else {
            Default::default()
        };
        let out = Candidates {
            mentor,
            mentor_start,
            offer,
            offer_start,
            mentor_rejected: (0..n).into_par_iter().map(|p| of(p).1).collect(),
            offer_rejected: (0..n).into_par_iter().map(|p| of(p).3).collect(),
            prev_mentor,
            prev_offer,
            prev_given: previous.counts(),
            pruned: (pruned.0 - m_added, pruned.1 - o_added),
            cut,
            provider_cut,
            index: std::sync::Arc::new(index),
        };
        // A million participants' lists, freed on both threads.
        scored.into_par_iter().for_each(drop);
        Ok(out)
    }

    /// Number of feasible participant–mentor pairs.
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
    ///     "capacity": 1, "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// let c = mentormatch::Candidates::compute(&inst, &mentormatch::Config::default())?;
    /// assert_eq!(c.mentor_pair_count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mentor_pair_count(&self) -> usize {
        self.mentor.len()
    }

    /// Number of feasible participant–offer pairs.
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
    ///     "capacity": 1, "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// let c = mentormatch::Candidates::compute(&inst, &mentormatch::Config::default())?;
    /// assert_eq!(c.offer_pair_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offer_pair_count(&self) -> usize {
        self.offer.len()
    }

    /// Participant `p`'s mentor candidates.
    #[cfg(test)]
    pub(crate) fn mentors_of(&self, p: u32) -> &[Cand] {
        &self.mentor[self.mentor_start[p as usize]..self.mentor_start[p as usize + 1]]
    }

    /// Participant `p`'s offer candidates.
    #[cfg(test)]
    pub(crate) fn offers_of(&self, p: u32) -> &[Cand] {
        &self.offer[self.offer_start[p as usize]..self.offer_start[p as usize + 1]]
    }

    /// Every feasible pair by id, participants in id order.
    ///
    /// ```
    /// let inst = mentormatch::Instance::from_json(r#"{
    ///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
    ///     "languages": [{"code": "fr", "level": "B1"}], "availability": ["mon 09:00-12:00"]}],
    ///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
    ///     "capacity": 1, "languages": [{"code": "fr", "level": "native"}], "availability": ["mon 09:00-12:00"]}]
    /// }"#)?;
    /// let c = mentormatch::Candidates::compute(&inst, &mentormatch::Config::default())?;
    /// let e = c.export(&inst);
    /// assert_eq!(e.mentor_pairs[0].participant.as_str(), "p-1");
    /// assert!(e.mentor_pairs[0].score > 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn export(&self, inst: &Instance) -> CandidateExport {
        CandidateExport {
            mentor_pairs: self
                .mentor
                .iter()
                .map(|c| ScoredMentorPair {
                    participant: inst.participant(c.p).id.clone(),
                    mentor: inst.mentor(c.q).id.clone(),
                    score: c.score,
                })
                .collect(),
            offer_pairs: self
                .offer
                .iter()
                .map(|c| ScoredOfferPair {
                    participant: inst.participant(c.p).id.clone(),
                    offer: inst.offer(c.q).1.id.clone(),
                    score: c.score,
                })
                .collect(),
        }
    }
}

/// Each provider's best pairs, gathered while the participants' passes
/// run (in parallel): the best `keep[q]` feasible pairs of provider `q`
/// (score, then the lower participant), and the best score among its
/// feasible pairs left out so far.
///
/// A participant's own best `k` miss the pairs a popular provider needs:
/// with many more applicants than places, a provider's best applicants
/// are what its dual is made of, and a participant who lists it among
/// its best `k` is not necessarily one of them. With each provider's
/// best pairs in the graph, every pair outside it scores at most the
/// provider's cut, so a provider whose dual reaches `cut + B` can gain
/// no pair in pricing (`u ≥ 0`) and is never scanned there.
///
/// A pass leaves a pair to the provider only when its score's bound is
/// below the provider's cut so far (it can neither be among the best nor
/// raise the cut); every other feasible pair is scored exactly and
/// offered. So the lists and the final cuts (the best score outside the
/// lists, scored exactly: the pair that holds it was never below the
/// cut) are the same whatever the order of the passes and the threads.
///
/// Providers are held by slot: their positions in their side's layers,
/// one layer after another, so that a scan reads the cuts of the
/// providers near it one after another too.
pub(crate) struct ProviderTop {
    /// Per slot: the provider.
    id_of: Vec<u32>,
    /// Per provider: its slot.
    slot_of: Vec<u32>,
    /// Per slot: how many pairs to hold.
    keep: Vec<u32>,
    /// Per slot: the best score left out so far.
    cut: Vec<AtomicI64>,
    /// Per slot: the best pairs so far, worst on top: (score,
    /// participant), larger score and then smaller participant better.
    held: Vec<Mutex<HeldPairs>>,
    /// Per slot: its group among its layers' [`Groups`] (`u32::MAX`: none).
    group_of: Vec<u32>,
    /// Per group: the best bound of a pair a walk left unread with the
    /// rest of its group, unoffered ([`ProviderTop::left_group`]); the
    /// cut of each member covers it.
    group_cut: Vec<AtomicI64>,
}

/// One provider's best pairs so far, worst on top (see [`ProviderTop`]).
type HeldPairs = std::collections::BinaryHeap<Reverse<(i64, Reverse<u32>)>>;

impl ProviderTop {
    /// For the providers of `layers` (every provider of the side once),
    /// `caps` by provider: keep `k` pairs more than each one's capacity.
    fn new<T, U>(layers: &[&Layer<T, U>], caps: &[u32], k: usize) -> Self {
        let id_of: Vec<u32> = layers
            .iter()
            .flat_map(|l| l.grid.ids().iter().copied())
            .collect();
        let mut slot_of = vec![u32::MAX; caps.len()];
        for (slot, &q) in id_of.iter().enumerate() {
            slot_of[q as usize] = slot as u32;
        }
        let k = u32::try_from(k).unwrap_or(u32::MAX);
        let mut group_of = Vec::with_capacity(id_of.len());
        let mut groups = 0;
        for l in layers {
            if l.groups.head.is_empty() {
                group_of.resize(group_of.len() + l.recs.len(), u32::MAX);
            } else {
                group_of.extend(l.groups.of.iter().map(|&g| groups + g));
                groups += l.groups.head.len() as u32;
            }
        }
        ProviderTop {
            group_of,
            group_cut: (0..groups).map(|_| AtomicI64::new(i64::MIN)).collect(),
            keep: id_of
                .iter()
                .map(|&q| caps[q as usize].saturating_add(k))
                .collect(),
            cut: id_of.iter().map(|_| AtomicI64::new(i64::MIN)).collect(),
            held: id_of.iter().map(|_| Mutex::default()).collect(),
            id_of,
            slot_of,
        }
    }

    /// Whether a pair with the provider at `slot` whose score is at most
    /// `bound` may be among its best or raise its cut.
    #[inline]
    fn wants(&self, slot: u32, bound: i64) -> bool {
        bound >= self.cut[slot as usize].load(AtomicOrdering::Relaxed)
    }

    /// The feasible pair of participant `p` with the provider at `slot`,
    /// scored exactly.
    fn offer(&self, p: u32, slot: u32, score: i64) {
        if !self.wants(slot, score) {
            return;
        }
        let mut held = self.held[slot as usize]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let pair = Reverse((score, Reverse(p)));
        if held.len() < self.keep[slot as usize] as usize {
            held.push(pair);
            return;
        }
        let out = match held.peek_mut() {
            // Better than the worst held: it takes that one's place.
            Some(mut worst) if pair < *worst => std::mem::replace(&mut *worst, pair).0.0,
            _ => score,
        };
        // Under the lock, so the cut only rises.
        let cut = &self.cut[slot as usize];
        if out > cut.load(AtomicOrdering::Relaxed) {
            cut.store(out, AtomicOrdering::Relaxed);
        }
    }

    /// Pairs with members of the group of the provider at `slot`, each
    /// scoring at most `bound`, were left unread and not offered.
    fn left_group(&self, slot: u32, bound: i64) {
        let cut = &self.group_cut[self.group_of[slot as usize] as usize];
        if bound > cut.load(AtomicOrdering::Relaxed) {
            cut.fetch_max(bound, AtomicOrdering::Relaxed);
        }
    }

    /// Per provider: its best pairs (participant, score), and its cut
    /// (its group's if higher).
    fn finish(self) -> (Vec<Vec<(u32, i64)>>, Vec<i64>) {
        let n = self.slot_of.len();
        let mut held = vec![Vec::new(); n];
        let mut cut = vec![i64::MIN; n];
        let group_cut: Vec<i64> = self
            .group_cut
            .into_iter()
            .map(AtomicI64::into_inner)
            .collect();
        let of_group = |slot: usize| match self.group_of[slot] {
            u32::MAX => i64::MIN,
            g => group_cut[g as usize],
        };
        for (slot, ((q, h), c)) in self.id_of.iter().zip(self.held).zip(self.cut).enumerate() {
            let h = h
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            held[*q as usize] = h
                .into_iter()
                .map(|Reverse((s, Reverse(p)))| (p, s))
                .collect();
            cut[*q as usize] = c.into_inner().max(of_group(slot));
        }
        (held, cut)
    }
}

/// The pairs a participant's list has room for when the walk keeps its
/// best `k` (it is cut to those at the end): at a million participants
/// some 20 pairs are scored per participant and side, and a list grown
/// from nothing moved four times, mostly into fresh pages.
const ROOM: usize = 64;

/// What one participant's pass finds on one side.
struct Found<'a> {
    p: u32,
    /// The provider of the previous run, for the continuity bonus.
    prev: Option<u32>,
    out: Vec<Cand>,
    counts: RuleCounts,
    best: Best,
    /// The largest upper bound on the score of a feasible pair left
    /// unscored because it could not be among the best `k` (`i64::MIN`
    /// if none).
    skipped: i64,
    /// In a pricing pass: the pairs that enter, instead of `out`.
    price: Option<Price>,
    /// Whether a pair was left out by [`Found::bounded_out`] without its
    /// rules being counted, or counted under a rule it surely breaks but
    /// may not break first (a run of offers left whole, see [`scan`]).
    unchecked: bool,
    /// With a `k`: every provider's best pairs, offered each feasible
    /// pair that may be among them.
    prov: Option<&'a ProviderTop>,
}

/// What [`Found::bounded_out`] makes of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Left on its bound.
    Out,
    /// Its rules checked and, if feasible, taken.
    Check,
    /// Out for the participant, but its provider may want it: its rules
    /// checked and, if feasible, scored for the provider only.
    Provider,
}

/// What [`Found::quick`] makes of a pair before its bound is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quick {
    /// Left.
    Out,
    /// Out for the participant; visited for its provider alone.
    Provider,
    /// Visited as usual.
    Visit,
}

/// The entering pairs of one participant in a pricing pass (see
/// [`CellFilter`]).
struct Price {
    base: i64,
    /// How many pairs to keep (enter and aside).
    k: usize,
    /// Providers not to price here (their pairs are priced from aside).
    skip: Vec<u32>,
    /// The best `k` so far, worst on top: reduced cost (larger is better),
    /// provider (smaller is better), score.
    #[allow(clippy::type_complexity)]
    heap: std::collections::BinaryHeap<Reverse<(i128, Reverse<u32>, i64)>>,
    left_out: bool,
}

impl Price {
    /// Whether a pair of reduced cost `rc` with provider `q` cannot be
    /// among the best `k`: `k` are kept and the worst of them ranks higher
    /// (ties: the lower provider).
    fn beaten(&self, rc: i128, q: u32) -> bool {
        self.heap.len() == self.k
            && self
                .heap
                .peek()
                .is_some_and(|w| (rc, Reverse(q)) < ((w.0).0, (w.0).1))
    }

    /// Whether a pair with provider `q` (dual `v`) whose score is at most
    /// `bound` is left: its reduced cost cannot be positive, or cannot be
    /// among the best `k` once a positive one was left out.
    fn leaves(&self, q: u32, v: i64, bound: i64) -> bool {
        let rc = i128::from(bound) + i128::from(self.base) - i128::from(v);
        rc <= 0 || (self.left_out && self.beaten(rc, q))
    }

    /// Price the pair with provider `q` (dual `v`), whose score is `rest`
    /// plus a distance credit of at most `upper()` and exactly `exact()`.
    fn offer(
        &mut self,
        q: u32,
        v: i64,
        rest: i64,
        upper: impl FnOnce() -> i64,
        exact: impl Fn() -> i64,
    ) {
        let rc = |score: i64| i128::from(score) + i128::from(self.base) - i128::from(v);
        let bound = rc(rest + upper());
        if bound <= 0 || (!self.skip.is_empty() && self.skip.binary_search(&q).is_ok()) {
            return;
        }
        if self.beaten(bound, q) {
            // Not among the best `k`; only whether it is positive matters.
            if !self.left_out && rc(rest + exact()) > 0 {
                self.left_out = true;
            }
            return;
        }
        let score = rest + exact();
        let r = rc(score);
        if r <= 0 {
            return;
        }
        self.heap.push(Reverse((r, Reverse(q), score)));
        if self.heap.len() > self.k {
            self.heap.pop();
            self.left_out = true;
        }
    }
}

impl<'a> Found<'a> {
    fn new(
        p: u32,
        prev: Option<u32>,
        (top, prov): (Option<usize>, Option<&'a ProviderTop>),
        cells: Option<&CellFilter<'_>>,
    ) -> Self {
        Found {
            p,
            prev,
            prov: prov.filter(|_| cells.is_none() && top.is_some_and(|k| k > 0)),
            out: Vec::with_capacity(if prov.is_some() && cells.is_none() {
                ROOM
            } else {
                0
            }),
            counts: [0; Rule::COUNT],
            best: Best::new(top),
            skipped: i64::MIN,
            unchecked: false,
            price: cells.map(|f| {
                let mut price = Price {
                    base: f.base,
                    k: f.k.max(1) + f.spare,
                    skip: Vec::new(),
                    heap: std::collections::BinaryHeap::new(),
                    left_out: false,
                };
                for c in f.aside {
                    price.offer(c.q, f.dual_of[c.q as usize], c.score, || 0, || 0);
                }
                price.skip.extend(f.aside.iter().map(|c| c.q));
                price
            }),
        }
    }

    /// The [`ProviderTop`] slot of provider `q` (0 without one).
    fn slot(&self, q: u32) -> u32 {
        self.prov.map_or(0, |t| t.slot_of[q as usize])
    }

    /// What becomes of the pair with provider `q` (dual `v`, at `slot`
    /// of its side's [`ProviderTop`]) before its
    /// rules are checked, from `upper`, its [`Upper`] (a bound on its
    /// score without continuity, or the rule that surely removes it). A
    /// pair whose first broken rule is known is left, and counted there
    /// outside pricing.
    /// Otherwise only once the pair cannot matter: with a `k`, when the
    /// `k` best so far are known and the bound is below the `k`-th (the
    /// bound goes into `skipped`), unless the provider may want it
    /// ([`ProviderTop`]; then it is checked for the provider alone); in a
    /// pricing pass, when its reduced cost cannot be positive, or cannot
    /// be among the best `k` once a positive one was left out. With a
    /// `k`, a pair some rule surely removes is left too, its rules then
    /// not counted (`unchecked`): the counts only matter for a
    /// participant left with no feasible pair, whose providers are then
    /// checked again one by one.
    fn bounded_out(
        &mut self,
        cfg: &Config,
        (q, v, slot): (u32, i64, u32),
        upper: impl FnOnce() -> Upper,
        lower_km: impl Fn() -> f64,
    ) -> Verdict {
        let checking = self.price.is_none() && self.best.k == 0;
        let (rest, limit) = match upper() {
            Ok(_) | Err(None) if checking => return Verdict::Check,
            Ok(bound) => bound,
            Err(rule) => {
                if self.price.is_none() {
                    match rule {
                        Some(r) => self.counts[r as usize] += 1,
                        None => self.unchecked = true,
                    }
                }
                return Verdict::Out;
            }
        };
        let rest = rest + continuity(cfg, self.prev, q);
        // The distance's exact bound (a square root) only when the best
        // distance credit leaves the question open.
        let far = rest + i64::from(cfg.weights.distance) * 1000;
        let near = || rest + distance_credit(cfg, lower_km(), limit);
        if let Some(price) = &self.price {
            return if price.leaves(q, v, far) || price.leaves(q, v, near()) {
                Verdict::Out
            } else {
                Verdict::Check
            };
        }
        let Some(t) = self.best.threshold() else {
            return Verdict::Check;
        };
        // Ties go to the lower provider, as in `keep_best`.
        let mut near_bound = None;
        if (far, Reverse(q)) > t {
            let bound = near();
            if (bound, Reverse(q)) > t {
                return Verdict::Check;
            }
            self.skipped = self.skipped.max(bound);
            near_bound = Some(bound);
        } else if far > self.skipped {
            // Only a larger bound than the last one moves the cut.
            let bound = near();
            self.skipped = self.skipped.max(bound);
            near_bound = Some(bound);
        }
        self.provider_verdict(slot, far, || near_bound.unwrap_or_else(near))
    }

    /// [`Verdict::Provider`] if the provider at `slot` may want a pair out
    /// for the participant whose score is at most `far`, and at most
    /// `near()` (tighter, dearer), else [`Verdict::Out`].
    fn provider_verdict(&self, slot: u32, far: i64, near: impl FnOnce() -> i64) -> Verdict {
        match self.prov {
            Some(prov) if prov.wants(slot, far) && prov.wants(slot, near()) => Verdict::Provider,
            _ => Verdict::Out,
        }
    }

    /// What becomes of the pair with provider `q` (dual `v`, at `slot`),
    /// whose score is at most `bound`, before anything else is read. With
    /// a `k`: once the `k` best so far rank above `bound`, the pair is out
    /// for the participant, and `bound` goes into `skipped` whatever the
    /// provider's cut (so that the participant's list, cut and counts do
    /// not depend on the other threads); it is then visited for the
    /// provider alone if the provider's best may want it, else left. In a
    /// pricing pass: left when its reduced cost cannot be positive, or
    /// cannot be among the best once a positive one was left out (as
    /// [`Found::bounded_out`]). Otherwise it is visited as usual.
    #[inline]
    fn quick(&mut self, (q, v): (u32, i64), slot: u32, bound: i64) -> Quick {
        if let Some(price) = &self.price {
            return if price.leaves(q, v, bound) {
                Quick::Out
            } else {
                Quick::Visit
            };
        }
        match self.best.threshold() {
            // Ties go to the lower provider, as in `keep_best`.
            Some(t) if (bound, Reverse(q)) < t => {
                self.skipped = self.skipped.max(bound);
                match self.prov {
                    Some(prov) if prov.wants(slot, bound) => Quick::Provider,
                    _ => Quick::Out,
                }
            }
            _ => Quick::Visit,
        }
    }

    /// [`Verdict::Provider`] if the provider's best may want the pair with
    /// provider `q` (at `slot`) by its [`Upper`], else [`Verdict::Out`]:
    /// for a pair already out for the participant ([`Quick::Provider`]),
    /// whose list, cut and counts it leaves alone.
    fn for_provider(
        &self,
        cfg: &Config,
        (q, slot): (u32, u32),
        upper: impl FnOnce() -> Upper,
        lower_km: impl Fn() -> f64,
    ) -> Verdict {
        let (Some(_), Ok((rest, limit))) = (self.prov, upper()) else {
            return Verdict::Out;
        };
        let rest = rest + continuity(cfg, self.prev, q);
        let far = rest + i64::from(cfg.weights.distance) * 1000;
        self.provider_verdict(slot, far, || rest + distance_credit(cfg, lower_km(), limit))
    }

    /// One provider a scan found in reach, at position `pos` of `layer`
    /// (`qcs` its [`Geo::quarter_chord_sq`] to `pc`), after `quick`
    /// ([`Found::quick`]): left on its bound (see [`Found::bounded_out`]),
    /// or its record's rules checked and the pair taken (or only offered
    /// to its provider).
    #[inline]
    fn visit<T: HasGeo, U>(
        &mut self,
        cfg: &Config,
        pc: &PartC,
        (layer, pos, q, qcs): (&Layer<T, U>, usize, (u32, i64), f64),
        upper: impl FnOnce(&U) -> Upper,
        rules: impl FnOnce(&T) -> std::result::Result<(Breakdown, f64), u16>,
        quick: Quick,
    ) {
        let lower = || distance_lower_bound(qcs);
        let slot = layer.base + pos as u32;
        let (q, v) = q;
        let upper = || upper(&layer.ub[pos]);
        let verdict = match quick {
            Quick::Out => return,
            Quick::Provider => self.for_provider(cfg, (q, slot), upper, lower),
            Quick::Visit => self.bounded_out(cfg, (q, v, slot), upper, lower),
        };
        if verdict == Verdict::Out {
            return;
        }
        let rec = &layer.recs[pos];
        let checked = rules(rec);
        let exact = || pc.geo.distance_km(rec.geo());
        if verdict == Verdict::Check {
            self.take(cfg, (q, v, slot), checked, lower(), exact);
        } else if let (Ok((b, limit)), Some(prov)) = (checked, self.prov) {
            // For the provider alone: the participant's own list and
            // counts are as if the pair had been left on its bound.
            let rest = b.total() + continuity(cfg, self.prev, q);
            prov.offer(self.p, slot, rest + distance_credit(cfg, exact(), limit));
        }
    }

    /// Take the rule check of the pair with provider `q`: count the first
    /// broken rule, or score the pair. The distance criterion comes last:
    /// with a `k`, a pair whose score with the distance bounded from
    /// `lower_km` cannot reach the `k`-th best so far is only bounded (in
    /// `skipped`), and scored for its provider if it may want it;
    /// otherwise `exact_km` gives the distance.
    fn take(
        &mut self,
        cfg: &Config,
        (q, v, slot): (u32, i64, u32),
        checked: std::result::Result<(Breakdown, f64), u16>,
        lower_km: f64,
        exact_km: impl Fn() -> f64,
    ) {
        match checked {
            Err(mask) => self.counts[mask.trailing_zeros() as usize] += 1,
            Ok((b, limit)) => {
                let rest = b.total() + continuity(cfg, self.prev, q);
                if let Some(price) = &mut self.price {
                    price.offer(
                        q,
                        v,
                        rest,
                        || distance_credit(cfg, lower_km, limit),
                        || distance_credit(cfg, exact_km(), limit),
                    );
                    return;
                }
                let exact = || rest + distance_credit(cfg, exact_km(), limit);
                if let Some(t) = self.best.threshold() {
                    let bound = rest + distance_credit(cfg, lower_km, limit);
                    if (bound, Reverse(q)) < t {
                        self.skipped = self.skipped.max(bound);
                        if let Some(prov) = self.prov.filter(|t| t.wants(slot, bound)) {
                            prov.offer(self.p, slot, exact());
                        }
                        return;
                    }
                }
                let score = exact();
                self.best.push((score, Reverse(q)));
                self.out.push(Cand {
                    p: self.p,
                    q,
                    score,
                });
                if let Some(prov) = self.prov {
                    prov.offer(self.p, slot, score);
                }
            }
        }
    }
}

/// What [`group_walk`] reads of a participant, once per pass.
struct GroupKey<'k> {
    key: &'k PartKey,
    /// The slot of its previous provider ([`ProviderTop`]).
    prev: Option<u32>,
    xyz: [f64; 3],
    radius: f64,
}

impl<'k> GroupKey<'k> {
    /// A lower bound on the distance in km to any member of the group
    /// with head `h`.
    fn lower_km(&self, h: &GroupHead) -> f64 {
        let lower_chord = (chord(&self.xyz, &h.center) - h.radius - 1e-15).max(0.0);
        distance_lower_bound(lower_chord * lower_chord / 4.0)
    }

    /// The continuity credit of the group at positions `at` of a layer
    /// whose slots start at `base`: full if it holds the previous
    /// provider.
    fn continuity(&self, cfg: &Config, base: u32, at: &std::ops::Range<usize>) -> i64 {
        match self.prev {
            Some(slot)
                if (base as usize + at.start..base as usize + at.end)
                    .contains(&(slot as usize)) =>
            {
                i64::from(cfg.weights.continuity) * 1000
            }
            _ => 0,
        }
    }

    fn new(pc: &PartC, key: &'k PartKey, prev: Option<u32>) -> Self {
        GroupKey {
            key,
            prev,
            xyz: pc.geo.xyz(),
            radius: pc.max_travel_km,
        }
    }
}

/// The members of group `g` of the mentor `layer` a participant's walk
/// (`gk`) reads ([`Groups`]). A group whose ball lies beyond the
/// participant's radius, or beyond its members' largest, is left, as
/// beyond reach. Once the `k` best so far are known (keeping the best `k`,
/// not pricing), each member's bound is [`mentor_upper`]'s with the
/// language, time, distance and continuity of the whole group, and the
/// skills and sector of its own (the shared buckets counted for all
/// members at once, up to 8): the members whose bound is below the
/// `k`-th best are left unread, counted as seen, the best of their
/// bounds going into `skipped` and into their group's cut
/// ([`ProviderTop::left_group`]), which covers the pairs their providers
/// were not offered.
fn group_walk(
    found: &mut Found<'_>,
    cfg: &Config,
    layer: &Layer<MentC, MentUb>,
    gk: &GroupKey<'_>,
    g: usize,
) -> GroupWalk {
    let groups = &layer.groups;
    let at = groups.range(g);
    let all = low_bits(at.len());
    let h = &groups.head[g];
    let lower_km = gk.lower_km(h);
    if lower_km > gk.radius || lower_km > h.travel {
        return GroupWalk {
            visit: 0,
            rest_seen: false,
        };
    }
    let (Some(t), Some(prov), None) = (found.best.threshold(), found.prov, &found.price) else {
        return GroupWalk {
            visit: all,
            rest_seen: false,
        };
    };
    let (w, key) = (&cfg.weights, gk.key);
    let r = shared_rank(key, h.top_rank, h.langs);
    let mut time = set_bits(h.shapes).map(|s| key.time[s]).max().unwrap_or(0);
    if h.loose {
        let c = common_from_blocks(key, h.blocks, h.minutes);
        time = time.max(time_permille(c, i64::from(w.time_saturation_minutes)));
    }
    let rest = i64::from(w.language) * rank_permille(r)
        + i64::from(w.time) * time
        + key.waiting
        + distance_credit(cfg, lower_km, gk.radius.min(h.travel))
        + gk.continuity(cfg, layer.base, &at);
    let most = key.skills.count_ones() as usize;
    let skills = |c: usize| {
        let hits = c * key.skill_mult as usize;
        i64::from(w.skills) * key.skill_credit[hits.min(key.skill_credit.len() - 1)]
    };
    let sector = i64::from(w.sector) * 1000;
    // The fewest shared skill buckets a member needs, without and with a
    // shared sector bucket.
    let need = |extra: i64| (0..=most).find(|&c| skills(c) + extra + rest >= t.0);
    let (need0, need1) = (need(0), need(sector));
    // at_least[j]: the members sharing at least j of the buckets.
    let top = most.min(COUNTED);
    let mut at_least = [0u32; COUNTED + 1];
    at_least[0] = all;
    for b in set_bits(key.skills) {
        let m = groups.skills[g][b];
        for j in (1..=top).rev() {
            at_least[j] |= at_least[j - 1] & m;
        }
    }
    let with = |need: Option<usize>| need.map_or(0, |c| at_least[c.min(top)]);
    let sec = set_bits(key.sectors).fold(0, |m, b| m | groups.sectors[g][b]);
    let visit = with(need0) | (sec & with(need1));
    let left = all & !visit;
    if left != 0 {
        // Below the need (or any count, without one), hence below `t`.
        let below = |need: Option<usize>, extra: i64| {
            skills(need.map_or(most, |c| c.saturating_sub(1))) + extra + rest
        };
        let mut bound = i64::MIN;
        if left & !sec != 0 {
            bound = below(need0, 0);
        }
        if left & sec != 0 {
            bound = bound.max(below(need1, sector));
        }
        found.skipped = found.skipped.max(bound);
        prov.left_group(layer.base + at.start as u32, bound);
    }
    GroupWalk {
        visit,
        rest_seen: true,
    }
}

/// One participant's mentors: the feasible pairs (with `top`, at least the
/// best `top`, but pairs that cannot be among them may be left out, and
/// bounded in `skipped`), in no particular order, and per rule the mentors
/// it removed.
fn mentor_candidates<'a>(
    inst: &Instance,
    cfg: &Config,
    index: &Index,
    p: u32,
    prev: Option<u32>,
    cells: Option<&CellFilter<'_>>,
    top: (Option<usize>, Option<&'a ProviderTop>),
) -> Found<'a> {
    let mut found = Found::new(p, prev, top, cells);
    let pc = &inst.participants[p as usize];
    let all = inst.mentors.len() as u32;
    if !pc.seeks_mentor {
        found.counts[Rule::NotSeekingMentor as usize] = all;
        return found;
    }
    let forbidden = |m: u32| inst.forbidden_mentor.contains(p, m);
    let layer = &index.mentors;
    let (mut ranges, mut keyed) = (Vec::new(), Vec::new());
    if cfg.rules.mentor_distance
        && pass_ranges(&layer.grid, pc, (cells, top.0), &mut ranges, &mut keyed)
    {
        // Language buckets: a mentor with no bucket in common speaks no
        // language with the participant at the rank asked for (or at the
        // lower rank the index was built for, which the configuration's
        // may only exceed).
        let buckets = match (cfg.rules.min_shared_language, index.mentor_lang_rank) {
            (Some(min), Some(built)) if min.rank() >= built => Some(lang_set(&pc.langs, built)),
            _ => None,
        };
        if cells.is_some_and(|f| !f.any_below(0, &ranges)) {
            // A pricing pass with no provider below the bound in reach.
            return found;
        }
        let shape = index.part_shapes[p as usize];
        let key = PartKey::new(pc, cfg, &index.mentor_shapes, shape, Side::Mentor);
        // A mentor with neither a skill nor a sector in the participant's
        // buckets scores nothing on both: at most the participant's best
        // language and time, and the full distance credit.
        let unrelated = unrelated_bound(&key, cfg);
        let gk = GroupKey::new(
            pc,
            &key,
            prev.and_then(|m| found.prov.map(|t| t.slot_of[m as usize])),
        );
        let group = |found: &mut Found<'_>, g: usize| group_walk(found, cfg, layer, &gk, g);
        let (seen, no_language, _) = scan(
            layer,
            &ranges,
            pc,
            |m| m.max_travel_km,
            cells.map(|f| f.layer(0)),
            (|set| buckets.is_some_and(|b| b & set == 0), None),
            (&mut found, Some(&group as &GroupTest<'_, Found<'_>>)),
            |found, q, pos, qcs| {
                let u = &layer.ub[pos];
                let quick = if key.skills & u.skills == 0 && key.sectors & u.sectors == 0 {
                    let bound = unrelated + continuity(cfg, prev, q.0);
                    found.quick(q, layer.base + pos as u32, bound)
                } else {
                    Quick::Visit
                };
                found.visit(
                    cfg,
                    pc,
                    (layer, pos, q, qcs),
                    |u| mentor_upper(pc, &key, u, cfg),
                    |mc| mentor_rules(pc, mc, cfg, || false, || forbidden(q.0), true),
                    quick,
                );
            },
        );
        // Everyone not seen in reach is too far (distance is checked first).
        found.counts[Rule::TooFar as usize] += all - seen;
        found.counts[Rule::NoSharedLanguage as usize] += no_language;
    } else {
        for m in 0..all {
            let Some(v) = priced(cells, m) else { continue };
            let mc = &inst.mentors[m as usize];
            let far = || mentor_too_far(pc, mc);
            let checked = mentor_rules(pc, mc, cfg, far, || forbidden(m), true);
            let slot = found.slot(m);
            found.take(cfg, (m, v, slot), checked, 0.0, || {
                pc.geo.distance_km(&mc.geo)
            });
        }
    }
    if found.unchecked && found.out.is_empty() {
        // No feasible pair: count every rule, without bounds.
        return mentor_candidates(inst, cfg, index, p, prev, cells, (None, None));
    }
    found
}

/// One participant's offers, as [`mentor_candidates`].
fn offer_candidates<'a>(
    inst: &Instance,
    cfg: &Config,
    index: &Index,
    p: u32,
    prev: Option<u32>,
    cells: Option<&CellFilter<'_>>,
    top: (Option<usize>, Option<&'a ProviderTop>),
) -> Found<'a> {
    let mut found = Found::new(p, prev, top, cells);
    let pc = &inst.participants[p as usize];
    if pc.goals == 0 {
        found.counts[Rule::KindNotInGoals as usize] = inst.offers.len() as u32;
        return found;
    }
    let forbidden = |o: u32| inst.forbidden_offer.contains(p, o);
    let mut ranges: [Vec<(u32, u32)>; 4] = Default::default();
    let mut keyed = Vec::new();
    // Kinds not among the goals are removed first, wherever they are;
    // offers of the sought kinds outside the ranges are too far.
    let indexed = cfg.rules.offer_goals
        && cfg.rules.offer_distance
        && index
            .offers_by_kind
            .iter()
            .zip(&mut ranges)
            .enumerate()
            .all(|(k, (layer, r))| {
                pc.goals & (1 << k) == 0
                    || pass_ranges(&layer.grid, pc, (cells, top.0), r, &mut keyed)
            });
    if indexed
        && cells.is_some_and(|f| {
            !(0..ranges.len()).any(|k| pc.goals & (1 << k) != 0 && f.any_below(k, &ranges[k]))
        })
    {
        // A pricing pass with no provider below the bound in reach.
        return found;
    }
    if indexed {
        // Language buckets: an offer requiring a bucket the participant
        // has no language in requires a language it does not speak.
        let spoken = lang_set(&pc.langs, 0);
        let check = cfg.rules.offer_requirements;
        let shape = index.part_shapes[p as usize];
        let key = PartKey::new(pc, cfg, &index.offer_shapes, shape, Side::Offer);
        // Keeping the best `k` (not pricing, whose walk follows the
        // duals), whole runs of offers the participant surely fails are
        // left unread; their rules then count as unchecked.
        let fails = |u: &OfferUb| run_fails(pc, &key, u, cfg, &index.offer_shapes);
        let runs =
            (found.best.k > 0 && found.price.is_none()).then_some(&fails as &RunTest<'_, OfferUb>);
        for (k, layer) in index.offers_by_kind.iter().enumerate() {
            let n = layer.grid.len() as u32;
            if pc.goals & (1 << k) == 0 {
                found.counts[Rule::KindNotInGoals as usize] += n;
                continue;
            }
            let (seen, missing, left) = scan(
                layer,
                &ranges[k],
                pc,
                |_| f64::INFINITY,
                cells.map(|f| f.layer(k)),
                (|set| check && set & !spoken != 0, runs),
                (&mut found, None),
                |found, q, pos, qcs| {
                    found.visit(
                        cfg,
                        pc,
                        (layer, pos, q, qcs),
                        |u| offer_upper(pc, &key, u, cfg, &index.offer_shapes),
                        |oc| offer_rules(pc, oc, cfg, || false, || forbidden(q.0), true),
                        Quick::Visit,
                    );
                },
            );
            found.counts[Rule::TooFar as usize] += n - seen;
            found.counts[Rule::MissingLanguage as usize] += missing;
            for (level, &count) in RunLevel::ALL.iter().zip(&left) {
                found.counts[level.rule() as usize] += count;
                found.unchecked |= count > 0;
            }
        }
    } else {
        for o in 0..inst.offers.len() as u32 {
            let Some(v) = priced(cells, o) else { continue };
            let oc = &inst.offers[o as usize];
            let far = || offer_too_far(pc, oc);
            let checked = offer_rules(pc, oc, cfg, far, || forbidden(o), true);
            let slot = found.slot(o);
            found.take(cfg, (o, v, slot), checked, 0.0, || {
                pc.geo.distance_km(&oc.geo)
            });
        }
    }
    if found.unchecked && found.out.is_empty() {
        // No feasible pair: count every rule, without bounds.
        return offer_candidates(inst, cfg, index, p, prev, cells, (None, None));
    }
    found
}

/// The ranges of `grid` a pass for `pc` walks, as
/// [`Grid::near_ranges`]: in a pricing pass (`cells`) one per cell, each
/// cell walked in the order of its duals; when keeping the best `top`,
/// the nearest cells first, so that the `top`-th best rises early and its
/// bound leaves more of the far pairs unscored; otherwise a cell row's
/// cells merged. False as [`Grid::near_ranges`].
fn pass_ranges(
    grid: &Grid,
    pc: &PartC,
    (cells, top): (Option<&CellFilter<'_>>, Option<usize>),
    out: &mut Vec<(u32, u32)>,
    keyed: &mut Vec<(f64, u32, u32)>,
) -> bool {
    let (at, radius) = (&pc.geo, pc.max_travel_km);
    match (cells, top) {
        (None, Some(k)) if k > 0 => grid.near_ranges_nearest_first(at, radius, out, keyed),
        _ => grid.near_ranges(at, radius, out, cells.is_none()),
    }
}

/// Walk `ranges` of `layer` for participant `pc`: without `duals`, every
/// position of the ranges; with them (a pricing pass: each range one cell,
/// and the bound a dual must be below), the cell's providers whose dual is
/// below the bound. Providers within both radii (the participant's, and
/// the provider's own where its `at` reach is finite, `limit` in km) are
/// handed to `visit` by position, with their dual (0 without `duals`), unless
/// `rejected` rules them out by their language buckets (the first rule
/// after the distance). Returns how many providers count as seen here, in
/// reach (the rest of the layer is beyond the ranges or a radius, hence
/// too far), and how many of those the buckets ruled out.
///
/// With `fails` (no `duals`; the layer's runs noted, see [`Layer::new`]):
/// each run of the walk is first asked `fails` at its first position, and
/// a run whose level's rule the participant surely fails is left whole,
/// unread. Its positions count as seen, in the third figure returned at
/// that level: they are surely infeasible, but those beyond the radius
/// would have counted as too far, so the caller must treat the counts as
/// unchecked.
#[allow(clippy::too_many_arguments)]
fn scan<T: HasGeo, U, S>(
    layer: &Layer<T, U>,
    ranges: &[(u32, u32)],
    pc: &PartC,
    limit: impl Fn(&T) -> f64,
    duals: Option<(&LayerDuals, i64, i64)>,
    (rejected, fails): (impl Fn(u64) -> bool, Option<&RunTest<'_, U>>),
    (state, group): (&mut S, Option<&GroupTest<'_, S>>),
    mut visit: impl FnMut(&mut S, (u32, i64), usize, f64),
) -> (u32, u32, [u32; RUN_LEVELS]) {
    let ids = layer.grid.ids();
    let (mut visited, mut bucketed) = (0, 0);
    let mut left = [0u32; RUN_LEVELS];
    // One position's distance and bucket tests, written once for both
    // loops below (a closure here cost the candidate scan a sixth).
    macro_rules! one {
        ($pos:expr, $v:expr, $h:expr) => {{
            let pos: usize = $pos;
            let h: &Hot = $h;
            let qcs = pc.geo.quarter_chord_sq(&h.xyz);
            let rec = &layer.recs[pos];
            let far =
                Geo::beyond(qcs, pc.reach, || {
                    pc.geo.distance_km(rec.geo()) > pc.max_travel_km
                }) || Geo::beyond(qcs, h.reach, || rec.geo().distance_km(&pc.geo) > limit(rec));
            if !far {
                visited += 1;
                if rejected(h.langs) {
                    bucketed += 1;
                } else {
                    visit(state, (ids[pos], $v), pos, qcs);
                }
            }
        }};
    }
    let group = group.filter(|_| !layer.groups.head.is_empty());
    match (duals, fails) {
        (None, Some(fails)) if !layer.runs.is_empty() => {
            for &(a, b) in ranges {
                let (mut pos, b) = (a as usize, b as usize);
                // Ranges are whole cells, and runs never leave their cell.
                while pos < b {
                    let ends = &layer.runs[pos];
                    if let Some(level) = fails(&layer.ub[pos]) {
                        let end = ends[level as usize] as usize;
                        left[level as usize] += (end - pos) as u32;
                        pos = end;
                        continue;
                    }
                    for at in pos..ends[RUN_LEVELS - 1] as usize {
                        one!(at, 0, &layer.at[at]);
                    }
                    pos = ends[RUN_LEVELS - 1] as usize;
                }
            }
        }
        (None, _) => {
            for &(a, b) in ranges {
                let (a, b) = (a as usize, b as usize);
                let Some(group) = group else {
                    for pos in a..b {
                        one!(pos, 0, &layer.at[pos]);
                    }
                    continue;
                };
                // Ranges are whole cells (or a row's cells merged), and
                // groups never leave theirs.
                let groups = &layer.groups;
                for g in groups.of[a] as usize..=groups.of[b - 1] as usize {
                    let at = groups.range(g);
                    let walk = group(state, g);
                    if walk.rest_seen {
                        visited += at.len() as u32 - walk.visit.count_ones();
                    }
                    let mut bits = walk.visit;
                    while bits != 0 {
                        let pos = at.start + bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        one!(pos, 0, &layer.at[pos]);
                    }
                }
            }
        }
        (Some((d, bound, base)), _) => {
            for &(a, b) in ranges {
                let (a, b) = (a as usize, b as usize);
                // Straight to those below, in the order of their duals;
                // not those whose cut leaves no positive reduced cost.
                let below = d.sorted[a..b].partition_point(|&v| v < bound);
                for i in a..a + below {
                    if d.slack[i] < base {
                        one!(d.order[i] as usize, d.sorted[i], &d.hot[i]);
                    }
                }
            }
        }
    }
    let run_left: u32 = left.iter().sum();
    (visited + run_left, bucketed, left)
}

const fn bit(r: Rule) -> u16 {
    1 << r as u16
}

/// Best shared language rank (min of both sides), if any language is shared.
fn best_shared(a: &[(u32, u8)], b: &[(u32, u8)]) -> Option<u8> {
    let (mut i, mut j) = (0, 0);
    let mut best: Option<u8> = None;
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let r = a[i].1.min(b[j].1);
                best = Some(best.map_or(r, |x| x.max(r)));
                i += 1;
                j += 1;
            }
        }
    }
    best
}

/// True when sorted `need` ⊆ sorted `have`.
fn subset(need: &[u32], have: &[u32]) -> bool {
    let mut j = 0;
    for &x in need {
        while j < have.len() && have[j] < x {
            j += 1;
        }
        if j == have.len() || have[j] != x {
            return false;
        }
    }
    true
}

/// True when sorted `a` and `b` share an element.
fn intersects(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// The credit (thousandths) of a requirement met with `surplus` levels
/// to spare: a third for meeting it, a third more per level, up to two.
fn level_credit(surplus: u8) -> i64 {
    (i64::from(surplus.min(2)) + 1) * 1000 / 3
}

/// Whether `have` meets every `(id, level)` of `need`, and the
/// [`level_credit`] of those met summed over all of `need` and divided by
/// its length (thousandths; 0 when nothing is required).
fn requirement_fit(have: &[(u32, u8)], need: &[(u32, u8)]) -> (bool, i64) {
    if need.is_empty() {
        return (true, 0);
    }
    let mut ok = true;
    let mut credit = 0i64;
    for &(id, lvl) in need {
        match have.binary_search_by_key(&id, |x| x.0) {
            Ok(k) if have[k].1 >= lvl => credit += level_credit(have[k].1 - lvl),
            _ => ok = false,
        }
    }
    (ok, credit / need.len() as i64)
}

fn permille_distance(d_km: f64, limit_km: f64) -> i64 {
    let d = round_half_away(d_km * 1000.0);
    let lim = round_half_away(limit_km * 1000.0);
    if lim <= 0 {
        return if d <= 0 { 1000 } else { 0 };
    }
    ((lim - d).max(0) * 1000 / lim).min(1000)
}

/// `x.round() as i64` (halves away from zero) without a call into libm:
/// the walk computes it for every pair it bounds. For `0 ≤ x < 2^52` the
/// fraction `x − trunc(x)` is exact, so comparing it with one half decides
/// as `round` does; other values (negative, huge, NaN) take `round`.
#[inline]
fn round_half_away(x: f64) -> i64 {
    if (0.0..4_503_599_627_370_496.0).contains(&x) {
        let t = x as i64;
        if x - t as f64 >= 0.5 { t + 1 } else { t }
    } else {
        x.round() as i64
    }
}

/// The language criterion (thousandths) of a shared language at CEFR
/// rank `r`: A2 (rank 1) → 0, native (rank 6) → 1000.
fn rank_permille(r: u8) -> i64 {
    i64::from(r.saturating_sub(1)) * 200
}

/// The time criterion (thousandths) of a mentor pair with `common`
/// minutes in common, full from `sat` on.
fn time_permille(common: u32, sat: i64) -> i64 {
    i64::from(common).min(sat) * 1000 / sat
}

/// The time criterion (thousandths) of an offer pair: the share of the
/// schedule's `sched` minutes the participant covers (`common`), full for
/// an empty schedule.
fn schedule_permille(common: u32, sched: u32) -> i64 {
    if sched == 0 {
        1000
    } else {
        i64::from(common) * 1000 / i64::from(sched)
    }
}

fn waiting_permille(pc: &PartC, cfg: &Config) -> i64 {
    let sat = cfg.weights.waiting_saturation_days;
    i64::from(pc.waiting_days.min(sat)) * 1000 / i64::from(sat)
}

/// Check a participant–mentor pair. `Ok(breakdown)` when feasible; otherwise
/// the bit mask of broken rules (only the first if `first_only`).
pub(crate) fn evaluate_mentor(
    inst: &Instance,
    cfg: &Config,
    p: u32,
    m: u32,
    first_only: bool,
) -> std::result::Result<Breakdown, u16> {
    let pc = &inst.participants[p as usize];
    let mc = &inst.mentors[m as usize];
    mentor_rules(
        pc,
        mc,
        cfg,
        || mentor_too_far(pc, mc),
        || inst.forbidden_mentor.contains(p, m),
        first_only,
    )
    .map(|(mut b, limit)| {
        b.distance = distance_credit(cfg, pc.geo.distance_km(&mc.geo), limit);
        b
    })
}

/// The mentor distance rule: d > min(both radii) ⟺ d exceeds either;
/// decided without computing d.
fn mentor_too_far(pc: &PartC, mc: &MentC) -> bool {
    pc.geo.farther_than(&mc.geo, pc.max_travel_km, pc.reach)
        || mc.geo.farther_than(&pc.geo, mc.max_travel_km, mc.reach)
}

/// The offer distance rule: beyond the participant's radius.
fn offer_too_far(pc: &PartC, oc: &OfferC) -> bool {
    pc.geo.farther_than(&oc.geo, pc.max_travel_km, pc.reach)
}

/// [`evaluate_mentor`] on the records, with the distance rule and the
/// forbidden-pair test as closures (a scan that has tested the distance
/// already passes `|| false`).
fn mentor_rules(
    pc: &PartC,
    mc: &MentC,
    cfg: &Config,
    far: impl FnOnce() -> bool,
    forbidden: impl FnOnce() -> bool,
    first_only: bool,
) -> std::result::Result<(Breakdown, f64), u16> {
    let rules = &cfg.rules;
    let mut broken = 0u16;
    macro_rules! fail {
        ($r:expr) => {{
            broken |= bit($r);
            if first_only {
                return Err(broken);
            }
        }};
    }
    if !pc.seeks_mentor {
        fail!(Rule::NotSeekingMentor);
    }
    if rules.mentor_distance && far() {
        fail!(Rule::TooFar);
    }
    let shared = best_shared(&pc.langs, &mc.langs);
    if rules
        .min_shared_language
        .is_some_and(|min| shared.is_none_or(|r| r < min.rank()))
    {
        fail!(Rule::NoSharedLanguage);
    }
    let common = pc.avail.common_minutes(&mc.avail);
    if rules.min_common_minutes > 0 && common < rules.min_common_minutes {
        fail!(Rule::TooLittleCommonTime);
    }
    if rules.mentor_requirements && !subset(&pc.requirements, &mc.tags) {
        fail!(Rule::MentorRequirementUnmet);
    }
    if forbidden() {
        fail!(Rule::Forbidden);
    }
    if broken != 0 {
        return Err(broken);
    }
    let limit = pc.max_travel_km.min(mc.max_travel_km);
    Ok((mentor_breakdown(pc, mc, cfg, shared, common), limit))
}

/// The distance criterion of a pair `d_km` apart, `limit_km` the radius
/// that counts.
fn distance_credit(cfg: &Config, d_km: f64, limit_km: f64) -> i64 {
    i64::from(cfg.weights.distance) * permille_distance(d_km, limit_km)
}

/// A lower bound on the distance in km of two points whose
/// [`Geo::quarter_chord_sq`] is `qcs`: the arc is at least the chord
/// (`2R·asin x ≥ 2R·x`), less a relative hair for rounding.
fn distance_lower_bound(qcs: f64) -> f64 {
    2.0 * crate::model::EARTH_RADIUS_KM * qcs.sqrt() * (1.0 - 1e-9)
}

/// The `k` best pairs seen so far, by score then lower provider (the
/// order of [`keep_best`]), worst on top: to tell when a pair can no
/// longer be among a participant's best `k` (and need not be scored to
/// the end).
struct Best {
    k: usize,
    heap: std::collections::BinaryHeap<Reverse<Rank>>,
}

/// A pair's place in [`Best`]: larger is better.
type Rank = (i64, Reverse<u32>);

impl Best {
    fn new(k: Option<usize>) -> Self {
        Best {
            k: k.unwrap_or(0),
            heap: std::collections::BinaryHeap::new(),
        }
    }

    /// The `k`-th best so far, once there are `k` (never without a `k`): a
    /// pair whose rank is below it cannot be among the best `k`.
    fn threshold(&self) -> Option<Rank> {
        if self.k > 0 && self.heap.len() == self.k {
            self.heap.peek().map(|r| r.0)
        } else {
            None
        }
    }

    fn push(&mut self, rank: Rank) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(Reverse(rank));
        } else if self.threshold().is_some_and(|t| rank > t) {
            self.heap.pop();
            self.heap.push(Reverse(rank));
        }
    }
}

fn mentor_breakdown(
    pc: &PartC,
    mc: &MentC,
    cfg: &Config,
    shared: Option<u8>,
    common: u32,
) -> Breakdown {
    let w = &cfg.weights;
    let skills = if pc.skills.is_empty() {
        0
    } else {
        let mut credit = 0i64;
        for &(id, lvl) in &pc.skills {
            if let Ok(k) = mc.skills.binary_search_by_key(&id, |x| x.0) {
                credit += if mc.skills[k].1 >= lvl { 1000 } else { 500 };
            }
        }
        credit / pc.skills.len() as i64
    };
    let sector = if intersects(&pc.sectors, &mc.sectors) {
        1000
    } else {
        0
    };
    let language = shared.map_or(0, rank_permille);
    let time = time_permille(common, i64::from(w.time_saturation_minutes));
    let waiting = waiting_permille(pc, cfg);
    Breakdown {
        skills: i64::from(w.skills) * skills,
        sector: i64::from(w.sector) * sector,
        language: i64::from(w.language) * language,
        distance: 0,
        time: i64::from(w.time) * time,
        waiting: i64::from(w.waiting) * waiting,
        continuity: 0,
    }
}

/// Check a participant–offer pair, as [`evaluate_mentor`].
pub(crate) fn evaluate_offer(
    inst: &Instance,
    cfg: &Config,
    p: u32,
    o: u32,
    first_only: bool,
) -> std::result::Result<Breakdown, u16> {
    let pc = &inst.participants[p as usize];
    let oc = &inst.offers[o as usize];
    offer_rules(
        pc,
        oc,
        cfg,
        || offer_too_far(pc, oc),
        || inst.forbidden_offer.contains(p, o),
        first_only,
    )
    .map(|(mut b, limit)| {
        b.distance = distance_credit(cfg, pc.geo.distance_km(&oc.geo), limit);
        b
    })
}

/// [`evaluate_offer`] on the records, as [`mentor_rules`].
fn offer_rules(
    pc: &PartC,
    oc: &OfferC,
    cfg: &Config,
    far: impl FnOnce() -> bool,
    forbidden: impl FnOnce() -> bool,
    first_only: bool,
) -> std::result::Result<(Breakdown, f64), u16> {
    let rules = &cfg.rules;
    let mut broken = 0u16;
    macro_rules! fail {
        ($r:expr) => {{
            broken |= bit($r);
            if first_only {
                return Err(broken);
            }
        }};
    }
    if pc.goals == 0 || (rules.offer_goals && pc.goals & oc.kind.bit() == 0) {
        fail!(Rule::KindNotInGoals);
    }
    if rules.offer_distance && far() {
        fail!(Rule::TooFar);
    }
    let (lang_ok, lang_fit) = requirement_fit(&pc.langs, &oc.req_langs);
    let (skill_ok, skill_fit) = requirement_fit(&pc.skills, &oc.req_skills);
    if rules.offer_requirements && !lang_ok {
        fail!(Rule::MissingLanguage);
    }
    if rules.offer_requirements && !skill_ok {
        fail!(Rule::MissingSkill);
    }
    if rules.offer_schedule && !pc.avail.covers(&oc.schedule) {
        fail!(Rule::ScheduleNotCovered);
    }
    if rules.offer_work_permit && oc.needs_work_permit && !pc.work_permit {
        fail!(Rule::NoWorkPermit);
    }
    if forbidden() {
        fail!(Rule::Forbidden);
    }
    if broken != 0 {
        return Err(broken);
    }
    Ok((
        offer_breakdown(pc, oc, cfg, lang_fit, skill_fit),
        pc.max_travel_km,
    ))
}

fn offer_breakdown(
    pc: &PartC,
    oc: &OfferC,
    cfg: &Config,
    lang_fit: i64,
    skill_fit: i64,
) -> Breakdown {
    let w = &cfg.weights;
    let sector = match oc.sector {
        Some(s) if pc.sectors.binary_search(&s).is_ok() => 1000,
        _ => 0,
    };
    let sched = oc.schedule.minutes();
    let time = schedule_permille(pc.avail.common_minutes(&oc.schedule), sched);
    Breakdown {
        skills: i64::from(w.skills) * skill_fit,
        sector: i64::from(w.sector) * sector,
        language: i64::from(w.language) * lang_fit,
        distance: 0,
        time: i64::from(w.time) * time,
        waiting: i64::from(w.waiting) * waiting_permille(pc, cfg),
        continuity: 0,
    }
}

/// The rules a mask names, in checking order.
pub(crate) fn rules_of(mask: u16) -> Vec<Rule> {
    Rule::ALL
        .into_iter()
        .filter(|r| mask & bit(*r) != 0)
        .collect()
}

/// Breakdown of a pair regardless of the rules (for pinned pairs that break one).
pub(crate) fn mentor_breakdown_any(inst: &Instance, cfg: &Config, p: u32, m: u32) -> Breakdown {
    let pc = &inst.participants[p as usize];
    let mc = &inst.mentors[m as usize];
    let limit = pc.max_travel_km.min(mc.max_travel_km);
    let common = pc.avail.common_minutes(&mc.avail);
    let mut b = mentor_breakdown(pc, mc, cfg, best_shared(&pc.langs, &mc.langs), common);
    b.distance = distance_credit(cfg, pc.geo.distance_km(&mc.geo), limit);
    b
}

/// Breakdown of an offer pair regardless of the rules.
pub(crate) fn offer_breakdown_any(inst: &Instance, cfg: &Config, p: u32, o: u32) -> Breakdown {
    let pc = &inst.participants[p as usize];
    let oc = &inst.offers[o as usize];
    let (_, lang_fit) = requirement_fit(&pc.langs, &oc.req_langs);
    let (_, skill_fit) = requirement_fit(&pc.skills, &oc.req_skills);
    let mut b = offer_breakdown(pc, oc, cfg, lang_fit, skill_fit);
    b.distance = distance_credit(cfg, pc.geo.distance_km(&oc.geo), pc.max_travel_km);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_helpers() {
        assert!(subset(&[], &[1]));
        assert!(subset(&[1, 3], &[0, 1, 2, 3]));
        assert!(!subset(&[1, 4], &[0, 1, 2, 3]));
        assert!(intersects(&[1, 5], &[2, 5]));
        assert!(!intersects(&[1, 5], &[2, 6]));
        assert_eq!(best_shared(&[(0, 6), (2, 1)], &[(0, 2), (2, 5)]), Some(2));
        assert_eq!(best_shared(&[(0, 6)], &[(1, 6)]), None);
    }

    /// The bounds that let the scan skip a pair's record: at least the
    /// pair's score whenever it is feasible, `None` only when a rule
    /// removes it, under the default rules and with each rule off.
    #[test]
    fn record_free_bounds_hold_and_are_often_exact() {
        let mut data = crate::synth::National::new()
            .seed(11)
            .participants(600)
            .mentors(200)
            .offers(400)
            .build();
        // More skills than buckets, so that a participant has several in
        // one bucket and a mentor has them all.
        let extra =
            |level| (0..70).map(move |i| crate::model::Skill::new(format!("extra-{i}"), level));
        for p in data.participants.iter_mut().step_by(5) {
            p.skills.extend(extra(2));
        }
        for m in data.mentors.iter_mut().step_by(4) {
            m.skills.extend(extra(3));
        }
        // Offers with a second requirement, to credit beyond the first.
        for c in &mut data.companies {
            for o in c.offers.iter_mut().step_by(2) {
                o.required_languages
                    .push(crate::model::Language::new("en", crate::model::Cefr::A1));
                o.required_skills
                    .push(crate::model::Skill::new("extra-5", 1));
            }
        }
        let inst = Instance::new(data).expect("valid");
        let default = Config::default();
        let mut configs = vec![default.clone()];
        let mut off = default.clone();
        off.rules.min_common_minutes = 0;
        off.rules.mentor_requirements = false;
        off.rules.offer_requirements = false;
        off.rules.offer_schedule = false;
        off.rules.offer_work_permit = false;
        configs.push(off);
        let mut strict = default.clone();
        strict.rules.min_common_minutes = 180;
        strict.weights = strict.weights.skills(7).language(3);
        strict.weights.time_saturation_minutes = 600;
        configs.push(strict);
        let (mut exact, mut feasible, mut proved, mut named) = (0, 0, 0, 0);
        let mut quick = 0;
        // One pair: its bound (with the exact distance) against its rules,
        // and the first broken rule where the bound names it (the scan
        // has checked the kind and the distance before).
        let mut check = |upper: Upper, cfg: &Config, d: f64, evaluated, what| {
            let ahead = bit(Rule::TooFar) | bit(Rule::KindNotInGoals);
            match (evaluated, upper) {
                (Ok::<Breakdown, u16>(b), upper) => {
                    let (rest, limit) = upper.expect("a feasible pair is not ruled out");
                    let u = rest + super::distance_credit(cfg, d, limit);
                    assert!(u >= b.total(), "{what:?}: {u} < {}", b.total());
                    feasible += 1;
                    exact += usize::from(u == b.total());
                }
                (Err(mask), _) if mask & ahead != 0 => {}
                (Err(_), Ok(_)) => {}
                (Err(mask), Err(rule)) => {
                    proved += 1;
                    if let Some(r) = rule {
                        assert_eq!(bit(r), mask, "{what:?}: first broken rule");
                        named += 1;
                    }
                }
            }
        };
        // The participants' masks: two with rows, the others counted.
        let part = Shapes::new(inst.participants.iter().map(|p| &p.avail), 2);
        // Every provider mask with an id, and only two (the others bounded
        // from the blocks).
        let shapes = |limit| {
            (
                Shapes::new(inst.mentors.iter().map(|m| &m.avail), limit).with_rows(&part),
                Shapes::new(inst.offers.iter().map(|o| &o.schedule), limit).with_rows(&part),
            )
        };
        let (all, two) = (shapes(SHAPES), shapes(2));
        assert!(all.0.masks.len() > 2 && all.1.masks.len() > 2);
        let with_row = inst
            .participants
            .iter()
            .filter(|p| part.id(&p.avail) != NO_SHAPE);
        assert!((1..inst.participants.len()).contains(&with_row.count()));
        for (cfg, (ms, os)) in configs.iter().flat_map(|c| [(c, &all), (c, &two)]) {
            for (p, pc) in inst.participants.iter().enumerate() {
                let shape = part.id(&pc.avail);
                let key = PartKey::new(pc, cfg, ms, shape, Side::Mentor);
                let offer_key = PartKey::new(pc, cfg, os, shape, Side::Offer);
                let unrelated = unrelated_bound(&key, cfg);
                for (q, mc) in inst.mentors.iter().enumerate() {
                    let ub = MentUb::new(mc, ms);
                    let upper = mentor_upper(pc, &key, &ub, cfg);
                    let evaluated = evaluate_mentor(&inst, cfg, p as u32, q as u32, true);
                    // The quick bound of a mentor sharing no skill or
                    // sector bucket.
                    if let Ok(b) = &evaluated
                        && key.skills & ub.skills == 0
                        && key.sectors & ub.sectors == 0
                    {
                        assert!(unrelated >= b.total(), "mentor {p} {q}: unrelated bound");
                        quick += 1;
                    }
                    let d = pc.geo.distance_km(&mc.geo);
                    check(upper, cfg, d, evaluated, ("mentor", p, q));
                }
                for (q, oc) in inst.offers.iter().enumerate() {
                    let upper = offer_upper(pc, &offer_key, &OfferUb::new(oc, os), cfg, os);
                    let evaluated = evaluate_offer(&inst, cfg, p as u32, q as u32, true);
                    let d = pc.geo.distance_km(&oc.geo);
                    check(upper, cfg, d, evaluated, ("offer", p, q));
                }
            }
        }
        assert!(feasible > 10_000, "{feasible} feasible pairs");
        assert!(
            quick > 1_000,
            "{quick} mentor pairs under the unrelated bound"
        );
        assert!(exact * 5 > feasible, "{exact} of {feasible} bounds exact");
        assert!(proved > 10_000, "{proved} pairs ruled out from the buckets");
        assert!(
            named > 5_000,
            "{named} of {proved} with their first broken rule"
        );
    }

    #[test]
    fn runs_leave_only_offers_the_participant_fails() {
        let mut data = crate::synth::National::new()
            .seed(5)
            .participants(400)
            .mentors(20)
            .offers(1500)
            .build();
        // Offers with a second requirement: a run is cut by the first
        // only, and must not claim more.
        for c in &mut data.companies {
            for o in c.offers.iter_mut().step_by(3) {
                o.required_languages
                    .push(crate::model::Language::new("en", crate::model::Cefr::A1));
                if o.required_skills.iter().all(|s| s.skill != "it.support") {
                    o.required_skills
                        .push(crate::model::Skill::new("it.support", 1));
                }
            }
        }
        let inst = Instance::new(data).expect("valid");
        let default = Config::default();
        let mut no_permit = default.clone();
        no_permit.rules.offer_work_permit = false;
        no_permit.rules.offer_requirements = false;
        let mut no_schedule = default.clone();
        no_schedule.rules.offer_schedule = false;
        let (mut left, mut longer) = ([0usize; RUN_LEVELS], 0);
        for cfg in [&default, &no_permit, &no_schedule] {
            let index = Index::new(&inst, cfg);
            for (k, layer) in index.offers_by_kind.iter().enumerate() {
                assert_eq!(layer.runs.len(), layer.recs.len());
                for cell in layer.grid.cells() {
                    for pos in cell.clone() {
                        let ends = layer.runs[pos];
                        assert!(pos < ends[RUN_LEVELS - 1] as usize, "kind {k} pos {pos}");
                        assert!(ends.windows(2).all(|w| w[0] >= w[1]));
                        assert!(ends[0] as usize <= cell.end);
                    }
                }
                for (p, pc) in inst.participants.iter().enumerate() {
                    let shape = index.part_shapes[p];
                    let key = PartKey::new(pc, cfg, &index.offer_shapes, shape, Side::Offer);
                    for pos in 0..layer.recs.len() {
                        let u = &layer.ub[pos];
                        let Some(level) = run_fails(pc, &key, u, cfg, &index.offer_shapes) else {
                            continue;
                        };
                        let end = layer.runs[pos][level as usize] as usize;
                        left[level as usize] += 1;
                        longer += usize::from(end > pos + 1);
                        for at in pos..end {
                            let q = layer.grid.ids()[at];
                            let mask = evaluate_offer(&inst, cfg, p as u32, q, false)
                                .expect_err("a run left whole is infeasible");
                            let rule = level.rule();
                            assert!(
                                mask & bit(rule) != 0,
                                "participant {p}, offer {q}: {rule:?} not broken"
                            );
                        }
                    }
                }
            }
        }
        assert!(
            left.iter().all(|&n| n > 1_000),
            "runs left per level: {left:?}"
        );
        assert!(longer > 10_000, "{longer} runs longer than one offer");
    }

    #[test]
    fn language_buckets_only_prove_absence() {
        // Ranks below the one asked for are left out of the set.
        assert_eq!(lang_set(&[(1, 2), (2, 4)], 3), 1 << 2);
        // Languages 3 and 67 share a bucket: the sets meet although the
        // languages differ, so a meeting proves nothing; a miss does.
        assert_ne!(lang_set(&[(3, 6)], 0) & lang_set(&[(67, 6)], 0), 0);
        assert_eq!(lang_set(&[(3, 6)], 0) & lang_set(&[(4, 6)], 0), 0);
    }

    /// Pricing keeps the `k` pairs of largest positive reduced cost (ties:
    /// lower provider), bounding the rest, and tells when a positive pair
    /// was left out: against sorting every pair, on random pairs offered in
    /// random order.
    #[test]
    fn pricing_keeps_the_best_k_positive_pairs() {
        let mut seed = 5u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let (mut bounded, mut left_out) = (0, 0);
        for _ in 0..3000 {
            let k = 1 + next(4) as usize;
            let base = next(60) as i64;
            let mut price = Price {
                base,
                k,
                skip: Vec::new(),
                heap: std::collections::BinaryHeap::new(),
                left_out: false,
            };
            let n = next(12) as u32;
            // (provider, dual, score without distance, distance credit and
            // its upper bound); providers offered in a random order.
            let mut pairs: Vec<(u32, i64, i64, i64, i64)> = (0..n)
                .map(|q| {
                    let exact = next(20) as i64;
                    (
                        q,
                        next(80) as i64,
                        next(40) as i64,
                        exact,
                        exact + next(3) as i64,
                    )
                })
                .collect();
            for i in (1..pairs.len()).rev() {
                pairs.swap(i, next(i as u64 + 1) as usize);
            }
            let calls = std::cell::Cell::new(0);
            for &(q, v, rest, exact, upper) in &pairs {
                price.offer(
                    q,
                    v,
                    rest,
                    || upper,
                    || {
                        calls.set(calls.get() + 1);
                        exact
                    },
                );
            }
            let mut positive: Vec<(i64, u32, i64)> = pairs
                .iter()
                .map(|&(q, v, rest, exact, _)| (rest + exact + base - v, q, rest + exact))
                .filter(|e| e.0 > 0)
                .collect();
            positive.sort_by_key(|e| (std::cmp::Reverse(e.0), e.1));
            assert_eq!(price.left_out, positive.len() > k);
            left_out += usize::from(price.left_out);
            positive.truncate(k);
            let mut got: Vec<(i64, u32, i64)> = price
                .heap
                .into_iter()
                .map(|e| ((e.0).0 as i64, (e.0).1.0, (e.0).2))
                .collect();
            got.sort_by_key(|e| (std::cmp::Reverse(e.0), e.1));
            assert_eq!(got, positive);
            // Pairs whose bound was positive but that were never scored.
            let promising = pairs
                .iter()
                .filter(|&&(_, v, rest, _, upper)| rest + upper + base - v > 0)
                .count();
            bounded += usize::from(calls.get() < promising);
        }
        // Both paths were taken: pairs only bounded, positive pairs left out.
        assert!(bounded > 300 && left_out > 300, "{bounded} {left_out}");
    }

    #[test]
    fn requirement_credit() {
        assert_eq!(requirement_fit(&[(1, 3)], &[(1, 3)]), (true, 333));
        assert_eq!(requirement_fit(&[(1, 5)], &[(1, 3)]), (true, 1000));
        assert!(!requirement_fit(&[(1, 2)], &[(1, 3)]).0);
        assert!(!requirement_fit(&[], &[(1, 1)]).0);
        // The first requirement's bound, from the level table: exact for
        // the first, full credit for the rest.
        let t = level_table(&[(1, 3), (4, 5)]);
        assert_eq!(t, vec![0, 4, 0, 0, 6]);
        assert_eq!(first_requirement_credit(&t, (1, 3), 1, true), Some(333));
        assert_eq!(first_requirement_credit(&t, (4, 3), 1, true), Some(1000));
        assert_eq!(first_requirement_credit(&t, (1, 3), 2, true), Some(666));
        assert_eq!(first_requirement_credit(&t, (1, 4), 1, true), None);
        assert_eq!(first_requirement_credit(&t, (1, 4), 2, false), Some(500));
        assert_eq!(first_requirement_credit(&t, (9, 1), 1, true), None);
        assert_eq!(first_requirement_credit(&t, (9, 1), 0, true), Some(0));
    }

    /// The grid scan (ranges of cell-ordered copies, distance tested on the
    /// hot records first) finds exactly the pairs, scores and first broken
    /// rules that evaluating every provider one by one finds.
    #[test]
    fn scan_agrees_with_evaluating_every_provider() {
        let data = crate::synth::National::new()
            .seed(5)
            .participants(1_500)
            .mentors(300)
            .offers(600)
            .build();
        let inst = Instance::new(data).expect("valid");
        let cfg = Config::default();
        let cands = Candidates::compute(&inst, &cfg).expect("computed");
        let brute = |mentors: bool, p: u32| {
            let n = if mentors {
                inst.mentors.len()
            } else {
                inst.offers.len()
            };
            let mut counts = [0u32; Rule::COUNT];
            let mut list = Vec::new();
            for q in 0..n as u32 {
                let r = if mentors {
                    evaluate_mentor(&inst, &cfg, p, q, true)
                } else {
                    evaluate_offer(&inst, &cfg, p, q, true)
                };
                match r {
                    Ok(b) => list.push((q, b.total())),
                    Err(mask) => counts[mask.trailing_zeros() as usize] += 1,
                }
            }
            (list, counts)
        };
        let mut far = 0;
        for p in 0..inst.participants.len() as u32 {
            for mentors in [true, false] {
                let (list, counts) = brute(mentors, p);
                let (got, rejected) = if mentors {
                    (cands.mentors_of(p), &cands.mentor_rejected[p as usize])
                } else {
                    (cands.offers_of(p), &cands.offer_rejected[p as usize])
                };
                let got: Vec<(u32, i64)> = got.iter().map(|c| (c.q, c.score)).collect();
                assert_eq!(got, list, "participant {p}, mentors {mentors}");
                assert_eq!(rejected, &counts, "participant {p}, mentors {mentors}");
                far += counts[Rule::TooFar as usize];
            }
        }
        assert!(far > 0, "the instance exercises the distance rule");

        // With top-k, the kept pairs are the best k (score, then provider)
        // and some of the pairs their providers keep, and the cut lies
        // between the best pruned score and the k-th kept one, though some
        // pruned pairs were only bounded, never scored. Each provider's
        // cut is at least the score of each of its feasible pairs left
        // out of the lists: its best `capacity + k` pairs are kept, but
        // for those a walk left unread with the rest of their group (see
        // `group_walk`), whose bound the cut then covers; without that,
        // the cut is the next pair's score.
        let k = 3;
        let pruned = Candidates::compute(&inst, &cfg.clone().top_k(k as u32)).expect("computed");
        let (mut bounded_only, mut no_pair, mut by_provider) = (0, 0, 0);
        let (mut exact_cuts, mut raised_cuts) = (0, 0);
        for mentors in [true, false] {
            let lists: Vec<(Vec<(u32, i64)>, RuleCounts)> = (0..inst.participants.len() as u32)
                .map(|p| {
                    let (mut list, counts) = brute(mentors, p);
                    list.sort_by_key(|&(q, s)| (std::cmp::Reverse(s), q));
                    (list, counts)
                })
                .collect();
            let provider_cut = if mentors {
                &pruned.provider_cut.0
            } else {
                &pruned.provider_cut.1
            };
            let caps: Vec<u32> = if mentors {
                inst.mentors.iter().map(|m| m.capacity).collect()
            } else {
                inst.offers.iter().map(|o| o.slots).collect()
            };
            let mut of_provider: Vec<Vec<(i64, u32)>> = vec![Vec::new(); caps.len()];
            for (p, (list, _)) in lists.iter().enumerate() {
                for &(q, s) in list {
                    of_provider[q as usize].push((s, p as u32));
                }
            }
            for (q, pairs) in of_provider.iter_mut().enumerate() {
                pairs.sort_by_key(|&(s, p)| (std::cmp::Reverse(s), p));
                let cut = pairs.get(caps[q] as usize + k).map_or(i64::MIN, |x| x.0);
                if mentors {
                    assert!(provider_cut[q] >= cut, "provider {q}, mentors");
                } else {
                    // Offers are never left by groups.
                    assert_eq!(provider_cut[q], cut, "provider {q}, offers");
                }
                exact_cuts += usize::from(provider_cut[q] == cut);
                raised_cuts += usize::from(provider_cut[q] > cut);
            }
            for (p, (list, counts)) in lists.iter().enumerate() {
                let p = p as u32;
                let (kept, cut, rejected) = if mentors {
                    let r = &pruned.mentor_rejected[p as usize];
                    (pruned.mentors_of(p), pruned.cut.0[p as usize], r)
                } else {
                    let r = &pruned.offer_rejected[p as usize];
                    (pruned.offers_of(p), pruned.cut.1[p as usize], r)
                };
                if list.is_empty() {
                    // What the report says of those left with none.
                    assert_eq!(rejected, counts, "participant {p}, mentors {mentors}");
                    no_pair += 1;
                }
                let kept: Vec<(u32, i64)> = kept.iter().map(|c| (c.q, c.score)).collect();
                assert!(
                    kept.iter().all(|x| list.contains(x)),
                    "participant {p}, mentors {mentors}"
                );
                // The best `k` are kept; any other pair is kept for its
                // provider or scores at most the provider's cut.
                for (r, &(q, score)) in list.iter().enumerate() {
                    let is_kept = kept.binary_search(&(q, score)).is_ok();
                    assert!(
                        is_kept || (r >= k && score <= provider_cut[q as usize]),
                        "participant {p}, provider {q}, mentors {mentors}"
                    );
                    by_provider += usize::from(is_kept && r >= k);
                }
                // A pair left out on its bound before its rules were
                // checked may be infeasible: with exactly `k` feasible
                // pairs, the cut need not be `i64::MIN`.
                match (list.get(k), list.len() < k) {
                    (_, true) => assert_eq!(cut, i64::MIN),
                    (None, false) => assert!(cut <= list[k - 1].1, "cut {cut}"),
                    (Some(&(_, first_out)), false) => {
                        assert!(cut >= first_out && cut <= list[k - 1].1, "cut {cut}");
                    }
                }
                let found = if mentors {
                    mentor_candidates(&inst, &cfg, &pruned.index, p, None, None, (Some(k), None))
                } else {
                    offer_candidates(&inst, &cfg, &pruned.index, p, None, None, (Some(k), None))
                };
                bounded_only += list.len() - found.out.len();
            }
        }
        assert!(bounded_only > 0, "some pruned pairs were only bounded");
        assert!(no_pair > 0, "some participants have no feasible pair");
        assert!(by_provider > 0, "some pairs are kept for their provider");
        assert!(
            exact_cuts > 0 && raised_cuts > 0,
            "{exact_cuts} exact, {raised_cuts} raised"
        );
    }

    #[test]
    fn rounding_matches_round() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut cases = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.499_999_999_999_999_94,
            1e6 + 0.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            1e300,
            -0.5,
            -2.5,
            f64::NAN,
            f64::INFINITY,
            -0.0,
        ];
        for _ in 0..100_000 {
            let x = (next() >> 24) as f64 / 1024.0;
            cases.extend([x, x + 0.5, x - 0.5, f64::from_bits(x.to_bits() + 1)]);
        }
        for x in cases {
            assert_eq!(round_half_away(x), x.round() as i64, "{x}");
        }
    }

    #[test]
    fn distance_credit() {
        assert_eq!(permille_distance(0.0, 10.0), 1000);
        assert_eq!(permille_distance(5.0, 10.0), 500);
        assert_eq!(permille_distance(12.0, 10.0), 0);
        assert_eq!(permille_distance(0.0, 0.0), 1000);
    }
}
