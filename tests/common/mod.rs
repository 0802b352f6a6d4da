//! An independent checker of the default hard rules and of report invariants.
//!
//! Written from DESIGN.md's rule text against the plain model types, sharing
//! no code with the engine (its own haversine, its own time arithmetic), so
//! an engine bug cannot hide behind the same bug here.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use mentormatch::Report;
use mentormatch::model::{
    Cefr, Company, InstanceData, Location, Mentor, Offer, Participant, TimeRange,
};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

pub fn load(name: &str) -> InstanceData {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture readable");
    serde_json::from_str(&text).expect("fixture parses")
}

fn km(a: Location, b: Location) -> f64 {
    let r = 6371.0088_f64;
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// Minutes of the week as a set of (day, minute) pairs on the 15-minute grid.
fn slots(ranges: &[TimeRange]) -> HashSet<(usize, u16)> {
    let mut s = HashSet::new();
    for r in ranges {
        let (a, b) = r.minutes();
        for d in r.first_day().index()..=r.last_day().index() {
            let mut t = a;
            while t < b {
                s.insert((d, t));
                t += 15;
            }
        }
    }
    s
}

fn level(langs: &[mentormatch::model::Language], code: &str) -> Option<Cefr> {
    langs.iter().find(|l| l.code == code).map(|l| l.level)
}

pub fn mentor_feasible(data: &InstanceData, p: &Participant, m: &Mentor) -> bool {
    let shared = p.languages.iter().any(|l| {
        l.level >= Cefr::A2 && level(&m.languages, &l.code).is_some_and(|x| x >= Cefr::A2)
    });
    let near = km(p.location, m.location) <= p.max_travel_km.min(m.max_travel_km);
    let common = slots(&p.availability)
        .intersection(&slots(&m.availability))
        .count()
        * 15
        >= 60;
    let tags = p.mentor_requirements.iter().all(|t| m.tags.contains(t));
    let forbidden = data
        .forbidden
        .iter()
        .any(|f| f.participant == p.id && f.mentor.as_ref() == Some(&m.id));
    p.seeks_mentor && shared && near && common && tags && !forbidden
}

pub fn offer_feasible(data: &InstanceData, p: &Participant, c: &Company, o: &Offer) -> bool {
    let goal = p.goals.contains(&o.kind);
    let langs = o
        .required_languages
        .iter()
        .all(|r| level(&p.languages, &r.code).is_some_and(|x| x >= r.level));
    let skills = o.required_skills.iter().all(|r| {
        p.skills
            .iter()
            .any(|s| s.skill == r.skill && s.level >= r.level)
    });
    let near = km(p.location, c.location) <= p.max_travel_km;
    let sched = slots(&o.schedule).is_subset(&slots(&p.availability));
    let permit = !o.needs_work_permit || p.work_permit;
    let forbidden = data
        .forbidden
        .iter()
        .any(|f| f.participant == p.id && f.offer.as_ref() == Some(&o.id));
    goal && langs && skills && near && sched && permit && !forbidden
}

/// Every invariant a report must satisfy under the default rules.
pub fn check_report(data: &InstanceData, report: &Report) {
    let parts: HashMap<&str, &Participant> = data
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mentors: HashMap<&str, &Mentor> = data.mentors.iter().map(|m| (m.id.as_str(), m)).collect();
    let offers: HashMap<&str, (&Company, &Offer)> = data
        .companies
        .iter()
        .flat_map(|c| c.offers.iter().map(move |o| (o.id.as_str(), (c, o))))
        .collect();
    let pinned_m: HashSet<(&str, &str)> = data
        .pinned
        .iter()
        .filter_map(|p| {
            p.mentor
                .as_ref()
                .map(|m| (p.participant.as_str(), m.as_str()))
        })
        .collect();
    let pinned_o: HashSet<(&str, &str)> = data
        .pinned
        .iter()
        .filter_map(|p| {
            p.offer
                .as_ref()
                .map(|o| (p.participant.as_str(), o.as_str()))
        })
        .collect();

    let mut seen = HashSet::new();
    let mut load: HashMap<&str, u32> = HashMap::new();
    for m in &report.mentor_matches {
        assert!(
            seen.insert(m.participant.as_str()),
            "{} has two mentors",
            m.participant
        );
        let p = parts[m.participant.as_str()];
        let mentor = mentors[m.mentor.as_str()];
        assert_eq!(
            m.breakdown.total(),
            m.score,
            "breakdown must sum to the score"
        );
        let pinned = pinned_m.contains(&(m.participant.as_str(), m.mentor.as_str()));
        assert_eq!(m.pinned, pinned);
        if !pinned {
            assert!(
                mentor_feasible(data, p, mentor),
                "infeasible pair {} - {}",
                p.id,
                mentor.id
            );
        }
        *load.entry(m.mentor.as_str()).or_default() += 1;
    }
    for (m, n) in &load {
        assert!(*n <= mentors[m].capacity, "mentor {m} over capacity");
    }
    for (p, m) in &pinned_m {
        assert_eq!(
            report
                .mentor_of(p)
                .map(mentormatch::model::MentorId::as_str),
            Some(*m),
            "pinned pair lost"
        );
    }
    let mut seen = HashSet::new();
    let mut load: HashMap<&str, u32> = HashMap::new();
    for m in &report.offer_matches {
        assert!(
            seen.insert(m.participant.as_str()),
            "{} has two offers",
            m.participant
        );
        let p = parts[m.participant.as_str()];
        let (c, o) = offers[m.offer.as_str()];
        assert_eq!(m.company, c.id);
        assert_eq!(m.breakdown.total(), m.score);
        let pinned = pinned_o.contains(&(m.participant.as_str(), m.offer.as_str()));
        assert_eq!(m.pinned, pinned);
        if !pinned {
            assert!(
                offer_feasible(data, p, c, o),
                "infeasible pair {} - {}",
                p.id,
                o.id
            );
        }
        *load.entry(m.offer.as_str()).or_default() += 1;
    }
    for (o, n) in &load {
        assert!(*n <= offers[o].1.slots, "offer {o} over slots");
    }
    for (p, o) in &pinned_o {
        assert_eq!(
            report.offer_of(p).map(mentormatch::model::OfferId::as_str),
            Some(*o),
            "pinned pair lost"
        );
    }
    // One unmatched entry per participant and side sought and not obtained.
    let mut expected = HashSet::new();
    for p in &data.participants {
        let id = p.id.as_str();
        if p.seeks_mentor && report.mentor_of(id).is_none() {
            expected.insert((id, "mentor"));
        }
        if !p.goals.is_empty() && report.offer_of(id).is_none() {
            expected.insert((id, "offer"));
        }
    }
    let got: HashSet<(&str, &str)> = report
        .unmatched
        .iter()
        .map(|u| {
            (
                u.participant.as_str(),
                if u.side == mentormatch::Side::Mentor {
                    "mentor"
                } else {
                    "offer"
                },
            )
        })
        .collect();
    assert_eq!(
        got.len(),
        report.unmatched.len(),
        "duplicate unmatched entries"
    );
    assert_eq!(
        got, expected,
        "unmatched entries differ from participants left without"
    );
}
