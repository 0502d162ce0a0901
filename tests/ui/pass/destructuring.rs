// Destructuring patterns and `mut` bindings work; the function stays callable as written.
use activity_runtime::activity;
use serde::Deserialize;

#[derive(Deserialize)]
struct YourParams {
    greeting: String,
    name: String,
}

#[activity]
async fn greet(YourParams { greeting, name }: YourParams, (times, mut sep): (usize, String)) -> String {
    sep.push(' ');
    vec![format!("{greeting}, {name}!"); times].join(&sep)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let params = YourParams { greeting: "Hi".into(), name: "Ann".into() };
    assert_eq!(greet(params, (2, ";".into())).await, "Hi, Ann!; Hi, Ann!");
}
