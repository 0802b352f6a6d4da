//! Germany at national scale: participants, mentors and company offers around
//! the 82 largest German cities, weighted by population.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::model::{
    Cefr, Company, InstanceData, Language, Location, Mentor, Offer, OfferKind, PairRef,
    Participant, Skill,
};

use super::pieces::{
    LevelTable, Origin, add_language, allocate, approx_km, audit, clearly_feasible_mentor,
    clearly_feasible_offer, dedupe_names, kind_stem, origins, point_near, sample_availability,
    sample_sectors, sample_skills, skills_of, tr,
};
use super::rng::Rng;
use Cefr::{A1, A2, B1, B2, C1, Native};
use OfferKind::{Apprenticeship, Internship, Job};

/// The city table, embedded at compile time so that generating needs no I/O.
const CITIES_JSON: &str = include_str!("../../fixtures/de-cities.json");

/// A German city of the embedded table `fixtures/de-cities.json`: the
/// *Großstädte* (100,000 inhabitants or more), with population figures of
/// Destatis for 31 December 2022 and city-centre coordinates (approximate:
/// the file's `source` field says where they come from and how exact they are).
///
/// ```
/// use mentormatch::synth::National;
/// let berlin = &National::cities()[0];
/// assert_eq!((berlin.name.as_str(), berlin.state.as_str()), ("Berlin", "BE"));
/// assert!(berlin.population > 3_000_000);
/// let json = serde_json::to_string(berlin)?;
/// assert!(json.starts_with("{\"name\":\"Berlin\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct City {
    /// The city's name, in German (`München`, `Köln`).
    pub name: String,
    /// The state (Land), as the two-letter part of its ISO 3166-2:DE code (`BY`).
    pub state: String,
    /// Latitude of the centre, in degrees.
    pub lat: f64,
    /// Longitude of the centre, in degrees.
    pub lon: f64,
    /// Inhabitants on the reference date.
    pub population: u32,
}

impl City {
    /// The city centre.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let cities = National::cities();
    /// let hamburg = cities.iter().find(|c| c.name == "Hamburg").ok_or("no Hamburg")?;
    /// let d = hamburg.location().distance_km(cities[0].location()); // to Berlin
    /// assert!((240.0..270.0).contains(&d), "{d}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn location(&self) -> Location {
        Location::new(self.lat, self.lon)
    }

    /// Radius in km of the disc where most of the city's people live:
    /// `2 + sqrt(population) / 100`, so the spread grows with the square root
    /// of the size (about 21 km for Berlin, 5 km for a city of 100,000).
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let cities = National::cities();
    /// let smallest = cities.last().ok_or("empty table")?;
    /// assert!(cities[0].radius_km() > smallest.radius_km());
    /// assert!((20.0..22.0).contains(&cities[0].radius_km()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn radius_km(&self) -> f64 {
        2.0 + f64::from(self.population).sqrt() / 100.0
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // `source` and `year` document the file; only `cities` is read
struct CityTable {
    source: String,
    year: u32,
    cities: Vec<City>,
}

/// The parsed city table (parsed once, on first use).
fn city_table() -> &'static [City] {
    static CITIES: OnceLock<Vec<City>> = OnceLock::new();
    CITIES.get_or_init(|| {
        let t: CityTable = serde_json::from_str(CITIES_JSON)
            .unwrap_or_else(|e| panic!("embedded fixtures/de-cities.json is malformed: {e}"));
        t.cities
    })
}

/// Cumulative population, for drawing a city in O(log n).
struct CityPicker {
    cumulative: Vec<u64>,
}

impl CityPicker {
    fn new(cities: &[City]) -> Self {
        let mut sum = 0u64;
        let cumulative = cities
            .iter()
            .map(|c| {
                sum += u64::from(c.population);
                sum
            })
            .collect();
        CityPicker { cumulative }
    }

    /// A city index with probability proportional to its population.
    fn pick(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("the city table is not empty");
        let x = rng.below(total);
        self.cumulative.partition_point(|&c| c <= x)
    }
}

/// Nigeria: English is the official language, next to a first language.
const NG: Origin = Origin {
    code: "NG",
    female_permille: 380,
    languages: &[
        (&[("yo", Native), ("en", C1)], 35),
        (&[("ig", Native), ("en", C1)], 35),
        (&[("ha", Native), ("en", B2)], 30),
    ],
};

