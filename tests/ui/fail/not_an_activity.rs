use activity_runtime::activity_set;

struct Plain;

fn main() {
    let _ = activity_set![Plain];
}
