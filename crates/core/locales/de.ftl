## followup: Deutsch. Translated from en.ftl, which explains the arguments.

## Datum und Uhrzeit

weekday-1 = Mo.
weekday-2 = Di.
weekday-3 = Mi.
weekday-4 = Do.
weekday-5 = Fr.
weekday-6 = Sa.
weekday-7 = So.
month-1 = Jan.
month-2 = Feb.
month-3 = März
month-4 = Apr.
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = Aug.
month-9 = Sept.
month-10 = Okt.
month-11 = Nov.
month-12 = Dez.
date-format = { $weekday }, { $day }. { $month }
instant-format = { $date }, { $hour }:{ $minute } Uhr ({ $zone })
zone-city = Ortszeit { $city }
zone-name = { $name }
list-separator = {", "}
questions-separator = {" / "}

## Wiederkehrende Teile

part-contact = { $contact_name ->
    [none] den Arbeitgeber
   *[other] { $contact_name }
}
part-contact-dative = { $contact_name ->
    [none] dem Arbeitgeber
   *[other] { $contact_name }
}
part-contact-nom = { $contact_name ->
    [none] der Arbeitgeber
   *[other] { $contact_name }
}
part-contact-start = { $contact_name ->
    [none] Der Arbeitgeber
   *[other] { $contact_name }
}
part-promised = { part-contact-start } hat { $promised ->
    [call] einen Anruf
    [email] eine E-Mail
   *[decision] eine Entscheidung
} bis { $promised_by } zugesagt
part-rules = ({ $rules })
part-question = { $question ->
    [where_in_process] „Wo stehen Sie im Auswahlprozess?“
    [compare_to_ideal] „Wie schneide ich im Vergleich zu Ihrer idealen Besetzung ab?“
   *[other_candidates] „Wie viele andere Bewerber ziehen Sie in Betracht?“
}
questions-where_in_process = „Wo stehen Sie im Auswahlprozess?“
questions-compare_to_ideal = „Wie schneide ich im Vergleich zu Ihrer idealen Besetzung ab?“
questions-other_candidates = „Wie viele andere Bewerber ziehen Sie in Betracht?“
terms-base_salary = Grundgehalt
terms-bonus = Bonus
terms-equity = Beteiligung
terms-start_date = Startdatum
terms-deadline_to_answer = Antwortfrist

## Aktionen

reason-influence_letter = Vorstellungsgespräch am { $interviewed_at }: Schicken Sie { part-contact-dative } bis { $window_end } einen Brief darüber, was Sie in Ihren ersten sechs Monaten erreichen würden { part-rules }
reason-interview_booked = Vorstellungsgespräch mit { part-contact-dative } bei { $company } am { $interview_at }: Bereiten Sie sich am Tag davor vor.{ $questions ->
    [none] {""}
   *[other] {" "}Fragen Sie dort: { $questions }.
} Notieren Sie, was Sie in Ihren ersten sechs Monaten erreichen würden: Danach geht der Brief dazu hinaus. { part-rules }
reason-no_best_time = Keine gute Zeit für einen Anruf bei { $manager_name } bekannt: Fragen Sie { part-contact }, wann es gut passt, und lernen Sie sie oder ihn kennen { part-rules }
reason-question_open = Fragen Sie { part-contact } beim nächsten Gespräch: { part-question } { part-rules }
reason-promise_pending = { part-promised }: Warten Sie bis { $due_at }, bevor Sie nach dem Stand fragen { part-rules }

