//! Weekly availability at 15-minute resolution.

use std::fmt;
use std::str::FromStr;

/// Slots of 15 minutes in a day.
pub const SLOTS_PER_DAY: usize = 96;
/// Slots of 15 minutes in a week.
pub const SLOTS_PER_WEEK: usize = 7 * SLOTS_PER_DAY;
const WORDS: usize = SLOTS_PER_WEEK.div_ceil(64);

/// A day of the week.
///
/// `Weekday` deliberately has no `Ord`: a week is a cycle, and whether Sunday
/// comes "before" Monday depends on who asks. Day *ranges* in this crate run
/// Monday to Sunday and never wrap, so they compare
/// [`index`](Weekday::index) values instead.
///
/// ```
/// use mentormatch::model::Weekday;
/// assert_eq!("tue".parse::<Weekday>()?, Weekday::Tue);
/// assert_eq!(Weekday::Sun.index(), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 for Monday to 6 for Sunday.
    ///
    /// ```
    /// use mentormatch::model::Weekday;
    /// assert_eq!(Weekday::Mon.index(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn index(self) -> usize {
        self as usize
    }

    /// Three-letter lower-case name, as in JSON.
    ///
    /// ```
    /// use mentormatch::model::Weekday;
    /// assert_eq!(Weekday::Thu.as_str(), "thu");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_str(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.index()]
    }
}

impl FromStr for Weekday {
    type Err = ParseTimeRangeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Weekday::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| ParseTimeRangeError {
                input: s.to_owned(),
                reason: "unknown day (expected mon, tue, wed, thu, fri, sat or sun)",
            })
    }
}

/// A time range is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid time range `{input}`: {reason}")]
pub struct ParseTimeRangeError {
    /// The text given.
    pub input: String,
    /// What is wrong.
    pub reason: &'static str,
}

/// A weekly time range such as `mon 09:00-12:00` or `tue-thu 14:00-18:00`.
///
/// Days run `mon`..`sun`; a day range runs forwards and does not wrap. Times
/// are `HH:MM` on the 15-minute grid, the end strictly after the start,
/// `24:00` allowed as an end. Serialises as that text.
///
/// ```
/// use mentormatch::model::{TimeRange, Weekday};
/// let r: TimeRange = "tue-thu 14:00-18:00".parse()?;
/// assert_eq!(r.first_day(), Weekday::Tue);
/// assert_eq!(r.minutes_per_week(), 3 * 240);
/// assert_eq!(r.to_string(), "tue-thu 14:00-18:00");
/// assert!("mon 09:10-12:00".parse::<TimeRange>().is_err()); // off the grid
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeRange {
    first: Weekday,
    last: Weekday,
    /// Start, in minutes after midnight.
    start: u16,
    /// End, in minutes after midnight (up to 1440).
    end: u16,
}

impl TimeRange {
    /// A range from day names and minutes after midnight.
    ///
    /// # Errors
    /// When `last` comes before `first`, minutes are off the 15-minute grid,
    /// beyond 24:00, or `end <= start`.
    ///
    /// ```
    /// use mentormatch::model::{TimeRange, Weekday};
    /// let r = TimeRange::new(Weekday::Mon, Weekday::Fri, 8 * 60, 16 * 60)?;
    /// assert_eq!(r.to_string(), "mon-fri 08:00-16:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        first: Weekday,
        last: Weekday,
        start: u16,
        end: u16,
    ) -> Result<Self, ParseTimeRangeError> {
        let r = TimeRange {
            first,
            last,
            start,
            end,
        };
        let fail = |reason| {
            Err(ParseTimeRangeError {
                input: r.to_string(),
                reason,
            })
        };
        if last.index() < first.index() {
            return fail("day range runs backwards (ranges run mon..sun and do not wrap)");
        }
        if !start.is_multiple_of(15) || !end.is_multiple_of(15) {
            return fail("minutes must be on the 15-minute grid (:00, :15, :30, :45)");
        }
        if end > 24 * 60 {
            return fail("time beyond 24:00");
        }
        if end <= start {
            return fail("end must be after start");
        }
        Ok(r)
    }

    /// First day of the range.
    ///
    /// ```
    /// use mentormatch::model::{TimeRange, Weekday};
    /// assert_eq!("sat 10:00-11:00".parse::<TimeRange>()?.first_day(), Weekday::Sat);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn first_day(&self) -> Weekday {
        self.first
    }

    /// Last day of the range (equal to the first for a single day).
    ///
    /// ```
    /// use mentormatch::model::{TimeRange, Weekday};
    /// assert_eq!("mon-wed 10:00-11:00".parse::<TimeRange>()?.last_day(), Weekday::Wed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn last_day(&self) -> Weekday {
        self.last
    }

    /// Start and end in minutes after midnight.
    ///
    /// ```
    /// use mentormatch::model::TimeRange;
    /// assert_eq!("mon 09:00-24:00".parse::<TimeRange>()?.minutes(), (540, 1440));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn minutes(&self) -> (u16, u16) {
        (self.start, self.end)
    }

    /// Total minutes per week covered by this range alone.
    ///
    /// ```
    /// use mentormatch::model::TimeRange;
    /// assert_eq!("mon-fri 08:00-16:00".parse::<TimeRange>()?.minutes_per_week(), 2400);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn minutes_per_week(&self) -> u32 {
        (self.last.index() - self.first.index() + 1) as u32 * u32::from(self.end - self.start)
    }
}

fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

impl FromStr for TimeRange {
    type Err = ParseTimeRangeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason| ParseTimeRangeError {
            input: s.to_owned(),
            reason,
        };
        let (days, times) = s
            .trim()
            .split_once(' ')
            .ok_or_else(|| fail("expected `DAY HH:MM-HH:MM` or `DAY-DAY HH:MM-HH:MM`"))?;
        let day = |d: &str| {
            Weekday::from_str(d)
                .map_err(|_| fail("unknown day (expected mon, tue, wed, thu, fri, sat or sun)"))
        };
        let (first, last) = match days.split_once('-') {
            Some((a, b)) => (day(a)?, day(b)?),
            None => (day(days)?, day(days)?),
        };
        let (a, b) = times
            .trim()
            .split_once('-')
            .ok_or_else(|| fail("expected times as `HH:MM-HH:MM`"))?;
        let start = parse_hhmm(a).ok_or_else(|| fail("start is not a time `HH:MM` up to 24:00"))?;
        let end = parse_hhmm(b).ok_or_else(|| fail("end is not a time `HH:MM` up to 24:00"))?;
        TimeRange::new(first, last, start, end).map_err(|e| fail(e.reason))
    }
}

impl TryFrom<String> for TimeRange {
    type Error = ParseTimeRangeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<TimeRange> for String {
    fn from(r: TimeRange) -> String {
        r.to_string()
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.first.as_str())?;
        if self.last != self.first {
            write!(f, "-{}", self.last.as_str())?;
        }
        write!(
            f,
            " {:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// A week as a bitset of 15-minute slots: what the hot loops read.
///
/// ```
/// use mentormatch::model::{TimeRange, WeekMask};
/// let a = WeekMask::from_ranges(&["mon-fri 08:00-12:00".parse::<TimeRange>()?]);
/// let b = WeekMask::from_ranges(&["mon 11:00-14:00".parse::<TimeRange>()?]);
/// assert_eq!(a.common_minutes(&b), 60);
/// assert!(!a.covers(&b));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WeekMask([u64; WORDS]);

impl WeekMask {
    /// The union of the slots of `ranges`.
    ///
    /// ```
    /// use mentormatch::model::{TimeRange, WeekMask};
    /// let m = WeekMask::from_ranges(&["mon 09:00-10:00".parse::<TimeRange>()?, "mon 09:30-11:00".parse()?]);
    /// assert_eq!(m.minutes(), 120); // overlapping ranges count once
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_ranges(ranges: &[TimeRange]) -> Self {
        let mut m = WeekMask::default();
        for r in ranges {
            for d in r.first.index()..=r.last.index() {
                let base = d * SLOTS_PER_DAY;
                for s in usize::from(r.start / 15)..usize::from(r.end / 15) {
                    let bit = base + s;
                    m.0[bit / 64] |= 1 << (bit % 64);
                }
            }
        }
        m
    }

    /// Minutes per week in both masks.
    ///
    /// ```
    /// use mentormatch::model::{TimeRange, WeekMask};
    /// let a = WeekMask::from_ranges(&["tue-thu 14:00-18:00".parse::<TimeRange>()?]);
    /// let b = WeekMask::from_ranges(&["thu 17:00-19:00".parse::<TimeRange>()?]);
    /// assert_eq!(a.common_minutes(&b), 60);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn common_minutes(&self, other: &WeekMask) -> u32 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones())
            .sum::<u32>()
            * 15
    }

    /// Minutes per week in this mask.
    ///
    /// ```
    /// use mentormatch::model::{TimeRange, WeekMask};
    /// assert_eq!(WeekMask::from_ranges(&["sun 23:00-24:00".parse::<TimeRange>()?]).minutes(), 60);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn minutes(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum::<u32>() * 15
    }

    /// True when every slot of `other` is in `self`.
    ///
    /// ```
    /// use mentormatch::model::{TimeRange, WeekMask};
    /// let avail = WeekMask::from_ranges(&["mon-fri 08:00-17:00".parse::<TimeRange>()?]);
    /// assert!(avail.covers(&WeekMask::from_ranges(&["mon-tue 08:00-16:00".parse::<TimeRange>()?])));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn covers(&self, other: &WeekMask) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| b & !a == 0)
    }

