//! Proptest strategies for small, always-valid instances and configurations.
//!
//! Dependent inputs are built with `prop_flat_map` (sizes first, then records
//! of those sizes, then pins and forbidden pairs that refer to them), never
//! by filtering, so every generated case is used. Pins are repaired, not
//! rejected: at most one per participant and side, within capacity, never
//! also forbidden.

use std::collections::BTreeMap;

use mentormatch::model::{
    Cefr, Company, InstanceData, Language, Location, Mentor, Offer, OfferKind, PairRef,
    Participant, Skill, TimeRange,
};
use mentormatch::{Config, MAX_CRITERION_WEIGHT, MatchObjective, Rules, Weights};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const LANGS: [&str; 3] = ["ar", "fr", "de"];
const SKILLS: [&str; 3] = ["care", "it", "logistics"];
const SECTORS: [&str; 3] = ["health", "it", "logistics"];
const TAGS: [&str; 2] = ["female", "retired"];
/// A few weekly ranges that overlap in some pairs and not in others; 11:00-12:00
/// on Monday is exactly the 60-minute threshold with `mon 09:00-12:00`.
const RANGES: [&str; 6] = [
    "mon 09:00-12:00",
    "mon-fri 08:00-16:00",
    "tue-thu 14:00-18:00",
    "sat 10:00-11:00",
    "wed 11:00-12:00",
    "mon 11:00-14:00",
];
const GENDERS: [&str; 3] = ["f", "m", "x"];
const ORIGINS: [&str; 4] = ["SY", "AF", "ER", "UA"];

/// All objectives, in declaration order.
pub const OBJECTIVES: [MatchObjective; 4] = [
    MatchObjective::MaxCardinality,
    MatchObjective::MaxWeight,
    MatchObjective::Egalitarian,
    MatchObjective::Stable,
];

pub fn objective() -> impl Strategy<Value = MatchObjective> {
    select(OBJECTIVES.to_vec())
}

/// Any level; A1 (below the A2 threshold) less often, so pairs share a language often.
fn cefr() -> impl Strategy<Value = Cefr> {
    prop_oneof![
        1 => Just(Cefr::A1),
        2 => Just(Cefr::A2),
        2 => Just(Cefr::B1),
        1 => Just(Cefr::B2),
        1 => Just(Cefr::C1),
        1 => Just(Cefr::C2),
        2 => Just(Cefr::Native),
    ]
}

fn strs(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    subsequence(pool.to_vec(), 0..=max).prop_map(|v| v.into_iter().map(str::to_owned).collect())
}

/// Distinct languages with independent levels (mentors, as professionals,
/// speak theirs at least at A2).
fn languages(min: usize, max: usize) -> impl Strategy<Value = Vec<Language>> {
    languages_at(min, max, cefr().boxed())
}

fn mentor_languages() -> impl Strategy<Value = Vec<Language>> {
    languages_at(1, 3, cefr().prop_map(|l| l.max(Cefr::A2)).boxed())
}

fn languages_at(
    min: usize,
    max: usize,
    level: BoxedStrategy<Cefr>,
) -> impl Strategy<Value = Vec<Language>> {
    subsequence(LANGS.to_vec(), min..=max).prop_flat_map(move |codes| {
        let n = codes.len();
        (Just(codes), vec(level.clone(), n)).prop_map(|(codes, levels)| {
            codes
                .into_iter()
                .zip(levels)
                .map(|(c, l)| Language::new(c, l))
                .collect()
        })
    })
}

/// Distinct skills with independent levels 1..=5.
fn skills(max: usize) -> impl Strategy<Value = Vec<Skill>> {
    subsequence(SKILLS.to_vec(), 0..=max).prop_flat_map(|names| {
        let n = names.len();
        (Just(names), vec(1u8..=5, n)).prop_map(|(names, levels)| {
            names
                .into_iter()
                .zip(levels)
                .map(|(s, l)| Skill::new(s, l))
                .collect()
        })
    })
}

fn ranges(min: usize, max: usize) -> impl Strategy<Value = Vec<TimeRange>> {
    subsequence(RANGES.to_vec(), min..=max).prop_map(|v| {
        v.into_iter()
            .map(|s| s.parse().expect("range constant parses"))
            .collect()
    })
}

