//! Tests for the runtime validation module copied into generated crates.

#[path = "../runtime/validate.rs"]
mod validate;

use serde_json::{json, Value};
use validate::{
    parse_param, validate, validate_all, Additional, Lit, Options, Schema, Type, ValidationError,
};

const RC: Options = Options::ROCKET_CHAT;
const STRICT: Options = Options {
    coerce_types: false,
};

fn run(schema: &Schema, value: Value, options: Options) -> Result<Value, ValidationError> {
    let mut value = value;
    validate(schema, &mut value, options).map(|()| value)
}

/// Validates with Rocket.Chat options and returns the (possibly coerced) value.
#[track_caller]
fn ok(schema: &Schema, value: Value) -> Value {
    match run(schema, value.clone(), RC) {
        Ok(v) => v,
        Err(e) => panic!("{value} should be valid, got {e:?}"),
    }
}

#[track_caller]
fn ok_strict(schema: &Schema, value: Value) -> Value {
    match run(schema, value.clone(), STRICT) {
        Ok(v) => v,
        Err(e) => panic!("{value} should be valid, got {e:?}"),
    }
}

/// Validates with Rocket.Chat options and returns (message, instance path).
#[track_caller]
fn err_at(schema: &Schema, value: Value) -> (String, String) {
    match run(schema, value.clone(), RC) {
        Ok(v) => panic!("{value} should be invalid, got {v}"),
        Err(e) => (e.message, e.instance_path),
    }
}

#[track_caller]
fn err(schema: &Schema, value: Value) -> String {
    err_at(schema, value).0
}

#[track_caller]
fn err_strict(schema: &Schema, value: Value) -> String {
    match run(schema, value.clone(), STRICT) {
        Ok(v) => panic!("{value} should be invalid, got {v}"),
        Err(e) => e.message,
    }
}

// ---------------------------------------------------------------------------
// Shared schemas.

static ANY: Schema = Schema::ANY;
static STRING: Schema = Schema {
    types: &[Type::String],
    ..Schema::ANY
};
static INTEGER: Schema = Schema {
    types: &[Type::Integer],
    ..Schema::ANY
};
static NUMBER: Schema = Schema {
    types: &[Type::Number],
    ..Schema::ANY
};
static BOOLEAN: Schema = Schema {
    types: &[Type::Boolean],
    ..Schema::ANY
};
static NULL: Schema = Schema {
    types: &[Type::Null],
    ..Schema::ANY
};
static ARRAY: Schema = Schema {
    types: &[Type::Array],
    ..Schema::ANY
};
static OBJECT: Schema = Schema {
    types: &[Type::Object],
    ..Schema::ANY
};

// The Rocket.Chat seed body schema.
static CUSTOM_FIELD: Schema = Schema {
    types: &[Type::Object],
    properties: &[
        ("key", &STRING),
        ("value", &STRING),
        ("overwrite", &BOOLEAN),
    ],
    required: &["key", "value", "overwrite"],
    ..Schema::ANY
};
static CUSTOM_FIELDS: Schema = Schema {
    types: &[Type::Array],
    items: Some(&CUSTOM_FIELD),
    ..Schema::ANY
};
static SEED_BODY: Schema = Schema {
    types: &[Type::Object],
    properties: &[("token", &STRING), ("customFields", &CUSTOM_FIELDS)],
    required: &["token", "customFields"],
    ..Schema::ANY
};

// ---------------------------------------------------------------------------
// Rocket.Chat seed body and ordering.

#[test]
fn seed_body_valid() {
    let body = json!({
        "token": "abc",
        "customFields": [{"key": "k", "value": "v", "overwrite": false}],
        "extra": 1
    });
    assert_eq!(ok(&SEED_BODY, body.clone()), body);
    ok(&SEED_BODY, json!({"token": "abc", "customFields": []}));
}

#[test]
fn seed_body_required_before_properties() {
    assert_eq!(
        err_at(&SEED_BODY, json!({"customFields": [{"value": "x"}]})),
        (
            "must have required property 'token'".to_owned(),
            String::new()
        )
    );
    assert_eq!(
        err_at(
            &SEED_BODY,
            json!({"token": "t", "customFields": [{"value": "x"}]})
        ),
        (
            "must have required property 'key'".to_owned(),
            "/customFields/0".to_owned()
        )
    );
    assert_eq!(
        err(&SEED_BODY, json!({"token": "t"})),
        "must have required property 'customFields'"
    );
    assert_eq!(
        err(&SEED_BODY, json!({})),
        "must have required property 'token'"
    );
    assert_eq!(
        err_at(
            &SEED_BODY,
            json!({"token": "t", "customFields": [
                {"key": "a", "value": "b", "overwrite": true},
                {"key": "a", "value": "b"}
            ]})
        ),
        (
            "must have required property 'overwrite'".to_owned(),
            "/customFields/1".to_owned()
        )
    );
}

#[test]
fn seed_body_types_and_coercion() {
    // Scalars are coerced in place.
    let coerced = ok(
        &SEED_BODY,
        json!({"token": 12, "customFields": [{"key": true, "value": null, "overwrite": "false"}]}),
    );
    assert_eq!(
        coerced,
        json!({"token": "12", "customFields": [{"key": "true", "value": "", "overwrite": false}]})
    );
    assert_eq!(
        err_at(&SEED_BODY, json!({"token": {}, "customFields": []})),
        ("must be string".to_owned(), "/token".to_owned())
    );
    assert_eq!(
        err_at(
            &SEED_BODY,
            json!({"token": "t", "customFields": [{"key": "k", "value": "v", "overwrite": "yes"}]})
        ),
        (
            "must be boolean".to_owned(),
            "/customFields/0/overwrite".to_owned()
        )
    );
    assert_eq!(
        err_at(&SEED_BODY, json!({"token": "t", "customFields": "x"})),
        ("must be array".to_owned(), "/customFields".to_owned())
    );
    assert_eq!(
        err_at(&SEED_BODY, json!({"token": "t", "customFields": {}})),
        ("must be array".to_owned(), "/customFields".to_owned())
    );
    assert_eq!(err(&SEED_BODY, json!("abc")), "must be object");
    assert_eq!(err(&SEED_BODY, json!([])), "must be object");
    assert_eq!(err(&SEED_BODY, json!(null)), "must be object");
}

// ---------------------------------------------------------------------------
// `type` and coercion.

#[test]
fn type_messages() {
    assert_eq!(err_strict(&STRING, json!(1)), "must be string");
    assert_eq!(err_strict(&INTEGER, json!("1")), "must be integer");
    assert_eq!(err_strict(&NUMBER, json!("1")), "must be number");
    assert_eq!(err_strict(&BOOLEAN, json!(1)), "must be boolean");
    assert_eq!(err_strict(&NULL, json!(0)), "must be null");
    assert_eq!(err(&ARRAY, json!("a")), "must be array");
    assert_eq!(err(&OBJECT, json!([])), "must be object");
    static MULTI: Schema = Schema {
        types: &[Type::String, Type::Null],
        ..Schema::ANY
    };
    assert_eq!(err(&MULTI, json!({})), "must be string,null");
    static MULTI2: Schema = Schema {
        types: &[Type::Integer, Type::Boolean, Type::Array],
        ..Schema::ANY
    };
    assert_eq!(err(&MULTI2, json!({})), "must be integer,boolean,array");
    // No type: anything goes.
    for v in [json!(null), json!(1), json!("x"), json!([]), json!({})] {
        assert_eq!(ok(&ANY, v.clone()), v);
    }
}

