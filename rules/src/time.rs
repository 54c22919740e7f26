//! Time as plain numbers: milliseconds since the Unix epoch and UTC day numbers.
//!
//! Calendar arithmetic uses Howard Hinnant's days-from-civil algorithm, so no
//! date library (and no clock) is needed.

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

/// Days since the Unix epoch, UTC (day 0 is 1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Day(pub i32);

const MS_PER_DAY: i64 = 86_400_000;

impl Timestamp {
    /// The UTC day this instant falls on.
    pub fn day(self) -> Day {
        // The clamp keeps absurd timestamps total instead of overflowing.
        let days = self.0.div_euclid(MS_PER_DAY);
        Day(days.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
    }

    /// This instant moved by `ms` milliseconds (saturating).
    pub fn plus_ms(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// This instant moved forward by whole days (saturating).
    pub fn plus_days(self, days: i64) -> Self {
        self.plus_ms(days.saturating_mul(MS_PER_DAY))
    }
}

impl Day {
    /// The first day of the calendar month (UTC) that contains this day.
    pub fn month_start(self) -> Day {
        let (y, m, _) = civil_from_days(self.0);
        Day(days_from_civil(y, m, 1))
    }

    /// The day `n` days before this one.
    pub fn minus(self, n: i32) -> Day {
        Day(self.0.saturating_sub(n))
    }

    /// The day of a calendar date (UTC); `None` for a date that does not exist or lies
    /// outside the years 1-9999.
    pub fn from_civil(year: i32, month: u32, day: u32) -> Option<Day> {
        let valid = (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1;
        let out = valid.then(|| Day(days_from_civil(year, month, day)))?;
        // A day past the month's end (31 April) comes back as another date.
        (civil_from_days(out.0) == (year, month, day)).then_some(out)
    }

    /// (year, month 1-12, day 1-31) of this day.
    pub fn civil(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }
}

/// (year, month 1-12, day 1-31) for a day number.
fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = i64::from(z) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y as i32, m, d)
}

/// Day number for (year, month 1-12, day 1-31).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i32
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn calendar_dates_round_trip_and_invalid_ones_are_refused() {
        for (y, m, d, expected) in [
            (1970, 1, 1, Some(0)),
            (2026, 12, 1, Some(20_788)),
            (2024, 2, 29, Some(19_782)),
            (2023, 2, 29, None),
            (2026, 4, 31, None),
            (2026, 13, 1, None),
            (0, 1, 1, None),
        ] {
            let day = Day::from_civil(y, m, d);
            assert_eq!(day.map(|x| x.0), expected, "{y}-{m}-{d}");
            if let Some(day) = day {
                assert_eq!(day.civil(), (y, m, d));
            }
        }
    }

    fn check(ms: i64, expect_day: i32, expect_month_start: i32) {
        let day = Timestamp(ms).day();
        assert_eq!(day, Day(expect_day), "day of {ms}");
        assert_eq!(
            day.month_start(),
            Day(expect_month_start),
            "month start of {ms}"
        );
    }

    #[test]
    fn days_and_month_starts() {
        check(0, 0, 0); // 1970-01-01
        check(-1, -1, -31); // 1969-12-31 → 1969-12-01
        check(1_709_164_800_000, 19_782, 19_754); // 2024-02-29 → 2024-02-01
        check(1_709_251_199_999, 19_782, 19_754); // last ms of 2024-02-29
        check(1_709_251_200_000, 19_783, 19_783); // 2024-03-01
        check(1_767_225_600_000, 20_454, 20_454); // 2026-01-01
    }

    #[test]
    fn civil_round_trips() {
        for z in [-800_000, -1, 0, 59, 60, 11_016, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
