"""Renders a crate's public API from rustdoc's JSON output, one sorted line per item, so that
a committed snapshot shows every change to the surface as a reviewed diff.

    python3 scripts/public_api.py target/doc/activity_runtime.json

What it lists, under the paths a user writes (re-exports followed): modules, functions with
their signatures, structs with their public fields, enums with their variants, traits with
their items, type aliases, constants, macros, and for each type the traits it implements (the
auto traits included, the blanket impls of other crates left out) and its inherent methods.
Items hidden from the docs (`#[doc(hidden)]`, such as `__private`) are not in the JSON.

It reads rustdoc JSON format version 57, what the nightly toolchain installed beside the
pinned one writes; another version is refused with a message, since its shape may differ.
"""

import json
import sys

FORMAT_VERSION = 57

# Traits the nightly compiler implements and shows that stable Rust does not name.
UNSTABLE_MARKERS = {"Freeze", "UnsafeUnpin", "StructuralPartialEq"}


class Api:
    def __init__(self, doc):
        self.index = doc["index"]
        self.paths = doc["paths"]
        # Each local item's shortest public path, so that signatures name what users write.
        self.public = {}
        self.lines = set()
        self.key = ""

    def item(self, item_id):
        return self.index.get(str(item_id))

    # Types, as Rust writes them.

    def path_of(self, path):
        """A resolved path: the item's public path, or its full path when it is another
        crate's, with its arguments."""
        item_id = str(path.get("id"))
        known = self.paths.get(item_id)
        if item_id in self.public:
            name = self.public[item_id]
        elif known:
            name = "::".join(known["path"])
        else:
            name = path["path"]
        return name + self.args(path.get("args"))

    def args(self, args):
        if not args:
            return ""
        if "angle_bracketed" in args:
            inner = [self.arg(arg) for arg in args["angle_bracketed"]["args"]]
            inner += [self.constraint(c) for c in args["angle_bracketed"]["constraints"]]
            return "<" + ", ".join(inner) + ">" if inner else ""
        if "parenthesized" in args:
            p = args["parenthesized"]
            out = " -> " + self.ty(p["output"]) if p.get("output") else ""
            return "(" + ", ".join(self.ty(t) for t in p["inputs"]) + ")" + out
        if "return_type_notation" in args:
            return "(..)"
        raise ValueError(f"generic args {args}")

    def arg(self, arg):
        if "type" in arg:
            return self.ty(arg["type"])
        if "lifetime" in arg:
            return arg["lifetime"]
        if "const" in arg:
            return arg["const"].get("expr", "_")
        if arg == "infer":
            return "_"
        raise ValueError(f"generic arg {arg}")

    def constraint(self, c):
        args = self.args(c.get("args"))
        binding = c["binding"]
        if "equality" in binding:
            term = binding["equality"]
            value = self.ty(term["type"]) if "type" in term else term["constant"].get("expr", "_")
            return f"{c['name']}{args} = {value}"
        return f"{c['name']}{args}: " + self.bounds(binding["constraint"])

    def ty(self, t):
        if isinstance(t, str):
            return "_" if t == "infer" else t
        (kind, v), = t.items()
        if kind == "resolved_path":
            return self.path_of(v)
        if kind in ("generic", "primitive"):
            return v
        if kind == "tuple":
            inner = [self.ty(x) for x in v]
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        if kind == "slice":
            return "[" + self.ty(v) + "]"
        if kind == "array":
            return f"[{self.ty(v['type'])}; {v['len']}]"
        if kind == "borrowed_ref":
            lifetime = v["lifetime"] + " " if v.get("lifetime") else ""
            mutable = "mut " if v["is_mutable"] else ""
            return f"&{lifetime}{mutable}{self.ty(v['type'])}"
        if kind == "raw_pointer":
            return ("*mut " if v["is_mutable"] else "*const ") + self.ty(v["type"])
        if kind == "impl_trait":
            return "impl " + self.bounds(v)
        if kind == "dyn_trait":
            parts = [self.poly_trait(p) for p in v["traits"]]
            if v.get("lifetime"):
                parts.append(v["lifetime"])
            return "dyn " + " + ".join(parts)
        if kind == "qualified_path":
            trait = self.path_of(v["trait"]) if v.get("trait") else None
            self_type = self.ty(v["self_type"])
            base = f"<{self_type} as {trait}>" if trait else self_type
            return f"{base}::{v['name']}{self.args(v.get('args'))}"
        if kind == "function_pointer":
            sig = v["sig"]
            inputs = ", ".join(self.ty(t) for _, t in sig["inputs"])
            out = " -> " + self.ty(sig["output"]) if sig.get("output") else ""
            return f"fn({inputs}){out}"
        if kind == "pat":
            return self.ty(v["type"])
        raise ValueError(f"type {t}")

    def poly_trait(self, p):
        lifetimes = [g["name"] for g in p.get("generic_params", [])]
        prefix = f"for<{', '.join(lifetimes)}> " if lifetimes else ""
        return prefix + self.path_of(p["trait"])

    def bounds(self, bounds):
        out = []
        for b in bounds:
            if "trait_bound" in b:
                tb = b["trait_bound"]
                modifier = {"none": "", "maybe": "?", "maybe_const": "~const "}.get(tb["modifier"], "")
                out.append(modifier + self.poly_trait(tb))
            elif "outlives" in b:
                out.append(b["outlives"])
            elif "use" in b:
                out.append("use<" + ", ".join(u if isinstance(u, str) else list(u.values())[0] for u in b["use"]) + ">")
        return " + ".join(out)

    def generics(self, g):
        params = []
        for p in g["params"]:
            kind = p["kind"]
            if "lifetime" in kind:
                outlives = kind["lifetime"]["outlives"]
                params.append(p["name"] + (": " + " + ".join(outlives) if outlives else ""))
            elif "type" in kind:
                if kind["type"].get("is_synthetic"):
                    continue
                bounds = self.bounds(kind["type"]["bounds"])
                default = kind["type"].get("default")
                params.append(p["name"] + (": " + bounds if bounds else "") + (" = " + self.ty(default) if default else ""))
            elif "const" in kind:
                params.append(f"const {p['name']}: {self.ty(kind['const']['type'])}")
        return "<" + ", ".join(params) + ">" if params else ""

    def where_clause(self, g):
        preds = []
        for w in g["where_predicates"]:
            if "bound_predicate" in w:
                bp = w["bound_predicate"]
                preds.append(f"{self.ty(bp['type'])}: {self.bounds(bp['bounds'])}")
            elif "lifetime_predicate" in w:
                lp = w["lifetime_predicate"]
                preds.append(f"{lp['lifetime']}: {' + '.join(lp['outlives'])}")
            elif "eq_predicate" in w:
                ep = w["eq_predicate"]
                preds.append(f"{self.ty(ep['lhs'])} = {self.ty(ep['rhs']['type'])}")
        return " where " + ", ".join(preds) if preds else ""

    def function(self, path, f):
        header = f["header"]
        qualifiers = "".join(
            word + " "
            for word, on in (("const", header["is_const"]), ("async", header["is_async"]), ("unsafe", header["is_unsafe"]))
            if on
        )
        sig = f["sig"]
        inputs = ", ".join(self.input(name, t) for name, t in sig["inputs"])
        out = " -> " + self.ty(sig["output"]) if sig.get("output") else ""
        return f"pub {qualifiers}fn {path}{self.generics(f['generics'])}({inputs}){out}{self.where_clause(f['generics'])}"

    def input(self, name, t):
        if name == "self":
            if t == {"generic": "Self"}:
                return "self"
            inner = t.get("borrowed_ref")
            if inner and inner["type"] == {"generic": "Self"}:
                lifetime = inner["lifetime"] + " " if inner.get("lifetime") else ""
                return f"&{lifetime}{'mut ' if inner['is_mutable'] else ''}self"
        return f"{name}: {self.ty(t)}"

    # Items, at the paths users write.

    def add(self, line):
        self.lines.add((self.key, line))

    def walk(self, item_id, path, collect=False):
        item = self.item(item_id)
        if item is None or item["visibility"] != "public" and item["crate_id"] == 0:
            return
        (kind, inner), = item["inner"].items()
        name = item["name"]
        here = f"{path}::{name}" if name else path
        if kind == "module" and inner["is_crate"]:
            for child in inner["items"]:
                self.walk(child, path, collect)
        elif kind == "use":
            target = self.item(inner["id"]) if inner.get("id") is not None else None
            if inner["is_glob"]:
                if target and "module" in target["inner"]:
                    for child in target["inner"]["module"]["items"]:
                        self.walk(child, path, collect)
                elif not collect:
                    self.key = path
                    self.add(f"pub use {inner['source']}::* in {path}")
            elif target is not None and target["crate_id"] == 0:
                self.walk_named(inner["id"], f"{path}::{inner['name']}", collect)
            elif collect:
                if inner.get("id") is not None:
                    self.public.setdefault(str(inner["id"]), f"{path}::{inner['name']}")
            else:
                self.key = f"{path}::{inner['name']}"
                self.add(f"pub use {path}::{inner['name']} = {inner['source']}")
        else:
            self.walk_named(item_id, here, collect)

    def walk_named(self, item_id, here, collect):
        """An item under the name `here`, which a re-export may have given it. Listed whole at
        its shortest public path; at any other, as the re-export it is."""
        item = self.item(item_id)
        (kind, inner), = item["inner"].items()
        if collect:
            known = self.public.get(str(item_id))
            if known is None or (here.count("::"), here) < (known.count("::"), known):
                self.public[str(item_id)] = here
            if kind == "module":
                for child in inner["items"]:
                    self.walk(child, here, collect)
            return
        self.key = here
        canonical = self.public.get(str(item_id), here)
        if canonical != here:
            self.add(f"pub use {here} = {canonical}")
            return
        if kind == "module":
            self.add(f"pub mod {here}")
            for child in inner["items"]:
                self.walk(child, here)
        elif kind == "function":
            self.add(self.function(here, inner))
        elif kind == "struct":
            self.add(f"pub struct {here}{self.generics(inner['generics'])}")
            struct_kind = inner["kind"]
            fields = struct_kind.get("plain", {}).get("fields", []) if isinstance(struct_kind, dict) else []
            for field_id in fields:
                field = self.item(field_id)
                if field and field["visibility"] == "public":
                    self.add(f"pub {here}::{field['name']}: {self.ty(field['inner']['struct_field'])}")
            self.impls(here, inner["impls"])
        elif kind == "enum":
            self.add(f"pub enum {here}{self.generics(inner['generics'])}")
            for variant_id in inner["variants"]:
                variant = self.item(variant_id)
                self.add(f"pub {here}::{variant['name']}{self.variant(variant['inner']['variant'])}")
            self.impls(here, inner["impls"])
        elif kind == "trait":
            unsafe = "unsafe " if inner["is_unsafe"] else ""
            bounds = self.bounds(inner["bounds"])
            self.add(f"pub {unsafe}trait {here}{self.generics(inner['generics'])}{': ' + bounds if bounds else ''}")
            for member_id in inner["items"]:
                self.member(here, self.item(member_id))
        elif kind == "type_alias":
            self.add(f"pub type {here}{self.generics(inner['generics'])} = {self.ty(inner['type'])}")
        elif kind == "constant":
            self.add(f"pub const {here}: {self.ty(inner['type'])}")
        elif kind == "static":
            self.add(f"pub static {here}: {self.ty(inner['type'])}")
        elif kind == "macro":
            self.add(f"macro {here}!")
        elif kind == "proc_macro":
            self.add(f"proc macro {here}")
        else:
            self.add(f"{kind} {here}")

    def variant(self, v):
        kind = v["kind"]
        if kind == "plain":
            return ""
        if "tuple" in kind:
            fields = [self.ty(self.item(f)["inner"]["struct_field"]) if f is not None else "_" for f in kind["tuple"]]
            return "(" + ", ".join(fields) + ")"
        if "struct" in kind:
            fields = [self.item(f) for f in kind["struct"]["fields"]]
            return " { " + ", ".join(f"{f['name']}: {self.ty(f['inner']['struct_field'])}" for f in fields) + " }"
        return ""

    def member(self, owner, item):
        (kind, inner), = item["inner"].items()
        if kind == "function":
            self.add(self.function(f"{owner}::{item['name']}", inner))
        elif kind == "assoc_type":
            bounds = self.bounds(inner.get("bounds", []))
            value = " = " + self.ty(inner["type"]) if inner.get("type") else ""
            self.add(f"type {owner}::{item['name']}{': ' + bounds if bounds else ''}{value}")
        elif kind == "assoc_const":
            self.add(f"const {owner}::{item['name']}: {self.ty(inner['type'])}")

    def impls(self, here, impl_ids):
        for impl_id in impl_ids:
            impl = self.item(impl_id)["inner"]["impl"]
            if impl.get("blanket_impl") is not None:
                continue
            generics = self.generics(impl["generics"])
            where = self.where_clause(impl["generics"])
            if impl["trait"] is None:
                for member_id in impl["items"]:
                    member = self.item(member_id)
                    if member["visibility"] == "public":
                        self.member(here, member)
            elif impl["trait"].get("path") not in UNSTABLE_MARKERS:
                negative = "!" if impl["is_negative"] else ""
                self.add(f"impl{generics} {negative}{self.path_of(impl['trait'])} for {self.ty(impl['for'])}{where}")


def main():
    doc = json.load(open(sys.argv[1]))
    if doc["format_version"] != FORMAT_VERSION:
        sys.exit(
            f"{sys.argv[1]} is rustdoc JSON format {doc['format_version']}; this script reads "
            f"format {FORMAT_VERSION}: update it to the nightly toolchain's format"
        )
    api = Api(doc)
    root = doc["root"]
    crate = api.item(root)["name"]
    api.walk(root, crate, collect=True)
    api.walk(root, crate)
    for _, line in sorted(api.lines):
        print(line)


if __name__ == "__main__":
    main()
