"""The package layers (docs/ARCHITECTURE.md, "Layers"): no two feature packages import each other,
counting imports inside functions, and core imports no feature at all."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "elearn"


def _imports():
    """{(importing package, imported package): [file:line, ...]} over every module under elearn/."""
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    edges = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2:
            continue  # elearn/__init__.py (the app factory) and config sit above everything
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = list(parts[:-1])[: len(parts) - node.level]
                    dotted = ".".join(base + ([node.module] if node.module else []))
                    targets = [dotted] if node.module else [f"{dotted}.{a.name}" for a in node.names]
                elif node.module and node.module.startswith("elearn."):
                    targets = [node.module[len("elearn."):]]
            elif isinstance(node, ast.Import):
                targets = [a.name[len("elearn."):] for a in node.names if a.name.startswith("elearn.")]
            for target in targets:
                dst = target.split(".")[0]
                if dst in packages and dst != parts[0]:
                    edges.setdefault((parts[0], dst), []).append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return edges


def test_the_scanner_sees_imports_inside_functions():
    edges = _imports()
    assert ("progress", "courses") in edges  # the engine reads the outline
    assert any(("quizzes", "courses") == pair for pair in edges)


def test_no_two_feature_packages_import_each_other():
    edges = _imports()
    loops = {tuple(sorted(pair)): edges[pair] + edges[pair[::-1]]
             for pair in edges if pair[::-1] in edges}
    assert loops == {}


def test_core_imports_no_feature():
    assert {dst: where for (src, dst), where in _imports().items() if src == "core"} == {}


def test_the_activity_features_never_import_each_other():
    edges = _imports()
    features = ("quizzes", "workshops", "cataloguing")
    assert [pair for pair in edges if pair[0] in features and pair[1] in features] == []


def test_progress_asks_the_registry_instead_of_importing_features():
    edges = _imports()
    for feature in ("quizzes", "workshops", "cataloguing"):
        assert ("progress", feature) not in edges, edges.get(("progress", feature))
        assert ("courses", feature) not in edges, edges.get(("courses", feature))
