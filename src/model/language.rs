//! Languages with CEFR levels.

use std::fmt;

/// A proficiency level of the Common European Framework of Reference, plus
/// `native`, which ranks above `C2`.
///
/// Levels are ordered (`A1 < A2 < … < C2 < Native`), so "at least A2" is `>=`.
///
/// ```
/// use mentormatch::model::Cefr;
/// assert!(Cefr::Native > Cefr::C2);
/// assert!(Cefr::B1 >= Cefr::A2);
/// let l: Cefr = serde_json::from_str("\"native\"")?;
/// assert_eq!(l, Cefr::Native);
/// assert_eq!("B2".parse::<Cefr>()?, Cefr::B2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Cefr {
    /// Breakthrough.
    A1,
    /// Waystage.
    A2,
    /// Threshold.
    B1,
    /// Vantage.
    B2,
    /// Effective operational proficiency.
    C1,
    /// Mastery.
    C2,
    /// First language.
    #[serde(rename = "native")]
    Native,
}

impl Cefr {
    /// All levels, lowest first.
    pub const ALL: [Cefr; 7] = [
        Cefr::A1,
        Cefr::A2,
        Cefr::B1,
        Cefr::B2,
        Cefr::C1,
        Cefr::C2,
        Cefr::Native,
    ];

    /// Rank 0 (`A1`) to 6 (`native`).
    ///
    /// ```
    /// use mentormatch::model::Cefr;
    /// assert_eq!(Cefr::A1.rank(), 0);
    /// assert_eq!(Cefr::Native.rank(), 6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The level as written in JSON.
    ///
    /// ```
    /// use mentormatch::model::Cefr;
    /// assert_eq!(Cefr::Native.as_str(), "native");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Cefr::A1 => "A1",
            Cefr::A2 => "A2",
            Cefr::B1 => "B1",
            Cefr::B2 => "B2",
            Cefr::C1 => "C1",
            Cefr::C2 => "C2",
            Cefr::Native => "native",
        }
    }
}

impl fmt::Display for Cefr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not a CEFR level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown CEFR level `{0}` (expected A1, A2, B1, B2, C1, C2 or native)")]
pub struct ParseCefrError(pub String);

impl std::str::FromStr for Cefr {
    type Err = ParseCefrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cefr::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| ParseCefrError(s.to_owned()))
    }
}

/// A language someone speaks, with a level.
///
/// `code` is an ISO 639-1 or 639-3 code in lower case (`ar`, `ti`, `prs`);
/// it is checked when the [`Instance`](crate::Instance) is built.
///
/// ```
/// use mentormatch::model::{Cefr, Language};
/// let l: Language = serde_json::from_str(r#"{"code": "fr", "level": "A2"}"#)?;
/// assert_eq!(l, Language::new("fr", Cefr::A2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// ISO 639-1 or 639-3 code, lower case.
    pub code: String,
    /// Proficiency.
    pub level: Cefr,
}

impl Language {
    /// A language at a level.
    ///
    /// ```
    /// use mentormatch::model::{Cefr, Language};
    /// assert_eq!(Language::new("ar", Cefr::Native).level, Cefr::Native);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(code: impl Into<String>, level: Cefr) -> Self {
        Language {
            code: code.into(),
            level,
        }
    }
}

/// True for a plausible ISO 639-1 or 639-3 code: 2 or 3 ASCII lower-case letters.
pub(crate) fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}
