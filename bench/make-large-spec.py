#!/usr/bin/env python3
"""Writes a large synthetic OpenAPI 3.0 document shaped like GitHub's REST API description.

GitHub's description (about 13 MB, about 1,200 operations) is the usual public example of a
large spec, but it cannot be downloaded here, so this script makes one of the same size and
shape: ~1,200 operations on ~700 paths, ~900 component schemas (objects with nested inline
objects, enums, formats, nullable fields, arrays, `$ref`s, `allOf`/`oneOf`), shared parameters
and responses, and a large example on most responses. Deterministic (fixed seed).

    python3 bench/make-large-spec.py [OUT] [--ops N] [--format yaml|json]

OUT defaults to target/bench/large-spec.json (git-ignored); a `.yaml` name writes YAML.
"""
import argparse
import json
import os
import random

WORDS = (
    "account action activity alert app archive artifact assignee asset attempt audit author "
    "branch build cache check code collaborator comment commit config deployment dependency "
    "discussion email environment event fork gist hook installation invitation issue job key "
    "label license lock member migration milestone network notification org package page "
    "permission pipeline project pull reaction release repo review rule run runner scan secret "
    "source star status subscription tag team thread token topic traffic tree user variable "
    "visibility webhook workflow"
).split()
VERBS = ["list", "get", "create", "update", "delete", "set", "add", "remove", "check"]
TEXT = (
    "Lists the resources that the authenticated user can access. OAuth app tokens and personal "
    "access tokens (classic) need the `repo` scope to use this endpoint. The response includes "
    "every field described below; fields that the caller may not see are `null`. See "
    "[pagination](https://docs.example.com/rest/guides/pagination) for how to page through "
    "results, and note that the order is stable only within one request."
).split()


def text(rng, lo, hi):
    n = rng.randint(lo, hi)
    start = rng.randrange(len(TEXT))
    return " ".join(TEXT[(start + i) % len(TEXT)] for i in range(n))


def snake(rng, n=2):
    return "_".join(rng.choice(WORDS) for _ in range(n))


def pascal(words):
    return "".join(w.capitalize() for w in words)