#[test]
fn nullable() {
    static NULLABLE_STRING: Schema = Schema {
        types: &[Type::String],
        nullable: true,
        ..Schema::ANY
    };
    assert_eq!(ok_strict(&NULLABLE_STRING, json!(null)), json!(null));
    assert_eq!(ok_strict(&NULLABLE_STRING, json!("a")), json!("a"));
    // The message shows the declared `type` only, like Ajv.
    assert_eq!(err(&NULLABLE_STRING, json!({})), "must be string");
    // Coercion tries the declared types first, then null.
    assert_eq!(ok(&NULLABLE_STRING, json!(false)), json!("false"));
    static NULLABLE_INTEGER: Schema = Schema {
        types: &[Type::Integer],
        nullable: true,
        ..Schema::ANY
    };
    assert_eq!(ok(&NULLABLE_INTEGER, json!("")), json!(null));
    assert_eq!(ok(&NULLABLE_INTEGER, json!(false)), json!(0));
    assert_eq!(err(&NULLABLE_INTEGER, json!("x")), "must be integer");
    static NULLABLE_OBJECT: Schema = Schema {
        types: &[Type::Object],
        nullable: true,
        required: &["a"],
        ..Schema::ANY
    };
    assert_eq!(ok(&NULLABLE_OBJECT, json!(null)), json!(null));
    assert_eq!(ok(&NULLABLE_OBJECT, json!("")), json!(null));
    assert_eq!(err(&NULLABLE_OBJECT, json!("x")), "must be object");
    // `nullable` without `type` has no effect.
    static NULLABLE_ALONE: Schema = Schema {
        nullable: true,
        ..Schema::ANY
    };
    assert_eq!(ok_strict(&NULLABLE_ALONE, json!(3)), json!(3));
    // `nullable` does not extend `enum` (Ajv checks enum separately).
    static NULLABLE_ENUM: Schema = Schema {
        types: &[Type::String],
        nullable: true,
        enumeration: &[Lit::Str("a")],
        ..Schema::ANY
    };
    assert_eq!(
        err(&NULLABLE_ENUM, json!(null)),
        "must be equal to one of the allowed values"
    );
}

#[test]
fn integer_type() {
    assert_eq!(ok_strict(&INTEGER, json!(5)), json!(5));
    assert_eq!(ok_strict(&INTEGER, json!(-5)), json!(-5));
    assert_eq!(ok_strict(&INTEGER, json!(u64::MAX)), json!(u64::MAX));
    // 1.0 is an integer in JavaScript; it is rewritten as an integer.
    let v = ok_strict(&INTEGER, json!(1.0));
    assert!(v.is_i64(), "{v}");
    assert_eq!(v, json!(1));
    assert_eq!(
        ok_strict(&INTEGER, json!(1e20)),
        json!(100000000000000000000u128 as f64)
    );
    assert_eq!(err_strict(&INTEGER, json!(1.5)), "must be integer");
    assert_eq!(err(&INTEGER, json!(1.5)), "must be integer");
    // Number accepts integers and floats.
    assert_eq!(ok_strict(&NUMBER, json!(1.5)), json!(1.5));
    assert_eq!(ok_strict(&NUMBER, json!(2)), json!(2));
}

#[test]
fn coerce_to_string() {
    assert_eq!(ok(&STRING, json!(1)), json!("1"));
    assert_eq!(ok(&STRING, json!(-1.5)), json!("-1.5"));
    assert_eq!(ok(&STRING, json!(1.0)), json!("1"));
    assert_eq!(ok(&STRING, json!(0.5)), json!("0.5"));
    assert_eq!(ok(&STRING, json!(1e21)), json!("1e+21"));
    assert_eq!(ok(&STRING, json!(1e-7)), json!("1e-7"));
    assert_eq!(ok(&STRING, json!(0.000001)), json!("0.000001"));
    assert_eq!(ok(&STRING, json!(1.5e300)), json!("1.5e+300"));
    assert_eq!(
        ok(&STRING, json!(12345678901234567890u64)),
        json!("12345678901234567000")
    );
    assert_eq!(ok(&STRING, json!(true)), json!("true"));
    assert_eq!(ok(&STRING, json!(false)), json!("false"));
    assert_eq!(ok(&STRING, json!(null)), json!(""));
    assert_eq!(err(&STRING, json!([])), "must be string");
    assert_eq!(err(&STRING, json!({})), "must be string");
    assert_eq!(err_strict(&STRING, json!(null)), "must be string");
}

#[test]
fn coerce_to_number() {
    assert_eq!(ok(&NUMBER, json!("1.5")), json!(1.5));
    assert_eq!(ok(&NUMBER, json!("-0.5")), json!(-0.5));
    assert_eq!(ok(&NUMBER, json!("10")), json!(10));
    assert!(ok(&NUMBER, json!("10")).is_i64());
    assert_eq!(ok(&NUMBER, json!(".5")), json!(0.5));
    assert_eq!(ok(&NUMBER, json!("5.")), json!(5));
    assert_eq!(ok(&NUMBER, json!("+5")), json!(5));
    assert_eq!(ok(&NUMBER, json!("1e3")), json!(1000));
    assert_eq!(ok(&NUMBER, json!("1E-3")), json!(0.001));
    assert_eq!(ok(&NUMBER, json!("1e+3")), json!(1000));
    assert_eq!(ok(&NUMBER, json!("-.5")), json!(-0.5));
    assert_eq!(ok(&NUMBER, json!("010")), json!(10));
    assert_eq!(ok(&NUMBER, json!("\u{a0}7\u{feff}")), json!(7));
    assert_eq!(ok(&NUMBER, json!(" 12\n")), json!(12));
    assert_eq!(ok(&NUMBER, json!("0x1F")), json!(31));
    assert_eq!(ok(&NUMBER, json!("0o17")), json!(15));
    assert_eq!(ok(&NUMBER, json!("0b101")), json!(5));
    // JavaScript: `+"  "` is 0 and "  " is truthy.
    assert_eq!(ok(&NUMBER, json!("  ")), json!(0));
    assert_eq!(ok(&NUMBER, json!(true)), json!(1));
    assert_eq!(ok(&NUMBER, json!(false)), json!(0));
    assert_eq!(ok(&NUMBER, json!(null)), json!(0));
    for bad in [
        "", "abc", "1a", "1_000", "-0x10", "0x", "1e", ".", "-", "1.2.3", "Infinity", "1e400",
        "NaN", "inf",
    ] {
        assert_eq!(err(&NUMBER, json!(bad)), "must be number", "{bad:?}");
    }
    assert_eq!(err(&NUMBER, json!([1])), "must be number");
    assert_eq!(err(&NUMBER, json!({})), "must be number");
}

