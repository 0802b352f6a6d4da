//! The synthetic generators: validity, determinism, realistic feasibility,
//! and committed fixtures that never drift.
//!
//! The feasibility checker below is an independent implementation of the
//! default hard rules of DESIGN.md over `InstanceData` (its own haversine,
//! its own minute sets), not the engine's.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use mentormatch::model::{Cefr, Company, InstanceData, Mentor, Offer, Participant, TimeRange};
use mentormatch::synth::{Fixture, Letzwork, Saxony};

fn haversine_km(a_lat: f64, a_lon: f64, b_lat: f64, b_lon: f64) -> f64 {
    const R: f64 = 6371.0088;
    let (p1, p2) = (a_lat.to_radians(), b_lat.to_radians());
    let dp = p2 - p1;
    let dl = (b_lon - a_lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

/// The minutes of a week (0..10080), one bit each.
#[derive(Clone, PartialEq, Eq)]
struct Minutes(Vec<u64>);

impl Minutes {
    fn common(&self, other: &Minutes) -> u32 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones())
            .sum()
    }
    fn is_subset(&self, other: &Minutes) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a & !b == 0)
    }
}

/// Minutes of the week covered by the ranges.
fn minutes(ranges: &[TimeRange]) -> Minutes {
    let mut out = Minutes(vec![0; 7 * 1440 / 64 + 1]);
    for r in ranges {
        let (s, e) = r.minutes();
        for d in r.first_day().index()..=r.last_day().index() {
            for m in usize::from(s)..usize::from(e) {
                let bit = d * 1440 + m;
                out.0[bit / 64] |= 1 << (bit % 64);
            }
        }
    }
    out
}

/// The mentor rules in order: language, distance, time, requirements,
/// sought and not forbidden.
fn mentor_rules(
    p: &Participant,
    pm: &Minutes,
    m: &Mentor,
    mm: &Minutes,
    forbidden: &HashSet<(String, String)>,
) -> [bool; 5] {
    let language = p.languages.iter().any(|a| {
        a.level >= Cefr::A2
            && m.languages
                .iter()
                .any(|b| b.code == a.code && b.level >= Cefr::A2)
    });
    let d = haversine_km(
        p.location.lat,
        p.location.lon,
        m.location.lat,
        m.location.lon,
    );
    [
        language,
        d <= p.max_travel_km.min(m.max_travel_km),
        pm.common(mm) >= 60,
        p.mentor_requirements.iter().all(|r| m.tags.contains(r)),
        p.seeks_mentor && !forbidden.contains(&(p.id.0.clone(), m.id.0.clone())),
    ]
}

