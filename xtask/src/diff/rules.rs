//! The verdicts: for every kind of change, what it does on the wire and to the generated
//! crate's Rust API. The Rust side follows what cargo-semver-checks reports on the crates
//! generated before and after (`xtask/semver-check.sh` compares them).

use std::fmt;

/// Where a change is: in a parameter, the request body, a response, or the operation itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The operation as a whole (added, removed, credentials, ...).
    Operation,
    /// A parameter's schema.
    Parameter,
    /// The request body's schema or media types.
    Request,
    /// A response's schema, media types or status.
    Response,
}

/// What a change does on the wire, judged for clients and servers built on the old
/// description when the other end follows the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wire {
    /// Neither side notices.
    Compatible,
    /// A server built on the old description may refuse what new clients send, or answer
    /// what they cannot read.
    BreakingServer,
    /// A client built on the old description may be refused, or get answers it cannot read
    /// (also when the change breaks both sides).
    BreakingClient,
}

/// The semver bump of the generated crate that a downstream crate sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing in the public Rust API changes.
    Patch,
    /// Something is added or deprecated.
    Minor,
    /// Code that compiled against the old crate may not compile.
    Major,
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Wire::Compatible => "compatible",
            Wire::BreakingServer => "breaking-server",
            Wire::BreakingClient => "breaking-client",
        })
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// Every kind of change. The flags are the facts a verdict depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A new operation.
    OperationAdded,
    /// An operation is gone.
    OperationRemoved,
    /// An operation is now deprecated.
    OperationDeprecated,
    /// An operation is no longer deprecated.
    OperationUndeprecated,
    /// The `operationId`, which the generated names come from, changed.
    OperationIdChanged,
    /// The operation now takes the credential headers (`X-User-Id`/`X-Auth-Token`).
    CredentialsAdded { required: bool },
    /// The operation no longer takes the credential headers.
    CredentialsRemoved { was_required: bool },
    /// The credential headers are now required.
    CredentialsMadeRequired,
    /// The credential headers are now optional.
    CredentialsMadeOptional,
    /// A `security` requirement where there was none.
    SecurityAdded,
    /// No `security` requirement any more.
    SecurityRemoved,
    /// Different `security` requirements.
    SecurityChanged,
    /// A new optional parameter.
    ParameterAdded,
    /// A new required parameter.
    RequiredParameterAdded,
    /// A parameter is gone.
    ParameterRemoved { was_required: bool },
    /// A parameter is now required.
    ParameterMadeRequired,
    /// A parameter is now optional.
    ParameterMadeOptional,
    /// A parameter is now deprecated.
    ParameterDeprecated,
    /// A parameter's `style` or `explode` changed: it is written differently.
    ParameterStyleChanged,
    /// A request body where there was none.
    RequestBodyAdded { required: bool },
    /// The request body is gone.
    RequestBodyRemoved { was_required: bool },
    /// The request body is now required (`retypes`: the Rust field changes with it).
    RequestBodyMadeRequired { retypes: bool },
    /// The request body is now optional.
    RequestBodyMadeOptional { retypes: bool },
    /// A new media type (`retypes`: the generated code now uses another one).
    MediaTypeAdded { retypes: bool },
    /// A media type is gone.
    MediaTypeRemoved { retypes: bool },
    /// A new response status (`success`: a 2xx).
    StatusAdded { success: bool },
    /// A response status is gone.
    StatusRemoved { success: bool },
    /// A value of another type (or a Rust type that changes: `int32`, an enum, a map).
    TypeChanged,
    /// `null` is now allowed.
    NullableAdded,
    /// `null` is no longer allowed.
    NullableRemoved,
    /// A new `enum` value (`rust_enum`: the schema is a generated Rust enum).
    EnumValueAdded { rust_enum: bool },
    /// An `enum` value is gone.
    EnumValueRemoved { rust_enum: bool },
    /// A bound, length, pattern or format accepts fewer values.
    ConstraintTightened,
    /// A bound, length, pattern or format accepts more values.
    ConstraintLoosened,
    /// A new optional property.
    PropertyAdded,
    /// A new required property.
    RequiredPropertyAdded,
    /// A property is gone.
    PropertyRemoved { was_required: bool },
    /// A property is now required.
    PropertyMadeRequired,
    /// A property is now optional.
    PropertyMadeOptional,
    /// A property (or schema) is now deprecated.
    PropertyDeprecated,
    /// A `oneOf`/`anyOf` alternative more.
    VariantAdded,
    /// A `oneOf`/`anyOf` alternative less.
    VariantRemoved,
}