    /// The week in blocks of six hours: bit `4·day + hour / 6` is set when
    /// any slot of that block is. Two masks share at most
    /// [`BLOCK_MINUTES`] minutes per block both have, and `other` is not
    /// covered when it has a block `self` lacks.
    pub(crate) fn blocks(&self) -> u32 {
        const PER_BLOCK: usize = SLOTS_PER_DAY / 4;
        let mut out = 0;
        for b in 0..SLOTS_PER_WEEK / PER_BLOCK {
            let start = b * PER_BLOCK;
            let (w, o) = (start / 64, start % 64);
            let mut bits = self.0[w] >> o;
            if o + PER_BLOCK > 64 && w + 1 < WORDS {
                bits |= self.0[w + 1] << (64 - o);
            }
            if bits & ((1 << PER_BLOCK) - 1) != 0 {
                out |= 1 << b;
            }
        }
        out
    }
}

/// Minutes in one block of [`WeekMask::blocks`].
pub(crate) const BLOCK_MINUTES: u32 = (SLOTS_PER_DAY / 4 * 15) as u32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_the_six_hour_blocks_with_a_slot() {
        let m = |s: &str| WeekMask::from_ranges(&[s.parse::<TimeRange>().unwrap()]);
        assert_eq!(m("mon 05:45-06:00").blocks(), 0b1);
        assert_eq!(m("mon 05:45-06:15").blocks(), 0b11);
        assert_eq!(m("mon 23:45-24:00").blocks(), 0b1000);
        assert_eq!(m("tue 00:00-00:15").blocks(), 0b1_0000);
        assert_eq!(m("sun 18:00-24:00").blocks(), 1 << 27);
        assert_eq!(m("mon-sun 00:00-24:00").blocks(), (1 << 28) - 1);
        assert_eq!(WeekMask::default().blocks(), 0);
        // Every single slot lands in its block (across word boundaries too).
        for slot in 0..SLOTS_PER_WEEK {
            let mut w = WeekMask::default();
            w.0[slot / 64] |= 1 << (slot % 64);
            assert_eq!(w.blocks(), 1 << (slot / 24), "slot {slot}");
        }
    }

    #[test]
    fn parses_and_prints() {
        for s in [
            "mon 09:00-12:00",
            "tue-thu 14:00-18:00",
            "sun 00:00-24:00",
            "mon-sun 23:45-24:00",
        ] {
            let r: TimeRange = s.parse().unwrap();
            assert_eq!(r.to_string(), s);
        }
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "mon",
            "xyz 09:00-10:00",
            "mon 9:00-10:00",
            "mon 09:10-10:00",
            "mon 10:00-10:00",
            "mon 11:00-10:00",
            "fri-mon 09:00-10:00",
            "mon 09:00-24:15",
            "mon 25:00-26:00",
            "mon 09:00",
            "mon 09:60-10:00",
        ] {
            assert!(s.parse::<TimeRange>().is_err(), "{s} accepted");
        }
    }

    #[test]
    fn mask_counts() {
        let r: TimeRange = "mon-fri 08:00-16:00".parse().unwrap();
        let m = WeekMask::from_ranges(&[r]);
        assert_eq!(m.minutes(), 5 * 8 * 60);
        let n = WeekMask::from_ranges(&["sun 23:00-24:00".parse().unwrap()]);
        assert_eq!(n.minutes(), 60);
        assert_eq!(m.common_minutes(&n), 0);
        assert!(m.covers(&WeekMask::from_ranges(&[
            "wed 10:00-11:00".parse().unwrap()
        ])));
    }
}
