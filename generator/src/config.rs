//! What a user can choose about the generated code, as read from a configuration file
//! (`codegen.yaml` beside `specs/`, or `generate --config FILE`): names for shared shapes,
//! Rust types of their own for schemas and formats, extra derives, credential headers.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Error, Location, Result};

/// Options that change how an API is modelled. Every field may be left out of the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", default, deny_unknown_fields)]
pub struct BuildOptions {
    /// Header parameters that carry credentials (case-insensitive). Apart from these, headers
    /// named by `apiKey` security schemes count too.
    pub auth_headers: Vec<String>,
    /// Names for shapes shared by several places, by the role they share (`U`, `BadRequest`,
    /// `Agent`: the name the generator derives, shown in the shared type's docs).
    pub shared_names: BTreeMap<String, String>,
    /// Generated types, by their generated name, replaced by a Rust type of the user's or given
    /// extra derives.
    pub types: BTreeMap<String, TypeChoice>,
    /// String `format`s mapped to Rust types: `true` for the built-in mapping
    /// ([`builtin_format`]), or a type of the user's.
    pub formats: BTreeMap<String, FormatChoice>,
    /// Extra derives for every generated struct and enum (`Eq`, `Hash`, `PartialOrd`).
    pub derives: Vec<String>,
    /// The conventions of the generated server (`openapi` or `rocketchat`): whether an absent
    /// JSON body counts as `{}`, the error shape.
    pub profile: crate::Profile,
    /// Corrections of the documents, made before they are typed: `FILE#/json/pointer` (`FILE`
    /// the document's file name) → a mapping merged into the node at that pointer (as a JSON
    /// merge patch, RFC 7386: members replaced, `null` removes one).
    pub patches: BTreeMap<String, serde_json::Value>,
    /// The file these options were read from, for errors (empty for defaults).
    #[serde(skip)]
    pub source: String,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            auth_headers: vec!["X-User-Id".into(), "X-Auth-Token".into()],
            shared_names: BTreeMap::new(),
            types: BTreeMap::new(),
            formats: BTreeMap::new(),
            derives: Vec::new(),
            profile: crate::Profile::default(),
            patches: BTreeMap::new(),
            source: String::new(),
        }
    }
}

/// A Rust type that stands for a schema, and the crate it comes from. The same shape as the
/// `x-rust-type` extension (typify's): `{crate: uuid, version: "1", path: uuid::Uuid}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RustType {
    /// The type as written in Rust code: `uuid::Uuid`, `my_domain::Room`.
    pub path: String,
    /// The crate to add to the generated crate's dependencies (none: the user adds it).
    #[serde(rename = "crate", default)]
    pub krate: Option<String>,
    /// Its version requirement.
    #[serde(default)]
    pub version: Option<String>,
    /// Its features to enable (`serde`, usually).
    #[serde(default)]
    pub features: Vec<String>,
}

/// What to do with one generated type: a Rust type of the user's instead (`path`, with
/// `crate`, `version` and `features` as in [`RustType`]; the generated name becomes an alias),
/// or extra derives.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TypeChoice {
    /// The Rust type to use instead of generating one.
    pub path: Option<String>,
    /// The crate it comes from.
    #[serde(rename = "crate")]
    pub krate: Option<String>,
    /// Its version requirement.
    pub version: Option<String>,
    /// Its features to enable.
    pub features: Vec<String>,
    /// Extra derives for the generated type.
    pub derives: Vec<String>,
}

impl TypeChoice {
    /// The Rust type chosen, if any.
    pub fn rust_type(&self) -> Option<RustType> {
        self.path.as_ref().map(|path| RustType {
            path: path.clone(),
            krate: self.krate.clone(),
            version: self.version.clone(),
            features: self.features.clone(),
        })
    }
}

/// How a string `format` is typed.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FormatChoice {
    /// `true`: the built-in mapping; `false`: a plain `String`.
    Builtin(bool),
    /// A type of the user's.
    Rust(RustType),
}

/// The built-in type of a string format: `uuid` → `uuid::Uuid`, `date-time` →
/// `chrono::DateTime<chrono::FixedOffset>` (the offset kept as sent), `date` →
/// `chrono::NaiveDate`, `uri`/`url` → `url::Url`; each crate with its `serde` feature.
pub fn builtin_format(format: &str) -> Option<RustType> {
    let (path, krate, version) = match format {
        "uuid" => ("uuid::Uuid", "uuid", "1"),
        "date-time" => ("chrono::DateTime<chrono::FixedOffset>", "chrono", "0.4"),
        "date" => ("chrono::NaiveDate", "chrono", "0.4"),
        "uri" | "url" => ("url::Url", "url", "2"),
        _ => return None,
    };
    Some(RustType {
        path: path.into(),
        krate: Some(krate.into()),
        version: Some(version.into()),
        features: vec!["serde".into()],
    })
}

