"""What `migrationdata draft` refuses, and how: a sentence to act on, no traceback, no file."""

from __future__ import annotations

import pytest

from migrationdata.cli import main
from migrationdata.draft.sentences import detect_language, paragraphs

STORY_EN = (
    "Crossings hit a record\n\nMore than 500,000 migrants crossed the Darién Gap in 2023, officials said.\n"
)


def run(tmp_path, capsys, path, *extra):
    out = tmp_path / "out" / "story.yaml"
    code = main(["draft", str(path), "--published", "2023-12-28", "--out", str(out), *extra])
    err = capsys.readouterr().err
    return code, err, out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n  \n", "only blank space"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "this is a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Crossings rose in 2023".encode("utf-16"), "binary file"),
        (b"Caf\xe9 con leche, 2023 fue un a\xf1o r\xe9cord para la migraci\xf3n.", "not UTF-8"),
        (("Les migrants sont arrivés à la frontière et ils ont été nombreux dans le pays pour une année. " * 3).encode(),
         "It looks like French"),
        (("Die Migranten sind an der Grenze angekommen und das ist nicht ein neues Problem für die Stadt. " * 3).encode(),
         "It looks like German"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_message_and_writes_nothing(tmp_path, capsys, content, message):
    path = tmp_path / "story.txt"
    path.write_bytes(content)
    code, err, out = run(tmp_path, capsys, path)
    assert code == 1
    assert message in err and str(path) in err
    assert "Traceback" not in err
    assert not out.exists() and not out.parent.exists()


def test_a_5_mb_text_is_refused(tmp_path, capsys):
    path = tmp_path / "big.txt"
    path.write_text(STORY_EN * 70_000)
    assert path.stat().st_size > 5_000_000
    code, err, out = run(tmp_path, capsys, path)
    assert code == 1 and "far longer than a story" in err and not out.exists()


def test_a_missing_file_and_a_bad_date_are_named(tmp_path, capsys):
    code, err, out = run(tmp_path, capsys, tmp_path / "nope.txt")
    assert code == 1 and "no such file" in err
    path = tmp_path / "story.txt"
    path.write_text(STORY_EN)
    code = main(["draft", str(path), "--published", "28/12/2023", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "YYYY-MM-DD" in err and not out.exists()


def test_a_confirmed_ledger_is_not_overwritten(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(STORY_EN)
    out = tmp_path / "story.yaml"
    out.write_text("headline: x\nclaims:\n  - id: a\n    status: confirmed\n")
    code = main(["draft", str(path), "--published", "2023-12-28", "--out", str(out)])
    assert code == 1 and "will not overwrite" in capsys.readouterr().err
    assert "confirmed" in out.read_text()
    assert main(["draft", str(path), "--published", "2023-12-28", "--out", str(out), "--force"]) == 0
    assert "status: draft" in out.read_text()


def test_language_is_detected_for_english_and_spanish():
    assert detect_language("The migrants crossed the border in 2023 and they were more than before.") == "en"
    assert (
        detect_language("Los migrantes cruzaron la frontera en 2023 y fueron más que el año anterior.")
        == "es"
    )


def test_paragraphs_are_blank_line_blocks_and_markdown_is_read_as_text():
    text = (
        "# Record year at the border\n\n*By* a reporter\n   \n"
        "More than **500,000** people crossed the [Darién](https://example.org) in 2023. U.S. officials "
        "counted them. Mr. Smith agreed.\n\n- El Sr. López dijo que EE. UU. cerró 2 cruces. Fin.\n"
    )
    paras = paragraphs(text, "en")
    assert [p.number for p in paras] == [1, 2, 3, 4]
    assert paras[0].text == "Record year at the border"
    assert paras[2].text.startswith("More than 500,000 people crossed the Darién in 2023.")
    assert [s.text for s in paras[2].sentences] == [
        "More than 500,000 people crossed the Darién in 2023.",
        "U.S. officials counted them.",
        "Mr. Smith agreed.",
    ]
    es = paragraphs(text, "es")[3]
    assert [s.text for s in es.sentences] == ["El Sr. López dijo que EE. UU. cerró 2 cruces.", "Fin."]
    for s in paras[2].sentences:
        assert paras[2].text[s.start : s.end] == s.text


def test_a_draft_is_redrafted_in_place_but_not_a_ledger_with_an_entry_left_confirmed(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(STORY_EN)
    out = tmp_path / "story.yaml"
    args = ["draft", str(path), "--published", "2023-12-28", "--out", str(out)]
    assert main(args) == 0
    assert main(args) == 0  # its own draft (whose header tells how to confirm) is replaced
    # an entry without status is confirmed (the default): the ledger is kept
    out.write_text(out.read_text().replace("    status: draft\n", "", 1))
    assert main(args) == 1 and "will not overwrite" in capsys.readouterr().err
