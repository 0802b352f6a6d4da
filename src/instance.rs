//! Validation and interning: the only way to an [`Instance`].
//!
//! An [`Instance`] exists only after every record has been checked. All
//! problems are collected and reported at once, each naming the record, the
//! field and the value. Strings are interned once into dense integer ids, in
//! sorted order so that the ids do not depend on input order; availability
//! becomes a [`WeekMask`] bitset. The engine reads only these compiled arrays.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::error::{Error, InputError, InputErrors, Result};
use crate::model::{
    self, Company, InstanceData, Language, Location, MAX_CAPACITY, Mentor, OfferKind, PairRef,
    Participant, Skill, WeekMask,
};

/// Largest accepted travel radius in km: half the earth's circumference.
pub const MAX_TRAVEL_KM: f64 = 20_038.0;

/// Largest accepted `waiting_days` (100 years; more is a typo).
pub const MAX_WAITING_DAYS: u32 = 36_525;

/// A validated, interned instance: what [`Matcher::run`](crate::Matcher::run) reads.
///
/// Build one with [`Instance::new`] from [`InstanceData`] or with
/// [`Instance::from_json`]. The data passed in is kept unchanged and can be
/// read back with [`Instance::data`]; internally participants, mentors and
/// offers are ordered by id, so results do not depend on input order.
///
/// ```
/// use mentormatch::Instance;
/// let inst = Instance::from_json(r#"{
///   "participants": [{"id": "p-1", "location": {"lat": 49.61, "lon": 6.13}, "max_travel_km": 20,
///                     "languages": [{"code": "fr", "level": "B1"}]}],
///   "mentors": [{"id": "m-1", "location": {"lat": 49.60, "lon": 6.12}, "max_travel_km": 20,
///                "capacity": 2, "languages": [{"code": "fr", "level": "native"}]}]
/// }"#)?;
/// assert_eq!(inst.participant_count(), 1);
///
/// // Every problem is reported at once, naming record, field and value.
/// let err = Instance::from_json(r#"{
///   "participants": [{"id": "p-1", "location": {"lat": 91, "lon": 6}, "max_travel_km": -1}],
///   "mentors": [{"id": "m-1", "location": {"lat": 49, "lon": 6}, "max_travel_km": 5, "capacity": 0}]
/// }"#).unwrap_err();
/// let msg = err.to_string();
/// assert!(msg.contains("participant \"p-1\" field `location.lat` = 91"), "{msg}");
/// assert!(msg.contains("participant \"p-1\" field `max_travel_km` = -1"), "{msg}");
/// assert!(msg.contains("mentor \"m-1\" field `capacity` = 0"), "{msg}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Instance {
    data: InstanceData,
    /// Canonical participant index → index in `data.participants`.
    p_order: Vec<u32>,
    /// Canonical mentor index → index in `data.mentors`.
    m_order: Vec<u32>,
    /// Canonical offer index → (company index, offer index) in `data`.
    o_order: Vec<(u32, u32)>,
    pub(crate) participants: Vec<PartC>,
    pub(crate) mentors: Vec<MentC>,
    pub(crate) offers: Vec<OfferC>,
    /// Pinned (participant, mentor) in canonical indices, sorted.
    pub(crate) pinned_mentor: Vec<(u32, u32)>,
    /// Pinned (participant, offer) in canonical indices, sorted.
    pub(crate) pinned_offer: Vec<(u32, u32)>,
    pub(crate) forbidden_mentor: PairSet,
    pub(crate) forbidden_offer: PairSet,
    p_index: HashMap<String, u32>,
    m_index: HashMap<String, u32>,
    o_index: HashMap<String, u32>,
}

/// A participant as the hot loops read it.
#[derive(Debug, Clone)]
pub(crate) struct PartC {
    /// (language id, CEFR rank), sorted by language id.
    pub langs: Vec<(u32, u8)>,
    /// (skill id, level), sorted by skill id.
    pub skills: Vec<(u32, u8)>,
    /// Sector ids, sorted, unique.
    pub sectors: Vec<u32>,
    pub geo: Geo,
    pub max_travel_km: f64,
    /// [`Geo::reach`] of `max_travel_km`.
    pub reach: f64,
    pub avail: WeekMask,
    pub seeks_mentor: bool,
    /// Bit set of [`OfferKind::bit`].
    pub goals: u8,
    pub work_permit: bool,
    pub waiting_days: u32,
    /// Tag ids, sorted, unique.
    pub requirements: Vec<u32>,
}

/// A mentor as the hot loops read it.
#[derive(Debug, Clone)]
pub(crate) struct MentC {
    pub langs: Vec<(u32, u8)>,
    pub skills: Vec<(u32, u8)>,
    pub sectors: Vec<u32>,
    pub geo: Geo,
    pub max_travel_km: f64,
    /// [`Geo::reach`] of `max_travel_km`.
    pub reach: f64,
    pub avail: WeekMask,
    pub capacity: u32,
    pub tags: Vec<u32>,
}

/// An offer (with its company's place and sector) as the hot loops read it.
#[derive(Debug, Clone)]
pub(crate) struct OfferC {
    pub kind: OfferKind,
    pub slots: u32,
    pub req_skills: Vec<(u32, u8)>,
    pub req_langs: Vec<(u32, u8)>,
    pub schedule: WeekMask,
    pub needs_work_permit: bool,
    pub geo: Geo,
    /// Sector id of the company, if it names one.
    pub sector: Option<u32>,
}

/// A set of (participant, provider) pairs, read in the hot loop: a flag per
/// participant answers the common "none" at once, sorted pairs the rest.
#[derive(Debug, Clone)]
pub(crate) struct PairSet {
    flagged: Vec<bool>,
    pairs: Vec<(u32, u32)>,
}

