"""Quoted history in eleven languages: Gmail attributions (also wrapped), Outlook header
blocks, separators and plain ">" quotes; and lines that only look like them."""
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from pactdesk.intake.parsing import mail_parse
from pactdesk.intake.quoting import quoted_split
from tests.intake.conftest import corpus

OLD = "> Hello Jo,\n> we logged your request as PD-1."
OUTLOOK_OLD = "Hello Jo,\nwe logged your request as PD-1."

# language: (new text, attribution, Outlook block, separator)
LANGUAGES = {
    "en": (
        "Thanks, it works now.",
        "On Mon, 2 Mar 2026 at 10:05, Northwind Support <support@northwind.test> wrote:",
        "From: Northwind Support <support@northwind.test>\n"
        "Sent: Monday, March 2, 2026 10:05 AM\nTo: Jo <jo@shop.test>\n"
        "Subject: [PD-1] Printer on fire",
        "-----Original Message-----",
    ),
    "de": (
        "Danke, der Zugang funktioniert jetzt.",
        "Am Mo., 2. März 2026 um 10:05 Uhr schrieb Northwind Support <support@northwind.test>:",
        "Von: Northwind Support <support@northwind.test>\n"
        "Gesendet: Montag, 2. März 2026 10:05\nAn: Jo <jo@shop.test>\n"
        "Betreff: [PD-1] Drucker brennt",
        "-----Ursprüngliche Nachricht-----",
    ),
    "fr": (
        "Merci, ça marche maintenant.",
        "Le lun. 2 mars 2026 à 10:05, Northwind Support <support@northwind.test> "
        "a\u00a0écrit\u00a0:",
        "De\u00a0: Northwind Support <support@northwind.test>\n"
        "Envoyé\u00a0: lundi 2 mars 2026 10:05\nÀ\u00a0: Jo <jo@shop.test>\n"
        "Objet\u00a0: [PD-1] Imprimante en feu",
        "-----Message d'origine-----",
    ),
    "es": (
        "Gracias, ya funciona.",
        "El lun, 2 mar 2026 a las 10:05, Northwind Support (<support@northwind.test>) escribió:",
        "De: Northwind Support <support@northwind.test>\n"
        "Enviado: lunes, 2 de marzo de 2026 10:05\nPara: Jo <jo@shop.test>\n"
        "Asunto: [PD-1] Impresora en llamas",
        "-----Mensaje original-----",
    ),
    "it": (
        "Grazie, ora funziona.",
        "Il giorno lun 2 mar 2026 alle ore 10:05 Northwind Support "
        "<support@northwind.test> ha scritto:",
        "Da: Northwind Support <support@northwind.test>\n"
        "Inviato: lunedì 2 marzo 2026 10:05\nA: Jo <jo@shop.test>\n"
        "Oggetto: [PD-1] Stampante in fiamme",
        "-----Messaggio originale-----",
    ),
    "nl": (
        "Bedankt, het werkt nu.",
        "Op ma 2 mrt 2026 om 10:05 schreef Northwind Support <support@northwind.test>:",
        "Van: Northwind Support <support@northwind.test>\n"
        "Verzonden: maandag 2 maart 2026 10:05\nAan: Jo <jo@shop.test>\n"
        "Onderwerp: [PD-1] Printer in brand",
        "-----Oorspronkelijk bericht-----",
    ),
    "pt": (
        "Obrigado, já funciona.",
        "Em seg., 2 de mar. de 2026 às 10:05, Northwind Support <support@northwind.test> escreveu:",
        "De: Northwind Support <support@northwind.test>\n"
        "Enviada: segunda-feira, 2 de março de 2026 10:05\nPara: Jo <jo@shop.test>\n"
        "Assunto: [PD-1] Impressora em chamas",
        "-----Mensagem original-----",
    ),
    "pl": (
        "Dziękuję, już działa.",
        "pon., 2 mar 2026 o 10:05 Northwind Support <support@northwind.test> napisał(a):",
        "Od: Northwind Support <support@northwind.test>\n"
        "Wysłano: poniedziałek, 2 marca 2026 10:05\nDo: Jo <jo@shop.test>\n"
        "Temat: [PD-1] Drukarka się pali",
        "-----Oryginalna wiadomość-----",
    ),
    "sv": (
        "Tack, det fungerar nu.",
        "Den mån 2 mars 2026 kl 10:05 skrev Northwind Support <support@northwind.test>:",
        "Från: Northwind Support <support@northwind.test>\n"
        "Skickat: den 2 mars 2026 10:05\nTill: Jo <jo@shop.test>\n"
        "Ämne: [PD-1] Skrivaren brinner",
        "-----Ursprungligt meddelande-----",
    ),
    "ja": (
        "ありがとうございます。直りました。",
        "2026年3月2日(月) 10:05 Northwind Support <support@northwind.test>:",
        "差出人: Northwind Support <support@northwind.test>\n"
        "送信日時: 2026年3月2日 10:05\n宛先: Jo <jo@shop.test>\n"
        "件名: [PD-1] プリンターが燃えています",
        "-----元のメッセージ-----",
    ),
    "zh": (
        "谢谢，现在好了。",
        "在 2026年3月2日 周一 10:05，Northwind Support <support@northwind.test> 写道：",
        "发件人: Northwind Support <support@northwind.test>\n"
        "发送时间: 2026年3月2日 10:05\n收件人: Jo <jo@shop.test>\n"
        "主题: [PD-1] 打印机着火了",
        "-----原始邮件-----",
    ),
}
CASES = (
    [
        pytest.param(
            f"{new}\n\n{attribution}\n{OLD}",
            new,
            f"{attribution}\n{OLD}",
            id=f"{language}-attribution",
        )
        for language, (new, attribution, _, _) in LANGUAGES.items()
    ]
    + [
        pytest.param(
            f"{new}\n\n{block}\n\n{OUTLOOK_OLD}",
            new,
            f"{block}\n\n{OUTLOOK_OLD}",
            id=f"{language}-outlook",
        )
        for language, (new, _, block, _) in LANGUAGES.items()
    ]
    + [
        pytest.param(
            f"{new}\n{separator}\n{block}\n\n{OUTLOOK_OLD}",
            new,
            f"{separator}\n{block}\n\n{OUTLOOK_OLD}",
            id=f"{language}-separator",
        )
        for language, (new, _, block, separator) in LANGUAGES.items()
    ]
    + [
        pytest.param(f"{new}\n\n{OLD}\n", new, OLD, id=f"{language}-quote")
        for language, (new, _, _, _) in LANGUAGES.items()
    ]
)


