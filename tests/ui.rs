//! Compile-time behaviour of `#[activity]`: every accepted form compiles and runs, and every
//! rejected signature fails with the committed message. Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test --test ui`, and read every diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
