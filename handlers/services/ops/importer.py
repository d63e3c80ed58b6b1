"""Customer import from CSV / XLSX: column mapping, validation, duplicates, a rejects report.

Rows stream through in batches; each batch is one look-up of the customers it could
duplicate (by phone, email and name+company, through indexes), one multi-row INSERT and one
for its audit rows, so 100k rows take seconds and little memory whatever the org's size.
Rows are also checked against earlier rows of the same file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from handlers.i18n import add_texts
from handlers.nlu.birthday import BadBirthday, parse_birthday
from handlers.nlu.match import search_key
from handlers.services.audit import record
from handlers.services.customers import normalize_phone
from handlers.services.ops.ownership import OpsError
from store.models import Contact, User
from store.repos.ops_data import name_key
from store.scope import Scope
from store.uow import UnitOfWork

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "客户", "客户名称", "客户姓名"),
    # With a name column too, each row is a company (name) and one of its people (contact),
    # whose phone, email and title these are; alone, it is the name, as it always was.
    "contact": ("contact", "contact name", "联系人", "联系人姓名"),
    "phone": ("phone", "mobile", "电话", "手机", "手机号", "联系电话"),
    "phone2": (
        "phone2", "second phone", "office phone", "电话2", "第二个电话", "座机", "办公电话",
    ),
    "company": ("company", "公司", "单位", "企业", "公司名称"),
    "email": ("email", "e-mail", "邮箱", "电子邮件"),
    "title": ("title", "职位", "职务"),
    "wechat": ("wechat", "微信", "微信号"),
    "address": ("address", "地址"),
    "industry": ("industry", "行业"),
    "source": ("source", "来源"),
    "tier": ("tier", "等级", "级别"),
    "notes": ("notes", "备注"),
    "tags": ("tags", "标签"),
    "birthday": ("birthday", "生日", "出生日期", "date of birth", "dob"),
}
LIMITS = {
    "name": 200, "company": 200, "title": 100, "email": 200, "wechat": 100, "contact": 200,
}  # fmt: skip
# A contact row's fields that are the person's.
CONTACT_PART = ("phone", "phone2", "email", "title")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BATCH = 2000
STRATEGIES = ("skip", "merge", "create")

add_texts(
    {
        "imp.bad_mapping": (
            "列映射「{item}」无效：字段或列名不存在。",
            'Bad mapping "{item}": unknown field or column.',
        ),
        "imp.no_name_column": (
            "找不到客户姓名列，请用 --mapping name=列名 指定。",
            "No name column; give one with --mapping name=Column.",
        ),
        "imp.empty": ("文件是空的。", "The file is empty."),
        "imp.no_name": ("缺少姓名", "no name"),
        "imp.too_long": ("有字段过长", "a field is too long"),
        "imp.bad_phone": ("电话号码无效", "not a phone number"),
        "imp.bad_email": ("邮箱无效", "not an email address"),
        "imp.bad_tier": ("等级只能是 A、B 或 C", "tier must be A, B or C"),
        "imp.bad_birthday": (
            "生日无效（如 1985-03-05、3月5日、农历三月初五）",
            "not a birthday (like 1985-03-05, May 3 or lunar 3/5)",
        ),
        "imp.dup_in_file": ("与第 {detail} 行重复", "duplicate of row {detail}"),
    }
)


@dataclass
class ImportReport:
    created: int = 0
    merged: int = 0
    skipped: int = 0
    outside: int = 0  # merges refused: the existing customer is outside the importer's scope
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # row, reason key, detail
    preview: list[dict[str, str]] = field(default_factory=list)
    contacts: int = 0  # people added to companies (a contact column)
    mapping: dict[str, str] = field(default_factory=dict)


def resolve_mapping(header: list[str], explicit: dict[str, str]) -> dict[str, int]:
    """Field -> column index; explicit `field=Column` wins, then known header names."""
    lowered = [h.strip().casefold() for h in header]
    found: dict[str, int] = {}
    for name, column in explicit.items():
        if name not in FIELDS or column.strip().casefold() not in lowered:
            raise OpsError("imp.bad_mapping", item=f"{name}={column}")
        found[name] = lowered.index(column.strip().casefold())
    for name, aliases in FIELDS.items():
        hit = next((i for i, h in enumerate(lowered) if h in aliases), None)
        if name not in found and hit is not None and hit not in found.values():
            found[name] = hit
    if "name" not in found and "contact" in found:
        found["name"] = found.pop("contact")
    if "name" not in found:
        raise OpsError("imp.no_name_column")
    return found


def parse_mapping(text: str | None) -> dict[str, str]:
    pairs = [p.split("=", 1) for p in (text or "").split(",") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs}


def _clean(cells: list[str], mapping: dict[str, int]) -> tuple[dict[str, Any], str | None]:
    """A row as customer fields, or the reason it is refused."""
    row: dict[str, Any] = {
        f: cells[i].strip() for f, i in mapping.items() if i < len(cells) and cells[i].strip()
    }
    if not row.get("name"):
        return row, "imp.no_name"
    too_long = next((f for f, n in LIMITS.items() if len(row.get(f, "")) > n), None)
    if too_long:
        return row, "imp.too_long"
    for column in ("phone", "phone2"):
        if column in row:
            phone = normalize_phone(row[column])
            if phone is None:
                return row, "imp.bad_phone"
            row[column] = phone
    if "email" in row and not EMAIL.match(row["email"]):
        return row, "imp.bad_email"
    if "tier" in row:
        row["tier"] = row["tier"].upper()
        if row["tier"] not in ("A", "B", "C"):
            return row, "imp.bad_tier"
    if "birthday" in row:  # solar or lunar (农历三月初五), as the chat reads it
        try:
            born = parse_birthday(row["birthday"])
        except BadBirthday:
            return row, "imp.bad_birthday"
        row["birthday"], row["birthday_lunar"] = born.as_date(), born.lunar
    if "contact" in row:  # the company's person: the row's phone, email and title are theirs
        person = {"name": row.pop("contact")} | {f: row.pop(f) for f in CONTACT_PART if f in row}
        row["_contact"], row["kind"] = person, "company"
    return row, None


class _Existing:
    """The org's customers one batch of rows could duplicate, looked up through indexes:
    phones, emails and name|company keys, the oldest customer first."""

    def __init__(self) -> None:
        self.phones: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.names: dict[str, int] = {}

    @classmethod
    async def of(cls, uow: UnitOfWork, org_id: int, rows: list[dict[str, Any]]) -> _Existing:
        phones = [r["phone"] for r in rows if r.get("phone")]
        emails = [r["email"].lower() for r in rows if r.get("email")]
        named = [pair for r in rows for pair in _named_forms(r["name"], r.get("company"))]
        found = cls()
        for cid, phone, email, name, company in await uow.ops.import_matches(
            org_id, phones, emails, named
        ):
            if phone:
                found.phones.setdefault(phone, cid)
            if email:
                found.emails.setdefault(email.lower(), cid)
            found.names.setdefault(name_key(name, company), cid)
        return found

    def match(self, row: dict[str, Any]) -> int | None:
        phone, email = row.get("phone"), (row.get("email") or "").lower()
        return (
            (self.phones.get(phone) if phone else None)
            or (self.emails.get(email) if email else None)
            or self.names.get(name_key(row["name"], row.get("company")))
        )


def _named_forms(name: str, company: str | None) -> set[tuple[str, str]]:
    """(company, name) pairs a customer equal under name_key (case- and space-blind) may be
    stored as, for exact look-ups through the (org_id, company, name) index."""
    return {(c, n) for c in _forms(company or "") for n in _forms(name)}


def _forms(text: str) -> set[str]:
    """As written, spaces collapsed, and the usual cases of Latin words; one for Chinese."""
    collapsed = " ".join(text.split())
    return {text, collapsed, collapsed.casefold(), collapsed.title(), collapsed.upper()}


class _SeenInFile:
    """Phones, emails and name|company keys of earlier rows of the same file."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}  # key -> file row number

    def earlier(self, row: dict[str, Any], number: int) -> int | None:
        person = row.get("_contact")
        if person is not None:  # a company's rows repeat it: the person is what must not
            keys = [f"c:{name_key(person['name'], row['name'])}"]
            person_row = person
        else:
            keys, person_row = [f"n:{name_key(row['name'], row.get('company'))}"], row
        keys += [f"p:{person_row['phone']}"] if person_row.get("phone") else []
        keys += [f"e:{person_row['email'].lower()}"] if person_row.get("email") else []
        earlier = next((self.seen[k] for k in keys if k in self.seen), None)
        for k in keys:
            self.seen.setdefault(k, number)
        return earlier


