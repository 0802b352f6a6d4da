//! An independent checker of the hard rules under any [`Rules`] setting.
//!
//! `common::mentor_feasible`/`offer_feasible` check the default rules; this
//! one follows the switches and thresholds of `Rules` (as documented in
//! `src/score/config.rs` and DESIGN.md), with its own haversine and its own
//! time arithmetic, sharing no code with the engine.

use std::collections::HashSet;

use mentormatch::Rules;
use mentormatch::model::{
    Company, InstanceData, Language, Location, Mentor, MentorId, Offer, OfferId, Participant,
    TimeRange,
};

fn km(a: Location, b: Location) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((b.lon - a.lon).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// Quarter hours of the week covered by `ranges`.
fn quarters(ranges: &[TimeRange]) -> HashSet<u32> {
    let mut s = HashSet::new();
    for r in ranges {
        let (a, b) = r.minutes();
        for d in r.first_day().index()..=r.last_day().index() {
            for t in (u32::from(a)..u32::from(b)).step_by(15) {
                s.insert(d as u32 * 1440 + t);
            }
        }
    }
    s
}

fn has(langs: &[Language], need: &Language) -> bool {
    langs
        .iter()
        .any(|l| l.code == need.code && l.level >= need.level)
}

fn forbidden(
    data: &InstanceData,
    p: &Participant,
    mentor: Option<&str>,
    offer: Option<&str>,
) -> bool {
    data.forbidden.iter().any(|f| {
        f.participant == p.id
            && f.mentor.as_ref().map(MentorId::as_str) == mentor
            && f.offer.as_ref().map(OfferId::as_str) == offer
    })
}

pub fn mentor_ok(rules: &Rules, data: &InstanceData, p: &Participant, m: &Mentor) -> bool {
    let language = rules.min_shared_language.is_none_or(|min| {
        p.languages
            .iter()
            .any(|l| l.level >= min && has(&m.languages, &Language::new(l.code.clone(), min)))
    });
    let near = !rules.mentor_distance
        || km(p.location, m.location) <= p.max_travel_km.min(m.max_travel_km);
    let common = quarters(&p.availability)
        .intersection(&quarters(&m.availability))
        .count() as u32
        * 15;
    let time = common >= rules.min_common_minutes;
    let tags =
        !rules.mentor_requirements || p.mentor_requirements.iter().all(|t| m.tags.contains(t));
    p.seeks_mentor
        && language
        && near
        && time
        && tags
        && !forbidden(data, p, Some(m.id.as_str()), None)
}

pub fn offer_ok(
    rules: &Rules,
    data: &InstanceData,
    p: &Participant,
    c: &Company,
    o: &Offer,
) -> bool {
    let goal = !p.goals.is_empty() && (!rules.offer_goals || p.goals.contains(&o.kind));
    let requirements = !rules.offer_requirements
        || (o.required_languages.iter().all(|r| has(&p.languages, r))
            && o.required_skills.iter().all(|r| {
                p.skills
                    .iter()
                    .any(|s| s.skill == r.skill && s.level >= r.level)
            }));
    let near = !rules.offer_distance || km(p.location, c.location) <= p.max_travel_km;
    let schedule =
        !rules.offer_schedule || quarters(&o.schedule).is_subset(&quarters(&p.availability));
    let permit = !rules.offer_work_permit || !o.needs_work_permit || p.work_permit;
    goal && requirements
        && near
        && schedule
        && permit
        && !forbidden(data, p, None, Some(o.id.as_str()))
}
