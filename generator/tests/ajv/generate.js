// Runs the cases below through Ajv and writes Ajv's answers to `expected.json`, which
// `generator/tests/ajv_pinned.rs` checks the router's validator against (without node).
// See README.md in this folder for how to run it.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv").default;
const Ajv2020 = require("ajv/dist/2020").default;

// [name, dialect ("2020": Ajv2020, "07": Ajv), schema, [data...]]
const cases = [
  // pattern: ECMAScript semantics with the `u` flag, as Ajv compiles it.
  ["pattern unicode letters", "07", {type: "string", pattern: "^\\p{L}+$"}, ["héllo", "héllo1", "日本語", "", "Ωmega"]],
  ["pattern unicode letters 2020", "2020", {type: "string", pattern: "^\\p{L}+$"}, ["héllo", "héllo1"]],
  ["pattern unicode categories", "07", {type: "string", pattern: "^\\p{Lu}\\P{Lu}*$"}, ["Abc", "abc", "ÉTÉ", "Été"]],
  ["pattern script", "07", {type: "string", pattern: "^\\p{Script=Greek}+$"}, ["αβγ", "abc"]],
  ["pattern lookahead", "07", {type: "string", pattern: "^(?=.*\\d)(?=.*[a-z]).{8,}$"}, ["abcdefg1", "abcdefgh", "12345678", "a1"]],
  ["pattern negative lookahead", "07", {type: "string", pattern: "^(?!admin$).+$"}, ["admin", "admins", "root"]],
  ["pattern lookbehind", "07", {type: "string", pattern: "(?<=\\$)\\d+"}, ["cost $42", "cost 42"]],
  ["pattern unanchored", "07", {type: "string", pattern: "abc"}, ["xxabcxx", "abx", "ABC"]],
  ["pattern anchors", "07", {type: "string", pattern: "^a|b$"}, ["ax", "xb", "xa"]],
  ["pattern multiline anchors", "07", {type: "string", pattern: "^b"}, ["a\nb"]],
  ["pattern ascii digit class", "07", {type: "string", pattern: "^\\d+$"}, ["123", "١٢٣", "12a"]],
  ["pattern word boundary", "07", {type: "string", pattern: "\\bcat\\b"}, ["a cat!", "concat", "cat"]],
  ["pattern astral dot", "07", {type: "string", pattern: "^.$"}, ["😀", "ab", "é"]],
  ["pattern code point escape", "07", {type: "string", pattern: "^\\u{1F600}+$"}, ["😀😀", "x"]],
  ["pattern backreference", "07", {type: "string", pattern: "^(a+)b\\1$"}, ["aabaa", "aaba"]],
  ["pattern named group", "07", {type: "string", pattern: "^(?<d>\\d)-\\k<d>$"}, ["1-1", "1-2"]],
  ["pattern dot and newline", "07", {type: "string", pattern: "^a.c$"}, ["abc", "a\nc"]],
  ["pattern quotes in message", "07", {type: "string", pattern: "^\"[a-z]+\"$"}, ["\"ok\"", "nope"]],
  ["pattern backslashes in message", "07", {type: "string", pattern: "^\\w+\\.txt$"}, ["a.txt", "a.doc"]],
  ["pattern after length", "07", {type: "string", maxLength: 3, pattern: "^a"}, ["bbbb", "bb", "abc"]],
  ["pattern coerced number", "07", {type: "string", pattern: "^\\d+$"}, [123, true, 1.5]],
  ["pattern property", "07", {type: "object", properties: {code: {type: "string", pattern: "^[A-Z]{2}$"}}}, [{code: "FR"}, {code: "fr"}, {code: 12}]],
  ["pattern no type", "07", {pattern: "^a"}, ["abc", "b", 5, null]],

  // prefixItems and items after the prefix.
  ["prefixItems tuple", "2020", {type: "array", prefixItems: [{type: "string"}, {type: "integer"}]}, [["a", 1], ["a", "2"], [1, "x"], ["a"], [], ["a", 1, {}], [{}, 1]]],
  ["prefixItems then items", "2020", {type: "array", prefixItems: [{type: "string"}], items: {type: "integer"}}, [["a", 1, 2], ["a", "3", "x"], ["a"], [true, 1]]],
  ["prefixItems items false", "2020", {type: "array", prefixItems: [{type: "string"}, {type: "boolean"}], items: false}, [["a", true], ["a", "true", 1], ["a"]]],
  ["prefixItems with minItems", "2020", {type: "array", prefixItems: [{type: "integer"}], minItems: 2}, [[1], ["x"], [1, 2]]],
  ["prefixItems uniqueItems order", "2020", {type: "array", prefixItems: [{type: "integer"}], uniqueItems: true}, [["x", "x"], [1, 1], ["1", 1]]],
  ["items before uniqueItems", "07", {type: "array", items: {type: "integer"}, uniqueItems: true}, [["x", 2, 2], ["1", 1], [1, 2]]],
  ["items before uniqueItems 2020", "2020", {type: "array", items: {type: "integer"}, uniqueItems: true}, [["x", 2, 2], ["1", 1]]],

  // contains, minContains, maxContains.
  ["contains", "2020", {type: "array", contains: {type: "integer", minimum: 5}}, [[1, 7], [1, 2], [], ["9"], ["x", 3]]],
  ["contains min", "2020", {type: "array", contains: {type: "integer"}, minContains: 2}, [[1, "a", 2], [1, "a"], ["1", "2"]]],
  ["contains max", "2020", {type: "array", contains: {type: "integer"}, maxContains: 1}, [[1, "a"], [1, 2], [], ["a"]]],
  ["contains min max", "2020", {type: "array", contains: {type: "string", maxLength: 1}, minContains: 2, maxContains: 3}, [["a", "b"], ["a"], ["a", "b", "c", "d"], ["a", "bb", "c"]]],
  ["contains bounded with items", "2020", {type: "array", items: {type: "integer"}, contains: {type: "integer", minimum: 100}, minContains: 1, maxContains: 2}, [[1, 2, 100], [100, 100, 100], [1, 2], ["300", 1]]],
  ["contains min zero max", "2020", {type: "array", contains: {type: "integer"}, minContains: 0, maxContains: 1}, [[], ["a"], [1, 2]]],
  ["contains always valid", "2020", {type: "array", contains: true, minContains: 2}, [[1], [1, 2]]],
  ["contains empty schema", "2020", {type: "array", contains: {}}, [[], [null]]],
  ["contains in anyOf", "2020", {anyOf: [{type: "array", contains: {type: "integer"}}, {type: "string"}]}, [["a", {}], [1]]],
  ["contains after items", "2020", {type: "array", items: {type: "string"}, contains: {const: "x"}}, [["a", 1], ["a"], ["x"]]],

  // propertyNames.
  ["propertyNames maxLength", "2020", {type: "object", propertyNames: {maxLength: 3}}, [{abc: 1}, {abcd: 1}, {}, {a: 1, bbbbb: 2}]],
  ["propertyNames pattern", "2020", {type: "object", propertyNames: {pattern: "^[a-z]+$"}}, [{ab: 1}, {aB: 1}, {"1": 1}]],
  ["propertyNames enum", "2020", {type: "object", propertyNames: {enum: ["a", "b"]}}, [{a: 1, b: 2}, {c: 1}]],
  ["propertyNames in anyOf", "2020", {anyOf: [{type: "object", propertyNames: {maxLength: 1}}, {type: "string"}]}, [{aa: 1}, {a: 1}]],
  ["propertyNames before properties", "2020", {type: "object", propertyNames: {maxLength: 2}, properties: {abc: {type: "integer"}}, required: ["x"]}, [{abc: "z"}, {x: 1, abc: "z"}]],

  // patternProperties.
  ["patternProperties", "2020", {type: "object", patternProperties: {"^n_": {type: "integer"}, "^s_": {type: "string"}}}, [{n_a: 1, s_b: "x"}, {n_a: "2", s_b: 3}, {n_a: "x"}, {s_a: {}}, {other: []}]],
  ["patternProperties overlap", "2020", {type: "object", patternProperties: {"a": {type: "string"}, "b": {maxLength: 2}}}, [{ab: "xyz"}, {ab: 1}, {b: "abc"}]],
  ["patternProperties additional false", "2020", {type: "object", properties: {id: {type: "integer"}}, patternProperties: {"^x-": {}}, additionalProperties: false}, [{id: 1, "x-a": 2}, {id: 1, y: 2}]],
  ["patternProperties after properties", "2020", {type: "object", properties: {a: {type: "integer"}}, patternProperties: {"^b": {type: "string"}}}, [{b1: 1, a: "x"}, {a: 1, b1: 1}, {a: "2", b: "x"}]],
  ["patternProperties unicode", "2020", {type: "object", patternProperties: {"^\\p{Lu}": {type: "integer"}}}, [{Éa: 1}, {Éa: "x"}, {éa: "x"}]],
  ["patternProperties draft7", "07", {type: "object", patternProperties: {"^n_": {type: "integer"}}}, [{n_a: "5"}, {n_a: "x"}]],

  // dependentRequired.
  ["dependentRequired one", "2020", {type: "object", dependentRequired: {card: ["cvc"]}}, [{card: 1, cvc: 2}, {card: 1}, {cvc: 2}]],
  ["dependentRequired several", "2020", {type: "object", dependentRequired: {a: ["b", "c"], d: ["e"]}}, [{a: 1, b: 1}, {a: 1, b: 1, c: 1, d: 1}, {d: 1}]],
  ["dependentRequired after properties", "2020", {type: "object", properties: {a: {type: "integer"}}, dependentRequired: {a: ["b"]}}, [{a: "x"}, {a: 1}]],

  // unevaluatedProperties: false.
  ["unevaluated own properties", "2020", {type: "object", properties: {a: {type: "integer"}}, unevaluatedProperties: false}, [{a: 1}, {a: 1, b: 2}, {b: 2, a: "x"}]],
  ["unevaluated allOf", "2020", {type: "object", allOf: [{properties: {a: {}}}, {properties: {b: {}}}], unevaluatedProperties: false}, [{a: 1, b: 2}, {a: 1, c: 3}]],
  ["unevaluated patternProperties", "2020", {type: "object", properties: {a: {}}, patternProperties: {"^x-": {}}, unevaluatedProperties: false}, [{a: 1, "x-y": 2}, {a: 1, y: 2}]],
  ["unevaluated anyOf branches", "2020", {type: "object", anyOf: [{properties: {kind: {const: "a"}, a: {}}, required: ["kind"]}, {properties: {kind: {const: "b"}, b: {}}, required: ["kind"]}], unevaluatedProperties: false}, [{kind: "a", a: 1}, {kind: "a", b: 1}, {kind: "b", b: 1}]],
  ["unevaluated oneOf branches", "2020", {type: "object", oneOf: [{properties: {x: {type: "integer"}}, required: ["x"]}, {properties: {y: {type: "integer"}}, required: ["y"]}], unevaluatedProperties: false}, [{x: 1}, {y: 2}, {x: 1, z: 3}]],
  ["unevaluated if then", "2020", {type: "object", properties: {t: {}}, if: {properties: {t: {const: 1}}}, then: {properties: {one: {}}}, else: {properties: {other: {}}}, unevaluatedProperties: false}, [{t: 1, one: 1}, {t: 1, other: 1}, {t: 2, other: 1}, {t: 2, one: 1}]],
  ["unevaluated with additionalProperties", "2020", {type: "object", properties: {a: {}}, additionalProperties: {type: "integer"}, unevaluatedProperties: false}, [{a: 1, b: 2}, {b: "x"}]],
  ["unevaluated after other keywords", "2020", {type: "object", properties: {a: {type: "integer"}}, required: ["a"], unevaluatedProperties: false}, [{b: 1}, {a: "x", b: 1}]],

  // if / then / else.
  ["if then else", "2020", {type: "object", if: {properties: {kind: {const: "p"}}, required: ["kind"]}, then: {required: ["price"]}, else: {required: ["name"]}}, [{kind: "p", price: 1}, {kind: "p"}, {kind: "q"}, {name: "x"}]],
  ["if then only", "2020", {type: "object", if: {required: ["a"]}, then: {required: ["b"]}}, [{a: 1}, {a: 1, b: 1}, {}]],
  ["if else only", "2020", {type: "object", if: {required: ["a"]}, else: {required: ["c"]}}, [{}, {a: 1}, {c: 1}]],
  ["if coerces", "2020", {type: "object", if: {properties: {n: {type: "integer"}}}, then: {properties: {n: {minimum: 5}}}}, [{n: "7"}, {n: "3"}, {n: "x"}]],
  ["if in anyOf", "2020", {anyOf: [{type: "object", if: {required: ["a"]}, then: {required: ["b"]}}, {type: "string"}]}, [{a: 1}, {a: 1, b: 2}]],
  ["if without clauses", "2020", {type: "object", if: {required: ["a"]}, then: true}, [{}]],
  ["if then scalar", "2020", {type: "integer", if: {minimum: 10}, then: {multipleOf: 5}, else: {maximum: 3}}, [15, 12, 2, 4, "20"]],
  ["if after allOf", "2020", {allOf: [{type: "object", required: ["x"]}], if: {required: ["x"]}, then: {required: ["y"]}}, [{}, {x: 1}, {x: 1, y: 1}]],

  // Several 2020-12 keywords together, in Ajv's order.
  ["object group order", "2020", {type: "object", required: ["id"], propertyNames: {minLength: 2}, properties: {id: {type: "integer"}}, patternProperties: {"^t": {type: "string"}}, dependentRequired: {tag: ["id"]}, unevaluatedProperties: false}, [{id: 1, tag: "x"}, {i: 1}, {id: "x", tag: 1}, {id: 1, tag: 2}, {id: 1, zz: 2}, {tag: "x"}]],
  ["array group order", "2020", {type: "array", maxItems: 3, prefixItems: [{type: "integer"}], items: {type: "string"}, contains: {const: "x"}, uniqueItems: true}, [[1, "x"], [1, "x", "x"], [1, 2, "x"], [1, "a"], [1, "a", "b", "c"]]],
];

const results = [];
for (const [name, dialect, schema, data] of cases) {
  for (const value of data) {
    const entry = {name, dialect, schema, data: value};
    for (const [key, coerceTypes] of [["coerce", true], ["strict", false]]) {
      const A = dialect === "2020" ? Ajv2020 : Ajv;
      const ajv = new A({coerceTypes, logger: false});
      const validate = ajv.compile(schema);
      const copy = JSON.parse(JSON.stringify({value})).value;
      const holder = {value: copy};
      const ok = validate(holder.value);
      entry[key] = {
        ok,
        data: copy,
        errors: ok ? [] : validate.errors.map((e) => [e.message, e.instancePath]),
      };
    }
    results.push(entry);
  }
}
const versions = {ajv: require("ajv/package.json").version};
const out = path.join(__dirname, "expected.json");
// One case a line: a change of Ajv's answers shows as the lines of the cases it changes.
const lines = results.map((entry) => JSON.stringify(entry)).join(",\n");
fs.writeFileSync(out, `{"versions": ${JSON.stringify(versions)}, "cases": [\n${lines}\n]}\n`);
console.log(`${results.length} cases (Ajv ${versions.ajv}) written to ${out}`);