part-offer = { $offer_company } hat Ihnen ein Angebot gemacht{ $deadline ->
    [none] {""}
   *[other] , zu beantworten bis { $deadline }
}
part-deadline-of = { $deadline ->
    [none] {""}
   *[other] {" "}am { $deadline }
}
part-outreach = { $channel ->
    [phone] Rufen Sie { part-contact }
   *[other] Schreiben Sie { part-contact-dative }
}{ $first_thing ->
    [true] {" "}gleich am { $due_on } morgens
   *[other] {" "}am { $due_at }
}{ $channel ->
    [phone] {" "}an
   *[other] {""}
}{ $purpose ->
    [collaboration] {" "}und bieten Sie an, die Entscheidung voranzubringen
    [share_status] {" "}und sagen Sie, wo Sie stehen
   *[other] {" "}und fragen Sie nach dem Stand
}{ $window_end ->
    [none] {""}
   *[other] , spätestens am { $window_end }
}{ $channel_forced ->
    [true] { $channel ->
        [phone] , wie gewünscht telefonisch
       *[other] , nicht telefonisch (nur per E-Mail erreichbar)
    }
   *[other] {""}
}{ $cap_period_days ->
    [none] {""}
   *[other] , frühestens { $cap_period_days } Tage nach Ihrer letzten E-Mail
}{ $latest_share_at ->
    [none] {""}
   *[other] , spät: Das Angebot kam nach { $latest_share_at }, dem letzten guten Zeitpunkt, es zu erwähnen, also sofort{ $deadline ->
        [none] {""}
       *[other] , vor der Frist am { $deadline }
    }
}{ $urgent_call ->
    [true] , telefonisch, weil das Abwarten der wöchentlichen E-Mail-Grenze die Frist des Angebots{ part-deadline-of } verpassen würde
   *[other] { $cap_overridden ->
        [true] , auch wenn das die wöchentliche E-Mail-Grenze überschreitet, weil Warten die Frist des Angebots{ part-deadline-of } verpassen würde
       *[other] {""}
    }
}{ $out_of_office ->
    [true] , wenn { part-contact-nom } aus der Abwesenheit zurück ist
   *[other] {""}
}{ $best_time ->
    [none] {""}
   *[other] , in der besten Zeit für { part-contact } ({ $best_time })
}{ $no_voicemail ->
    [true] , ohne eine Nachricht auf der Mailbox zu hinterlassen
   *[other] {""}
} { part-rules }

reason-promise_missed = { part-promised }; nichts kam. { part-outreach }
reason-call_unanswered = { part-contact-start } hat am { $called_at } nicht abgenommen: { part-outreach }
reason-silence = Keine Nachricht seit { $last_heard_on }: { part-outreach }
reason-offer_elsewhere = { part-offer }: { part-outreach }
reason-offer_elsewhere_too_late = { part-offer }, aber { part-contact-nom } ist erst ab { $reachable_at } erreichbar{ $out_of_office ->
    [true] {" "}(abwesend)
   *[other] {""}
}: zu spät, um es { $company } mitzuteilen, also entscheiden Sie, ohne auf sie zu warten { part-rules }
reason-ghosted = { $follow_ups ->
    [none] Keine Nachricht{ $last_heard_on ->
        [none] {""}
       *[other] {" "}seit { $last_heard_on }
    }, seit über { $days } Tagen
   *[other] { $follow_ups } Nachfassversuche{ $last_heard_on ->
        [none] {" "}und nie eine Antwort
       *[other] , seit Sie am { $last_heard_on } zuletzt von ihnen gehört haben
    }
}: Vielleicht haben sie jemand anderen eingestellt oder intern besetzt. Erwägen Sie, { $company } als „ghosted“ zu markieren und Ihre Energie anderswo einzusetzen; nichts wird gelöscht { part-rules }
reason-rejection_received = { $company } hat am { $said_on } abgesagt{ $rejection_reason ->
    [competing_candidate] {" "}(jemand anderes hat die Stelle bekommen)
    [internal_promotion] {" "}(sie ging an eine interne Besetzung)
    [position_cancelled] {" "}(die Stelle wurde gestrichen)
    [unknown] {" "}(ohne Angabe von Gründen)
   *[other] {""}
}: Verschieben Sie sie nach „abgelehnt“; das Nachfassen endet hier { part-rules }
reason-gracious_close = Wenn Sie möchten, danken Sie { part-contact-dative } für die Zeit und bitten Sie darum, bei künftigen Stellen bei { $company } an Sie zu denken: eine offene Tür, kein Bitten; bis { $until } { part-rules }
reason-offer_received = { $company } hat Ihnen am { $offered_on } ein Angebot gemacht: Verschieben Sie es nach „Angebot“, damit es für die anderen zählt und die Schlussphase beginnt { part-rules }
reason-offer_terms_missing = Bitten Sie { part-contact } um das Angebot in schriftlicher Form: { $terms } fehlen noch, und die Entscheidung hängt davon ab { part-rules }
reason-offer_deadline_near = Das Angebot von { $company } ist bis { $deadline } zu beantworten, { $business_days_left ->
    [one] noch ein Werktag
   *[other] noch zwei Werktage
}: Wägen Sie es gegen die anderen ab und entscheiden Sie, oder bitten Sie um mehr Zeit, solange das geht { part-rules }
reason-extension_needed = { $other_company } hat keine Entscheidung bis { $deadline } zugesagt, wenn das Angebot von { $company } beantwortet sein muss: Bitten Sie { part-contact } um etwas mehr Zeit und sagen Sie, wo Sie stehen { part-rules }
reason-few_open = Ein Angebot ist vielleicht nah ({ $near_offer } in der letzten Runde oder mit Angebot), aber nur { $others_open ->
    [one] eine andere Bewerbung ist
   *[other] { $others_open } andere Bewerbungen sind
} aktiv: Suchen Sie weiter und bewerben Sie sich diese Woche auf { $applications } weitere Stellen. Geben Sie nie auf { part-rules }