impl PairSet {
    fn new(participants: usize, mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let mut flagged = vec![false; participants];
        for &(p, _) in &pairs {
            flagged[p as usize] = true;
        }
        PairSet { flagged, pairs }
    }

    pub(crate) fn contains(&self, p: u32, q: u32) -> bool {
        self.flagged[p as usize] && self.pairs.binary_search(&(p, q)).is_ok()
    }
}

/// A location in radians with its latitude's cosine, for fast haversine,
/// and its point on the unit sphere, for distance tests without
/// trigonometry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geo {
    pub lat: f64,
    pub lon: f64,
    pub cos_lat: f64,
    xyz: [f64; 3],
}

impl Geo {
    pub(crate) fn new(l: Location) -> Self {
        let lat = l.lat.to_radians();
        let lon = l.lon.to_radians();
        let cos_lat = lat.cos();
        Geo {
            lat,
            lon,
            cos_lat,
            xyz: [cos_lat * lon.cos(), cos_lat * lon.sin(), lat.sin()],
        }
    }

    /// `sin²(r / 2R)`: the haversine term `a` of a distance of `r` km (`r`
    /// past half the circumference counts as half the circumference).
    pub(crate) fn reach(radius_km: f64) -> f64 {
        (radius_km / (2.0 * model::EARTH_RADIUS_KM))
            .clamp(0.0, std::f64::consts::FRAC_PI_2)
            .sin()
            .powi(2)
    }

    /// Exactly `self.distance_km(o) > limit_km`, with `reach` =
    /// [`Geo::reach`]`(limit_km)`, but without trigonometry unless the
    /// distance is within a hair of the limit.
    ///
    /// The haversine term `a = sin²(d / 2R)` equals a quarter of the squared
    /// chord between the unit vectors. Both are computed to about 1e-15
    /// (relative, plus 1e-15 absolute, about 0.4 m), far inside the margins
    /// below, so outside them the chord decides as the haversine would;
    /// inside them the haversine itself decides.
    pub(crate) fn farther_than(&self, o: &Geo, limit_km: f64, reach: f64) -> bool {
        Geo::beyond(self.quarter_chord_sq(&o.xyz), reach, || {
            self.distance_km(o) > limit_km
        })
    }

    /// The unit vector of the location.
    pub(crate) fn xyz(&self) -> [f64; 3] {
        self.xyz
    }

    /// A quarter of the squared chord to the unit vector `o`: the haversine
    /// term `a` of the distance.
    #[inline]
    pub(crate) fn quarter_chord_sq(&self, o: &[f64; 3]) -> f64 {
        let [a, b, c] = self.xyz;
        let [x, y, z] = *o;
        ((a - x).powi(2) + (b - y).powi(2) + (c - z).powi(2)) / 4.0
    }

    /// [`Geo::farther_than`] from a [`Geo::quarter_chord_sq`]: the chord
    /// decides outside a hair around `reach`, `exact` (the haversine test)
    /// inside it.
    #[inline]
    pub(crate) fn beyond(quarter_chord_sq: f64, reach: f64, exact: impl FnOnce() -> bool) -> bool {
        if quarter_chord_sq > reach * (1.0 + 1e-9) + 1e-15 {
            true
        } else if quarter_chord_sq < reach * (1.0 - 1e-9) - 1e-15 {
            false
        } else {
            exact()
        }
    }