/// Near one of three towns 17 to 30 km apart (most often the first), within
/// ±4 km of it, so that radii of 5–40 km sometimes matter and sometimes do not.
/// Six decimals (about 0.1 m), as people write coordinates: such values
/// print and parse back exactly (see `serde_full_precision_floats_round_trip`
/// in `laws.rs` for values that do not).
fn location() -> impl Strategy<Value = Location> {
    const TOWNS: [(u32, u32); 3] = [
        (49_611_600, 6_131_900),
        (49_495_800, 5_980_600),
        (49_750_000, 6_300_000),
    ];
    let town = prop_oneof![4 => Just(TOWNS[0]), 2 => Just(TOWNS[1]), 1 => Just(TOWNS[2])];
    (town, 0u32..72_000, 0u32..110_000).prop_map(|((lat, lon), a, b)| {
        Location::new(
            f64::from(lat + a - 36_000) / 1e6,
            f64::from(lon + b - 55_000) / 1e6,
        )
    })
}

/// 5.0 to 40.0 km in steps of 0.1 km, mostly above 15 km.
fn radius() -> impl Strategy<Value = f64> {
    prop_oneof![1 => 50u32..150, 3 => 150u32..=400].prop_map(|k| f64::from(k) / 10.0)
}

fn goals() -> impl Strategy<Value = Vec<OfferKind>> {
    prop_oneof![
        1 => Just(Vec::new()),
        4 => subsequence(OfferKind::ALL.to_vec(), 1..=4),
    ]
}

/// Offer schedules: none, or a range inside the common `mon-fri 08:00-16:00`.
fn schedule() -> impl Strategy<Value = Vec<TimeRange>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => Just(vec!["mon 09:00-12:00".parse().expect("range")]),
        1 => Just(vec!["wed 11:00-12:00".parse().expect("range")]),
        1 => ranges(1, 1),
    ]
}

fn audit() -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        option::weighted(0.8, select(GENDERS.to_vec())),
        option::weighted(0.8, select(ORIGINS.to_vec())),
    )
        .prop_map(|(g, o)| {
            let mut m = BTreeMap::new();
            if let Some(g) = g {
                m.insert("gender".to_owned(), g.to_owned());
            }
            if let Some(o) = o {
                m.insert("origin".to_owned(), o.to_owned());
            }
            m
        })
}

/// Audit labels for `n` participants (used to relabel in the blindness law).
pub fn audits(n: usize) -> impl Strategy<Value = Vec<BTreeMap<String, String>>> {
    vec(audit(), n)
}

fn participant(i: usize) -> impl Strategy<Value = Participant> {
    (
        (
            skills(2),
            languages(1, 3),
            location(),
            radius(),
            ranges(1, 3),
        ),
        (
            strs(&SECTORS, 2),
            proptest::bool::weighted(0.85),
            goals(),
            any::<bool>(),
            0u32..=700,
        ),
        (
            prop_oneof![7 => Just(Vec::new()), 1 => strs(&TAGS, 1)],
            audit(),
        ),
    )
        .prop_map(
            move |(
                (skills, languages, location, max_travel_km, availability),
                (sectors, seeks_mentor, goals, work_permit, waiting_days),
                (mentor_requirements, audit),
            )| Participant {
                id: format!("p-{i}").into(),
                skills,
                languages,
                location,
                max_travel_km,
                availability,
                sectors,
                seeks_mentor,
                goals,
                work_permit,
                waiting_days,
                mentor_requirements,
                audit,
            },
        )
}

fn mentor(i: usize) -> impl Strategy<Value = Mentor> {
    (
        (
            skills(3),
            mentor_languages(),
            location(),
            radius(),
            ranges(1, 3),
        ),
        (strs(&SECTORS, 2), 1u32..=3, strs(&TAGS, 2)),
    )
        .prop_map(
            move |(
                (skills, languages, location, max_travel_km, availability),
                (sectors, capacity, tags),
            )| Mentor {
                id: format!("m-{i}").into(),
                skills,
                languages,
                location,
                max_travel_km,
                availability,
                sectors,
                capacity,
                tags,
            },
        )
}

