//! Seeded synthetic instances that look like two real programmes, and a
//! national-scale one.
//!
//! Benchmarks, examples and tests need instances with the texture of real
//! ones — languages that follow origins, reception structures concentrated in
//! a few towns, mentors with evening-only time, offers that need a work
//! permit — but no real person's data may ever be used. The generators here
//! are **synthetic**: every person, mentor and company is invented (names of
//! companies too; any resemblance is coincidental). Only public programme
//! facts and public geography (town coordinates) go in.
//!
//! ```
//! use mentormatch::synth::{Fixture, Letzwork};
//! let data = Letzwork::new().seed(7).participants(150).build();
//! assert_eq!(data.participants.len(), 150);
//! // Same seed, same bytes, on every platform.
//! let json = Fixture::Letzwork.to_json(&data)?;
//! assert_eq!(json, Fixture::Letzwork.to_json(&Letzwork::new().seed(7).build())?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Which generator models what
//!
//! - [`Letzwork`] — *Lët'z Work!* (Luxembourg). Public description:
//!   applicants for international protection get workshops in several
//!   languages, an individual skills assessment, regular meetings, a mentor
//!   (employed or retired, bringing professional expertise), and partner
//!   companies that open a department for a day or offer an internship.
//!   Modelled: ~150 applicants whose first languages follow their origin
//!   (Arabic, Tigrinya, Dari/Farsi, Pashto, Kurdish, Somali, Ukrainian,
//!   Russian) with French, English, German, Luxembourgish or Portuguese at
//!   A1–B1 or not at all; living mostly near reception structures
//!   (Luxembourg City, Esch-sur-Alzette, Diekirch, Mersch, …); ~35 volunteer
//!   mentors, employed (evenings, Saturdays) or retired (daytime), capacity
//!   1–3; ~25 partner companies with 40 discovery days and internships. A
//!   temporary work permit is possible after six months of waiting, so
//!   `work_permit` is drawn only for `waiting_days >= 180`.
//! - [`Saxony`] — *Arbeitsmarktmentoren Sachsen*. Public description: 14
//!   projects, 50+ professional mentors, about 2,000 participants and 1,000
//!   employers in two years, a caseload of about 40 per mentor; 840 people
//!   placed into jobs and 280 into vocational training. Modelled: 2,000
//!   participants around 14 project sites (Leipzig, Dresden, Chemnitz,
//!   Zwickau, Plauen, Görlitz, Bautzen, Freiberg, Pirna, Meißen, Riesa,
//!   Hoyerswerda, Döbeln, Annaberg-Buchholz) and nearby towns; German at
//!   A1–C1 plus first languages by origin; 50 mentors with caseloads 36–44;
//!   1,000 employers with 1,500 apprenticeships and jobs (all needing a work
//!   permit); audit labels for the focus groups (women; people without a
//!   vocational qualification).
//! - [`National`] — Germany at national scale, for benchmarks up to a
//!   million participants. Modelled: participants, mentors and companies
//!   around the 82 German cities of 100,000 or more inhabitants
//!   ([`National::cities`], the embedded table `fixtures/de-cities.json`
//!   with Destatis population figures for 2022), each city drawn in
//!   proportion to its population and spread over a disc growing with the
//!   square root of its size; origins as in German programmes today
//!   (Ukraine, Syria, Afghanistan, Iraq, Turkey, Eritrea, …), German at
//!   A1–C1, volunteer and professional mentors (5 % of participants by
//!   default), jobs, apprenticeships and internships (10 %). Generated in
//!   parallel in linear time; not a committed fixture.
//!
//! # Guarantees
//!
//! - Deterministic: a seed and the counts fix the output byte for byte. The
//!   generators use their own `xoshiro256**` / `SplitMix64` generator, integer
//!   arithmetic and IEEE basic operations only (no `sin`/`cos` from the
//!   platform), and round coordinates to 5 decimals.
//! - Valid: unique ids, resolvable pinned/forbidden references, capacities
//!   and slots in `1..=1000`, skill levels `1..=5`, well-formed time ranges.
//!   Pinned pairs respect capacities and slots; one or a few pinned mentor
//!   pairs are deliberately *stale* (the mentor is now out of reach), as a
//!   real coordinator's data would be.
//! - Mostly matchable: under the default hard rules of the design, a large
//!   majority of participants has at least one feasible mentor and, when they
//!   seek one, a feasible offer; the rest are left out for reasons a
//!   coordinator would recognise (no shared language at A2, too far, no
//!   common time, no work permit).
//!
//! # Building blocks
//!
//! Inside the crate, the pieces are reusable by larger generators (such as
//! [`National`]): a seeded generator with one stream per
//! record, weighted choice, points uniform in a disc around a town (radius
//! in km), language profiles by origin with CEFR level tables, availability
//! templates, sectors with their skills, count allocation by largest
//! remainder, and a conservative feasibility test for choosing sensible
//! pinned and forbidden pairs.
//!
//! The committed fixtures are [`Fixture::Letzwork`] and [`Fixture::Saxony`]
//! with their default seeds; `cargo run --release --example gen_fixtures`
//! regenerates them, and a test checks they never drift.