    /// Great-circle distance in km (haversine, R = 6371.0088 km).
    pub fn distance_km(&self, o: &Geo) -> f64 {
        let dlat = o.lat - self.lat;
        let dlon = o.lon - self.lon;
        let a = (dlat / 2.0).sin().powi(2) + self.cos_lat * o.cos_lat * (dlon / 2.0).sin().powi(2);
        2.0 * model::EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// Collects problems while validating.
struct Check {
    problems: Vec<InputError>,
}

impl Check {
    fn push(
        &mut self,
        record: &str,
        field: impl Into<String>,
        value: impl std::fmt::Display,
        message: impl Into<String>,
    ) {
        self.problems.push(InputError {
            record: record.to_owned(),
            field: field.into(),
            value: value.to_string(),
            message: message.into(),
        });
    }

    fn id(&mut self, record: &str, id: &str) {
        if id.trim().is_empty() {
            self.push(record, "id", "\"\"", "id must not be empty");
        }
    }

    fn location(&mut self, record: &str, field: &str, l: Location) {
        if !l.lat.is_finite() || !(-90.0..=90.0).contains(&l.lat) {
            self.push(
                record,
                format!("{field}.lat"),
                fmt_f64(l.lat),
                "latitude must be a finite number within -90..=90",
            );
        }
        if !l.lon.is_finite() || !(-180.0..=180.0).contains(&l.lon) {
            self.push(
                record,
                format!("{field}.lon"),
                fmt_f64(l.lon),
                "longitude must be a finite number within -180..=180",
            );
        }
    }

    fn radius(&mut self, record: &str, km: f64) {
        if !km.is_finite() || !(0.0..=MAX_TRAVEL_KM).contains(&km) {
            self.push(
                record,
                "max_travel_km",
                fmt_f64(km),
                format!("travel radius must be a finite number within 0..={MAX_TRAVEL_KM} km"),
            );
        }
    }

    fn skills(&mut self, record: &str, field: &str, skills: &[Skill]) {
        let mut seen = HashSet::new();
        for (i, s) in skills.iter().enumerate() {
            if s.skill.trim().is_empty() {
                self.push(
                    record,
                    format!("{field}[{i}].skill"),
                    "\"\"",
                    "skill name must not be empty",
                );
            }
            if !(Skill::MIN_LEVEL..=Skill::MAX_LEVEL).contains(&s.level) {
                self.push(
                    record,
                    format!("{field}[{i}].level"),
                    s.level,
                    "skill level must be within 1..=5",
                );
            }
            if !seen.insert(s.skill.as_str()) {
                self.push(
                    record,
                    format!("{field}[{i}].skill"),
                    quote(&s.skill),
                    "skill listed twice",
                );
            }
        }
    }

    fn languages(&mut self, record: &str, field: &str, langs: &[Language]) {
        let mut seen = HashSet::new();
        for (i, l) in langs.iter().enumerate() {
            if !model::is_language_code(&l.code) {
                self.push(
                    record,
                    format!("{field}[{i}].code"),
                    quote(&l.code),
                    "language code must be an ISO 639-1 or 639-3 code: 2 or 3 lower-case letters",
                );
            }
            if !seen.insert(l.code.as_str()) {
                self.push(
                    record,
                    format!("{field}[{i}].code"),
                    quote(&l.code),
                    "language listed twice",
                );
            }
        }
    }

    fn labels(&mut self, record: &str, field: &str, labels: &[String]) {
        for (i, s) in labels.iter().enumerate() {
            if s.trim().is_empty() {
                self.push(record, format!("{field}[{i}]"), "\"\"", "must not be empty");
            }
        }
    }

    fn capacity(&mut self, record: &str, field: &str, c: u32) {
        if !(1..=MAX_CAPACITY).contains(&c) {
            self.push(
                record,
                field,
                c,
                format!("must be within 1..={MAX_CAPACITY}"),
            );
        }
    }
}

fn quote(s: &str) -> String {
    format!("{s:?}")
}

fn fmt_f64(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        format!("{x} (not finite)")
    }
}

fn record(kind: &str, list: &str, i: usize, id: &str) -> String {
    if id.trim().is_empty() {
        format!("{list}[{i}]")
    } else {
        format!("{kind} {id:?}")
    }
}

/// Sorted, unique strings → dense ids.
struct Vocab(HashMap<String, u32>);

impl Vocab {
    fn new<'a>(words: impl Iterator<Item = &'a str>) -> Self {
        let set: BTreeSet<&str> = words.collect();
        Vocab(
            set.into_iter()
                .enumerate()
                .map(|(i, w)| (w.to_owned(), i as u32))
                .collect(),
        )
    }

    fn id(&self, w: &str) -> u32 {
        self.0[w]
    }

    fn set(&self, ws: &[String]) -> Vec<u32> {
        let mut v: Vec<u32> = ws.iter().map(|w| self.id(w)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn skills(&self, ss: &[Skill]) -> Vec<(u32, u8)> {
        let mut v: Vec<(u32, u8)> = ss.iter().map(|s| (self.id(&s.skill), s.level)).collect();
        v.sort_unstable();
        v
    }

    fn langs(&self, ls: &[Language]) -> Vec<(u32, u8)> {
        let mut v: Vec<(u32, u8)> = ls
            .iter()
            .map(|l| (self.id(&l.code), l.level.rank()))
            .collect();
        v.sort_unstable();
        v
    }
}

/// Pins seen so far on one side, while checking pinned and forbidden pairs.
struct PinSide<'a> {
    /// `mentor` or `offer`, as in JSON.
    kind: &'static str,
    /// Participants already pinned on this side.
    pinned_of: HashSet<&'a str>,
    /// Provider id → number of participants pinned to it.
    pins: HashMap<&'a str, u32>,
}

impl PinSide<'_> {
    fn new(kind: &'static str) -> Self {
        PinSide {
            kind,
            pinned_of: HashSet::new(),
            pins: HashMap::new(),
        }
    }
}

/// Ids of records that failed to parse, so references to them are not
/// reported a second time as unknown.
#[derive(Default)]
struct Unparsed {
    participants: HashSet<String>,
    mentors: HashSet<String>,
    offers: HashSet<String>,
}

