use activity_runtime::activity;

#[activity]
extern "C" fn callback(_code: i32) {}

fn main() {}
