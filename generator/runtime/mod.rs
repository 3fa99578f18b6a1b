//! Support code shared by the generated modules (written out verbatim by the generator).

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "server")]
pub mod validate;

use serde::{Deserialize, Deserializer, Serialize};

/// How a parameter value is written in a URL, header or cookie (OpenAPI `style` and
/// `explode`; `Json` for parameters given as `content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form`: `a=1&a=2` exploded, `a=1,2` otherwise.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `simple`: `1,2`.
    Simple,
    /// `label`: `.1.2` exploded, `.1,2` otherwise.
    Label {
        /// `explode`.
        explode: bool,
    },
    /// `matrix`: `;a=1;a=2` exploded, `;a=1,2` otherwise.
    Matrix {
        /// `explode`.
        explode: bool,
    },
    /// `spaceDelimited`: `1 2`.
    SpaceDelimited,
    /// `pipeDelimited`: `1|2`.
    PipeDelimited,
    /// `deepObject`: `a[x]=1&a[y]=2`.
    DeepObject,
    /// JSON text.
    Json,
    /// A type-less value: strings as they are, anything else as JSON text.
    Loose,
}

impl Style {
    /// `form`, exploded: the default of query and cookie parameters.
    pub const FORM: Style = Style::Form { explode: true };
}

/// How a security scheme carries its credential (client and server read the same table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// An API key in the named header.
    Header(&'static str),
    /// An API key in the named query parameter.
    Query(&'static str),
    /// An API key in the named cookie.
    Cookie(&'static str),
    /// `Authorization: Basic ..` with a user name and password.
    Basic,
    /// `Authorization: <scheme> <token>` (`Bearer` for http bearer, oauth2 and openIdConnect).
    Token(&'static str),
}

/// A user name and password (HTTP basic authentication). `Debug` hides the password.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct BasicAuth {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth").field("username", &self.username).field("password", &"***").finish()
    }
}

/// The error body Rocket.Chat sends: `{"success": false, "error": "...", "errorType": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// What went wrong (for Meteor errors: the reason followed by ` [errorType]`).
    pub error: String,
    /// A stable error code such as `invalid-params`.
    #[serde(rename = "errorType", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
}

impl ErrorBody {
    /// A Meteor-style error: `error` is `"{reason} [{error_type}]"`.
    pub fn meteor(reason: &str, error_type: &str) -> Self {
        let error = if reason.is_empty() { format!("[{error_type}]") } else { format!("{reason} [{error_type}]") };
        ErrorBody { success: false, error, error_type: Some(error_type.to_owned()) }
    }
}

/// Deserializes a present field of an optional nullable property: `null` becomes `Some(None)`,
/// so an absent field (`None`) and an explicit `null` stay distinct.
pub fn deserialize_some<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