/// Origins of people in German integration programmes: people under
/// temporary protection from Ukraine and the main asylum origins of recent
/// years (Syria, Afghanistan, Iraq, Turkey, Eritrea, Iran, …), rounded.
const ORIGINS: &[(Origin, u32)] = &[
    (origins::UA, 30),
    (origins::SY, 22),
    (origins::AF, 14),
    (origins::IQ, 7),
    (origins::TR, 7),
    (origins::ER, 4),
    (origins::IR, 3),
    (origins::SO, 2),
    (origins::RU, 3),
    (NG, 2),
    (origins::VE, 1),
];

const SECTORS: &[(&str, u32)] = &[
    ("manufacturing", 14),
    ("logistics", 12),
    ("health", 8),
    ("care", 12),
    ("hospitality", 12),
    ("construction", 10),
    ("retail", 10),
    ("it", 5),
    ("crafts", 9),
    ("cleaning", 6),
    ("agriculture", 2),
];

/// German after integration courses: A1 to C1 (one step more after two years).
const DE: LevelTable = &[
    (Some(A1), 15),
    (Some(A2), 25),
    (Some(B1), 32),
    (Some(B2), 18),
    (Some(C1), 10),
];
const EN: LevelTable = &[
    (None, 50),
    (Some(A1), 10),
    (Some(A2), 15),
    (Some(B1), 15),
    (Some(B2), 10),
];
const RU_SECOND: LevelTable = &[(None, 85), (Some(A2), 5), (Some(B1), 5), (Some(B2), 5)];

/// Mentors: German native, often English, sometimes a heritage language.
const EN_M: LevelTable = &[(None, 35), (Some(B1), 15), (Some(B2), 25), (Some(C1), 25)];
const RU_M: LevelTable = &[(None, 90), (Some(C1), 3), (Some(Native), 7)];
const AR_M: LevelTable = &[(None, 93), (Some(B2), 2), (Some(Native), 5)];
const TR_M: LevelTable = &[(None, 92), (Some(Native), 8)];
const FA_M: LevelTable = &[(None, 97), (Some(Native), 3)];
const UK_M: LevelTable = &[(None, 97), (Some(B2), 1), (Some(Native), 2)];

const PARTICIPANT_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 07:00-18:00"], 35),
    // Integration course in the morning.
    (&["mon-fri 13:00-19:00"], 15),
    // Childcare in the afternoon.
    (&["mon-fri 08:00-13:00"], 10),
    (&["mon-sat 06:00-22:00"], 15),
    (&["mon-fri 07:00-17:00"], 15),
    // Already working (a mini-job) during the day.
    (&["mon-fri 16:00-21:00", "sat 09:00-17:00"], 5),
    (&["mon-wed 08:00-16:00"], 5),
];
const EMPLOYED_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 17:30-21:00"], 3),
    (
        &["tue 17:00-20:00", "thu 17:00-20:00", "sat 10:00-14:00"],
        2,
    ),
    (&["mon-thu 18:00-21:00", "sat 09:00-13:00"], 2),
];
const RETIRED_TIMES: &[(&[&str], u32)] =
    &[(&["mon-fri 09:00-16:00"], 3), (&["tue-thu 10:00-17:00"], 2)];
const PROFESSIONAL_TIMES: &[(&[&str], u32)] = &[
    (&["mon-fri 08:00-16:30"], 5),
    (&["mon-thu 08:00-17:00", "fri 08:00-13:00"], 3),
];
const JOB_SCHEDULES: &[(&str, u32)] = &[
    ("mon-fri 07:00-15:30", 4),
    ("mon-fri 08:00-16:30", 4),
    ("mon-fri 06:00-14:00", 2),
    ("mon-fri 09:00-13:00", 2),
    ("mon-fri 14:00-18:00", 1),
    ("mon-sat 10:00-18:00", 1),
];
const APPRENTICESHIP_SCHEDULES: &[(&str, u32)] =
    &[("mon-fri 07:30-16:00", 1), ("mon-fri 08:00-16:30", 1)];
const INTERNSHIP_SCHEDULES: &[(&str, u32)] = &[
    ("mon-fri 09:00-15:00", 3),
    ("mon-wed 09:00-15:00", 2),
    ("mon-fri 13:00-17:00", 1),
];

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
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Lehmann",
    "Schmid",
    "Yılmaz",
    "Kaya",
];
const NAME_NOUN: &[(&str, &str)] = &[
    ("manufacturing", "Metallbau"),
    ("manufacturing", "Präzisionstechnik"),
    ("logistics", "Logistik"),
    ("logistics", "Spedition"),
    ("health", "Klinikum"),
    ("health", "Praxisverbund"),
    ("care", "Pflegedienst"),
    ("care", "Seniorenzentrum"),
    ("hospitality", "Hotel"),
    ("hospitality", "Gastronomie"),
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
    ("agriculture", "Gartenbau"),
    ("agriculture", "Hofgut"),
];
const LEGAL_FORM: &[(&str, u32)] = &[("GmbH", 6), ("GmbH & Co. KG", 2), ("e.K.", 1), ("AG", 1)];

