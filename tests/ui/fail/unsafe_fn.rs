use activity_runtime::activity;

#[activity]
unsafe fn poke(_address: usize) {}

fn main() {}
