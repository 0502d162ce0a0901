use activity_runtime::activity;

#[activity]
const fn answer() -> u32 {
    42
}

fn main() {}