## Warnungen

reason-email_cap_exceeded = { $emails } Nachfass-E-Mails an { $company ->
    [none] { part-contact }
   *[other] { $company }
} innerhalb von { $cap_period_days } Tagen: Mehr als { $cap_max_emails } wirkt aufdringlich{ $next_at ->
    [none] {""}
   *[other] ; schicken Sie die nächste frühestens am { $next_at }
} { part-rules }
reason-voicemail_left = Hinterlassen Sie keine Nachricht auf der Mailbox: Legen Sie auf und rufen Sie weiter an, bis { part-contact-nom } abnimmt { part-rules }
reason-message_with_assistant = Hinterlassen Sie keine Nachricht im Sekretariat: Sagen Sie „Ich bin viel unterwegs, ich versuche es einfach weiter“ und fragen Sie, wann es gut passt { part-rules }
reason-email_only_contact = { part-contact-start } ist nur per E-Mail erreichbar: Schreiben Sie, statt anzurufen { part-rules }
reason-follow_up_before_promise = { part-promised }: Vorher nach dem Stand zu fragen, kann aufdringlich wirken; warten Sie { part-rules }
reason-possible_duplicate = Eine offene Bewerbung für { $title } bei { $company } gibt es schon: Haben Sie sich bereits beworben?
reason-clock_ahead = { $field } lag { $ahead_seconds } Sekunden vor der Uhr des Servers (geht die Uhr des Geräts vor?): Es wurde mit der Zeit des Servers gespeichert, { $recorded_at }

## Gründe für Stillstand

reason-inactive = Seit { $days } Tagen keine Aktivität (die Schwelle ist { $threshold_days }).
reason-promises_broken = { $promises ->
    [one] Ein Arbeitgeber hat eine Zusage nicht eingehalten
   *[other] Arbeitgeber haben { $promises } Zusagen nicht eingehalten
}: Fassen Sie gleich am nächsten Werktag morgens nach.
reason-only_finals = Außer { $finals ->
    [one] der Bewerbung in der letzten Runde
   *[other] den { $finals } Bewerbungen in der letzten Runde
} ist nichts offen: Bewerben Sie sich weiter, solange die Entscheidung aussteht.
reason-caps_broken = { $breaches ->
    [one] Eine Nachfass-Grenze wurde einmal überschritten
   *[other] Nachfass-Grenzen wurden { $breaches }-mal überschritten
}: Mehr wirkt aufdringlich.

## Entwürfe

draft-greeting = { $contact_name ->
    [none] Guten Tag,
   *[other] Hallo { $contact_name },
}
draft-signature = Viele Grüße
    { $seeker_name }
draft-influence_letter-subject = Meine ersten sechs Monate als { $title }
draft-influence_letter-body =
    { draft-greeting }

    vielen Dank für unser Gespräch am { $interview_on } über die Stelle als { $title } bei { $company }. Ich habe darüber nachgedacht, was ich in meinen ersten sechs Monaten erreichen möchte:

    { $plan ->
        [none] [Zwei oder drei konkrete Ziele für Ihre ersten sechs Monate.]
       *[other] { $plan }
    }{ $strengths ->
        [none] {""}
       *[other] {"\u000A"}{"\u000A"}Meine Erfahrung in { $strengths } würde mir helfen, schnell dorthin zu kommen.
    }

    Ich freue mich darauf, unser Gespräch fortzusetzen.

    { draft-signature }
