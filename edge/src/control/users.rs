//! Console users and their sessions in D1 (install-wide, not per workspace): lookups, the
//! setup link's single use, and sessions by the SHA-256 of their id.

use super::store::{ControlStore, Session, TextRow, User, n, s};
use crate::error::AppError;

impl ControlStore {
    /// The user with this email.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, AppError> {
        self.first("SELECT * FROM console_users WHERE email = ?1", &[s(email)])
            .await
    }

    /// The user with this id.
    pub async fn user(&self, id: &str) -> Result<Option<User>, AppError> {
        self.first("SELECT * FROM console_users WHERE id = ?1", &[s(id)])
            .await
    }

    /// Whether a setup link's nonce was spent.
    pub async fn link_spent(&self, nonce: &str) -> Result<bool, AppError> {
        let row: Option<TextRow> = self
            .first(
                "SELECT nonce AS t FROM spent_links WHERE nonce = ?1",
                &[s(nonce)],
            )
            .await?;
        Ok(row.is_some())
    }

    /// Spends a setup link and creates its user, in one transaction (fails if either the
    /// nonce or the email is taken meanwhile).
    pub async fn setup_user(&self, nonce: &str, user: &User) -> Result<(), AppError> {
        self.db
            .batch(vec![
                self.stmt(
                    "INSERT INTO spent_links (nonce, spent_at) VALUES (?1, ?2)",
                    &[s(nonce), n(user.created_at)],
                )?,
                self.stmt(
                    "INSERT INTO console_users (id, email, name, password_hash, auth_epoch, created_at)
                     VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                    &[s(&user.id), s(&user.email), s(&user.name), s(&user.password_hash), n(user.created_at)],
                )?,
            ])
            .await?;
        Ok(())
    }

    /// Stores a new session.
    pub async fn insert_session(&self, s_: &Session, now: i64) -> Result<(), AppError> {
        self.exec(
            "INSERT INTO console_sessions (id_hash, user_id, epoch, created_at, last_seen_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            &[s(&s_.id_hash), s(&s_.user_id), n(s_.epoch), n(now), n(s_.expires_at)],
        )
        .await?;
        Ok(())
    }

    /// The session with this id hash.
    pub async fn session(&self, id_hash: &str) -> Result<Option<Session>, AppError> {
        self.first(
            "SELECT id_hash, user_id, epoch, last_seen_at, expires_at FROM console_sessions WHERE id_hash = ?1",
            &[s(id_hash)],
        )
        .await
    }

    /// Records a request of the session (at most once a minute).
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), AppError> {
        self.exec(
            "UPDATE console_sessions SET last_seen_at = ?2 WHERE id_hash = ?1 AND last_seen_at < ?2 - 60000",
            &[s(id_hash), n(now)],
        )
        .await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), AppError> {
        self.exec(
            "DELETE FROM console_sessions WHERE id_hash = ?1",
            &[s(id_hash)],
        )
        .await?;
        Ok(())
    }

    /// Ends every session of a user.
    pub async fn delete_sessions(&self, user_id: &str) -> Result<(), AppError> {
        self.exec(
            "DELETE FROM console_sessions WHERE user_id = ?1",
            &[s(user_id)],
        )
        .await?;
        Ok(())
    }
}
