use activity_runtime::activity;

// A closure has no name for Temporal to call it by; the attribute goes on an `fn`.
#[activity]
static GREET: fn(String) -> String = |name| format!("Hello, {name}!");

fn main() {}