fn offer(c: usize, j: usize) -> impl Strategy<Value = Offer> {
    (
        select(OfferKind::ALL.to_vec()),
        1u32..=2,
        prop_oneof![3 => Just(Vec::new()), 1 => skills(1)],
        prop_oneof![3 => Just(Vec::new()), 1 => languages(1, 1)],
        schedule(),
        proptest::bool::weighted(0.3),
    )
        .prop_map(
            move |(kind, slots, required_skills, required_languages, schedule, permit)| Offer {
                id: format!("c-{c}/o-{j}").into(),
                kind,
                slots,
                required_skills,
                required_languages,
                schedule,
                needs_work_permit: permit,
            },
        )
}

fn company(c: usize, n_offers: usize) -> impl Strategy<Value = Company> {
    (
        select(SECTORS.to_vec()),
        location(),
        (0..n_offers).map(|j| offer(c, j)).collect::<Vec<_>>(),
    )
        .prop_map(move |(sector, location, offers)| Company {
            id: format!("c-{c}").into(),
            name: format!("Company {c}"),
            sector: sector.to_owned(),
            location,
            offers,
        })
}

/// Raw pin and forbidden choices, repaired into valid pairs by [`assemble`].
type PinChoice = (Option<usize>, Option<usize>);
/// (participant, true for mentor side, provider index modulo the side's count).
type ForbidChoice = (usize, bool, usize);

fn assemble(
    participants: Vec<Participant>,
    mentors: Vec<Mentor>,
    companies: Vec<Company>,
    pins: &[PinChoice],
    forbid: &[ForbidChoice],
) -> InstanceData {
    let offers: Vec<&Offer> = companies.iter().flat_map(|c| &c.offers).collect();
    let mut mentor_load = vec![0u32; mentors.len()];
    let mut offer_load = vec![0u32; offers.len()];
    let mut pinned = Vec::new();
    for (p, &(m, o)) in pins.iter().enumerate() {
        let pid = &participants[p].id;
        if let Some(m) = m.filter(|&m| m < mentors.len() && mentor_load[m] < mentors[m].capacity) {
            mentor_load[m] += 1;
            pinned.push(PairRef::mentor(pid.clone(), mentors[m].id.clone()));
        }
        if let Some(o) = o.filter(|&o| o < offers.len() && offer_load[o] < offers[o].slots) {
            offer_load[o] += 1;
            pinned.push(PairRef::offer(pid.clone(), offers[o].id.clone()));
        }
    }
    let mut forbidden: Vec<PairRef> = Vec::new();
    for &(p, mentor_side, q) in forbid {
        let pid = participants[p % participants.len()].id.clone();
        let pair = if mentor_side && !mentors.is_empty() {
            PairRef::mentor(pid, mentors[q % mentors.len()].id.clone())
        } else if !offers.is_empty() {
            PairRef::offer(pid, offers[q % offers.len()].id.clone())
        } else {
            continue;
        };
        if !pinned.contains(&pair) && !forbidden.contains(&pair) {
            forbidden.push(pair);
        }
    }
    InstanceData {
        version: None,
        participants,
        mentors,
        companies,
        pinned,
        forbidden,
    }
}

/// A small valid instance, small enough for brute force: 1–6 participants,
/// 0–3 mentors (capacity 1–3), 0–2 companies with 1–2 offers each (slots
/// 1–2), occasional valid pins and forbidden pairs.
pub fn instance() -> impl Strategy<Value = InstanceData> {
    sized(6, 3, 2)
}

/// Mostly small instances, one in four of medium size (up to 24
/// participants, 6 mentors, 4 companies: several components, longer
/// augmenting paths, ids such as `p-10` that sort before `p-2`), for the
/// laws that need no brute force.
pub fn any_instance() -> impl Strategy<Value = InstanceData> {
    prop_oneof![3 => sized(6, 3, 2), 1 => sized(24, 6, 4)]
}