#[test]
fn coerce_to_integer() {
    assert_eq!(ok(&INTEGER, json!("10")), json!(10));
    assert_eq!(ok(&INTEGER, json!("-3")), json!(-3));
    assert_eq!(ok(&INTEGER, json!("1.0")), json!(1));
    assert_eq!(ok(&INTEGER, json!("1e2")), json!(100));
    assert_eq!(ok(&INTEGER, json!(true)), json!(1));
    assert_eq!(ok(&INTEGER, json!(null)), json!(0));
    for bad in ["1.5", "", "x", "Infinity"] {
        assert_eq!(err(&INTEGER, json!(bad)), "must be integer", "{bad:?}");
    }
    assert_eq!(err_strict(&INTEGER, json!("10")), "must be integer");
}

#[test]
fn coerce_to_boolean() {
    assert_eq!(ok(&BOOLEAN, json!("true")), json!(true));
    assert_eq!(ok(&BOOLEAN, json!("false")), json!(false));
    assert_eq!(ok(&BOOLEAN, json!(1)), json!(true));
    assert_eq!(ok(&BOOLEAN, json!(0)), json!(false));
    assert_eq!(ok(&BOOLEAN, json!(1.0)), json!(true));
    assert_eq!(ok(&BOOLEAN, json!(null)), json!(false));
    for bad in [json!("1"), json!("TRUE"), json!(2), json!(""), json!([])] {
        assert_eq!(err(&BOOLEAN, bad.clone()), "must be boolean", "{bad}");
    }
}

#[test]
fn coerce_to_null() {
    assert_eq!(ok(&NULL, json!("")), json!(null));
    assert_eq!(ok(&NULL, json!(0)), json!(null));
    assert_eq!(ok(&NULL, json!(false)), json!(null));
    for bad in [json!("null"), json!(1), json!(true), json!({})] {
        assert_eq!(err(&NULL, bad.clone()), "must be null", "{bad}");
    }
}

#[test]
fn arrays_and_objects_are_not_coerced() {
    assert_eq!(err(&ARRAY, json!("[]")), "must be array");
    assert_eq!(err(&ARRAY, json!(1)), "must be array");
    assert_eq!(err(&OBJECT, json!("{}")), "must be object");
    assert_eq!(err(&OBJECT, json!(null)), "must be object");
}

#[test]
fn coercion_order_follows_types() {
    static INT_OR_STRING: Schema = Schema {
        types: &[Type::Integer, Type::String],
        ..Schema::ANY
    };
    static STRING_OR_INT: Schema = Schema {
        types: &[Type::String, Type::Integer],
        ..Schema::ANY
    };
    static BOOL_OR_NUMBER: Schema = Schema {
        types: &[Type::Boolean, Type::Number],
        ..Schema::ANY
    };
    assert_eq!(ok(&INT_OR_STRING, json!(true)), json!(1));
    assert_eq!(ok(&STRING_OR_INT, json!(true)), json!("true"));
    assert_eq!(ok(&BOOL_OR_NUMBER, json!("1")), json!(1));
    assert_eq!(ok(&BOOL_OR_NUMBER, json!("true")), json!(true));
    // A value of an allowed type is never coerced.
    assert_eq!(ok(&INT_OR_STRING, json!("10")), json!("10"));
}

// ---------------------------------------------------------------------------
// Type-independent keywords.

#[test]
fn enumeration() {
    static COLORS: Schema = Schema {
        types: &[Type::String],
        enumeration: &[Lit::Str("red"), Lit::Str("green")],
        ..Schema::ANY
    };
    assert_eq!(ok(&COLORS, json!("red")), json!("red"));
    assert_eq!(
        err(&COLORS, json!("blue")),
        "must be equal to one of the allowed values"
    );
    static NUMBERS: Schema = Schema {
        types: &[Type::Number],
        enumeration: &[Lit::Int(1), Lit::Float(2.5)],
        ..Schema::ANY
    };
    assert_eq!(ok(&NUMBERS, json!(1.0)), json!(1.0));
    assert_eq!(ok(&NUMBERS, json!(1)), json!(1));
    assert_eq!(ok(&NUMBERS, json!(2.5)), json!(2.5));
    // Coercion happens before enum.
    assert_eq!(ok(&NUMBERS, json!("2.5")), json!(2.5));
    assert_eq!(
        err(&NUMBERS, json!(2)),
        "must be equal to one of the allowed values"
    );
    static MIXED: Schema = Schema {
        enumeration: &[Lit::Null, Lit::Bool(true), Lit::Str("1")],
        ..Schema::ANY
    };
    ok(&MIXED, json!(null));
    ok(&MIXED, json!(true));
    ok(&MIXED, json!("1"));
    // Strict equality, no coercion without `type`.
    assert_eq!(
        err(&MIXED, json!(1)),
        "must be equal to one of the allowed values"
    );
    assert_eq!(
        err(&MIXED, json!(false)),
        "must be equal to one of the allowed values"
    );
    // enum comes before the number keywords.
    static ENUM_MIN: Schema = Schema {
        enumeration: &[Lit::Int(1)],
        minimum: Some(5.0),
        ..Schema::ANY
    };
    assert_eq!(
        err(&ENUM_MIN, json!(3)),
        "must be equal to one of the allowed values"
    );
}

#[test]
fn not_keyword() {
    static NOT_STRING: Schema = Schema {
        not: Some(&STRING),
        ..Schema::ANY
    };
    assert_eq!(ok_strict(&NOT_STRING, json!(1)), json!(1));
    assert_eq!(err(&NOT_STRING, json!("a")), "must NOT be valid");
    let errors = validate_all(&NOT_STRING, &mut json!("a"), RC).unwrap_err();
    assert_eq!(errors.len(), 1);
    // With coercion the `not` branch coerces 1 to "1" and therefore matches.
    assert_eq!(err(&NOT_STRING, json!(1)), "must NOT be valid");
    static NOT_ANY: Schema = Schema {
        not: Some(&ANY),
        ..Schema::ANY
    };
    assert_eq!(err(&NOT_ANY, json!(null)), "must NOT be valid");
}

static MIN10: Schema = Schema {
    types: &[Type::Integer],
    minimum: Some(10.0),
    ..Schema::ANY
};