class Spec:
    def __init__(self, ops, seed=7):
        self.rng = random.Random(seed)
        self.n_ops = ops
        self.n_schemas = max(20, ops * 3 // 4)
        self.schema_names = []

    # --- schemas -------------------------------------------------------------------------
    def scalar(self, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.30:
            s = {"type": "string"}
            f = rng.random()
            if f < 0.2:
                s["format"] = "date-time"
                s["example"] = "2011-01-26T19:01:12Z"
            elif f < 0.3:
                s["format"] = "uri"
                s["example"] = "https://api.example.com/repos/octocat/Hello-World"
            elif f < 0.35:
                s["format"] = "email"
            elif f < 0.5:
                s["enum"] = sorted({rng.choice(WORDS) for _ in range(rng.randint(2, 6))})
            else:
                s["example"] = rng.choice(WORDS)
        elif r < 0.50:
            s = {"type": "integer", "example": rng.randint(1, 100000)}
            if rng.random() < 0.3:
                s["format"] = "int64"
        elif r < 0.55:
            s = {"type": "number"}
        elif r < 0.70:
            s = {"type": "boolean", "example": rng.random() < 0.5}
        elif r < 0.80:
            s = {"type": "array", "items": {"type": "string"}}
        elif r < 0.90 and self.schema_names:
            target = rng.choice(self.schema_names[-200:])
            if rng.random() < 0.5:
                return {"$ref": f"#/components/schemas/{target}"}
            return {"type": "array", "items": {"$ref": f"#/components/schemas/{target}"}}
        elif depth < 2:
            s = self.obj(depth + 1, rng.randint(2, 6))
        else:
            s = {"type": "string"}
        if rng.random() < 0.35:
            s["description"] = text(rng, 4, 18)
        if rng.random() < 0.12:
            s["nullable"] = True
        return s

    def obj(self, depth, n):
        rng = self.rng
        props = {}
        while len(props) < n:
            props[snake(rng, rng.randint(1, 2))] = self.scalar(depth)
        keys = list(props)
        s = {"type": "object", "properties": props}
        req = [k for k in keys if rng.random() < 0.5]
        if req:
            s["required"] = req
        if rng.random() < 0.4:
            s["description"] = text(rng, 6, 30)
        return s

    def schemas(self):
        rng = self.rng
        out = {}
        for i in range(self.n_schemas):
            name = pascal([rng.choice(WORDS), rng.choice(WORDS)])
            if name in out:
                name = f"{name}{i}"
            r = rng.random()
            if r < 0.08 and self.schema_names:
                s = {
                    "allOf": [
                        {"$ref": f"#/components/schemas/{rng.choice(self.schema_names)}"},
                        self.obj(1, rng.randint(1, 5)),
                    ]
                }
            elif r < 0.12 and len(self.schema_names) > 3:
                s = {
                    "oneOf": [
                        {"$ref": f"#/components/schemas/{n}"}
                        for n in rng.sample(self.schema_names, 2)
                    ]
                }
            else:
                s = self.obj(0, rng.randint(4, 28))
                s["title"] = " ".join(name.lower() for name in [name])
            out[name] = s
            self.schema_names.append(name)
        return out

    # --- examples ------------------------------------------------------------------------
    def sample(self, s, comps, depth=0):
        rng = self.rng
        if "$ref" in s:
            if depth > 3:
                return None
            return self.sample(comps[s["$ref"].rsplit("/", 1)[1]], comps, depth + 1)
        if "allOf" in s:
            out = {}
            for part in s["allOf"]:
                v = self.sample(part, comps, depth + 1)
                if isinstance(v, dict):
                    out.update(v)
            return out
        if "oneOf" in s:
            return self.sample(s["oneOf"][0], comps, depth + 1)
        t = s.get("type")
        if t == "object":
            return {
                k: self.sample(v, comps, depth + 1)
                for k, v in s.get("properties", {}).items()
                if not ("$ref" in v and depth > 1)
            }
        if t == "array":
            return [self.sample(s["items"], comps, depth + 1) for _ in range(rng.randint(1, 3))]
        if "enum" in s:
            return s["enum"][0]
        if "example" in s:
            return s["example"]
        return {"string": "octocat", "integer": 42, "number": 1.5, "boolean": True}.get(t)

    # --- document ------------------------------------------------------------------------
    def document(self):
        rng = self.rng
        schemas = self.schemas()
        params = {
            "owner": {"name": "owner", "in": "path", "required": True, "schema": {"type": "string"},
                      "description": "The account owner of the repository."},
            "repo": {"name": "repo", "in": "path", "required": True, "schema": {"type": "string"},
                     "description": "The name of the repository."},
            "per-page": {"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 30},
                         "description": "The number of results per page (max 100)."},
            "page": {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1},
                     "description": "Page number of the results to fetch."},
            "since": {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"},
                      "description": "Only show results that were last updated after the given time."},
            "direction": {"name": "direction", "in": "query",
                          "schema": {"type": "string", "enum": ["asc", "desc"]},
                          "description": "The direction to sort the results by."},
        }
        for w in WORDS:
            params[f"{w}-id"] = {"name": f"{w}_id", "in": "path", "required": True,
                                 "schema": {"type": "integer"},
                                 "description": f"The unique identifier of the {w}."}
        error = {"type": "object", "properties": {"message": {"type": "string"},
                                                  "documentation_url": {"type": "string"}}}
        schemas["basic-error"] = error
        responses = {
            "not_found": {"description": "Resource not found", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/basic-error"}}}},
            "forbidden": {"description": "Forbidden", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/basic-error"}}}},
            "validation_failed": {"description": "Validation failed", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/basic-error"}}}},
            "not_modified": {"description": "Not modified"},
        }
        paths = {}
        used_ids = set()
        ops = 0
        i = 0
        while ops < self.n_ops:
            i += 1
            a, b = rng.choice(WORDS), rng.choice(WORDS)
            base = f"/repos/{{owner}}/{{repo}}/{a}s"
            item_path = f"{base}/{{{b}_id}}/{a}" if a != b else f"{base}/{{{b}_id}}"
            for path, methods in ((f"{base}/{i}", ["get", "post"]),
                                  (f"{item_path}/{i}", ["get", "patch", "put", "delete"])):
                item = {}
                for m in methods:
                    if ops >= self.n_ops or rng.random() < 0.25:
                        continue
                    ops += 1
                    verb = {"get": "get" if "_id}" in path else "list", "post": "create",
                            "patch": "update", "put": "set", "delete": "delete"}[m]
                    op_id = f"{a}/{verb}-{b}-{i}"
                    used_ids.add(op_id)
                    target = rng.choice(self.schema_names)
                    op = {
                        "summary": f"{verb.capitalize()} {a} {b}",
                        "description": text(rng, 40, 160),
                        "tags": [a],
                        "operationId": op_id,
                        "parameters": [{"$ref": "#/components/parameters/owner"},
                                       {"$ref": "#/components/parameters/repo"}],
                        "responses": {},
                    }
                    if "_id}" in path:
                        op["parameters"].append({"$ref": f"#/components/parameters/{b}-id"})
                    if m == "get":
                        op["parameters"] += [{"$ref": "#/components/parameters/per-page"},
                                             {"$ref": "#/components/parameters/page"}]
                        if rng.random() < 0.3:
                            op["parameters"].append({"$ref": "#/components/parameters/direction"})
                        if rng.random() < 0.3:
                            op["parameters"].append({"$ref": "#/components/parameters/since"})
                        body = {"type": "array", "items": {"$ref": f"#/components/schemas/{target}"}} \
                            if verb == "list" else {"$ref": f"#/components/schemas/{target}"}
                        ex = self.sample(body, schemas)
                        op["responses"]["200"] = {"description": "Response", "content": {
                            "application/json": {"schema": body, "examples": {"default": {"value": ex}}}}}
                        op["responses"]["304"] = {"$ref": "#/components/responses/not_modified"}
                    elif m == "delete":
                        op["responses"]["204"] = {"description": "Response"}
                    else:
                        req = self.obj(1, rng.randint(2, 10))
                        op["requestBody"] = {"required": True, "content": {"application/json": {
                            "schema": req, "examples": {"default": {"value": self.sample(req, schemas)}}}}}
                        out = {"$ref": f"#/components/schemas/{target}"}
                        op["responses"]["201" if m == "post" else "200"] = {
                            "description": "Response", "content": {"application/json": {
                                "schema": out, "examples": {"default": {"value": self.sample(out, schemas)}}}}}
                        op["responses"]["422"] = {"$ref": "#/components/responses/validation_failed"}
                    op["responses"]["403"] = {"$ref": "#/components/responses/forbidden"}
                    op["responses"]["404"] = {"$ref": "#/components/responses/not_found"}
                    item[m] = op
                if item:
                    paths[path] = item
        return {
            "openapi": "3.0.3",
            "info": {"title": "Large Synthetic API", "version": "1.1.4",
                     "description": "A synthetic document the size and shape of GitHub's REST API."},
            "servers": [{"url": "https://api.example.com"}],
            "tags": [{"name": w, "description": text(self.rng, 3, 10)} for w in WORDS],
            "paths": paths,
            "components": {"schemas": schemas, "parameters": params, "responses": responses},
        }


def scalar_yaml(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(v, ensure_ascii=False)  # a double-quoted YAML scalar


def to_yaml(v, indent, out):
    pad = "  " * indent
    if isinstance(v, dict):
        if not v:
            out.append(" {}\n")
            return
        out.append("\n")
        for k, x in v.items():
            out.append(f"{pad}{scalar_yaml(str(k)) if not str(k).isidentifier() else k}:")
            if isinstance(x, (dict, list)) and x:
                to_yaml(x, indent + 1, out)
            else:
                out.append(" " + (scalar_yaml(x) if not isinstance(x, (dict, list)) else json.dumps(x)) + "\n")
    elif isinstance(v, list):
        out.append("\n")
        for x in v:
            out.append(f"{pad}-")
            if isinstance(x, dict) and x:
                # first key on the dash line
                items = list(x.items())
                sub = []
                to_yaml(dict(items), indent + 1, sub)
                text = "".join(sub).lstrip("\n")
                out.append(" " + text[len("  " * (indent + 1)):])
            elif isinstance(x, list) and x:
                to_yaml(x, indent + 1, out)
            else:
                out.append(" " + (scalar_yaml(x) if not isinstance(x, (dict, list)) else json.dumps(x)) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="target/bench/large-spec.json")
    ap.add_argument("--ops", type=int, default=1200)
    ap.add_argument("--format", choices=["yaml", "json"])
    args = ap.parse_args()
    fmt = args.format or ("json" if args.out.endswith(".json") else "yaml")
    doc = Spec(args.ops).document()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    if fmt == "json":
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    else:
        out = []
        to_yaml(doc, 0, out)
        text = "".join(out).lstrip("\n")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    n_ops = sum(1 for p in doc["paths"].values() for m in p)
    print(f"wrote {args.out}: {len(text.encode()) / 1e6:.1f} MB, {n_ops} operations, "
          f"{len(doc['paths'])} paths, {len(doc['components']['schemas'])} schemas")


if __name__ == "__main__":
    main()