const ENUM_NOTE: &str =
    "the generated client reads enum values it does not know into `Unknown(..)`";
const RESPONSE_RULE_NOTE: &str = "the generated client does not validate responses";
const FIELD_NOTE: &str =
    "a new field breaks struct literals; `#[non_exhaustive]` or a builder would make it minor";
const VARIANT_NOTE: &str =
    "a new variant breaks exhaustive matches; `#[non_exhaustive]` on the enum would make it minor";
const SECURITY_NOTE: &str =
    "the generated code reads credentials from header parameters, not from `security`";

impl Kind {
    /// The kind's name, prefixed for schema changes with where they are:
    /// `request-property-added`, `response-enum-value-added`, `parameter-type-changed`.
    pub fn name(self, side: Side) -> String {
        use Kind::*;
        let base = match self {
            OperationAdded => "operation-added",
            OperationRemoved => "operation-removed",
            OperationDeprecated => "operation-deprecated",
            OperationUndeprecated => "operation-undeprecated",
            OperationIdChanged => "operation-id-changed",
            CredentialsAdded { .. } => "credentials-added",
            CredentialsRemoved { .. } => "credentials-removed",
            CredentialsMadeRequired => "credentials-made-required",
            CredentialsMadeOptional => "credentials-made-optional",
            SecurityAdded => "security-added",
            SecurityRemoved => "security-removed",
            SecurityChanged => "security-changed",
            ParameterAdded => "parameter-added",
            RequiredParameterAdded => "required-parameter-added",
            ParameterRemoved { .. } => "parameter-removed",
            ParameterMadeRequired => "parameter-made-required",
            ParameterMadeOptional => "parameter-made-optional",
            ParameterDeprecated => "parameter-deprecated",
            ParameterStyleChanged => "parameter-style-changed",
            RequestBodyAdded { .. } => "request-body-added",
            RequestBodyRemoved { .. } => "request-body-removed",
            RequestBodyMadeRequired { .. } => "request-body-made-required",
            RequestBodyMadeOptional { .. } => "request-body-made-optional",
            StatusAdded { .. } => "response-status-added",
            StatusRemoved { .. } => "response-status-removed",
            MediaTypeAdded { .. } => "media-type-added",
            MediaTypeRemoved { .. } => "media-type-removed",
            TypeChanged => "type-changed",
            NullableAdded => "nullable-added",
            NullableRemoved => "nullable-removed",
            EnumValueAdded { .. } => "enum-value-added",
            EnumValueRemoved { .. } => "enum-value-removed",
            ConstraintTightened => "constraint-tightened",
            ConstraintLoosened => "constraint-loosened",
            PropertyAdded => "property-added",
            RequiredPropertyAdded => "required-property-added",
            PropertyRemoved { .. } => "property-removed",
            PropertyMadeRequired => "property-made-required",
            PropertyMadeOptional => "property-made-optional",
            PropertyDeprecated => "property-deprecated",
            VariantAdded => "variant-added",
            VariantRemoved => "variant-removed",
        };
        let prefix = match side {
            Side::Operation => return base.to_owned(),
            Side::Parameter => "parameter",
            Side::Request => "request",
            Side::Response => "response",
        };
        if base.starts_with(prefix) {
            base.to_owned()
        } else {
            format!("{prefix}-{base}")
        }
    }

