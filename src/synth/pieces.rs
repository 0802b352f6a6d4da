//! Building blocks shared by the generators (and by later, larger ones):
//! towns and points near them, language profiles, availability templates,
//! sectors with their skills, ids, count allocation, and a conservative
//! feasibility test used to choose sensible pinned and forbidden pairs.
//!
//! Everything here uses integers or IEEE basic operations (`+ - * / sqrt`,
//! `round`), never `sin`/`cos` from the platform's maths library, so the same
//! seed yields the same bytes everywhere.

use std::collections::BTreeMap;

use crate::model::{
    Cefr, Company, Language, Location, Mentor, Offer, OfferKind, Participant, Skill, TimeRange,
    WeekMask,
};

use super::rng::Rng;

/// A place with its coordinates in 1e-4 degrees (as in the module docs' table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Town {
    pub(crate) name: &'static str,
    pub(crate) lat_e4: i32,
    pub(crate) lon_e4: i32,
}

impl Town {
    pub(crate) const fn new(name: &'static str, lat_e4: i32, lon_e4: i32) -> Self {
        Town {
            name,
            lat_e4,
            lon_e4,
        }
    }

    /// The town centre.
    pub(crate) fn location(self) -> Location {
        Location::new(f64::from(self.lat_e4) / 1e4, f64::from(self.lon_e4) / 1e4)
    }
}

/// Kilometres per degree of latitude on a sphere of radius 6371.0088 km.
const KM_PER_DEG: f64 = 111.194_93;

/// cos(x) for |x| ≤ π/2 by its Taylor series to x^14 (error < 1e-10): no libm.
pub(crate) fn cos_poly(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=7 {
        let k = f64::from(k);
        term = -term * x2 / ((2.0 * k - 1.0) * (2.0 * k));
        sum += term;
    }
    sum
}

fn deg_to_rad(d: f64) -> f64 {
    d * (std::f64::consts::PI / 180.0)
}