@pytest.mark.parametrize(("text", "new", "quoted"), CASES)
def test_history_is_recognised_in_every_language(text: str, new: str, quoted: str) -> None:
    assert quoted_split(text) == (new, quoted)


@pytest.mark.parametrize(
    ("attribution"),
    [
        "On Mon, 2 Mar 2026 at 10:05, Northwind Support\n<support@northwind.test> wrote:",
        "Am Mo., 2. März 2026 um 10:05 Uhr schrieb Northwind\nSupport <support@northwind.test>:",
        "Le lun. 2 mars 2026 à 10:05, Northwind Support <\nsupport@northwind.test> a écrit :",
        "El lun, 2 mar 2026 a las 10:05, Northwind Support\n(<support@northwind.test>)\nescribió:",
        "Il giorno lun 2 mar 2026 alle ore 10:05 Northwind Support <\n"
        "support@northwind.test> ha scritto:",
        "Op ma 2 mrt 2026 om 10:05 schreef Northwind Support <\nsupport@northwind.test>:",
        "Em seg., 2 de mar. de 2026 às 10:05, Northwind Support <\n"
        "support@northwind.test> escreveu:",
        "W dniu 2.03.2026 o 10:05, Northwind Support\n<support@northwind.test> pisze:",
        "pon., 2 mar 2026 o 10:05 Northwind Support <support@northwind.test>\nnapisał(a):",
        "Den mån 2 mars 2026 kl 10:05 skrev Northwind Support <\nsupport@northwind.test>:",
        "2026年3月2日(月) 10:05 Northwind Support <\nsupport@northwind.test>:",
        "2026/03/02 10:05、Northwind Support さんは書きました:",
        "在 2026年3月2日 周一 10:05，Northwind Support <\nsupport@northwind.test> 写道：",
        "Northwind Support <support@northwind.test> 於 2026年3月2日 週一\n上午10:05寫道：",
        "Northwind Support <support@northwind.test> 于2026年3月2日周一 10:05写道：",
    ],
)
def test_wrapped_and_other_attributions(attribution: str) -> None:
    text = f"Thanks.\n\n{attribution}\n\n{OLD}"
    assert quoted_split(text) == ("Thanks.", f"{attribution}\n\n{OLD}")


@pytest.mark.parametrize(
    "text",
    [
        "From: the warehouse we got 3 boxes\nTwo of them were open.",
        "Am Montag schrieb ich Ihnen schon\nwegen der Rechnung 5120.",
        "Am Montag schrieb ich Ihnen schon:\ndie Rechnung fehlt.",
        "Op de website staat: 3 dagen levertijd.\nDat klopt niet.",
        "Le 2 mars, nous avons écrit au transporteur.",
        "Von: Lager Nord, 3 Kartons\nAn: die Buchhaltung",
        "De: São Paulo para Lisboa em 2 dias\nObrigado.",
        "Od: poniedziałku nie działa.\nProszę o pomoc.",
        "差出人: 山田\n至急お願いします。",
        "He wrote: on 2 March it broke:",
        "Jo napisał(a):",
        "-----\nSignature",
    ],
)
def test_lines_that_only_look_like_history_stay_text(text: str) -> None:
    assert quoted_split(text) == (text, "")


def test_a_german_gmail_reply_keeps_no_attribution() -> None:
    parsed = mail_parse(corpus("reply_german_attribution.eml"))
    assert parsed.text == "Danke, der Zugang funktioniert jetzt."
    assert parsed.quoted == (
        "Am Mo., 30. Nov. 2026 um 09:05 Uhr schrieb Northwind Outfitters "
        "<support@northwind.test>:\n\n"
        "> Hello Pat Example,\n>\n"
        "> We have received your request and logged it as PD-646. An agent will answer "
        "you soon;\n> reply to this message to add anything.\n>\n"
        "> -- Northwind Outfitters support"
    )