impl BuildOptions {
    /// Reads options from a YAML file; an unknown key or a wrong value is an error naming the
    /// file and the key's path.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_yaml(&text, &path.display().to_string())
    }

    /// Reads options from YAML text; `file` names it in errors.
    pub fn from_yaml(text: &str, file: &str) -> Result<Self> {
        let at = |pointer: String, message: String| {
            Error::spec(Location::new(file, pointer), "bad-config", message)
        };
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let de = serde_yaml::Deserializer::from_str(text);
        let mut options: BuildOptions = serde_path_to_error::deserialize(de).map_err(|e| {
            let pointer = e
                .path()
                .iter()
                .map(|seg| format!("/{seg}"))
                .collect::<String>();
            at(pointer, e.into_inner().to_string())
        })?;
        options
            .check()
            .map_err(|(pointer, message)| at(pointer, message))?;
        options.source = file.to_owned();
        Ok(options)
    }

    /// Every name and type in the options is valid Rust.
    fn check(&self) -> std::result::Result<(), (String, String)> {
        for (role, name) in &self.shared_names {
            if syn::parse_str::<syn::Ident>(name).is_err() {
                return Err((
                    format!("/shared-names/{role}"),
                    format!("`{name}` is not a Rust identifier"),
                ));
            }
        }
        let rust = |at: String, t: &RustType| t.check().map_err(|m| (at, m));
        for (name, choice) in &self.types {
            if let Some(t) = choice.rust_type() {
                rust(format!("/types/{name}/path"), &t)?;
            }
            check_derives(&choice.derives).map_err(|m| (format!("/types/{name}/derives"), m))?;
        }
        for (format, choice) in &self.formats {
            if let FormatChoice::Rust(t) = choice {
                rust(format!("/formats/{format}/path"), t)?;
            } else if matches!(choice, FormatChoice::Builtin(true))
                && builtin_format(format).is_none()
            {
                return Err((
                    format!("/formats/{format}"),
                    format!("no built-in type for format `{format}` (built in: uuid, date-time, date, uri, url); give a type: {{path: ..., crate: ..., version: ...}}"),
                ));
            }
        }
        for (key, patch) in &self.patches {
            let at = format!("/patches/{}", key.replace('~', "~0").replace('/', "~1"));
            match key.split_once('#') {
                Some((file, pointer))
                    if !file.is_empty() && (pointer.is_empty() || pointer.starts_with('/')) => {}
                _ => {
                    return Err((
                        at,
                        format!("`{key}` is not a reference `FILE#/json/pointer`"),
                    ))
                }
            }
            if !patch.is_object() {
                return Err((at, "a patch must be a mapping".into()));
            }
        }
        check_derives(&self.derives).map_err(|m| ("/derives".to_owned(), m))
    }

    /// Applies the patches for document `file` (matched by file name) to its `value`, before
    /// it is typed; `used` marks the patches applied. A pointer the document does not have is
    /// an error naming the configuration file and the patch's key.
    pub fn patch(
        &self,
        file: &str,
        value: &mut serde_json::Value,
        used: &mut [bool],
    ) -> Result<()> {
        let name = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, (key, patch)) in self.patches.iter().enumerate() {
            let Some((target, pointer)) = key.split_once('#') else {
                continue;
            };
            if target != name && target != file {
                continue;
            }
            let node = value.pointer_mut(pointer).ok_or_else(|| {
                self.patch_error(key, format!("`{file}` has nothing at `{pointer}`"))
            })?;
            merge_patch(node, patch);
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
        }
        Ok(())
    }

    /// The error for a patch that names no loaded document.
    pub fn unused_patch(&self, used: &[bool]) -> Result<()> {
        match self.patches.keys().zip(used).find(|(_, used)| !**used) {
            Some((key, _)) => {
                Err(self.patch_error(key, format!("no document loaded is named by `{key}`")))
            }
            None => Ok(()),
        }
    }

    fn patch_error(&self, key: &str, message: String) -> Error {
        let pointer = format!("/patches/{}", key.replace('~', "~0").replace('/', "~1"));
        let file = if self.source.is_empty() {
            "configuration"
        } else {
            &self.source
        };
        Error::spec(Location::new(file, pointer), "bad-patch", message)
    }
}

/// Merges `patch` into `target` as RFC 7386 says: an object's members merged one by one
/// (`null` removing one), anything else replacing the target.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let serde_json::Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(Default::default());
    }
    if let serde_json::Value::Object(t) = target {
        for (k, v) in members {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(serde_json::Value::Null), v);
            }
        }
    }
}

impl RustType {
    /// The path is a Rust type (`uuid::Uuid`, `chrono::DateTime<chrono::Utc>`) and the crate,
    /// if any, a package name.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        syn::parse_str::<syn::Type>(&self.path)
            .map_err(|_| format!("`{}` is not a Rust type", self.path))?;
        // A type position can hold a macro call (`include!(..)`): a document must not run one.
        if self.path.contains('!') {
            return Err(format!("`{}`: a macro is not a type", self.path));
        }
        let package = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        match &self.krate {
            Some(k) if !package(k) => Err(format!("`{k}` is not a crate name")),
            _ => Ok(()),
        }
    }
}

fn check_derives(derives: &[String]) -> std::result::Result<(), String> {
    for d in derives {
        if syn::parse_str::<syn::Path>(d).is_err() {
            return Err(format!("`{d}` is not a derive macro's path"));
        }
    }
    Ok(())
}
