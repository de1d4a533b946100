"""The screens' town: a 20-account demo town with one user per screen role, built once per test session and copied
for each test that writes; a bill's QR payload as the scanner types it."""
from __future__ import annotations

import shutil
from pathlib import Path

from bcenter.app import App
from bcenter.modules.bills import qr
from tests.finance.towns import demo_town, open_town

USERS = {"oper": ("Оператор О. О.", "operator", "пароль-оператора"),
         "kassa": ("Кассир К. К.", "cashier", "пароль-кассира"),
         "obhod": ("Контролёр К. К.", "meter_reader", "пароль-контролёра")}


def build_town(path: Path) -> Path:
    app = demo_town(path, accounts=20, seed=4)
    try:
        for login, (name, role, password) in USERS.items():
            app.users.add(login=login, full_name=name, roles=[role], password=password)
        app.meters.make_route(name="Обход 1", houses=[h for (h,) in app.db.execute_sql(
            'SELECT ext_id FROM "house" ORDER BY ext_id')])
    finally:
        app.close()
    return path


def copy_town(source: Path, folder: Path) -> App:
    path = folder / "town.db"
    shutil.copy(source, path)
    return open_town(path)


def bill_qr(app: App, account: str, kopecks: int, period: str = "112026") -> str:
    """The payment code a bill of ``account`` carries (its first supplier with bank details), as a keyboard-wedge
    scanner types it: the payload's bytes as Latin-1 characters, then Enter."""
    name, inn, kpp, account_no, bank, bic, corr = app.db.execute_sql(
        'SELECT s.name, s.inn, s.kpp, b.account, b.bank_name, b.bic, b.corr_account FROM "supplier" s '
        'JOIN "bank_detail" b ON b.supplier_id = s.id ORDER BY s.name LIMIT 1').fetchone()
    text = qr.payload({"Name": name, "PersonalAcc": account_no, "BankName": bank, "BIC": bic, "CorrespAcc": corr,
                       "PayeeINN": inn, "KPP": kpp, "PersAcc": account, "Sum": kopecks, "PaymPeriod": period},
                      charset="auto")
    return qr.encode(text).decode("latin-1")