impl Instance {
    /// Validate and intern `data`.
    ///
    /// # Errors
    /// [`Error::Invalid`] listing every problem found: empty or duplicate ids
    /// (per kind; offer ids across all companies), unknown references in
    /// `pinned`/`forbidden`, a pair naming both or neither of mentor and
    /// offer, coordinates out of range or not finite, travel radii negative,
    /// not finite or above [`MAX_TRAVEL_KM`], malformed language codes,
    /// skill levels outside 1..=5, languages or skills listed twice,
    /// capacities or slots outside 1..=[`MAX_CAPACITY`], `waiting_days` above
    /// [`MAX_WAITING_DAYS`], a participant pinned to two mentors or two
    /// offers, more pins than a provider's capacity, a pair both pinned and
    /// forbidden, and a `version` other than 1. (Unknown CEFR levels, offer
    /// kinds, malformed time ranges and unknown fields cannot exist in typed
    /// data; [`Instance::from_json`] reports them.)
    ///
    /// ```
    /// use mentormatch::model::{InstanceData, Location, Mentor};
    /// use mentormatch::{Error, Instance};
    /// let mut data = InstanceData::default();
    /// data.mentors.push(Mentor::new("m-1", Location::new(49.6, 6.1), 20.0, 2));
    /// data.mentors.push(Mentor::new("m-1", Location::new(49.6, 6.1), 20.0, 2));
    /// let Err(Error::Invalid(problems)) = Instance::new(data) else { panic!() };
    /// assert_eq!(problems.len(), 1);
    /// assert_eq!(problems.iter().next().unwrap().field, "id");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(data: InstanceData) -> Result<Self> {
        Self::build(data, &Unparsed::default(), Vec::new())
    }

    /// Parse JSON (format version 1), validate and intern it.
    ///
    /// Each record is read on its own, so a record that does not parse (an
    /// unknown field such as `capactiy`, an unknown CEFR level or offer kind,
    /// a malformed time range, a missing required field) is reported with its
    /// id and field path, and every other record is still checked.
    ///
    /// # Errors
    /// [`Error::Parse`] when the text is not JSON or not an object;
    /// [`Error::Invalid`] listing every problem otherwise (see [`Instance::new`]).
    ///
    /// ```
    /// use mentormatch::Instance;
    /// let err = Instance::from_json(r#"{"participants": [], "mentors": [
    ///   {"id": "m-1", "location": {"lat": 49, "lon": 6}, "max_travel_km": 5, "capactiy": 2}
    /// ]}"#).unwrap_err();
    /// assert!(err.to_string().contains("mentor \"m-1\" field `capactiy`"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            context: "instance JSON".into(),
            message: e.to_string(),
        })?;
        Self::from_value(value)
    }

    /// Like [`Instance::from_json`], from an already parsed JSON value.
    ///
    /// # Errors
    /// As [`Instance::from_json`].
    ///
    /// ```
    /// use mentormatch::Instance;
    /// let inst = Instance::from_value(serde_json::json!({"participants": [], "mentors": []}))?;
    /// assert_eq!(inst.mentor_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(value: serde_json::Value) -> Result<Self> {
        let serde_json::Value::Object(mut obj) = value else {
            return Err(Error::Parse {
                context: "instance JSON".into(),
                message: "expected an object with `participants`, `mentors`, `companies`, `pinned`, `forbidden`".into(),
            });
        };
        let mut problems = Vec::new();
        let mut unparsed = Unparsed::default();
        let known = [
            "version",
            "participants",
            "mentors",
            "companies",
            "pinned",
            "forbidden",
        ];
        let mut keys: Vec<&String> = obj
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        keys.sort();
        for k in keys {
            problems.push(InputError {
                record: "instance".into(),
                field: k.clone(),
                value: String::new(),
                message: format!("unknown field (expected one of {})", known.join(", ")),
            });
        }
        let mut data = InstanceData::default();
        if let Some(v) = obj.remove("version") {
            match serde_json::from_value::<u32>(v.clone()) {
                Ok(n) => data.version = Some(n),
                Err(_) => problems.push(InputError {
                    record: "instance".into(),
                    field: "version".into(),
                    value: v.to_string(),
                    message: "version must be 1".into(),
                }),
            }
        }
        let (participants, rp) = parse_list(
            &mut obj,
            "participants",
            "participant",
            &mut problems,
            |v| {
                unparsed.participants.extend(id_of(v));
            },
        );
        let (mentors, rm) = parse_list(&mut obj, "mentors", "mentor", &mut problems, |v| {
            unparsed.mentors.extend(id_of(v));
        });
        let (companies, rc) = parse_list(&mut obj, "companies", "company", &mut problems, |v| {
            if let Some(offers) = v.get("offers").and_then(|o| o.as_array()) {
                unparsed.offers.extend(offers.iter().filter_map(id_of));
            }
        });
        let (pinned, _) = parse_list(&mut obj, "pinned", "pinned", &mut problems, |_| {});
        let (forbidden, _) = parse_list(&mut obj, "forbidden", "forbidden", &mut problems, |_| {});
        data.participants = participants;
        data.mentors = mentors;
        data.companies = companies;
        data.pinned = pinned;
        data.forbidden = forbidden;
        // Records that did not parse are still checked for everything else.
        let mut c = Check { problems };
        check_repaired(&mut c, &rp, check_participant);
        check_repaired(&mut c, &rm, check_mentor);
        check_repaired(&mut c, &rc, check_company);
        let problems = c.problems;
        Self::build(data, &unparsed, problems)
    }

    fn build(data: InstanceData, unparsed: &Unparsed, problems: Vec<InputError>) -> Result<Self> {
        let mut c = Check { problems };
        if let Some(v) = data.version.filter(|&v| v != 1) {
            c.push("instance", "version", v, "version must be 1");
        }
        // --- participants
        let mut p_ids: HashMap<&str, usize> = HashMap::new();
        for (i, p) in data.participants.iter().enumerate() {
            let r = record("participant", "participants", i, p.id.as_str());
            check_participant(&mut c, &r, p);
            if !p.id.0.trim().is_empty() && p_ids.insert(p.id.as_str(), i).is_some() {
                c.push(&r, "id", quote(p.id.as_str()), "duplicate participant id");
            }
        }
        // --- mentors
        let mut m_ids: HashMap<&str, usize> = HashMap::new();
        for (i, m) in data.mentors.iter().enumerate() {
            let r = record("mentor", "mentors", i, m.id.as_str());
            check_mentor(&mut c, &r, m);
            if !m.id.0.trim().is_empty() && m_ids.insert(m.id.as_str(), i).is_some() {
                c.push(&r, "id", quote(m.id.as_str()), "duplicate mentor id");
            }
        }
        // --- companies and offers
        let mut c_ids: HashSet<&str> = HashSet::new();
        let mut o_ids: HashMap<&str, (usize, usize)> = HashMap::new();
        for (ci, co) in data.companies.iter().enumerate() {
            let r = record("company", "companies", ci, co.id.as_str());
            check_company(&mut c, &r, co);
            if !co.id.0.trim().is_empty() && !c_ids.insert(co.id.as_str()) {
                c.push(&r, "id", quote(co.id.as_str()), "duplicate company id");
            }
            for (oi, o) in co.offers.iter().enumerate() {
                if !o.id.0.trim().is_empty() && o_ids.insert(o.id.as_str(), (ci, oi)).is_some() {
                    c.push(
                        &r,
                        format!("offers[{oi}].id"),
                        quote(o.id.as_str()),
                        "duplicate offer id (offer ids are unique across all companies)",
                    );
                }
            }
        }
        // --- pinned and forbidden
        let mut mentor_pins = PinSide::new("mentor");
        let mut offer_pins = PinSide::new("offer");
        let forbidden: HashSet<&PairRef> = data.forbidden.iter().collect();
        for (list, pairs) in [("pinned", &data.pinned), ("forbidden", &data.forbidden)] {
            for (i, pr) in pairs.iter().enumerate() {
                let r = format!("{list}[{i}]");
                let p_ok = p_ids.contains_key(pr.participant.as_str());
                if !p_ok && !unparsed.participants.contains(pr.participant.as_str()) {
                    c.push(
                        &r,
                        "participant",
                        quote(pr.participant.as_str()),
                        "unknown participant id",
                    );
                }
                let (side, id, known, unknown_elsewhere) = match (&pr.mentor, &pr.offer) {
                    (Some(_), Some(_)) | (None, None) => {
                        c.push(
                            &r,
                            "mentor/offer",
                            "",
                            "a pair names exactly one of `mentor` and `offer`",
                        );
                        continue;
                    }
                    (Some(m), None) => (
                        &mut mentor_pins,
                        m.as_str(),
                        m_ids.contains_key(m.as_str()),
                        unparsed.mentors.contains(m.as_str()),
                    ),
                    (None, Some(o)) => (
                        &mut offer_pins,
                        o.as_str(),
                        o_ids.contains_key(o.as_str()),
                        unparsed.offers.contains(o.as_str()),
                    ),
                };
                if !known && !unknown_elsewhere {
                    c.push(
                        &r,
                        side.kind,
                        quote(id),
                        format!("unknown {} id", side.kind),
                    );
                }
                if list == "pinned" && p_ok && known {
                    if !side.pinned_of.insert(pr.participant.as_str()) {
                        c.push(
                            &r,
                            "participant",
                            quote(pr.participant.as_str()),
                            format!("participant is pinned to more than one {}", side.kind),
                        );
                    }
                    *side.pins.entry(id).or_default() += 1;
                    if forbidden.contains(pr) {
                        c.push(
                            &r,
                            side.kind,
                            quote(id),
                            "pair is both pinned and forbidden",
                        );
                    }
                }
            }
        }
        let (pins_of_mentor, pins_of_offer) = (mentor_pins.pins, offer_pins.pins);
        let mut over: Vec<(&str, u32)> = pins_of_mentor.into_iter().collect();
        over.sort_unstable();
        for (m, n) in over {
            let cap = data.mentors[m_ids[m]].capacity;
            if (1..=MAX_CAPACITY).contains(&cap) && n > cap {
                c.push(
                    &format!("mentor {m:?}"),
                    "capacity",
                    cap,
                    format!("{n} participants are pinned to this mentor, more than its capacity"),
                );
            }
        }
        let mut over: Vec<(&str, u32)> = pins_of_offer.into_iter().collect();
        over.sort_unstable();
        for (o, n) in over {
            let (ci, oi) = o_ids[o];
            let slots = data.companies[ci].offers[oi].slots;
            if (1..=MAX_CAPACITY).contains(&slots) && n > slots {
                c.push(
                    &format!("offer {o:?}"),
                    "slots",
                    slots,
                    format!("{n} participants are pinned to this offer, more than its slots"),
                );
            }
        }
        if !c.problems.is_empty() {
            return Err(Error::Invalid(InputErrors(c.problems)));
        }
        Ok(Self::intern(data))
    }

    /// Build the compiled arrays of valid data.
    fn intern(data: InstanceData) -> Self {
        let ps = &data.participants;
        let ms = &data.mentors;
        let mut p_order: Vec<u32> = (0..ps.len() as u32).collect();
        p_order.sort_unstable_by(|&a, &b| ps[a as usize].id.cmp(&ps[b as usize].id));
        let mut m_order: Vec<u32> = (0..ms.len() as u32).collect();
        m_order.sort_unstable_by(|&a, &b| ms[a as usize].id.cmp(&ms[b as usize].id));
        let mut o_order: Vec<(u32, u32)> = data
            .companies
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| (0..c.offers.len()).map(move |oi| (ci as u32, oi as u32)))
            .collect();
        let offer_of = |&(ci, oi): &(u32, u32)| &data.companies[ci as usize].offers[oi as usize];
        o_order.sort_unstable_by(|a, b| offer_of(a).id.cmp(&offer_of(b).id));

        // One vocabulary for skills, one for language codes, one for sectors, one for tags.
        let skills = Vocab::new(
            ps.iter()
                .flat_map(|p| &p.skills)
                .chain(ms.iter().flat_map(|m| &m.skills))
                .chain(
                    data.companies
                        .iter()
                        .flat_map(|c| c.offers.iter().flat_map(|o| &o.required_skills)),
                )
                .map(|s| s.skill.as_str()),
        );
        let langs = Vocab::new(
            ps.iter()
                .flat_map(|p| &p.languages)
                .chain(ms.iter().flat_map(|m| &m.languages))
                .chain(
                    data.companies
                        .iter()
                        .flat_map(|c| c.offers.iter().flat_map(|o| &o.required_languages)),
                )
                .map(|l| l.code.as_str()),
        );
        let sectors = Vocab::new(
            ps.iter()
                .flat_map(|p| &p.sectors)
                .chain(ms.iter().flat_map(|m| &m.sectors))
                .map(String::as_str)
                .chain(
                    data.companies
                        .iter()
                        .map(|c| c.sector.as_str())
                        .filter(|s| !s.is_empty()),
                ),
        );
        let tags = Vocab::new(
            ps.iter()
                .flat_map(|p| &p.mentor_requirements)
                .chain(ms.iter().flat_map(|m| &m.tags))
                .map(String::as_str),
        );

        let participants: Vec<PartC> = p_order
            .iter()
            .map(|&i| {
                let p = &ps[i as usize];
                PartC {
                    langs: langs.langs(&p.languages),
                    skills: skills.skills(&p.skills),
                    sectors: sectors.set(&p.sectors),
                    geo: Geo::new(p.location),
                    max_travel_km: p.max_travel_km,
                    reach: Geo::reach(p.max_travel_km),
                    avail: WeekMask::from_ranges(&p.availability),
                    seeks_mentor: p.seeks_mentor,
                    goals: p.goals.iter().fold(0, |acc, g| acc | g.bit()),
                    work_permit: p.work_permit,
                    waiting_days: p.waiting_days,
                    requirements: tags.set(&p.mentor_requirements),
                }
            })
            .collect();
        let mentors: Vec<MentC> = m_order
            .iter()
            .map(|&i| {
                let m = &ms[i as usize];
                MentC {
                    langs: langs.langs(&m.languages),
                    skills: skills.skills(&m.skills),
                    sectors: sectors.set(&m.sectors),
                    geo: Geo::new(m.location),
                    max_travel_km: m.max_travel_km,
                    reach: Geo::reach(m.max_travel_km),
                    avail: WeekMask::from_ranges(&m.availability),
                    capacity: m.capacity,
                    tags: tags.set(&m.tags),
                }
            })
            .collect();
        let offers: Vec<OfferC> = o_order
            .iter()
            .map(|&(ci, oi)| {
                let c = &data.companies[ci as usize];
                let o = &c.offers[oi as usize];
                OfferC {
                    kind: o.kind,
                    slots: o.slots,
                    req_skills: skills.skills(&o.required_skills),
                    req_langs: langs.langs(&o.required_languages),
                    schedule: WeekMask::from_ranges(&o.schedule),
                    needs_work_permit: o.needs_work_permit,
                    geo: Geo::new(c.location),
                    sector: (!c.sector.is_empty()).then(|| sectors.id(&c.sector)),
                }
            })
            .collect();

        let p_index: HashMap<String, u32> = p_order
            .iter()
            .enumerate()
            .map(|(k, &i)| (ps[i as usize].id.0.clone(), k as u32))
            .collect();
        let m_index: HashMap<String, u32> = m_order
            .iter()
            .enumerate()
            .map(|(k, &i)| (ms[i as usize].id.0.clone(), k as u32))
            .collect();
        let o_index: HashMap<String, u32> = o_order
            .iter()
            .enumerate()
            .map(|(k, x)| (offer_of(x).id.0.clone(), k as u32))
            .collect();

        let mut pinned_mentor = Vec::new();
        let mut pinned_offer = Vec::new();
        for pr in &data.pinned {
            let p = p_index[pr.participant.as_str()];
            if let Some(m) = &pr.mentor {
                pinned_mentor.push((p, m_index[m.as_str()]));
            } else if let Some(o) = &pr.offer {
                pinned_offer.push((p, o_index[o.as_str()]));
            }
        }
        pinned_mentor.sort_unstable();
        pinned_offer.sort_unstable();
        let mut forbidden_mentor = Vec::new();
        let mut forbidden_offer = Vec::new();
        for pr in &data.forbidden {
            let p = p_index[pr.participant.as_str()];
            if let Some(m) = &pr.mentor {
                forbidden_mentor.push((p, m_index[m.as_str()]));
            } else if let Some(o) = &pr.offer {
                forbidden_offer.push((p, o_index[o.as_str()]));
            }
        }
        let forbidden_mentor = PairSet::new(participants.len(), forbidden_mentor);
        let forbidden_offer = PairSet::new(participants.len(), forbidden_offer);

        Instance {
            data,
            p_order,
            m_order,
            o_order,
            participants,
            mentors,
            offers,
            pinned_mentor,
            pinned_offer,
            forbidden_mentor,
            forbidden_offer,
            p_index,
            m_index,
            o_index,
        }
    }

    /// The data this instance was built from, unchanged and in input order.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// let inst = Instance::from_json(r#"{"participants": [], "mentors": []}"#)?;
    /// assert!(inst.data().participants.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn data(&self) -> &InstanceData {
        &self.data
    }

    /// Give the data back.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// let data = Instance::from_json(r#"{"mentors": []}"#)?.into_data();
    /// assert!(data.mentors.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_data(self) -> InstanceData {
        self.data
    }

    /// Number of participants.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// assert_eq!(Instance::from_json("{}")?.participant_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn participant_count(&self) -> usize {
        self.participants.len()
    }

    /// Number of mentors.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// assert_eq!(Instance::from_json("{}")?.mentor_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mentor_count(&self) -> usize {
        self.mentors.len()
    }

    /// Number of offers across all companies.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// assert_eq!(Instance::from_json("{}")?.offer_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offer_count(&self) -> usize {
        self.offers.len()
    }

    /// The participant at canonical index `i` (participants ordered by id).
    pub(crate) fn participant(&self, i: u32) -> &Participant {
        &self.data.participants[self.p_order[i as usize] as usize]
    }

    /// The mentor at canonical index `i` (mentors ordered by id).
    pub(crate) fn mentor(&self, i: u32) -> &Mentor {
        &self.data.mentors[self.m_order[i as usize] as usize]
    }

    /// The offer and its company at canonical index `i` (offers ordered by id).
    pub(crate) fn offer(&self, i: u32) -> (&Company, &model::Offer) {
        let (ci, oi) = self.o_order[i as usize];
        let c = &self.data.companies[ci as usize];
        (c, &c.offers[oi as usize])
    }

    /// The participant with this id, if any.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// let inst = Instance::from_json(r#"{"participants": [
    ///   {"id": "p-1", "location": {"lat": 49.6, "lon": 6.1}, "max_travel_km": 10}]}"#)?;
    /// assert_eq!(inst.participant_by_id("p-1").map(|p| p.max_travel_km), Some(10.0));
    /// assert!(inst.participant_by_id("p-2").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn participant_by_id(&self, id: &str) -> Option<&Participant> {
        self.p_index.get(id).map(|&i| self.participant(i))
    }

    /// The mentor with this id, if any.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// let inst = Instance::from_json(r#"{"mentors": [
    ///   {"id": "m-1", "location": {"lat": 49.6, "lon": 6.1}, "max_travel_km": 10, "capacity": 4}]}"#)?;
    /// assert_eq!(inst.mentor_by_id("m-1").map(|m| m.capacity), Some(4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mentor_by_id(&self, id: &str) -> Option<&Mentor> {
        self.m_index.get(id).map(|&i| self.mentor(i))
    }

    /// The offer with this id and its company, if any.
    ///
    /// ```
    /// use mentormatch::Instance;
    /// let inst = Instance::from_json(r#"{"companies": [{"id": "c-1", "location": {"lat": 49.6, "lon": 6.1},
    ///   "offers": [{"id": "c-1/day", "kind": "discovery_day", "slots": 3}]}]}"#)?;
    /// let (company, offer) = inst.offer_by_id("c-1/day").expect("exists");
    /// assert_eq!((company.id.as_str(), offer.slots), ("c-1", 3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offer_by_id(&self, id: &str) -> Option<(&Company, &model::Offer)> {
        self.o_index.get(id).map(|&i| self.offer(i))
    }

    /// Canonical index of a participant id.
    pub(crate) fn participant_index(&self, id: &str) -> Option<u32> {
        self.p_index.get(id).copied()
    }

    /// Canonical index of a mentor id.
    pub(crate) fn mentor_index(&self, id: &str) -> Option<u32> {
        self.m_index.get(id).copied()
    }

    /// Canonical index of an offer id.
    pub(crate) fn offer_index(&self, id: &str) -> Option<u32> {
        self.o_index.get(id).copied()
    }
}

