"""Mutation sites of the allocator core, found by clang's own parser (clang.cindex).

A site is a source range plus what the mutant does there: `edits` (token ranges replaced in the
mutated arm), optional `wrap` (prefix, suffix around the mutated arm) and `orig_wrap` (the same
around the original arm, e.g. a contextual bool conversion made explicit so both arms of the
schema have one type), or kind "stmt" for a deleted statement. Only runtime code is mutated:
constant-evaluated contexts (constexpr functions and variables, static_assert, if constexpr,
template arguments, case labels, brace initialisers) would not compile with a runtime switch.
"""
import bisect
import ctypes
import os
import sys

# The Debian bindings (python3-clang-14) live in the system Python's dist-packages; a Python of
# another prefix (pyenv, a venv) finds them there too.
try:
    import clang.cindex as ci
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
    import clang.cindex as ci

K = ci.CursorKind

RELATIONAL = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
# One step weaker, per operation kind (an order invalid for the operation is never produced).
WEAKER = {
    "load": {"seq_cst": ["acquire"], "acquire": ["relaxed"], "consume": ["relaxed"]},
    "store": {"seq_cst": ["release"], "release": ["relaxed"]},
    "rmw": {"seq_cst": ["acq_rel"], "acq_rel": ["acquire", "release"], "acquire": ["relaxed"],
            "release": ["relaxed"]},
    "fence": {"seq_cst": ["acq_rel"], "acq_rel": ["acquire", "release"], "acquire": ["relaxed"],
              "release": ["relaxed"]},
}
# Calls whose deletion is equivalent by construction (a spin hint) or cannot compile cleanly
# (noreturn: the path would fall off the end of a non-void function).
# Branch-hint macros: their argument is the program's own condition, mutated like unwrapped code.
HINT_MACROS = {"HAKMEM_LIKELY", "HAKMEM_UNLIKELY"}
NEVER_DELETE = {"pause", "abort", "__builtin_unreachable", "__builtin_trap", "__builtin_prefetch"}
FUNCS = {K.FUNCTION_DECL, K.CXX_METHOD, K.FUNCTION_TEMPLATE, K.CONSTRUCTOR, K.DESTRUCTOR,
         K.CONVERSION_FUNCTION, K.LAMBDA_EXPR}
LITERAL_PARENTS = {K.BINARY_OPERATOR, K.UNARY_OPERATOR, K.CALL_EXPR, K.PAREN_EXPR,
                   K.UNEXPOSED_EXPR, K.RETURN_STMT, K.CONDITIONAL_OPERATOR,
                   K.COMPOUND_ASSIGNMENT_OPERATOR, K.ARRAY_SUBSCRIPT_EXPR, K.VAR_DECL,
                   K.CSTYLE_CAST_EXPR, K.CXX_STATIC_CAST_EXPR}


class Site:
    def __init__(self, op, path, start, end, edits=(), wrap=None, orig_wrap=None, kind="expr"):
        self.op, self.path, self.start, self.end = op, path, start, end
        self.edits, self.wrap, self.orig_wrap, self.kind = list(edits), wrap, orig_wrap, kind
        self.id = -1
        self.func = ""
        self.line = self.col = 0


class FileTokens:
    """Tokens of one header, by offset (clang's lexer, not a regular expression)."""

    def __init__(self, tu, path, text):
        ext = ci.SourceRange.from_locations(
            ci.SourceLocation.from_offset(tu, tu.get_file(path), 0),
            ci.SourceLocation.from_offset(tu, tu.get_file(path), len(text)))
        self.toks = [(t.extent.start.offset, t.extent.end.offset, t.spelling)
                     for t in tu.get_tokens(extent=ext)]
        self.starts = [t[0] for t in self.toks]

    def index_at(self, offset):
        i = bisect.bisect_left(self.starts, offset)
        return i if i < len(self.toks) and self.toks[i][0] == offset else None

    def between(self, a, b):
        i = bisect.bisect_left(self.starts, a)
        out = []
        while i < len(self.toks) and self.toks[i][1] <= b:
            out.append(self.toks[i])
            i += 1
        return out


