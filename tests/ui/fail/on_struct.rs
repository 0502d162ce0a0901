use activity_runtime::activity;

#[activity]
struct YourActivity;

fn main() {}