draft-status_email-subject = { $purpose ->
    [collaboration] Die Stelle als { $title }: die nächsten Schritte
    [share_status] Wo ich stehe: die Stelle als { $title }
   *[other] Die Stelle als { $title } bei { $company }
}
draft-status_email-body =
    { draft-greeting }

    { $purpose ->
        [collaboration] unsere Gespräche über die Stelle als { $title } haben mich sehr begeistert, und ich wollte gern wissen, wo die Dinge stehen. Wenn es hilft, überlege ich gern mit Ihnen, wie wir weiterkommen: Ich treffe gern weitere Personen aus dem Team oder bereite vor, was Ihnen hilft.
        [share_status] ich möchte Sie wissen lassen, wo ich stehe. Ich habe ein Angebot von einem anderen Unternehmen erhalten { $deadline ->
            [none] und muss bald antworten
           *[other] und soll mich bis { $deadline } entscheiden
        }. Die Stelle als { $title } bei { $company } interessiert mich weiterhin sehr, deshalb wollte ich, dass Sie das wissen, bevor ich mich entscheide. Kann ich Ihnen etwas geben, das bei Ihrem Zeitplan hilft?
       *[other] nochmals vielen Dank für unsere Gespräche über die Stelle als { $title } bei { $company }. Ich wollte gern wissen, wo die Dinge stehen und ob ich noch etwas beitragen kann, das Ihnen bei der Entscheidung hilft.{"\u000A"}{"\u000A"}Die Stelle interessiert mich weiterhin sehr.
    }

    { draft-signature }
draft-gracious_close-subject = Vielen Dank: { $title }
draft-gracious_close-body =
    { draft-greeting }

    vielen Dank für Ihre Nachricht und für die Zeit, die Sie und das Team sich genommen haben. Ich habe unsere Gespräche über die Stelle als { $title } geschätzt und viel über { $company } gelernt. Ich würde mich freuen, wenn Sie bei künftigen Stellen an mich denken, und hoffe, dass sich unsere Wege wieder kreuzen.

    Ich wünsche Ihnen und dem Team alles Gute.

    { draft-signature }
draft-review_offer-subject = Das Angebot für die Stelle als { $title } in schriftlicher Form
draft-review_offer-body =
    { draft-greeting }

    vielen Dank für das Angebot für die Stelle als { $title } bei { $company }. Unsere Gespräche haben mich sehr begeistert, und ich möchte dem Angebot die Aufmerksamkeit geben, die es verdient. Könnten Sie mir das Angebot schriftlich schicken, mit { $terms }? Alles an einem Ort hilft mir, Ihnen eine klare Antwort zu geben.

    { draft-signature }
draft-decide_offer-subject = Ihr Angebot für die Stelle als { $title }
draft-decide_offer-body =
    { draft-greeting }

    vielen Dank für das Angebot für die Stelle als { $title } bei { $company } und dafür, dass ich bis { $deadline } Zeit für meine Entscheidung habe. Ich möchte Sie wissen lassen, wo ich stehe: [Ich nehme das Angebot sehr gern an und freue mich auf den Start / Nach reiflicher Überlegung habe ich mich entschieden, abzusagen, und ich bin dankbar für die Zeit, die Sie und das Team mir geschenkt haben].

    { draft-signature }
draft-ask_for_extension-subject = Das Angebot für die Stelle als { $title }: der Zeitplan
draft-ask_for_extension-body =
    { draft-greeting }

    nochmals vielen Dank für das Angebot für die Stelle als { $title }. Ich möchte Sie wissen lassen, wo ich stehe: Ich bin in der letzten Runde bei einem anderen Unternehmen und erwarte bald eine Antwort. Ihr Angebot bedeutet mir viel, und ich möchte Ihnen eine überlegte statt einer überstürzten Antwort geben. Wäre es möglich, dass ich mich bis eine Woche nach dem { $deadline } entscheide?

    { draft-signature }