/// Generator of a national-scale German instance.
///
/// Every participant, mentor and company is invented; only public geography
/// and public population figures go in. Participants live around the 82
/// German cities of 100,000 or more inhabitants ([`National::cities`]),
/// each city drawn with probability proportional to its population; three
/// in four live inside the city's disc of radius
/// [`City::radius_km`] (growing with the square root of the population), one in four in
/// the surrounding area up to 15 km further out. Overlapping discs (the
/// Ruhr, Rhine–Main) make dense regions, as in reality.
///
/// - **Participants**: origins as in German integration programmes today
///   (Ukraine 30 %, Syria 22 %, Afghanistan 14 %, Iraq, Turkey, Eritrea,
///   Iran, Somalia, Russia, Nigeria, Venezuela), first languages by origin
///   (`uk`/`ru`, `ar`, `ku`, `prs`/`fa`, `ps`, `tr`, `ti`, `so`, `yo`/`ig`/`ha`
///   with `en`, `es`), German at A1–C1 (one step more after two years of
///   waiting), English for half of them; travel radius 10–50 km; one to three
///   sectors with skills by qualification; goals among apprenticeship, job
///   and internship (5 % seek only a mentor); a work permit for everyone
///   under temporary protection (Ukraine) and for most others after three
///   months; 8 % do not seek a mentor; audit labels `gender`, `origin`,
///   `qualification`, `state`.
/// - **Mentors** (default 5 % of participants): 35 % employed volunteers
///   (evenings and Saturdays, capacity 1–3), 25 % retired volunteers
///   (daytime, 1–3), 40 % professional mentors (office hours, caseload
///   25–45); German native, often English, sometimes Russian, Arabic,
///   Turkish, Farsi or Ukrainian; travel radius 10–50 km.
/// - **Offers** (default 10 % of participants) at companies (default one
///   per two offers, each drawing a size 1–5 that sets its share of offers):
///   jobs 45 %, apprenticeships 30 %, internships 25 %, with German
///   requirements, sometimes a skill, and a weekly schedule; jobs and
///   apprenticeships need a work permit, half of the internships do.
/// - **Pinned and forbidden pairs**, per 1,000 participants: 10 running
///   mentorships, 1 stale one (the mentor has moved out of reach), 2 pinned
///   offers, 5 forbidden mentor pairs and 2 forbidden offer pairs.
///
/// Counts are exact. Each record draws from its own random stream, so
/// records are generated in parallel (rayon) and the output does not depend
/// on the thread count; the work is linear in the counts (pinned and
/// forbidden pairs are drawn among providers of the same city, never by
/// scanning all of them), so a million participants take seconds.
///
/// ```
/// use mentormatch::Instance;
/// use mentormatch::synth::National;
/// let data = National::new().seed(1).participants(2_000).build();
/// assert_eq!((data.participants.len(), data.mentors.len()), (2_000, 100));
/// let offers: usize = data.companies.iter().map(|c| c.offers.len()).sum();
/// assert_eq!(offers, 200);
/// let inst = Instance::new(data)?; // always valid
/// assert_eq!(inst.participant_count(), 2_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct National {
    seed: u64,
    participants: usize,
    mentors: Option<usize>,
    offers: Option<usize>,
    companies: Option<usize>,
}

impl Default for National {
    fn default() -> Self {
        National {
            seed: Self::DEFAULT_SEED,
            participants: 10_000,
            mentors: None,
            offers: None,
            companies: None,
        }
    }
}

/// Per 1,000 participants: pinned and forbidden pairs.
const PINNED_MENTOR: usize = 10;
const PINNED_MENTOR_STALE: usize = 1;
const PINNED_OFFER: usize = 2;
const FORBIDDEN_MENTOR: usize = 5;
const FORBIDDEN_OFFER: usize = 2;

/// `n × per_mille / 1000`, rounded half up, without floats.
fn per_mille(n: usize, per_mille: usize) -> usize {
    (n * per_mille + 500) / 1000
}

/// `"{prefix}-{i+1}"` zero-padded to `width` digits.
fn padded(prefix: &str, i: usize, width: usize) -> String {
    format!("{prefix}-{:0width$}", i + 1)
}

