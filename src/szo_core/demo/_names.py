"""Word lists for the sample kindergarten: Slovenian names, streets and places.

Made-up combinations of common Slovenian names; nobody real is meant.  The
lists are tuples so that a seeded :class:`random.Random` picks the same item
on every run.
"""

from __future__ import annotations

from typing import Final

BOYS: Final = (
    "Luka", "Jakob", "Filip", "Mark", "Nik", "Žan", "Tim", "Maks", "Jaka", "Vid",
    "Lovro", "Matic", "Gal", "Aljaž", "Tilen", "Žiga", "Jaša", "Urh", "Oskar", "Lan",
    "Teo", "Bor", "Mihael", "Anže", "Miha", "Rok", "Matevž", "Domen", "Nejc", "Gašper",
    "Blaž", "Andraž", "Erazem", "Tjaž", "Val", "Svit", "Jurij", "Lenart", "Martin", "Aleš",
)  # fmt: skip
GIRLS: Final = (
    "Ema", "Mia", "Zala", "Julija", "Eva", "Hana", "Sara", "Lara", "Neža", "Lana",
    "Ajda", "Brina", "Ela", "Pia", "Zoja", "Klara", "Iza", "Špela", "Živa", "Tjaša",
    "Nuša", "Manca", "Maša", "Urša", "Lučka", "Ula", "Ana Marija", "Kaja", "Meta", "Vita",
    "Tinkara", "Rebeka", "Gaja", "Alja", "Nika", "Neja", "Anja", "Katja", "Iva", "Jerca",
)  # fmt: skip
MEN: Final = (
    "Tomaž", "Primož", "Jure", "Matjaž", "Boštjan", "Gregor", "Andrej", "Marko", "Borut",
    "Uroš", "Janez", "Rok", "Peter", "Damjan", "Aleš", "Grega", "Blaž", "Dušan", "Žiga",
    "Klemen", "Simon", "Matej", "Jernej", "Sašo", "Mitja", "Robert", "Anže", "Bojan",
)  # fmt: skip
WOMEN: Final = (
    "Maja", "Mateja", "Nataša", "Barbara", "Petra", "Tanja", "Mojca", "Alenka", "Špela",
    "Urška", "Katarina", "Nina", "Tina", "Polona", "Darja", "Vesna", "Manca", "Neža",
    "Tjaša", "Andreja", "Sabina", "Jerneja", "Maruša", "Živa", "Anja", "Lea", "Ana Marija",
)  # fmt: skip
SURNAMES: Final = (
    "Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kovač", "Mlakar",
    "Kos", "Vidmar", "Golob", "Turk", "Kralj", "Zupan", "Bizjak", "Hribar", "Korošec",
    "Rozman", "Kotnik", "Oblak", "Petek", "Kolar", "Žagar", "Kastelic", "Košir", "Hočevar",
    "Koren", "Klemenčič", "Zajc", "Knez", "Medved", "Pirc", "Hrovat", "Petrič", "Kuhar",
    "Lah", "Uršič", "Sever", "Tomažič", "Jerman", "Kobal", "Žnidaršič", "Mrak", "Breznik",
    "Černe", "Škof", "Jereb", "Dolenc", "Šuštaršič", "Čeh", "Babič", "Vovk", "Rupnik",
    "Štrukelj", "Debeljak", "Ribič", "Javornik", "Erjavec", "Pavlič", "Ambrožič", "Čuk",
    "Žibert", "Gorenc", "Pečnik", "Šinkovec", "Jenko", "Ožbolt", "Bregar", "Čebašek",
)  # fmt: skip
GRANDPARENTS: Final = ("Dedek", "Babica")
PLACES: Final = {
    # municipality code: (post code, post office, streets)
    61: (
        "1000",
        "Ljubljana",
        (
            "Trubarjeva cesta", "Čopova ulica", "Zaloška cesta", "Celovška cesta",
            "Dunajska cesta", "Šmartinska cesta", "Tržaška cesta", "Poljanska cesta",
            "Vošnjakova ulica", "Štihova ulica", "Ižanska cesta", "Gerbičeva ulica",
            "Kersnikova ulica", "Pražakova ulica", "Linhartova cesta", "Vojkova cesta",
            "Šišenska cesta", "Resljeva cesta", "Cesta v Mestni log", "Jamova cesta",
            "Litijska cesta", "Ulica bratov Učakar", "Kotnikova ulica", "Štepanjska cesta",
        ),
    ),
    23: ("1230", "Domžale", ("Ljubljanska cesta", "Kolodvorska cesta", "Savska cesta")),
    32: ("1290", "Grosuplje", ("Adamičeva cesta", "Taborska cesta", "Kolodvorska cesta")),
    71: ("1215", "Medvode", ("Cesta komandanta Staneta", "Zbiljska cesta", "Finžgarjeva ulica")),
    123: ("1291", "Škofljica", ("Gumniška cesta", "Ob Ižici", "Kočevska cesta")),
    37: ("1292", "Ig", ("Troštova ulica", "Banija", "Govekarjeva cesta")),
}  # fmt: skip
"""Where families live: the host municipality (61, Ljubljana) and its neighbours."""
GROUP_NAMES: Final = (
    "Metulji", "Čebelice", "Sončki", "Zajčki", "Polžki", "Ježki", "Mravljice", "Žabice",
    "Medvedki", "Miške", "Pikapolonice", "Račke", "Sovice", "Veverice", "Lisičke",
    "Kresničke", "Murni", "Škrati", "Žirafe", "Čuki", "Školjke", "Delfini", "Žolne", "Ščinkavci",
)  # fmt: skip
BANKS: Final = ("02010", "02014", "03100", "04515", "10100", "19100", "33000", "61000", "34000")
"""Slovenian bank codes (all in the bank registry, so SEPA files can name the BIC)."""