fn check_participant(c: &mut Check, r: &str, p: &Participant) {
    c.id(r, p.id.as_str());
    c.skills(r, "skills", &p.skills);
    c.languages(r, "languages", &p.languages);
    c.location(r, "location", p.location);
    c.radius(r, p.max_travel_km);
    c.labels(r, "sectors", &p.sectors);
    c.labels(r, "mentor_requirements", &p.mentor_requirements);
    if p.waiting_days > MAX_WAITING_DAYS {
        c.push(
            r,
            "waiting_days",
            p.waiting_days,
            format!("must be at most {MAX_WAITING_DAYS}"),
        );
    }
    for (k, v) in &p.audit {
        if k.trim().is_empty() {
            c.push(r, "audit", quote(v), "audit label key must not be empty");
        }
    }
}

fn check_mentor(c: &mut Check, r: &str, m: &Mentor) {
    c.id(r, m.id.as_str());
    c.skills(r, "skills", &m.skills);
    c.languages(r, "languages", &m.languages);
    c.location(r, "location", m.location);
    c.radius(r, m.max_travel_km);
    c.labels(r, "sectors", &m.sectors);
    c.labels(r, "tags", &m.tags);
    c.capacity(r, "capacity", m.capacity);
}

fn check_company(c: &mut Check, r: &str, co: &Company) {
    c.id(r, co.id.as_str());
    c.location(r, "location", co.location);
    for (i, o) in co.offers.iter().enumerate() {
        let f = format!("offers[{i}]");
        if o.id.0.trim().is_empty() {
            c.push(r, format!("{f}.id"), "\"\"", "offer id must not be empty");
        }
        c.capacity(r, &format!("{f}.slots"), o.slots);
        c.skills(r, &format!("{f}.required_skills"), &o.required_skills);
        c.languages(r, &format!("{f}.required_languages"), &o.required_languages);
    }
}