    /// The verdicts: on the wire, for the crate's semver, and a note saying why where that
    /// is not obvious. `side` is where a schema change is (requests and responses mirror
    /// each other: what narrows a request breaks old clients, what narrows a response breaks
    /// old servers).
    pub fn verdict(self, side: Side) -> (Wire, Bump, Option<&'static str>) {
        use Bump::*;
        use Kind::*;
        use Wire::*;
        let response = side == Side::Response;
        // Accepts fewer values: old clients may send them (request), old servers may answer
        // them (response). Accepts more: the other way round.
        let (narrows, widens) = if response {
            (BreakingServer, BreakingClient)
        } else {
            (BreakingClient, BreakingServer)
        };
        let if_then = |c: bool, w: Wire| if c { w } else { Compatible };
        let major_if = |c: bool| if c { Major } else { Patch };
        match self {
            OperationAdded => (Compatible, Minor, None),
            OperationRemoved => (BreakingClient, Major, None),
            OperationDeprecated => (Compatible, Minor, None),
            OperationUndeprecated => (Compatible, Patch, None),
            OperationIdChanged => (
                Compatible,
                Major,
                Some("the generated method and type names come from the operationId"),
            ),
            CredentialsAdded { required } => (
                if_then(required, BreakingClient),
                Major,
                Some("the `Api` trait method gains a `credentials` argument"),
            ),
            CredentialsRemoved { was_required } => (
                if_then(was_required, BreakingServer),
                Major,
                Some("the `Api` trait method loses its `credentials` argument"),
            ),
            CredentialsMadeRequired => (BreakingClient, Major, None),
            CredentialsMadeOptional => (BreakingServer, Major, None),
            SecurityAdded | SecurityChanged => (BreakingClient, Patch, Some(SECURITY_NOTE)),
            SecurityRemoved => (BreakingServer, Patch, Some(SECURITY_NOTE)),
            ParameterAdded => (Compatible, Major, Some(FIELD_NOTE)),
            RequiredParameterAdded => (BreakingClient, Major, None),
            ParameterRemoved { was_required } => (if_then(was_required, BreakingServer), Major, None),
            ParameterMadeRequired => (BreakingClient, Major, None),
            ParameterMadeOptional => (BreakingServer, Major, None),
            ParameterDeprecated => (Compatible, Minor, None),
            ParameterStyleChanged => (BreakingClient, Patch, None),
            RequestBodyAdded { required } => (if_then(required, BreakingClient), Major, None),
            RequestBodyRemoved { was_required } => {
                (if_then(was_required, BreakingServer), Major, None)
            }
            RequestBodyMadeRequired { retypes } => (BreakingClient, major_if(retypes), None),
            RequestBodyMadeOptional { retypes } => (BreakingServer, major_if(retypes), None),
            // A new media type: new clients may send it (request), new servers may answer
            // with it (response).
            MediaTypeAdded { retypes } => (widens, major_if(retypes), None),
            MediaTypeRemoved { retypes } => (narrows, major_if(retypes), None),
            StatusAdded { success } => (
                if_then(success, BreakingClient),
                Major,
                Some("old clients see an undocumented status as `ClientError::UnexpectedStatus`; the response enum gains a variant"),
            ),
            StatusRemoved { success } => (if_then(success, BreakingServer), Major, None),
            TypeChanged => (BreakingClient, Major, None),
            NullableAdded => (widens, Major, None),
            NullableRemoved => (narrows, Major, None),
            EnumValueAdded { rust_enum } => (
                if response { Compatible } else { widens },
                major_if(rust_enum),
                Some(if response { ENUM_NOTE } else { VARIANT_NOTE }),
            ),
            EnumValueRemoved { rust_enum } => (
                if response { Compatible } else { narrows },
                major_if(rust_enum),
                response.then_some(ENUM_NOTE),
            ),
            ConstraintTightened => (
                if response { Compatible } else { narrows },
                Patch,
                response.then_some(RESPONSE_RULE_NOTE),
            ),
            ConstraintLoosened => (
                if response { Compatible } else { widens },
                Patch,
                response.then_some(RESPONSE_RULE_NOTE),
            ),
            PropertyAdded => (
                Compatible,
                Major,
                Some(if response {
                    "old clients ignore properties they do not know; a new field breaks struct literals"
                } else {
                    FIELD_NOTE
                }),
            ),
            RequiredPropertyAdded => (narrows, Major, None),
            PropertyRemoved { was_required } => (
                if response {
                    BreakingClient
                } else {
                    if_then(was_required, BreakingServer)
                },
                Major,
                None,
            ),
            PropertyMadeRequired => (narrows, Major, None),
            PropertyMadeOptional => (widens, Major, None),
            PropertyDeprecated => (Compatible, Minor, None),
            VariantAdded => (widens, Major, None),
            VariantRemoved => (narrows, Major, None),
        }
    }
}
