//! Workspace analytics: account rollups (computed in each account object), their units sent
//! through a Queue, and the per-workspace object that applies them idempotently and answers
//! the console's results.

pub mod admin;
pub mod adoption;
pub mod advocacy;
pub mod api;
pub mod churn;
pub mod object;
pub mod people;
pub mod portfolio;
pub mod results;
pub mod rollup;
mod sql;
pub mod touch;
pub mod workspace;

#[cfg(test)]
mod tests;
