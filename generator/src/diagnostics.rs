//! Errors and warnings about input documents, each tied to a file and a JSON pointer.

use std::fmt;

/// Where in an input document a problem lies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file as the user named it.
    pub file: String,
    /// RFC 6901 JSON pointer into the document (`""` for the whole document).
    pub pointer: String,
    /// 1-based line and column, when the parser reports them.
    pub line_col: Option<(usize, usize)>,
}

impl Location {
    /// A location at `pointer` inside `file`, without a line number.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            pointer: pointer.into(),
            line_col: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, " at #{}", self.pointer)
    }
}

/// How serious a diagnostic is: errors stop generation, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document cannot be used as it is.
    Error,
    /// The document is usable, but something in it is wrong or suspicious.
    Warning,
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    pub location: Location,
    /// A short machine-friendly code, such as `example-mismatch`.
    pub code: &'static str,
    /// One line saying what is wrong.
    pub message: String,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(location: Location, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location,
            code,
            message: message.into(),
        }
    }

    /// A warning at `location`.
    pub fn warning(location: Location, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            location,
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{level}[{}]: {}: {}",
            self.code, self.location, self.message
        )
    }
}

/// Everything that can stop the generator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A document is invalid.
    #[error("{0}")]
    Spec(Box<Diagnostic>),
    /// Two documents define the same operation differently.
    #[error("{method} {path} is defined differently in {first} and {second}")]
    Conflict {
        /// HTTP method, upper case.
        method: String,
        /// Path template.
        path: String,
        /// The first file that defines it.
        first: String,
        /// The second file that defines it.
        second: String,
    },
    /// The generated Rust could not be formatted (a generator bug, reported, never a panic).
    #[error("internal error: generated code for {file} does not parse: {message}")]
    Internal {
        /// The output file.
        file: String,
        /// The parser's message.
        message: String,
    },
}

impl Error {
    /// A spec error at `location`.
    pub fn spec(location: Location, code: &'static str, message: impl Into<String>) -> Self {
        Error::Spec(Box::new(Diagnostic::error(location, code, message)))
    }
}

/// Result type of the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn push_pointer(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    if !token.contains(['~', '/']) {
        out.push_str(token);
        return out;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Splits a JSON pointer into its unescaped reference tokens.
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(unescape_token).collect()
}

/// One reference token of a JSON pointer, unescaped.
pub fn unescape_token(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_owned()
    }
}
