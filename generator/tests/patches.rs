//! `patches:` in the configuration: documents corrected before they are typed, and a patch
//! that points nowhere is an error naming the configuration file and the key.

use std::path::{Path, PathBuf};

use generator::ir::{Api, TypeKind, TypeRef};
use generator::BuildOptions;

fn omnichannel() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/omnichannel.yaml")
}

/// The Rust type of the `file` field of the upload's body.
fn upload_file_type(api: &Api) -> TypeRef {
    let body = api
        .types
        .iter()
        .find(|t| t.name == "PostLivechatUploadBody")
        .expect("the upload's body is a struct");
    let TypeKind::Struct(s) = &body.kind else {
        panic!("{:?}", body.kind)
    };
    s.fields
        .iter()
        .find(|f| f.wire == "file")
        .unwrap()
        .ty
        .clone()
}

#[test]
fn the_workspace_configuration_makes_the_upload_a_file() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen.yaml");
    let options = BuildOptions::from_file(&config).unwrap();
    let patched = generator::load_all_with(&[omnichannel()], &options).unwrap();
    let api = generator::model(&patched, &options).unwrap();
    assert_eq!(
        upload_file_type(&api),
        TypeRef::Rust("crate::rt::FilePart".into())
    );
    // As published, the document says `type: string`: text.
    let plain = generator::load_all(&[omnichannel()]).unwrap();
    let api = generator::model(&plain, &options).unwrap();
    assert_eq!(upload_file_type(&api), TypeRef::String);
}

#[test]
fn a_patch_merges_and_removes_members() {
    let options = BuildOptions::from_yaml(
        "patches:\n  \"omnichannel.yaml#/info\":\n    title: Patched\n    version: null\n    x-new: {a: 1}\n",
        "c.yaml",
    )
    .unwrap();
    let mut raw = generator::load::read_file(&omnichannel()).unwrap();
    let mut used = vec![false];
    options.patch(&raw.file, &mut raw.value, &mut used).unwrap();
    assert_eq!(used, vec![true]);
    assert_eq!(raw.value["info"]["title"], "Patched");
    assert!(raw.value["info"].get("version").is_none());
    assert_eq!(raw.value["info"]["x-new"]["a"], 1);
}

#[test]
fn a_patch_that_points_nowhere_is_an_error_naming_the_file_and_key() {
    let cases = [
        (
            "omnichannel.yaml#/paths/~1nowhere",
            "has nothing at `/paths/~1nowhere`",
        ),
        (
            "other.yaml#/info",
            "no document loaded is named by `other.yaml#/info`",
        ),
    ];
    for (key, message) in cases {
        let options = BuildOptions::from_yaml(
            &format!("patches:\n  \"{key}\":\n    x: 1\n"),
            "codegen.yaml",
        )
        .unwrap();
        let err = generator::load_all_with(&[omnichannel()], &options)
            .unwrap_err()
            .to_string();
        let escaped = key.replace('~', "~0").replace('/', "~1");
        assert!(
            err.contains("codegen.yaml")
                && err.contains(&format!("/patches/{escaped}"))
                && err.contains(message),
            "{err}"
        );
    }
    for (text, message) in [
        (
            "patches: {\"no-pointer\": {x: 1}}\n",
            "is not a reference `FILE#/json/pointer`",
        ),
        (
            "patches: {\"a.yaml#/info\": 3}\n",
            "a patch must be a mapping",
        ),
    ] {
        let err = BuildOptions::from_yaml(text, "codegen.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("codegen.yaml") && err.contains("/patches/") && err.contains(message),
            "{err}"
        );
    }
}