class Finder:
    def __init__(self, tu, path, text):
        self.tu, self.path, self.text = tu, path, text
        self.toks = FileTokens(tu, path, text)
        self.sites = []
        self.constant = []  # ranges evaluated at compile time (if constexpr conditions)

    def ext(self, c):
        """The cursor's byte range in this header. clang places a cursor inside a macro's
        argument at the macro's name (its expansion); inside the argument of a branch hint
        (HINT_MACROS) the cursor gets its spelling range instead, so `HAKMEM_UNLIKELY(a >= b)`
        is mutated like `a >= b`. Text spelled in a macro's definition keeps the expansion
        range (nothing inside it is mutated)."""
        a, b = c.extent.start.offset, c.extent.end.offset
        sa, sb = self.spelled(c.extent.start), self.spelled(c.extent.end)
        if sa is None or sb is None or (sa, sb) == (a, b):
            return a, b
        inv = self.hint_argument(a)
        if inv is not None and inv[0] <= sa and sb <= inv[1]:
            return sa, sb
        return a, b

    def spelled(self, loc):
        """The offset where loc is spelled, if in this header."""
        f, line, col, off = ci.c_object_p(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
        ci.conf.lib.clang_getSpellingLocation(loc, ctypes.byref(f), ctypes.byref(line),
                                              ctypes.byref(col), ctypes.byref(off))
        if not f or os.path.realpath(ci.File(f).name) != self.path:
            return None
        return off.value

    def hint_argument(self, offset):
        """(start, end) of the argument text of the branch-hint invocation at offset, or None."""
        i = self.toks.index_at(offset)
        t = self.toks.toks
        if i is None or t[i][2] not in HINT_MACROS or i + 1 >= len(t) or t[i + 1][2] != "(":
            return None
        depth = 0
        for j in range(i + 1, len(t)):
            depth += {"(": 1, ")": -1}.get(t[j][2], 0)
            if depth == 0:
                return t[i + 1][1], t[j][0]
        return None

    def in_file(self, c):
        f = c.extent.start.file
        return f is not None and os.path.realpath(f.name) == self.path

    def is_constexpr_decl(self, c):
        """constexpr/consteval among the tokens before the declaration's name."""
        s = c.extent.start.offset
        name = c.location.offset
        return any(t[2] in ("constexpr", "consteval") for t in self.toks.between(s, name))

    def callee(self, call):
        """The called name: the token before the argument list's `(` (dependent calls, whose
        cursor has no spelling, included)."""
        if call.spelling:
            return call.spelling
        toks = self.toks.between(*self.ext(call))
        if not toks or toks[-1][2] != ")":
            return ""
        depth = 0
        for i in range(len(toks) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(toks[i][2], 0)
            if depth == 0:
                return toks[i - 1][2] if i > 0 else ""
        return ""

    # ---- the walk ---------------------------------------------------------------------------
    def walk(self, c, stack, runtime):
        for ch in c.get_children():
            if not self.in_file(ch):
                continue
            rt = runtime
            if ch.kind == K.LAMBDA_EXPR:
                rt = runtime
            elif ch.kind in FUNCS:
                rt = not self.is_constexpr_decl(ch)
            elif ch.kind in (K.STATIC_ASSERT, K.CASE_STMT, K.TEMPLATE_NON_TYPE_PARAMETER,
                             K.TEMPLATE_TYPE_PARAMETER, K.TYPE_REF, K.TEMPLATE_REF):
                rt = False
            elif ch.kind == K.VAR_DECL and self.is_constexpr_decl(ch):
                rt = False
            elif ch.kind in (K.FIELD_DECL, K.ENUM_DECL, K.TYPE_ALIAS_DECL, K.TYPEDEF_DECL):
                rt = False
            elif ch.kind == K.INIT_LIST_EXPR:
                rt = False  # narrowing from a runtime int is an error in a brace initialiser
            if rt and stack:
                self.visit(ch, stack)
            self.walk(ch, stack + [ch], rt)

    def visit(self, c, stack):
        first = len(self.sites)
        self.dispatch(c, stack)
        fn = next((x for x in reversed(stack) if x.kind in FUNCS and x.kind != K.LAMBDA_EXPR), None)
        for s in self.sites[first:]:
            s.func = fn.spelling if fn is not None else ""

    def dispatch(self, c, stack):
        parent = stack[-1]
        k = c.kind
        if k == K.BINARY_OPERATOR:
            self.relational(c)
        elif k == K.IF_STMT:
            self.if_cond(c)
        elif k == K.INTEGER_LITERAL:
            self.literal(c, parent)
        elif k == K.RETURN_STMT:
            self.return_bool(c, stack)
        elif k == K.DECL_REF_EXPR and c.spelling.startswith("memory_order_"):
            self.memory_order(c, stack)
        elif k == K.CALL_EXPR:
            self.cas_split(c)
        if parent.kind == K.COMPOUND_STMT and k in (K.CALL_EXPR, K.UNEXPOSED_EXPR):
            self.deleted_call(c)

    # ---- operators --------------------------------------------------------------------------
    def relational(self, c):
        kids = list(c.get_children())
        if len(kids) != 2:
            return
        between = self.toks.between(self.ext(kids[0])[1], self.ext(kids[1])[0])
        if len(between) != 1 or between[0][2] not in RELATIONAL:
            return
        s, e, op = between[0]
        if self.text[s:e] != op:
            return  # spelled inside a macro
        a, b = self.ext(c)
        self.sites.append(Site("relational", self.path, a, b, [(s, e, RELATIONAL[op])]))

    def if_cond(self, c):
        i = self.toks.index_at(c.extent.start.offset)
        if i is None or self.toks.toks[i][2] != "if":
            return
        t = self.toks.toks
        constexpr = t[i + 1][2] == "constexpr"
        if constexpr:
            i += 1
        if t[i + 1][2] != "(":
            return
        depth, j = 0, i + 1
        while j < len(t):
            depth += {"(": 1, ")": -1}.get(t[j][2], 0)
            if depth == 0:
                break
            j += 1
        lo, hi = t[i + 2][0], t[j - 1][1]
        if constexpr:
            self.constant.append((lo, hi))  # nothing inside may switch at run time
            return
        for ch in c.get_children():
            if self.ext(ch) == (lo, hi) and ch.kind != K.VAR_DECL:
                self.sites.append(Site("negate-if", self.path, lo, hi, [], wrap=("!(", ")"),
                                       orig_wrap=("static_cast<bool>(", ")")))
                return

    def literal(self, c, parent):
        if parent.kind not in LITERAL_PARENTS:
            return  # template arguments, array bounds and the like
        s, e = self.ext(c)
        i = self.toks.index_at(s)
        if i is None or self.toks.toks[i][1] != e or i == 0:
            return
        if self.toks.toks[i - 1][2] in ("{", "[", "<"):
            return
        if parent.kind == K.VAR_DECL and (s < parent.location.offset
                                          or parent.type.kind == ci.TypeKind.CONSTANTARRAY):
            return
        spell = self.text[s:e]
        digits = spell.rstrip("uUlL")
        suffix = spell[len(digits):]
        try:
            value = int(digits.replace("'", ""), 0)
        except ValueError:
            return
        for delta, op in ((1, "literal+1"), (-1, "literal-1")):
            v = value + delta
            if v < 0:
                continue
            new = (hex(v) if digits.lower().startswith("0x") else str(v)) + suffix
            self.sites.append(Site(op, self.path, s, e, [(s, e, new)]))

    def return_bool(self, c, stack):
        kids = list(c.get_children())
        if len(kids) != 1:
            return
        fn = next((x for x in reversed(stack) if x.kind in FUNCS), None)
        expr = kids[0]
        is_bool = expr.type.kind == ci.TypeKind.BOOL or (
            fn is not None and fn.kind != K.LAMBDA_EXPR and fn.result_type.kind == ci.TypeKind.BOOL)
        if not is_bool:
            return
        s, e = self.ext(expr)
        if self.text[s:e].startswith(("HAKMEM_", "(::hakmem")):
            return
        self.sites.append(Site("return-bool", self.path, s, e, [], wrap=("!(", ")"),
                               orig_wrap=("static_cast<bool>(", ")")))

    def memory_order(self, c, stack):
        s, e = self.ext(c)
        name = c.spelling[len("memory_order_"):]
        call = next((x for x in reversed(stack) if x.kind == K.CALL_EXPR), None)
        if call is None or self.text[s:e].split("::")[-1] != c.spelling:
            return
        callee = self.callee(call)
        orders = [x for x in call.walk_preorder()
                  if x.kind == K.DECL_REF_EXPR and x.spelling.startswith("memory_order_")]
        if callee in ("load", "wait"):
            kind = "load"
        elif callee == "store":
            kind = "store"
        elif callee in ("atomic_thread_fence", "atomic_signal_fence"):
            kind = "fence"
        elif callee.startswith("compare_exchange") and len(orders) == 2 and orders[1] == c:
            kind = "load"  # the failure order
        else:
            kind = "rmw"
        cs, ce = self.ext(call)
        for new in WEAKER[kind].get(name, []):
            text = self.text[s:e]
            self.sites.append(Site("memory-order", self.path, cs, ce,
                                   [(s, e, text[: len(text) - len(name)] + new)]))

    def cas_split(self, c):
        """compare_exchange_{weak,strong} -> a load, a compare and a store, each atomic, the pair
        not: `a.compare_exchange_weak(e, d, ...)` becomes `split_cas(a).compare_exchange_weak(e,
        d, ...)` (mutation.h), same bool and `expected` update, seq_cst for both halves (so the
        only difference is the window between them)."""
        name = self.callee(c)
        if name not in ("compare_exchange_weak", "compare_exchange_strong"):
            return
        toks = self.toks.between(*self.ext(c))
        i = next((i for i, t in enumerate(toks) if t[2] == name), None)
        if i is None or i < 2 or toks[i - 1][2] not in (".", "->"):
            return
        s, e, dot = toks[i - 1]
        if self.text[s:e] != dot:
            return  # spelled inside a macro
        # The prefix joins the object's first token (not a wrap: a memory-order site of the same
        # call nests here and must get it inside each of its arms).
        a, b = self.ext(c)
        fs, fe, first = toks[0]
        prefix = "::hakmem::mutation::split_cas(" + ("*" if dot == "->" else "")
        self.sites.append(Site("cas-split", self.path, a, b,
                               [(fs, fe, prefix + first), (s, e, ").")]))

    def deleted_call(self, c):
        call = c
        while call.kind == K.UNEXPOSED_EXPR:
            kids = list(call.get_children())
            if len(kids) != 1 or self.ext(kids[0]) != self.ext(c):
                return
            call = kids[0]
        name = self.callee(call) if call.kind == K.CALL_EXPR else ""
        if name in NEVER_DELETE or name.startswith(("fatal", "operator")) or not name:
            return
        s, e = self.ext(c)
        rest = self.text[e:e + 40].lstrip()
        if not rest.startswith(";") or self.toks.index_at(s) is None:
            return
        semi = self.text.index(";", e) + 1
        self.sites.append(Site("delete-call", self.path, s, semi, [], kind="stmt"))


def find_sites(headers, include_dirs, flags):
    """Parses one translation unit including every header; returns {path: (text, [Site])}."""
    umbrella = "".join('#include "%s"\n' % h for h in headers)
    args = ["-x", "c++", "-std=c++20"] + ["-I" + d for d in include_dirs] + list(flags)
    tu = ci.Index.create().parse("hakmem_mutation_umbrella.cpp", args=args,
                                 unsaved_files=[("hakmem_mutation_umbrella.cpp", umbrella)])
    errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        raise SystemExit("gen_mutants: clang cannot parse the core: %s" % errors[0])
    out = {}
    for h in headers:
        path = os.path.realpath(h)
        with open(path, "rb") as f:
            text = f.read().decode("latin-1")  # one char per byte: clang's offsets are bytes
        if tu.get_file(path) is None:
            out[path] = (text, [])
            continue
        fnd = Finder(tu, path, text)
        fnd.walk(tu.cursor, [], False)
        uniq = {}
        for st in fnd.sites:
            if any(lo <= st.start and st.end <= hi for lo, hi in fnd.constant):
                continue
            uniq.setdefault((st.op, st.start, st.end, tuple(st.edits)), st)
        out[path] = (text, sorted(uniq.values(), key=lambda x: (x.start, -x.end)))
    return out
