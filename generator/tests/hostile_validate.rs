//! The request validator copied into generated servers (`runtime/validate.rs`) under values
//! built to make it slow: nested `oneOf`/`anyOf` retried at every level, and `uniqueItems` over
//! the largest array a request body can hold. Each ends within a fraction of a second.

#[path = "../runtime/validate.rs"]
mod validate;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use validate::{validate, Options, Schema, Type};

/// `S = oneOf [array of S, array of S, integer]`: every array matches both array branches.
static S: Schema = Schema {
    one_of: &[&A, &B, &I],
    ..Schema::ANY
};
static A: Schema = Schema {
    types: &[Type::Array],
    items: Some(&S),
    ..Schema::ANY
};
static B: Schema = Schema {
    types: &[Type::Array],
    items: Some(&S),
    ..Schema::ANY
};
static I: Schema = Schema {
    types: &[Type::Integer],
    ..Schema::ANY
};

/// `T = anyOf [object {x: T}, object {x: T}]`: a wrong value at the bottom fails both
/// branches at every level above it.
static T: Schema = Schema {
    any_of: &[&T1, &T2],
    ..Schema::ANY
};
static T1: Schema = Schema {
    types: &[Type::Object],
    properties: &[("x", &T)],
    ..Schema::ANY
};
static T2: Schema = Schema {
    types: &[Type::Object],
    properties: &[("x", &T)],
    ..Schema::ANY
};

static UNIQUE: Schema = Schema {
    types: &[Type::Array],
    unique_items: true,
    ..Schema::ANY
};

fn timed(schema: &Schema, mut value: Value) -> (bool, Duration) {
    let start = Instant::now();
    let ok = validate(schema, &mut value, Options::ROCKET_CHAT).is_ok();
    (ok, start.elapsed())
}

#[test]
fn nested_alternatives_are_not_exponential() {
    let mut value = json!(1);
    for _ in 0..100 {
        value = json!([value]);
    }
    let (ok, took) = timed(&S, value);
    assert!(!ok, "every array matches two oneOf branches");
    assert!(took < Duration::from_secs(5), "{took:?}");

    let mut value = json!("not an object");
    for _ in 0..100 {
        value = json!({ "x": value });
    }
    let (ok, took) = timed(&T, value);
    assert!(!ok);
    assert!(took < Duration::from_secs(5), "{took:?}");

    // The same shapes, shallow, are validated exactly as before.
    let mut value = json!("not an object");
    for _ in 0..3 {
        value = json!({ "x": value });
    }
    let mut v = value.clone();
    let e = validate(&T, &mut v, Options::ROCKET_CHAT).unwrap_err();
    assert!(
        e.message.ends_with("must match a schema in anyOf"),
        "{}",
        e.message
    );
    let mut v = json!({"x": {"x": {}}});
    assert!(validate(&T, &mut v, Options::ROCKET_CHAT).is_ok());
}

#[test]
fn unique_items_over_a_large_array_is_not_quadratic() {
    // About what a 2 MiB body holds: 200,000 small arrays, the only duplicates first (found
    // last when every pair is compared from the end).
    let mut items: Vec<Value> = vec![json!([-1]), json!([-1.0])];
    items.extend((0..200_000).map(|i| json!([i])));
    let (ok, took) = timed(&UNIQUE, Value::Array(items));
    assert!(!ok);
    assert!(took < Duration::from_secs(5), "{took:?}");
}
