//! The intermediate model: an API as operations and named Rust types, with everything resolved.
//!
//! Built by [`crate::build`] from typed documents; read by [`crate::emit`]. No `$ref`s, no raw
//! YAML, no spec quirks remain here: names are final Rust identifiers.

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Location};

/// A whole API, possibly merged from several documents.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// `info.title` of the first document.
    pub title: String,
    /// `info.version` of the first document.
    pub version: String,
    /// `info.description`, if any.
    pub description: Option<String>,
    /// The documents this API was built from, as named by the user.
    pub sources: Vec<String>,
    /// Operations, sorted by path then method.
    pub operations: Vec<Operation>,
    /// Requests the API sends to its subscribers (3.1 `webhooks`, and `callbacks`), sorted by
    /// their route on the subscriber's side (`/<name>`), then method.
    pub webhooks: Vec<Operation>,
    /// Named types; [`TypeId`] indexes this list.
    pub types: Vec<TypeDef>,
    /// Security schemes: the document's `securitySchemes` that operations use, and the
    /// credential header parameters (Rocket.Chat's `X-User-Id`/`X-Auth-Token`) as apiKey
    /// schemes. [`Operation::security`] indexes this list.
    pub security_schemes: Vec<SecurityScheme>,
    /// The first document's `servers`.
    pub servers: Vec<Server>,
    /// Problems found while building (never fatal).
    pub warnings: Vec<Diagnostic>,
    /// Crates the user's types come from, by crate name, for the generated manifest.
    pub dependencies: std::collections::BTreeMap<String, crate::config::RustType>,
    /// Extra derives for every generated struct and enum.
    pub derives: Vec<String>,
    /// Extra derives for single types, by type name.
    pub type_derives: std::collections::BTreeMap<String, Vec<String>>,
}

impl Api {
    /// The webhooks and callbacks as an API of their own, for the files that serve and send
    /// them: their operations, the same types, no security schemes (the API's credentials are
    /// not a subscriber's) and no servers (the subscriber's URL is given).
    pub fn webhooks_api(&self) -> Api {
        Api {
            operations: self.webhooks.clone(),
            webhooks: Vec::new(),
            types: self.types.clone(),
            security_schemes: Vec::new(),
            servers: Vec::new(),
            warnings: Vec::new(),
            title: self.title.clone(),
            version: self.version.clone(),
            description: None,
            sources: self.sources.clone(),
            dependencies: self.dependencies.clone(),
            derives: self.derives.clone(),
            type_derives: self.type_derives.clone(),
        }
    }
}

/// One security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its name in `components/securitySchemes` (the header name for a credential parameter).
    pub key: String,
    /// The field of the generated `Credentials` struct.
    pub field: String,
    /// How the credential travels.
    pub kind: SchemeKind,
    /// The scheme's description.
    pub description: Option<String>,
    /// Part of every set of credentials an operation accepts: the field is not optional.
    pub always: bool,
}

/// How a security scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `apiKey`: a header, query parameter or cookie (never [`ParamIn::Path`]).
    ApiKey {
        /// Where.
        location: ParamIn,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// `http` with scheme `basic`: user name and password.
    Basic,
    /// A token in `Authorization: <scheme> <token>`: `http` bearer (or another HTTP scheme,
    /// named as the spec writes it), `oauth2` and `openIdConnect` (as `Bearer`).
    Token {
        /// The authorization scheme (`Bearer`).
        scheme: String,
        /// `oauth2` or `openIdConnect`: tokens usually come from a token provider.
        oauth: bool,
    },
}

/// One entry of `servers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The URL template (`https://{region}.example.com/v1`).
    pub url: String,
    /// Its description.
    pub description: Option<String>,
    /// Its variables, in document order.
    pub variables: Vec<ServerVariable>,
}

/// A variable of a server URL template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVariable {
    /// The name in the template.
    pub name: String,
    /// The field name.
    pub rust: String,
    /// The default value.
    pub default: String,
    /// The allowed values (`enum`), if listed.
    pub allowed: Vec<String>,
    /// Its description.
    pub description: Option<String>,
}