fn id_of(v: &serde_json::Value) -> Option<String> {
    v.get("id").and_then(|i| i.as_str()).map(str::to_owned)
}

/// A record that failed to parse, repaired by dropping what did not parse
/// so that its remaining fields can still be checked.
struct Repaired<T> {
    record: String,
    value: T,
    /// Field paths (in input coordinates) of the lists elements were dropped
    /// from; semantic problems inside them are not reported (indices moved).
    dropped_in: Vec<String>,
}

/// One segment of a field path.
#[derive(Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn render(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

/// Deserialise each element of `obj[key]` on its own, reporting failures
/// with the record's id and the field path. A record that fails is repaired
/// step by step (an unknown field removed, a malformed list element dropped)
/// so that every parse problem in it is reported, not just the first.
fn parse_list<T: serde::de::DeserializeOwned>(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
    kind: &str,
    problems: &mut Vec<InputError>,
    mut on_fail: impl FnMut(&serde_json::Value),
) -> (Vec<T>, Vec<Repaired<T>>) {
    let mut repaired = Vec::new();
    let Some(v) = obj.remove(key) else {
        return (Vec::new(), repaired);
    };
    let serde_json::Value::Array(items) = v else {
        problems.push(InputError {
            record: "instance".into(),
            field: key.into(),
            value: short(&v),
            message: "expected a list".into(),
        });
        return (Vec::new(), repaired);
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, mut item) in items.into_iter().enumerate() {
        let id = id_of(&item).unwrap_or_default();
        let rec = if kind == "pinned" || kind == "forbidden" {
            format!("{key}[{i}]")
        } else {
            record(kind, key, i, &id)
        };
        // Dropped list elements: (list path in input coordinates, input index).
        let mut dropped: Vec<(Vec<Seg>, usize)> = Vec::new();
        let mut failed = false;
        // Each round removes one thing, so this ends; the bound is a guard.
        for _ in 0..64 {
            match serde_path_to_error::deserialize::<_, T>(&item) {
                Ok(t) => {
                    if failed {
                        let mut dropped_in: Vec<String> =
                            dropped.iter().map(|(p, _)| render(p)).collect();
                        dropped_in.dedup();
                        repaired.push(Repaired {
                            record: rec.clone(),
                            value: t,
                            dropped_in,
                        });
                    } else {
                        out.push(t);
                    }
                    break;
                }
                Err(e) => {
                    if !failed {
                        failed = true;
                        on_fail(&item);
                    }
                    let cur: Vec<Seg> = e
                        .path()
                        .iter()
                        .filter_map(|s| match s {
                            serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                            serde_path_to_error::Segment::Map { key } => {
                                Some(Seg::Key(key.clone()))
                            }
                            _ => None,
                        })
                        .collect();
                    let orig = to_input_coordinates(&cur, &dropped);
                    let message = e.into_inner().to_string();
                    let unknown_field = message.starts_with("unknown field");
                    // serde names a missing field only in its message: put it in the path.
                    let missing = message
                        .strip_prefix("missing field `")
                        .and_then(|m| m.split('`').next())
                        .map(|f| Seg::Key(f.to_owned()));
                    let value = if missing.is_some() {
                        String::new()
                    } else {
                        lookup(&item, &cur).map(short).unwrap_or_default()
                    };
                    let mut field = orig.clone();
                    field.extend(missing);
                    problems.push(InputError {
                        record: rec.clone(),
                        field: render(&field),
                        value,
                        message,
                    });
                    if !repair(&mut item, &cur, &orig, unknown_field, &mut dropped) {
                        break;
                    }
                }
            }
        }
    }
    (out, repaired)
}

