"""The demo desk's topics, names, organisations and teams."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    category: str
    team: str
    priority_weights: tuple[int, int, int, int]  # low, normal, high, urgent, before the text's urgency
    tags: tuple[str, ...]


# What customers write about each topic is in frontline/demo/texts (put together by compose.py).
TOPICS = (
    Topic("Account access", "L1", (2, 6, 2, 0), ("login", "password")),
    Topic("Billing", "Billing", (1, 6, 3, 0), ("billing", "refund")),
    Topic("Bug report", "L2", (0, 4, 5, 1), ("bug",)),
    Topic("Integration / API", "L3", (0, 4, 4, 2), ("api", "integration")),
    Topic("Delivery", "L1", (1, 6, 2, 1), ("delivery",)),
    Topic("Feature request", "L2", (4, 5, 0, 0), ("feature-request",)),
)

FIRST_EN = (
    "James",
    "Emily",
    "Michael",
    "Sarah",
    "David",
    "Laura",
    "Daniel",
    "Anna",
    "Robert",
    "Julia",
    "Thomas",
    "Olivia",
)
LAST_EN = ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clark", "Lewis", "Walker", "Hall", "Young")
FIRST_RU = (
    "Александр",
    "Мария",
    "Дмитрий",
    "Елена",
    "Сергей",
    "Ольга",
    "Андрей",
    "Наталья",
    "Иван",
    "Татьяна",
    "Павел",
    "Ксения",
)
FEMALE_RU = frozenset({"Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ксения"})
LAST_RU = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков")

ORGANISATIONS = (
    ("Northwind Traders", "northwind.example", "standard"),
    ("Contoso Ltd", "contoso.example", "vip"),
    ("ООО «Ромашка»", "romashka.example", "standard"),
    ("АО «Вектор»", "vektor.example", "vip"),
    ("Fabrikam Inc", "fabrikam.example", "standard"),
    ("ИП Петров", "petrov.example", "standard"),
    ("Tailspin Toys", "tailspin.example", "standard"),
    ("ООО «ТехноСфера»", "technosfera.example", "vip"),
)

TEAMS = (
    ("L1 Support", "L1", "First line: answers the basics in Russian and English, routes the rest."),
    ("Billing", "L2", "Payments, invoices, refunds and plans."),
    ("L2 Technical", "L2", "Technical specialists: bugs, configuration, data problems."),
    ("L3 Engineering", "L3", "Engineers and product experts: integrations, API, incidents."),
)
