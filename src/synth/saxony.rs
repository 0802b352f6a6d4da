//! Arbeitsmarktmentoren Sachsen: professional mentors with caseloads of
//! about 40 at 14 project sites, participants seeking an apprenticeship or a
//! job, and about 1,000 employers.

use crate::model::{
    Cefr, Company, InstanceData, Language, Mentor, Offer, OfferKind, Participant, Skill,
};

use super::pieces::{
    LevelTable, Origin, PairPlan, Town, add_language, allocate, audit, choose_pairs, dedupe_names,
    id, kind_stem, offers_per_company, origins, point_near, sample_availability, sample_sectors,
    sample_skills, scaled, skills_of, tr,
};
use super::rng::Rng;
use Cefr::{A1, A2, B1, B2, C1, C2, Native};
use OfferKind::{Apprenticeship, Job};

/// Mentors' languages besides German.
const EN_M: LevelTable = &[(None, 30), (Some(B2), 35), (Some(C1), 35)];
const RU_M: LevelTable = &[(None, 78), (Some(B2), 8), (Some(C1), 6), (Some(Native), 8)];
const AR_M: LevelTable = &[(None, 85), (Some(B1), 4), (Some(C1), 3), (Some(Native), 8)];
const FA_M: LevelTable = &[(None, 94), (Some(C2), 2), (Some(Native), 4)];

/// A project site: its town, its share of mentors (and so of participants),
/// and nearby towns where some of its participants live.
pub(crate) struct Site {
    pub(crate) town: Town,
    pub(crate) weight: u32,
    pub(crate) satellites: &'static [Town],
    /// Regional words that local employers put in their names.
    pub(crate) regions: &'static [&'static str],
}

pub(crate) const SITES: &[Site] = &[
    Site {
        town: Town::new("Leipzig", 513_397, 123_731),
        weight: 8,
        regions: &["Pleiße", "Elster", "Leipziger Land"],
        satellites: &[
            Town::new("Grimma", 512_386, 127_253),
            Town::new("Delitzsch", 515_256, 123_425),
            Town::new("Borna", 511_244, 124_966),
            Town::new("Wurzen", 513_707, 127_390),
            Town::new("Eilenburg", 514_594, 126_331),
        ],
    },
    Site {
        town: Town::new("Dresden", 510_504, 137_373),
        weight: 7,
        regions: &["Elbtal", "Elbland", "Dresdner Heide"],
        satellites: &[
            Town::new("Radebeul", 511_069, 136_603),
            Town::new("Freital", 510_017, 136_486),
            Town::new("Heidenau", 509_810, 138_680),
        ],
    },
    Site {
        town: Town::new("Chemnitz", 508_278, 129_214),
        weight: 5,
        regions: &["Zschopau", "Chemnitztal"],
        satellites: &[
            Town::new("Mittweida", 509_856, 129_811),
            Town::new("Glauchau", 508_196, 125_447),
        ],
    },
    Site {
        town: Town::new("Zwickau", 507_189, 124_939),
        weight: 3,
        regions: &["Westsachsen", "Muldental"],
        satellites: &[
            Town::new("Glauchau", 508_196, 125_447),
            Town::new("Reichenbach im Vogtland", 506_219, 123_036),
        ],
    },
    Site {
        town: Town::new("Plauen", 504_977, 121_369),
        weight: 3,
        regions: &["Vogtland", "Elstertal"],
        satellites: &[
            Town::new("Reichenbach im Vogtland", 506_219, 123_036),
            Town::new("Oelsnitz/Vogtl.", 504_150, 121_710),
        ],
    },
    Site {
        town: Town::new("Görlitz", 511_526, 149_870),
        weight: 3,
        regions: &["Neiße", "Oberlausitz"],
        satellites: &[
            Town::new("Zittau", 508_961, 148_072),
            Town::new("Niesky", 512_930, 148_220),
        ],
    },
    Site {
        town: Town::new("Bautzen", 511_814, 144_239),
        weight: 3,
        regions: &["Spreetal", "Oberlausitz"],
        satellites: &[Town::new("Kamenz", 512_681, 140_935)],
    },
    Site {
        town: Town::new("Freiberg", 509_119, 133_428),
        weight: 3,
        regions: &["Erzgebirge", "Silberland"],
        satellites: &[Town::new("Brand-Erbisdorf", 508_690, 133_220)],
    },
    Site {
        town: Town::new("Pirna", 509_623, 139_430),
        weight: 3,
        regions: &["Sächsische Schweiz", "Elbtal"],
        satellites: &[
            Town::new("Heidenau", 509_810, 138_680),
            Town::new("Sebnitz", 509_710, 142_740),
        ],
    },
    Site {
        town: Town::new("Meißen", 511_636, 134_775),
        weight: 3,
        regions: &["Elbland", "Lommatzscher Pflege"],
        satellites: &[
            Town::new("Coswig", 511_260, 135_830),
            Town::new("Großenhain", 512_890, 135_330),
        ],
    },
    Site {
        town: Town::new("Riesa", 513_080, 132_937),
        weight: 2,
        regions: &["Nordsachsen", "Elbe-Röder"],
        satellites: &[
            Town::new("Oschatz", 513_003, 131_072),
            Town::new("Torgau", 515_603, 130_050),
        ],
    },
    Site {
        town: Town::new("Hoyerswerda", 514_370, 142_353),
        weight: 3,
        regions: &["Lausitz", "Seenland"],
        satellites: &[Town::new("Weißwasser", 515_044, 146_389)],
    },
    Site {
        town: Town::new("Döbeln", 511_219, 131_174),
        weight: 2,
        regions: &["Mittelsachsen", "Muldental"],
        satellites: &[Town::new("Leisnig", 511_580, 129_290)],
    },
    Site {
        town: Town::new("Annaberg-Buchholz", 505_800, 130_023),
        weight: 2,
        regions: &["Erzgebirge", "Obererzgebirge"],
        satellites: &[
            Town::new("Marienberg", 506_510, 131_636),
            Town::new("Aue", 505_853, 127_006),
        ],
    },
];