/// Digits of ids for `n` records: at least `min`.
fn id_width(n: usize, min: usize) -> usize {
    let mut digits = 1;
    let mut x = n;
    while x >= 10 {
        x /= 10;
        digits += 1;
    }
    digits.max(min)
}

impl National {
    /// The default seed.
    pub const DEFAULT_SEED: u64 = 2022;

    /// The defaults: 10,000 participants, 500 mentors, 1,000 offers at 500
    /// companies, seed [`National::DEFAULT_SEED`].
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let g = National::new();
    /// assert_eq!((g.participant_count(), g.mentor_count(), g.offer_count()), (10_000, 500, 1_000));
    /// let companies: u32 = g.company_count().try_into()?;
    /// assert_eq!(companies, 500);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The 82 German cities of 100,000 or more inhabitants, largest first,
    /// from the embedded `fixtures/de-cities.json`.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let cities = National::cities();
    /// assert!(cities.len() >= 80);
    /// assert!(cities.windows(2).all(|w| w[0].population >= w[1].population));
    /// assert!(cities.iter().all(|c| (47.0..55.5).contains(&c.lat) && (5.5..15.5).contains(&c.lon)));
    /// let munich = cities.iter().find(|c| c.name == "München").ok_or("no München")?;
    /// assert_eq!(munich.state, "BY");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cities() -> &'static [City] {
        city_table()
    }

    /// Sets the seed.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let a = National::new().participants(50).seed(3).build();
    /// let b = National::new().participants(50).seed(3).build();
    /// assert_eq!(serde_json::to_string(&a)?, serde_json::to_string(&b)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the number of participants; mentors, offers and companies follow
    /// (5 %, 10 % and 5 %) unless set explicitly.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let data = National::new().participants(40).build();
    /// assert_eq!((data.participants.len(), data.mentors.len(), data.companies.len()), (40, 2, 2));
    /// assert_eq!(data.participants[39].id.as_str(), "p-000040");
    /// let json = serde_json::to_string(&data.participants[0])?;
    /// assert!(json.contains("\"state\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn participants(mut self, n: usize) -> Self {
        self.participants = n;
        self
    }

    /// Sets the number of mentors (default: 5 % of participants, rounded).
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let data = National::new().participants(100).mentors(7).build();
    /// assert_eq!(data.mentors.len(), 7);
    /// let json = serde_json::to_string(&data.mentors[0])?;
    /// assert!(json.contains("\"de\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn mentors(mut self, n: usize) -> Self {
        self.mentors = Some(n);
        self
    }

    /// Sets the total number of offers (default: 10 % of participants, rounded).
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let data = National::new().participants(100).offers(33).build();
    /// assert_eq!(data.companies.iter().map(|c| c.offers.len()).sum::<usize>(), 33);
    /// assert_eq!(data.companies.len(), 17); // one company per two offers, rounded up
    /// let json = serde_json::to_string(&data.companies)?;
    /// assert!(json.contains("\"needs_work_permit\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn offers(mut self, n: usize) -> Self {
        self.offers = Some(n);
        self
    }

    /// Sets the number of companies (default: half the offers, rounded up).
    /// With more companies than offers, some companies have no offer.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let data = National::new().participants(100).offers(10).companies(10).build();
    /// assert_eq!(data.companies.len(), 10);
    /// let json = serde_json::to_string(&data.companies[0])?;
    /// assert!(json.contains("\"c-00001\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn companies(mut self, n: usize) -> Self {
        self.companies = Some(n);
        self
    }

    /// Participants that [`build`](National::build) generates.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let n: u32 = National::new().participants(1_000_000).participant_count().try_into()?;
    /// assert_eq!(n, 1_000_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn participant_count(&self) -> usize {
        self.participants
    }

    /// Mentors that [`build`](National::build) generates.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let m: u32 = National::new().participants(1_000_000).mentor_count().try_into()?;
    /// assert_eq!(m, 50_000);
    /// assert_eq!(National::new().participants(1_000_000).mentors(9).mentor_count(), 9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mentor_count(&self) -> usize {
        self.mentors.unwrap_or(per_mille(self.participants, 50))
    }

    /// Offers that [`build`](National::build) generates.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let o: u32 = National::new().participants(1_000_000).offer_count().try_into()?;
    /// assert_eq!(o, 100_000);
    /// assert_eq!(National::new().participants(10).offers(0).offer_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offer_count(&self) -> usize {
        self.offers.unwrap_or(per_mille(self.participants, 100))
    }

    /// Companies that [`build`](National::build) generates.
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let c: u32 = National::new().participants(1_000_000).company_count().try_into()?;
    /// assert_eq!(c, 50_000);
    /// assert_eq!(National::new().participants(0).offers(3).company_count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn company_count(&self) -> usize {
        self.companies.unwrap_or(self.offer_count().div_ceil(2))
    }

    /// Generates the instance. Always valid ([`Instance::new`](crate::Instance::new)
    /// accepts it), and the same for the same settings on every platform
    /// and with any number of threads.
    ///
    /// # Complexity
    /// Time and memory linear in the counts (plus sorting the companies
    /// by offer share, `O(c log c)`).
    ///
    /// ```
    /// use mentormatch::synth::National;
    /// let data = National::new().participants(500).build();
    /// assert!(data.participants.iter().all(|p| (10.0..=50.0).contains(&p.max_travel_km)));
    /// assert!(data.mentors.iter().all(|m| m.languages[0].code == "de"));
    /// let back: mentormatch::model::InstanceData = serde_json::from_str(&serde_json::to_string(&data)?)?;
    /// assert_eq!(back, data); // a JSON round trip loses nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(&self) -> InstanceData {
        let cities = city_table();
        let picker = CityPicker::new(cities);
        let ctx = Ctx {
            seed: self.seed,
            cities,
            picker: &picker,
        };
        let pw = id_width(self.participants, 6);
        let (participants, p_city): (Vec<Participant>, Vec<u16>) = (0..self.participants)
            .into_par_iter()
            .map(|i| ctx.participant(i, pw))
            .unzip();
        let n_m = self.mentor_count();
        let mw = id_width(n_m, 5);
        let (mentors, m_city): (Vec<Mentor>, Vec<u16>) =
            (0..n_m).into_par_iter().map(|i| ctx.mentor(i, mw)).unzip();
        // Offers per company: each company draws a size; offers are shared
        // out in proportion (largest remainder), so the total is exact.
        let n_c = self.company_count();
        let sizes: Vec<u32> = (0..n_c)
            .map(|i| {
                let rng = &mut Rng::stream(self.seed, "company-size", i as u64);
                rng.pick(&[(1, 35), (2, 30), (3, 20), (4, 10), (5, 5)])
            })
            .collect();
        let per_company = allocate(self.offer_count(), &sizes);
        let cw = id_width(n_c, 5);
        let (mut companies, c_city): (Vec<Company>, Vec<u16>) = per_company
            .par_iter()
            .enumerate()
            .map(|(i, &k)| ctx.company(i, k, cw))
            .unzip();
        dedupe_names(&mut companies);
        let (pinned, forbidden) = ctx.pairs(
            &participants,
            &p_city,
            &mentors,
            &m_city,
            &companies,
            &c_city,
        );
        InstanceData {
            version: Some(1),
            participants,
            mentors,
            companies,
            pinned,
            forbidden,
        }
    }
}