/// Index of a named type in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A Rust type as used in a field, parameter or body.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `String`
    String,
    /// Any JSON value (`serde_json::Value`).
    Any,
    /// A JSON object with any members (`serde_json::Map<String, Value>`).
    Object,
    /// Raw bytes of a non-JSON body (`Vec<u8>`).
    Bytes,
    /// A binary body, in memory or streamed (`rt::ByteStream`).
    ByteStream,
    /// A `text/event-stream` body: a stream of events whose data is this type
    /// (`rt::EventStream<T>`; `String` for text data, else decoded from JSON).
    Events(Box<TypeRef>),
    /// A named type.
    Named(TypeId),
    /// `Vec<T>`
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`
    Map(Box<TypeRef>),
    /// `Option<T>` (a nullable value).
    Nullable(Box<TypeRef>),
    /// `Box<T>` (breaks a recursive type).
    Boxed(Box<TypeRef>),
    /// `(A, B)`: an array of exactly these items (3.1 `prefixItems` with `items: false` and
    /// `minItems` covering them).
    Tuple(Vec<TypeRef>),
    /// A Rust type of the user's (`uuid::Uuid`): from `x-rust-type`, a format mapping or the
    /// configuration; checked to parse as a Rust type when the model is built.
    Rust(String),
}

/// Documentation carried from the spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// Title or summary: the first line.
    pub summary: Option<String>,
    /// Longer text.
    pub description: Option<String>,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// The JSON-schema rules a value of this type must follow (for request validation).
    pub schema: VSchema,
    /// Where the type was defined.
    pub origin: Location,
    /// Example values found in the spec for this type, with their location.
    pub examples: Vec<(Location, Value)>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct from an object schema.
    Struct(StructDef),
    /// A string enum; unknown values deserialize into a catch-all `Unknown(String)` variant.
    Enum(Vec<EnumVariant>),
    /// `oneOf`/`anyOf`: an untagged enum, or a tagged one when there is a discriminator.
    Union(UnionDef),
    /// A name for another type (`pub type X = Y;`).
    Alias(TypeRef),
}

/// Fields of a struct.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StructDef {
    /// Declared properties, in name order.
    pub fields: Vec<Field>,
    /// The members the schema does not list, kept in a flattened map of this value type:
    /// `additionalProperties: {schema}`'s type, or `TypeRef::Any` where they are allowed
    /// without a schema (3.0's default); `None` under `additionalProperties: false` (and for
    /// types whose configured derives a map cannot have).
    pub additional: Option<TypeRef>,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name.
    pub rust: String,
    /// JSON name.
    pub wire: String,
    /// Type of the value when present and not null.
    pub ty: TypeRef,
    /// Listed in `required` (and not read-only/write-only).
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Documentation.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly` / `writeOnly` note for the docs.
    pub access: Option<&'static str>,
    /// `default` value, documented.
    pub default: Option<Value>,
}

/// A variant of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// Rust name.
    pub rust: String,
    /// The string on the wire.
    pub wire: String,
}

/// A `oneOf`/`anyOf` type.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// Variants in spec order.
    pub variants: Vec<UnionVariant>,
    /// Discriminator property, when the spec gives one.
    pub discriminator: Option<String>,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust: String,
    /// Its type.
    pub ty: TypeRef,
    /// Discriminator values selecting this variant.
    pub tags: Vec<String>,
}

/// JSON types, as in JSON Schema `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// null
    Null,
    /// true / false
    Boolean,
    /// an integral number
    Integer,
    /// any number
    Number,
    /// a string
    String,
    /// an array
    Array,
    /// an object
    Object,
}

