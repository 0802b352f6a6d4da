//! Skills with a level.

/// A skill and its level, 1 (basic) to 5 (expert).
///
/// The level is checked when the [`Instance`](crate::Instance) is built, so a
/// value outside `1..=5` is reported with the record and field that hold it.
///
/// ```
/// use mentormatch::model::Skill;
/// let s: Skill = serde_json::from_str(r#"{"skill": "care.elderly", "level": 3}"#)?;
/// assert_eq!(s, Skill::new("care.elderly", 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    /// Skill name, free text such as `care.elderly` or `it.networks`.
    pub skill: String,
    /// Level 1..=5.
    pub level: u8,
}

impl Skill {
    /// Lowest valid level.
    pub const MIN_LEVEL: u8 = 1;
    /// Highest valid level.
    pub const MAX_LEVEL: u8 = 5;

    /// A skill at a level.
    ///
    /// ```
    /// use mentormatch::model::Skill;
    /// assert_eq!(Skill::new("it.networks", 4).level, 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(skill: impl Into<String>, level: u8) -> Self {
        Skill {
            skill: skill.into(),
            level,
        }
    }
}
