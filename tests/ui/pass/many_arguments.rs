// There is no upper limit on the number of arguments; each is one payload, in order.
use activity_runtime::{Activity, ActivityContext, ActivityDefinition, ActivityInfo, activity, payload};

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
    let input: <sum_twelve as Activity>::Input = (1, 2, 3, 4, 5, 6, 7, 8, 9.0, 10.0, "11".into(), Some(12));
    let (a, b, c, d, e, f, g, h, i, j, k, l) = input;
    let mut payloads = vec![
        payload::encode(&a).unwrap(), payload::encode(&b).unwrap(), payload::encode(&c).unwrap(),
        payload::encode(&d).unwrap(), payload::encode(&e).unwrap(), payload::encode(&f).unwrap(),
        payload::encode(&g).unwrap(), payload::encode(&h).unwrap(), payload::encode(&i).unwrap(),
        payload::encode(&j).unwrap(), payload::encode(&k).unwrap(), payload::encode(&l).unwrap(),
    ];
    let run = |payloads| async move {
        let ctx = ActivityContext::new(ActivityInfo::new("sum_twelve"));
        let result = ActivityDefinition::of::<sum_twelve>().start(ctx, payloads).unwrap().run().await.unwrap();
        payload::decode::<f64>(&result).unwrap()
    };
    assert_eq!(run(payloads.clone()).await, 78.0);
    // A missing trailing `Option` argument is `None`.
    payloads.pop();
    assert_eq!(run(payloads).await, 166.0);
}