const ORIGINS: &[(Origin, u32)] = &[
    (origins::SY, 24),
    (origins::AF, 14),
    (origins::IQ, 7),
    (origins::IR, 4),
    (origins::ER, 5),
    (origins::SO, 2),
    (origins::UA, 16),
    (origins::RU, 5),
    (origins::TR, 5),
    (origins::VN, 5),
    (origins::PL, 5),
    (origins::RO, 5),
    (origins::VE, 3),
];

const SECTORS: &[(&str, u32)] = &[
    ("manufacturing", 18),
    ("logistics", 12),
    ("health", 8),
    ("care", 12),
    ("hospitality", 12),
    ("construction", 10),
    ("retail", 10),
    ("it", 4),
    ("crafts", 10),
    ("cleaning", 6),
];

const DE: LevelTable = &[
    (Some(A1), 12),
    (Some(A2), 25),
    (Some(B1), 33),
    (Some(B2), 20),
    (Some(C1), 10),
];
const EN: LevelTable = &[
    (None, 50),
    (Some(A1), 10),
    (Some(A2), 15),
    (Some(B1), 15),
    (Some(B2), 10),
];
const RU_SECOND: LevelTable = &[(None, 70), (Some(A2), 10), (Some(B1), 10), (Some(B2), 10)];

const PARTICIPANT_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 07:00-18:00"], 50),
    (&["mon-fri 07:00-17:00"], 20),
    (&["mon-fri 08:00-13:00"], 12),
    (&["mon-sat 06:00-22:00"], 10),
    (&["mon-fri 17:00-21:00"], 4),
    (&["mon-wed 08:00-16:00"], 4),
];
const PART_TIME: &[(&[&str], u32)] = &[(&["mon-fri 08:00-13:00"], 1)];
const MENTOR_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 08:00-16:30"], 5),
    (&["mon-thu 08:00-17:00", "fri 08:00-13:00"], 3),
    (&["mon-wed 08:00-16:00"], 1),
];
const JOB_SCHEDULES: &[(&str, u32)] = &[
    ("mon-fri 07:00-15:30", 4),
    ("mon-fri 08:00-16:30", 4),
    ("mon-fri 06:00-14:00", 2),
    ("mon-fri 09:00-13:00", 2),
    ("mon-fri 08:00-12:00", 2),
    ("mon-sat 10:00-18:00", 1),
];
const APPRENTICESHIP_SCHEDULES: &[(&str, u32)] =
    &[("mon-fri 07:30-16:00", 1), ("mon-fri 08:00-16:30", 1)];

