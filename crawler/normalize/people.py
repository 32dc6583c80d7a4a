"""People: author and editor fields cleaned to names ("本报记者 张三 通讯员 李四" -> "张三、李四"), and the
责任编辑 named anywhere in a text."""

from __future__ import annotations

from crawler.normalize import patterns as P
from crawler.normalize.characters import normalize_space, soft_clean, until_stable


def clean_person(text: str | None) -> str | None:
    """Author or editor names only, several joined by "、"; None if no name is left.

    >>> clean_person("本报记者 张三 通讯员 李四")
    '张三、李四'
    >>> clean_person("(责任编辑:孙悦)")
    '孙悦'
    >>> clean_person("作者:张三 来源:新华社 2024-09-03")
    '张三'
    >>> clean_person("佚名") is None
    True
    >>> clean_person("责任编辑：王晓_NF5619")
    '王晓'
    >>> clean_person("记者 张三 李四 张三")  # a name a byline repeats is one name
    '张三、李四'
    """
    if not isinstance(text, str):
        return None
    return until_stable(_person_once, text) or None


def _person_once(text: str) -> str:
    text = P.PERSON_PLACE.sub("", normalize_space(soft_clean(text)))
    if P.PERSON_STOP.match(text.lstrip(" ([【")):
        # "来源:新华社 作者:张三": skip the leading non-name field up to the first role label.
        label = P.PERSON_LABEL.search(text)
        if not label:
            return ""
        text = text[label.start() :]
    other_role = P.AUTHOR_MARK if P.EDITOR_LEAD.match(text) else P.EDITOR_MARK
    end = len(text)
    for pattern in (P.PERSON_STOP, other_role):
        stop = pattern.search(text)
        if stop and stop.start() < end:
            end = stop.start()
    text = P.PERSON_LABEL.sub("、", text[:end])
    text = P.PERSON_BRACKETS.sub("、", text)
    return "、".join(dict.fromkeys(_split_names(text)))


def _split_names(text: str) -> list[str]:
    """Names out of a separator-delimited string; only space-separated Latin words are re-joined.

    >>> _split_names("张三,李四 John Smith、王五 北京报道 王晓_NF5619")
    ['张三', '李四', 'John Smith', '王五', '王晓']
    >>> _split_names("陆 洋、刘文丽 PF117 第一财经 杜川")
    ['陆洋', '刘文丽', '杜川']
    """
    parts = P.NAME_SPLIT.split(text)
    names: list[list[str]] = []  # each name as its words
    last_kept = -2
    for index in range(0, len(parts), 2):
        token = P.STAFF_CODE.sub("", parts[index]).strip(P.EDGE_CHARS)
        if not token or not any(c.isalpha() for c in token) or P.NAME_DROP.search(token):
            continue
        if token.casefold() in P.NULL_PERSONS or P.STAFF_TOKEN.match(token):
            continue
        joined_by_space = index - 2 == last_kept and parts[index - 1].isspace()
        if joined_by_space and P.LATIN_WORD.match(token) and P.LATIN_WORD.match(names[-1][-1]):
            names[-1].append(token)
        elif joined_by_space and P.ONE_HAN.match(token) and len(names[-1]) == 1 and P.ONE_HAN.match(names[-1][0]):
            names[-1][0] += token  # "陆 洋": a two-character name spaced out
        else:
            names.append([token])
        last_kept = index
    joined = (" ".join(words) for words in names)
    return [name for name in joined if name.casefold() not in P.NULL_PERSONS]


def split_people(text: str | None) -> list[str]:
    """The names of a person field as a list: exactly the names `clean_person` joins with "、", in order
    (so `"、".join(split_people(x)) == clean_person(x)`); raw fields are cleaned first. [] if none.

    >>> split_people("张三、李四")
    ['张三', '李四']
    >>> split_people("本报记者 张三 通讯员 John Smith")
    ['张三', 'John Smith']
    >>> split_people(None)
    []
    """
    people = clean_person(text)
    return people.split("、") if people else []


def find_editor(text: str | None) -> str | None:
    """The name in a 责任编辑 mention anywhere in `text` ("(责任编辑:孙悦)", "编辑:孙悦"), or None.

    >>> find_editor("……照亮新天地。【责任编辑：孙悦】")
    '孙悦'
    >>> find_editor("编辑部主任孙悦") is None
    True
    """
    if not isinstance(text, str):
        return None
    text = soft_clean(text)
    mention = P.EDITOR_MENTION.search(text) or P.EDITOR_PLAIN.search(text)
    if not mention:
        return None
    return clean_person("责任编辑:" + mention["name"])
