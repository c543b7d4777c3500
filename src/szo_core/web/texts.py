"""The pages' texts in Slovenian (the default) and English.

>>> text("sl", "booking.title"), text("en", "booking.title")
('Rezervacija termina', 'Book an appointment')
"""

from __future__ import annotations

from typing import Final

__all__ = ["LANGUAGES", "TEXTS", "text"]

LANGUAGES: Final = ("sl", "en")
"""The pages' languages, the default first."""

TEXTS: Final[dict[str, tuple[str, str]]] = {
    "app.title": ("Zaledna pisarna szo", "szo back office"),
    "app.skip": ("Na vsebino", "Skip to content"),
    "app.home": ("Domov", "Home"),
    "app.language": ("English", "Slovensko"),
    "app.intro": (
        "Referenčna spletna aplikacija nad SDK szo_core.",
        "The reference web app over the szo_core SDK.",
    ),
    "app.error": ("Napaka", "Error"),
    "app.forbidden": (
        "Zahteva je bila zavrnjena (manjka varnostni žeton obrazca). "
        "Osvežite stran in poskusite znova.",
        "The request was refused (the form's security token is missing). "
        "Reload the page and try again.",
    ),
    "app.not_found": ("Strani ni mogoče najti.", "The page was not found."),
    "app.throttled": (
        "Preveč poskusov. Poskusite znova čez nekaj minut.",
        "Too many attempts. Try again in a few minutes.",
    ),
    "app.back": ("Nazaj", "Back"),
    "booking.title": ("Rezervacija termina", "Book an appointment"),
    "booking.offices": ("Izberite upravno enoto", "Choose an office"),
    "booking.services": ("Izberite storitev", "Choose a service"),
    "booking.minutes": ("min", "min"),
    "booking.day": ("Dan", "Day"),
    "booking.show": ("Prikaži proste termine", "Show free slots"),
    "booking.slots": ("Prosti termini", "Free slots"),
    "booking.no_slots": ("Ta dan ni prostih terminov.", "No free slots on this day."),
    "booking.contact": ("Vaši podatki", "Your details"),
    "booking.name": ("Ime in priimek", "Name"),
    "booking.email": ("E-pošta", "E-mail"),
    "booking.phone": ("Telefon", "Phone"),
    "booking.notes": ("Opombe", "Notes"),
    "booking.reserve": ("Rezerviraj in pošlji kodo", "Reserve and send the code"),
    "booking.code": ("Koda iz e-pošte", "Code from the e-mail"),
    "booking.code_help": (
        "Na vaš e-poštni naslov smo poslali 6-mestno kodo. Velja 10 minut.",
        "We sent a 6-digit code to your e-mail address. It is valid for 10 minutes.",
    ),
    "booking.confirm": ("Potrdi termin", "Confirm the appointment"),
    "booking.resend": ("Pošlji novo kodo", "Send a new code"),
    "booking.resent": ("Poslali smo novo kodo.", "We sent a new code."),
    "booking.release": ("Nazaj na izbiro termina", "Back to the slots"),
    "booking.confirmed": ("Termin je potrjen", "The appointment is confirmed"),
    "booking.when": ("Kdaj", "When"),
    "booking.meeting": ("Povezava na videoklic", "Video meeting link"),
    "booking.cancel": ("Odpovej termin", "Cancel the appointment"),
    "booking.cancel_ask": ("Ali res želite odpovedati termin?", "Cancel this appointment?"),
    "booking.cancelled": ("Termin je odpovedan.", "The appointment is cancelled."),
    "booking.reschedule": ("Prestavi termin", "Move the appointment"),
    "booking.moved": ("Termin je prestavljen.", "The appointment is moved."),
    "booking.files": ("Izmenjava datotek", "File exchange"),
    "booking.file": ("Datoteka", "File"),
    "booking.upload": ("Naloži", "Upload"),
    "booking.no_files": ("Ni datotek.", "No files."),
    "booking.survey": ("Anketa o zadovoljstvu", "Satisfaction survey"),
    "booking.rating": ("Ocena (1 slabo, 5 odlično)", "Rating (1 poor, 5 excellent)"),
    "booking.comment": ("Komentar", "Comment"),
    "booking.answer": ("Oddaj", "Send"),
    "booking.thanks": ("Hvala za odgovor.", "Thank you for your answer."),
    "operator.title": ("Sporočila", "Messages"),
    "operator.sign_in": ("Prijava", "Sign in"),
    "operator.username": ("Uporabniško ime", "User name"),
    "operator.password": ("Geslo", "Password"),
    "operator.sign_out": ("Odjava", "Sign out"),
    "operator.inbox": ("Prejeto", "Inbox"),
    "operator.sent": ("Poslano", "Sent"),
    "operator.compose": ("Novo sporočilo", "New message"),
    "operator.from": ("Od", "From"),
    "operator.to": ("Za", "To"),
    "operator.subject": ("Zadeva", "Subject"),
    "operator.body": ("Besedilo", "Text"),
    "operator.body_help": (
        "Dovoljena je osnovna oblika HTML (odstavki, krepko, ležeče, seznami, povezave).",
        "Basic HTML is allowed (paragraphs, bold, italics, lists, links).",
    ),
    "operator.date": ("Čas", "Time"),
    "operator.empty": ("Ni sporočil.", "No messages."),
    "operator.unread": ("neprebrano", "unread"),
    "operator.send": ("Pošlji", "Send"),
    "operator.sent_ok": ("Sporočilo je poslano.", "The message is sent."),
    "operator.reply": ("Odgovori", "Reply"),
    "operator.reply_all": ("Odgovori vsem", "Reply to all"),
    "operator.forward": ("Posreduj", "Forward"),
    "operator.quote": ("Izvirno sporočilo", "Original message"),
    "operator.next": ("Naslednja stran", "Next page"),
    "operator.notes": ("Navodila in opažanja", "Instructions and observations"),
    "operator.note_kind": ("Vrsta zapisa", "Kind of note"),
    "operator.instruction": ("navodilo oddelku", "department instruction"),
    "operator.observation": ("opažanje", "observation"),
    "operator.department": ("Oddelek", "Department"),
    "operator.resident": ("Stanovalec", "Resident"),
    "operator.note_text": ("Zapis", "Note"),
    "operator.write": ("Shrani zapis", "Save the note"),
    "operator.from_note": ("Sporočilo iz zapisa", "Message from the note"),
    "operator.suggested": ("predlagano", "suggested"),
    "operator.no_notes": ("Ni zapisov.", "No notes."),
    "operator.previous": ("Prejšnja stran", "Previous page"),
    "notify.title": ("Obveščanje o zadevah", "Notifications about my cases"),
    "notify.sign_in": ("Prijava v portal", "Sign in to the portal"),
    "notify.sign_in_help": (
        "Preizkusna prijava: v pravem portalu se prijavite s kvalificiranim potrdilom.",
        "Stand-in sign-in: the real portal signs you in with a qualified certificate.",
    ),
    "notify.person": ("Oznaka osebe", "Person id"),
    "notify.email": ("E-pošta", "E-mail"),
    "notify.mobile": ("Mobilna številka", "Mobile number"),
    "notify.channels": ("Kanali", "Channels"),
    "notify.channel.email": ("e-pošta", "e-mail"),
    "notify.channel.sms": ("SMS", "SMS"),
    "notify.preference": ("Kaj želite prejemati", "What to receive"),
    "notify.all": ("vse dogodke", "all events"),
    "notify.key": ("samo ključne dogodke", "key events only"),
    "notify.save": ("Shrani", "Save"),
    "notify.saved": ("Nastavitve so shranjene.", "The settings are saved."),
    "notify.confirm": ("Potrdi", "Confirm"),
    "notify.confirm_help": (
        "Na nov naslov ali številko smo poslali kodo; vpišite jo.",
        "We sent a code to the new address or number; enter it.",
    ),
    "notify.confirmed": ("potrjeno", "confirmed"),
    "notify.unconfirmed": ("ni potrjeno", "not confirmed"),
    "notify.outcome.confirmed": ("Potrjeno.", "Confirmed."),
    "notify.outcome.invalid": ("Koda ni prava.", "The code is wrong."),
    "notify.outcome.expired": ("Koda je potekla.", "The code has expired."),
    "notify.outcome.locked": (
        "Preveč napačnih kod; spremenite naslov ali številko za novo kodo.",
        "Too many wrong codes; change the address or number to get a new one.",
    ),
    "notify.history": ("Zgodovina privolitev", "Consent history"),
    "notify.what": ("Sprememba", "Change"),
    "notify.source": ("Način", "Source"),
    "notify.actor": ("Kdo", "Who"),
    "notify.active": ("Aktivno", "Active"),
    "notify.yes": ("da", "yes"),
    "notify.what.subscribed": ("prijava na obveščanje", "subscribed"),
    "notify.what.preference": ("izbira dogodkov", "events chosen"),
    "notify.what.channels": ("kanali", "channels"),
    "notify.what.contact": ("naslov ali številka", "address or number"),
    "notify.what.language": ("jezik", "language"),
    "notify.what.unsubscribed": ("odjava", "unsubscribed"),
    "notify.what.resubscribed": ("ponovna prijava", "subscribed again"),
    "notify.what.confirmed_email": ("potrjen e-naslov", "e-mail confirmed"),
    "notify.what.confirmed_sms": ("potrjena številka", "number confirmed"),
    "notify.source.in_person": ("osebno", "in person"),
    "notify.source.written": ("pisno", "in writing"),
    "notify.source.portal": ("portal", "portal"),
    "notify.source.link": ("povezava v sporočilu", "link in a message"),
    "notify.no": ("ne", "no"),
}
"""Every text by key: (Slovenian, English)."""


def text(language: str, key: str) -> str:
    """The text ``key`` in ``language`` (Slovenian for anything but ``en``)."""
    sl, en = TEXTS[key]
    return en if language == "en" else sl
