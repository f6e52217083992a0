//! Durations as scenarios write them: `250ms`, `30s`, `5m`, `1h`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Duration {
    pub ms: u64,
}

impl Duration {
    pub fn from_ms(ms: u64) -> Self {
        Duration { ms }
    }

    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        let bad = |problem| DurationError {
            text: text.to_string(),
            problem,
        };
        let n: u64 = digits.parse().map_err(|_| bad(DurationProblem::NoNumber))?;
        let factor = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return Err(bad(DurationProblem::UnknownUnit)),
        };
        n.checked_mul(factor)
            .map(Duration::from_ms)
            .ok_or_else(|| bad(DurationProblem::TooLong))
    }
}

/// A duration a scenario wrote that edgesim cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {text:?}: {problem}")]
pub struct DurationError {
    pub text: String,
    pub problem: DurationProblem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DurationProblem {
    #[error("expected a whole number and a unit, like 250ms, 30s, 5m or 1h")]
    NoNumber,
    #[error("the unit must be ms, s, m or h")]
    UnknownUnit,
    #[error("too long")]
    TooLong,
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.ms;
        if ms != 0 && ms.is_multiple_of(3_600_000) {
            write!(f, "{}h", ms / 3_600_000)
        } else if ms != 0 && ms.is_multiple_of(60_000) {
            write!(f, "{}m", ms / 60_000)
        } else if ms.is_multiple_of(1_000) {
            write!(f, "{}s", ms / 1_000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Duration::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{Duration, DurationProblem};

    #[test]
    fn units_parse_and_print_back() {
        for (text, ms) in [
            ("250ms", 250),
            ("30s", 30_000),
            ("5m", 300_000),
            ("1h", 3_600_000),
            ("0s", 0),
        ] {
            let d = Duration::parse(text).unwrap();
            assert_eq!(d.ms, ms);
            assert_eq!(d.to_string(), text);
        }
    }

    #[test]
    fn bad_durations_say_what_was_expected() {
        let problem = |text| Duration::parse(text).map_err(|e| e.problem);
        assert_eq!(problem("5"), Err(DurationProblem::UnknownUnit));
        assert_eq!(problem("1.5s"), Err(DurationProblem::UnknownUnit));
        assert_eq!(problem("s"), Err(DurationProblem::NoNumber));
        assert_eq!(
            problem("18446744073709551615h"),
            Err(DurationProblem::TooLong)
        );
        assert_eq!(
            Duration::parse("5").map_err(|e| e.to_string()),
            Err("invalid duration \"5\": the unit must be ms, s, m or h".to_string())
        );
    }
}
