"""Words of the demo desk: conversations in Russian and English by topic, names, organisations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    category: str
    team: str
    priority_weights: tuple[int, int, int, int]  # low, normal, high, urgent
    en: tuple[tuple[str, str], ...]  # (subject, first message)
    ru: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]


TOPICS = (
    Topic(
        "Account access",
        "L1",
        (2, 6, 2, 0),
        (
            (
                "Cannot log in",
                "Hi, since this morning the login page says my password is wrong, but I did not change it.",
            ),
            (
                "Password reset email never arrives",
                "I requested a password reset three times and got nothing. Spam folder is empty too.",
            ),
            ("Two-factor code not accepted", "The 2FA code from my authenticator app is rejected every time."),
        ),
        (
            (
                "Не могу войти в личный кабинет",
                "Здравствуйте! С утра не получается войти: пишет, что пароль неверный, хотя я его не менял.",
            ),
            (
                "Не приходит письмо для сброса пароля",
                "Трижды запрашивал восстановление пароля, письма нет, в спаме тоже пусто.",
            ),
            (
                "Не принимается код двухфакторной аутентификации",
                "Код из приложения-аутентификатора каждый раз отклоняется.",
            ),
        ),
        ("login", "password"),
    ),
    Topic(
        "Billing",
        "Billing",
        (1, 6, 3, 0),
        (
            (
                "Charged twice this month",
                "My card was charged twice for the March subscription. Please refund one payment.",
            ),
            ("Need a VAT invoice", "Could you send an invoice with our VAT number for the last payment?"),
            ("How do I change my plan?", "We want to move from Basic to Business. Will we be charged pro rata?"),
        ),
        (
            (
                "Деньги списали дважды",
                "В этом месяце с карты дважды списали оплату подписки. Верните, пожалуйста, один платёж.",
            ),
            (
                "Нужен счёт-фактура и акт",
                "Пришлите, пожалуйста, закрывающие документы за прошлый месяц для бухгалтерии.",
            ),
            ("Как сменить тариф?", "Хотим перейти с тарифа «Базовый» на «Бизнес». Как будет пересчитана оплата?"),
        ),
        ("billing", "refund"),
    ),
    Topic(
        "Bug report",
        "L2",
        (0, 4, 5, 1),
        (
            (
                "Export to Excel fails with an error",
                "When I export the report to Excel I get 'Error 500'. It worked last week.",
            ),
            ("Dashboard does not load", "The dashboard spins forever in Chrome and Firefox. Console shows a timeout."),
            ("Wrong totals in the monthly report", "The monthly report total does not match the sum of the rows."),
        ),
        (
            (
                "Ошибка при выгрузке в Excel",
                "При выгрузке отчёта в Excel появляется «Ошибка 500». На прошлой неделе всё работало.",
            ),
            ("Не загружается панель мониторинга", "Панель бесконечно грузится и в Chrome, и в Firefox."),
            ("Неверные итоги в месячном отчёте", "Итоговая сумма в отчёте не совпадает с суммой строк."),
        ),
        ("bug",),
    ),
    Topic(
        "Integration / API",
        "L3",
        (0, 4, 4, 2),
        (
            ("API returns 429 too often", "Our integration hits 429 Too Many Requests at only 5 requests per second."),
            (
                "Webhook signature does not verify",
                "We compute HMAC-SHA256 of the body as documented but the signature never matches.",
            ),
            (
                "Data sync stopped after the update",
                "Since yesterday's release our CRM sync has stopped; no errors in our logs.",
            ),
        ),
        (
            ("API слишком часто отвечает 429", "Наша интеграция получает 429 уже при 5 запросах в секунду."),
            (
                "Не сходится подпись вебхука",
                "Считаем HMAC-SHA256 от тела запроса по документации, но подпись не совпадает.",
            ),
            (
                "Остановилась синхронизация после обновления",
                "После вчерашнего релиза перестала работать синхронизация с CRM.",
            ),
        ),
        ("api", "integration"),
    ),
    Topic(
        "Delivery",
        "L1",
        (1, 6, 2, 1),
        (
            ("Where is my order?", "Order 48213 was due yesterday and tracking has not moved for four days."),
            ("Parcel arrived damaged", "The box was crushed and the device screen is cracked. What should I do?"),
        ),
        (
            ("Где мой заказ?", "Заказ 48213 должен был прийти вчера, а трекинг не обновляется четыре дня."),
            ("Посылка пришла повреждённой", "Коробка смята, у устройства треснул экран. Что делать?"),
        ),
        ("delivery",),
    ),
    Topic(
        "Feature request",
        "L2",
        (4, 5, 0, 0),
        (
            ("Please add dark mode", "Our agents work at night; a dark theme would help a lot."),
            ("Export to Google Sheets", "It would be great to export reports directly to Google Sheets."),
        ),
        (
            ("Добавьте тёмную тему", "Наши сотрудники работают ночью, тёмная тема очень бы помогла."),
            ("Выгрузка в Google Таблицы", "Было бы удобно выгружать отчёты сразу в Google Таблицы."),
        ),
        ("feature-request",),
    ),
)

REPLIES_EN = (
    "Hello {name}, thank you for reaching out. I am looking into this now.",
    "Hi {name}, thanks for the details. Could you send a screenshot of the error and the time it happened?",
    "Hello {name}, we have found the cause and fixed it. Please check again and let us know.",
    "Hi {name}, I have passed this to our technical team; we will update you within a day.",
)
REPLIES_RU = (
    "Здравствуйте, {name}! Спасибо за обращение, уже разбираюсь.",
    "Здравствуйте, {name}! Пришлите, пожалуйста, скриншот ошибки и время, когда она возникла.",
    "Здравствуйте, {name}! Мы нашли причину и исправили её. Проверьте, пожалуйста, ещё раз.",
    "Здравствуйте, {name}! Передал вопрос техническим специалистам, ответим в течение дня.",
)
FOLLOWUPS_EN = ("Here is the screenshot you asked for.", "Thanks, it works now!", "Still the same problem, sorry.")
FOLLOWUPS_RU = ("Прикладываю скриншот, как просили.", "Спасибо, всё заработало!", "К сожалению, проблема осталась.")
NOTES = (
    "Checked the logs: matches the known incident.",
    "Проверил логи, похоже на известную проблему.",
    "Customer is on the Business plan, handle with priority.",
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