mod letzwork;
mod national;
mod pieces;
mod rng;
mod saxony;

pub use letzwork::Letzwork;
pub use national::{City, National};
pub use saxony::Saxony;

use crate::model::InstanceData;

/// How a fixture file lays out its JSON.
///
/// ```
/// use mentormatch::synth::{Fixture, Layout};
/// assert_eq!(Fixture::Letzwork.layout(), Layout::Pretty);
/// let json = Fixture::Letzwork.to_json(&Fixture::Letzwork.generate(1, 0.1))?;
/// assert!(json.starts_with("{\n  \"version\": 1,\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Layout {
    /// Indented by two spaces, one field a line: easy to read and diff.
    Pretty,
    /// One line: for large instances, to keep the file small.
    Compact,
}

/// A committed fixture: which generator, which file, which seed.
///
/// ```
/// use mentormatch::synth::Fixture;
/// for f in Fixture::ALL {
///     let data = f.generate(f.default_seed(), 0.05);
///     let json = f.to_json(&data)?;
///     assert!(json.ends_with('\n'));
///     println!("{} {}", f.file_name(), json.len());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fixture {
    /// `letzwork-luxembourg.json`, from [`Letzwork`].
    Letzwork,
    /// `arbeitsmarktmentoren-sachsen.json`, from [`Saxony`].
    Saxony,
}

impl Fixture {
    /// Every fixture.
    pub const ALL: [Fixture; 2] = [Fixture::Letzwork, Fixture::Saxony];

    /// The file name under `fixtures/`.
    ///
    /// ```
    /// use mentormatch::synth::Fixture;
    /// assert_eq!(Fixture::Saxony.file_name(), "arbeitsmarktmentoren-sachsen.json");
    /// let dir = std::path::Path::new("fixtures");
    /// let name = dir.join(Fixture::Saxony.file_name());
    /// assert_eq!(name.extension().and_then(|e| e.to_str()).ok_or("no extension")?, "json");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn file_name(self) -> &'static str {
        match self {
            Fixture::Letzwork => "letzwork-luxembourg.json",
            Fixture::Saxony => "arbeitsmarktmentoren-sachsen.json",
        }
    }

    /// The seed of the committed file.
    ///
    /// ```
    /// use mentormatch::synth::{Fixture, Letzwork};
    /// assert_eq!(Fixture::Letzwork.default_seed(), Letzwork::DEFAULT_SEED);
    /// let data = Fixture::Letzwork.generate(Fixture::Letzwork.default_seed(), 0.1);
    /// let json = Fixture::Letzwork.to_json(&data)?;
    /// assert_eq!(json, Fixture::Letzwork.to_json(&Letzwork::new().scale(0.1).build())?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn default_seed(self) -> u64 {
        match self {
            Fixture::Letzwork => Letzwork::DEFAULT_SEED,
            Fixture::Saxony => Saxony::DEFAULT_SEED,
        }
    }

    /// The layout of the committed file: pretty for both (2-space indent).
    ///
    /// ```
    /// use mentormatch::synth::{Fixture, Layout};
    /// assert_eq!(Fixture::Saxony.layout(), Layout::Pretty);
    /// let json = Fixture::Saxony.to_json(&Fixture::Saxony.generate(1, 0.01))?;
    /// assert!(json.starts_with("{\n  \"version\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn layout(self) -> Layout {
        match self {
            // Saxony's pretty file is about 2.8 MB, within the 3 MB budget.
            Fixture::Letzwork | Fixture::Saxony => Layout::Pretty,
        }
    }

    /// The generator's default instance with `seed`, every count multiplied by `scale`.
    ///
    /// ```
    /// use mentormatch::synth::Fixture;
    /// let data = Fixture::Saxony.generate(1, 0.1);
    /// assert_eq!(data.participants.len(), 200);
    /// let json = serde_json::to_string(&data.mentors)?;
    /// assert!(json.starts_with("[{\"id\":\"m-01\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(self, seed: u64, scale: f64) -> InstanceData {
        match self {
            Fixture::Letzwork => Letzwork::new().seed(seed).scale(scale).build(),
            Fixture::Saxony => Saxony::new().seed(seed).scale(scale).build(),
        }
    }

    /// The instance as this fixture's file holds it: JSON in its
    /// [`layout`](Fixture::layout), with a trailing newline.
    ///
    /// # Errors
    /// Only if serialisation fails, which the model's types never do.
    ///
    /// ```
    /// use mentormatch::synth::Fixture;
    /// let data = Fixture::Letzwork.generate(3, 0.1);
    /// let json = Fixture::Letzwork.to_json(&data)?;
    /// assert!(json.starts_with("{\n  \"version\": 1,"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(self, data: &InstanceData) -> Result<String, serde_json::Error> {
        let mut s = match self.layout() {
            Layout::Pretty => serde_json::to_string_pretty(data)?,
            Layout::Compact => serde_json::to_string(data)?,
        };
        s.push('\n');
        Ok(s)
    }
}