@dataclass
class _Run:
    """One import's settings, shared by its batches."""

    uow: UnitOfWork
    actor: User | None
    org_id: int
    owner: User | None
    now: datetime
    on_duplicate: str
    preview_only: bool
    report: ImportReport
    scope: Scope | None = None  # None: the operator's CLI, which may merge into anyone's
    companies: dict[str, int] = field(default_factory=dict)  # name key -> company id, so far


async def import_customers(
    uow: UnitOfWork,
    actor: User | None,
    org_id: int,
    owner: User | None,
    rows: Iterator[list[str]],
    now: datetime,
    explicit: dict[str, str] | None = None,
    on_duplicate: str = "skip",
    preview_only: bool = False,
    scope: Scope | None = None,
) -> ImportReport:
    """Import every row (or, with preview_only, check them all and write nothing). With a
    `scope` (an import from chat), merging only fills in customers the importer may see."""
    header = next(rows, None)
    if header is None:
        raise OpsError("imp.empty")
    mapping = resolve_mapping(header, explicit or {})
    report = ImportReport(mapping={f: header[i] for f, i in mapping.items()})
    run = _Run(uow, actor, org_id, owner, now, on_duplicate, preview_only, report, scope)
    in_file = _SeenInFile()
    pending: list[dict[str, Any]] = []
    for number, cells in enumerate(rows, start=2):
        row, reason = _clean(cells, mapping)
        if reason is None and (earlier := in_file.earlier(row, number)) is not None:
            reason, row["_detail"] = "imp.dup_in_file", str(earlier)
        if reason is not None:
            report.rejected.append((number, reason, row.pop("_detail", row.get("name", ""))))
            continue
        if len(report.preview) < 5:
            report.preview.append({k: _shown(v) for k, v in row.items()})
        pending.append(row)
        if len(pending) >= BATCH:
            await _settle(run, pending)
    await _settle(run, pending)
    return report


