// There is no upper limit on the number of arguments; each is one payload, in order.
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};
use activity_runtime::definition::Activity;
use activity_runtime::payload::ArgumentList;

#[activity]
async fn sum_twelve(
    a: u8, b: u16, c: u32, d: u64, e: i8, f: i16, g: i32, h: i64, i: f32, j: f64, k: String, l: Option<u8>,
) -> f64 {
    let k: f64 = k.parse().unwrap();
    (a as f64) + (b as f64) + (c as f64) + (d as f64) + (e as f64) + (f as f64) + (g as f64)
        + (h as f64) + (i as f64) + j + k + l.unwrap_or(100) as f64
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let env = ActivityEnvironment::new(activity_set![sum_twelve]).unwrap();
    let input: <sum_twelve as Activity>::Input = (1, 2, 3, 4, 5, 6, 7, 8, 9.0, 10.0, "11".into(), Some(12));
    assert_eq!(env.run(sum_twelve::ACTIVITY, input.clone()).await.unwrap(), 78.0);
    // A missing trailing `Option` argument is `None`.
    let mut payloads = input.into_payloads().unwrap();
    payloads.pop();
    let result = env.run_payloads("sum_twelve", payloads).await.unwrap();
    assert_eq!(activity_runtime::payload::decode::<f64>(&result).unwrap(), 166.0);
}
