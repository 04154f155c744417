"""A story's text as paragraphs and sentences, with the checks that refuse what is not a story.

Paragraphs are blank-line blocks, numbered from 1 (the headline), the numbering the ledgers'
``paragraph:`` field uses. Markdown markup (headings, emphasis, links, list bullets) is
removed from the displayed text but never shifts the numbering. Sentences come from pysbd, a
rule-based splitter, with abbreviations it does not know ("EE. UU.", "Sr.") shielded first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pysbd

from migrationdata.errors import DraftError

#: a long feature runs to 60 KB; anything far past this is not one story
MAX_BYTES = 1_000_000

# Lines a news site wraps around the story: not the reporter's statements.
BOILERPLATE = re.compile(
    r"^(read more|also read|read next|related posts?|leave a comment|photo of author|credit:|"
    r"by [A-Z][\w.'-]+( [A-Z][\w.'-]+)?$|lee también|lea también|te puede interesar|foto:|crédito:)",
    re.IGNORECASE,
)

# Abbreviations whose full stop is not a sentence end, in either language.
_ABBREVIATIONS = [
    "EE. UU.",
    "EE.UU.",
    "U.S.",
    "U.N.",
    "Sr.",
    "Sra.",
    "Dr.",
    "Dra.",
    "Lic.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Gen.",
    "Gov.",
    "Sen.",
    "Rep.",
    "St.",
    "No.",
    "núm.",
    "aprox.",
]
_SHIELD = "\u2024"  # one dot leader: same width as ".", never a sentence end for pysbd

_STOPWORDS = {
    "en": set(
        "the of and to in a is that for on was with as by at from it are were has have had be this "
        "which their its his her they more than after about over not but or an".split()
    ),
    "es": set(
        "el la los las de del y en que por para con una un se es su sus al como más pero fue "
        "ha han este esta entre sobre desde también lo le".split()
    ),
}
# frequent words of languages a reporter might paste by mistake, to name them in the message
_OTHER = {
    "French": set("le les des et est une dans pour pas qui sur avec sont ont été aux du".split()),
    "Portuguese": set("o os um uma não são com para foi pelo pela das dos ao à em".split()),
    "German": set("der die das und ist nicht ein eine mit für auf dem den sich von zu".split()),
    "Italian": set("il gli che della delle per con sono è una nel degli alla".split()),
}


@dataclass
class Sentence:
    paragraph: int  # 1-based blank-line block number
    index: int  # 0-based within the paragraph
    text: str
    start: int  # offset in the paragraph's display text
    end: int


@dataclass
class Paragraph:
    number: int
    text: str  # display text, Markdown markup removed
    boilerplate: bool = False
    heading: bool = False  # a subhead: short, no closing full stop (the headline is paragraph 1)
    sentences: list[Sentence] = field(default_factory=list)


def read_story(path: Path) -> str:
    """The text of a story file, or a :class:`DraftError` saying why it cannot be one."""
    path = Path(path)
    if not path.is_file():
        raise DraftError(f"{path}: no such file. Give the path of the story's text (plain text or Markdown).")
    size = path.stat().st_size
    if size == 0:
        raise DraftError(f"{path}: the file is empty. Save the story's text in it and run draft again.")
    if size > MAX_BYTES:
        raise DraftError(
            f"{path}: {size / 1e6:.1f} MB is far longer than a story (draft reads up to "
            f"{MAX_BYTES // 1000} KB). Give the text of one story, not an archive or a data file."
        )
    raw = path.read_bytes()
    if raw.startswith(b"%PDF"):
        raise DraftError(
            f"{path}: this is a PDF, not text. Copy the story's text into a .txt or .md file and run draft on that."
        )
    if b"\x00" in raw[:8192]:
        raise DraftError(
            f"{path}: this is a binary file, not text. Save the story as plain text (UTF-8) or Markdown."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftError(
            f"{path}: not UTF-8 text (byte {exc.start} cannot be read). Save the story as UTF-8 plain text."
        ) from None
    if not text.strip():
        raise DraftError(f"{path}: the file holds only blank space. Save the story's text in it.")
    return text


def detect_language(text: str, source: str = "the text") -> str:
    """``en`` or ``es`` by the share of each language's commonest words; anything else is an
    error that names the language it looks like, when it is one of a few we can tell."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 5:
        raise DraftError(
            f"{source}: too few words ({len(words)}) to be a story. Give the full text, headline first."
        )
    scores = {lang: sum(w in stop for w in words) / len(words) for lang, stop in _STOPWORDS.items()}
    lang = max(scores, key=scores.get)
    if scores[lang] >= 0.12:
        return lang
    others = {name: sum(w in stop for w in words) / len(words) for name, stop in _OTHER.items()}
    guess = max(others, key=others.get)
    looks = f" It looks like {guess}." if others[guess] >= 0.12 else ""
    raise DraftError(
        f"{source}: draft reads stories in English or Spanish, and this text is neither.{looks} "
        "Give the English or Spanish version, or pass --language if you are sure."
    )


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def _display(block: str) -> str:
    text = _MD_HEADING.sub("", block)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_BULLET.sub("", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def paragraphs(text: str, lang: str) -> list[Paragraph]:
    """Blank-line blocks, numbered from 1, each split into sentences."""
    blocks = [b for b in re.split(r"\n[ \t\r\f\v]*\n", text.replace("\r\n", "\n")) if b.strip()]
    segmenter = pysbd.Segmenter(language=lang, clean=False, char_span=False)
    out = []
    for number, block in enumerate(blocks, start=1):
        shown = _display(block)
        para = Paragraph(number=number, text=shown, boilerplate=bool(BOILERPLATE.match(shown)))
        para.heading = number > 1 and (
            bool(_MD_HEADING.match(block))
            or (len(shown.split()) <= 14 and not re.search(r"[.!?…:;\"”»]$", shown))
        )
        para.sentences = _split(shown, number, segmenter)
        out.append(para)
    return out


def _split(text: str, number: int, segmenter: pysbd.Segmenter) -> list[Sentence]:
    shielded = text
    for abbr in _ABBREVIATIONS:
        shielded = shielded.replace(abbr, abbr.replace(".", _SHIELD))
    sentences = []
    pos = 0
    for piece in segmenter.segment(shielded):
        piece = piece.strip()
        if not piece:
            continue
        start = shielded.find(piece, pos)
        if start < 0:  # pysbd never rewrites with clean=False, but do not trust offsets blindly
            start = pos
        end = start + len(piece)
        pos = end
        sentences.append(
            Sentence(paragraph=number, index=len(sentences), text=text[start:end], start=start, end=end)
        )
    return sentences