#[test]
fn any_of() {
    static STRING_OR_NUMBER: Schema = Schema {
        any_of: &[&STRING, &NUMBER],
        ..Schema::ANY
    };
    assert_eq!(ok_strict(&STRING_OR_NUMBER, json!("a")), json!("a"));
    assert_eq!(ok_strict(&STRING_OR_NUMBER, json!(1)), json!(1));
    // Like Rocket.Chat: all of Ajv's errors joined with "\n ".
    let mut value = json!(true);
    let e = validate(&STRING_OR_NUMBER, &mut value, STRICT).unwrap_err();
    assert_eq!(
        e.message,
        "must be string\n must be number\n must match a schema in anyOf"
    );
    let all = validate_all(&STRING_OR_NUMBER, &mut value, STRICT).unwrap_err();
    let messages: Vec<&str> = all.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "must be string",
            "must be number",
            "must match a schema in anyOf"
        ]
    );
    assert_eq!(ValidationError::combine(&all), e);
    // With coercion, the first branch coerces.
    assert_eq!(ok(&STRING_OR_NUMBER, json!(true)), json!("true"));
    // A failed branch's coercion sticks (Ajv mutates data in place).
    static MIN10_OR_STRING: Schema = Schema {
        any_of: &[&MIN10, &STRING],
        ..Schema::ANY
    };
    assert_eq!(ok(&MIN10_OR_STRING, json!("5")), json!("5"));
    assert_eq!(ok(&MIN10_OR_STRING, json!("50")), json!(50));
    // An always-valid branch makes Ajv skip anyOf entirely (no coercion).
    static INT_OR_ANY: Schema = Schema {
        any_of: &[&INTEGER, &ANY],
        ..Schema::ANY
    };
    assert_eq!(ok(&INT_OR_ANY, json!("5")), json!("5"));
    // Nested paths of branch errors.
    static OBJ_BRANCH: Schema = Schema {
        types: &[Type::Object],
        properties: &[("a", &INTEGER)],
        ..Schema::ANY
    };
    static OBJ_OR_NULL: Schema = Schema {
        any_of: &[&OBJ_BRANCH, &NULL],
        ..Schema::ANY
    };
    let all = validate_all(&OBJ_OR_NULL, &mut json!({"a": "x"}), RC).unwrap_err();
    assert_eq!(
        all,
        vec![
            ValidationError {
                message: "must be integer".into(),
                instance_path: "/a".into()
            },
            ValidationError {
                message: "must be null".into(),
                instance_path: String::new()
            },
            ValidationError {
                message: "must match a schema in anyOf".into(),
                instance_path: String::new()
            },
        ]
    );
}

#[test]
fn one_of() {
    static SHORT_STRING: Schema = Schema {
        types: &[Type::String],
        max_length: Some(1),
        ..Schema::ANY
    };
    static ONE: Schema = Schema {
        one_of: &[&STRING, &SHORT_STRING, &NUMBER],
        ..Schema::ANY
    };
    // Two matches.
    let all = validate_all(&ONE, &mut json!("a"), STRICT).unwrap_err();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].message, "must match exactly one schema in oneOf");
    // Exactly one match (failed branches' errors are dropped).
    assert_eq!(ok_strict(&ONE, json!("ab")), json!("ab"));
    assert_eq!(ok_strict(&ONE, json!(5)), json!(5));
    // No match.
    assert_eq!(
        err_strict(&ONE, json!(true)),
        "must be string\n must be string\n must be number\n must match exactly one schema in oneOf"
    );
    // Failed branches before the second match keep their errors.
    static ONE2: Schema = Schema {
        one_of: &[&NUMBER, &STRING, &ANY],
        ..Schema::ANY
    };
    assert_eq!(
        err_strict(&ONE2, json!("x")),
        "must be number\n must match exactly one schema in oneOf"
    );
}

#[test]
fn all_of() {
    static MAX3: Schema = Schema {
        max_length: Some(3),
        ..Schema::ANY
    };
    static ALL: Schema = Schema {
        all_of: &[&ANY, &STRING, &MAX3],
        ..Schema::ANY
    };
    assert_eq!(ok(&ALL, json!("abc")), json!("abc"));
    assert_eq!(ok(&ALL, json!(12)), json!("12"));
    assert_eq!(err(&ALL, json!({})), "must be string");
    assert_eq!(
        err(&ALL, json!("abcd")),
        "must NOT have more than 3 characters"
    );
    assert_eq!(
        err(&ALL, json!(1234)),
        "must NOT have more than 3 characters"
    );
}

#[test]
fn composite_keyword_order() {
    // enum, not, anyOf, oneOf, allOf.
    static ORDER: Schema = Schema {
        enumeration: &[Lit::Int(1), Lit::Int(2), Lit::Int(3), Lit::Int(4)],
        not: Some(&NOT_ONE),
        any_of: &[&NOT_TWO],
        one_of: &[&NOT_THREE],
        all_of: &[&NOT_FOUR],
        ..Schema::ANY
    };
    static NOT_ONE: Schema = Schema {
        enumeration: &[Lit::Int(1)],
        ..Schema::ANY
    };
    static TWO: Schema = Schema {
        enumeration: &[Lit::Int(2)],
        ..Schema::ANY
    };
    static NOT_TWO: Schema = Schema {
        not: Some(&TWO),
        ..Schema::ANY
    };
    static THREE: Schema = Schema {
        enumeration: &[Lit::Int(3)],
        ..Schema::ANY
    };
    static NOT_THREE: Schema = Schema {
        not: Some(&THREE),
        ..Schema::ANY
    };
    static FOUR: Schema = Schema {
        enumeration: &[Lit::Int(4)],
        ..Schema::ANY
    };
    static NOT_FOUR: Schema = Schema {
        not: Some(&FOUR),
        ..Schema::ANY
    };
    assert_eq!(
        err(&ORDER, json!(5)),
        "must be equal to one of the allowed values"
    );
    assert_eq!(err(&ORDER, json!(1)), "must NOT be valid");
    assert_eq!(
        err(&ORDER, json!(2)),
        "must NOT be valid\n must match a schema in anyOf"
    );
    assert_eq!(
        err(&ORDER, json!(3)),
        "must NOT be valid\n must match exactly one schema in oneOf"
    );
    assert_eq!(err(&ORDER, json!(4)), "must NOT be valid");
}

// ---------------------------------------------------------------------------
// Number keywords.