/// The name of the first rule that no candidate passes together with the
/// rules before it (all candidates fail, so some rule is first).
fn first_failing(rules: &[Vec<bool>], names: &[&'static str]) -> &'static str {
    let k = (1..=names.len())
        .find(|&k| !rules.iter().any(|r| r[..k].iter().all(|&b| b)))
        .expect("some rule fails for every candidate");
    names[k - 1]
}

/// The offer rules in order: kind, language, skills, distance, time,
/// permit, not forbidden.
fn offer_rules(
    p: &Participant,
    pm: &Minutes,
    c: &Company,
    o: &Offer,
    om: &Minutes,
    forbidden: &HashSet<(String, String)>,
) -> [bool; 7] {
    [
        p.goals.contains(&o.kind),
        o.required_languages.iter().all(|r| {
            p.languages
                .iter()
                .any(|l| l.code == r.code && l.level >= r.level)
        }),
        o.required_skills.iter().all(|r| {
            p.skills
                .iter()
                .any(|s| s.skill == r.skill && s.level >= r.level)
        }),
        haversine_km(
            p.location.lat,
            p.location.lon,
            c.location.lat,
            c.location.lon,
        ) <= p.max_travel_km,
        om.is_subset(pm),
        p.work_permit || !o.needs_work_permit,
        !forbidden.contains(&(p.id.0.clone(), o.id.0.clone())),
    ]
}

#[derive(Debug, Default)]
struct Stats {
    participants: usize,
    seeking_mentor: usize,
    with_mentor: usize,
    seeking_offer: usize,
    with_offer: usize,
    /// Participants seeking a mentor with none feasible, by the first rule
    /// that no mentor passes (language, distance, time, requirements).
    no_mentor_because: BTreeMap<&'static str, usize>,
    /// Participants seeking an offer with none feasible, by the first rule
    /// (in the order of `offer_rules`) that no offer passes together with
    /// the rules before it.
    no_offer_because: BTreeMap<&'static str, usize>,
}

fn feasibility(data: &InstanceData) -> Stats {
    let forbidden: HashSet<(String, String)> = data
        .forbidden
        .iter()
        .map(|f| {
            let other = f
                .mentor
                .as_ref()
                .map(|m| m.0.clone())
                .or_else(|| f.offer.as_ref().map(|o| o.0.clone()))
                .unwrap();
            (f.participant.0.clone(), other)
        })
        .collect();
    let offers: Vec<(&Company, &Offer, Minutes)> = data
        .companies
        .iter()
        .flat_map(|c| c.offers.iter().map(move |o| (c, o, minutes(&o.schedule))))
        .collect();
    let mentor_minutes: Vec<Minutes> = data
        .mentors
        .iter()
        .map(|m| minutes(&m.availability))
        .collect();
    let mut s = Stats {
        participants: data.participants.len(),
        ..Stats::default()
    };
    for p in &data.participants {
        let pm = minutes(&p.availability);
        if p.seeks_mentor {
            s.seeking_mentor += 1;
            let rules: Vec<Vec<bool>> = data
                .mentors
                .iter()
                .zip(&mentor_minutes)
                .map(|(m, mm)| mentor_rules(p, &pm, m, mm, &forbidden).to_vec())
                .collect();
            if rules.iter().any(|r| r.iter().all(|&b| b)) {
                s.with_mentor += 1;
            } else {
                let why = first_failing(
                    &rules,
                    &["language", "distance", "time", "requirements", "forbidden"],
                );
                *s.no_mentor_because.entry(why).or_default() += 1;
            }
        }
        if !p.goals.is_empty() {
            s.seeking_offer += 1;
            let rules: Vec<Vec<bool>> = offers
                .iter()
                .map(|(c, o, om)| offer_rules(p, &pm, c, o, om, &forbidden).to_vec())
                .collect();
            if rules.iter().any(|r| r.iter().all(|&b| b)) {
                s.with_offer += 1;
            } else {
                let why = first_failing(
                    &rules,
                    &[
                        "kind",
                        "language",
                        "skills",
                        "distance",
                        "time",
                        "permit",
                        "forbidden",
                    ],
                );
                *s.no_offer_because.entry(why).or_default() += 1;
            }
        }
    }
    s
}

/// Structural validity, as `Instance::new` will demand it.
fn assert_valid(data: &InstanceData) {
    fn unique<'a>(ids: &[&'a str], what: &str) -> HashSet<&'a str> {
        let set: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(set.len(), ids.len(), "duplicate {what} ids");
        set
    }
    let ps = unique(
        &data
            .participants
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>(),
        "participant",
    );
    let ms = unique(
        &data
            .mentors
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        "mentor",
    );
    unique(
        &data
            .companies
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        "company",
    );
    let os = unique(
        &data
            .companies
            .iter()
            .flat_map(|c| c.offers.iter().map(|o| o.id.as_str()))
            .collect::<Vec<_>>(),
        "offer",
    );
    let coord = |lat: f64, lon: f64| {
        assert!(lat.is_finite() && lon.is_finite());
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    };
    let lang_ok =
        |code: &str| (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
    let ranges_ok = |rs: &[TimeRange]| {
        for r in rs {
            let (s, e) = r.minutes();
            assert!(s < e && e <= 1440 && s % 15 == 0 && e % 15 == 0);
            assert_eq!(r.to_string().parse::<TimeRange>().unwrap(), *r);
        }
    };
    for p in &data.participants {
        coord(p.location.lat, p.location.lon);
        assert!(p.max_travel_km > 0.0 && p.max_travel_km.is_finite());
        assert!(p.skills.iter().all(|s| (1..=5).contains(&s.level)));
        assert!(p.languages.iter().all(|l| lang_ok(&l.code)));
        let codes: HashSet<&str> = p.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(
            codes.len(),
            p.languages.len(),
            "{} repeats a language",
            p.id
        );
        ranges_ok(&p.availability);
        assert!(p.audit.contains_key("gender") && p.audit.contains_key("origin"));
    }
    for m in &data.mentors {
        coord(m.location.lat, m.location.lon);
        assert!((1..=1000).contains(&m.capacity));
        assert!(m.skills.iter().all(|s| (1..=5).contains(&s.level)));
        assert!(m.languages.iter().all(|l| lang_ok(&l.code)));
        ranges_ok(&m.availability);
    }
    for c in &data.companies {
        coord(c.location.lat, c.location.lon);
        for o in &c.offers {
            assert!((1..=1000).contains(&o.slots));
            assert!(o.required_skills.iter().all(|s| (1..=5).contains(&s.level)));
            assert!(!o.schedule.is_empty());
            ranges_ok(&o.schedule);
        }
    }
    let mut mentor_load: BTreeMap<&str, u32> = BTreeMap::new();
    let mut offer_load: BTreeMap<&str, u32> = BTreeMap::new();
    let mut pinned_side: HashSet<(&str, bool)> = HashSet::new();
    for (i, pair) in data.pinned.iter().chain(&data.forbidden).enumerate() {
        let is_pinned = i < data.pinned.len();
        assert!(ps.contains(pair.participant.as_str()));
        assert!(pair.mentor.is_some() != pair.offer.is_some());
        if let Some(m) = &pair.mentor {
            assert!(ms.contains(m.as_str()));
            if is_pinned {
                *mentor_load.entry(m.as_str()).or_default() += 1;
                assert!(pinned_side.insert((pair.participant.as_str(), true)));
            }
        }
        if let Some(o) = &pair.offer {
            assert!(os.contains(o.as_str()));
            if is_pinned {
                *offer_load.entry(o.as_str()).or_default() += 1;
                assert!(pinned_side.insert((pair.participant.as_str(), false)));
            }
        }
    }
    for m in &data.mentors {
        assert!(mentor_load.get(m.id.as_str()).copied().unwrap_or(0) <= m.capacity);
    }
    for o in data.companies.iter().flat_map(|c| &c.offers) {
        assert!(offer_load.get(o.id.as_str()).copied().unwrap_or(0) <= o.slots);
    }
    let pinned: HashSet<_> = data.pinned.iter().collect();
    assert!(data.forbidden.iter().all(|f| !pinned.contains(f)));
}