fn sized(
    max_participants: usize,
    max_mentors: usize,
    max_companies: usize,
) -> impl Strategy<Value = InstanceData> {
    (
        1..=max_participants,
        0..=max_mentors,
        vec(1usize..=2, 0..=max_companies),
    )
        .prop_flat_map(|(np, nm, per_company)| {
            let n_offers: usize = per_company.iter().sum();
            let participants: Vec<_> = (0..np).map(participant).collect();
            let mentors: Vec<_> = (0..nm).map(mentor).collect();
            let companies: Vec<_> = per_company
                .iter()
                .enumerate()
                .map(|(c, &k)| company(c, k))
                .collect();
            let pins = vec(
                (
                    option::weighted(0.1, 0..nm.max(1)),
                    option::weighted(0.1, 0..n_offers.max(1)),
                ),
                np,
            );
            let forbid = vec((0..np, any::<bool>(), 0usize..8), 0..=np.div_ceil(2));
            (participants, mentors, companies, pins, forbid).prop_map(
                |(participants, mentors, companies, pins, forbid)| {
                    assemble(participants, mentors, companies, &pins, &forbid)
                },
            )
        })
}

/// Weights: the defaults, or small random ones (many ties, zero scores).
pub fn weights() -> impl Strategy<Value = Weights> {
    prop_oneof![
        Just(Weights::default()),
        (
            (0u32..=3, 0u32..=3, 0u32..=3),
            (0u32..=3, 0u32..=3, 0u32..=3),
            15u32..=600,
            1u32..=700,
        )
            .prop_map(|((sk, se, la), (di, ti, wa), tsat, wsat)| {
                let mut w = Weights::default()
                    .skills(sk)
                    .sector(se)
                    .language(la)
                    .distance(di)
                    .time(ti)
                    .waiting(wa);
                w.time_saturation_minutes = tsat;
                w.waiting_saturation_days = wsat;
                w
            }),
    ]
}

/// Rule settings, each switch random, thresholds around their defaults.
pub fn any_rules() -> impl Strategy<Value = Rules> {
    (
        option::of(cefr()),
        any::<[bool; 7]>(),
        select(vec![0u32, 15, 60, 120, 240]),
    )
        .prop_map(|(lang, b, minutes)| {
            let mut r = Rules::default()
                .min_shared_language(lang)
                .min_common_minutes(minutes);
            r.mentor_distance = b[0];
            r.mentor_requirements = b[1];
            r.offer_goals = b[2];
            r.offer_requirements = b[3];
            r.offer_distance = b[4];
            r.offer_schedule = b[5];
            r.offer_work_permit = b[6];
            r
        })
}

/// Any valid configuration (for the serde law): random objective, rules,
/// weights anywhere in their range, alternatives.
pub fn any_config() -> impl Strategy<Value = Config> {
    let w = 0..=MAX_CRITERION_WEIGHT;
    let rules = (option::of(cefr()), any::<[bool; 8]>(), 0u32..=7 * 24 * 60).prop_map(
        |(lang, b, minutes)| {
            let mut r = Rules::default()
                .min_shared_language(lang)
                .min_common_minutes(minutes);
            r.mentor_distance = b[0];
            r.mentor_requirements = b[1];
            r.offer_goals = b[2];
            r.offer_requirements = b[3];
            r.offer_distance = b[4];
            r.offer_schedule = b[5];
            r.offer_work_permit = b[6];
            r
        },
    );
    let weights = (
        (w.clone(), w.clone(), w.clone()),
        (w.clone(), w.clone(), w),
        15u32..=7 * 24 * 60,
        1u32..=u32::MAX,
    )
        .prop_map(|((sk, se, la), (di, ti, wa), tsat, wsat)| {
            let mut w = Weights::default()
                .skills(sk)
                .sector(se)
                .language(la)
                .distance(di)
                .time(ti)
                .waiting(wa);
            w.time_saturation_minutes = tsat;
            w.waiting_saturation_days = wsat;
            w
        });
    (objective(), rules, weights, 0u32..=100).prop_map(|(o, r, w, k)| {
        Config::default()
            .objective(o)
            .rules(r)
            .weights(w)
            .alternatives(k)
    })
}