/// Word parts of invented employer names (any resemblance is coincidental).
const SURNAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Richter",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Krause",
    "Lehmann",
    "Werner",
    "Hartmann",
    "Lange",
    "Köhler",
    "Franke",
    "Seidel",
    "Günther",
    "Kühn",
    "Vogel",
    "Böhme",
    "Ullrich",
    "Winkler",
    "Lorenz",
];
const NAME_NOUN: &[(&str, &str)] = &[
    ("manufacturing", "Metallbau"),
    ("manufacturing", "Kunststofftechnik"),
    ("logistics", "Logistik"),
    ("logistics", "Spedition"),
    ("health", "Klinikum"),
    ("health", "Praxisverbund"),
    ("care", "Pflegedienst"),
    ("care", "Seniorenresidenz"),
    ("hospitality", "Hotel & Gastro"),
    ("hospitality", "Catering"),
    ("construction", "Bau"),
    ("construction", "Tiefbau"),
    ("retail", "Handel"),
    ("retail", "Markt"),
    ("it", "Software"),
    ("it", "IT-Service"),
    ("crafts", "Tischlerei"),
    ("crafts", "Haustechnik"),
    ("cleaning", "Gebäudereinigung"),
    ("cleaning", "Facility Service"),
];
const LEGAL_FORM: &[(&str, u32)] = &[("GmbH", 6), ("GmbH & Co. KG", 2), ("e.K.", 1), ("gGmbH", 1)];

/// Generator of an Arbeitsmarktmentoren Sachsen instance.
///
/// Defaults, the scale reported for 2020–21: 2,000 participants, 50
/// professional mentors (caseload 36–44) across 14 project sites, 1,000
/// employers with 1,500 apprenticeship and job offers, seed
/// [`Saxony::DEFAULT_SEED`]. Counts are exact, and each record draws from its
/// own random stream.
///
/// ```
/// use mentormatch::synth::Saxony;
/// let data = Saxony::new().participants(400).mentors(10).companies(200).offers(300).build();
/// assert_eq!(data.participants.len(), 400);
/// assert!(data.mentors.iter().all(|m| (36..=44).contains(&m.capacity)));
/// let back: mentormatch::model::InstanceData = serde_json::from_str(&serde_json::to_string(&data)?)?;
/// assert_eq!(back, data);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Saxony {
    seed: u64,
    participants: usize,
    mentors: usize,
    companies: usize,
    offers: usize,
}

impl Default for Saxony {
    fn default() -> Self {
        Saxony {
            seed: Self::DEFAULT_SEED,
            participants: 2000,
            mentors: 50,
            companies: 1000,
            offers: 1500,
        }
    }
}

impl Saxony {
    /// The seed of the committed fixture `fixtures/arbeitsmarktmentoren-sachsen.json`.
    pub const DEFAULT_SEED: u64 = 49;