fn share(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[test]
fn letzwork_defaults_are_as_documented() {
    let data = Letzwork::new().build();
    assert_valid(&data);
    assert_eq!(data.participants.len(), 150);
    assert_eq!(data.mentors.len(), 35);
    assert_eq!(data.companies.len(), 25);
    assert_eq!(
        data.companies.iter().map(|c| c.offers.len()).sum::<usize>(),
        40
    );
    assert!(data.mentors.iter().all(|m| (1..=3).contains(&m.capacity)));
    assert!(!data.pinned.is_empty() && !data.forbidden.is_empty());
    let s = feasibility(&data);
    eprintln!("letzwork: {s:?}");
    assert_eq!(s.participants, 150);
    assert!(share(s.with_mentor, s.seeking_mentor) >= 0.70, "{s:?}");
    assert!(share(s.with_mentor, s.seeking_mentor) < 1.0, "{s:?}");
    assert!(share(s.with_offer, s.seeking_offer) >= 0.70, "{s:?}");
    assert!(share(s.with_offer, s.seeking_offer) < 1.0, "{s:?}");
}

/// The first languages each origin brings (ISO 3166 → ISO 639).
fn first_languages(origin: &str) -> &'static [&'static str] {
    match origin {
        "SY" | "IQ" => &["ar", "ku"],
        "ER" => &["ti"],
        "AF" => &["prs", "ps"],
        "IR" => &["fa", "ku"],
        "SO" => &["so"],
        "UA" => &["uk", "ru"],
        "RU" => &["ru"],
        "TR" => &["tr", "ku"],
        "VN" => &["vi"],
        "PL" => &["pl"],
        "RO" => &["ro"],
        "VE" => &["es"],
        o => panic!("unexpected origin {o}"),
    }
}

fn assert_audit_consistent(data: &InstanceData) {
    for p in &data.participants {
        let natives: Vec<&str> = p
            .languages
            .iter()
            .filter(|l| l.level == Cefr::Native)
            .map(|l| l.code.as_str())
            .collect();
        assert_eq!(natives.len(), 1, "{}", p.id);
        assert!(
            first_languages(&p.audit["origin"]).contains(&natives[0]),
            "{}",
            p.id
        );
        assert!(["f", "m"].contains(&p.audit["gender"].as_str()));
        if p.mentor_requirements.contains(&"female".to_owned()) {
            assert_eq!(p.audit["gender"], "f");
        }
    }
}

#[test]
fn letzwork_languages_follow_origin() {
    let data = Letzwork::new().build();
    assert_audit_consistent(&data);
    for p in &data.participants {
        // A temporary occupation permit comes after six months at the earliest.
        if p.work_permit {
            assert!(p.waiting_days >= 180, "{}", p.id);
        }
    }
}

