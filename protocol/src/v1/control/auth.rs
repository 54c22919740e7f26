//! Console users on the wire: first-run setup, sign-in, invitation acceptance, and who the
//! signed-in user is. Passwords are checked here (length and a list of common ones); the
//! edge hashes them.

use serde::{Deserialize, Serialize};

use super::team::Role;
use super::{Checked, text_field};
use crate::error::{ErrorCode, Problem};
use crate::v1::collab::normalize_email;

/// `POST /console/api/setup`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupBody {
    /// The setup link's token.
    pub token: String,
    /// The new user's email.
    pub email: String,
    /// Their password (12-128 characters).
    pub password: String,
    /// Their display name.
    #[serde(default)]
    pub name: String,
}

impl Checked for SetupBody {
    fn check(mut self) -> Result<Self, Problem> {
        self.email = normalize_email("email", &self.email)?;
        check_password(&self.password)?;
        self.name = optional_name(&self.name)?;
        Ok(self)
    }
}

/// `POST /console/api/session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
}

impl Checked for SignInBody {
    fn check(mut self) -> Result<Self, Problem> {
        self.email = normalize_email("email", &self.email)?;
        if self.password.is_empty() || self.password.len() > 1024 {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "password",
                "a password is required",
            ));
        }
        Ok(self)
    }
}

/// `POST /console/api/invitations/accept`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// The invitation link's token.
    pub token: String,
    /// A new password, or the existing user's own.
    pub password: String,
    /// Display name (new users).
    #[serde(default)]
    pub name: String,
}

impl Checked for AcceptBody {
    fn check(mut self) -> Result<Self, Problem> {
        if self.password.is_empty() || self.password.len() > 1024 {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "password",
                "a password is required",
            ));
        }
        self.name = optional_name(&self.name)?;
        Ok(self)
    }
}

fn optional_name(name: &str) -> Result<String, Problem> {
    if name.trim().is_empty() {
        Ok(String::new())
    } else {
        text_field("name", name, 100)
    }
}

/// Passwords people pick first; refused whatever their length.
const COMMON: [&str; 12] = [
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "passwordpassword",
    "letmeinletmein",
    "iloveyou1234",
    "adminadmin12",
    "changemechangeme",
    "welcome12345",
    "1234567890ab",
    "abcdefghijkl",
    "aaaaaaaaaaaa",
];

/// A new password: 12-128 characters, not one character repeated, not a common password.
pub fn check_password(password: &str) -> Result<(), Problem> {
    let n = password.chars().count();
    let weak = |why: &str| Err(Problem::new(ErrorCode::WeakPassword, "password", why));
    if n < 12 {
        return weak("at least 12 characters");
    }
    if n > 128 {
        return weak("at most 128 characters");
    }
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) || COMMON.contains(&lower.as_str()) {
        return weak("too easy to guess");
    }
    Ok(())
}

/// A console user as answers show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDto {
    /// `usr_…`.
    pub id: String,
    /// Email (lower case).
    pub email: String,
    /// Display name.
    pub name: String,
}

/// A workspace the user belongs to, with their roles there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRef {
    /// `ws_…`.
    pub id: String,
    /// Name.
    pub name: String,
    /// The user's roles in it.
    pub roles: Vec<Role>,
}

/// `GET /console/api/me` and the answer of sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeDto {
    /// The user.
    pub user: UserDto,
    /// Their workspaces.
    pub workspaces: Vec<WorkspaceRef>,
}

/// `POST /console/api/setup-link`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupLinkDto {
    /// The link to open.
    pub url: String,
    /// Not valid after (ms since the epoch).
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        for (pw, ok) in [
            ("short", false),
            ("aaaaaaaaaaaaaaa", false),
            ("Password1234", false),
            ("correct horse battery", true),
            (&"x1".repeat(65), false),
            ("tr0ub4dor&3-x", true),
        ] {
            assert_eq!(check_password(pw).is_ok(), ok, "{pw}");
        }
        let e = check_password("short").expect_err("weak");
        assert_eq!(
            (e.code, e.field.as_str()),
            (ErrorCode::WeakPassword, "password")
        );
    }
}
