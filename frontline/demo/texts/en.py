"""The demo desk's English: slots, the phrases around a scenario, agents' replies, follow-ups and notes."""

from __future__ import annotations

from random import Random

from frontline.demo.texts.en_topics import ACCOUNT, BILLING, BUG, DELIVERY, FEATURE, INTEGRATION
from frontline.demo.wording import Language, one_of


def _amount(rng: Random) -> dict[str, str]:
    return {"amount": f"{rng.choice('$€£')}{rng.choice([9, 19, 29, 49, 79, 99, 149, 299])}.{rng.choice(['00', '99'])}"}


SLOTS = {
    "order": lambda rng: {"order": str(rng.randrange(10_000, 99_999))},
    "n": lambda rng: {"n": str(rng.randrange(2, 40))},
    "amount": _amount,
    "code": one_of("code", "400", "401", "403", "404", "429", "500", "502", "503", "504"),
    "time": lambda rng: {"time": f"{rng.randrange(7, 22):02d}:{rng.randrange(0, 60, 5):02d}"},
    "days": one_of("days", "two days", "three days", "four days", "five days", "a week", "ten days"),
    "weekday": one_of("weekday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "month": one_of("month", "January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"),
    "browser": one_of("browser", "Chrome", "Firefox", "Safari", "Edge"),
    "os": one_of("os", "Windows 11", "Windows 10", "macOS", "Ubuntu", "Android 14", "iOS 17"),
    "device": one_of("device", "my phone", "my laptop", "the office PC", "my iPad", "a Samsung tablet"),
    "plan": one_of("plan", "Basic", "Standard", "Business", "Enterprise"),
    "plan_to": one_of("plan_to", "Business", "Enterprise", "Standard"),
    "crm": one_of("crm", "Salesforce", "HubSpot", "Pipedrive", "Zoho CRM", "our ERP"),
    "report": one_of("report", "the monthly report", "the agent activity report", "the SLA report",
                   "the sales summary", "the ticket export"),
    "carrier": one_of("carrier", "DHL", "UPS", "DPD", "FedEx", "the courier", "Royal Mail"),
    "city": one_of("city", "Leeds", "Manchester", "Bristol", "Dublin", "Berlin", "Rotterdam"),
    "product": one_of("product", "headphones", "a coffee machine", "the router", "a desk lamp", "running shoes",
                    "a keyboard", "the monitor", "a phone case"),
    "feature": one_of("feature", "a dark mode", "an export to Google Sheets", "keyboard shortcuts", "bulk editing",
                    "an Android widget", "saved filters", "a Slack integration", "custom fields on contacts"),
    "user": one_of("user", "j.smith", "anna.k", "m.brown", "support-admin", "e.wilson"),
    "year": one_of("year", "2025", "2026"),
}

ENGLISH = Language(
    scenarios={"Account access": ACCOUNT, "Billing": BILLING, "Bug report": BUG, "Integration / API": INTEGRATION,
               "Delivery": DELIVERY, "Feature request": FEATURE},
    vague=(("Help needed", "Hi, I have a problem with my account, can someone call me back?"),
           ("Question", "Hello, who can I talk to about our setup?"),
           ("Problem", "Something is not working since this morning. Please help."),
           ("Urgent!", "Please contact me as soon as possible."),
           ("Support request", "I need assistance, please get in touch.")),
    greetings=("Hi,", "Hello,", "Hello team,", "Dear support,", "Good morning,", "Hi there,", "Hey,", "", "", ""),
    closings=("Thanks,\n{first}", "Regards,\n{first}", "Thank you.", "Best,\n{first}", "Thanks in advance.",
              "Cheers", "{first}", "", "", ""),
    urgent=("This is urgent.", "We can't work until this is fixed.", "It affects all of our {n} agents.",
            "Our customers are affected right now.", "Please treat this as a priority, we have a launch tomorrow.",
            "Production is impacted!", "We are losing sales because of this."),
    calm=("No rush, whenever you have time.", "Not urgent.", "Just wondering.", "Low priority for us."),
    annoyed=("This is the second time I'm writing about this.", "I'm quite disappointed.",
             "Nobody answered my last email.", "This is really frustrating.", "Please fix it, this is unacceptable."),
    context=("We have been using your service for {n} months and this never happened before.",
             "Our team of {n} people depends on the desk every day.",
             "I tried to find the answer in the help centre but could not.",
             "I'm writing on behalf of our office manager, who is on holiday.",
             "Let me explain what happened in detail.",
             "We moved to you from another tool last {month}, and so far it has been fine."),
    agent_greetings=("Hello {first},", "Hi {first},", "Dear {first},", "Hello {first}, good news:"),
    replies_first=("Hello {first}, thank you for reaching out. I'm looking into this now.",
                   "Hi {first}, thanks for the details, I'm checking it.",
                   "Hello {first}, sorry for the trouble. Let me have a look.",
                   "Hi {first}, thanks for letting us know. I'm on it."),
    replies_question=("Hi {first}, could you send a screenshot of the error and the time it happened?",
                      "Hello {first}, which browser and device do you use?",
                      "Hi {first}, could you tell me the exact steps so I can reproduce it?",
                      "Hello {first}, could you confirm the email address on the account?"),
    replies_handover=("Hi {first}, I have passed this to our specialists; they will update you within a day.",
                      "Hello {first}, this needs our technical team, I have forwarded it with all the details.",
                      "Hi {first}, I've escalated this to the team responsible; you will hear from them soon."),
    replies_closing=("Please check and let us know.", "Let me know if anything else comes up.",
                     "I'll close this ticket for now; just reply if it happens again.", "Have a good day!"),
    followups_good=("Thanks, it works now!", "Perfect, thank you!", "Confirmed, all good now.",
                    "Great, that solved it. Thanks a lot.", "Works again, cheers.", "thank you so much!!"),
    followups_bad=("Still the same problem, sorry.", "It still doesn't work.", "No change on my side.",
                   "The error is back again.", "That didn't help, unfortunately."),
    followups_info=("Here is the screenshot you asked for.", "I use {browser} on {os}.",
                    "It happened at about {time} today.", "Attached the log file.",
                    "The email is the one I'm writing from."),
    notes=("Checked the logs: matches the known incident.", "Customer is on the {plan} plan, handle with priority.",
           "Reproduced on staging.", "Asked the customer for a screenshot.", "Same issue as ticket {order}.",
           "Called the customer, no answer. Will try again tomorrow."),
    slots=SLOTS,
)
