//! Lët'z Work! Luxembourg: applicants for international protection, volunteer
//! mentors and partner companies with discovery days and internships.

use crate::model::{
    Cefr, Company, InstanceData, Language, Mentor, Offer, OfferKind, Participant, Skill,
};

use super::pieces::{
    LevelTable, Origin, PairPlan, Town, add_language, audit, choose_pairs, dedupe_names, id,
    kind_stem, offers_per_company, origins, point_near, sample_availability, sample_sectors,
    sample_skills, scaled, skills_of,
};
use super::rng::Rng;
use Cefr::{A1, A2, B1, B2, C1, C2, Native};
use OfferKind::{DiscoveryDay, Internship};

/// Languages some mentors learnt at home or abroad.
const HERITAGE: &[(&str, u32)] = &[("ar", 3), ("fa", 2), ("ru", 2), ("uk", 1), ("ti", 1)];
/// Mentors' French.
const HIGH: LevelTable = &[(None, 10), (Some(C1), 55), (Some(C2), 35)];
/// Mentors' German and English.
const MID: LevelTable = &[(None, 30), (Some(C1), 50), (Some(C2), 20)];
/// Mentors' Luxembourgish when not native.
const SOME: LevelTable = &[(None, 60), (Some(C1), 30), (Some(C2), 10)];
/// Mentors' Portuguese when not native.
const RARE: LevelTable = &[(None, 90), (Some(C1), 8), (Some(C2), 2)];

/// Communes: (town, participants' weight, mentors' weight, companies' weight).
/// Participants' weights follow where reception structures are concentrated.
pub(crate) const TOWNS: &[(Town, u32, u32, u32)] = &[
    (Town::new("Luxembourg", 496_116, 61_319), 36, 25, 40),
    (Town::new("Esch-sur-Alzette", 494_958, 59_806), 12, 8, 8),
    (Town::new("Differdange", 495_242, 58_914), 5, 4, 3),
    (Town::new("Dudelange", 494_806, 60_875), 4, 5, 3),
    (Town::new("Ettelbruck", 498_475, 61_042), 6, 4, 4),
    (Town::new("Diekirch", 498_672, 61_556), 9, 3, 3),
    (Town::new("Wiltz", 499_661, 59_322), 4, 2, 2),
    (Town::new("Echternach", 498_117, 64_217), 5, 3, 2),
    (Town::new("Remich", 495_447, 63_667), 2, 3, 2),
    (Town::new("Grevenmacher", 496_808, 64_406), 4, 3, 3),
    (Town::new("Mersch", 497_489, 61_061), 8, 4, 3),
    (Town::new("Clervaux", 500_547, 60_314), 2, 1, 1),
    (Town::new("Strassen", 496_206, 60_733), 2, 7, 8),
    (Town::new("Bertrange", 496_111, 60_500), 1, 6, 6),
    (Town::new("Hesperange", 495_686, 61_514), 2, 6, 4),
    (Town::new("Mamer", 496_275, 60_233), 1, 5, 4),
    (Town::new("Steinfort", 496_614, 59_192), 3, 3, 1),
    (Town::new("Redange", 497_642, 58_889), 1, 2, 1),
    (Town::new("Vianden", 499_350, 62_089), 1, 1, 1),
    (Town::new("Junglinster", 497_211, 62_531), 2, 4, 2),
];

const ORIGINS: &[(Origin, u32)] = &[
    (origins::SY, 22),
    (origins::ER, 14),
    (origins::AF, 16),
    (origins::IQ, 8),
    (origins::IR, 5),
    (origins::SO, 5),
    (origins::UA, 20),
    (origins::RU, 3),
    (origins::TR, 4),
];

const SECTORS: &[(&str, u32)] = &[
    ("health", 3),
    ("care", 3),
    ("construction", 3),
    ("hospitality", 4),
    ("logistics", 3),
    ("retail", 3),
    ("it", 2),
    ("cleaning", 3),
    ("agriculture", 1),
];