async def _settle(run: _Run, pending: list[dict[str, Any]]) -> None:
    """Create or merge/skip one batch of valid rows, its duplicates looked up in one go.
    Rows this import created earlier need no look-up: a row matching one is a duplicate
    within the file and was refused before it got here."""
    existing = await _Existing.of(run.uow, run.org_id, pending) if pending else _Existing()
    batch: list[dict[str, Any]] = []
    people = _People()
    for row in pending:
        if "_contact" in row:
            people.place(run, existing, row, batch)
            continue
        found = existing.match(row)
        if found is not None and run.on_duplicate != "create":
            await _on_existing(run, found, row)
            continue
        run.report.created += 1
        if not run.preview_only:
            batch.append(_new_row(run.org_id, run.owner, row, run.now))
    ids = await _flush(run.uow, run.actor, batch, run.now) if batch else []
    await people.add(run, ids)
    pending.clear()


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _shown(value: object) -> str:
    """A row's value as the preview prints it (a birthday is a date, lunar a flag)."""
    return value.isoformat() if isinstance(value, date) else str(value)


class _People:
    """One batch's contact rows: each goes to its company, found (earlier in this import, or
    already in the book, through the same look-up as any row) or created once in the batch."""

    def __init__(self) -> None:
        self.to_existing: list[tuple[int, dict[str, Any]]] = []
        self.to_new: list[tuple[int, str, dict[str, Any]]] = []  # batch index, key, person
        self.new_at: dict[str, int] = {}

    def place(
        self, run: _Run, existing: _Existing, row: dict[str, Any], batch: list[dict[str, Any]]
    ) -> None:
        person, key = row.pop("_contact"), name_key(row["name"], row.get("company"))
        found = run.companies.get(key) or existing.match(row)
        if found is not None:
            self.to_existing.append((found, person))
        elif key in self.new_at:
            self.to_new.append((self.new_at[key], key, person))
        else:
            run.report.created += 1
            self.new_at[key] = len(batch)
            self.to_new.append((len(batch), key, person))
            batch.append(_new_row(run.org_id, run.owner, row, run.now))

    async def add(self, run: _Run, ids: list[int]) -> None:
        placed = list(self.to_existing)
        for index, key, person in self.to_new:
            if index < len(ids):  # not in a preview, which writes nothing
                run.companies[key] = ids[index]
                placed.append((ids[index], person))
            else:
                run.report.contacts += 1
        for company_id, person in placed:
            if await _add_contact(run, company_id, person):
                run.report.contacts += 1


