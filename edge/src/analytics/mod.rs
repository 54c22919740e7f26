//! Workspace analytics: account rollups (computed in each account object), their units sent
//! through a Queue, and the per-workspace object that applies them idempotently and answers
//! the console's results.

pub mod rollup;
pub mod workspace;

#[cfg(test)]
mod tests;