    /// The defaults.
    ///
    /// ```
    /// use mentormatch::synth::Saxony;
    /// let data = Saxony::new().build();
    /// assert_eq!((data.participants.len(), data.mentors.len(), data.companies.len()), (2000, 50, 1000));
    /// let pinned = serde_json::to_string(&data.pinned)?;
    /// assert!(pinned.contains("\"mentor\"") && pinned.contains("\"offer\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the seed.
    ///
    /// ```
    /// use mentormatch::synth::Saxony;
    /// let a = Saxony::new().scale(0.05).seed(1).build();
    /// let b = Saxony::new().scale(0.05).seed(1).build();
    /// assert_eq!(serde_json::to_string(&a)?, serde_json::to_string(&b)?);
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
    /// use mentormatch::synth::Saxony;
    /// let data = Saxony::new().participants(12).build();
    /// assert_eq!(data.participants[11].id.as_str(), "p-0012");
    /// let json = serde_json::to_string(&data.participants[0])?;
    /// assert!(json.contains("\"qualification\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn participants(mut self, n: usize) -> Self {
        self.participants = n;
        self
    }

    /// Sets the number of mentors, spread over the 14 sites by their weight.
    ///
    /// ```
    /// use mentormatch::synth::Saxony;
    /// assert_eq!(Saxony::new().participants(0).mentors(14).build().mentors.len(), 14);
    /// let json = serde_json::to_string(&Saxony::new().participants(0).mentors(14).build().mentors)?;
    /// assert!(json.contains("\"m-14\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn mentors(mut self, n: usize) -> Self {
        self.mentors = n;
        self
    }

    /// Sets the number of employers.
    ///
    /// ```
    /// use mentormatch::synth::Saxony;
    /// let data = Saxony::new().participants(0).companies(30).offers(45).build();
    /// assert_eq!(data.companies.len(), 30);
    /// let json = serde_json::to_string(&data.companies[0])?;
    /// assert!(json.contains("\"c-0001/"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn companies(mut self, n: usize) -> Self {
        self.companies = n;
        self
    }

    /// Sets the total number of offers, spread over the employers.
    ///
    /// ```
    /// use mentormatch::synth::Saxony;
    /// let data = Saxony::new().participants(0).companies(10).offers(15).build();
    /// assert_eq!(data.companies.iter().map(|c| c.offers.len()).sum::<usize>(), 15);
    /// let json = serde_json::to_string(&data.companies)?;
    /// assert!(json.contains("needs_work_permit\":true"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn offers(mut self, n: usize) -> Self {
        self.offers = n;
        self
    }

    /// Multiplies every count set so far by `factor` (rounded).
    ///
    /// ```
    /// use mentormatch::synth::Saxony;
    /// let data = Saxony::new().scale(0.1).build();
    /// assert_eq!((data.participants.len(), data.mentors.len(), data.companies.len()), (200, 5, 100));
    /// let json = serde_json::to_string(&data.mentors)?;
    /// assert!(json.contains("\"professional\""));
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
    /// use mentormatch::synth::Saxony;
    /// let data = Saxony::new().scale(0.05).build();
    /// assert!(data.participants.iter().all(|p| p.audit.contains_key("qualification")));
    /// let back: mentormatch::model::InstanceData = serde_json::from_str(&serde_json::to_string(&data)?)?;
    /// assert_eq!(back, data); // a JSON round trip loses nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(&self) -> InstanceData {
        let weights: Vec<u32> = SITES.iter().map(|s| s.weight).collect();
        // Mentors per site; participants go to sites in proportion to them.
        let mut site_of_mentor = Vec::with_capacity(self.mentors);
        for (s, n) in allocate(self.mentors, &weights).into_iter().enumerate() {
            site_of_mentor.extend(std::iter::repeat_n(s, n));
        }
        let participants: Vec<Participant> = (0..self.participants)
            .map(|i| self.participant(i))
            .collect();
        let mentors: Vec<Mentor> = site_of_mentor
            .iter()
            .enumerate()
            .map(|(i, &s)| self.mentor(i, s))
            .collect();
        let mut rng = Rng::stream(self.seed, "offers", 0);
        let per_company = offers_per_company(&mut rng, self.companies, self.offers);
        let mut companies: Vec<Company> = per_company
            .iter()
            .enumerate()
            .map(|(i, &n)| self.company(i, n))
            .collect();
        dedupe_names(&mut companies);
        let per = |k: usize| scaled(k, self.participants as f64 / 2000.0);
        let plan = PairPlan {
            pinned_mentor: per(40),
            pinned_mentor_stale: per(5),
            pinned_offer: per(10),
            forbidden_mentor: per(20),
            forbidden_offer: per(10),
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
        let site = &SITES[rng.weighted_index(SITES.iter().map(|s| s.weight))];
        let town = if rng.chance(700) || site.satellites.is_empty() {
            site.town
        } else {
            site.satellites[rng.below(site.satellites.len() as u64) as usize]
        };
        let location = point_near(rng, town.location(), 4.0);
        let max_travel_km = f64::from(rng.range(3, 10) * 5);
        let origin = rng.pick(ORIGINS);
        let female = rng.chance(origin.female_permille);
        let qualification = rng.pick(&[("none", 45), ("vocational", 35), ("academic", 20)]);
        let mut languages = origin.sample_languages(rng);
        add_language(rng, &mut languages, "de", DE, 0);
        add_language(
            rng,
            &mut languages,
            "en",
            EN,
            u8::from(qualification == "academic"),
        );
        if matches!(origin.code, "UA" | "AF" | "SY" | "VN") {
            // Russian learnt at school or on the way (Ukraine, Central Asia, Soviet-era ties).
            add_language(rng, &mut languages, "ru", RU_SECOND, 0);
        }
        let n_sectors = rng.range(1, 3) as usize;
        let sectors = sample_sectors(rng, SECTORS, n_sectors);
        let (lo, hi) = match qualification {
            "none" => (1, 3),
            "vocational" => (2, 4),
            _ => (3, 5),
        };
        let skills = sample_skills(rng, &sectors, lo, hi, 400);
        let availability = if female && rng.chance(150) {
            sample_availability(rng, PART_TIME, &[], 0)
        } else {
            sample_availability(rng, PARTICIPANT_TIMES, &[], 0)
        };
        let goals: &[OfferKind] = match qualification {
            "none" => rng.pick(&[
                (&[Apprenticeship][..], 50),
                (&[Job], 35),
                (&[Apprenticeship, Job], 15),
            ]),
            "vocational" => rng.pick(&[(&[Job][..], 80), (&[Apprenticeship, Job], 20)]),
            _ => rng.pick(&[(&[Job][..], 90), (&[Apprenticeship, Job], 10)]),
        };
        let waiting_days = rng.range(0, 540);
        let work_permit = rng.chance(880);
        let mentor_requirements = if female && rng.chance(60) {
            vec!["female".to_owned()]
        } else {
            Vec::new()
        };
        let gender = if female { "f" } else { "m" };
        Participant {
            id: id("p", i, self.participants, 4).into(),
            skills,
            languages,
            location,
            max_travel_km,
            availability,
            sectors,
            seeks_mentor: true,
            goals: goals.to_vec(),
            work_permit,
            waiting_days,
            mentor_requirements,
            audit: audit(&[
                ("gender", gender),
                ("origin", origin.code),
                ("qualification", qualification),
            ]),
        }
    }

    fn mentor(&self, i: usize, site: usize) -> Mentor {
        let rng = &mut Rng::stream(self.seed, "mentor", i as u64);
        let site = &SITES[site];
        let location = point_near(rng, site.town.location(), 1.5);
        let max_travel_km = f64::from(rng.range(8, 12) * 5);
        let capacity = rng.range(36, 44);
        let female = rng.chance(550);
        let mut languages = vec![Language::new("de", Native)];
        add_language(rng, &mut languages, "en", EN_M, 0);
        add_language(rng, &mut languages, "ru", RU_M, 0);
        add_language(rng, &mut languages, "ar", AR_M, 0);
        add_language(rng, &mut languages, "fa", FA_M, 0);
        let n_sectors = rng.range(2, 3) as usize;
        let sectors = sample_sectors(rng, SECTORS, n_sectors);
        let skills = sample_skills(rng, &sectors, 3, 5, 300);
        let availability = sample_availability(rng, MENTOR_TIMES, &[], 0);
        let tags = vec![
            "professional".to_owned(),
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
        let site = &SITES[rng.weighted_index(SITES.iter().map(|s| s.weight))];
        let town = if rng.chance(600) || site.satellites.is_empty() {
            site.town
        } else {
            site.satellites[rng.below(site.satellites.len() as u64) as usize]
        };
        let location = point_near(rng, town.location(), 6.0);
        let nouns: Vec<&str> = NAME_NOUN
            .iter()
            .filter(|(s, _)| *s == sector)
            .map(|&(_, n)| n)
            .collect();
        let noun = nouns[rng.below(nouns.len() as u64) as usize];
        let form = rng.pick(LEGAL_FORM);
        let name = if rng.chance(400) {
            let region = site.regions[rng.below(site.regions.len() as u64) as usize];
            format!("{region} {noun} {form}")
        } else {
            let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
            format!("{noun} {surname} {form}")
        };
        let cid = id("c", i, self.companies, 4);
        let pool = skills_of(sector);
        let mut counters = [0usize; 4];
        let offers = (0..n_offers)
            .map(|_| {
                let kind = if rng.chance(400) {
                    OfferKind::Apprenticeship
                } else {
                    OfferKind::Job
                };
                let k = &mut counters[kind as usize];
                *k += 1;
                let mut o = Offer::new(
                    format!("{cid}/{}-{k}", kind_stem(kind)),
                    kind,
                    rng.range(1, 3),
                );
                o.needs_work_permit = true;
                if kind == OfferKind::Apprenticeship {
                    o.schedule = vec![tr(rng.pick(APPRENTICESHIP_SCHEDULES))];
                    let level = rng.pick(&[(B1, 7), (A2, 3)]);
                    o.required_languages.push(Language::new("de", level));
                } else {
                    o.schedule = vec![tr(rng.pick(JOB_SCHEDULES))];
                    if let Some(level) =
                        rng.pick(&[(Some(A2), 50), (Some(B1), 30), (Some(B2), 5), (None, 15)])
                    {
                        o.required_languages.push(Language::new("de", level));
                    }
                    if !pool.is_empty() && rng.chance(400) {
                        let s = pool[rng.below(pool.len() as u64) as usize];
                        o.required_skills.push(Skill::new(s, rng.range(2, 3) as u8));
                    }
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
