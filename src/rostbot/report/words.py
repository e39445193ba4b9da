"""Every fixed word of the seminar report, in Swedish and Danish.

The report is an analyst's document, not bot UI, so its texts live here rather
than in the bot's gettext catalogs. tests/test_report_words.py checks that every
key has both languages and the same {placeholders} in each.
"""

from __future__ import annotations

from typing import Final

REPORT_LANGUAGES: Final = ("sv", "da")

WORDS: Final[dict[str, dict[str, str]]] = {
    "title": {
        "sv": "Underlag för analysseminarium",
        "da": "Materiale til analyseseminar",
    },
    "lead": {
        "sv": "Här är svaren från personer som har haft kontakt med oss. "
        "Vi visar bara resultat för grupper, aldrig för en enskild person.",
        "da": "Her er svarene fra personer, der har haft kontakt med os. "
        "Vi viser kun resultater for grupper, aldrig for en enkelt person.",
    },
    "period_range": {
        "sv": "Svaren kom in från {start} till {end}.",
        "da": "Svarene kom ind fra {start} til {end}.",
    },
    "made_with": {
        "sv": "Gjord av en export från {software}, kontrollerad mot sin manifestfil.",
        "da": "Lavet ud fra en eksport fra {software}, kontrolleret mod sin manifestfil.",
    },
    "contents": {"sv": "Innehåll", "da": "Indhold"},
    "how_to_read": {"sv": "Så läser du rapporten", "da": "Sådan læser du rapporten"},
    "explain_share": {
        "sv": "Andel positiva svar: hur stor del som valde ett av de bästa svaren "
        "på frågan, oftast de två översta.",
        "da": "Andel positive svar: hvor stor en del der valgte et af de bedste svar "
        "på spørgsmålet, som regel de to øverste.",
    },
    "explain_hidden": {
        "sv": "gruppen har färre än {n} svar, eller så döljs den för att "
        "en liten grupp inte ska kunna räknas fram. Dolt betyder aldrig noll.",
        "da": "gruppen har færre end {n} svar, eller også er den skjult, så "
        "en lille gruppe ikke kan regnes ud. Skjult betyder aldrig nul.",
    },
    "explain_free_text": {
        "sv": "Svar med egna ord står som de skrevs. Namn, personnummer, telefonnummer "
        "och adresser är borttagna och ersatta med ett ord inom hakparentes.",
        "da": "Svar med egne ord står, som de blev skrevet. Navne, CPR-numre, "
        "telefonnumre og adresser er fjernet og erstattet med et ord i kantet parentes.",
    },
    "explain_free_text_rule": {
        "sv": "Svaren på en fråga visas bara när minst {n} personer har skrivit något. "
        "Svaren står i bokstavsordning.",
        "da": "Svarene på et spørgsmål vises kun, når mindst {n} personer har skrevet noget. "
        "Svarene står i alfabetisk rækkefølge.",
    },
    "explain_tables": {
        "sv": "Under varje diagram finns siffrorna i en tabell.",
        "da": "Under hvert diagram står tallene i en tabel.",
    },
    "responses_heading": {"sv": "Antal svar", "da": "Antal svar"},
    "responses_line": {
        "sv": "{total} svar: {complete} hela och {partial} delvis besvarade.",
        "da": "{total} svar: {complete} hele og {partial} delvist besvarede.",
    },
    "responses_total": {"sv": "{total} svar.", "da": "{total} svar."},
    "responses_hidden": {
        "sv": "Antalet svar är dolt för att skydda små grupper.",
        "da": "Antallet svar er skjult for at beskytte små grupper.",
    },
    "responses_unknown": {
        "sv": "För {n} svar vet vi inte om de är hela. Formuläret fanns inte med vid exporten.",
        "da": "For {n} svar ved vi ikke, om de er hele. Skemaet var ikke med ved eksporten.",
    },
    "flow_version": {"sv": "Version {versions}", "da": "Version {versions}"},
    "language_count": {
        "sv": "Svar på svenska: {sv}. Svar på danska: {da}.",
        "da": "Svar på svensk: {sv}. Svar på dansk: {da}.",
    },
    "language_hidden": {
        "sv": "Vi visar inte hur många som svarade på svenska och på danska. "
        "Det skyddar små grupper.",
        "da": "Vi viser ikke, hvor mange der svarede på svensk og på dansk. "
        "Det beskytter små grupper.",
    },
    "indicators_heading": {"sv": "Resultat", "da": "Resultater"},
    "no_indicators": {
        "sv": "Det finns inga resultat för det här formuläret.",
        "da": "Der er ingen resultater for dette skema.",
    },
    "questions": {"sv": "Frågor:", "da": "Spørgsmål:"},
    "per_unit": {"sv": "Per enhet, {period}", "da": "Pr. enhed, {period}"},
    "per_provider": {"sv": "Per utförare, {period}", "da": "Pr. leverandør, {period}"},
    "per_wave": {"sv": "Per omgång, {cohort}", "da": "Pr. runde, {cohort}"},
    "per_cohort": {"sv": "Per kohort, alla omgångar", "da": "Pr. kohorte, alle runder"},
    "over_time": {"sv": "Över tid, alla enheter", "da": "Over tid, alle enheder"},
    "chart_label_groups": {
        "sv": "Stapeldiagram: andel positiva svar, {title}. Siffrorna finns i tabellen under.",
        "da": "Søjlediagram: andel positive svar, {title}. Tallene står i tabellen under.",
    },
    "chart_label_time": {
        "sv": "Linjediagram: andel positiva svar, {title}. Siffrorna finns i tabellen under.",
        "da": "Kurvediagram: andel positive svar, {title}. Tallene står i tabellen under.",
    },
    "show_numbers": {"sv": "Visa siffrorna", "da": "Vis tallene"},
    "col_group": {"sv": "Grupp", "da": "Gruppe"},
    "col_period": {"sv": "Period", "da": "Periode"},
    "col_n": {"sv": "Antal svar", "da": "Antal svar"},
    "col_share": {"sv": "Andel positiva", "da": "Andel positive"},
    "col_mean": {"sv": "Medelvärde", "da": "Gennemsnit"},
    "hidden": {"sv": "Dolt", "da": "Skjult"},
    "hidden_mark": {
        "sv": "Dolt för att skydda små grupper",
        "da": "Skjult for at beskytte små grupper",
    },
    "hidden_cell": {
        "sv": "Dolt (färre än {n} svar eller skydd av en liten grupp)",
        "da": "Skjult (færre end {n} svar eller beskyttelse af en lille gruppe)",
    },
    "no_answers": {"sv": "Inga svar", "da": "Ingen svar"},
    "all_groups": {"sv": "Alla", "da": "Alle"},
    "all_line": {"sv": "Alla: {share}", "da": "Alle: {share}"},
    "no_provider": {"sv": "(ingen utförare)", "da": "(ingen leverandør)"},
    "no_cohort": {"sv": "(ingen kohort)", "da": "(ingen kohorte)"},
    "no_wave": {"sv": "(ingen omgång)", "da": "(ingen runde)"},
    "no_unit": {"sv": "(ingen enhet)", "da": "(ingen enhed)"},
    "share_axis": {"sv": "Andel positiva svar", "da": "Andel positive svar"},
    "n_answers": {"sv": "{n} svar", "da": "{n} svar"},
    "bar_value": {"sv": "{share}  ({n} svar)", "da": "{share}  ({n} svar)"},
    "no_share": {
        "sv": "Frågorna här har inga bättre eller sämre svar. Därför visas bara antal svar.",
        "da": "Spørgsmålene her har ikke bedre eller dårligere svar. Derfor vises kun antal svar.",
    },
    "free_text_heading": {"sv": "Svar med egna ord", "da": "Svar med egne ord"},
    "free_text_count": {"sv": "{count} svar", "da": "{count} svar"},
    "no_free_text": {
        "sv": "Det finns inga svar med egna ord att visa.",
        "da": "Der er ingen svar med egne ord at vise.",
    },
    "free_text_too_few": {
        "sv": "Inga svar visas här: färre än {n} personer skrev något.",
        "da": "Her vises ingen svar: færre end {n} personer skrev noget.",
    },
    "quarter": {"sv": "kvartal {q} {year}", "da": "{q}. kvartal {year}"},
    "indicator:information": {"sv": "Information", "da": "Information"},
    "indicator:participation": {"sv": "Delaktighet", "da": "Medindflydelse"},
    "indicator:treatment": {"sv": "Bemötande", "da": "Mødet med medarbejderne"},
    "indicator:change": {"sv": "Förändring", "da": "Forandring"},
    "indicator:accessibility": {"sv": "Tillgänglighet", "da": "Tilgængelighed"},
    "indicator:overall": {"sv": "Helhetsomdöme", "da": "Samlet vurdering"},
}


class Words:
    """The report's words in one language: `words("quarter", q=1, year=2026)`."""

    def __init__(self, lang: str) -> None:
        if lang not in REPORT_LANGUAGES:
            raise ValueError(f"no report words for {lang!r}")
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        text = WORDS[key][self.lang]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in WORDS
