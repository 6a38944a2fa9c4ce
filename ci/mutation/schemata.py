"""Mutant schemata: one copy of a header in which every site switches on its mutant id.

Sites nest (a memory order inside a comparison inside an if condition); a site's two arms each
render the sites inside it, and the edits of the sites around it apply in both arms, so exactly
the one active mutant differs from the original and every other mutant still compiles.
"""

ACTIVE = "::hakmem::mutation::active(%d)"


class Node:
    def __init__(self, site, start, end):
        self.site, self.start, self.end, self.kids = site, start, end, []


def build_tree(text, sites):
    """Nests sites by range; a site that overlaps another partially is dropped (returned)."""
    root = Node(None, 0, len(text))
    stack, dropped = [root], []
    for s in sorted(sites, key=lambda x: (x.start, -x.end, x.id)):
        while not (stack[-1].start <= s.start and s.end <= stack[-1].end):
            stack.pop()
        top = stack[-1]
        if top.kids and top.kids[-1].end > s.start and not (
                top.kids[-1].start <= s.start and s.end <= top.kids[-1].end):
            dropped.append(s)
            continue
        n = Node(s, s.start, s.end)
        top.kids.append(n)
        stack.append(n)
    return root, dropped


def _raw(text, a, b, edits):
    # One token may carry the edits of nested sites (literal+1 around literal-1): the innermost
    # wins. Only one mutant is active, so the arm that would differ is never run.
    chosen = {(s, e): new for (s, e, new) in edits if a <= s and e <= b}
    out, pos = [], a
    for (s, e), new in sorted(chosen.items()):
        out.append(text[pos:s])
        out.append(new)
        pos = e
    out.append(text[pos:b])
    return "".join(out)


def render(text, node, edits):
    out, pos = [], node.start
    for k in node.kids:
        out.append(_raw(text, pos, k.start, edits))
        out.append(schema(text, k, edits))
        pos = k.end
    out.append(_raw(text, pos, node.end, edits))
    return "".join(out)


def schema(text, node, edits):
    s = node.site
    if s.kind == "stmt":
        return "{ if (!%s) { %s } }" % (ACTIVE % s.id, render(text, node, edits))
    pre, suf = s.wrap or ("", "")
    opre, osuf = s.orig_wrap or ("", "")
    mutated = pre + render(text, node, edits + s.edits) + suf
    original = opre + render(text, node, edits) + osuf
    return "(%s ? (%s) : (%s))" % (ACTIVE % s.id, mutated, original)


def one_line(text, site):
    """The original and the mutated text of the site alone (no other site applied)."""
    node = Node(site, site.start, site.end)
    orig = text[site.start:site.end]
    if site.kind == "stmt":
        return " ".join(orig.split()), "/* deleted */"
    pre, suf = site.wrap or ("", "")
    return " ".join(orig.split()), " ".join((pre + render(text, node, site.edits) + suf).split())