#[test]
fn number_keywords() {
    static MAX5: Schema = Schema {
        types: &[Type::Number],
        maximum: Some(5.0),
        ..Schema::ANY
    };
    assert_eq!(ok(&MAX5, json!(5)), json!(5));
    assert_eq!(err(&MAX5, json!(5.5)), "must be <= 5");
    assert_eq!(err(&MAX5, json!("6")), "must be <= 5");
    static MIN5: Schema = Schema {
        minimum: Some(5.0),
        ..Schema::ANY
    };
    assert_eq!(ok(&MIN5, json!(5)), json!(5));
    assert_eq!(err(&MIN5, json!(4)), "must be >= 5");
    // Keywords of another type are skipped.
    assert_eq!(ok(&MIN5, json!("4")), json!("4"));
    static EXCL_MAX: Schema = Schema {
        maximum: Some(5.0),
        exclusive_maximum: true,
        ..Schema::ANY
    };
    assert_eq!(err(&EXCL_MAX, json!(5)), "must be < 5");
    ok(&EXCL_MAX, json!(4.99));
    static EXCL_MIN: Schema = Schema {
        minimum: Some(5.0),
        exclusive_minimum: true,
        ..Schema::ANY
    };
    assert_eq!(err(&EXCL_MIN, json!(5)), "must be > 5");
    ok(&EXCL_MIN, json!(5.01));
    static HALF: Schema = Schema {
        maximum: Some(0.5),
        minimum: Some(-2.5),
        ..Schema::ANY
    };
    assert_eq!(err(&HALF, json!(1)), "must be <= 0.5");
    assert_eq!(err(&HALF, json!(-3)), "must be >= -2.5");
    // maximum is checked before minimum, exclusive ones after both.
    static CONTRADICTION: Schema = Schema {
        maximum: Some(5.0),
        minimum: Some(10.0),
        ..Schema::ANY
    };
    assert_eq!(err(&CONTRADICTION, json!(7)), "must be <= 5");
    assert_eq!(err(&CONTRADICTION, json!(3)), "must be >= 10");
    static MIXED_EXCL: Schema = Schema {
        maximum: Some(5.0),
        exclusive_maximum: true,
        minimum: Some(10.0),
        ..Schema::ANY
    };
    assert_eq!(err(&MIXED_EXCL, json!(7)), "must be >= 10");
    static MULT2: Schema = Schema {
        multiple_of: Some(2.0),
        minimum: Some(0.0),
        ..Schema::ANY
    };
    ok(&MULT2, json!(4));
    ok(&MULT2, json!(4.0));
    assert_eq!(err(&MULT2, json!(3)), "must be multiple of 2");
    assert_eq!(err(&MULT2, json!(-2)), "must be >= 0");
    static MULT_TENTH: Schema = Schema {
        multiple_of: Some(0.1),
        ..Schema::ANY
    };
    ok(&MULT_TENTH, json!(0.5));
    // As in JavaScript: 0.3 / 0.1 === 2.9999999999999996.
    assert_eq!(err(&MULT_TENTH, json!(0.3)), "must be multiple of 0.1");
    static MULT_ZERO: Schema = Schema {
        multiple_of: Some(0.0),
        ..Schema::ANY
    };
    assert_eq!(err(&MULT_ZERO, json!(0)), "must be multiple of 0");
    // parseInt(1e21) is 1 in JavaScript.
    static MULT_ONE: Schema = Schema {
        multiple_of: Some(1.0),
        ..Schema::ANY
    };
    ok(&MULT_ONE, json!(1e20));
    assert_eq!(err(&MULT_ONE, json!(1e21)), "must be multiple of 1");
}

#[test]
fn javascript_number_formatting() {
    for (limit, text) in [
        (5.0, "5"),
        (0.5, "0.5"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-10, "1.5e-10"),
        (0.1, "0.1"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),
        (-1234.5678, "-1234.5678"),
    ] {
        // Schemas need not be statics.
        let schema = Schema {
            maximum: Some(limit),
            exclusive_maximum: true,
            ..Schema::ANY
        };
        assert_eq!(
            err(&schema, json!(f64::MAX)),
            format!("must be < {text}"),
            "{limit}"
        );
    }
}

// ---------------------------------------------------------------------------
// String keywords.

#[test]
fn string_keywords() {
    static LEN: Schema = Schema {
        types: &[Type::String],
        min_length: Some(3),
        max_length: Some(5),
        pattern: Some("^[a-z]+$|^[^a-z]+$"),
        ..Schema::ANY
    };
    ok(&LEN, json!("abc"));
    ok(&LEN, json!("abcde"));
    assert_eq!(
        err(&LEN, json!("abcdef")),
        "must NOT have more than 5 characters"
    );
    assert_eq!(
        err(&LEN, json!("ab")),
        "must NOT have fewer than 3 characters"
    );
    // Lengths count Unicode code points.
    ok(&LEN, json!("😀😀😀"));
    ok(&LEN, json!("ééééé"));
    assert_eq!(
        err(&LEN, json!("😀😀")),
        "must NOT have fewer than 3 characters"
    );
    // Coerced numbers are measured as strings.
    assert_eq!(
        err(&LEN, json!(12)),
        "must NOT have fewer than 3 characters"
    );
    // `pattern` is checked after the lengths (ECMAScript semantics; more in ajv_pinned.rs).
    ok(&LEN, json!("ABC"));
    assert_eq!(
        err(&LEN, json!("abC")),
        "must match pattern \"^[a-z]+$|^[^a-z]+$\""
    );
    assert_eq!(
        err(&LEN, json!("abCdef")),
        "must NOT have more than 5 characters"
    );
    // Skipped for other types when there is no `type`.
    static UNTYPED_LEN: Schema = Schema {
        max_length: Some(1),
        ..Schema::ANY
    };
    ok(&UNTYPED_LEN, json!(12345));
    ok(&UNTYPED_LEN, json!(["a", "b"]));
}

// ---------------------------------------------------------------------------
// Array keywords.

static INTEGERS: Schema = Schema {
    types: &[Type::Array],
    items: Some(&INTEGER),
    min_items: Some(1),
    max_items: Some(3),
    ..Schema::ANY
};

#[test]
fn array_keywords() {
    assert_eq!(ok(&INTEGERS, json!([1, "2", true])), json!([1, 2, 1]));
    assert_eq!(
        err(&INTEGERS, json!([])),
        "must NOT have fewer than 1 items"
    );
    assert_eq!(
        err(&INTEGERS, json!([1, 2, 3, 4])),
        "must NOT have more than 3 items"
    );
    // maxItems comes before items.
    assert_eq!(
        err(&INTEGERS, json!(["x", "y", "z", "w"])),
        "must NOT have more than 3 items"
    );
    assert_eq!(
        err_at(&INTEGERS, json!([1, "x", "y"])),
        ("must be integer".to_owned(), "/1".to_owned())
    );
    // Items before the failure were coerced in place.
    let mut value = json!(["5", "x"]);
    assert!(validate(&INTEGERS, &mut value, RC).is_err());
    assert_eq!(value, json!([5, "x"]));
}

