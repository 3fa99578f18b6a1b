//! The `regexp` of a custom field: a JavaScript regular expression tested against values.

use fancy_regex::Regex;

use super::Error;

/// Checks `value` against the field's `regexp` the way Rocket.Chat does
/// (`new RegExp(regexp).test(value)`, unanchored; no check when the pattern is empty).
///
/// `fancy-regex` supports the JavaScript features the `regex` crate lacks (look-around,
/// back-references). A pattern that does not compile, or that takes too long to run, rejects the
/// value, as a `SyntaxError` does in Rocket.Chat.
pub fn check(field: &str, pattern: Option<&str>, value: &str) -> Result<(), Error> {
    let Some(pattern) = pattern.filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let regex = Regex::new(pattern)
        .map_err(|e| Error::Failure(format!("Invalid regular expression: /{pattern}/: {e}")))?;
    match regex.is_match(value) {
        Ok(true) => Ok(()),
        Ok(false) => Err(invalid_value(field)),
        Err(e) => Err(Error::Failure(format!(
            "Invalid regular expression: /{pattern}/: {e}"
        ))),
    }
}

/// Rocket.Chat's `error-invalid-custom-field-value` message.
pub fn invalid_value(field: &str) -> Error {
    Error::Failure(format!("Invalid value for {field} field"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(pattern: &str, value: &str) -> bool {
        check("f", Some(pattern), value).is_ok()
    }

    #[test]
    fn empty_or_absent_patterns_accept_everything() {
        assert!(check("f", None, "anything").is_ok());
        assert!(ok("", "anything"));
    }

    #[test]
    fn patterns_are_unanchored_like_regexp_test() {
        assert!(ok("[0-9]", "abc1"));
        assert!(!ok("^[0-9]+$", "12a"));
        assert!(ok("^[0-9]+$", "123"));
    }

    #[test]
    fn javascript_features_work() {
        assert!(ok(r"^(?=.*\d)[a-z\d]+$", "abc1"));
        assert!(!ok(r"^(?=.*\d)[a-z\d]+$", "abc"));
        assert!(ok(r"^(a)\1$", "aa"));
    }

    #[test]
    fn bad_patterns_reject_with_a_message() {
        match check("f", Some("("), "x") {
            Err(Error::Failure(m)) => assert!(m.starts_with("Invalid regular expression: /(/")),
            other => panic!("{other:?}"),
        }
        match check("zip", Some("^1"), "2") {
            Err(Error::Failure(m)) => assert_eq!(m, "Invalid value for zip field"),
            other => panic!("{other:?}"),
        }
    }
}