draft-call_script-body = Wenn { $contact_name ->
    [none] die einstellende Person
   *[other] { $contact_name }
} abnimmt: „{ $purpose ->
    [collaboration] Unsere Gespräche haben mich sehr begeistert, und ich wollte gern wissen, wo die Dinge stehen. Wenn es hilft, überlege ich gern mit, wie wir weiterkommen.
    [share_status] Ich möchte Sie wissen lassen, wo ich stehe: Ich habe ein Angebot von einem anderen Unternehmen{ $deadline ->
        [none] {""}
       *[other] {" "}und muss bis { $deadline } antworten
    }. Die Stelle als { $title } interessiert mich weiterhin sehr.
   *[other] Ich wollte gern wissen, wo die Dinge bei der Stelle als { $title } stehen und ob ich noch etwas beitragen kann.
}“{ $no_voicemail ->
    [true] {"\u000A"}Wenn das Sekretariat abnimmt: „Ich bin viel unterwegs, ich versuche es einfach weiter.“ Fragen Sie, wann { $contact_name ->
        [none] die einstellende Person
       *[other] { $contact_name }
    } gut zu erreichen ist.{"\u000A"}Wenn die Mailbox anspringt: Legen Sie ohne Nachricht auf und versuchen Sie es später wieder.
   *[other] {""}
}
draft-ask_assistant_email-subject = Wann ist { $manager_name } gut zu erreichen?
draft-ask_assistant_email-body =
    { draft-greeting }

    vielen Dank für Ihre Hilfe im Auswahlprozess für die Stelle als { $title }. Wann ist { $manager_name } am besten telefonisch zu erreichen? Ich bin viel unterwegs, ich versuche es einfach weiter.

    { draft-signature }
draft-ask_assistant_call-body = Fragen Sie { $contact_name ->
    [none] das Sekretariat
   *[other] { $contact_name }
}: „Wann ist { $manager_name } gut zu erreichen?“ Nehmen Sie sich einen Moment, { $contact_name ->
    [none] das Sekretariat
   *[other] { $contact_name }
} kennenzulernen. Wenn { $manager_name } nicht da ist: „Ich bin viel unterwegs, ich versuche es einfach weiter.“ Hinterlassen Sie keine Nachricht.

## Titel der Aktionen (Kalender, Morgen-E-Mail)

action-send_influence_letter = Den Brief zu den ersten sechs Monaten schicken
action-send_follow_up_email = Eine Nachfass-E-Mail schicken
action-call = Anrufen
action-share_status = Sagen, wo Sie stehen
action-offer_collaboration = Anbieten, die Entscheidung voranzubringen
action-ask_question = Eine Frage zum Auswahlprozess stellen
action-ask_assistant = Das Sekretariat nach einer guten Zeit fragen
action-apply_more = Sich auf weitere Stellen bewerben
action-mark_ghosted = Erwägen, sie als „ghosted“ zu markieren
action-wait = Warten
action-confirm_rejection = Die Absage eintragen
action-send_gracious_close = Danken und die Tür offen lassen
action-confirm_offer = Das Angebot eintragen
action-review_offer = Um das schriftliche Angebot bitten
action-decide_offer = Über das Angebot entscheiden
action-ask_for_extension = Um mehr Bedenkzeit bitten
action-prepare_interview = Sich auf das Gespräch vorbereiten

## Die Morgen-E-Mail

digest-subject = Ihre Nachfassaktionen für { $date }: { $count ->
    [one] 1 Aktion
   *[other] { $count } Aktionen
}
digest-greeting = Guten Morgen { $name },
digest-intro = das ist heute, { $date }, zu tun, der Reihe nach.
digest-overdue = überfällig seit { $date }, { $time } Uhr
digest-at = um { $time } Uhr
digest-by-email = per E-Mail
digest-by-phone = telefonisch
digest-why = Warum
digest-mind = Beachten
digest-draft = Entwurf
digest-draft-subject = Betreff
digest-open-draft = Den Entwurf im Mailprogramm öffnen
digest-footer = Sie erhalten diese E-Mail, weil Sie die Morgen-E-Mail eingeschaltet haben.
digest-stop = Mit einem Klick abbestellen:
digest-unsubscribe = Abbestellen
constraint-no_voicemail = keine Nachricht auf der Mailbox: auflegen und später wieder versuchen
constraint-no_message_with_assistant = keine Nachricht im Sekretariat hinterlassen
constraint-best_time_only = nur in der besten Zeit des Kontakts anrufen
constraint-cap_overridden = trotz der wöchentlichen E-Mail-Grenze gesendet: Warten würde eine Frist verpassen