#[test]
fn unique_items() {
    static UNIQUE_INTS: Schema = Schema {
        types: &[Type::Array],
        items: Some(&INTEGER),
        unique_items: true,
        ..Schema::ANY
    };
    ok(&UNIQUE_INTS, json!([1, 2, 3]));
    assert_eq!(
        err(&UNIQUE_INTS, json!([1, 1])),
        "must NOT have duplicate items (items ## 1 and 0 are identical)"
    );
    assert_eq!(
        err(&UNIQUE_INTS, json!([1, 2, 1, 3])),
        "must NOT have duplicate items (items ## 2 and 0 are identical)"
    );
    assert_eq!(
        err(&UNIQUE_INTS, json!([1, 2, 2, 1])),
        "must NOT have duplicate items (items ## 2 and 1 are identical)"
    );
    assert_eq!(
        err(&UNIQUE_INTS, json!([1.0, 1])),
        "must NOT have duplicate items (items ## 1 and 0 are identical)"
    );
    // `items` comes before `uniqueItems` (Ajv places it there), so its coercions count.
    assert_eq!(
        err(&UNIQUE_INTS, json!(["1", 1])),
        "must NOT have duplicate items (items ## 1 and 0 are identical)"
    );
    assert_eq!(err(&UNIQUE_INTS, json!(["x", 2, 2])), "must be integer");

    static NULLABLE_STR: Schema = Schema {
        types: &[Type::String],
        nullable: true,
        ..Schema::ANY
    };
    static UNIQUE_NULLABLE: Schema = Schema {
        items: Some(&NULLABLE_STR),
        unique_items: true,
        ..Schema::ANY
    };
    ok(&UNIQUE_NULLABLE, json!(["null", null, "a"]));
    assert_eq!(
        err(&UNIQUE_NULLABLE, json!([null, "a", null])),
        "must NOT have duplicate items (items ## 2 and 0 are identical)"
    );

    // Untyped items: deep equality, scanning pairs from the end.
    static UNIQUE_ANY: Schema = Schema {
        unique_items: true,
        ..Schema::ANY
    };
    ok(
        &UNIQUE_ANY,
        json!([1, "1", true, null, [1], {"a": 1}, {"a": 2}]),
    );
    assert_eq!(
        err(
            &UNIQUE_ANY,
            json!([{"a": 1, "b": [1]}, {"b": [1.0], "a": 1}])
        ),
        "must NOT have duplicate items (items ## 0 and 1 are identical)"
    );
    assert_eq!(
        err(&UNIQUE_ANY, json!([1, 2, 3, 2, 1])),
        "must NOT have duplicate items (items ## 0 and 4 are identical)"
    );
    ok(&UNIQUE_ANY, json!([]));
    ok(&UNIQUE_ANY, json!("not an array"));
}

// ---------------------------------------------------------------------------
// Object keywords.

#[test]
fn object_keywords() {
    static SIZE: Schema = Schema {
        types: &[Type::Object],
        min_properties: Some(1),
        max_properties: Some(2),
        required: &["b"],
        ..Schema::ANY
    };
    assert_eq!(
        err(&SIZE, json!({})),
        "must NOT have fewer than 1 properties"
    );
    assert_eq!(
        err(&SIZE, json!({"a": 1, "b": 2, "c": 3})),
        "must NOT have more than 2 properties"
    );
    assert_eq!(
        err(&SIZE, json!({"a": 1})),
        "must have required property 'b'"
    );
    ok(&SIZE, json!({"b": null}));

    static CLOSED: Schema = Schema {
        types: &[Type::Object],
        properties: &[("b", &INTEGER), ("a", &INTEGER)],
        required: &["a"],
        additional: Additional::Forbidden,
        ..Schema::ANY
    };
    ok(&CLOSED, json!({"a": 1, "b": 2}));
    assert_eq!(
        err_at(&CLOSED, json!({"a": 1, "c": 2})),
        (
            "must NOT have additional properties".to_owned(),
            String::new()
        )
    );
    // additionalProperties comes before properties.
    assert_eq!(
        err(&CLOSED, json!({"a": "x", "c": 2})),
        "must NOT have additional properties"
    );
    // Properties are checked in declaration order.
    assert_eq!(
        err_at(&CLOSED, json!({"a": "x", "b": "y"})),
        ("must be integer".to_owned(), "/b".to_owned())
    );

    static EXTRA_INTS: Schema = Schema {
        types: &[Type::Object],
        properties: &[("name", &STRING)],
        additional: Additional::Schema(&INTEGER),
        ..Schema::ANY
    };
    assert_eq!(
        ok(&EXTRA_INTS, json!({"name": 1, "x": "2"})),
        json!({"name": "1", "x": 2})
    );
    assert_eq!(
        err_at(&EXTRA_INTS, json!({"name": "n", "x/y~": "z"})),
        ("must be integer".to_owned(), "/x~1y~0".to_owned())
    );
    // Array-index-like keys come first, as in JavaScript.
    assert_eq!(
        err_at(&EXTRA_INTS, json!({"a": "z", "10": "z", "2": "z"})),
        ("must be integer".to_owned(), "/2".to_owned())
    );
    static EXTRA_ANY: Schema = Schema {
        additional: Additional::Schema(&ANY),
        ..Schema::ANY
    };
    ok(&EXTRA_ANY, json!({"a": 1}));

    static JS_ORDER: Schema = Schema {
        properties: &[("x", &INTEGER), ("1", &INTEGER)],
        ..Schema::ANY
    };
    assert_eq!(
        err_at(&JS_ORDER, json!({"x": "a", "1": "b"})),
        ("must be integer".to_owned(), "/1".to_owned())
    );
    // Object keywords are skipped for other types when there is no `type`.
    ok(&JS_ORDER, json!("x"));
}

#[test]
fn deferred_type_check() {
    // Ajv checks a single non-coercible type that has its own keywords only in
    // that keyword group, i.e. after enum/not/anyOf/oneOf/allOf.
    static OBJ_ENUM: Schema = Schema {
        types: &[Type::Object],
        required: &["a"],
        enumeration: &[Lit::Str("x")],
        ..Schema::ANY
    };
    assert_eq!(
        err(&OBJ_ENUM, json!(5)),
        "must be equal to one of the allowed values"
    );
    assert_eq!(err(&OBJ_ENUM, json!("x")), "must be object");
    static OBJ_ENUM_NO_RULES: Schema = Schema {
        types: &[Type::Object],
        enumeration: &[Lit::Str("x")],
        ..Schema::ANY
    };
    assert_eq!(err(&OBJ_ENUM_NO_RULES, json!(5)), "must be object");
    // Without coercion, the same applies to strings and numbers.
    static STR_ENUM: Schema = Schema {
        types: &[Type::String],
        min_length: Some(1),
        enumeration: &[Lit::Str("a")],
        ..Schema::ANY
    };
    assert_eq!(
        err_strict(&STR_ENUM, json!(5)),
        "must be equal to one of the allowed values"
    );
    assert_eq!(
        err(&STR_ENUM, json!(5)),
        "must be equal to one of the allowed values"
    );
    static NUM_MIN: Schema = Schema {
        types: &[Type::Number],
        minimum: Some(1.0),
        ..Schema::ANY
    };
    assert_eq!(err_strict(&NUM_MIN, json!("5")), "must be number");
    assert_eq!(err_strict(&NUM_MIN, json!(0)), "must be >= 1");
    static ARR_ANY_OF: Schema = Schema {
        types: &[Type::Array],
        min_items: Some(1),
        any_of: &[&STRING],
        ..Schema::ANY
    };
    assert_eq!(err(&ARR_ANY_OF, json!("s")), "must be array");
}

// ---------------------------------------------------------------------------
// `$ref` and recursion.

static TREE: Schema = Schema {
    types: &[Type::Object],
    properties: &[("name", &STRING), ("children", &TREE_CHILDREN)],
    required: &["name"],
    additional: Additional::Forbidden,
    ..Schema::ANY
};
static TREE_CHILDREN: Schema = Schema {
    types: &[Type::Array],
    items: Some(&TREE_REF),
    ..Schema::ANY
};
static TREE_REF: Schema = Schema {
    reference: Some(tree),
    ..Schema::ANY
};
fn tree() -> &'static Schema {
    &TREE
}