/// A JSON-schema node for request validation (the subset OpenAPI 3.0 defines).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VSchema {
    /// Allowed types; empty means any.
    pub types: Vec<JsonType>,
    /// `nullable: true`.
    pub nullable: bool,
    /// `enum` values.
    pub enumeration: Vec<Value>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `items`.
    pub items: Option<Box<VRef>>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `properties`, in name order.
    pub properties: Vec<(String, VRef)>,
    /// `required`, in spec order.
    pub required: Vec<String>,
    /// `additionalProperties`.
    pub additional: VAdditional,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `allOf`.
    pub all_of: Vec<VRef>,
    /// `anyOf`.
    pub any_of: Vec<VRef>,
    /// `oneOf`.
    pub one_of: Vec<VRef>,
    /// `not`.
    pub not: Option<Box<VRef>>,
    /// The `format` of a string typed as a user's type (kept only then; the validator, like
    /// Ajv, does not check formats): the generated tests build values of that format.
    pub typed_format: Option<String>,
    /// `prefixItems` (JSON Schema 2020-12): the first items' rules; `items` then applies to
    /// the items after them.
    pub prefix_items: Vec<VRef>,
    /// `contains`.
    pub contains: Option<Box<VRef>>,
    /// `minContains`.
    pub min_contains: Option<u64>,
    /// `maxContains`.
    pub max_contains: Option<u64>,
    /// `propertyNames`.
    pub property_names: Option<Box<VRef>>,
    /// `patternProperties`, in document order (patterns checked to be ECMAScript regular
    /// expressions).
    pub pattern_properties: Vec<(String, VRef)>,
    /// `dependentRequired`, in document order.
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// `unevaluatedProperties: false`.
    pub unevaluated_forbidden: bool,
    /// `if`.
    pub if_schema: Option<Box<VRef>>,
    /// `then`.
    pub then_schema: Option<Box<VRef>>,
    /// `else`.
    pub else_schema: Option<Box<VRef>>,
}

/// `additionalProperties` for validation.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum VAdditional {
    /// Anything allowed (the default).
    #[default]
    Allowed,
    /// `additionalProperties: false`.
    Forbidden,
    /// `additionalProperties: {schema}`.
    Schema(Box<VRef>),
}

/// A validation node: inline, or the schema of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum VRef {
    /// An inline node.
    Inline(Box<VSchema>),
    /// The schema of a named type.
    Named(TypeId),
}

impl VRef {
    /// A node that accepts anything.
    pub fn any() -> VRef {
        VRef::Inline(Box::default())
    }
}

/// HTTP methods OpenAPI 3.0 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case name (`GET`).
    pub fn as_upper(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Rust method name (`post_livechat_custom_fields`).
    pub name: String,
    /// Prefix of this operation's type names (`PostLivechatCustomFields`).
    pub type_prefix: String,
    /// Name of the input struct (`PostLivechatCustomFieldsInput`; reserved, and written only
    /// when the operation [has an input](Operation::has_input)).
    pub input_type: String,
    /// Name of the output enum (`PostLivechatCustomFieldsResponse`).
    pub output_type: String,
    /// The operationId as written, if any.
    pub operation_id: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Path template as written in the spec.
    pub path: String,
    /// The path split for routing and URL building; `None` when it cannot be served (see `unroutable`).
    pub segments: Vec<Segment>,
    /// Why the path cannot be routed, if it cannot.
    pub unroutable: Option<String>,
    /// First tag.
    pub tag: Option<String>,
    /// Summary and description.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Parameters other than credentials, in location then spec order.
    pub params: Vec<Param>,
    /// Credentials this operation takes (derived from [`Operation::security`]).
    pub auth: AuthUse,
    /// The sets of credentials the operation accepts, any one of them: each a list of indexes
    /// into [`Api::security_schemes`], all sent together; an empty set allows anonymous calls.
    pub security: Vec<Vec<usize>>,
    /// How the client reads every page of a list, when the operation is paged.
    pub pagination: Option<Pagination>,
    /// Request body.
    pub body: Option<Body>,
    /// Documented responses, by status.
    pub responses: Vec<Response>,
    /// Where the operation was defined.
    pub origin: Location,
    /// Request examples that can be replayed (JSON bodies), with their location.
    pub request_examples: Vec<(Location, Value)>,
}

