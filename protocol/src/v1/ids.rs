//! Validation of identifiers: event UUIDs, user and account ids.

use crate::error::{ErrorCode, Problem};

/// Checks a user, account or event-name identifier: 1-128 bytes, no control characters.
pub fn check_id(field: &str, value: &str) -> Result<(), Problem> {
    if value.is_empty() || value.len() > 128 || value.chars().any(char::is_control) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            field,
            "must be 1-128 bytes without control characters",
        ));
    }
    Ok(())
}

/// Validates a UUID in 8-4-4-4-12 hex form and returns it in lower case.
pub fn normalize_uuid(field: &str, value: &str) -> Result<String, Problem> {
    let ok = value.len() == 36
        && value.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if ok {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(Problem::new(
            ErrorCode::InvalidValue,
            field,
            "must be a UUID like 0189c4f2-6b9e-7d7a-9c1e-2f3b4a5c6d7e",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str, expect: Option<&str>) {
        assert_eq!(
            normalize_uuid("id", value).ok().as_deref(),
            expect,
            "{value}"
        );
    }

    #[test]
    fn uuids() {
        check(
            "0189C4F2-6B9E-7D7A-9C1E-2F3B4A5C6D7E",
            Some("0189c4f2-6b9e-7d7a-9c1e-2f3b4a5c6d7e"),
        );
        check("0189c4f2-6b9e-7d7a-9c1e-2f3b4a5c6d7", None);
        check("0189c4f2x6b9e-7d7a-9c1e-2f3b4a5c6d7e", None);
        check("0189c4f2-6b9e-7d7a-9c1e-2f3b4a5c6d7g", None);
        check("", None);
    }

    #[test]
    fn ids() {
        assert!(check_id("user_id", "u_1").is_ok());
        assert!(check_id("user_id", "").is_err());
        assert!(check_id("user_id", &"x".repeat(129)).is_err());
        assert!(check_id("user_id", "a\nb").is_err());
    }
}
