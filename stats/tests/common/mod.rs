//! Shared helpers of the reference tests: comparison with a relative and an absolute tolerance.

/// Asserts `|actual − expected| ≤ max(rel · |expected|, abs)`.
#[track_caller]
pub(crate) fn assert_close(what: &str, actual: f64, expected: f64, rel: f64, abs: f64) {
    let ok = actual == expected || (actual - expected).abs() <= (rel * expected.abs()).max(abs);
    assert!(
        ok,
        "{what}: got {actual:e}, want {expected:e} (diff {:e}, rel {rel:e}, abs {abs:e})",
        actual - expected
    );
}