/// Map a path in the (partly repaired) record back to input coordinates.
fn to_input_coordinates(cur: &[Seg], dropped: &[(Vec<Seg>, usize)]) -> Vec<Seg> {
    let mut orig: Vec<Seg> = Vec::with_capacity(cur.len());
    for seg in cur {
        match seg {
            Seg::Index(k) => {
                let mut removed: Vec<usize> = dropped
                    .iter()
                    .filter(|(p, _)| *p == orig)
                    .map(|(_, x)| *x)
                    .collect();
                removed.sort_unstable();
                let mut o = *k;
                for r in removed {
                    if r <= o {
                        o += 1;
                    }
                }
                orig.push(Seg::Index(o));
            }
            Seg::Key(_) => orig.push(seg.clone()),
        }
    }
    orig
}

/// Remove an unknown field, or drop the innermost list element holding the
/// error. False when neither applies (the record cannot be repaired).
fn repair(
    item: &mut serde_json::Value,
    cur: &[Seg],
    orig: &[Seg],
    unknown_field: bool,
    dropped: &mut Vec<(Vec<Seg>, usize)>,
) -> bool {
    if unknown_field {
        let Some((Seg::Key(k), parent)) = cur.split_last() else {
            return false;
        };
        return lookup_mut(item, parent)
            .and_then(|p| p.as_object_mut())
            .is_some_and(|m| m.remove(k).is_some());
    }
    let Some(pos) = cur.iter().rposition(|s| matches!(s, Seg::Index(_))) else {
        return false;
    };
    let (Seg::Index(k), Some(Seg::Index(ok))) = (&cur[pos], orig.get(pos)) else {
        return false;
    };
    match lookup_mut(item, &cur[..pos]).and_then(|a| a.as_array_mut()) {
        Some(arr) if *k < arr.len() => {
            arr.remove(*k);
            dropped.push((orig[..pos].to_vec(), *ok));
            true
        }
        _ => false,
    }
}