#[test]
fn recursive_schema() {
    let doc = json!({"name": "root", "children": [
        {"name": "a", "children": []},
        {"name": "b", "children": [{"name": 1}]}
    ]});
    assert_eq!(
        ok(&TREE_REF, doc)["children"][1]["children"][0]["name"],
        json!("1")
    );
    assert_eq!(
        err_at(
            &TREE_REF,
            json!({"name": "root", "children": [
                {"name": "a"},
                {"name": "b", "children": [{"name": "c"}, {"children": []}]}
            ]})
        ),
        (
            "must have required property 'name'".to_owned(),
            "/children/1/children/1".to_owned()
        )
    );
    assert_eq!(
        err_at(
            &TREE_REF,
            json!({"name": "root", "children": [{"name": "a", "extra": true}]})
        ),
        (
            "must NOT have additional properties".to_owned(),
            "/children/0".to_owned()
        )
    );
}

#[test]
fn deep_recursion_does_not_overflow() {
    static NESTED: Schema = Schema {
        types: &[Type::Array],
        items: Some(&NESTED_REF),
        ..Schema::ANY
    };
    static NESTED_REF: Schema = Schema {
        reference: Some(nested),
        ..Schema::ANY
    };
    fn nested() -> &'static Schema {
        &NESTED
    }
    let mut value = json!([]);
    for _ in 0..300 {
        value = Value::Array(vec![value]);
    }
    ok(&NESTED_REF, value.clone());
    let mut bad = json!([1]);
    for _ in 0..300 {
        bad = Value::Array(vec![bad]);
    }
    let (message, path) = err_at(&NESTED_REF, bad);
    assert_eq!(message, "must be array");
    assert_eq!(path, "/0".repeat(301));
    // serde_json's own limit.
    let text = format!("{}{}", "[".repeat(127), "]".repeat(127));
    let parsed: Value = serde_json::from_str(&text).unwrap();
    ok(&NESTED, parsed);
}

static SELF_ALIAS: Schema = Schema {
    reference: Some(self_alias),
    ..Schema::ANY
};
fn self_alias() -> &'static Schema {
    &SELF_ALIAS
}
static ALIAS_A: Schema = Schema {
    reference: Some(alias_b),
    ..Schema::ANY
};
static ALIAS_B: Schema = Schema {
    reference: Some(alias_a),
    ..Schema::ANY
};
fn alias_a() -> &'static Schema {
    &ALIAS_A
}
fn alias_b() -> &'static Schema {
    &ALIAS_B
}

#[test]
fn reference_loops_terminate() {
    for v in [
        json!(null),
        json!(1),
        json!("x"),
        json!([1]),
        json!({"a": 1}),
    ] {
        assert_eq!(ok(&SELF_ALIAS, v.clone()), v);
        assert_eq!(ok(&ALIAS_A, v.clone()), v);
        assert_eq!(parse_param(&ALIAS_A, "x", RC).unwrap(), json!("x"));
    }
    // A loop that still has other keywords keeps them.
    static TYPED_LOOP: Schema = Schema {
        types: &[Type::String],
        reference: Some(typed_loop),
        ..Schema::ANY
    };
    fn typed_loop() -> &'static Schema {
        &TYPED_LOOP
    }
    assert_eq!(err_strict(&TYPED_LOOP, json!(5)), "must be string");
    ok(&TYPED_LOOP, json!("x"));
    // Branching loops terminate too.
    static BRANCHING: Schema = Schema {
        any_of: &[&BRANCHING_REF, &BRANCHING_REF],
        one_of: &[&BRANCHING_REF],
        all_of: &[&BRANCHING_REF, &BRANCHING_REF],
        ..Schema::ANY
    };
    static BRANCHING_REF: Schema = Schema {
        reference: Some(branching),
        ..Schema::ANY
    };
    fn branching() -> &'static Schema {
        &BRANCHING
    }
    ok(&BRANCHING, json!({"x": [1, 2]}));
    // A long, non-cyclic alias chain that ends at a concrete node.
    static CHAIN3: Schema = Schema {
        reference: Some(chain2),
        ..Schema::ANY
    };
    static CHAIN2: Schema = Schema {
        reference: Some(chain1),
        ..Schema::ANY
    };
    static CHAIN1: Schema = Schema {
        reference: Some(integer),
        ..Schema::ANY
    };
    fn chain2() -> &'static Schema {
        &CHAIN2
    }
    fn chain1() -> &'static Schema {
        &CHAIN1
    }
    fn integer() -> &'static Schema {
        &INTEGER
    }
    assert_eq!(ok(&CHAIN3, json!("7")), json!(7));
    assert_eq!(err(&CHAIN3, json!("x")), "must be integer");
}

#[test]
fn reference_order() {
    // Ajv: `type` (with coercion) first, then `$ref`, then the other keywords.
    static MAX1: Schema = Schema {
        max_length: Some(1),
        ..Schema::ANY
    };
    fn max1() -> &'static Schema {
        &MAX1
    }
    static WITH_REF: Schema = Schema {
        types: &[Type::String],
        min_length: Some(3),
        enumeration: &[Lit::Str("zz")],
        reference: Some(max1),
        ..Schema::ANY
    };
    assert_eq!(
        err(&WITH_REF, json!("ab")),
        "must NOT have more than 1 characters"
    );
    // Without coercion a single type with its own keywords is checked late (deferred).
    assert_eq!(
        err_strict(&WITH_REF, json!(true)),
        "must be equal to one of the allowed values"
    );
    assert_eq!(
        err(&WITH_REF, json!(1)),
        "must be equal to one of the allowed values"
    );
    fn integer() -> &'static Schema {
        &INTEGER
    }
    static STRING_THEN_INT: Schema = Schema {
        types: &[Type::String],
        reference: Some(integer),
        ..Schema::ANY
    };
    assert_eq!(err_strict(&STRING_THEN_INT, json!(true)), "must be string");
    assert_eq!(err_strict(&STRING_THEN_INT, json!("1")), "must be integer");
    // With coercion: "1" stays a string for `type`, then `$ref` coerces it.
    assert_eq!(ok(&STRING_THEN_INT, json!("1")), json!(1));
}

// ---------------------------------------------------------------------------
// Parameters.

