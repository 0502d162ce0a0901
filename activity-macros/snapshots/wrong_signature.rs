#[allow(clippy::needless_pass_by_value)]
async fn f(name: &str) {}
::core::compile_error! {
    "an activity parameter must be an owned type, because it is decoded from a payload that the function cannot borrow from; take `String` instead"
}