/// The value at a path, if it exists.
fn lookup<'a>(v: &'a serde_json::Value, path: &[Seg]) -> Option<&'a serde_json::Value> {
    let mut cur = v;
    for seg in path {
        cur = match seg {
            Seg::Index(i) => cur.get(*i)?,
            Seg::Key(k) => cur.get(k)?,
        };
    }
    Some(cur)
}

fn lookup_mut<'a>(v: &'a mut serde_json::Value, path: &[Seg]) -> Option<&'a mut serde_json::Value> {
    let mut cur = v;
    for seg in path {
        cur = match seg {
            Seg::Index(i) => cur.get_mut(*i)?,
            Seg::Key(k) => cur.get_mut(k.as_str())?,
        };
    }
    Some(cur)
}

/// Semantic problems of repaired records, except inside lists they lost elements from.
fn check_repaired<T>(
    c: &mut Check,
    repaired: &[Repaired<T>],
    check: impl Fn(&mut Check, &str, &T),
) {
    for r in repaired {
        let mut tmp = Check {
            problems: Vec::new(),
        };
        check(&mut tmp, &r.record, &r.value);
        c.problems.extend(tmp.problems.into_iter().filter(|p| {
            !r.dropped_in.iter().any(|d| {
                p.field
                    .strip_prefix(d.as_str())
                    .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
            })
        }));
    }
}

/// A value rendered compactly for a message.
fn short(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

impl serde::Serialize for Instance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.data.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Instance {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let data = InstanceData::deserialize(d)?;
        Instance::new(data).map_err(serde::de::Error::custom)
    }
}