#[test]
fn parse_params() {
    assert_eq!(parse_param(&INTEGER, "10", RC).unwrap(), json!(10));
    assert_eq!(parse_param(&INTEGER, "10", STRICT).unwrap(), json!(10));
    assert_eq!(parse_param(&NUMBER, "1.5", RC).unwrap(), json!(1.5));
    assert_eq!(parse_param(&BOOLEAN, "true", RC).unwrap(), json!(true));
    assert_eq!(
        parse_param(&BOOLEAN, "false", STRICT).unwrap(),
        json!(false)
    );
    assert_eq!(parse_param(&STRING, "10", RC).unwrap(), json!("10"));
    assert_eq!(parse_param(&STRING, "", RC).unwrap(), json!(""));
    assert_eq!(parse_param(&ANY, "10", RC).unwrap(), json!("10"));
    let e = parse_param(&INTEGER, "abc", RC).unwrap_err();
    assert_eq!(e.message, "must be integer");
    assert_eq!(e.instance_path, "");
    assert_eq!(e.to_string(), "must be integer");
    assert_eq!(
        parse_param(&BOOLEAN, "yes", STRICT).unwrap_err().message,
        "must be boolean"
    );

    static COUNT: Schema = Schema {
        types: &[Type::Integer],
        minimum: Some(0.0),
        maximum: Some(100.0),
        ..Schema::ANY
    };
    assert_eq!(parse_param(&COUNT, "50", RC).unwrap(), json!(50));
    assert_eq!(
        parse_param(&COUNT, "500", RC).unwrap_err().message,
        "must be <= 100"
    );
    assert_eq!(
        parse_param(&COUNT, "-1", RC).unwrap_err().message,
        "must be >= 0"
    );

    static NULLABLE_INT: Schema = Schema {
        types: &[Type::Integer],
        nullable: true,
        ..Schema::ANY
    };
    assert_eq!(parse_param(&NULLABLE_INT, "", RC).unwrap(), json!(null));
    assert_eq!(parse_param(&NULLABLE_INT, "3", STRICT).unwrap(), json!(3));

    static SORT: Schema = Schema {
        types: &[Type::String],
        enumeration: &[Lit::Str("asc"), Lit::Str("desc")],
        ..Schema::ANY
    };
    assert_eq!(parse_param(&SORT, "asc", RC).unwrap(), json!("asc"));
    assert_eq!(
        parse_param(&SORT, "up", RC).unwrap_err().message,
        "must be equal to one of the allowed values"
    );

    // Arrays: split on ',' and convert every item.
    assert_eq!(
        parse_param(&INTEGERS, "1,2,3", RC).unwrap(),
        json!([1, 2, 3])
    );
    assert_eq!(
        parse_param(&INTEGERS, "1,2,3", STRICT).unwrap(),
        json!([1, 2, 3])
    );
    let e = parse_param(&INTEGERS, "1,x", RC).unwrap_err();
    assert_eq!(
        (e.message.as_str(), e.instance_path.as_str()),
        ("must be integer", "/1")
    );
    assert_eq!(
        parse_param(&INTEGERS, "", RC).unwrap_err().message,
        "must NOT have fewer than 1 items"
    );
    static STRINGS: Schema = Schema {
        types: &[Type::Array],
        items: Some(&STRING),
        ..Schema::ANY
    };
    assert_eq!(
        parse_param(&STRINGS, "a,,b", RC).unwrap(),
        json!(["a", "", "b"])
    );
    assert_eq!(parse_param(&STRINGS, "", RC).unwrap(), json!([]));
    assert_eq!(parse_param(&ARRAY, "a,1", RC).unwrap(), json!(["a", "1"]));

    // Aliases are followed to find the type.
    fn count() -> &'static Schema {
        &COUNT
    }
    static COUNT_ALIAS: Schema = Schema {
        reference: Some(count),
        ..Schema::ANY
    };
    assert_eq!(parse_param(&COUNT_ALIAS, "7", STRICT).unwrap(), json!(7));
    assert_eq!(
        parse_param(&COUNT_ALIAS, "700", RC).unwrap_err().message,
        "must be <= 100"
    );
    static ALIASES: Schema = Schema {
        types: &[Type::Array],
        items: Some(&COUNT_ALIAS),
        ..Schema::ANY
    };
    assert_eq!(parse_param(&ALIASES, "7,8", STRICT).unwrap(), json!([7, 8]));
}

// ---------------------------------------------------------------------------
// API details.

#[test]
fn error_type_and_helpers() {
    let e = ValidationError {
        message: "must be string".into(),
        instance_path: "/a".into(),
    };
    assert_eq!(e.to_string(), "must be string");
    let dynamic: &dyn std::error::Error = &e;
    assert_eq!(dynamic.to_string(), "must be string");
    assert_eq!(
        ValidationError::combine(&[e.clone(), e.clone()]).message,
        "must be string\n must be string"
    );
    assert_eq!(ValidationError::combine(&[]).message, "");
    assert_eq!(Type::Integer.name(), "integer");
    assert_eq!(
        [
            Type::Null,
            Type::Boolean,
            Type::Number,
            Type::String,
            Type::Array,
            Type::Object
        ]
        .map(Type::name),
        ["null", "boolean", "number", "string", "array", "object"]
    );
    const { assert!(Options::ROCKET_CHAT.coerce_types) };
    assert_eq!(format!("{:?}", Lit::Int(1)), "Int(1)");
    let _ = format!("{:?} {:?}", STRING, Additional::Forbidden);
}

/// Validates pseudo-random documents against every schema above to make sure
/// nothing panics.
#[test]
fn no_panics_on_random_input() {
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn value(&mut self, depth: u32) -> Value {
            let strings = [
                "",
                "0",
                "1",
                "1.5",
                "-1",
                "true",
                "false",
                "null",
                "x",
                " 12 ",
                "0x1f",
                "1e999",
                "__proto__",
                "a/b~",
                "😀",
            ];
            match self.next() % if depth > 4 { 6 } else { 8 } {
                0 => Value::Null,
                1 => Value::Bool(self.next() % 2 == 0),
                2 => json!((self.next() % 7) as i64 - 3),
                3 => json!(f64::from_bits(self.next()).clamp(-1e300, 1e300)),
                4 => json!(f64::from((self.next() % 9) as u8) / 4.0),
                5 => json!(strings[(self.next() % strings.len() as u64) as usize]),
                6 => Value::Array(
                    (0..self.next() % 4)
                        .map(|_| self.value(depth + 1))
                        .collect(),
                ),
                _ => {
                    let keys = [
                        "token",
                        "customFields",
                        "key",
                        "value",
                        "overwrite",
                        "name",
                        "children",
                        "a",
                        "b",
                        "x",
                        "1",
                    ];
                    Value::Object(
                        (0..self.next() % 5)
                            .map(|_| {
                                (
                                    keys[(self.next() % keys.len() as u64) as usize].to_owned(),
                                    self.value(depth + 1),
                                )
                            })
                            .collect(),
                    )
                }
            }
        }
    }
    let schemas: [&Schema; 12] = [
        &SEED_BODY,
        &TREE_REF,
        &INTEGERS,
        &SELF_ALIAS,
        &ALIAS_A,
        &STRING,
        &INTEGER,
        &NUMBER,
        &BOOLEAN,
        &NULL,
        &OBJECT,
        &MIN10,
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let doc = rng.value(0);
        for schema in schemas {
            for options in [RC, STRICT] {
                let mut v = doc.clone();
                let _ = validate(schema, &mut v, options);
                let mut v = doc.clone();
                if let Err(errors) = validate_all(schema, &mut v, options) {
                    assert!(!errors.is_empty());
                }
            }
            if let Value::String(s) = &doc {
                let _ = parse_param(schema, s, RC);
            }
        }
    }
}
