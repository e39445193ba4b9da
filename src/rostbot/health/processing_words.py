"""The words of the record of processing, in English, Swedish and Danish.

Templates take named values (`{organisation}`, `{grace}` ...) that rostbot.health.
processing_record fills from the settings, the flows and the retention code; no figure is
written here. `TABLES` says, per language, what each table of the database holds, how it is
stored and how long it is kept ({grace}, {keep}, {chat_days} and {deletable} are filled in).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "sv", "da")


@dataclass(frozen=True)
class TableRecord:
    holds: str  # what a row holds
    form: str  # how it is stored on the bot host
    kept: str  # how long


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "# Record of processing: {organisation}",
        "made_by": (
            "Made by `rostbot doctor --processing-record` on {today} from this deployment's "
            "settings and the {flow_count} flow file(s) in `{flows_dir}`. Check it and "
            "complete what is marked _to confirm_; make it again after changing a flow or a "
            "setting."
        ),
        "controller_heading": "## Controller and contacts",
        "controller": "- Controller: {organisation}",
        "contact": "- Contact: {contact}",
        "contact_unset": "{organisation} (ROSTBOT_CONTACT is not set)",
        "dpo": "- Data protection officer: {dpo}",
        "dpo_unset": "through the contact above (ROSTBOT_DPO is not set)",
        "rules": "- Rules that apply: {country}; supervisory authority: {authority}",
        "se": "Sweden",
        "dk": "Denmark",
        "legal_basis": "- Legal basis as told to people: {legal_basis}",
        "legal_basis_default": (
            "public task (GDPR art. 6(1)(e)); for sensitive data, art. 9(2)(g) or (h) as "
            "the organisation's own rules say: _to confirm_"
        ),
        "privacy_notice": "- Privacy notice: {privacy_url}",
        "privacy_unset": "not set (ROSTBOT_PRIVACY_URL)",
        "purposes_heading": "## Purposes",
        "purposes": (
            "To learn from former clients how the organisation's help worked, and to make "
            "it better. Taking part is voluntary and never affects anyone's case. One "
            "purpose per flow:"
        ),
        "flow_columns": (
            "| flow | name | target group | languages | minimum age | questions | "
            "sensitive questions | asks to contact later | asks about interviews |"
        ),
        "not_asked": "not asked",
        "yes": "yes",
        "no": "no",
        "purpose": "- `{flow_id}`, as told to respondents: {purpose}",
        "meetings": (
            "- Meetings: inviting people who agreed to be contacted to focus groups and "
            "breakfast meetings, booking, waitlists, reminders and feedback afterwards."
            "\n- Interviews: inviting people who agreed, separately, to hear about "
            "interviews; booking a time, the number to call for a phone interview, "
            "reminders, attendance; and, with its own consent, quoting what they said "
            "without their name in seminar material."
        ),
        "subjects_heading": "## Data subjects",
        "subjects_clients": (
            "- Former clients of the target groups above who open an invitation link and "
            "confirm the flow's minimum age."
        ),
        "subjects_staff": "- Staff who coordinate meetings (coordinators).",
        "stored_heading": "## What is stored, how, and how long",
        "stored": (
            "In one SQLite database on the bot host: `{db_path}`. Answers are sealed to the "
            "analysts' public key(s) ({keys}); only the analysts' private key, kept off the "
            "bot host, opens them. Telegram user ids are stored only as keyed pseudonyms; "
            "the server secret (`{secret_file}`) keys them and encrypts what the table "
            "below says is encrypted."
        ),
        "keys_unreadable": "_could not be read: {reason}_",
        "table_columns": "| table | holds | stored as | kept |",
        "not_described": "_not described: to confirm_",
        "retention": (
            "Retention runs in the bot daily: exported answers after {grace} days "
            "(ROSTBOT_EXPORT_GRACE_DAYS), unfinished runs and unused invitations after "
            "{keep} days (ROSTBOT_RETENTION_DAYS), message numbers for clearing the chat "
            "after {chat_days} days. The consent text tells people that answers are kept "
            "{told_days} days (ROSTBOT_RETENTION_DAYS): the analysts delete their exports "
            "by then."
        ),
        "readers_heading": "## Who can read what",
        "readers_host": (
            "- The bot host (and whoever runs it): pseudonyms, consents, dates, meeting "
            "bookings; with the server secret also the encrypted chat handles, names chosen "
            "for meetings and needs lines. Never an answer: answers are sealed."
        ),
        "readers_analysts": (
            "- The analysts, with their private key on their own computer: the sealed "
            "answers (`rostbot export`), pseudonymised per response; the publishable files "
            "hide small groups."
        ),
        "readers_coordinators": (
            "- Coordinators: in the chat, the bookings of their meetings (chosen names, needs)."
        ),
        "recipients_heading": "## Recipients and transfers",
        "recipients_telegram": (
            "- Telegram (Telegram Messenger Inc. and its group) carries the chat and can "
            "read it, as people are told in the consent text; the chat stays on the "
            "person's phone until deleted. Telegram's servers may be outside the EU/EEA: "
            "_to confirm with the organisation's assessment of the transfer_."
        ),
        "recipients_api": "- The Bot API the bot talks to: {bot_api}.",
        "recipients_none": (
            "- No other recipient: analysts are the organisation's own staff; nothing is "
            "sent elsewhere by the bot."
        ),
        "security_heading": "## Security",
        "security_sealing": (
            "- Answers sealed with HPKE (X25519, HKDF-SHA256, ChaCha20-Poly1305) before "
            "they are written; see docs/record-format.md."
        ),
        "security_at_rest": (
            "- At-rest encryption of handles, flow state and message numbers with keys "
            "derived from the server secret."
        ),
        "security_logs": "- Logs carry no answer, Telegram id, name or token.",
        "security_doctor": (
            "- `rostbot doctor` checks the deployment, including that no analyst private "
            "key is on the bot host."
        ),
    },
    "sv": {
        "title": "# Register över behandling: {organisation}",
        "made_by": (
            "Skapat av `rostbot doctor --processing-record` {today} utifrån installationens "
            "inställningar och de {flow_count} flödesfilerna i `{flows_dir}`. Granska det och "
            "fyll i det som är märkt _att bekräfta_; skapa det på nytt när ett flöde eller "
            "en inställning ändras."
        ),
        "controller_heading": "## Personuppgiftsansvarig och kontakter",
        "controller": "- Personuppgiftsansvarig: {organisation}",
        "contact": "- Kontakt: {contact}",
        "contact_unset": "{organisation} (ROSTBOT_CONTACT är inte satt)",
        "dpo": "- Dataskyddsombud: {dpo}",
        "dpo_unset": "via kontakten ovan (ROSTBOT_DPO är inte satt)",
        "rules": "- Regler som gäller: {country}; tillsynsmyndighet: {authority}",
        "se": "Sverige",
        "dk": "Danmark",
        "legal_basis": "- Rättslig grund så som den beskrivs för de registrerade: {legal_basis}",
        "legal_basis_default": (
            "uppgift av allmänt intresse (artikel 6.1 e i dataskyddsförordningen); för "
            "känsliga uppgifter artikel 9.2 g eller h enligt organisationens egna "
            "bestämmelser: _att bekräfta_"
        ),
        "privacy_notice": "- Integritetsmeddelande: {privacy_url}",
        "privacy_unset": "inte satt (ROSTBOT_PRIVACY_URL)",
        "purposes_heading": "## Ändamål",
        "purposes": (
            "Att lära av tidigare klienter hur organisationens stöd fungerade och göra det "
            "bättre. Att delta är frivilligt och påverkar aldrig någons ärende. Ett ändamål "
            "per flöde:"
        ),
        "flow_columns": (
            "| flöde | namn | målgrupp | språk | lägsta ålder | frågor | "
            "känsliga frågor | frågar om senare kontakt | frågar om intervjuer |"
        ),
        "not_asked": "frågas inte",
        "yes": "ja",
        "no": "nej",
        "purpose": "- `{flow_id}`, så som det beskrivs för de svarande: {purpose}",
        "meetings": (
            "- Möten: inbjudan till fokusgrupper och frukostmöten för dem som har sagt ja "
            "till att bli kontaktade, bokning, väntelistor, påminnelser och frågor efteråt."
            "\n- Intervjuer: inbjudan till dem som för sig har sagt ja till att höra om "
            "intervjuer; bokning av en tid, numret att ringa vid en telefonintervju, "
            "påminnelser, närvaro; och, med ett eget samtycke, citat av vad de sa utan "
            "namn i material för seminarier."
        ),
        "subjects_heading": "## Kategorier av registrerade",
        "subjects_clients": (
            "- Tidigare klienter i målgrupperna ovan som öppnar en inbjudningslänk och "
            "bekräftar flödets lägsta ålder."
        ),
        "subjects_staff": "- Personal som samordnar möten (samordnare).",
        "stored_heading": "## Vad som lagras, hur och hur länge",
        "stored": (
            "I en SQLite-databas på botens server: `{db_path}`. Svaren förseglas med "
            "analytikernas publika nyckel/nycklar ({keys}); bara analytikernas privata "
            "nyckel, som inte finns på botens server, öppnar dem. Telegrams användar-id "
            "lagras bara som nyckelbaserade pseudonymer; serverhemligheten (`{secret_file}`) "
            "är nyckeln till dem och krypterar det som tabellen nedan anger som krypterat."
        ),
        "keys_unreadable": "_kunde inte läsas: {reason}_",
        "table_columns": "| tabell | innehåller | lagras som | sparas |",
        "not_described": "_inte beskriven: att bekräfta_",
        "retention": (
            "Gallringen körs i boten varje dag: exporterade svar efter {grace} dagar "
            "(ROSTBOT_EXPORT_GRACE_DAYS), oavslutade flöden och oanvända inbjudningar efter "
            "{keep} dagar (ROSTBOT_RETENTION_DAYS), meddelandenummer för att rensa chatten "
            "efter {chat_days} dagar. Samtyckestexten säger att svaren sparas {told_days} "
            "dagar (ROSTBOT_RETENTION_DAYS): analytikerna raderar sina exporter före dess."
        ),
        "readers_heading": "## Vem kan läsa vad",
        "readers_host": (
            "- Botens server (och den som driver den): pseudonymer, samtycken, datum, "
            "mötesbokningar; med serverhemligheten även de krypterade chattadresserna, namn "
            "som valts för möten och rader om behov. Aldrig ett svar: svaren är förseglade."
        ),
        "readers_analysts": (
            "- Analytikerna, med sin privata nyckel på sin egen dator: de förseglade svaren "
            "(`rostbot export`), pseudonymiserade per svar; filerna som får publiceras döljer "
            "små grupper."
        ),
        "readers_coordinators": (
            "- Samordnare: i chatten, bokningarna till sina möten (valda namn, behov)."
        ),
        "recipients_heading": "## Mottagare och överföringar",
        "recipients_telegram": (
            "- Telegram (Telegram Messenger Inc. med koncern) förmedlar chatten och kan läsa "
            "den, vilket de registrerade får veta i samtyckestexten; chatten finns kvar i "
            "personens telefon tills den raderas. Telegrams servrar kan finnas utanför "
            "EU/EES: _att bekräfta med organisationens bedömning av överföringen_."
        ),
        "recipients_api": "- Bot-API:t som boten talar med: {bot_api}.",
        "recipients_none": (
            "- Inga andra mottagare: analytikerna är organisationens egen personal; boten "
            "skickar inget någon annanstans."
        ),
        "security_heading": "## Säkerhetsåtgärder",
        "security_sealing": (
            "- Svaren förseglas med HPKE (X25519, HKDF-SHA256, ChaCha20-Poly1305) innan de "
            "skrivs; se docs/record-format.md."
        ),
        "security_at_rest": (
            "- Chattadresser, flödens läge och meddelandenummer krypteras i vila med nycklar "
            "härledda ur serverhemligheten."
        ),
        "security_logs": "- Loggarna innehåller inga svar, Telegram-id, namn eller token.",
        "security_doctor": (
            "- `rostbot doctor` kontrollerar installationen, bland annat att ingen av "
            "analytikernas privata nycklar finns på botens server."
        ),
    },
    "da": {
        "title": "# Fortegnelse over behandlingsaktiviteter: {organisation}",
        "made_by": (
            "Lavet af `rostbot doctor --processing-record` {today} ud fra installationens "
            "indstillinger og de {flow_count} flowfiler i `{flows_dir}`. Gennemgå den og "
            "udfyld det, der er mærket _skal bekræftes_; lav den igen, når et flow eller en "
            "indstilling ændres."
        ),
        "controller_heading": "## Dataansvarlig og kontakter",
        "controller": "- Dataansvarlig: {organisation}",
        "contact": "- Kontakt: {contact}",
        "contact_unset": "{organisation} (ROSTBOT_CONTACT er ikke sat)",
        "dpo": "- Databeskyttelsesrådgiver: {dpo}",
        "dpo_unset": "via kontakten ovenfor (ROSTBOT_DPO er ikke sat)",
        "rules": "- Regler, der gælder: {country}; tilsynsmyndighed: {authority}",
        "se": "Sverige",
        "dk": "Danmark",
        "legal_basis": "- Retsgrundlag, som det beskrives for de registrerede: {legal_basis}",
        "legal_basis_default": (
            "opgave i samfundets interesse eller myndighedsudøvelse (databeskyttelses"
            "forordningens artikel 6, stk. 1, litra e); for følsomme oplysninger artikel 9, "
            "stk. 2, litra g eller h efter organisationens egne regler: _skal bekræftes_"
        ),
        "privacy_notice": "- Privatlivspolitik: {privacy_url}",
        "privacy_unset": "ikke sat (ROSTBOT_PRIVACY_URL)",
        "purposes_heading": "## Formål",
        "purposes": (
            "At lære af tidligere borgere, hvordan organisationens hjælp virkede, og gøre den "
            "bedre. Det er frivilligt at deltage og påvirker aldrig nogens sag. Et formål "
            "pr. flow:"
        ),
        "flow_columns": (
            "| flow | navn | målgruppe | sprog | mindstealder | spørgsmål | "
            "følsomme spørgsmål | spørger om senere kontakt | spørger om interviews |"
        ),
        "not_asked": "spørges ikke",
        "yes": "ja",
        "no": "nej",
        "purpose": "- `{flow_id}`, som det beskrives for dem, der svarer: {purpose}",
        "meetings": (
            "- Møder: invitation til fokusgrupper og morgenmadsmøder for dem, der har sagt ja "
            "til at blive kontaktet, booking, ventelister, påmindelser og spørgsmål bagefter."
            "\n- Interviews: invitation til dem, der for sig har sagt ja til at høre om "
            "interviews; booking af en tid, nummeret der skal ringes til ved et "
            "telefoninterview, påmindelser, fremmøde; og, med et eget samtykke, citater af "
            "hvad de sagde uden navn i materiale til seminarer."
        ),
        "subjects_heading": "## Kategorier af registrerede",
        "subjects_clients": (
            "- Tidligere borgere i målgrupperne ovenfor, som åbner et invitationslink og "
            "bekræfter flowets mindstealder."
        ),
        "subjects_staff": "- Medarbejdere, der koordinerer møder (koordinatorer).",
        "stored_heading": "## Hvad der gemmes, hvordan og hvor længe",
        "stored": (
            "I én SQLite-database på bottens server: `{db_path}`. Svarene forsegles med "
            "analytikernes offentlige nøgle(r) ({keys}); kun analytikernes private nøgle, "
            "som ikke er på bottens server, åbner dem. Telegrams bruger-id gemmes kun som "
            "nøglebaserede pseudonymer; serverhemmeligheden (`{secret_file}`) er nøglen til "
            "dem og krypterer det, som tabellen nedenfor angiver som krypteret."
        ),
        "keys_unreadable": "_kunne ikke læses: {reason}_",
        "table_columns": "| tabel | indeholder | gemmes som | opbevares |",
        "not_described": "_ikke beskrevet: skal bekræftes_",
        "retention": (
            "Sletningen kører i botten hver dag: eksporterede svar efter {grace} dage "
            "(ROSTBOT_EXPORT_GRACE_DAYS), ufærdige flows og ubrugte invitationer efter "
            "{keep} dage (ROSTBOT_RETENTION_DAYS), beskednumre til at rydde chatten efter "
            "{chat_days} dage. Samtykketeksten siger, at svarene gemmes i {told_days} dage "
            "(ROSTBOT_RETENTION_DAYS): analytikerne sletter deres eksporter inden da."
        ),
        "readers_heading": "## Hvem kan læse hvad",
        "readers_host": (
            "- Bottens server (og den, der driver den): pseudonymer, samtykker, datoer, "
            "mødebookinger; med serverhemmeligheden også de krypterede chatadresser, navne "
            "valgt til møder og linjer om behov. Aldrig et svar: svarene er forseglede."
        ),
        "readers_analysts": (
            "- Analytikerne, med deres private nøgle på deres egen computer: de forseglede "
            "svar (`rostbot export`), pseudonymiseret pr. besvarelse; filerne, der må "
            "offentliggøres, skjuler små grupper."
        ),
        "readers_coordinators": (
            "- Koordinatorer: i chatten, bookingerne til deres møder (valgte navne, behov)."
        ),
        "recipients_heading": "## Modtagere og overførsler",
        "recipients_telegram": (
            "- Telegram (Telegram Messenger Inc. med koncern) formidler chatten og kan læse "
            "den, hvilket de registrerede får at vide i samtykketeksten; chatten bliver på "
            "personens telefon, til den slettes. Telegrams servere kan ligge uden for "
            "EU/EØS: _skal bekræftes med organisationens vurdering af overførslen_."
        ),
        "recipients_api": "- Bot-API'et, som botten taler med: {bot_api}.",
        "recipients_none": (
            "- Ingen andre modtagere: analytikerne er organisationens egne medarbejdere; "
            "botten sender ikke noget andre steder hen."
        ),
        "security_heading": "## Sikkerhedsforanstaltninger",
        "security_sealing": (
            "- Svarene forsegles med HPKE (X25519, HKDF-SHA256, ChaCha20-Poly1305), før de "
            "skrives; se docs/record-format.md."
        ),
        "security_at_rest": (
            "- Chatadresser, flows' tilstand og beskednumre krypteres i hvile med nøgler "
            "afledt af serverhemmeligheden."
        ),
        "security_logs": "- Logfilerne indeholder ingen svar, Telegram-id, navne eller token.",
        "security_doctor": (
            "- `rostbot doctor` kontrollerer installationen, blandt andet at ingen af "
            "analytikernes private nøgler er på bottens server."
        ),
    },
}

_PSEUDONYM = {
    "en": "pseudonym (keyed hash of the Telegram user id with the server secret)",
    "sv": "pseudonym (nyckelbaserad hash av Telegram-id med serverhemligheten)",
    "da": "pseudonym (nøglebaseret hash af Telegram-id med serverhemmeligheden)",
}

TABLES: dict[str, dict[str, TableRecord]] = {
    "en": {
        "schema_migrations": TableRecord(
            "which database changes are applied", "plain (no person)", "for the database's life"
        ),
        "invitations": TableRecord(
            "one row per invitation letter: flow, unit, provider, cohort and wave (when "
            "named), batch, day made and day used",
            "the code as a SHA-256 hash only; no person",
            "unused: {keep} days after it was made; used: until the person erases their data",
        ),
        "respondents": TableRecord(
            f"one row per person who started: {_PSEUDONYM['en']}, language, days started "
            "and withdrawn, and for those who agreed to be contacted their chat handle",
            "chat handle encrypted with the server secret; the rest plain",
            "until the person erases their data in the chat; the chat handle until they withdraw",
        ),
        "consents": TableRecord(
            "each consent given: pseudonym, kind (taking part, being contacted about "
            "meetings, about interviews, being quoted), flow and "
            "version, hash of the wording agreed to, language, choices (e.g. the age "
            "confirmed), when given and withdrawn",
            "plain (no answer, no name)",
            "until the person erases their data (kept as proof of consent)",
        ),
        "declines": TableRecord(
            "pseudonym and flow of a person who said no thanks, so they are not asked again",
            "plain",
            "until the person erases their data",
        ),
        "runs": TableRecord(
            "one row per flow a person began: pseudonym, flow, status, where they are in it",
            "the state (where the person is, and the earlier answers a later question's "
            "condition reads) encrypted with the server secret",
            "unfinished: {keep} days after the last change; finished: until the person "
            "erases their data",
        ),
        "sealed_answers": TableRecord(
            "each answer: random response id, question id, flow, the key it is sealed to",
            "sealed with HPKE to the analysts' public key: the bot host cannot read it",
            "until exported, then {grace} days; an unexported answer is deleted when the "
            "person erases their data",
        ),
        "handled_updates": TableRecord(
            "Telegram's update numbers already acted on, with the day",
            "plain (no person)",
            "not deleted automatically (no personal data)",
        ),
        "coordinators": TableRecord(
            "staff who redeemed a coordinator code: pseudonym and day",
            "plain",
            "until removed with `rostbot coordinators`",
        ),
        "coordinator_codes": TableRecord(
            "one-time coordinator codes", "SHA-256 hashes only", "until redeemed or withdrawn"
        ),
        "series": TableRecord(
            "how a series of meetings was planned",
            "plain (no person)",
            "not deleted automatically",
        ),
        "events": TableRecord(
            "meetings: kind, titles, place, times, capacity, who leads (staff)",
            "plain (no participant)",
            "not deleted automatically",
        ),
        "bookings": TableRecord(
            "who booked or waits for a meeting: pseudonym, status, place in the queue, "
            "attendance, a name the person chose, one line on access or diet needs, the "
            "phone number to call for a phone interview",
            "the chosen name, the needs line and the phone number encrypted with the server secret",
            "the needs line and the phone number until the meeting is over; the rest until "
            "the person erases their data",
        ),
        "slot_waitlist": TableRecord(
            "who asked to hear when a time for an interview becomes free: pseudonym, "
            "interview offer, place in the queue, time",
            "plain",
            "until the person is told of a free time, books, withdraws or erases their data, "
            "or the offer's last time has begun",
        ),
        "outbox": TableRecord(
            "messages the bot sends on its own (invitations, notices, reminders, what "
            "changed after the answers): pseudonym, meeting, kind, due time, status",
            "plain (no text: each message is written when it is sent)",
            "waiting ones until sent or the person withdraws; all until the person erases "
            "their data",
        ),
        "results_messages": TableRecord(
            "what coordinators wrote to the people who answered a flow about what changed: "
            "flow, text per language, time (no person: who got it is the outbox)",
            "plain (no person)",
            "for the database's life",
        ),
        "flow_wordings": TableRecord(
            "per flow and version, a fingerprint of its texts (questions, options, intro and "
            "the others) as first used, and the day: to warn when a text changes while the "
            "version stays",
            "SHA-256 hashes only (no text, no person)",
            "for the database's life",
        ),
        "chat_messages": TableRecord(
            "numbers of the messages in a person's chat with the bot, for deleting the chat "
            "(/rensa, /ryd, /clear)",
            "encrypted with the server secret",
            "{chat_days} days (Telegram lets a bot delete messages for {deletable} hours)",
        ),
    },
    "sv": {
        "schema_migrations": TableRecord(
            "vilka ändringar av databasen som är gjorda",
            "i klartext (ingen person)",
            "så länge databasen finns",
        ),
        "invitations": TableRecord(
            "en rad per inbjudningsbrev: flöde, enhet, utförare, kohort och årsomgång (om "
            "de anges), omgång, dag skapad och dag använd",
            "koden bara som SHA-256-hash; ingen person",
            "oanvänd: {keep} dagar efter att den skapades; använd: tills personen raderar "
            "sina uppgifter",
        ),
        "respondents": TableRecord(
            f"en rad per person som har börjat: {_PSEUDONYM['sv']}, språk, dag för start "
            "och återkallelse, och chattadressen för dem som har sagt ja till att bli "
            "kontaktade",
            "chattadressen krypterad med serverhemligheten; resten i klartext",
            "tills personen raderar sina uppgifter i chatten; chattadressen tills personen "
            "återkallar",
        ),
        "consents": TableRecord(
            "varje samtycke: pseudonym, slag (delta, bli kontaktad om möten, om intervjuer, "
            "bli citerad), flöde och version, hash "
            "av texten som godkändes, språk, val (t.ex. bekräftad ålder), när det gavs och "
            "återkallades",
            "i klartext (inget svar, inget namn)",
            "tills personen raderar sina uppgifter (sparas som bevis på samtycket)",
        ),
        "declines": TableRecord(
            "pseudonym och flöde för den som har tackat nej, så att boten inte frågar igen",
            "i klartext",
            "tills personen raderar sina uppgifter",
        ),
        "runs": TableRecord(
            "en rad per flöde som en person har påbörjat: pseudonym, flöde, status, var "
            "personen är",
            "läget (var personen är och de tidigare svar som en senare frågas villkor läser) "
            "krypterat med serverhemligheten",
            "oavslutat: {keep} dagar efter senaste ändringen; avslutat: tills personen "
            "raderar sina uppgifter",
        ),
        "sealed_answers": TableRecord(
            "varje svar: slumpmässigt svars-id, fråge-id, flöde, nyckeln det är förseglat med",
            "förseglat med HPKE till analytikernas publika nyckel: botens server kan inte läsa det",
            "tills det exporteras, sedan {grace} dagar; ett svar som inte har exporterats "
            "raderas när personen raderar sina uppgifter",
        ),
        "handled_updates": TableRecord(
            "Telegrams uppdateringsnummer som redan är hanterade, med dag",
            "i klartext (ingen person)",
            "raderas inte automatiskt (inga personuppgifter)",
        ),
        "coordinators": TableRecord(
            "personal som har löst in en samordnarkod: pseudonym och dag",
            "i klartext",
            "tills de tas bort med `rostbot coordinators`",
        ),
        "coordinator_codes": TableRecord(
            "engångskoder för samordnare",
            "bara SHA-256-hashar",
            "tills de löses in eller dras tillbaka",
        ),
        "series": TableRecord(
            "hur en serie möten planerades", "i klartext (ingen person)", "raderas inte automatiskt"
        ),
        "events": TableRecord(
            "möten: slag, titlar, plats, tider, antal platser, vem som leder (personal)",
            "i klartext (ingen deltagare)",
            "raderas inte automatiskt",
        ),
        "bookings": TableRecord(
            "vem som har bokat eller väntar på ett möte: pseudonym, status, plats i kön, "
            "närvaro, ett namn personen valt, en rad om tillgänglighet eller kost, "
            "telefonnumret att ringa vid en telefonintervju",
            "det valda namnet, raden om behov och telefonnumret krypterade med serverhemligheten",
            "raden om behov och telefonnumret tills mötet är över; resten tills personen "
            "raderar sina uppgifter",
        ),
        "slot_waitlist": TableRecord(
            "vem som vill få veta när en tid för en intervju blir ledig: pseudonym, "
            "intervjuerbjudande, plats i kön, tid",
            "i klartext",
            "tills personen får besked om en ledig tid, bokar, återkallar eller raderar sina "
            "uppgifter, eller erbjudandets sista tid har börjat",
        ),
        "outbox": TableRecord(
            "meddelanden som boten skickar på eget initiativ (inbjudningar, besked, "
            "påminnelser, vad som ändrats efter svaren): pseudonym, möte, slag, tid, status",
            "i klartext (ingen text: meddelandet skrivs när det skickas)",
            "väntande tills de skickas eller personen återkallar; alla tills personen "
            "raderar sina uppgifter",
        ),
        "results_messages": TableRecord(
            "vad samordnare skrev till dem som svarade på ett frågeformulär om vad som "
            "ändrats: frågeformulär, text per språk, tid (ingen person: vem som fick det "
            "står i utkorgen)",
            "i klartext (ingen person)",
            "så länge databasen finns",
        ),
        "flow_wordings": TableRecord(
            "per frågeformulär och version ett fingeravtryck av texterna (frågor, svarsalternativ, "
            "inledning och de andra) som de först användes, och dagen: för att varna när en "
            "text ändras men versionen är densamma",
            "bara SHA-256-hashar (ingen text, ingen person)",
            "så länge databasen finns",
        ),
        "chat_messages": TableRecord(
            "numren på meddelandena i en persons chatt med boten, för att kunna rensa "
            "chatten (/rensa, /ryd, /clear)",
            "krypterade med serverhemligheten",
            "{chat_days} dagar (Telegram låter en bot radera meddelanden i {deletable} timmar)",
        ),
    },
    "da": {
        "schema_migrations": TableRecord(
            "hvilke ændringer af databasen der er lavet",
            "i klartekst (ingen person)",
            "så længe databasen findes",
        ),
        "invitations": TableRecord(
            "én række pr. invitationsbrev: flow, enhed, leverandør, kohorte og årsrunde "
            "(hvis de er angivet), runde, dag oprettet og dag brugt",
            "koden kun som SHA-256-hash; ingen person",
            "ubrugt: {keep} dage efter oprettelsen; brugt: til personen sletter sine oplysninger",
        ),
        "respondents": TableRecord(
            f"én række pr. person, der er begyndt: {_PSEUDONYM['da']}, sprog, dag for start "
            "og tilbagetrækning, og chatadressen for dem, der har sagt ja til at blive "
            "kontaktet",
            "chatadressen krypteret med serverhemmeligheden; resten i klartekst",
            "til personen sletter sine oplysninger i chatten; chatadressen til personen "
            "trækker sit samtykke tilbage",
        ),
        "consents": TableRecord(
            "hvert samtykke: pseudonym, slags (deltage, blive kontaktet om møder, om "
            "interviews, blive citeret), flow og version, "
            "hash af teksten, der blev godkendt, sprog, valg (f.eks. bekræftet alder), "
            "hvornår det blev givet og trukket tilbage",
            "i klartekst (intet svar, intet navn)",
            "til personen sletter sine oplysninger (gemmes som bevis for samtykket)",
        ),
        "declines": TableRecord(
            "pseudonym og flow for den, der har sagt nej tak, så botten ikke spørger igen",
            "i klartekst",
            "til personen sletter sine oplysninger",
        ),
        "runs": TableRecord(
            "én række pr. flow, en person er begyndt på: pseudonym, flow, status, hvor personen er",
            "tilstanden (hvor personen er, og de tidligere svar, som et senere spørgsmåls "
            "betingelse læser) krypteret med serverhemmeligheden",
            "ufærdigt: {keep} dage efter seneste ændring; færdigt: til personen sletter "
            "sine oplysninger",
        ),
        "sealed_answers": TableRecord(
            "hvert svar: tilfældigt besvarelses-id, spørgsmåls-id, flow, nøglen, det er "
            "forseglet med",
            "forseglet med HPKE til analytikernes offentlige nøgle: bottens server kan ikke "
            "læse det",
            "til det eksporteres, derefter {grace} dage; et svar, der ikke er eksporteret, "
            "slettes, når personen sletter sine oplysninger",
        ),
        "handled_updates": TableRecord(
            "Telegrams opdateringsnumre, der allerede er behandlet, med dag",
            "i klartekst (ingen person)",
            "slettes ikke automatisk (ingen personoplysninger)",
        ),
        "coordinators": TableRecord(
            "medarbejdere, der har indløst en koordinatorkode: pseudonym og dag",
            "i klartekst",
            "til de fjernes med `rostbot coordinators`",
        ),
        "coordinator_codes": TableRecord(
            "engangskoder til koordinatorer",
            "kun SHA-256-hashes",
            "til de indløses eller trækkes tilbage",
        ),
        "series": TableRecord(
            "hvordan en serie møder blev planlagt",
            "i klartekst (ingen person)",
            "slettes ikke automatisk",
        ),
        "events": TableRecord(
            "møder: slags, titler, sted, tider, antal pladser, hvem der leder (medarbejdere)",
            "i klartekst (ingen deltager)",
            "slettes ikke automatisk",
        ),
        "bookings": TableRecord(
            "hvem der har booket eller venter på et møde: pseudonym, status, plads i køen, "
            "fremmøde, et navn personen har valgt, en linje om tilgængelighed eller kost, "
            "telefonnummeret der skal ringes til ved et telefoninterview",
            "det valgte navn, linjen om behov og telefonnummeret krypteret med serverhemmeligheden",
            "linjen om behov og telefonnummeret til mødet er slut; resten til personen "
            "sletter sine oplysninger",
        ),
        "slot_waitlist": TableRecord(
            "hvem der vil have besked, når en tid til et interview bliver ledig: pseudonym, "
            "interviewtilbud, plads i køen, tidspunkt",
            "i klartekst",
            "til personen får besked om en ledig tid, booker, trækker samtykket tilbage "
            "eller sletter sine oplysninger, eller tilbuddets sidste tid er begyndt",
        ),
        "outbox": TableRecord(
            "beskeder, som botten sender af sig selv (invitationer, meddelelser, "
            "påmindelser, hvad der er ændret efter svarene): pseudonym, møde, slags, "
            "tidspunkt, status",
            "i klartekst (ingen tekst: beskeden skrives, når den sendes)",
            "ventende til de sendes, eller personen trækker sit samtykke tilbage; alle til "
            "personen sletter sine oplysninger",
        ),
        "results_messages": TableRecord(
            "hvad koordinatorer skrev til dem, der svarede på et spørgeskema, om hvad der er "
            "ændret: spørgeskema, tekst pr. sprog, tidspunkt (ingen person: hvem der fik den, "
            "står i udbakken)",
            "i klartekst (ingen person)",
            "så længe databasen findes",
        ),
        "flow_wordings": TableRecord(
            "pr. spørgeskema og version et fingeraftryk af teksterne (spørgsmål, svarmuligheder, "
            "indledning og de andre), som de først blev brugt, og dagen: for at advare, når en "
            "tekst ændres, men versionen er den samme",
            "kun SHA-256-hashværdier (ingen tekst, ingen person)",
            "så længe databasen findes",
        ),
        "chat_messages": TableRecord(
            "numrene på beskederne i en persons chat med botten, så chatten kan ryddes "
            "(/rensa, /ryd, /clear)",
            "krypteret med serverhemmeligheden",
            "{chat_days} dage (Telegram lader en bot slette beskeder i {deletable} timer)",
        ),
    },
}