#[test]
fn saxony_languages_follow_origin() {
    let data = Saxony::new().scale(0.25).build();
    assert_audit_consistent(&data);
    for p in &data.participants {
        assert!(p.languages.iter().any(|l| l.code == "de"), "{}", p.id);
        let q = p.audit["qualification"].as_str();
        assert!(["none", "vocational", "academic"].contains(&q));
    }
    for m in &data.mentors {
        assert_eq!(m.languages[0].code, "de");
        assert_eq!(m.languages[0].level, Cefr::Native);
    }
}

#[test]
fn saxony_defaults_are_as_documented() {
    let data = Saxony::new().build();
    assert_valid(&data);
    assert_eq!(data.participants.len(), 2000);
    assert_eq!(data.mentors.len(), 50);
    assert_eq!(data.companies.len(), 1000);
    assert!(
        data.companies
            .iter()
            .all(|c| (1..=2).contains(&c.offers.len()))
    );
    assert!(data.mentors.iter().all(|m| (36..=44).contains(&m.capacity)));
    assert!(
        data.participants
            .iter()
            .all(|p| p.audit.contains_key("qualification"))
    );
    let s = feasibility(&data);
    eprintln!("saxony: {s:?}");
    assert_eq!(s.participants, 2000);
    assert!(share(s.with_mentor, s.seeking_mentor) >= 0.70, "{s:?}");
    assert!(share(s.with_mentor, s.seeking_mentor) < 1.0, "{s:?}");
    assert!(share(s.with_offer, s.seeking_offer) >= 0.70, "{s:?}");
    assert!(share(s.with_offer, s.seeking_offer) < 1.0, "{s:?}");
}

#[test]
fn generators_are_deterministic_and_scale() {
    let a = serde_json::to_string(&Letzwork::new().seed(9).build()).unwrap();
    let b = serde_json::to_string(&Letzwork::new().seed(9).build()).unwrap();
    assert_eq!(a, b);
    // A record does not depend on how many others there are.
    let small = Saxony::new().seed(3).scale(0.1).build();
    let large = Saxony::new().seed(3).scale(0.2).build();
    assert_eq!(small.participants[..], large.participants[..200]);
    assert_valid(&large);
    assert_valid(&Letzwork::new().scale(3.0).build());
    assert_valid(&Letzwork::new().scale(0.0).build());
    assert_valid(
        &Saxony::new()
            .participants(5)
            .mentors(0)
            .companies(0)
            .build(),
    );
}

#[test]
fn committed_fixtures_match_the_generator() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for f in Fixture::ALL {
        let want = f.to_json(&f.generate(f.default_seed(), 1.0)).unwrap();
        let path = dir.join(f.file_name());
        let have =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            have == want,
            "{} drifted from the generator; run `cargo run --release --example gen_fixtures`",
            path.display()
        );
        assert!(
            have.len() < 3_000_000,
            "{} is {} bytes",
            f.file_name(),
            have.len()
        );
        let parsed: InstanceData = serde_json::from_str(&have).unwrap();
        assert_eq!(parsed, f.generate(f.default_seed(), 1.0));
    }
}

#[test]
fn pinned_and_forbidden_pairs_make_sense() {
    for data in [Letzwork::new().build(), Saxony::new().scale(0.5).build()] {
        let none = HashSet::new();
        let participant = |id: &str| {
            data.participants
                .iter()
                .find(|p| p.id.as_str() == id)
                .unwrap()
        };
        let mentor = |id: &str| data.mentors.iter().find(|m| m.id.as_str() == id).unwrap();
        let offer = |id: &str| {
            data.companies
                .iter()
                .flat_map(|c| c.offers.iter().map(move |o| (c, o)))
                .find(|(_, o)| o.id.as_str() == id)
                .unwrap()
        };
        let feasible = |pair: &mentormatch::model::PairRef| {
            let p = participant(pair.participant.as_str());
            let pm = minutes(&p.availability);
            if let Some(m) = &pair.mentor {
                let m = mentor(m.as_str());
                mentor_rules(p, &pm, m, &minutes(&m.availability), &none)
                    .iter()
                    .all(|&b| b)
            } else {
                let (c, o) = offer(pair.offer.as_ref().unwrap().as_str());
                offer_rules(p, &pm, c, o, &minutes(&o.schedule), &none)
                    .iter()
                    .all(|&b| b)
            }
        };
        // Forbidding a pair only matters when it would otherwise be feasible.
        assert!(data.forbidden.iter().all(&feasible));
        // Most pinned pairs are running mentorships; at least one is stale.
        let stale = data.pinned.iter().filter(|p| !feasible(p)).count();
        assert!(
            stale >= 1 && stale * 5 <= data.pinned.len(),
            "{stale} stale"
        );
        assert!(data.pinned.iter().any(|p| p.offer.is_some()));
    }
}
