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

    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("invalid duration {text:?}: expected a whole number and a unit, like 250ms, 30s, 5m or 1h"))?;
        let factor = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => {
                return Err(format!(
                    "invalid duration {text:?}: the unit must be ms, s, m or h"
                ));
            }
        };
        n.checked_mul(factor)
            .map(Duration::from_ms)
            .ok_or_else(|| format!("invalid duration {text:?}: too long"))
    }
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
    use super::Duration;

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
        assert!(
            Duration::parse("5")
                .unwrap_err()
                .contains("the unit must be ms, s, m or h")
        );
        assert!(
            Duration::parse("1.5s")
                .unwrap_err()
                .contains("the unit must be")
        );
        assert!(
            Duration::parse("s")
                .unwrap_err()
                .contains("expected a whole number")
        );
    }
}