/// What every record's generator reads.
struct Ctx<'a> {
    seed: u64,
    cities: &'a [City],
    picker: &'a CityPicker,
}

impl Ctx<'_> {
    /// A home near a population-weighted city: inside its disc (3 in 4) or
    /// in the surrounding area up to 15 km further out.
    fn home(&self, rng: &mut Rng, inner_permille: u32) -> (usize, Location) {
        let c = self.picker.pick(rng);
        let city = &self.cities[c];
        let r = if rng.chance(inner_permille) {
            city.radius_km()
        } else {
            city.radius_km() + 15.0
        };
        (c, point_near(rng, city.location(), r))
    }

    /// A travel radius of 10–50 km in steps of 5, mostly 20–30 km.
    fn radius(rng: &mut Rng) -> f64 {
        rng.pick(&[
            (10.0, 8),
            (15.0, 12),
            (20.0, 20),
            (25.0, 18),
            (30.0, 16),
            (35.0, 9),
            (40.0, 8),
            (45.0, 4),
            (50.0, 5),
        ])
    }

    fn participant(&self, i: usize, width: usize) -> (Participant, u16) {
        let rng = &mut Rng::stream(self.seed, "participant", i as u64);
        let (c, location) = self.home(rng, 750);
        let max_travel_km = Self::radius(rng);
        let origin = rng.pick(ORIGINS);
        let female = rng.chance(origin.female_permille);
        let qualification = if origin.code == "UA" {
            rng.pick(&[("none", 20), ("vocational", 35), ("academic", 45)])
        } else {
            rng.pick(&[("none", 50), ("vocational", 30), ("academic", 20)])
        };
        // Short waits are more common than long ones (minimum of two draws).
        let waiting_days = rng.range(0, 1460).min(rng.range(0, 1460));
        let mut languages = origin.sample_languages(rng);
        add_language(rng, &mut languages, "de", DE, u8::from(waiting_days >= 730));
        add_language(
            rng,
            &mut languages,
            "en",
            EN,
            u8::from(qualification == "academic"),
        );
        if matches!(origin.code, "AF" | "SY") {
            // Russian learnt on the way (Central Asia) or at university.
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
        let availability = sample_availability(rng, PARTICIPANT_TIMES, &[], 0);
        let goals: &[OfferKind] = match qualification {
            "none" => rng.pick(&[
                (&[Apprenticeship][..], 33),
                (&[Job], 24),
                (&[Apprenticeship, Job], 15),
                (&[Internship], 9),
                (&[Internship, Apprenticeship], 14),
                (&[], 5),
            ]),
            "vocational" => rng.pick(&[
                (&[Job][..], 57),
                (&[Internship, Job], 19),
                (&[Apprenticeship, Job], 19),
                (&[], 5),
            ]),
            _ => rng.pick(&[
                (&[Job][..], 52),
                (&[Internship, Job], 33),
                (&[Internship], 10),
                (&[], 5),
            ]),
        };
        // Temporary protection (§ 24 AufenthG) allows work at once; asylum
        // seekers usually after three months.
        let work_permit =
            origin.code == "UA" || rng.chance(if waiting_days >= 90 { 880 } else { 150 });
        let seeks_mentor = rng.chance(920);
        let mentor_requirements = if female && rng.chance(60) {
            vec!["female".to_owned()]
        } else {
            Vec::new()
        };
        let gender = if female { "f" } else { "m" };
        let p = Participant {
            id: padded("p", i, width).into(),
            skills,
            languages,
            location,
            max_travel_km,
            availability,
            sectors,
            seeks_mentor,
            goals: goals.to_vec(),
            work_permit,
            waiting_days,
            mentor_requirements,
            audit: audit(&[
                ("gender", gender),
                ("origin", origin.code),
                ("qualification", qualification),
                ("state", &self.cities[c].state),
            ]),
        };
        (p, c as u16)
    }

    fn mentor(&self, i: usize, width: usize) -> (Mentor, u16) {
        let rng = &mut Rng::stream(self.seed, "mentor", i as u64);
        let (c, location) = self.home(rng, 850);
        let max_travel_km = Self::radius(rng);
        let role = rng.pick(&[("employed", 35), ("retired", 25), ("professional", 40)]);
        let (capacity, times) = match role {
            "employed" => (rng.range(1, 3), EMPLOYED_TIMES),
            "retired" => (rng.range(1, 3), RETIRED_TIMES),
            _ => (rng.range(25, 45), PROFESSIONAL_TIMES),
        };
        let female = rng.chance(if role == "professional" { 600 } else { 520 });
        let mut languages = vec![Language::new("de", Native)];
        add_language(rng, &mut languages, "en", EN_M, 0);
        add_language(rng, &mut languages, "ru", RU_M, 0);
        add_language(rng, &mut languages, "ar", AR_M, 0);
        add_language(rng, &mut languages, "tr", TR_M, 0);
        add_language(rng, &mut languages, "fa", FA_M, 0);
        add_language(rng, &mut languages, "uk", UK_M, 0);
        let n_sectors = rng.range(1, 3) as usize;
        let sectors = sample_sectors(rng, SECTORS, n_sectors);
        let skills = sample_skills(rng, &sectors, 3, 5, 300);
        let availability = sample_availability(rng, times, &[], 0);
        let kind = if role == "professional" {
            "professional"
        } else {
            "volunteer"
        };
        let mut tags = vec![
            kind.to_owned(),
            (if female { "female" } else { "male" }).to_owned(),
        ];
        if role == "retired" {
            tags.push("retired".to_owned());
        }
        let m = Mentor {
            id: padded("m", i, width).into(),
            skills,
            languages,
            location,
            max_travel_km,
            availability,
            sectors,
            capacity,
            tags,
        };
        (m, c as u16)
    }

    fn company(&self, i: usize, n_offers: usize, width: usize) -> (Company, u16) {
        let rng = &mut Rng::stream(self.seed, "company", i as u64);
        let (c, location) = self.home(rng, 700);
        let city = &self.cities[c];
        let sector = rng.pick(SECTORS);
        let nouns: Vec<&str> = NAME_NOUN
            .iter()
            .filter(|(s, _)| *s == sector)
            .map(|&(_, n)| n)
            .collect();
        let noun = nouns[rng.below(nouns.len() as u64) as usize];
        let form = rng.pick(LEGAL_FORM);
        let name = if rng.chance(300) {
            format!("{noun} {} {form}", city.name)
        } else {
            let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
            format!("{noun} {surname} {form}")
        };
        let cid = padded("c", i, width);
        let pool = skills_of(sector);
        let mut counters = [0usize; 4];
        let offers = (0..n_offers)
            .map(|_| {
                let kind = rng.pick(&[(Job, 45), (Apprenticeship, 30), (Internship, 25)]);
                let k = &mut counters[kind as usize];
                *k += 1;
                let id = format!("{cid}/{}-{k}", kind_stem(kind));
                let mut o = match kind {
                    Apprenticeship => {
                        let mut o = Offer::new(id, kind, rng.range(1, 2));
                        o.schedule = vec![tr(rng.pick(APPRENTICESHIP_SCHEDULES))];
                        let level = rng.pick(&[(B1, 7), (A2, 3)]);
                        o.required_languages.push(Language::new("de", level));
                        o.needs_work_permit = true;
                        o
                    }
                    Internship => {
                        let mut o = Offer::new(id, kind, rng.range(1, 2));
                        o.schedule = vec![tr(rng.pick(INTERNSHIP_SCHEDULES))];
                        if rng.chance(600) {
                            o.required_languages.push(Language::new("de", A2));
                        }
                        o.needs_work_permit = rng.chance(500);
                        o
                    }
                    _ => {
                        let mut o = Offer::new(id, kind, rng.range(1, 3));
                        o.schedule = vec![tr(rng.pick(JOB_SCHEDULES))];
                        if let Some(level) =
                            rng.pick(&[(Some(A2), 50), (Some(B1), 30), (Some(B2), 5), (None, 15)])
                        {
                            o.required_languages.push(Language::new("de", level));
                        }
                        o.needs_work_permit = true;
                        o
                    }
                };
                if kind != Internship && !pool.is_empty() && rng.chance(400) {
                    let s = pool[rng.below(pool.len() as u64) as usize];
                    o.required_skills.push(Skill::new(s, rng.range(2, 3) as u8));
                }
                o
            })
            .collect();
        let company = Company {
            id: cid.into(),
            name,
            sector: sector.to_owned(),
            location,
            offers,
        };
        (company, c as u16)
    }

    /// Pinned and forbidden pairs. Each is sought among providers of the
    /// participant's own city (a few random tries), so the cost is linear
    /// in the number of pairs, not in the number of providers.
    fn pairs(
        &self,
        participants: &[Participant],
        p_city: &[u16],
        mentors: &[Mentor],
        m_city: &[u16],
        companies: &[Company],
        c_city: &[u16],
    ) -> (Vec<PairRef>, Vec<PairRef>) {
        const TRIES: usize = 8;
        let n = participants.len();
        let mut pinned = Vec::new();
        let mut forbidden = Vec::new();
        if n == 0 {
            return (pinned, forbidden);
        }
        let mut mentors_in = vec![Vec::new(); self.cities.len()];
        for (m, &c) in m_city.iter().enumerate() {
            mentors_in[usize::from(c)].push(m);
        }
        let mut offers_in: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.cities.len()];
        for (ci, co) in companies.iter().enumerate() {
            for o in 0..co.offers.len() {
                offers_in[usize::from(c_city[ci])].push((ci, o));
            }
        }
        let mut load = vec![0u32; mentors.len()];
        let mut taken: Vec<Vec<u32>> = companies.iter().map(|c| vec![0; c.offers.len()]).collect();
        let mut has_mentor_pair = vec![false; n];
        let mut has_offer_pair = vec![false; n];
        let rng = &mut Rng::stream(self.seed, "pairs", 0);

        // Up to `count` successes of `f`, over at most 20 × count random participants.
        let mut draw = |count: usize, f: &mut dyn FnMut(&mut Rng, usize) -> bool| {
            let mut done = 0;
            for _ in 0..count.saturating_mul(20) {
                if done == count {
                    break;
                }
                let p = rng.below(n as u64) as usize;
                if f(rng, p) {
                    done += 1;
                }
            }
        };
        let pick_in = |rng: &mut Rng, list: &[usize]| list[rng.below(list.len() as u64) as usize];

        draw(per_mille(n, PINNED_MENTOR), &mut |rng, p| {
            let part = &participants[p];
            let local = &mentors_in[usize::from(p_city[p])];
            if has_mentor_pair[p] || !part.seeks_mentor || local.is_empty() {
                return false;
            }
            for _ in 0..TRIES {
                let m = pick_in(rng, local);
                if load[m] < mentors[m].capacity && clearly_feasible_mentor(part, &mentors[m]) {
                    load[m] += 1;
                    has_mentor_pair[p] = true;
                    pinned.push(PairRef::mentor(part.id.clone(), mentors[m].id.clone()));
                    return true;
                }
            }
            false
        });
        draw(per_mille(n, PINNED_MENTOR_STALE), &mut |rng, p| {
            let part = &participants[p];
            if has_mentor_pair[p] || !part.seeks_mentor || mentors.is_empty() {
                return false;
            }
            // A mentor anywhere in the country is almost always out of reach.
            let m = rng.below(mentors.len() as u64) as usize;
            let far = approx_km(part.location, mentors[m].location)
                > 1.1 * part.max_travel_km.min(mentors[m].max_travel_km);
            if load[m] < mentors[m].capacity && far {
                load[m] += 1;
                has_mentor_pair[p] = true;
                pinned.push(PairRef::mentor(part.id.clone(), mentors[m].id.clone()));
                return true;
            }
            false
        });
        draw(per_mille(n, PINNED_OFFER), &mut |rng, p| {
            let part = &participants[p];
            let local = &offers_in[usize::from(p_city[p])];
            if has_offer_pair[p] || part.goals.is_empty() || local.is_empty() {
                return false;
            }
            for _ in 0..TRIES {
                let (c, o) = local[rng.below(local.len() as u64) as usize];
                let offer = &companies[c].offers[o];
                if taken[c][o] < offer.slots && clearly_feasible_offer(part, &companies[c], offer) {
                    taken[c][o] += 1;
                    has_offer_pair[p] = true;
                    pinned.push(PairRef::offer(part.id.clone(), offer.id.clone()));
                    return true;
                }
            }
            false
        });
        // Forbidden pairs go to participants without any pinned pair, one each.
        let mut used: Vec<bool> = has_mentor_pair
            .iter()
            .zip(&has_offer_pair)
            .map(|(&m, &o)| m || o)
            .collect();
        draw(per_mille(n, FORBIDDEN_MENTOR), &mut |rng, p| {
            let part = &participants[p];
            let local = &mentors_in[usize::from(p_city[p])];
            if used[p] || local.is_empty() {
                return false;
            }
            for _ in 0..TRIES {
                let m = pick_in(rng, local);
                if clearly_feasible_mentor(part, &mentors[m]) {
                    used[p] = true;
                    forbidden.push(PairRef::mentor(part.id.clone(), mentors[m].id.clone()));
                    return true;
                }
            }
            false
        });
        draw(per_mille(n, FORBIDDEN_OFFER), &mut |rng, p| {
            let part = &participants[p];
            let local = &offers_in[usize::from(p_city[p])];
            if used[p] || local.is_empty() {
                return false;
            }
            for _ in 0..TRIES {
                let (c, o) = local[rng.below(local.len() as u64) as usize];
                let offer = &companies[c].offers[o];
                if clearly_feasible_offer(part, &companies[c], offer) {
                    used[p] = true;
                    forbidden.push(PairRef::offer(part.id.clone(), offer.id.clone()));
                    return true;
                }
            }
            false
        });
        (pinned, forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_table_is_sane() {
        let cities = city_table();
        assert!(cities.len() >= 80);
        let mut names: Vec<&str> = cities.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cities.len(), "duplicate city");
        assert!(cities.iter().all(|c| c.population >= 100_000));
        let t: CityTable = serde_json::from_str(CITIES_JSON).unwrap();
        assert!(t.source.contains("Destatis") && t.year == 2022);
    }

    #[test]
    fn picker_follows_population() {
        let cities = city_table();
        let picker = CityPicker::new(cities);
        let mut rng = Rng::new(9);
        let n = 20_000;
        let berlin = (0..n).filter(|_| picker.pick(&mut rng) == 0).count();
        let share = berlin as f64 / f64::from(n);
        let expected = f64::from(cities[0].population)
            / cities.iter().map(|c| f64::from(c.population)).sum::<f64>();
        assert!((share - expected).abs() < 0.01, "{share} vs {expected}");
    }

    #[test]
    fn ids_widths() {
        assert_eq!(id_width(999_999, 6), 6);
        assert_eq!(id_width(1_000_000, 6), 7);
        assert_eq!(padded("p", 0, 6), "p-000001");
        assert_eq!(per_mille(1_000_000, 50), 50_000);
        assert_eq!(per_mille(30, 50), 2);
    }
}