impl Operation {
    /// Whether the operation takes an input (parameters or a body): operations without one
    /// get no input struct and no input argument.
    pub fn has_input(&self) -> bool {
        !self.params.is_empty() || self.body.is_some()
    }
}

/// How an operation uses credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthUse {
    /// No credential headers.
    None,
    /// Credentials are required.
    Required,
    /// Credentials may be sent.
    Optional,
}

/// A list operation the client can page through.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The client method yielding every item (`get_livechat_rooms_stream`).
    pub method: String,
    /// How the next page is asked for.
    pub kind: PageKind,
    /// The page size parameter (index into [`Operation::params`]), if any.
    pub limit: Option<usize>,
    /// The response variant whose body is a page.
    pub variant: String,
    /// The body's field holding the items.
    pub items: PageField,
    /// The type of one item.
    pub item_ty: TypeRef,
    /// The body's field holding the total number of items, if any.
    pub total: Option<PageField>,
}

/// How the next page of a list is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// An item offset parameter (index into [`Operation::params`]), advanced by the items read.
    Offset(usize),
    /// A page number parameter, advanced by one.
    Page(usize),
    /// A cursor parameter, set from the body's next-cursor field.
    Cursor {
        /// The parameter.
        param: usize,
        /// The body's field holding the next cursor.
        next: PageField,
    },
}

/// A field of a page's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageField {
    /// The Rust field name.
    pub rust: String,
    /// How many `Option` layers wrap it (0: required; 1: optional or nullable; 2: both).
    pub options: u8,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text between slashes.
    Literal(String),
    /// A whole-segment parameter: index into [`Operation::params`].
    Param(usize),
}

/// Where a parameter lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamIn {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire.
    pub wire: String,
    /// Field name in the input struct.
    pub rust: String,
    /// Location.
    pub location: ParamIn,
    /// Required (always true for path parameters).
    pub required: bool,
    /// Value type.
    pub ty: TypeRef,
    /// Validation rules.
    pub schema: VRef,
    /// Documentation.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// How the value is written (OpenAPI `style`, `explode`, or `content` for JSON text).
    pub style: ParamStyle,
}

/// How a parameter value is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form` (query, cookie): `a=1&a=2` exploded, `a=1,2` otherwise.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `simple` (path, header): `1,2`.
    Simple,
    /// `label` (path): `.1.2` exploded, `.1,2` otherwise.
    Label {
        /// `explode`.
        explode: bool,
    },
    /// `matrix` (path): `;a=1;a=2` exploded, `;a=1,2` otherwise.
    Matrix {
        /// `explode`.
        explode: bool,
    },
    /// `spaceDelimited` (query): `a=1%202`.
    SpaceDelimited,
    /// `pipeDelimited` (query): `a=1|2`.
    PipeDelimited,
    /// `deepObject` (query): `a[x]=1&a[y]=2`.
    DeepObject,
    /// `content: {application/json: ...}`: the value is JSON text.
    Json,
    /// A type-less value: strings as they are, anything else as JSON text.
    Loose,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Media type served.
    pub media: Media,
    /// The content type string.
    pub content_type: String,
    /// Required.
    pub required: bool,
    /// Type of the body (JSON), `String` for text, [`TypeRef::ByteStream`] for binary media.
    pub ty: TypeRef,
    /// Validation rules (JSON only).
    pub schema: VRef,
    /// Documentation.
    pub docs: Docs,
    /// The members of a `multipart/form-data` or `application/x-www-form-urlencoded` body
    /// (the fields of its struct `ty`), in field order; empty for other media.
    pub parts: Vec<Part>,
}

/// One member of a multipart or form body and how it travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The name on the wire.
    pub wire: String,
    /// The struct field.
    pub rust: String,
    /// How each value is written.
    pub kind: PartKind,
    /// An array sent as repeated parts (or pairs), one per item.
    pub repeated: bool,
}

