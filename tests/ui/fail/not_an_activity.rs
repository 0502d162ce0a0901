use activity_runtime::activities;

struct Plain;

fn main() {
    let _ = activities![Plain];
}