/// Rounds degrees to 5 decimals (about 1 m): short, exact JSON.
pub(crate) fn round_deg(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

/// A point uniform in a disc of `radius_km` around `centre`, rounded to 5 decimals.
///
/// Rejection sampling in a square, so no trigonometry is needed.
pub(crate) fn point_near(rng: &mut Rng, centre: Location, radius_km: f64) -> Location {
    let (x, y) = loop {
        let x = 2.0 * rng.unit() - 1.0;
        let y = 2.0 * rng.unit() - 1.0;
        if x * x + y * y <= 1.0 {
            break (x, y);
        }
    };
    let dlat = y * radius_km / KM_PER_DEG;
    let dlon = x * radius_km / (KM_PER_DEG * cos_poly(deg_to_rad(centre.lat)));
    Location::new(round_deg(centre.lat + dlat), round_deg(centre.lon + dlon))
}

/// Equirectangular distance in km (libm-free); within 0.1 % of haversine at
/// the few tens of kilometres the generators compare.
pub(crate) fn approx_km(a: Location, b: Location) -> f64 {
    let mid = deg_to_rad(f64::midpoint(a.lat, b.lat));
    let dx = (b.lon - a.lon) * cos_poly(mid) * KM_PER_DEG;
    let dy = (b.lat - a.lat) * KM_PER_DEG;
    (dx * dx + dy * dy).sqrt()
}

/// A time range from a constant in a generator's table.
pub(crate) fn tr(s: &str) -> TimeRange {
    s.parse()
        .unwrap_or_else(|e| panic!("bad time range constant {s:?}: {e}"))
}

/// Availability from a weighted table of templates (each a list of ranges),
/// plus, with `extra_permille`, one range from `extras`.
pub(crate) fn sample_availability(
    rng: &mut Rng,
    templates: &[(&[&str], u32)],
    extras: &[(&str, u32)],
    extra_permille: u32,
) -> Vec<TimeRange> {
    let mut out: Vec<TimeRange> = rng.pick(templates).iter().map(|s| tr(s)).collect();
    if !extras.is_empty() && rng.chance(extra_permille) {
        out.push(tr(rng.pick(extras)));
    }
    out
}

/// A CEFR level `steps` higher, capped at `cap`.
pub(crate) fn bump(level: Cefr, steps: u8, cap: Cefr) -> Cefr {
    let r = (level.rank() + steps).min(cap.rank());
    Cefr::ALL[usize::from(r)].max(level)
}

/// A language of a profile with its level distribution (`None`: not spoken).
pub(crate) type LevelTable = &'static [(Option<Cefr>, u32)];

/// Adds `code` at a level drawn from `table`, unless already spoken or drawn `None`.
pub(crate) fn add_language(
    rng: &mut Rng,
    langs: &mut Vec<Language>,
    code: &str,
    table: LevelTable,
    progress_steps: u8,
) {
    if let Some(level) = rng.pick(table) {
        if langs.iter().any(|l| l.code == code) {
            return;
        }
        langs.push(Language::new(
            code,
            bump(level, progress_steps, Cefr::C1).max(level),
        ));
    }
}

/// Where people come from: an ISO 3166 code, the share of women, and weighted
/// sets of first (and typical second) languages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    pub(crate) code: &'static str,
    pub(crate) female_permille: u32,
    pub(crate) languages: &'static [(&'static [(&'static str, Cefr)], u32)],
}

impl Origin {
    /// The languages someone from here brings.
    pub(crate) fn sample_languages(&self, rng: &mut Rng) -> Vec<Language> {
        rng.pick(self.languages)
            .iter()
            .map(|&(c, l)| Language::new(c, l))
            .collect()
    }
}

use Cefr::{A2, B1, B2, C1, Native};

/// Origins of people seeking protection in Luxembourg and Saxony.
pub(crate) mod origins {
    use super::{A2, B1, B2, C1, Native, Origin};
    pub(crate) const SY: Origin = Origin {
        code: "SY",
        female_permille: 330,
        languages: &[(&[("ar", Native)], 80), (&[("ku", Native), ("ar", B2)], 20)],
    };
    pub(crate) const ER: Origin = Origin {
        code: "ER",
        female_permille: 300,
        languages: &[(&[("ti", Native)], 75), (&[("ti", Native), ("ar", A2)], 25)],
    };
    pub(crate) const AF: Origin = Origin {
        code: "AF",
        female_permille: 250,
        languages: &[
            (&[("prs", Native)], 50),
            (&[("ps", Native), ("prs", B1)], 35),
            (&[("prs", Native), ("fa", C1)], 15),
        ],
    };
    pub(crate) const IR: Origin = Origin {
        code: "IR",
        female_permille: 400,
        languages: &[(&[("fa", Native)], 85), (&[("ku", Native), ("fa", C1)], 15)],
    };
    pub(crate) const IQ: Origin = Origin {
        code: "IQ",
        female_permille: 350,
        languages: &[(&[("ar", Native)], 60), (&[("ku", Native), ("ar", B1)], 40)],
    };
    pub(crate) const SO: Origin = Origin {
        code: "SO",
        female_permille: 400,
        languages: &[(&[("so", Native)], 70), (&[("so", Native), ("ar", A2)], 30)],
    };
    pub(crate) const UA: Origin = Origin {
        code: "UA",
        female_permille: 680,
        languages: &[
            (&[("uk", Native), ("ru", C1)], 60),
            (&[("ru", Native), ("uk", B2)], 40),
        ],
    };
    pub(crate) const RU: Origin = Origin {
        code: "RU",
        female_permille: 450,
        languages: &[(&[("ru", Native)], 100)],
    };
    pub(crate) const TR: Origin = Origin {
        code: "TR",
        female_permille: 300,
        languages: &[(&[("tr", Native)], 60), (&[("ku", Native), ("tr", C1)], 40)],
    };
    pub(crate) const VN: Origin = Origin {
        code: "VN",
        female_permille: 550,
        languages: &[(&[("vi", Native)], 100)],
    };
    pub(crate) const PL: Origin = Origin {
        code: "PL",
        female_permille: 450,
        languages: &[(&[("pl", Native)], 100)],
    };
    pub(crate) const RO: Origin = Origin {
        code: "RO",
        female_permille: 450,
        languages: &[(&[("ro", Native)], 100)],
    };
    pub(crate) const VE: Origin = Origin {
        code: "VE",
        female_permille: 500,
        languages: &[(&[("es", Native)], 100)],
    };
}

/// Sectors with the skills a skills assessment records for them.
pub(crate) const SECTOR_SKILLS: &[(&str, &[&str])] = &[
    ("health", &["health.nursing_aid", "health.reception"]),
    ("care", &["care.elderly", "care.childcare"]),
    (
        "construction",
        &[
            "construction.masonry",
            "construction.painting",
            "construction.electrical",
        ],
    ),
    (
        "hospitality",
        &["hospitality.kitchen", "hospitality.service"],
    ),
    (
        "logistics",
        &[
            "logistics.warehouse",
            "logistics.forklift",
            "logistics.driving",
        ],
    ),
    ("retail", &["retail.sales", "retail.cashier"]),
    ("it", &["it.support", "it.programming"]),
    ("cleaning", &["cleaning.building"]),
    (
        "agriculture",
        &["agriculture.harvest", "agriculture.viticulture"],
    ),
    (
        "manufacturing",
        &[
            "manufacturing.metalwork",
            "manufacturing.assembly",
            "manufacturing.cnc",
        ],
    ),
    (
        "crafts",
        &["crafts.carpentry", "crafts.plumbing", "crafts.hairdressing"],
    ),
];

/// The skills of a sector (empty for an unknown one).
pub(crate) fn skills_of(sector: &str) -> &'static [&'static str] {
    SECTOR_SKILLS
        .iter()
        .find(|(s, _)| *s == sector)
        .map_or(&[], |(_, k)| k)
}

/// `n` distinct sectors drawn by weight.
pub(crate) fn sample_sectors(
    rng: &mut Rng,
    table: &[(&'static str, u32)],
    n: usize,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut weights: Vec<u32> = table.iter().map(|&(_, w)| w).collect();
    while out.len() < n && weights.iter().any(|&w| w > 0) {
        let i = rng.weighted_index(weights.iter().copied());
        weights[i] = 0;
        out.push(table[i].0.to_owned());
    }
    out
}

/// One skill of each sector at a level in `lo..=hi`, plus, with
/// `extra_permille`, one more skill of the first sector.
pub(crate) fn sample_skills(
    rng: &mut Rng,
    sectors: &[String],
    lo: u8,
    hi: u8,
    extra_permille: u32,
) -> Vec<Skill> {
    let mut out: Vec<Skill> = Vec::new();
    let mut add = |rng: &mut Rng, sector: &str| {
        let pool = skills_of(sector);
        if pool.is_empty() {
            return;
        }
        let name = pool[rng.below(pool.len() as u64) as usize];
        if out.iter().all(|s| s.skill != name) {
            let level = rng.range(u32::from(lo), u32::from(hi)) as u8;
            out.push(Skill::new(name, level));
        }
    };
    for s in sectors {
        add(rng, s);
    }
    if let Some(first) = sectors.first()
        && rng.chance(extra_permille)
    {
        add(rng, first);
    }
    out
}

/// `"{prefix}-{i+1}"` zero-padded to `width` digits (at least the digits of `n`).
pub(crate) fn id(prefix: &str, i: usize, n: usize, min_width: usize) -> String {
    let width = min_width.max(n.to_string().len());
    format!("{prefix}-{:0width$}", i + 1)
}

/// `count × scale`, rounded half away from zero, at least 0.
pub(crate) fn scaled(count: usize, scale: f64) -> usize {
    if scale.is_finite() && scale > 0.0 {
        (count as f64 * scale).round() as usize
    } else {
        0
    }
}

/// Splits `total` into parts proportional to `weights` (largest remainder,
/// ties to the earlier entry): the same split on every platform.
pub(crate) fn allocate(total: usize, weights: &[u32]) -> Vec<usize> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let t = total as u64;
    let mut parts: Vec<usize> = weights
        .iter()
        .map(|&w| (t * u64::from(w) / sum) as usize)
        .collect();
    let mut rest: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| (t * u64::from(w) % sum, i))
        .collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let missing = total - parts.iter().sum::<usize>();
    for &(_, i) in rest.iter().take(missing) {
        parts[i] += 1;
    }
    parts
}

/// Audit labels from key/value pairs.
pub(crate) fn audit(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// How well a pair fits under the default hard rules, judged conservatively
/// (distances must be within 90 % of the limit) so that the verdict does not
/// depend on floating-point details. Used to choose pinned/forbidden pairs.
pub(crate) fn clearly_feasible_mentor(p: &Participant, m: &Mentor) -> bool {
    let lang = p.languages.iter().any(|a| {
        a.level >= Cefr::A2
            && m.languages
                .iter()
                .any(|b| b.code == a.code && b.level >= Cefr::A2)
    });
    let reach = approx_km(p.location, m.location) <= 0.9 * p.max_travel_km.min(m.max_travel_km);
    let time = WeekMask::from_ranges(&p.availability)
        .common_minutes(&WeekMask::from_ranges(&m.availability))
        >= 60;
    let req = p.mentor_requirements.iter().all(|r| m.tags.contains(r));
    p.seeks_mentor && lang && reach && time && req
}

/// The offer counterpart of [`clearly_feasible_mentor`].
pub(crate) fn clearly_feasible_offer(p: &Participant, c: &Company, o: &Offer) -> bool {
    let has_lang = o.required_languages.iter().all(|r| {
        p.languages
            .iter()
            .any(|l| l.code == r.code && l.level >= r.level)
    });
    let has_skill = o.required_skills.iter().all(|r| {
        p.skills
            .iter()
            .any(|s| s.skill == r.skill && s.level >= r.level)
    });
    p.goals.contains(&o.kind)
        && has_lang
        && has_skill
        && approx_km(p.location, c.location) <= 0.9 * p.max_travel_km
        && WeekMask::from_ranges(&p.availability).covers(&WeekMask::from_ranges(&o.schedule))
        && (p.work_permit || !o.needs_work_permit)
}

/// Short offer id stem for a kind (`c-01/day-1`, `c-01/intern-1`, ...).
pub(crate) fn kind_stem(kind: OfferKind) -> &'static str {
    match kind {
        OfferKind::DiscoveryDay => "day",
        OfferKind::Internship => "intern",
        OfferKind::Apprenticeship => "appr",
        OfferKind::Job => "job",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cos_poly_matches_libm_closely() {
        for d in [0.0, 30.0, 49.6, 51.3, 60.0, 89.0] {
            let x = deg_to_rad(d);
            assert!((cos_poly(x) - x.cos()).abs() < 1e-9, "{d}");
        }
    }

    #[test]
    fn approx_km_close_to_haversine() {
        let lux = Location::new(49.6116, 6.1319);
        let esch = Location::new(49.4958, 5.9806);
        let d = lux.distance_km(esch);
        assert!((approx_km(lux, esch) - d).abs() < 0.02 * d);
    }

    #[test]
    fn points_stay_in_their_disc() {
        let mut r = Rng::new(5);
        let c = Location::new(51.0504, 13.7373);
        for _ in 0..500 {
            let p = point_near(&mut r, c, 4.0);
            assert!(c.distance_km(p) <= 4.01);
        }
    }

    #[test]
    fn allocate_sums_to_total() {
        assert_eq!(allocate(50, &[8, 7, 5]), vec![20, 18, 12]);
        assert_eq!(allocate(0, &[1, 2]), vec![0, 0]);
        assert_eq!(allocate(5, &[0, 0]), vec![0, 0]);
        assert_eq!(allocate(7, &[1, 1, 1]).iter().sum::<usize>(), 7);
    }

    #[test]
    fn ids_are_padded() {
        assert_eq!(id("p", 0, 150, 3), "p-001");
        assert_eq!(id("p", 1999, 2000, 3), "p-2000");
        assert_eq!(id("m", 4, 35, 2), "m-05");
    }
}

/// How many pinned and forbidden pairs to draw.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PairPlan {
    /// Pinned participant–mentor pairs that satisfy the rules (a running mentorship).
    pub(crate) pinned_mentor: usize,
    /// Pinned mentor pairs that break a rule (kept from an earlier round; flagged).
    pub(crate) pinned_mentor_stale: usize,
    /// Pinned participant–offer pairs (arranged by the coordinator).
    pub(crate) pinned_offer: usize,
    /// Forbidden mentor pairs that would otherwise be feasible.
    pub(crate) forbidden_mentor: usize,
    /// Forbidden offer pairs that would otherwise be feasible.
    pub(crate) forbidden_offer: usize,
}

/// Draws pinned and forbidden pairs that make sense: pinned pairs respect
/// capacities and slots, a participant has at most one pinned mentor and one
/// pinned offer, forbidden pairs would otherwise be feasible, and no pair is
/// both pinned and forbidden.
pub(crate) fn choose_pairs(
    rng: &mut Rng,
    participants: &[Participant],
    mentors: &[Mentor],
    companies: &[Company],
    plan: PairPlan,
) -> (Vec<crate::model::PairRef>, Vec<crate::model::PairRef>) {
    use crate::model::PairRef;
    let mut pinned = Vec::new();
    let mut forbidden = Vec::new();
    if participants.is_empty() {
        return (pinned, forbidden);
    }
    let mut order: Vec<usize> = (0..participants.len()).collect();
    rng.shuffle(&mut order);
    let mut used = vec![false; participants.len()];
    let mut load: Vec<u32> = vec![0; mentors.len()];
    let offers: Vec<(usize, usize)> = companies
        .iter()
        .enumerate()
        .flat_map(|(c, co)| (0..co.offers.len()).map(move |o| (c, o)))
        .collect();
    let mut taken: Vec<u32> = vec![0; offers.len()];

    // Scans participants in random order; `f` tries one and reports success.
    let take = |count: usize, used: &mut [bool], f: &mut dyn FnMut(usize) -> bool| {
        let mut done = 0;
        for &i in &order {
            if done == count {
                break;
            }
            if !used[i] && f(i) {
                used[i] = true;
                done += 1;
            }
        }
    };
    let mut mentor_order: Vec<usize> = (0..mentors.len()).collect();
    rng.shuffle(&mut mentor_order);
    take(plan.pinned_mentor, &mut used, &mut |i| {
        let p = &participants[i];
        if !mentor_order.is_empty() {
            mentor_order.rotate_left(1);
        }
        for &m in &mentor_order {
            if load[m] < mentors[m].capacity && clearly_feasible_mentor(p, &mentors[m]) {
                load[m] += 1;
                pinned.push(PairRef::mentor(p.id.clone(), mentors[m].id.clone()));
                return true;
            }
        }
        false
    });
    take(plan.pinned_mentor_stale, &mut used, &mut |i| {
        let p = &participants[i];
        if !p.seeks_mentor {
            return false;
        }
        for &m in &mentor_order {
            let far = approx_km(p.location, mentors[m].location)
                > 1.1 * p.max_travel_km.min(mentors[m].max_travel_km);
            if load[m] < mentors[m].capacity && far {
                load[m] += 1;
                pinned.push(PairRef::mentor(p.id.clone(), mentors[m].id.clone()));
                return true;
            }
        }
        false
    });
    // Offers: a participant may also have a pinned offer, so reset `used`.
    let mut used_offer = vec![false; participants.len()];
    let mut offer_order: Vec<usize> = (0..offers.len()).collect();
    rng.shuffle(&mut offer_order);
    take(plan.pinned_offer, &mut used_offer, &mut |i| {
        let p = &participants[i];
        for &k in &offer_order {
            let (c, o) = offers[k];
            let offer = &companies[c].offers[o];
            if taken[k] < offer.slots && clearly_feasible_offer(p, &companies[c], offer) {
                taken[k] += 1;
                pinned.push(PairRef::offer(p.id.clone(), offer.id.clone()));
                return true;
            }
        }
        false
    });
    // Forbidden pairs go to participants without pinned pairs.
    for (u, uo) in used.iter_mut().zip(&used_offer) {
        *u |= *uo;
    }
    take(plan.forbidden_mentor, &mut used, &mut |i| {
        let p = &participants[i];
        if !mentor_order.is_empty() {
            mentor_order.rotate_left(1);
        }
        for &m in &mentor_order {
            if clearly_feasible_mentor(p, &mentors[m]) {
                forbidden.push(PairRef::mentor(p.id.clone(), mentors[m].id.clone()));
                return true;
            }
        }
        false
    });
    take(plan.forbidden_offer, &mut used, &mut |i| {
        let p = &participants[i];
        for &k in &offer_order {
            let (c, o) = offers[k];
            let offer = &companies[c].offers[o];
            if clearly_feasible_offer(p, &companies[c], offer) {
                forbidden.push(PairRef::offer(p.id.clone(), offer.id.clone()));
                return true;
            }
        }
        false
    });
    (pinned, forbidden)
}

/// Distributes `total` offers over `companies` companies: each gets
/// `total / companies`, and the remainder goes to randomly chosen companies.
pub(crate) fn offers_per_company(rng: &mut Rng, companies: usize, total: usize) -> Vec<usize> {
    if companies == 0 {
        return Vec::new();
    }
    let mut counts = vec![total / companies; companies];
    let mut order: Vec<usize> = (0..companies).collect();
    rng.shuffle(&mut order);
    for &c in order.iter().take(total % companies) {
        counts[c] += 1;
    }
    counts
}

/// Makes company names unique in order: a repeated name gets `site 2`,
/// `site 3`, … (inside a trailing parenthesis when there is one).
pub(crate) fn dedupe_names(companies: &mut [Company]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for c in companies {
        let k = seen.entry(c.name.clone()).or_insert(0);
        *k += 1;
        if *k > 1 {
            c.name = match c.name.strip_suffix(')') {
                Some(stem) => format!("{stem}, site {k})"),
                None => format!("{} (site {k})", c.name),
            };
        }
    }
}
