//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong in `mentormatch`.
///
/// Each variant names what was wrong and where: the vertex or edge of an
/// assignment problem, or the record, field and value of an instance. Messages
/// are lower case without a trailing period, so they compose into larger
/// messages. `Error` is `Send + Sync + 'static`, so it travels through `?` into
/// `Box<dyn std::error::Error + Send + Sync>` and `anyhow`-style handlers.
///
/// ```
/// use mentormatch::assign::Problem;
/// use mentormatch::Error;
///
/// let mut p = Problem::new(2, vec![1]);
/// let err = p.add_edge(5, 0, 10).unwrap_err();
/// assert!(matches!(err, Error::LeftOutOfRange { left: 5, .. }));
/// assert_eq!(err.to_string(), "left vertex 5 is out of range (the problem has 2 left vertices)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An edge names a left vertex that does not exist.
    #[error("left vertex {left} is out of range (the problem has {n_left} left vertices)")]
    LeftOutOfRange {
        /// The index given.
        left: usize,
        /// The number of left vertices.
        n_left: usize,
    },
    /// An edge names a right vertex that does not exist.
    #[error("right vertex {right} is out of range (the problem has {n_right} right vertices)")]
    RightOutOfRange {
        /// The index given.
        right: usize,
        /// The number of right vertices.
        n_right: usize,
    },
    /// The same (left, right) pair was added twice.
    #[error("edge ({left}, {right}) was added twice")]
    DuplicateEdge {
        /// Left vertex.
        left: usize,
        /// Right vertex.
        right: usize,
    },
    /// A weight lies outside `[-MAX_WEIGHT, MAX_WEIGHT]` of [`crate::assign`].
    #[error("weight {weight} of edge ({left}, {right}) is outside the allowed range ±{max}")]
    WeightOutOfRange {
        /// Left vertex.
        left: usize,
        /// Right vertex.
        right: usize,
        /// The weight given.
        weight: i64,
        /// The largest allowed magnitude.
        max: i64,
    },
    /// A right vertex has capacity 0 or above the documented bound.
    #[error("capacity {capacity} of right vertex {right} is invalid (allowed 1..={max})")]
    InvalidCapacity {
        /// Right vertex.
        right: usize,
        /// The capacity given.
        capacity: u64,
        /// The largest allowed capacity.
        max: u64,
    },
    /// The problem is larger than the documented vertex or edge bounds.
    #[error("problem too large: {what} is {value}, the limit is {max}")]
    TooLarge {
        /// What exceeded its bound (for example `"left vertices"`).
        what: &'static str,
        /// The value given.
        value: u64,
        /// The bound.
        max: u64,
    },
    /// A dense matrix does not have `rows × cols` entries.
    #[error("dense matrix has {len} entries, expected {rows} × {cols}")]
    DenseShape {
        /// Rows declared.
        rows: usize,
        /// Columns declared.
        cols: usize,
        /// Entries given.
        len: usize,
    },
    /// An instance failed validation; every problem found is listed.
    #[error("{0}")]
    Invalid(InputErrors),
    /// Input text is not valid JSON, or not of the expected shape.
    #[error("{context}: {message}")]
    Parse {
        /// Where: a file, a record or a field path.
        context: String,
        /// What the parser said.
        message: String,
    },
    /// A configuration value is out of range.
    #[error("config field `{field}` has invalid value {value}: {message}")]
    Config {
        /// The field, as in JSON.
        field: String,
        /// The value given, rendered as text.
        value: String,
        /// What is allowed.
        message: String,
    },
    /// A pair given by the caller (for example in a previous report) names
    /// an unknown participant or provider.
    #[error("unknown {kind} id `{id}` in {context}")]
    UnknownId {
        /// `participant`, `mentor` or `offer`.
        kind: &'static str,
        /// The id given.
        id: String,
        /// Where it appeared.
        context: String,
    },
    /// The run was cancelled through its [`CancelToken`](crate::CancelToken).
    #[error("cancelled during {stage}")]
    Cancelled {
        /// The stage that noticed.
        stage: String,
    },
    /// An I/O error at the edge of the crate (reading a file in an example).
    #[error("{context}: {message}")]
    Io {
        /// The path or stream.
        context: String,
        /// The operating system's message.
        message: String,
    },
}

/// One validation problem: which record, which field, which value, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputError {
    /// The record, for example `participant "p-001"` or `participants[3]`.
    pub record: String,
    /// The field path inside the record, for example `languages[1].level`.
    pub field: String,
    /// The offending value, rendered as text (may be empty).
    pub value: String,
    /// What is wrong, lower case.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} field `{}`", self.record, self.field)?;
        if !self.value.is_empty() {
            write!(f, " = {}", self.value)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All validation problems of one instance, in input order.
///
/// Never empty when carried by [`Error::Invalid`].
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct InputErrors(pub Vec<InputError>);

impl InputErrors {
    /// The problems, in the order found.
    ///
    /// ```
    /// let Err(mentormatch::Error::Invalid(problems)) = mentormatch::Instance::from_json(
    ///     r#"{"mentors": [{"id": "m", "location": {"lat": 99, "lon": 0}, "max_travel_km": 1, "capacity": 0}]}"#)
    /// else { panic!("invalid") };
    /// let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    /// assert_eq!(fields, ["location.lat", "capacity"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, InputError> {
        self.0.iter()
    }

    /// Number of problems.
    ///
    /// ```
    /// assert_eq!(mentormatch::InputErrors::default().len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    ///
    /// ```
    /// assert!(mentormatch::InputErrors::default().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a InputErrors {
    type Item = &'a InputError;
    type IntoIter = std::slice::Iter<'a, InputError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "invalid instance ({n} problem{}): ",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn problems_display_lists_all() {
        let e = Error::Invalid(InputErrors(vec![
            InputError {
                record: "participant \"p-1\"".into(),
                field: "location.lat".into(),
                value: "91".into(),
                message: "latitude must be within -90..=90".into(),
            },
            InputError {
                record: "mentor \"m-1\"".into(),
                field: "capacity".into(),
                value: "0".into(),
                message: "capacity must be at least 1".into(),
            },
        ]));
        let s = e.to_string();
        assert!(s.starts_with("invalid instance (2 problems): "), "{s}");
        assert!(
            s.contains("participant \"p-1\" field `location.lat` = 91"),
            "{s}"
        );
        assert!(s.contains("mentor \"m-1\" field `capacity` = 0"), "{s}");
    }
}