/// How the value of a body member is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A file ([`crate::types::FILE_PART`]): bytes, file name, content type (multipart only).
    File,
    /// Text, scalars coerced as query strings are.
    Text,
    /// JSON text (`encoding.contentType: application/json`, or an object).
    Json,
    /// An object as `name[key]=value` pairs (forms, `encoding.style: deepObject`).
    DeepObject,
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// JSON (`application/json`, `*+json`).
    Json,
    /// Text (`text/*`).
    Text,
    /// Server-sent events (`text/event-stream`), in responses (a request body of this type
    /// is [`Media::Binary`]).
    EventStream,
    /// `multipart/form-data`: a struct of parts ([`Body::parts`]), files as [`crate::types::FILE_PART`].
    Multipart,
    /// `application/x-www-form-urlencoded`: a struct sent as `name=value` pairs.
    Form,
    /// Anything else, passed as a stream of bytes ([`TypeRef::ByteStream`]).
    Binary,
}

/// One documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Status code; `None` for `default`.
    pub status: Option<u16>,
    /// For ranges like `4XX`: the first digit.
    pub range: Option<u8>,
    /// Variant name in the output enum (`Ok`, `BadRequest`).
    pub variant: String,
    /// Documentation.
    pub docs: Docs,
    /// Body, if the response has content.
    pub body: Option<ResponseBody>,
    /// Example bodies, with their location.
    pub examples: Vec<(Location, Value)>,
    /// The headers the response declares (`Content-Type` left out), as header parameters.
    pub headers: Vec<Param>,
    /// Name of the struct holding them (`GetFooOkHeaders`); `None` when none is declared.
    pub headers_type: Option<String>,
}

/// A response body.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseBody {
    /// Media type.
    pub media: Media,
    /// Content type string.
    pub content_type: String,
    /// Rust type.
    pub ty: TypeRef,
}

/// Visits every [`TypeId`] a model value refers to, so that ids can be rewritten (an alias
/// replaced by the type it stands for, to compare the shapes of types).
pub trait TypeIds {
    /// Calls `f` on each type id held, in a fixed order.
    fn type_ids_mut(&mut self, f: &mut dyn FnMut(&mut TypeId));
}

impl TypeIds for TypeRef {
    fn type_ids_mut(&mut self, f: &mut dyn FnMut(&mut TypeId)) {
        match self {
            TypeRef::Named(id) => f(id),
            TypeRef::Vec(t)
            | TypeRef::Map(t)
            | TypeRef::Nullable(t)
            | TypeRef::Boxed(t)
            | TypeRef::Events(t) => t.type_ids_mut(f),
            TypeRef::Tuple(items) => items.iter_mut().for_each(|t| t.type_ids_mut(f)),
            _ => {}
        }
    }
}

impl TypeIds for VRef {
    fn type_ids_mut(&mut self, f: &mut dyn FnMut(&mut TypeId)) {
        match self {
            VRef::Named(id) => f(id),
            VRef::Inline(s) => s.type_ids_mut(f),
        }
    }
}

impl TypeIds for VSchema {
    fn type_ids_mut(&mut self, f: &mut dyn FnMut(&mut TypeId)) {
        if let Some(i) = &mut self.items {
            i.type_ids_mut(f);
        }
        for (_, p) in &mut self.properties {
            p.type_ids_mut(f);
        }
        if let VAdditional::Schema(a) = &mut self.additional {
            a.type_ids_mut(f);
        }
        for v in self
            .all_of
            .iter_mut()
            .chain(self.any_of.iter_mut())
            .chain(self.one_of.iter_mut())
        {
            v.type_ids_mut(f);
        }
        if let Some(n) = &mut self.not {
            n.type_ids_mut(f);
        }
    }
}

impl TypeIds for TypeKind {
    fn type_ids_mut(&mut self, f: &mut dyn FnMut(&mut TypeId)) {
        match self {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.ty.type_ids_mut(f);
                }
                if let Some(a) = &mut s.additional {
                    a.type_ids_mut(f);
                }
            }
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| v.ty.type_ids_mut(f)),
            TypeKind::Alias(t) => t.type_ids_mut(f),
            TypeKind::Enum(_) => {}
        }
    }
}