/// Invented company names by sector (any resemblance is coincidental).
const NAMES: &[(&str, &[&str])] = &[
    (
        "health",
        &[
            "Clinique du Parc",
            "Centre Médical Alzette",
            "Polyclinique Nordstad",
        ],
    ),
    (
        "care",
        &[
            "Maison de Soins Beim Bongert",
            "Résidence Am Park",
            "Crèche Kannerland",
        ],
    ),
    (
        "construction",
        &[
            "Bâtiments Weber & Fils",
            "Constructions Minett",
            "Toitures Reding",
        ],
    ),
    (
        "hospitality",
        &[
            "Brasserie Am Eck",
            "Hôtel Belle Vallée",
            "Restaurant Mosella",
            "Kantin Plateau",
        ],
    ),
    (
        "logistics",
        &[
            "Logistique Bettembourg",
            "Transports Nordstad",
            "Entrepôts du Sud",
        ],
    ),
    (
        "retail",
        &[
            "Épicerie de la Gare",
            "Supermarché Belval",
            "Marché Moselle",
        ],
    ),
    ("it", &["Datacentre Plateau", "Helpdesk Lëtzebuerg"]),
    (
        "cleaning",
        &[
            "Nettoyage Clair",
            "Propreté Centre",
            "Facility Services Sud",
        ],
    ),
    (
        "agriculture",
        &["Domaine Viticole Moselle", "Ferme Bio Éislek"],
    ),
];

const FR: LevelTable = &[
    (None, 30),
    (Some(A1), 28),
    (Some(A2), 22),
    (Some(B1), 15),
    (Some(B2), 5),
];
const EN: LevelTable = &[
    (None, 40),
    (Some(A1), 15),
    (Some(A2), 17),
    (Some(B1), 18),
    (Some(B2), 10),
];
const DE: LevelTable = &[(None, 60), (Some(A1), 22), (Some(A2), 12), (Some(B1), 6)];
const LB: LevelTable = &[(None, 75), (Some(A1), 20), (Some(A2), 5)];
const PT: LevelTable = &[(None, 94), (Some(A1), 4), (Some(A2), 2)];

const PARTICIPANT_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 09:00-12:00", "tue-thu 14:00-17:00"], 20),
    (&["mon-fri 09:00-17:00"], 20),
    (&["mon-fri 13:00-18:00"], 15),
    (&["mon-fri 09:00-12:00"], 15),
    (&["mon-wed 09:00-16:00"], 10),
    (&["wed-fri 09:00-17:00"], 10),
    (&["mon-fri 08:00-18:00"], 10),
];
const PARTICIPANT_EXTRA: &[(&str, u32)] = &[
    ("tue-thu 18:00-20:00", 2),
    ("sat 09:00-13:00", 2),
    ("mon-fri 18:00-20:00", 1),
];
const RETIRED_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 09:00-12:00"], 3),
    (&["tue-thu 14:00-17:00"], 2),
    (&["mon-wed 10:00-16:00"], 2),
    (&["wed-fri 09:00-12:00", "wed 14:00-16:00"], 2),
];
const EMPLOYED_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 18:00-20:00"], 3),
    (&["tue 18:00-20:00", "sat 09:00-12:00"], 2),
    (&["wed 12:00-14:00", "thu 17:00-19:00"], 2),
    (&["sat 10:00-13:00"], 1),
    (&["fri 14:00-18:00"], 2),
];
const DAY_SCHEDULES: &[(&str, u32)] = &[
    ("tue 09:00-12:00", 3),
    ("wed 09:00-12:00", 2),
    ("thu 09:00-12:00", 2),
    ("mon 14:00-17:00", 1),
    ("wed 14:00-17:00", 2),
    ("fri 09:00-15:00", 1),
    ("tue 09:00-16:00", 1),
    ("thu 13:00-17:00", 2),
];
const INTERN_SCHEDULES: &[(&str, u32)] = &[
    ("mon-fri 09:00-12:00", 3),
    ("mon-wed 09:00-16:00", 2),
    ("mon-fri 13:00-17:00", 2),
    ("tue-thu 14:00-17:00", 2),
];

/// Generator of a Lët'z Work! Luxembourg instance.
///
/// Defaults: 150 participants, 35 mentors, 25 companies, 40 offers, seed
/// [`Letzwork::DEFAULT_SEED`]. The counts are exact; each participant,
/// mentor and company draws from its own random stream, so `p-017` is the
/// same person whatever the other counts are.
///
/// ```
/// use mentormatch::synth::Letzwork;
/// let data = Letzwork::new().seed(7).participants(60).build();
/// assert_eq!(data.participants.len(), 60);
/// assert_eq!(data.mentors.len(), 35);
/// let json = serde_json::to_string(&data)?;
/// assert_eq!(json, serde_json::to_string(&Letzwork::new().seed(7).participants(60).build())?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Letzwork {
    seed: u64,
    participants: usize,
    mentors: usize,
    companies: usize,
    offers: usize,
}

