//! Random identifiers in Rocket.Chat's format.

/// The alphabet of Meteor's `Random.id()`: no look-alike characters.
const UNMISTAKABLE: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";

/// A random identifier of `len` characters from Meteor's alphabet (Rocket.Chat uses 17 for `_id`).
pub fn random_id(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).expect("the operating system's random source is available");
        // Rejection sampling keeps the distribution uniform: 55 symbols, 4 * 55 = 220 <= 256.
        let limit = (256 / UNMISTAKABLE.len() * UNMISTAKABLE.len()) as u8;
        for b in buf {
            if out.len() == len {
                break;
            }
            if b < limit {
                out.push(UNMISTAKABLE[usize::from(b) % UNMISTAKABLE.len()] as char);
            }
        }
    }
    out
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_requested_length_and_alphabet() {
        let id = random_id(17);
        assert_eq!(id.len(), 17);
        assert!(id.bytes().all(|b| UNMISTAKABLE.contains(&b)));
        assert_ne!(random_id(17), id);
        assert_eq!(random_id(100).len(), 100);
    }

    #[test]
    fn secrets_compare_by_content() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(constant_time_eq("", ""));
    }
}
