"""Safe loading: YAML tags, oversized files, path traversal, uploads; fuzzing never crashes."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.core.errors import BusinessError
from kyodo.core.uploads import check_upload
from kyodo.core.yamlfile import load_yaml, parse_yaml
from kyodo.robots import RunContext
from kyodo.robots.context import safe_filename
from kyodo.runner.scenario.validate import check_scenario


@pytest.mark.parametrize("doc", [
    "!!python/object/apply:os.system ['touch /tmp/kyodo-pwned']",
    "a: !!python/object/new:subprocess.Popen [['id']]",
    "x: !!python/name:os.system",
])
def test_yaml_tags_never_construct_objects(doc):
    with pytest.raises(BusinessError, match="YAML"):
        parse_yaml(doc, "evil.yaml")
    assert not Path("/tmp/kyodo-pwned").exists()


def test_oversized_yaml_is_refused(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text("a: " + "x" * 2_100_000, encoding="utf-8")
    with pytest.raises(BusinessError, match="大きすぎます"):
        load_yaml(f)


def test_input_paths_are_confined(tmp_path):
    inbox = tmp_path / "data" / "352039"
    inbox.mkdir(parents=True)
    (inbox / "ok.csv").write_text("a\n")
    secret = tmp_path / "other-town.csv"
    secret.write_text("x\n")
    (inbox / "link.csv").symlink_to(secret)
    ctx = RunContext(run_id="t", artifact_dir=tmp_path / "run", input_dirs=(inbox,))
    assert ctx.input_path("ok.csv") == (inbox / "ok.csv").resolve()
    for bad in ("../other-town.csv", "../../etc/passwd", "/etc/passwd", str(secret), "link.csv", "sub/../../other-town.csv"):
        with pytest.raises(BusinessError, match="許可されたフォルダの外"):
            ctx.input_path(bad)


def test_download_names_lose_their_paths(tmp_path):
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Windows\\system.ini") == "system.ini"
    assert safe_filename("申請:一覧?.csv") == "申請_一覧_.csv"
    assert safe_filename("..") == "file"
    ctx = RunContext(run_id="t", artifact_dir=tmp_path / "run")
    assert ctx.artifact_path("申請:一覧.xlsx") == tmp_path / "run" / "申請_一覧.xlsx"
    for bad in ("../../x.xlsx", "/tmp/x.xlsx", "sub/x.xlsx", "..\\x.xlsx", ".."):  # refused, never stripped to x.xlsx
        with pytest.raises(BusinessError, match="フォルダ|空"):
            ctx.artifact_path(bad)


def test_upload_checks(tmp_path):
    assert check_upload(b"\x89PNG\r\n\x1a\n" + b"0" * 10, "image", "scan.png") == "png"
    assert check_upload(b"%PDF-1.7 ...", "image", "scan.pdf") == "pdf"
    with pytest.raises(BusinessError, match="画像"):
        check_upload(b"MZ\x90\x00 not an image", "image", "scan.png")
    with pytest.raises(BusinessError, match="大きすぎます"):
        check_upload(b"\xff\xd8\xff" + b"0" * 40_000_001, "image", "huge.jpg")
    with pytest.raises(BusinessError, match="空"):
        check_upload(b"", "faq", "faq.csv")
    assert check_upload(b"[{}]", "faq", "faq.json") == "json"
    with pytest.raises(BusinessError, match="テキスト"):
        check_upload(b"%PDF-1.4 ...", "faq", "faq.csv")


def png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


def test_image_bombs_and_huge_pdfs_are_refused_before_decoding(tmp_path):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (2480, 3508), 255).save(buf, "PNG")  # A4 at 300 dpi
    assert check_upload(buf.getvalue(), "image", "a4.png") == "png"
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header(50_000, 50_000))  # 80 bytes claiming 2.5 G pixels
    with pytest.raises(BusinessError, match="画像が大きすぎます"):
        check_upload(bomb, "image")
    bomb.write_bytes(png_header(12_000, 12_000))  # 144 M pixels: below Pillow's guard, above ours
    with pytest.raises(BusinessError, match="12,000 × 12,000 ピクセル"):
        check_upload(bomb, "image")
    pdf = io.BytesIO()
    Image.new("L", (20, 20), 255).save(pdf, "PDF", save_all=True, append_images=[Image.new("L", (20, 20))] * 200)
    with pytest.raises(BusinessError, match="201 ページ"):
        check_upload(pdf.getvalue(), "image", "many.pdf")


yaml_ish = st.lists(st.sampled_from(list("abc:-[]{}#'\"\n\t $!&*|>%@`.,=0123456789あ漢") + ["steps:", "action:", "with:",
                                                                                              "${", "}", "  - ", "name: x\n", "title: t\n"]),
                    max_size=120).map("".join)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_ish)
def test_fuzz_scenario_loader_text(text):
    try:
        data = parse_yaml(text, "fuzz.yaml")
    except BusinessError:
        return
    problems = check_scenario(data, "fuzz.yaml", text)
    assert isinstance(problems, list)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(
                               ["name", "title", "steps", "action", "with", "for_each", "id", "when", "params", "zone", "x"]), c, max_size=5),
                           max_leaves=20)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_fuzz_scenario_structures(data):
    assert isinstance(check_scenario(data, "fuzz.yaml"), list)


@pytest.fixture(scope="module")
def faq_client(tmp_path_factory):
    from kyodo.faq_bot.api import create_app
    from kyodo.faq_bot.questionlog import QuestionStore
    from kyodo.faq_bot.service import FaqService
    from kyodo.runner.registry import load_registry

    db = tmp_path_factory.mktemp("faq") / "faq.db"
    app = create_app(FaqService(load_registry(Path("config/municipalities.yaml"))), QuestionStore(f"sqlite:///{db}"),
                     rate_per_minute=10**6)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(question=st.text(max_size=600), code=st.sampled_from(["352039", "352021", "000000", "abc", "352038"]))
def test_fuzz_faq_api_never_500(faq_client, question, code):
    r = faq_client.post(f"/api/{code}/ask", json={"question": question})
    assert r.status_code in (200, 404, 413, 422)
    body = r.json()
    assert "message" in body or "error" in body


@settings(max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzz_faq_api_raw_bodies(faq_client, body):
    r = faq_client.post("/api/352039/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code in (200, 400, 413, 422)


def _unsafe_calls(tree) -> list[tuple[int, str]]:
    import ast

    bad = []
    assigned = {t.id: ast.unparse(n.value) for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}

    def safe_loader(expr) -> bool:
        text = ast.unparse(expr) if expr is not None else ""
        return "SafeLoader" in assigned.get(text, text) and "Unsafe" not in assigned.get(text, text)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f"{getattr(f.value, 'id', '?')}.{f.attr}" if isinstance(f, ast.Attribute) else "?"
        kw = {k.arg: k.value for k in node.keywords}
        if name in ("eval", "exec", "os.system", "os.popen", "yaml.unsafe_load", "yaml.full_load", "marshal.loads",
                    "pickle.load", "pickle.loads", "joblib.load", "shelve.open"):
            bad.append((node.lineno, name))
        elif name == "yaml.load" and not safe_loader(kw.get("Loader")):
            bad.append((node.lineno, name))
        elif isinstance(kw.get("shell"), ast.Constant) and kw["shell"].value is True:
            bad.append((node.lineno, f"{name}(shell=True)"))
    return bad


def test_guard_finds_unsafe_calls():
    import ast

    src = ("import yaml, os, subprocess\nL = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\nU = yaml.UnsafeLoader\n"
           "yaml.load(s)\nyaml.load(s, Loader=yaml.SafeLoader)\nyaml.load(s, Loader=L)\nyaml.load(s, Loader=U)\n"
           "yaml.load(s, Loader=yaml.FullLoader)\neval('1')\nsubprocess.run('x', shell=True)\n")
    assert [n for _, n in _unsafe_calls(ast.parse(src))] == ["yaml.load", "yaml.load", "yaml.load", "eval",
                                                             "subprocess.run(shell=True)"]


def test_no_unsafe_loading_or_execution_in_the_code():
    """No yaml.load without SafeLoader, eval/exec, pickle, os.system or shell=True anywhere in kyodo."""
    import ast

    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("core", "robots", "runner", "faq_bot", "scripts", "bench"):
        for py in (root / folder).rglob("*.py"):
            found += [f"{py.relative_to(root)}:{line} {name}" for line, name in _unsafe_calls(ast.parse(py.read_bytes()))]
    assert not found, found
