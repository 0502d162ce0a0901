// Every `#[activity]` in the binary is collected without being listed, including ones in
// nested modules and inside function bodies.
use activity_runtime::{activity, all_activities};

#[activity]
async fn first() {}

mod nested {
    #[activity_runtime::activity(name = "second")]
    pub fn second_impl() {}
}

fn main() {
    #[activity]
    async fn third() {}

    let names = all_activities().names().collect::<Vec<_>>();
    assert_eq!(names, ["first", "second", "third"]);
    let second = all_activities();
    let second = second.get("second").unwrap();
    assert!(second.function().ends_with("nested::second_impl"), "{}", second.function());
}