async def _add_contact(run: _Run, company_id: int, person: dict[str, Any]) -> bool:
    """A contact, unless the company already has them (same name, phone or email)."""
    if run.preview_only:
        return True
    known = await run.uow.contacts.of_customer(company_id, limit=1000)
    if any(_same_person(k.name, k.phone, k.email, person) for k in known):
        run.report.skipped += 1
        return False
    contact = Contact(
        org_id=run.org_id, customer_id=company_id, name=person["name"],
        title=person.get("title"), phone=person.get("phone"), phone2=person.get("phone2"),
        email=person.get("email"),
        search_key=_key_part(person["name"], True), birthday_lunar=False, care_consent=False,
        created_at=run.now, updated_at=run.now,
    )  # fmt: skip
    await run.uow.contacts.add(contact)
    after = {"org_id": run.org_id, "customer_id": company_id, "name": contact.name}
    target = ("contact", contact.id)
    await record(run.uow, run.actor, "contact.import", target, run.now, after=after)
    return True


def _same_person(name: str, phone: str | None, email: str | None, row: dict[str, Any]) -> bool:
    if phone and phone == row.get("phone"):
        return True
    if email and email.lower() == (row.get("email") or "").lower():
        return True
    return name_key(name, None) == name_key(row["name"], None)


@lru_cache(maxsize=65536)
def _key_part(text: str, is_name: bool) -> str:
    return search_key(text, None) if is_name else search_key("", text)


def _search_key(name: str, company: str | None) -> str:
    """search_key in two cached halves: an import repeats companies and common names, and
    pinyin is most of the per-row cost. The same LIKE needles match as in the whole key."""
    return f"{_key_part(name, True)} {_key_part(company or '', False)}".strip()


def _new_row(
    org_id: int, owner: User | None, row: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "org_id": org_id, "owner_id": owner.id if owner else None,
        "search_key": _search_key(row["name"], row.get("company")),
        "tier": "C", "lifecycle": "prospect", "source": "import",
        "birthday_lunar": False, "care_consent": False,
        "created_at": now, "updated_at": now, **row,
    }  # fmt: skip


async def _on_existing(run: _Run, existing: int, row: dict[str, Any]) -> None:
    uow, actor, report, now = run.uow, run.actor, run.report, run.now
    if run.on_duplicate == "skip":
        report.skipped += 1
        return
    customer = await uow.ops.customer(existing)
    owners = run.scope.owner_ids if run.scope is not None else None
    if customer is not None and owners is not None and customer.owner_id not in owners:
        report.outside += 1  # someone else's customer: not ours to change
        return
    report.merged += 1
    if run.preview_only or customer is None:
        return
    # A birthday's lunar flag goes with it: never onto a birthday the customer already has.
    lunar = row.get("birthday_lunar", False) and not customer.birthday
    filled = {
        f: v
        for f, v in row.items()
        if f not in ("name", "birthday_lunar") and not getattr(customer, f)
    }
    for name, value in filled.items():
        setattr(customer, name, value)
    if "birthday" in filled:
        filled["birthday_lunar"] = customer.birthday_lunar = bool(lunar)
    customer.updated_at = now
    after = {"org_id": customer.org_id, **{f: _jsonable(v) for f, v in filled.items()}}
    await record(uow, actor, "customer.import_merge", ("customer", customer.id), now, after=after)


async def _flush(
    uow: UnitOfWork, actor: User | None, batch: list[dict[str, Any]], now: datetime
) -> list[int]:
    ids = await uow.ops.insert_customers(batch)
    audit = [
        {
            "org_id": row["org_id"], "user_id": actor.id if actor else None,
            "action": "customer.import", "entity": "customer", "entity_id": cid,
            "before": None, "after": {"owner_id": row["owner_id"], "name": row["name"]}, "at": now,
        }
        for cid, row in zip(ids, batch, strict=True)
    ]  # fmt: skip
    await uow.ops.insert_audit(audit)
    batch.clear()
    return ids