impl Default for Letzwork {
    fn default() -> Self {
        Letzwork {
            seed: Self::DEFAULT_SEED,
            participants: 150,
            mentors: 35,
            companies: 25,
            offers: 40,
        }
    }
}

impl Letzwork {
    /// The seed of the committed fixture `fixtures/letzwork-luxembourg.json`.
    pub const DEFAULT_SEED: u64 = 352;

    /// The defaults.
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// let data = Letzwork::new().build();
    /// assert_eq!(data.companies.iter().map(|c| c.offers.len()).sum::<usize>(), 40);
    /// let back: mentormatch::model::InstanceData = serde_json::from_str(&serde_json::to_string(&data)?)?;
    /// assert_eq!(back, data); // a JSON round trip loses nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the seed.
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// let a = Letzwork::new().seed(1).build();
    /// let b = Letzwork::new().seed(2).build();
    /// assert_ne!(serde_json::to_string(&a)?, serde_json::to_string(&b)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the number of participants.
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// let data = Letzwork::new().participants(10).build();
    /// assert_eq!(data.participants[9].id.as_str(), "p-010");
    /// let json = serde_json::to_string(&data.participants[0])?;
    /// assert!(json.starts_with(r#"{"id":"p-001""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn participants(mut self, n: usize) -> Self {
        self.participants = n;
        self
    }

    /// Sets the number of mentors.
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// assert_eq!(Letzwork::new().mentors(3).build().mentors.len(), 3);
    /// let json = serde_json::to_string(&Letzwork::new().mentors(3).build().mentors)?;
    /// assert!(json.contains("\"m-03\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn mentors(mut self, n: usize) -> Self {
        self.mentors = n;
        self
    }

    /// Sets the number of partner companies.
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// assert_eq!(Letzwork::new().companies(5).build().companies.len(), 5);
    /// let json = serde_json::to_string(&Letzwork::new().companies(5).build().companies)?;
    /// assert!(json.contains("\"c-05\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn companies(mut self, n: usize) -> Self {
        self.companies = n;
        self
    }

    /// Sets the total number of offers, spread over the companies (each gets
    /// `offers / companies`, the rest go to randomly chosen companies).
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// let data = Letzwork::new().companies(4).offers(9).build();
    /// assert_eq!(data.companies.iter().map(|c| c.offers.len()).sum::<usize>(), 9);
    /// let back: mentormatch::model::InstanceData = serde_json::from_str(&serde_json::to_string(&data)?)?;
    /// assert_eq!(back, data); // a JSON round trip loses nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn offers(mut self, n: usize) -> Self {
        self.offers = n;
        self
    }

    /// Multiplies every count set so far by `factor` (rounded; a non-positive
    /// or non-finite factor gives an empty instance).
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// let data = Letzwork::new().scale(2.0).build();
    /// assert_eq!((data.participants.len(), data.mentors.len()), (300, 70));
    /// let back: mentormatch::model::InstanceData = serde_json::from_str(&serde_json::to_string(&data)?)?;
    /// assert_eq!(back, data); // a JSON round trip loses nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn scale(mut self, factor: f64) -> Self {
        self.participants = scaled(self.participants, factor);
        self.mentors = scaled(self.mentors, factor);
        self.companies = scaled(self.companies, factor);
        self.offers = scaled(self.offers, factor);
        self
    }

    /// Generates the instance.
    ///
    /// ```
    /// use mentormatch::synth::Letzwork;
    /// let data = Letzwork::new().build();
    /// assert_eq!(data.participants.len(), 150);
    /// assert!(data.participants.iter().all(|p| p.audit.contains_key("origin")));
    /// let back: mentormatch::model::InstanceData = serde_json::from_str(&serde_json::to_string(&data)?)?;
    /// assert_eq!(back, data); // a JSON round trip loses nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(&self) -> InstanceData {
        let participants: Vec<Participant> = (0..self.participants)
            .map(|i| self.participant(i))
            .collect();
        let mentors: Vec<Mentor> = (0..self.mentors).map(|i| self.mentor(i)).collect();
        let mut rng = Rng::stream(self.seed, "offers", 0);
        let per_company = offers_per_company(&mut rng, self.companies, self.offers);
        let mut companies: Vec<Company> = per_company
            .iter()
            .enumerate()
            .map(|(i, &n)| self.company(i, n))
            .collect();
        dedupe_names(&mut companies);
        let per = |k: usize| scaled(k, self.participants as f64 / 150.0);
        let plan = PairPlan {
            pinned_mentor: per(4),
            pinned_mentor_stale: per(1),
            pinned_offer: per(2),
            forbidden_mentor: per(4),
            forbidden_offer: per(2),
        };
        let mut rng = Rng::stream(self.seed, "pairs", 0);
        let (pinned, forbidden) = choose_pairs(&mut rng, &participants, &mentors, &companies, plan);
        InstanceData {
            version: Some(1),
            participants,
            mentors,
            companies,
            pinned,
            forbidden,
        }
    }

    fn participant(&self, i: usize) -> Participant {
        let rng = &mut Rng::stream(self.seed, "participant", i as u64);
        let origin = rng.pick(ORIGINS);
        let female = rng.chance(origin.female_permille);
        let waiting_days = match rng.weighted_index([20, 20, 30, 30]) {
            0 => rng.range(0, 90),
            1 => rng.range(91, 180),
            2 => rng.range(181, 365),
            _ => rng.range(366, 700),
        };
        let town = TOWNS[rng.weighted_index(TOWNS.iter().map(|t| t.1))].0;
        let location = point_near(rng, town.location(), 2.5);
        let max_travel_km =
            f64::from(rng.pick(&[(10, 10), (15, 20), (20, 25), (25, 20), (30, 15), (40, 10)]));
        // Courses take time: the longer the wait, the likelier a level more.
        let progress = u8::from(waiting_days > 365 && rng.chance(500));
        let mut languages = origin.sample_languages(rng);
        add_language(rng, &mut languages, "fr", FR, progress);
        let en_boost = u8::from(origin.code == "UA" || origin.code == "IR");
        add_language(rng, &mut languages, "en", EN, en_boost);
        add_language(rng, &mut languages, "de", DE, 0);
        add_language(rng, &mut languages, "lb", LB, progress);
        add_language(rng, &mut languages, "pt", PT, 0);
        let n_sectors = rng.range(1, 2) as usize;
        let sectors = sample_sectors(rng, SECTORS, n_sectors);
        let skills = sample_skills(rng, &sectors, 1, 4, 300);
        let availability = sample_availability(rng, PARTICIPANT_TIMES, PARTICIPANT_EXTRA, 450);
        let goals = rng
            .pick::<&[OfferKind]>(&[
                (&[DiscoveryDay], 45),
                (&[DiscoveryDay, Internship], 30),
                (&[Internship], 10),
                (&[], 15),
            ])
            .to_vec();
        // A temporary occupation permit can be granted after six months.
        let work_permit = waiting_days >= 180 && rng.chance(550);
        let mentor_requirements = if female && rng.chance(200) {
            vec!["female".to_owned()]
        } else {
            Vec::new()
        };
        let seeks_mentor = rng.chance(950);
        let gender = if female { "f" } else { "m" };
        Participant {
            id: id("p", i, self.participants, 3).into(),
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
            audit: audit(&[("gender", gender), ("origin", origin.code)]),
        }
    }

    fn mentor(&self, i: usize) -> Mentor {
        let rng = &mut Rng::stream(self.seed, "mentor", i as u64);
        let retired = rng.chance(400);
        let female = rng.chance(500);
        let town = TOWNS[rng.weighted_index(TOWNS.iter().map(|t| t.2))].0;
        let location = point_near(rng, town.location(), 3.0);
        let max_travel_km = f64::from(rng.range(3, 8) * 5);
        let capacity = rng.pick(&[(1, 30), (2, 45), (3, 25)]);
        let native = rng.pick(&[
            ("lb", 45),
            ("fr", 18),
            ("pt", 14),
            ("de", 10),
            ("en", 5),
            ("", 8),
        ]);
        let mut languages = Vec::new();
        let heritage = native.is_empty();
        if heritage {
            languages.push(Language::new(rng.pick(HERITAGE), Native));
        } else {
            languages.push(Language::new(native, Native));
        }
        add_language(rng, &mut languages, "fr", HIGH, 0);
        add_language(rng, &mut languages, "de", MID, 0);
        add_language(rng, &mut languages, "en", MID, 0);
        add_language(rng, &mut languages, "lb", SOME, 0);
        add_language(rng, &mut languages, "pt", RARE, 0);
        if !heritage && rng.chance(180) {
            let code = rng.pick(HERITAGE);
            let level = rng.pick(&[(B1, 3), (B2, 3), (C1, 2), (C2, 1), (Native, 1)]);
            languages.push(Language::new(code, level));
        }
        let n_sectors = rng.range(1, 2) as usize;
        let sectors = sample_sectors(rng, SECTORS, n_sectors);
        let skills = sample_skills(rng, &sectors, 3, 5, 500);
        let availability = if retired {
            sample_availability(rng, RETIRED_TIMES, &[("sat 10:00-12:00", 1)], 200)
        } else {
            sample_availability(rng, EMPLOYED_TIMES, &[("wed 18:00-20:00", 1)], 200)
        };
        let tags = vec![
            (if retired { "retired" } else { "employed" }).to_owned(),
            (if female { "female" } else { "male" }).to_owned(),
        ];
        Mentor {
            id: id("m", i, self.mentors, 2).into(),
            skills,
            languages,
            location,
            max_travel_km,
            availability,
            sectors,
            capacity,
            tags,
        }
    }

    fn company(&self, i: usize, n_offers: usize) -> Company {
        let rng = &mut Rng::stream(self.seed, "company", i as u64);
        let sector = rng.pick(SECTORS);
        let town = TOWNS[rng.weighted_index(TOWNS.iter().map(|t| t.3))].0;
        let location = point_near(rng, town.location(), 2.0);
        let names = NAMES
            .iter()
            .find(|(s, _)| *s == sector)
            .map_or(&[][..], |n| n.1);
        let name = if names.is_empty() {
            format!("Partner {}", i + 1)
        } else {
            let k = i % names.len();
            format!("{} ({})", names[k], town.name)
        };
        let cid = id("c", i, self.companies, 2);
        let mut counters = [0usize; 4];
        let offers = (0..n_offers)
            .map(|_| {
                let kind = if rng.chance(550) {
                    OfferKind::DiscoveryDay
                } else {
                    OfferKind::Internship
                };
                let k = &mut counters[kind as usize];
                *k += 1;
                let mut o = Offer::new(format!("{cid}/{}-{k}", kind_stem(kind)), kind, 1);
                let pool = skills_of(sector);
                if kind == OfferKind::DiscoveryDay {
                    o.slots = rng.range(1, 3);
                    o.schedule = vec![super::pieces::tr(rng.pick(DAY_SCHEDULES))];
                    if rng.chance(250) {
                        let code = if matches!(sector, "construction" | "logistics") {
                            "de"
                        } else {
                            "fr"
                        };
                        o.required_languages.push(Language::new(code, A1));
                    }
                    o.needs_work_permit = rng.chance(50);
                } else {
                    o.slots = rng.range(1, 2);
                    o.schedule = vec![super::pieces::tr(rng.pick(INTERN_SCHEDULES))];
                    let lang = match sector {
                        "health" | "care" => Some(Language::new("fr", A2)),
                        "it" => Some(Language::new("en", B1)),
                        "hospitality" | "retail" => rng
                            .chance(500)
                            .then(|| Language::new(if rng.chance(200) { "lb" } else { "fr" }, A1)),
                        _ => rng
                            .chance(400)
                            .then(|| Language::new(if rng.chance(500) { "de" } else { "fr" }, A1)),
                    };
                    o.required_languages.extend(lang);
                    if !pool.is_empty() && rng.chance(350) {
                        let s = pool[rng.below(pool.len() as u64) as usize];
                        o.required_skills.push(Skill::new(s, 2));
                    }
                    o.needs_work_permit = rng.chance(900);
                }
                o
            })
            .collect();
        Company {
            id: cid.into(),
            name,
            sector: sector.to_owned(),
            location,
            offers,
        }
    }
}
