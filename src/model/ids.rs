//! Identity newtypes: a participant id can never be passed where a mentor id is expected.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }
    };
}

id_type!(
    /// A participant's id, unique among participants.
    ///
    /// ```
    /// use mentormatch::model::ParticipantId;
    /// let id = ParticipantId::from("p-001");
    /// assert_eq!(id.as_str(), "p-001");
    /// assert_eq!(serde_json::to_string(&id)?, "\"p-001\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ParticipantId
);
id_type!(
    /// A mentor's id, unique among mentors.
    ///
    /// ```
    /// use mentormatch::model::MentorId;
    /// let id: MentorId = serde_json::from_str("\"m-01\"")?;
    /// assert_eq!(id.to_string(), "m-01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    MentorId
);
id_type!(
    /// A company's id, unique among companies.
    ///
    /// ```
    /// use mentormatch::model::CompanyId;
    /// let id = CompanyId::from("c-01");
    /// assert_eq!(format!("{id}"), "c-01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CompanyId
);
id_type!(
    /// An offer's id, unique among all offers of all companies.
    ///
    /// ```
    /// use mentormatch::model::OfferId;
    /// let id = OfferId::from("c-01/intern-1");
    /// assert_eq!(id.as_str(), "c-01/intern-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    OfferId
);
